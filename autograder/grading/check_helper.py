"""A warm helper for the student's self-check (``./kit check``): the grader's imports, a warm
template and the lessons' modules, kept for the session so a check after the first starts warm.

    python -m autograder.grading.check_helper ROOT        (started by the first check; not by hand)

The first ``check`` runs in its own process as before and then starts this helper in the
background; later checks (:func:`ask`) hand their arguments to it over a Unix socket,
``work/.check-helper.sock`` (mode 0600, in the student's own ``work/``). For each check the helper
forks: the check runs in a fresh copy of the warm process, which ends with it, so nothing of one
check reaches the next; its output and exit code come back over the socket. The student's code
runs, as always, in a sandboxed child of the warm template.

The helper ends after :data:`IDLE_SECONDS` without a check, when asked (:func:`stop`), or as soon
as a file of the kit it has loaded (``autograder/``, ``course/``, ``source/``, ``release/``,
``nbgrader_config.py``) changed since it started: then the check runs in its own process again
(and starts a new helper). ``COURSE_CHECK_HELPER=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import socket
import subprocess
import sys
from pathlib import Path

SOCKET_NAME = ".check-helper.sock"
IDLE_SECONDS = float(os.environ.get("COURSE_CHECK_HELPER_SECONDS", 900))
_WATCHED = ("autograder", "course", "source", "release", "nbgrader_config.py")
_END = b"\0"


def enabled() -> bool:
    return os.environ.get("COURSE_CHECK_HELPER", "1") != "0"


def socket_path(root: Path) -> Path:
    """``work/.check-helper.sock`` (``COURSE_CHECK_HELPER_SOCKET`` elsewhere, for the tests)."""
    from autograder.grading.selfcheck import WORK

    return Path(os.environ.get("COURSE_CHECK_HELPER_SOCKET") or Path(root) / WORK / SOCKET_NAME)


def fingerprint(root: Path) -> str:
    """The names, sizes and times of the kit's files the helper has loaded (a change: a new helper)."""
    digest = hashlib.sha256()
    for name in _WATCHED:
        top = Path(root) / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()
                                                   and "__pycache__" not in p.parts) if top.is_dir() else []
        for path in paths:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _connect(root: Path, path: Path | None = None) -> socket.socket | None:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.settimeout(2)
        client.connect(str(path or socket_path(root)))
    except OSError:
        client.close()
        return None
    client.settimeout(None)
    return client


def ask(root: Path, request: dict, out=None) -> int | None:
    """Run one check in the helper (``request``: assignment, notebooks as absolute paths,
    cell_seconds, call_seconds); its exit code, its output written to ``out`` as it comes. None
    when no helper answers or it is stale: the caller runs the check itself."""
    if not enabled():
        return None
    client = _connect(root)
    if client is None:
        return None
    out = out or sys.stdout.buffer
    received = False
    with client:
        client.sendall(json.dumps({**request, "fingerprint": fingerprint(root)}).encode() + b"\n")
        tail = b""
        while True:
            chunk = client.recv(65536)
            if not chunk:
                break
            data = tail + chunk
            end = data.rfind(_END)
            keep = data if end < 0 else data[:end]
            tail = b"" if end < 0 else data[end:]
            if keep:
                out.write(keep)
                out.flush()
                received = True
    try:
        reply = json.loads(tail[1:]) if tail.startswith(_END) else {}
    except ValueError:
        reply = {}
    if isinstance(reply.get("exit"), int):
        return reply["exit"]
    if received:
        out.write(b"error: the check helper ended during the check; run the check again\n")
        return 2
    return None


def start(root: Path) -> None:
    """Start a helper in the background for the next check (nothing when one answers already)."""
    if not enabled():
        return
    other = _connect(root)
    if other is not None:
        other.close()
        return
    subprocess.Popen([sys.executable, "-m", "autograder.grading.check_helper", str(root)], cwd=root,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def stop(root: Path) -> bool:
    """Ask a running helper to end; whether one answered."""
    client = _connect(root)
    if client is None:
        return False
    with client:
        client.sendall(json.dumps({"stop": True}).encode() + b"\n")
        client.recv(16)
    return True


def _listen(path: Path) -> socket.socket | None:
    path.parent.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o077)
    try:
        if path.exists() or path.is_symlink():
            other = _connect(Path("."), path)
            if other is not None:
                other.close()
                return None                         # another helper answers here
            path.unlink()
        listener.bind(str(path))
    except OSError:
        return None
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    listener.listen(4)
    return listener


def _read_request(conn: socket.socket) -> dict:
    conn.settimeout(10)
    data = b""
    while not data.endswith(b"\n") and len(data) < 1 << 20:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.settimeout(None)
    request = json.loads(data)
    return request if isinstance(request, dict) else {}


def _run_forked(conn: socket.socket, listener: socket.socket, request: dict) -> int:
    from autograder.grading.notebook_grading import Limits
    from autograder.grading.selfcheck import run

    pid = os.fork()
    if pid == 0:
        code = 2
        try:
            listener.close()
            os.dup2(conn.fileno(), 1)
            os.dup2(conn.fileno(), 2)
            limits = Limits(cell_seconds=float(request["cell_seconds"]), call_seconds=float(request["call_seconds"]))
            code = run(str(request["assignment"]), [Path(p) for p in request.get("notebooks") or []] or None,
                       limits=limits)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def serve(root: Path) -> int:
    """The helper's loop (see the module docstring)."""
    from autograder.grading import selfcheck  # noqa: F401 - the grader's imports, once
    from autograder.publish import feedback  # noqa: F401
    from autograder.sandbox import remote, stand_ins, warm  # noqa: F401
    from autograder.sandbox.limits import Limits
    from autograder.sandbox.preload import preload
    from course.paths import data_dir

    root = Path(root).resolve()
    own = fingerprint(root)
    path = socket_path(root)
    listener = _listen(path)
    if listener is None:
        return 0
    try:
        warm.prestart(data_dir(), Limits.scratch_bytes)
        preload()
        while select.select([listener], [], [], IDLE_SECONDS)[0]:
            conn, _ = listener.accept()
            with conn:
                try:
                    request = _read_request(conn)
                except (OSError, ValueError):
                    continue
                if request.get("stop"):
                    conn.sendall(b"ok")
                    return 0
                if request.get("fingerprint") != own or fingerprint(root) != own:
                    return 0                        # the kit changed: the client runs the check itself
                code = _run_forked(conn, listener, request)
                conn.sendall(_END + json.dumps({"exit": code}).encode())
        return 0
    finally:
        listener.close()
        try:
            path.unlink()
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
