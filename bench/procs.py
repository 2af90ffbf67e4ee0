"""Processes for the benchmark scripts: start and stop servers, readiness, memory from /proc.

Starting, stopping and free ports come from tests/servers.py, the one copy the tests use too.
"""
import http.client
import os
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
PYTHON = sys.executable
sys.path.insert(0, str(PROJECT_ROOT / "tests"))
from servers import free_port, start_process, stop_process, tail  # noqa: E402, F401  (free_port: run.py and load.py take it from here)


def log(message):
    """A timestamped progress line on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def start(cmd, log_path, env=None):
    """Start `cmd` in its own process group (so stop() reaches its workers), output to `log_path`."""
    return start_process(cmd, log_path, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})})


def stop(proc, grace=5.0):
    """Stop a server we started, and its process group (None: nothing to stop)."""
    if proc is not None:
        stop_process(proc, timeout=grace)


def wait_ready(proc, port, log_path, timeout, path="/favicon.ico", host="127.0.0.1"):
    """Seconds until the server on `port` answers GET `path` with any status.

    The probe should be a route that touches no index, so that no query is seen before the
    benchmark's first one. :raises RuntimeError: the process exited or did not answer in time.
    """
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{tail(log_path)}")
        conn = http.client.HTTPConnection(host, port, timeout=max(1.0, timeout - (time.perf_counter() - t0)))
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            return time.perf_counter() - t0
        except (OSError, http.client.HTTPException):  # not listening yet, or busy loading
            time.sleep(0.02)
        finally:
            conn.close()
    raise RuntimeError(f"server not ready within {timeout:.0f} s:\n{tail(log_path)}")


# ---------------------------------------------------------------- memory


def _children_map():
    children = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(b")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    return children


def process_tree(pid):
    """`pid` and all its descendants that are alive now."""
    children, tree, todo = _children_map(), [], [pid]
    while todo and len(tree) < 10_000:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, ()))
    return tree


def proc_status_kb(pid, field):
    """A kB field of /proc/<pid>/status (VmRSS, VmHWM), or 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_pss_kb(pid):
    """Proportional set size: shared pages split between their sharers (forked workers)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(pid):
    """The summed PSS of a process tree now, in MB."""
    return sum(proc_pss_kb(p) for p in process_tree(pid)) / 1024


class MemoryWatch:
    """Polls a process tree: peaks of the summed RSS and PSS, and the largest single-process VmHWM.

    Summed RSS counts the pages forked workers share with their parent once per process; summed
    PSS counts them once in all, so it is the tree's real footprint.
    """

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval = pid, interval
        self.peak_tree_kb = self.peak_process_kb = self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def sample(self):
        """Read the tree once and update the peaks."""
        tree = process_tree(self.pid)
        self.peak_tree_kb = max(self.peak_tree_kb, sum(proc_status_kb(p, "VmRSS") for p in tree))
        self.peak_pss_kb = max(self.peak_pss_kb, sum(proc_pss_kb(p) for p in tree))
        self.peak_process_kb = max([self.peak_process_kb] + [proc_status_kb(p, "VmHWM") for p in tree])

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)
