"""Rule 2 (the arguments) broken: always 10 outputs, whatever num_classes says."""
REPLACE = {"lenet5_for_answer": [("nn.Linear(84, num_classes)", "nn.Linear(84, 10)")]}
