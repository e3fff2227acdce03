"""Honest: the linear layer with tensordot and a flatten to rows with mm, the Function's backward
unpacking its own way, the gradient check by one-hot steps built from arange. Full marks."""
CODE = {"linear_answer": '''
def linear_forward(x, weight, bias=None):
    out = torch.tensordot(x, weight, dims=([-1], [1]))
    return out + bias if bias is not None else out


def linear_backward(grad_output, x, weight):
    n_out, n_in = weight.shape
    g = grad_output.reshape(-1, n_out)
    rows = x.reshape(-1, n_in)
    return (g.mm(weight)).reshape(x.shape), g.t().mm(rows), g.sum(0)
''', "gradient_check_answer": '''
def relative_error(a, b):
    diff = (a - b).abs()
    scale = (a.abs() + b.abs()).clamp_min(1e-8)
    return float((diff / scale).max())


def numerical_gradient(f, x, grad_output, h=1e-5):
    flat = x.reshape(-1)
    columns = []
    for i in range(flat.numel()):
        e = (torch.arange(flat.numel()) == i).to(x.dtype).reshape(x.shape)
        columns.append(((f(x + h * e) * grad_output).sum() - (f(x - h * e) * grad_output).sum()) / (2 * h))
    return torch.stack(columns).reshape(x.shape) if columns else torch.zeros_like(x)
'''}
