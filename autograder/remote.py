"""The grader's side of a student's sandboxed process: start it, and stand-ins for what it defines.

The test cells run in the grader's process with these stand-ins in place of the student's
functions and classes. A call sends its arguments over a pipe, the student's process runs the
student's code on them, and the result comes back as plain tensors and data; gradients flow
through :class:`_RemoteCall`, an autograd function whose backward asks the student's process for
the input gradients. Nothing the student's process sends can run code here, and what it sends
is checked before it takes memory (:func:`autograder.wire.receive_reply`).
"""

from __future__ import annotations

import builtins
import itertools
import os
import signal
import time
from pathlib import Path

import torch
from torch import nn

from autograder import sandbox, wire
from autograder.limits import Limits
from course.probes import PROBES

_RAISABLE = {"ValueError", "TypeError", "RuntimeError", "AssertionError", "IndexError", "KeyError",
             "NotImplementedError", "ZeroDivisionError", "AttributeError", "NameError", "OverflowError",
             "ArithmeticError", "MemoryError", "RecursionError", "LookupError"}


class StudentProcessGone(RuntimeError):
    """The student's process ended, timed out or misbehaved; every later request fails with this."""


class StudentError(RuntimeError):
    """An exception of a type that is not re-raised as itself (raised by the student's code)."""


def _raise_student_error(error: dict):
    name, message = str(error.get("type", "Error")), str(error.get("message", ""))
    if error.get("builtin") and name in _RAISABLE:
        raise getattr(builtins, name)(message)
    raise StudentError(f"{name}: {message}")


def rule_message(rule) -> dict:
    """An :class:`course.rules.Exercise` as plain data for the student's process."""
    return {"name": rule.name, "shortcuts": sorted(rule.shortcuts), "no_autograd": rule.no_autograd,
            "allowed": None if rule.allowed is None else sorted(rule.allowed)}


class StudentProcess:
    """One student's notebook running in the sandbox, from start to :meth:`close`."""

    def __init__(self, workdir: Path, data_dir: Path, *, memory_bytes: int, call_seconds: float,
                 sandbox_on: bool = True, output_limit: int = Limits.output_bytes, total_seconds: float | None = None,
                 max_processes: int = Limits.max_processes, scratch_bytes: int = Limits.scratch_bytes):
        self.workdir, self.call_seconds, self.memory_bytes = Path(workdir), call_seconds, memory_bytes
        self.total_seconds, self.peak_bytes = total_seconds, None
        self._end = None if total_seconds is None else time.monotonic() + total_seconds
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        self.process = sandbox.start(self.workdir, data_dir, to_child_r, from_child_w,
                                     memory_bytes=memory_bytes, sandbox=sandbox_on, max_processes=max_processes,
                                     scratch_bytes=scratch_bytes)
        os.close(to_child_r)
        os.close(from_child_w)
        self.output_limit = output_limit
        self.gone: str | None = None
        self._calls = itertools.count(1)

    def run(self, cells, exports, forbidden, seconds: float, rules=None) -> dict:
        """Send the cells and wait (at most ``seconds``) until they have run; the ready message.
        ``forbidden``: torch's own versions of the exercises (blocked for good); ``rules``: exported
        name → :class:`course.rules.Exercise`, held while a call of that function (or of what it
        returned) runs."""
        self._send({"cells": cells, "exports": list(exports), "forbidden": sorted(forbidden),
                    "rules": {name: rule_message(rule) for name, rule in (rules or {}).items()},
                    "output_file": str(self.workdir / "output.log"), "output_limit": self.output_limit})
        return self._receive(seconds)

    def request(self, message: dict):
        if self.gone:
            raise StudentProcessGone(self.gone)
        self._send(message)
        reply = self._receive(self.call_seconds)
        if not isinstance(reply, dict):
            self._fail("the notebook's process sent a malformed reply")
        if "error" in reply:
            _raise_student_error(reply["error"] if isinstance(reply["error"], dict) else {})
        return reply

    def _send(self, message):
        try:
            wire.send(self._to_child, message)
        except OSError:
            self._fail(self._why_gone("the notebook's process ended"))

    def _receive(self, seconds: float):
        deadline, total = time.monotonic() + seconds, False
        if self._end is not None and self._end < deadline:
            deadline, total = self._end, True
        try:
            return wire.receive_reply(self._from_child, deadline)
        except wire.WireError as exc:
            reason = str(exc)
            if reason == "time limit exceeded":
                reason = (f"time limit exceeded (the notebook's total of {self.total_seconds:g} s)" if total
                          else f"time limit exceeded ({seconds:g} s)")
            self._fail(self._why_gone(reason))

    def _why_gone(self, default: str) -> str:
        try:
            code = self.process.wait(timeout=2 if "time limit" not in default else 0.01)
        except Exception:  # noqa: BLE001 - still running: the default reason stands
            return default
        if code > 128:                  # bwrap reports a child killed by signal N as 128 + N
            code = 128 - code
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            group = getattr(self.process, "cgroup", None)
            if group is not None and group.oom_killed():
                return (f"the notebook's process was killed by signal {name}: its sandbox reached its memory "
                        f"limit ({self.memory_bytes / 1024**3:g} GiB for all its processes and files)")
            return f"the notebook's process was killed by signal {name}"
        return f"the notebook's process ended (exit code {code})"

    def _fail(self, reason: str):
        self.gone = self.gone or reason
        self.close()
        raise StudentProcessGone(self.gone)

    def close(self) -> None:
        """End the sandbox: every process in it (its cgroup where there is one), then the pipes."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        group = getattr(self.process, "cgroup", None)
        if group is not None:
            self.peak_bytes = group.peak_bytes()
            group.remove()
            self.process.cgroup = None
        self.process.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._to_child = self._from_child = -1

    # -- encoding the grader's values ------------------------------------------------------------
    def encode_args(self, value, tensors: list):
        if isinstance(value, torch.Tensor):
            tensors.append(value)
            return {"__tensor__": len(tensors) - 1}
        if isinstance(value, RemoteModule):
            return {"__handle__": value._handle}
        probe = next((name for name, function in PROBES.items() if value is function), None)
        if probe is not None:                                # course.probes: looked up by name there
            return {"__probe__": probe}                      # (identity only: no attribute is read)
        if isinstance(value, (list, tuple)):
            return type(value)(self.encode_args(v, tensors) for v in value)
        if isinstance(value, dict):
            return {k: self.encode_args(v, tensors) for k, v in value.items()}
        if isinstance(value, torch.dtype):
            return {"__dtype__": str(value).removeprefix("torch.")}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise TypeError(f"the grader cannot send a {type(value).__name__} to the student's code")

    def decode(self, value, tensors=(), outputs=None):
        """A reply's value as grader-side objects; ``outputs`` replaces returned tensors in order."""
        if isinstance(value, torch.Tensor):
            if type(value) is not torch.Tensor:
                raise TypeError("the student's code returned a Tensor subclass")
            return next(outputs) if outputs is not None else value
        if isinstance(value, dict):
            if "__arg__" in value:
                return tensors[value["__arg__"]]
            if "__invalid__" in value:
                raise TypeError(f"the student's code returned {value['__invalid__']}, not a torch.Tensor")
            if "__dtype__" in value:
                return getattr(torch, str(value["__dtype__"]))
            if "__remote__" in value:
                return (RemoteModule if value.get("kind") == "module" else RemoteObject)(self, value)
            if "__module__" in value:
                return self._rebuild_module(value)
            return {k: self.decode(v, tensors, outputs) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.decode(v, tensors, outputs) for v in value)
        return value

    def _rebuild_module(self, spec: dict) -> nn.Module:
        """A genuine torch layer built from the description of a standard one (never unpickled):
        built on the ``meta`` device first (no memory), its expected weights' shapes and dtypes
        checked against those received, then given the received tensors (no new allocation)."""
        name = spec.get("__module__")
        if name not in wire.MODULE_ARGUMENTS:
            raise TypeError(f"unknown layer type {name!r}")
        training = spec.get("training")
        if name == "Sequential":
            children = spec.get("children")
            if not isinstance(children, (list, tuple)):
                raise TypeError("a Sequential without a list of layers")
            return nn.Sequential(*[self.decode(child) for child in children]).train(training is True)
        allowed = set(wire.MODULE_ARGUMENTS[name]) | ({"bias"} if name in wire.HAS_BIAS else set())
        given = spec.get("args")
        args = {k: _module_argument(k, v) for k, v in (given if isinstance(given, dict) else {}).items() if k in allowed}
        with torch.device("meta"):
            module = getattr(nn, name)(**args)
        expected = module.state_dict()
        state = spec.get("state", {})
        if not isinstance(state, dict) or set(state) != set(expected):
            raise TypeError(f"the {name}'s weights are not those of {name}({args})")
        for key, want in expected.items():
            got = state[key]
            if type(got) is not torch.Tensor or got.shape != want.shape or got.dtype != want.dtype:
                raise TypeError(f"the {name}'s {key} is not a {want.dtype} tensor of shape {tuple(want.shape)}")
        module.load_state_dict(state, strict=True, assign=True)
        if any(t.is_meta for t in (*module.parameters(), *module.buffers())):
            raise TypeError(f"the {name} has tensors that did not cross the wire")
        return module.train(training is True)

    # -- calls ---------------------------------------------------------------------------------
    def call(self, target: dict, args, kwargs):
        tensors: list[torch.Tensor] = []
        encoded = (self.encode_args(list(args), tensors), self.encode_args(dict(kwargs), tensors))
        if torch.is_grad_enabled() and any(t.requires_grad for t in tensors):
            return _remote_call_with_grad(self, target, encoded, tensors)
        reply = self.request({"op": "call", **target, "call": next(self._calls), "args": encoded[0],
                              "kwargs": encoded[1], "tensors": [t.detach() for t in tensors],
                              "requires_grad": [False] * len(tensors)})
        with torch.no_grad():
            for index, value in reply.get("mutated", {}).items():
                tensors[int(index)].copy_(value)
        return self.decode(reply["result"], tensors)


def _module_argument(name: str, value):
    """A layer's constructor argument from the student's process: plain and bounded, or refused."""
    def small(v):
        return v is None or isinstance(v, (bool, float, str)) or (isinstance(v, int) and abs(v) <= 2**31)
    if small(value) and not (isinstance(value, str) and len(value) > 20):
        return value
    if isinstance(value, (list, tuple)) and len(value) <= 4 and all(isinstance(v, int) and small(v) for v in value):
        return tuple(value)
    raise TypeError(f"the layer argument {name} is not a plain value")


def _flat_tensors(value, found):
    if isinstance(value, torch.Tensor):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _flat_tensors(v, found)
    return found


class _RemoteCall(torch.autograd.Function):
    """Forward: the student's function, in the student's process. Backward: its gradient, likewise."""

    @staticmethod
    def forward(ctx, box, *tensors):
        session, target, encoded = box["session"], box["target"], box["encoded"]
        ctx.session, ctx.call, ctx.n_inputs = session, next(session._calls), len(tensors)
        reply = session.request({"op": "call", **target, "call": ctx.call, "args": encoded[0], "kwargs": encoded[1],
                                 "tensors": [t.detach() for t in tensors],
                                 "requires_grad": [t.requires_grad for t in tensors]})
        raw = reply["result"]
        outputs = [o.clone() for o in _flat_tensors(raw, [])]
        box["structure"] = raw
        box["count"] = len(outputs)
        for o in outputs:
            if not o.is_floating_point():
                ctx.mark_non_differentiable(o)
        return tuple(outputs)

    @staticmethod
    def backward(ctx, *grads):
        reply = ctx.session.request({"op": "backward", "call": ctx.call,
                                     "grads": [None if g is None else g.detach() for g in grads]})
        returned = list(reply["grads"])[:ctx.n_inputs]
        return (None, *returned, *([None] * (ctx.n_inputs - len(returned))))


def _remote_call_with_grad(session, target, encoded, tensors):
    box = {"session": session, "target": target, "encoded": encoded}
    outputs = _RemoteCall.apply(box, *tensors)
    return session.decode(box["structure"], tensors, iter(outputs))


class RemoteFunction:
    """Stands in for a function defined by the student's code."""

    def __init__(self, session: StudentProcess, name: str):
        self._session, self.__name__ = session, name

    def __call__(self, *args, **kwargs):
        return self._session.call({"export": self.__name__}, args, kwargs)

    def __repr__(self):
        return f"<the student's {self.__name__}>"


class RemoteObject:
    """Any other object of the student's: callable, attributes readable, repr."""

    def __init__(self, session: StudentProcess, description: dict):
        self._session, self._handle = session, description["__remote__"]
        self._class = description.get("class", "object")

    def __call__(self, *args, **kwargs):
        return self._session.call({"handle": self._handle}, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        reply = self._session.request({"op": "getattr", "handle": self._handle, "name": name})
        return self._session.decode(reply["result"])

    def __repr__(self):
        return self._session.request({"op": "repr", "handle": self._handle})["result"]


class RemoteClass(RemoteFunction):
    """Stands in for a class defined by the student's code: calling it builds an instance there."""


class RemoteModule(nn.Module):
    """Stands in for an ``nn.Module`` of the student's own class: usable inside grader-side models."""

    def __init__(self, session: StudentProcess, description: dict):
        super().__init__()
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_handle", description["__remote__"])
        object.__setattr__(self, "_class", description.get("class", "Module"))

    def forward(self, *args, **kwargs):
        return self._session.call({"handle": self._handle}, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("_") or name in ("training",):
            return super().__getattr__(name)
        reply = self._session.request({"op": "getattr", "handle": self._handle, "name": name})
        return self._session.decode(reply["result"])      # plain data, or a stand-in (e.g. a method)

    def extra_repr(self):
        return self._session.call({"handle": self._handle, "method": "extra_repr"}, (), {})

    def __repr__(self):
        return self._session.request({"op": "repr", "handle": self._handle})["result"]

    def _get_name(self):
        return self._class


def stand_in(session: StudentProcess, name: str, kind: str):
    """The grader-side stand-in for an exported name of the given kind ("callable", "class", ...)."""
    if kind == "class":
        return RemoteClass(session, name)
    return RemoteFunction(session, name)
