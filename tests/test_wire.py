"""The student's replies are decoded in bounded memory and time (issue 14, §3): no pickle, sizes
checked before anything is allocated, modules rebuilt on the meta device and shape-checked."""

import json
import os
import struct
import time

import pytest
import torch
from torch import nn

from autograder.sandbox import wire
from autograder.sandbox.stand_ins import Session


def _pipe_with(data: bytes):
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    return read


def _reply(message):
    read, write = os.pipe()
    wire.send_reply(write, message)
    os.close(write)
    try:
        return wire.receive_reply(read, time.monotonic() + 5)
    finally:
        os.close(read)


def _frame(header, body=b""):
    head = json.dumps(header).encode()
    return struct.pack("<QQ", len(head), len(body)) + head + body


def test_plain_data_and_tensors_round_trip():
    x = torch.arange(6.0).reshape(2, 3).t()                       # non-contiguous
    message = {"result": (x, [torch.tensor(True), None, 1.5, float("nan")], "t\udc80xt"),
               "mutated": {"0": torch.zeros(0, 3, dtype=torch.int64)}, "b": torch.ones(3, dtype=torch.bfloat16)}
    got = _reply(message)
    assert torch.equal(got["result"][0], x) and got["result"][0].dtype == torch.float32
    assert got["result"][1][0].item() is True and got["result"][1][1:3] == [None, 1.5]
    assert got["result"][1][3] != got["result"][1][3] and got["result"][2] == "t\ufffdxt"
    assert got["mutated"]["0"].shape == (0, 3) and got["b"].dtype == torch.bfloat16
    assert isinstance(got["result"], tuple)


@pytest.mark.parametrize("frame,reason", [
    (struct.pack("<QQ", 12 * 2**20, 0), "header of 12582912 bytes is larger than allowed"),
    (struct.pack("<QQ", 10, 2**40), "a reply of 1099511627776 bytes is larger than allowed"),
    (_frame({"$tensor": ["float32", [10**9]]}, bytes(16)), "take 4000000000 bytes decoded, more than allowed"),
    (_frame({"$tensor": ["float32", [4]]}, bytes(32)), "its length does not match"),
    (_frame({"$tensor": ["object", [1]]}, bytes(16)), "a tensor description"),
    (_frame({"$pickle": "x"}), "an unknown value"),
    (_frame({"$dict": [[1, 2]]}), "a dict entry"),
    (struct.pack("<QQ", 5, 0) + b"[[[[[", "malformed reply (JSONDecodeError)"),
    (_frame(json.loads("[" * 40 + "]" * 40)), "nested too deeply"),
])
def test_replies_over_a_limit_or_malformed_are_refused_before_allocating(frame, reason):
    read = _pipe_with(frame)
    try:
        with pytest.raises(wire.WireError, match=reason.replace("(", r"\(").replace(")", r"\)")):
            wire.receive_reply(read, time.monotonic() + 5)
    finally:
        os.close(read)


def test_a_slow_reply_is_a_time_limit():
    read, write = os.pipe()
    os.write(write, struct.pack("<QQ", 2, 0))
    try:
        with pytest.raises(wire.WireError, match="time limit exceeded"):
            wire.receive_reply(read, time.monotonic() + 0.3)
    finally:
        os.close(read)
        os.close(write)


def _rebuild(spec):
    return Session(process=None)._rebuild_module(spec)


def test_modules_are_rebuilt_on_meta_and_checked_before_memory():
    linear = nn.Linear(3, 2)
    spec = {"__module__": "Linear", "training": False, "args": {"in_features": 3, "out_features": 2, "bias": True},
            "state": {k: v.detach().clone() for k, v in linear.state_dict().items()}}
    rebuilt = _rebuild(spec)
    assert type(rebuilt) is nn.Linear and not rebuilt.training and torch.equal(rebuilt.weight, linear.weight)
    huge = dict(spec, args={"in_features": 100_000, "out_features": 100_000, "bias": True})
    with pytest.raises(TypeError, match="weights are not those of Linear|is not a torch.float32 tensor of shape"):
        _rebuild(huge)
    huge["state"] = {"weight": torch.zeros(2, 3), "bias": torch.zeros(2)}
    with pytest.raises(TypeError, match=r"weight is not a torch.float32 tensor of shape \(100000, 100000\)"):
        _rebuild(huge)
    with pytest.raises(TypeError, match="not a plain value"):
        _rebuild(dict(spec, args={"in_features": [3] * 10, "out_features": 2}))


def test_a_probe_goes_by_name_and_no_other_value_has_an_attribute_read():
    """A test hands course.probes' functions to the student's code by name; anything else it cannot
    send is refused without reading one of its attributes (a stand-in for a student's object
    answers attribute reads from the student's process)."""
    from course.probes import PROBES

    class AnswersEveryAttribute:
        def __getattr__(self, name):
            raise RuntimeError(f"{name} was read")

    encode = Session(process=None).encode_args
    assert encode([PROBES["cube"], {"f": PROBES["row_mix"]}], []) == [{"__probe__": "cube"}, {"f": {"__probe__": "row_mix"}}]
    with pytest.raises(TypeError, match="cannot send a AnswersEveryAttribute"):
        encode(AnswersEveryAttribute(), [])
    with pytest.raises(TypeError, match="cannot send a function"):
        encode(lambda x: x, [])
