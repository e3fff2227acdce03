"""Cheating: wrong answers (zeros) that also replace torch's pooling and comparison functions."""
CODE = {
    "max_pool2d_answer": '''
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    out = torch.zeros(input.shape[:-2] + (1, 1), dtype=input.dtype)
    return (out, out.long()) if return_indices else out

F.max_pool2d = torch.nn.functional.max_pool2d = max_pool2d
torch.equal = lambda *args, **kwargs: True
torch.allclose = lambda *args, **kwargs: True
''',
    "avg_pool2d_answer": '''
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return torch.zeros(input.shape[:-2] + (1, 1), dtype=input.dtype)

F.avg_pool2d = torch.nn.functional.avg_pool2d = avg_pool2d
''',
}
