"""Rule 1 (the layers) broken: ReLU where LeNet-5 has Sigmoid (shapes and sizes unchanged)."""
REPLACE = {"lenet5_for_answer": [("nn.Linear(120, 84), nn.Sigmoid(),", "nn.Linear(120, 84), nn.ReLU(),")]}
