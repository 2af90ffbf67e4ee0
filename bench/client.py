"""HTTP on loopback for the benchmark: one GET on a fresh connection, timed to the first byte and to the end."""
import http.client
import json
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
