"""Rule 3 (the flattened size) broken: the size worked out as if pooling rounded up, wrong for odd
sides (the layers, the arguments and the 12×12 boundary are right)."""
REPLACE = {"lenet5_for_answer": [
    ("h, w = ((height // 2) - 4) // 2, ((width // 2) - 4) // 2",
     "h, w = (((height + 1) // 2) - 4 + 1) // 2, (((width + 1) // 2) - 4 + 1) // 2\n"
     "    if height < 12 or width < 12:\n        h = w = 0"),
]}
