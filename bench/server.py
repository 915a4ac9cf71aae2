"""The app under test: gunicorn, its worker processes, and the machine it runs on.

`Server` starts `gunicorn -c gunicorn.conf.py hrms.wsgi` in its own process group (its log
in the run's temporary folder) and stops it; `RssSampler` samples the workers' VmRSS while
an export streams. The /proc readers (`read_proc_status`, `cpu_ticks`, `machine_busy`,
`children`), `busiest_processes`, `code_snapshot` / `code_changes` (edits to the app during
a run) and `machine_info` describe the processes and the machine for the results.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from bench.client import Browser
from bench.data import BIN, ROOT

GUNICORN = str(BIN / "gunicorn")


# --------------------------------------------------------------------------------------
# Processes and the machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_proc_status(pid: int, key: str) -> int | None:
    """A kB value from /proc/<pid>/status (VmRSS, VmHWM), or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (FileNotFoundError, ProcessLookupError):
        return 0


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def children(pid: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return pids


def busiest_processes(limit: int = 8) -> list[str]:
    """The processes using the most CPU right now (other work on the machine)."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pcpu,comm", "--sort=-pcpu"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return []
    return [" ".join(line.split()) for line in out.splitlines()[1 : limit + 1]]


def code_snapshot() -> dict[str, float]:
    """Modification times of the app's code and templates (to notice edits during a run)."""
    skip = {".venv", "bench", "staticfiles", "node_modules", ".git", "e2e"}
    times = {}
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if parts and parts[0] in skip:
            continue
        if path.suffix in (".py", ".html", ".css", ".js") and path.is_file():
            times[str(path.relative_to(ROOT))] = path.stat().st_mtime
    return times


def code_changes(before: dict[str, float]) -> list[str]:
    after = code_snapshot()
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    try:
        # --no-optional-locks: read the working tree without touching git's index.
        changes = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
    except OSError:
        changes = []
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "git_commit": commit,
        "uncommitted_changes": changes,
    }


# --------------------------------------------------------------------------------------
# gunicorn


class Server:
    def __init__(self, env: dict, work_dir: Path, workers: int):
        self.port = free_port()
        self.env = {
            **env,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "PROMETHEUS_MULTIPROC_DIR": str(work_dir / "metrics"),
        }
        self.log_path = work_dir / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_file = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "hrms.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see its log:\n{self.tail()}")
            try:
                answer = Browser(self.port).get("/healthz")
                if answer.status == 200 and len(self.workers()) >= int(self.env["WEB_CONCURRENCY"]):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s:\n{self.tail()}")

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def problems(self, limit: int = 20) -> list[str]:
        """gunicorn's own warnings and errors (worker timeouts, tracebacks) from its log."""
        pattern = re.compile(
            r"TIMEOUT|SIGKILL|Traceback|\[(ERROR|CRITICAL|WARNING)\]|\"(ERROR|WARNING)\""
        )
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [line[:500] for line in lines if pattern.search(line)][:limit]

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Any worker left behind (it should not be) goes with its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log_file.close()
        self.process = None


class RssSampler:
    """Samples VmRSS of the given processes every few milliseconds while running."""

    def __init__(self, pids: list[int], interval: float = 0.002):
        self.pids = pids
        self.interval = interval
        self.peak = {pid: read_proc_status(pid, "VmRSS") or 0 for pid in pids}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                rss = read_proc_status(pid, "VmRSS")
                if rss is not None and rss > self.peak[pid]:
                    self.peak[pid] = rss
            self.samples += 1
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
