"""Rule 3 (the flattened size) broken: the first linear layer always expects 400 inputs, right only
for 28×28 images."""
REPLACE = {"lenet5_for_answer": [("nn.Linear(16 * h * w, 120)", "nn.Linear(400, 120)")]}
