"""Rule 4 (too small) broken: the ValueError's message does not contain the word "small"."""
REPLACE = {"lenet5_for_answer": [("input is too small for LeNet-5", "input cannot pass LeNet-5")]}
