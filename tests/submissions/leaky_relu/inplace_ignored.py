# Wrong: inplace=True returns a new tensor and leaves the input as it was.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    return torch.where(input > 0, input, input * negative_slope)
