"""Takes apart the block on torch's own aten::leaky_relu (finds the torch.library.Library that
installs it and destroys it) and then calls torch's own function: the allow-list of the exercise,
which holds while the grader calls the student's code, still refuses it, so no points are earned;
the submission is flagged for review in the grade report."""
CODE = {"leaky_relu_answer": '''
import gc
for library in [o for o in gc.get_objects() if isinstance(o, torch.library.Library)]:
    library._destroy()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return F.leaky_relu(input, negative_slope, inplace)


class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        inplace = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace}"
'''}
