# Wrong: the slope is applied to the positive side.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    result = torch.where(input > 0, input * negative_slope, input)
    return input.copy_(result) if inplace else result
