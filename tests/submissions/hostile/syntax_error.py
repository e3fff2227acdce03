"""The answer cell does not parse."""
PREPEND = {"leaky_relu_answer": "def broken(:\n    pass\n"}
