"""Wrong: "cleans" the result with nan_to_num, which turns NaN into 0 (and ±inf into huge finite values)."""
REPLACE = {"leaky_relu_answer": [("result = torch.where(input > 0, input, input * negative_slope)",
                                  "result = torch.nan_to_num(torch.where(input > 0, input, input * negative_slope))")]}
