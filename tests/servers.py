"""Start, wait for and stop server processes on loopback: shared by the tests and bench/.

Standard library only, so that bench/ can import it (`sys.path.insert(0, "tests")`) without pytest.
"""
import http.client
import os
import resource
import signal
import socket
import subprocess
import sys
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


def kill_build_when(args, started, after=0.0, timeout=60):
    """Run `python -m search build ARGS`, and kill it with SIGKILL once `started(pid)` says it is at
    the point to kill it at (polled), `after` seconds later. Asserts it got there and was killed."""
    proc = subprocess.Popen([sys.executable, "-m", "search", "build", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not started(proc.pid):
            assert proc.poll() is None, f"the build ended before it could be killed: {proc.stderr.read().decode()}"
            assert time.monotonic() < deadline, "the build never got to the point to kill it at"
            time.sleep(0.02)
        time.sleep(after)
        assert proc.poll() is None, "the build ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return proc


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


NGINX = "/usr/sbin/nginx"  # Debian's nginx (Makefile `browser-deps` installs it)


def start_nginx(folder, port, upstream_port, log_path):
    """Debian's nginx with deploy/nginx.conf on loopback `port` in front of gunicorn on `upstream_port`;
    everything it writes (pid, logs, temp files) under `folder`, so no root and no system config."""
    folder = Path(folder)
    for sub in ("logs", "temp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = folder / "temp"
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/error.log warn;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n  access_log {folder}/logs/access.log;\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
        f"  include {folder}/site.conf;\n}}\n", encoding="utf-8")
    return start_process([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")], log_path)


class SlowClients:
    """`n` connections to loopback `port`, each sending a request's headers a byte at a time, one every
    `interval` s, for `seconds` (a slowloris). With `reconnect`, a connection the server drops is opened
    again at once, so that `n` stay open all along (`reconnects` counts them). `close()` ends them all."""

    REQUEST = b"GET /api/search?q=%E5%92%8C%E5%B9%B3 HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"x" * 1000

    def __init__(self, port, n, seconds, interval=0.5, reconnect=False):
        import threading

        self.port, self.interval, self.reconnect = port, interval, reconnect
        self.deadline = time.monotonic() + seconds
        self.stop, self.lock, self.reconnects = threading.Event(), threading.Lock(), 0
        socks = [self._connect() for _ in range(n)]  # all open before the first byte is sent
        self.threads = [threading.Thread(target=self._drip, args=(sock,), daemon=True) for sock in socks]
        for t in self.threads:
            t.start()

    def _connect(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def _over(self):
        return self.stop.is_set() or time.monotonic() > self.deadline

    def _drip(self, sock):
        try:
            while not self._over():
                for byte in self.REQUEST:
                    if self._over():
                        return
                    try:
                        sock.sendall(bytes([byte]))
                    except OSError:  # dropped by the server
                        break
                    self.stop.wait(self.interval)
                if not self.reconnect or self._over():
                    return
                sock.close()
                sock = self._connect()
                with self.lock:
                    self.reconnects += 1
        except OSError:  # the server refuses new connections: this client is done
            return
        finally:
            sock.close()

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)


def slow_clients(port, n, seconds):
    """`n` connections to loopback `port` that send a request's headers a byte at a time, one every
    0.5 s, for `seconds` (a slowloris); returns a function that closes them all."""
    return SlowClients(port, n, seconds).close
