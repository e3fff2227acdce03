"""A real Dask cluster on loopback for the tests and the benchmark: ``dask scheduler`` and ``dask
worker`` (``--nworkers 1 --nthreads 1``) as separate processes, each in its own process group,
listening on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

DASK = str(Path(sys.executable).parent / "dask")
# Grading tasks are long (seconds to minutes): a worker takes a task only when a thread is free,
# so a task never waits behind a long one on a busy worker while another is idle.
# A task kept for workers that have all left fails after 5 s (the README suggests minutes).
SCHEDULER_ENV = {"DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
                 "DASK_DISTRIBUTED__SCHEDULER__NO_WORKERS_TIMEOUT": "5s"}


class LoopbackCluster:
    """``with LoopbackCluster(folder, workers=2) as cluster:`` … ``cluster.address`` (tcp://127.0.0.1:PORT)."""

    def __init__(self, folder: Path, workers: int = 2, worker_env: dict | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.worker_env = worker_env or {}
        self.address = self._start_scheduler()
        for _ in range(workers):
            self.add_worker()
        self.wait_for_workers(workers)

    def _spawn(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")          # noqa: SIM115 - kept open by the child
        process = subprocess.Popen(command, cwd=self.folder, env={**os.environ, **env}, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def _start_scheduler(self) -> str:
        info = self.folder / "scheduler.json"
        self._spawn("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--dashboard-address", "127.0.0.1:0",
                                  "--scheduler-file", str(info)], SCHEDULER_ENV)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if info.exists():
                try:
                    return json.loads(info.read_text())["address"]
                except (ValueError, KeyError):
                    pass
            if self.processes["scheduler"].poll() is not None:
                break
            time.sleep(0.2)
        self.shutdown()
        raise RuntimeError(f"dask scheduler did not start: {(self.folder / 'scheduler.log').read_text()[-2000:]}")

    def add_worker(self, env: dict | None = None) -> str:
        """Start one more ``dask worker`` (one process, one thread); return its name."""
        name = f"worker{sum(n.startswith('worker') for n in self.processes)}"
        self._spawn(name, [DASK, "worker", self.address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1",
                           "--no-dashboard", "--dashboard-address", "127.0.0.1:0", "--name", name, "--local-directory", str(self.folder / name),
                           "--death-timeout", "60", "--preload", "autograder.grading.cluster"], {**self.worker_env, **(env or {})})
        return name

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=60, set_as_default=False)

    def wait_for_workers(self, n: int, timeout: float = 120) -> None:
        with self.client() as client:
            client.wait_for_workers(n, timeout=timeout)

    def kill(self, name: str) -> None:
        """SIGKILL a worker's whole process group (nanny, worker, the grading it runs)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(30)

    def listening(self) -> set[tuple[str, int]]:
        """Every TCP address a process of the cluster listens on."""
        found = set()
        for process in self.processes.values():
            try:
                family = [psutil.Process(process.pid)] + psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                continue
            for member in family:
                with contextlib.suppress(psutil.Error):
                    found |= {(c.laddr.ip, c.laddr.port) for c in member.net_connections(kind="tcp")
                              if c.status == psutil.CONN_LISTEN}
        return found

    def shutdown(self) -> None:
        """Stop every process of the cluster (workers first), SIGKILL what does not stop in 20 s."""
        for name in sorted(self.processes, key=lambda n: n == "scheduler"):
            process = self.processes[name]
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
            with contextlib.suppress(ProcessLookupError):        # anything left in its group (a nanny's child)
                os.killpg(process.pid, signal.SIGKILL)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def refuses_connections(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=2).close()
    except OSError:
        return True
    return False

