"""Start, wait for and stop server processes on loopback: shared by the tests and bench/.

Standard library only, so that bench/ can import it (`sys.path.insert(0, "tests")`) without pytest.
"""
import http.client
import os
import resource
import signal
import socket
import subprocess
import time
from collections import namedtuple
from pathlib import Path
from urllib.parse import urlsplit
from paths import ROOT


Answer = namedtuple("Answer", "status body seconds")


class ServerError(RuntimeError):
    """A server process that exited, or never answered, while we waited for it."""


def free_port():
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_process(cmd, log_path, cwd=ROOT, env=None, max_files=None):
    """Start `cmd` in a session of its own (so that stop_process reaches its workers), output to `log_path`.

    :param max_files: a lower limit of open files (`ulimit -n`) for the process and its children."""
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, max_files))

    with open(log_path, "wb") as log:
        # The child keeps its own copy of the file descriptor; ours can close at once.
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=limit if max_files else None)


def children(pid):
    """Process ids whose parent is `pid` (from /proc): a server's workers."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def open_files(pid):
    """How many file descriptors process `pid` holds open now."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def stop_process(proc, timeout=10):
    """SIGTERM to the process and its group, then SIGKILL if it does not exit within `timeout` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue


def tail(path, lines=40):
    """The last `lines` lines of a log file ("" when it cannot be read)."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_for_http(url, proc, log_path, timeout=60, interval=0.2):
    """Poll `url` until it answers 200; return that Answer. Raise ServerError, with the log, if `proc` exits or time runs out."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"{proc.args[:4]} exited with {proc.returncode}:\n{tail(log_path)}")
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=max(1.0, deadline - time.monotonic()))
        try:
            started = time.perf_counter()
            conn.request("GET", target)
            response = conn.getresponse()
            body = response.read()
            if response.status == 200:
                return Answer(200, body, time.perf_counter() - started)
        except (OSError, http.client.HTTPException):  # not listening yet, or reset while starting
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise ServerError(f"no 200 from {url} after {timeout} s:\n{tail(log_path)}")
        time.sleep(interval)
