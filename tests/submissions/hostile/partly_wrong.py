"""A partly wrong answer: `>=` instead of `>` loses the gradient and slope tests (12 of 16)."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0,", "torch.where(input >= 0,")]}
