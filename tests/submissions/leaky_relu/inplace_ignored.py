"""Wrong: inplace=True returns a new tensor and leaves the input as it was."""
REPLACE = {"leaky_relu_answer": [("    if inplace:\n        return input.copy_(result)\n", "")]}
