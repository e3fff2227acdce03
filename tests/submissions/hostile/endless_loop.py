"""The answer cell defines everything, then never finishes."""
APPEND = {"leaky_relu_answer": "while True:\n    pass\n"}
