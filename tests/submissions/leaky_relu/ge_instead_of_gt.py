# Wrong: `>=` sends 0 to the positive branch, so the gradient at 0 is 1 instead of the slope.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    result = torch.where(input >= 0, input, input * negative_slope)
    return input.copy_(result) if inplace else result
