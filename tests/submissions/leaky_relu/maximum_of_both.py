# Wrong: max(x, slope * x) equals LeakyReLU only for 0 <= slope <= 1, and splits the gradient at 0.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    result = torch.maximum(input, input * negative_slope)
    return input.copy_(result) if inplace else result
