"""Wrong: max(x, slope·x) equals LeakyReLU only for 0 <= slope <= 1: loses the slopes rule (its split
gradient at 0 is not graded)."""
REPLACE = {"leaky_relu_answer": [("result = torch.where(input > 0, input, input * negative_slope)",
                                  "result = torch.maximum(input, input * negative_slope)")]}
