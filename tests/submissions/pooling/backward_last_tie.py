"""Wrong backward: it finds the maximum again instead of using the forward's indices, and among tied
maxima sends the gradient to the last one; torch (and the forward) take the first."""
CODE = {"max_pool2d_backward_answer": '''
class MaxPool2dFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        ctx.save_for_backward(input)
        ctx.settings = (kernel_size, stride, padding, dilation, ceil_mode)
        return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        x = input.unsqueeze(0) if input.dim() == 3 else input
        windows = pool_windows(x, *ctx.settings, fill=float("-inf"))                 # (N, C, oh, ow, K)
        height, width = x.shape[2:]
        plane = torch.arange(height * width).reshape(1, 1, height, width)
        origin = pool_windows(plane, *ctx.settings, fill=-1)[0, 0].expand(windows.shape)
        last = windows.shape[-1] - 1 - windows.flip(-1).argmax(-1, keepdim=True)   # the last maximum
        where = origin.gather(-1, last).squeeze(-1)
        grad = torch.zeros_like(x).flatten(-2)
        grad.scatter_add_(-1, where.flatten(-2), grad_output.reshape(where.shape).flatten(-2))
        return grad.reshape(input.shape), None, None, None, None, None


def max_pool2d_by_hand(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return MaxPool2dFunction.apply(input, kernel_size, stride, padding, dilation, ceil_mode)
'''}
