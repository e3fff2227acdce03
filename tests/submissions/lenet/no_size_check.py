"""Rule 4 (too small) broken: no check, an 11×11 image gets a network with nothing to classify."""
REPLACE = {"lenet5_for_answer": [("    if h < 1 or w < 1:\n        raise ValueError(", "    if False:\n        raise ValueError(")]}
