# Wrong: "cleans" the result with nan_to_num, which turns NaN into 0 (and ±inf into huge finite values).
def leaky_relu(input, negative_slope=0.01, inplace=False):
    result = torch.nan_to_num(torch.where(input > 0, input, input * negative_slope))
    return input.copy_(result) if inplace else result
