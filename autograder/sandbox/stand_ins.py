"""The grader's side of the calls into a student's process: the values' encoding both ways, and
the stand-ins that take the place of the student's functions and classes in the test cells.

A call (:meth:`Session.call`) sends its arguments over the pipe (tensors as tensors, a
``course.probes`` function by its name, a stand-in by its handle), the student's process runs the
student's code on them, and the result comes back as plain tensors and data, decoded here
(:meth:`Session.decode`: a standard layer rebuilt from its description, never unpickled; anything
else of the student's as a stand-in). Gradients flow through :class:`_RemoteCall`, an autograd
function whose backward asks the student's process for the input gradients.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from autograder.sandbox import protocol, wire
from autograder.sandbox.remote import StudentProcess
from course.probes import PROBES


class Session:
    """The calls into one :class:`~autograder.sandbox.remote.StudentProcess` (one per graded notebook)."""

    def __init__(self, process: StudentProcess):
        self.process = process
        self._calls = itertools.count(1)

    def request(self, message: dict):
        return self.process.request(message)

    # -- encoding the grader's values ------------------------------------------------------------
    def encode_args(self, value, tensors: list):
        if isinstance(value, torch.Tensor):
            tensors.append(value)
            return {protocol.TENSOR: len(tensors) - 1}
        if isinstance(value, RemoteModule):
            return {protocol.HANDLE: value._handle}
        probe = next((name for name, function in PROBES.items() if value is function), None)
        if probe is not None:                                # course.probes: looked up by name there
            return {protocol.PROBE: probe}                      # (identity only: no attribute is read)
        if isinstance(value, (list, tuple)):
            return type(value)(self.encode_args(v, tensors) for v in value)
        if isinstance(value, dict):
            return {k: self.encode_args(v, tensors) for k, v in value.items()}
        if isinstance(value, torch.dtype):
            return {protocol.DTYPE: str(value).removeprefix("torch.")}
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
            if protocol.ARGUMENT in value:
                return tensors[value[protocol.ARGUMENT]]
            if protocol.INVALID in value:
                raise TypeError(f"the student's code returned {value['__invalid__']}, not a torch.Tensor")
            if protocol.DTYPE in value:
                return getattr(torch, str(value[protocol.DTYPE]))
            if protocol.REMOTE in value:
                return (RemoteModule if value.get("kind") == "module" else RemoteObject)(self, value)
            if protocol.MODULE in value:
                return self._rebuild_module(value)
            return {k: self.decode(v, tensors, outputs) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.decode(v, tensors, outputs) for v in value)
        return value

    def _rebuild_module(self, spec: dict) -> nn.Module:
        """A genuine torch layer built from the description of a standard one (never unpickled):
        built on the ``meta`` device first (no memory), its expected weights' shapes and dtypes
        checked against those received, then given the received tensors (no new allocation)."""
        name = spec.get(protocol.MODULE)
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
        reply = self.request({"op": protocol.CALL, **target, "call": next(self._calls), "args": encoded[0],
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
        reply = session.request({"op": protocol.CALL, **target, "call": ctx.call, "args": encoded[0], "kwargs": encoded[1],
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
        reply = ctx.session.request({"op": protocol.BACKWARD, "call": ctx.call,
                                     "grads": [None if g is None else g.detach() for g in grads]})
        returned = list(reply["grads"])[:ctx.n_inputs]
        return (None, *returned, *([None] * (ctx.n_inputs - len(returned))))


def _remote_call_with_grad(session, target, encoded, tensors):
    box = {"session": session, "target": target, "encoded": encoded}
    outputs = _RemoteCall.apply(box, *tensors)
    return session.decode(box["structure"], tensors, iter(outputs))


class RemoteFunction:
    """Stands in for a function defined by the student's code."""

    def __init__(self, session: Session, name: str):
        self._session, self.__name__ = session, name

    def __call__(self, *args, **kwargs):
        return self._session.call({"export": self.__name__}, args, kwargs)

    def __repr__(self):
        return f"<the student's {self.__name__}>"


class RemoteObject:
    """Any other object of the student's: callable, attributes readable, repr."""

    def __init__(self, session: Session, description: dict):
        self._session, self._handle = session, description[protocol.REMOTE]
        self._class = description.get("class", "object")

    def __call__(self, *args, **kwargs):
        return self._session.call({"handle": self._handle}, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        reply = self._session.request({"op": protocol.GETATTR, "handle": self._handle, "name": name})
        return self._session.decode(reply["result"])

    def __repr__(self):
        return self._session.request({"op": protocol.REPR, "handle": self._handle})["result"]


class RemoteClass(RemoteFunction):
    """Stands in for a class defined by the student's code: calling it builds an instance there."""


class RemoteModule(nn.Module):
    """Stands in for an ``nn.Module`` of the student's own class: usable inside grader-side models."""

    def __init__(self, session: Session, description: dict):
        super().__init__()
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_handle", description[protocol.REMOTE])
        object.__setattr__(self, "_class", description.get("class", "Module"))

    def forward(self, *args, **kwargs):
        return self._session.call({"handle": self._handle}, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("_") or name in ("training",):
            return super().__getattr__(name)
        reply = self._session.request({"op": protocol.GETATTR, "handle": self._handle, "name": name})
        return self._session.decode(reply["result"])      # plain data, or a stand-in (e.g. a method)

    def extra_repr(self):
        return self._session.call({"handle": self._handle, "method": "extra_repr"}, (), {})

    def __repr__(self):
        return self._session.request({"op": protocol.REPR, "handle": self._handle})["result"]

    def _get_name(self):
        return self._class


def stand_in(session: Session, name: str, kind: str):
    """The grader-side stand-in for an exported name of the given kind ("callable", "class", ...)."""
    if kind == "class":
        return RemoteClass(session, name)
    return RemoteFunction(session, name)
