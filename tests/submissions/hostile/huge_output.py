"""A correct answer that then prints 100 MB: the output is cut off, the grade is not affected."""
APPEND = {"leaky_relu_answer": "for _ in range(100):\n    print('x' * 1_000_000)\n"}
