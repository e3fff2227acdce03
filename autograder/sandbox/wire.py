"""The messages between the grader and a student's sandboxed process: framing and bounded decoding.

Grader → student: one ``torch.save`` payload behind an 8-byte length (the student's process
decodes it with ``torch.load(weights_only=True)``; it comes from the grader, and keeps the
strides of non-contiguous inputs).

Student → grader (:func:`send_reply` / :func:`receive_reply`): no pickle. A reply is a JSON
header (at most ``MAX_HEADER`` bytes) that describes plain data — ``None``, bools, numbers,
strings, lists, ``{"$tuple": [...]}``, ``{"$dict": [[key, value], ...]}`` and
``{"$tensor": [dtype, shape]}`` — followed by each tensor's elements, contiguous, in order, each
starting at a multiple of 16 bytes. The grader checks the header before it reads the rest: every
tensor's decoded size (elements × element size, so an expanded or zero-stride tensor counts at its
full size: it crosses at its full size), their sum against ``MAX_REPLY`` and against the declared
length, the nesting depth and the number of values. Only then are the bytes read, within the same
deadline, and the tensors are views of that one buffer: the grader never holds more than the
declared size. Nothing here trusts the other side.
"""

from __future__ import annotations

import io
import json
import math
import os
import select
import struct
import time

import torch

MAX_MESSAGE = 256 * 1024 * 1024         # grader → student
MAX_REPLY = 128 * 1024 * 1024           # student → grader: the decoded size of all its tensors
MAX_HEADER = 1024 * 1024                # student → grader: the JSON that describes the reply
MAX_DEPTH = 32
MAX_VALUES = 100_000
ALIGN = 16

DTYPES = {name: getattr(torch, name) for name in (
    "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
    "complex64", "complex128")}


class WireError(RuntimeError):
    """The other side sent nothing in time, closed the pipe, or sent something malformed or too large."""


def _write_all(fd: int, data) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def send(fd: int, message) -> None:
    """Grader → student: a ``torch.save`` payload."""
    buffer = io.BytesIO()
    torch.save(message, buffer)
    data = buffer.getvalue()
    _write_all(fd, struct.pack("<Q", len(data)) + data)


def _read_exactly(fd: int, size: int, deadline: float | None, into: bytearray | None = None):
    buffer = into if into is not None else bytearray(size)
    view, done = memoryview(buffer), 0
    while done < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WireError("time limit exceeded")
        got = os.readv(fd, [view[done:size]]) if size - done else 0
        if not got:
            raise WireError("the student's process ended")
        done += got
    return buffer


def receive(fd: int, deadline: float | None = None):
    """Student side: the grader's next message (``deadline``: a ``time.monotonic()`` value)."""
    (size,) = struct.unpack("<Q", bytes(_read_exactly(fd, 8, deadline)))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes is larger than allowed")
    data = bytes(_read_exactly(fd, size, deadline))
    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except Exception as exc:
        raise WireError(f"a malformed message ({type(exc).__name__})") from None


# -- student → grader ------------------------------------------------------------------------------

def _padded(size: int) -> int:
    return -(-size // ALIGN) * ALIGN


def _describe(value, tensors: list, depth: int = 0):
    if depth > MAX_DEPTH:
        raise ValueError("the reply is nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, torch.Tensor):
        tensors.append(value)
        return {"$tensor": [str(value.dtype).removeprefix("torch."), list(value.shape)]}
    if isinstance(value, tuple):
        return {"$tuple": [_describe(v, tensors, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_describe(v, tensors, depth + 1) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[k, _describe(v, tensors, depth + 1)] for k, v in value.items()]}
    raise TypeError(f"a {type(value).__name__} cannot be sent to the grader")


def send_reply(fd: int, message) -> None:
    """Student → grader: ``message`` (plain data and tensors) in the bounded format."""
    tensors: list[torch.Tensor] = []
    header = json.dumps(_describe(message, tensors)).encode("utf-8", "surrogatepass")
    blobs = []
    for tensor in tensors:
        flat = tensor.detach().cpu().contiguous().reshape(-1)
        raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
        blobs.append(raw + bytes(_padded(len(raw)) - len(raw)))
    body = b"".join(blobs)
    _write_all(fd, struct.pack("<QQ", len(header), len(body)) + header + body)


class _Decoder:
    """Checks a reply's header and turns it into Python values, tensors last (see the module doc)."""

    def __init__(self):
        self.tensors: list[tuple[torch.dtype, tuple[int, ...]]] = []
        self.values = 0

    def plain(self, value, depth: int = 0):
        self.values += 1
        if depth > MAX_DEPTH or self.values > MAX_VALUES:
            raise WireError("a reply nested too deeply or with too many values")
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            from autograder.intake.submission import clean_text
            return clean_text(value)
        if isinstance(value, list):
            return [self.plain(v, depth + 1) for v in value]
        if isinstance(value, dict) and len(value) == 1:
            (tag, inner), = value.items()
            if tag == "$tuple" and isinstance(inner, list):
                return tuple(self.plain(v, depth + 1) for v in inner)
            if tag == "$dict" and isinstance(inner, list):
                out = {}
                for pair in inner:
                    if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                        raise WireError("a malformed reply (a dict entry)")
                    out[self.plain(pair[0], depth + 1)] = self.plain(pair[1], depth + 1)
                return out
            if tag == "$tensor":
                return self.tensor(inner)
        raise WireError("a malformed reply (an unknown value)")

    def tensor(self, description):
        if not (isinstance(description, list) and len(description) == 2 and description[0] in DTYPES
                and isinstance(description[1], list) and len(description[1]) <= 16
                and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**48 for n in description[1])):
            raise WireError("a malformed reply (a tensor description)")
        self.tensors.append((DTYPES[description[0]], tuple(description[1])))
        return _TensorSlot(len(self.tensors) - 1)

    def sizes(self) -> list[int]:
        """Each tensor's decoded size in bytes: its elements × its element size (Python ints)."""
        return [math.prod(shape) * torch.empty((), dtype=dtype).element_size() for dtype, shape in self.tensors]


class _TensorSlot:
    def __init__(self, index: int):
        self.index = index


def _fill(value, tensors):
    if isinstance(value, _TensorSlot):
        return tensors[value.index]
    if isinstance(value, list):
        return [_fill(v, tensors) for v in value]
    if isinstance(value, tuple):
        return tuple(_fill(v, tensors) for v in value)
    if isinstance(value, dict):
        return {k: _fill(v, tensors) for k, v in value.items()}
    return value


def receive_reply(fd: int, deadline: float | None = None, max_bytes: int = MAX_REPLY):
    """Grader side: the student's next reply, checked before anything is allocated for it.

    Raises :class:`WireError` for a reply that is late (decoding included), malformed, or whose
    tensors would take more than ``max_bytes`` once decoded."""
    header_size, body_size = struct.unpack("<QQ", bytes(_read_exactly(fd, 16, deadline)))
    if header_size > MAX_HEADER:
        raise WireError(f"a reply header of {header_size} bytes is larger than allowed ({MAX_HEADER})")
    if body_size > max_bytes:
        raise WireError(f"a reply of {body_size} bytes is larger than allowed ({max_bytes})")
    try:
        header = json.loads(bytes(_read_exactly(fd, header_size, deadline)).decode("utf-8", "surrogatepass"))
        decoder = _Decoder()
        value = decoder.plain(header)
    except WireError:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise WireError(f"a malformed reply ({type(exc).__name__})") from None
    sizes = decoder.sizes()
    if sum(sizes) > max_bytes:
        raise WireError(f"a reply whose tensors take {sum(sizes)} bytes decoded, more than allowed ({max_bytes})")
    if sum(_padded(s) for s in sizes) != body_size:
        raise WireError("a malformed reply (its length does not match its tensors)")
    body = _read_exactly(fd, body_size, deadline)
    tensors, offset = [], 0
    for (dtype, shape), size in zip(decoder.tensors, sizes):
        if size == 0:
            tensors.append(torch.empty(shape, dtype=dtype))
        else:
            tensors.append(torch.frombuffer(body, dtype=torch.uint8, count=size, offset=offset)
                           .view(dtype).reshape(shape))
        offset += _padded(size)
    if deadline is not None and time.monotonic() > deadline:
        raise WireError("time limit exceeded")
    return _fill(value, tensors)


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
