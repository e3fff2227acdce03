"""A correct answer whose process then describes every result as `nn.Linear(100000, 100000)`
(40 GB if the grader built it) with no weights: rebuilt on the meta device, its weights checked
against the expected shapes, refused before any memory is taken."""
APPEND = {"leaky_relu_answer": '''
from autograder.sandbox import wire
_send = wire.send_reply
def _module(fd, message):
    if isinstance(message, dict) and "result" in message:
        message = dict(message, result={"__module__": "Linear", "training": True, "state": {},
                                        "args": {"in_features": 100000, "out_features": 100000, "bias": True}})
    _send(fd, message)
wire.send_reply = _module
'''}
