# Wrong module: extra_repr always prints inplace, and the module ignores its own inplace flag.
def leaky_relu(input, negative_slope=0.01, inplace=False):
    result = torch.where(input > 0, input, input * negative_slope)
    return input.copy_(result) if inplace else result


class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}, inplace={self.inplace}"
