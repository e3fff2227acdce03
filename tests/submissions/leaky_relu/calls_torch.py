# Forbidden: calls torch's own implementation.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    return torch.nn.functional.leaky_relu(input, negative_slope, inplace)
