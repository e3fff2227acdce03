"""A correct answer whose process then answers every call with 12 MB of pickled empty sets in
the old framing (once 3.27 GB in the grader): refused from its first 16 bytes, nothing decoded;
the tests get 0 with the reason."""
APPEND = {"leaky_relu_answer": '''
import struct
from autograder.sandbox import wire
_send = wire.send_reply
_sets = b"\\x80\\x04](" + b"\\x8f" * 12_000_000 + b"e."           # [set(), set(), ...] pickled, 12 MB
def _bomb(fd, message):
    if isinstance(message, dict) and "result" in message:
        wire._write_all(fd, struct.pack("<Q", len(_sets)) + _sets)
    else:
        _send(fd, message)
wire.send_reply = _bomb
'''}
