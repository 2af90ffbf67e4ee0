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


def slow_clients(port, n, seconds):
    """`n` connections to loopback `port` that send a request's headers a byte at a time, one every
    0.5 s, for `seconds` (a slowloris); returns a function that closes them all."""
    import threading

    stop = threading.Event()
    socks = []

    def drip(sock):
        line = b"GET /api/search?q=%E5%92%8C%E5%B9%B3 HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"x" * 1000
        deadline = time.monotonic() + seconds
        for byte in line:
            if stop.is_set() or time.monotonic() > deadline:
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return
            stop.wait(0.5)

    threads = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(sock)
        threads.append(threading.Thread(target=drip, args=(sock,), daemon=True))
    for t in threads:
        t.start()

    def close():
        stop.set()
        for t in threads:
            t.join(timeout=5)
        for sock in socks:
            sock.close()

    return close
