"""A wrong answer, and the visible test cells deleted from the notebook."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0, input, input * negative_slope)",
                                  "torch.where(input > 0, input * negative_slope, input)")]}
DELETE = ["test_leaky_relu_visible", "test_module_visible"]
