"""Honest: the linear layer with einsum and broadcasting sums, the gradient check on copies of x and
the relative error with torch.maximum, returning a 0-d tensor. Full marks."""
CODE = {"linear_answer": '''
def linear_forward(x, weight, bias=None):
    out = torch.einsum("...i,oi->...o", x, weight)
    if bias is not None:
        out = out + bias
    return out


def linear_backward(grad_output, x, weight):
    grad_input = torch.einsum("...o,oi->...i", grad_output, weight)
    grad_weight = (grad_output.unsqueeze(-1) * x.unsqueeze(-2)).reshape(-1, *weight.shape).sum(0)
    grad_bias = grad_output.reshape(-1, weight.shape[0]).sum(dim=0)
    return grad_input, grad_weight, grad_bias
''', "gradient_check_answer": '''
def relative_error(a, b):
    return (torch.abs(a - b) / torch.maximum(torch.abs(a) + torch.abs(b), torch.tensor(1e-8, dtype=a.dtype))).max()


def numerical_gradient(f, x, grad_output, h=1e-5):
    grad = torch.empty_like(x).reshape(-1)
    for i in range(x.numel()):
        step = torch.zeros(x.numel(), dtype=x.dtype)
        step[i] = h
        step = step.reshape(x.shape)
        grad[i] = ((f(x + step) - f(x - step)) * grad_output).sum() / (2 * h)
    return grad.reshape(x.shape)
'''}
