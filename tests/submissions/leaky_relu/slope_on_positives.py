"""Wrong: the slope is applied to the positive side."""
REPLACE = {"leaky_relu_answer": [("torch.where(input > 0, input, input * negative_slope)",
                                  "torch.where(input > 0, input * negative_slope, input)")]}
