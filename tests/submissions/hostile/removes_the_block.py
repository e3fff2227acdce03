"""Takes apart the block on torch's own aten::leaky_relu (finds the torch.library.Library that
installs it and destroys it) and then calls torch's own function: the allow-list of the exercise,
which holds while the grader calls the student's code, still refuses it, so no points are earned;
the submission is flagged for review in the grade report."""
PREPEND = {"leaky_relu_answer": '''
import gc
for library in [o for o in gc.get_objects() if isinstance(o, torch.library.Library)]:
    library._destroy()


'''}
REPLACE = {"leaky_relu_answer": [
    ("result = torch.where(input > 0, input, input * negative_slope)",
     "return F.leaky_relu(input, negative_slope, inplace)"),
]}
