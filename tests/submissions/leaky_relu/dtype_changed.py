"""Wrong: computes in float32 whatever the input dtype, and returns float32."""
REPLACE = {"leaky_relu_answer": [("result = torch.where(input > 0, input, input * negative_slope)",
                                  "x = input.float()\n    result = torch.where(x > 0, x, x * negative_slope)")]}
