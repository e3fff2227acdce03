"""A correct answer that answers its first two calls at once (the first visible test passes) and
every later call just under the per-call limit: the notebook's total time budget stops it, the
tests that finished keep their points (the two visible tests: 2), the others get
"time limit exceeded (the notebook's total of ... s)"."""
APPEND = {"leaky_relu_answer": '''
import time
_answer, _calls = leaky_relu, [0]
def leaky_relu(input, negative_slope=0.01, inplace=False):
    _calls[0] += 1
    if _calls[0] > 2:
        time.sleep(12)
    return _answer(input, negative_slope, inplace)
'''}
