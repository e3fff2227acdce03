"""The student's side of grading: runs inside the sandbox, never in the grader's process.

    python -m autograder.sandbox.student_process READ_FD WRITE_FD

It receives the notebook's code to run (the lesson cells the tests need, the student's answer
cells and any cells the student added), blocks the torch operations the exercise forbids at the
dispatcher level, runs the cells, and then answers the grader's requests: call this function,
read this attribute, run backward. While a call or a backward runs the student's code, only the
ATen operations the called function's rule allows may run (:func:`course.checks.rule_guard`, pushed
around that call alone: the cells and this module's own encoding and decoding run outside it); any
other op raises an error that names it and the exercise. An object a call returns (a module, a
method) keeps the rule of that call. What it sends back are values — tensors and plain data, in the
bounded format of :func:`autograder.sandbox.wire.send_reply`, never a pickle — that the grader checks in
its own process, which never runs the student's code.
"""

from __future__ import annotations

import builtins
import os
import resource
import signal
import sys
import traceback

import contextlib

import torch
from torch import nn

from autograder.sandbox import protocol, wire
from course.checks import rule_guard, shortcut_message
from course.probes import PROBES
from course.rules import Exercise


def block_operations(names) -> object:
    """Make the named ATen operations raise, whoever calls them (functional, nn, torch.ops), at any
    time: a second layer under the allow-list of :meth:`Student.guard`, which holds only during calls."""
    library = torch.library.Library("aten", "IMPL")

    def blocked(name):
        def kernel(*args, **kwargs):
            raise RuntimeError(shortcut_message(f"aten::{name}"))
        return kernel

    for name in names:
        for key in ("CPU", "CUDA", "Meta"):
            try:
                library.impl(name, blocked(name), key)
            except Exception:  # noqa: BLE001 - an op without that kernel or overload: nothing to block
                pass
    return library


def _as_exercise(rule) -> Exercise:
    if isinstance(rule, Exercise):
        return rule
    return Exercise(str(rule["name"]), None if rule["allowed"] is None else frozenset(rule["allowed"]),
                    frozenset(rule["shortcuts"]), bool(rule.get("no_autograd")))


def describe(exc: BaseException) -> dict:
    return {"type": type(exc).__name__, "message": str(exc)[:2000],
            "builtin": getattr(builtins, type(exc).__name__, None) is type(exc)}


class Student:
    """The student's namespace and the objects handed to the grader by handle."""

    _encoding_rule = None

    def __init__(self, rules: dict | None = None):
        """``rules``: exported name → its rule (a :class:`course.rules.Exercise`, or the plain data of
        :func:`autograder.sandbox.remote.rule_message`); a name without one runs unrestricted."""
        self.namespace = {"__name__": "__main__"}
        self.objects: dict[int, object] = {}
        self.calls: dict[int, tuple[list, list, object]] = {}
        # Copied now, before any of the student's code runs (a later change to course.rules is no help).
        self._rules = {name: _as_exercise(rule) for name, rule in (rules or {}).items()}
        self._origin: dict[int, object] = {}      # handle → the rule of the call that returned it
        self._probes = dict(PROBES)              # the functions a test may pass by name

    def guard(self, rule):
        """The rule held during one call or backward of the student's code (nothing for None)."""
        return contextlib.nullcontext() if rule is None else rule_guard(rule)

    def rule_of(self, request):
        """The rule of the function a request calls: an exported name's own, or that of the call
        that handed out the object."""
        if "export" in request:
            return self._rules.get(request["export"])
        return self._origin.get(request["handle"])

    # -- values going out -------------------------------------------------------------------
    def handle(self, obj, rule=None) -> int:
        self.objects[id(obj)] = obj
        self._origin.setdefault(id(obj), rule)
        return id(obj)

    def module_spec(self, module):
        name = type(module).__name__
        if getattr(nn, name, None) is not type(module) or name not in wire.MODULE_ARGUMENTS:
            return None
        args = {a: getattr(module, a) for a in wire.MODULE_ARGUMENTS[name]}
        if name in wire.HAS_BIAS:
            args["bias"] = module.bias is not None
        spec = {protocol.MODULE: name, "args": args, "training": module.training}
        if name == "Sequential":
            spec["children"] = [self.encode(child, []) for child in module]
        else:
            spec["state"] = {k: v.detach().clone() for k, v in module.state_dict().items()}
        return spec

    def encode(self, value, inputs):
        if isinstance(value, torch.Tensor):
            for i, given in enumerate(inputs):
                if value is given:
                    return {protocol.ARGUMENT: i}
            if type(value) is not torch.Tensor:
                return {protocol.INVALID: f"a {type(value).__name__} (a Tensor subclass)"}
            return value.detach().cpu()
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, (list, tuple)):
            return type(value)(self.encode(v, inputs) for v in value)
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {k: self.encode(v, inputs) for k, v in value.items()}
        if isinstance(value, torch.dtype):
            return {protocol.DTYPE: str(value).removeprefix("torch.")}
        if isinstance(value, torch.Size):
            return tuple(value)
        if isinstance(value, nn.Module):
            spec = self.module_spec(value)
            if spec is not None:
                return spec
        kind = "class" if isinstance(value, type) else "module" if isinstance(value, nn.Module) else \
            "callable" if callable(value) else "object"
        return {protocol.REMOTE: self.handle(value, self._encoding_rule), "kind": kind, "class": type(value).__name__}

    # -- values coming in --------------------------------------------------------------------
    def decode(self, value, tensors):
        if isinstance(value, dict):
            if protocol.TENSOR in value:
                return tensors[value[protocol.TENSOR]]
            if protocol.HANDLE in value:
                return self.objects[value[protocol.HANDLE]]
            if protocol.DTYPE in value:
                return getattr(torch, value[protocol.DTYPE])
            if protocol.PROBE in value:
                return self._probes[value[protocol.PROBE]]
            return {k: self.decode(v, tensors) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.decode(v, tensors) for v in value)
        return value

    def target(self, request):
        if "export" in request:
            return self.namespace[request["export"]]
        obj = self.objects[request["handle"]]
        return getattr(obj, request["method"]) if request.get("method") else obj

    # -- requests ------------------------------------------------------------------------------
    def call(self, request):
        leaves, tensors = [], []
        for tensor, needs_grad in zip(request["tensors"], request["requires_grad"]):
            if needs_grad:
                leaf = tensor.requires_grad_()
                leaves.append(leaf)
                tensor = leaf.clone()        # behaves like the grader's (possibly non-leaf) input
            else:
                leaves.append(None)
            tensors.append(tensor)
        versions = [t._version for t in tensors]
        args = self.decode(request["args"], tensors)
        kwargs = self.decode(request["kwargs"], tensors)
        target, rule = self.target(request), self.rule_of(request)
        with self.guard(rule):
            result = target(*args, **kwargs)
        mutated = {str(i): t.detach().clone() for i, t in enumerate(tensors) if t._version != versions[i]}
        reply = {"result": self.encode_for(rule, result, tensors), "mutated": mutated}
        if any(leaf is not None for leaf in leaves):
            outputs = [r for r in (result if isinstance(result, (tuple, list)) else [result])
                       if isinstance(r, torch.Tensor)]
            self.calls[request["call"]] = (leaves, outputs, rule)
        return reply

    def encode_for(self, rule, value, inputs):
        """:meth:`encode`, the objects it hands out keeping ``rule`` (a module's methods, an instance's)."""
        self._encoding_rule = rule
        try:
            return self.encode(value, inputs)
        finally:
            self._encoding_rule = None

    def backward(self, request):
        leaves, outputs, rule = self.calls.pop(request["call"])
        pairs = [(o, g) for o, g in zip(outputs, request["grads"]) if g is not None and o.requires_grad]
        wanted = [leaf for leaf in leaves if leaf is not None]
        if pairs and wanted:
            with self.guard(rule):     # the student's backward, and autograd's through their forward
                grads = torch.autograd.grad([o for o, _ in pairs], wanted, [g for _, g in pairs], allow_unused=True)
        else:
            grads = [None] * len(wanted)
        it = iter(grads)
        return {"grads": [None if leaf is None else next(it) for leaf in leaves]}

    def getattr(self, request):
        value = getattr(self.objects[request["handle"]], request["name"])
        return {"result": self.encode_for(self._origin.get(request["handle"]), value, [])}

    def repr(self, request):
        return {"result": repr(self.objects[request["handle"]])}


def limit_output(path: str, max_bytes: int) -> None:
    """Send the notebook's printing to a file that cannot grow beyond ``max_bytes``."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # writes past the limit fail instead of killing
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1, errors="replace")
    sys.stderr = os.fdopen(2, "w", buffering=1, errors="replace")


def run_cells(student: Student, cells) -> list[dict]:
    """Run each (label, code) like a notebook kernel would; return the errors, one per failing cell."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(user_ns=student.namespace)
    errors = []
    for label, code in cells:
        try:
            result = shell.run_cell(code, store_history=False, silent=True)
            error = result.error_before_exec or result.error_in_exec
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: the cell failed
            error = exc
        if error is not None:
            errors.append({"cell": label, **describe(error)})
    return errors


def main(read_fd: int, write_fd: int) -> int:
    job = wire.receive(read_fd)
    limit_output(job["output_file"], job["output_limit"])
    torch.set_num_threads(1)
    student = Student(job.get("rules"))
    student._library = block_operations(job["forbidden"])
    errors = run_cells(student, job["cells"])
    exports = {}
    for name in job["exports"]:
        value = student.namespace.get(name)
        exports[name] = "missing" if value is None else "class" if isinstance(value, type) else \
            "callable" if callable(value) else "value"
    wire.send_reply(write_fd, {"ready": True, "errors": errors, "exports": exports})
    handlers = {protocol.CALL: student.call, protocol.BACKWARD: student.backward, protocol.GETATTR: student.getattr,
                protocol.REPR: student.repr}
    while True:
        request = wire.receive(read_fd)
        try:
            reply = handlers[request["op"]](request)
        except BaseException as exc:  # noqa: BLE001 - the student's error is the reply
            reply = {"error": describe(exc), "trace": traceback.format_exc(limit=-3)[-1500:]}
        wire.send_reply(write_fd, reply)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
