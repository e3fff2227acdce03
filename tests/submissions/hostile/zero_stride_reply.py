"""A correct answer whose process then describes every result as a float32 tensor of 10^9
elements sent in 16 bytes (what a zero-stride tensor is in memory): refused on its decoded size,
nothing allocated."""
APPEND = {"leaky_relu_answer": '''
import json, struct
from autograder.sandbox import wire
_send = wire.send_reply
def _claim(fd, message):
    if isinstance(message, dict) and "result" in message:
        header = json.dumps({"$dict": [["result", {"$tensor": ["float32", [10**9]]}], ["mutated", {"$dict": []}]]}).encode()
        wire._write_all(fd, struct.pack("<QQ", len(header), 16) + header + bytes(16))
    else:
        _send(fd, message)
wire.send_reply = _claim
'''}
