"""Takes both layers apart: destroys the block on torch's own aten::leaky_relu (the
torch.library.Library) and, inside each call and each backward, switches off the allow-list's
dispatch mode before calling torch's own function and its gradient. Code in the student's own
process can do that: the results are right, so the points are earned, and the submission is
flagged for review in the grade report."""
PREPEND = {"leaky_relu_answer": '''
import gc
from torch.utils._python_dispatch import _disable_current_modes
for library in [o for o in gc.get_objects() if isinstance(o, torch.library.Library)]:
    library._destroy()


class _TorchsOwn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, negative_slope):
        ctx.save_for_backward(input)
        ctx.negative_slope = negative_slope
        with _disable_current_modes():
            return F.leaky_relu(input, negative_slope)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        with _disable_current_modes():
            return torch.ops.aten.leaky_relu_backward(grad_output, input, ctx.negative_slope, False), None


'''}
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
    "if inplace:\n        with _disable_current_modes():\n            return F.leaky_relu(input, negative_slope, True)\n"
    "    return _TorchsOwn.apply(input, negative_slope)",
)]}
