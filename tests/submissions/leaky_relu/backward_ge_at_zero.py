"""Wrong backward: `>=` sends 0 to the positive branch, so the gradient at 0 is 1 instead of the slope
(gradcheck away from 0 cannot see it; the worked example and the hidden tests do)."""
REPLACE = {"leaky_relu_function_answer": [("torch.where(input > 0, grad_output,", "torch.where(input >= 0, grad_output,")]}
