"""max_pool2d and avg_pool2d zero their input in place and return zeros of the right shape: a test
that computed its expected values from the input after the call would pass them; the input is now
copied before the call and checked unchanged. Only the untouched pool_windows earns (1 point)."""
CODE = {
    "max_pool2d_answer": '''
def _zeros_like_output(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = input.unsqueeze(0) if input.dim() == 3 else input
    windows = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode)
    out = torch.zeros(windows.shape[:4], dtype=input.dtype)
    return out[0] if input.dim() == 3 else out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    out = _zeros_like_output(input, kernel_size, stride, padding, dilation, ceil_mode)
    with torch.no_grad():
        input.zero_()
    return (out, out.long()) if return_indices else out
''',
    "avg_pool2d_answer": '''
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    out = _zeros_like_output(input, kernel_size, stride, padding, 1, ceil_mode)
    with torch.no_grad():
        input.zero_()
    return out
''',
}
