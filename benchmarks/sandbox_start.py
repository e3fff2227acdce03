"""What a warm start of the student's process would save (issue 26): time to a ready student process.

    .venv/bin/python benchmarks/sandbox_start.py [--rounds 5]

1. **cold**, as the grader starts one today for every notebook: a fresh bubblewrap sandbox, a
   fresh Python, ``import torch`` and the student process's modules, until the process answers
   that an empty notebook has run (:class:`autograder.sandbox.remote.StudentProcess`);
2. **forked from a template**: one sandbox, started once, whose Python has imported the same
   modules; per round it forks a child that enters new user and mount namespaces, mounts a fresh
   tmpfs on ``/tmp`` and on its working folder (so nothing a previous child wrote is there), runs a
   torch operation and reports what it sees. The round's time is request to report.

The template is a probe of the design, not the grader's path (the grader still starts cold). Each
child reports the names it finds in /tmp and in its working folder; the benchmark fails if one
finds a file an earlier child wrote.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.sandbox.bwrap import bwrap_command  # noqa: E402
from autograder.sandbox.remote import StudentProcess  # noqa: E402
from course.paths import data_dir  # noqa: E402

TEMPLATE = r'''
import ctypes, os, sys
import autograder.sandbox.student_process  # noqa: F401 - torch and the course's modules, as a student process
import torch
torch.set_num_threads(1)
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000
uid, gid, work = os.getuid(), os.getgid(), sys.argv[1]
print("ready", flush=True)
for _ in sys.stdin:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
                raise OSError(ctypes.get_errno(), "unshare")
            open("/proc/self/setgroups", "w").write("deny")
            open("/proc/self/uid_map", "w").write(f"{uid} {uid} 1")
            open("/proc/self/gid_map", "w").write(f"{gid} {gid} 1")
            for where in ("/tmp", work):
                os.makedirs(where, exist_ok=True)
                if libc.mount(b"tmpfs", where.encode(), b"tmpfs", 0, b"size=64m") != 0:
                    raise OSError(ctypes.get_errno(), f"mount {where}")
            os.chdir(work)
            seen = sorted(os.listdir(work)) + sorted(n for n in os.listdir("/tmp") if n != work.split("/")[2])
            open("/tmp/left_by_a_child", "w").write("x")
            open(os.path.join(work, "left_by_a_child"), "w").write("x")
            os.write(w, f"ok {torch.ones(3).sum().item():g} {seen}".encode())
        except BaseException as exc:
            os.write(w, f"failed {exc!r}".encode())
        os._exit(0)
    os.close(w)
    message = os.read(r, 4000).decode()
    os.waitpid(pid, 0)
    os.close(r)
    print(message, flush=True)
'''


def cold(rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            student = StudentProcess(Path(tmp), data_dir(), memory_bytes=2 * 1024**3, call_seconds=60)
            student.run([], [], [], 120)
            times.append(time.perf_counter() - start)
            student.close()
    return times


def forked(rounds: int) -> tuple[float, list[float]]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        command = bwrap_command(work, data_dir()) + [sys.executable, "-c", TEMPLATE, str(work)]
        start = time.perf_counter()
        template = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert template.stdout.readline().strip() == "ready"
        started = time.perf_counter() - start
        for _ in range(rounds):
            start = time.perf_counter()
            template.stdin.write("fork\n")
            template.stdin.flush()
            report = template.stdout.readline().strip()
            times.append(time.perf_counter() - start)
            assert report.startswith("ok 3 "), report
            assert "left_by_a_child" not in report, f"a child saw an earlier child's file: {report}"
        template.stdin.close()
        template.wait(timeout=30)
    return started, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times = cold(args.rounds)
    print(f"cold start to ready (fresh sandbox, Python, imports): median {statistics.median(times):.2f} s "
          f"of {args.rounds} ({', '.join(f'{t:.2f}' for t in times)})", flush=True)
    started, children = forked(args.rounds)
    print(f"template sandbox started once in {started:.2f} s; a forked child in fresh namespaces to ready: "
          f"median {statistics.median(children) * 1000:.0f} ms ({', '.join(f'{t * 1000:.0f}' for t in children)})")
    print(f"saved per notebook: {statistics.median(times) - statistics.median(children):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
