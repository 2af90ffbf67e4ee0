"""Production behind a buffering reverse proxy: Debian's nginx with deploy/nginx.conf in front of
gunicorn (2 workers x 4 threads), on loopback. Slow clients cost nginx a connection, not a gunicorn
thread, so normal searches keep being answered."""
import os
import sys
import time

import pytest
import requests

from paths import ROOT
from servers import free_port, slow_clients, start_nginx, start_process, stop_process, wait_for_http

SLOW = 12  # more than gunicorn's 8 threads


@pytest.fixture(scope="module")
def proxied(seed_index, tmp_path_factory):
    """gunicorn and nginx in front of it: {"nginx": base URL, "gunicorn": port, "folder"}."""
    folder = tmp_path_factory.mktemp("proxy")
    upstream, port = free_port(), free_port()
    env = {**os.environ, "REPERTOIRE_INDEX_DIR": str(seed_index), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4",
           "REPERTOIRE_BIND": f"127.0.0.1:{upstream}"}
    gunicorn = start_process([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                              "search:create_app()"], folder / "gunicorn.log", env=env)
    nginx = start_nginx(folder / "nginx", port, upstream, folder / "nginx.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"http://127.0.0.1:{upstream}/api/search?q=", gunicorn, folder / "gunicorn.log", timeout=120)
        wait_for_http(base + "/api/search?q=", nginx, folder / "nginx.log", timeout=30)
        yield {"nginx": base, "port": port, "folder": folder}
    finally:
        stop_process(nginx)
        stop_process(gunicorn)


def test_searches_through_nginx_answer_like_gunicorn(proxied, client):
    through = requests.get(proxied["nginx"] + "/api/search", params={"q": "区域组织"}, timeout=10)
    direct = client.get("/api/search", query_string={"q": "区域组织"}).get_json()
    assert through.status_code == 200
    assert [h["id"] for h in through.json()["hits"]] == [h["id"] for h in direct["hits"]]


def test_slow_clients_no_longer_block_searches(proxied):
    close = slow_clients(proxied["port"], SLOW, seconds=30)
    try:
        time.sleep(1)  # every slow connection has sent its first bytes
        answers = [requests.get(proxied["nginx"] + "/api/search", params={"q": q}, timeout=10).status_code
                   for q in ("区域组织", "和平", "安全理事会", "非洲联盟", "5007")]
    finally:
        close()
    assert answers == [200] * 5


@pytest.mark.parametrize("target, status", [("/api/search?q=" + "a" * 7900, 200), ("/api/search?q=" + "a" * 8050, 414)])
def test_long_requests_get_the_apps_answer_through_nginx(proxied, target, status):
    r = requests.get(proxied["nginx"] + target, timeout=10)
    assert r.status_code == status
    if status == 414:
        assert r.json() == {"error": "请求地址过长（最多 8000 字节）。", "status": 414, "code": "uri_too_long"}
