# Wrong: computes in float32 whatever the input dtype, and returns float32.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    x = input.float()
    result = torch.where(x > 0, x, x * negative_slope)
    if inplace:
        input.copy_(result)
        return input
    return result
