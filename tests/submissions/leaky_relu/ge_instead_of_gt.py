"""Not wrong under the stated rules: `>=` sends 0 to the positive branch, which changes only the sign of
a zero and autograd's gradient at the kink (graded only in the backward by hand): full marks."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0,", "torch.where(input >= 0,")]}
