"""Forbidden: max pooling through torch's 3-D max pooling on a depth-1 volume. The backward
exercise's forward is this max_pool2d, so it fails too; pool_windows and avg_pool2d keep their points."""
CODE = {"max_pool2d_answer": '''
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    kernel, step, pad, dil = pool_arguments(kernel_size, stride, padding, dilation)
    out = F.max_pool3d(input.unsqueeze(-3), (1, *kernel), (1, *step), (0, *pad), (1, *dil), ceil_mode, return_indices)
    return (out[0].squeeze(-3), out[1].squeeze(-3)) if return_indices else out.squeeze(-3)
'''}
