"""Wrong: `>=` sends 0 to the positive branch, so the gradient at 0 is 1 instead of the slope."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0,", "torch.where(input >= 0,")]}
