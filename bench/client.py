"""HTTP on loopback for the benchmark: one GET on a fresh connection, timed to the first byte and to
the end; clients on keep-alive connections sending their lists of requests at once (run_clients)."""
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlencode


def fetch(port, path, timeout, host="127.0.0.1"):
    """GET `path`; returns {"ms", "ttfb_ms", "status", "bytes", "body"} (ttfb: status line and headers read)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        ttfb = time.perf_counter() - t0
        body = response.read()
        total = time.perf_counter() - t0
    except (OSError, http.client.HTTPException) as exc:
        return {"ms": None, "ttfb_ms": None, "status": None, "bytes": 0, "error": repr(exc), "path": path}
    finally:
        conn.close()
    return {"ms": total * 1000, "ttfb_ms": ttfb * 1000, "status": response.status, "bytes": len(body),
            "path": path, "body": body}


def search(port, q, filters, per_page, timeout):
    """GET /api/search; returns {"ms", "status", "total", "facets" ({facet: {value: count}}), "error"}."""
    params = [("q", q), ("per_page", per_page)] + [(k, v) for k, vs in filters.items() for v in vs]
    sample = fetch(port, "/api/search?" + urlencode(params), timeout)
    body = sample.pop("body", b"")
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {"error": body[:200].decode(errors="replace")}
    facets = payload.get("facets") if isinstance(payload.get("facets"), dict) else {}
    sample.update(total=payload.get("total"), error=sample.get("error") or payload.get("error"),
                  facets={name: {str(v["value"]): v["count"] for v in values if v.get("count")}
                          for name, values in facets.items() if isinstance(values, list)})
    return sample


class Client(threading.Thread):
    """One keep-alive connection sending its requests in order: one every `pace` seconds at most
    (0: each as soon as the last is answered), each given `timeout` seconds."""

    def __init__(self, host, port, requests_, deadline, timeout=30, pace=0):
        super().__init__(daemon=True)
        self.host, self.port, self.requests, self.deadline = host, port, requests_, deadline
        self.timeout, self.pace = timeout, pace
        self.latencies, self.expected_4xx, self.errors = [], 0, []

    def _connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def run(self):
        conn, started = self._connect(), None
        for path, expected in self.requests:
            if self.pace and started is not None:
                time.sleep(max(0.0, self.pace - (time.perf_counter() - started)))
            if time.monotonic() > self.deadline:
                self.errors.append(("deadline", "stopped: --max-seconds reached"))
                break
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append((path, repr(exc)))
                conn.close()
                conn = self._connect()
                continue
            self.latencies.append(time.perf_counter() - started)
            if status != expected:
                self.errors.append((path, f"status {status}, expected {expected}"))
            elif 400 <= status < 500:
                self.expected_4xx += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = self._connect()
        conn.close()


def _percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def run_clients(host, port, requests_, max_seconds, timeout=30, pace=0):
    """One client per list of (path, expected status), all at once (Client's `timeout` and `pace`);
    returns the summary dict."""
    deadline = time.monotonic() + max_seconds
    threads = [Client(host, port, r, deadline, timeout, pace) for r in requests_]
    clients, per_client = len(threads), max(map(len, requests_), default=0)
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for t in threads for x in t.latencies)
    errors = [e for t in threads for e in t.errors]
    return {
        "clients": clients, "requests_per_client": per_client, "requests": len(latencies),
        "seconds": round(elapsed, 2), "requests_per_second": round(len(latencies) / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p90_ms": round(_percentile(latencies, 90) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "expected_4xx": sum(t.expected_4xx for t in threads),
        "errors": len(errors), "error_samples": errors[:10],
        # of the errors: requests that got no answer (a timeout, a reset), clients stopped by the deadline
        "no_answer": sum(1 for path, what in errors if path != "deadline" and not what.startswith("status ")),
        "stopped": sum(1 for path, _ in errors if path == "deadline"),
    }
