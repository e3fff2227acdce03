"""The messages between the grader and a student's sandboxed process: framing and safe decoding.

Every message is one ``torch.save`` payload behind an 8-byte length. The grader decodes what the
student's process sends with ``torch.load(weights_only=True)``, which builds tensors and plain
containers only and never runs code, and it refuses messages larger than ``MAX_MESSAGE`` or
slower than the deadline. Nothing here trusts the other side.
"""

from __future__ import annotations

import io
import os
import select
import struct
import time

import torch

MAX_MESSAGE = 256 * 1024 * 1024


class WireError(RuntimeError):
    """The other side sent nothing in time, closed the pipe, or sent something malformed."""


def send(fd: int, message) -> None:
    buffer = io.BytesIO()
    torch.save(message, buffer)
    data = buffer.getvalue()
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WireError("time limit exceeded")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WireError("the student's process ended")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None):
    """The next message, decoded safely; ``deadline`` is a ``time.monotonic()`` value."""
    (size,) = struct.unpack("<Q", _read_exactly(fd, 8, deadline))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes is larger than allowed")
    data = _read_exactly(fd, size, deadline)
    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except Exception as exc:
        raise WireError(f"a malformed message ({type(exc).__name__})") from None


# Standard layers that cross the wire as a description and are rebuilt on the grader's side as
# genuine torch modules: the attribute names that are their constructor's arguments.
MODULE_ARGUMENTS = {
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "padding_mode"),
    "Linear": ("in_features", "out_features"),
    "AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
    "MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"),
    "Sigmoid": (), "Tanh": (), "ReLU": ("inplace",), "ReLU6": ("inplace",), "Hardswish": ("inplace",),
    "LeakyReLU": ("negative_slope", "inplace"), "Flatten": ("start_dim", "end_dim"),
    "BatchNorm1d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "BatchNorm2d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "Dropout": ("p", "inplace"), "Identity": (), "Sequential": (),
}
HAS_BIAS = {"Conv2d", "Linear"}
