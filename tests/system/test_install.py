"""A wheel installed into a fresh virtual environment serves pages, its static files and the seed chapter.

The wheel is built from a copy of the checkout, installed with its dependencies into a new venv
(pip resolves them from the configured index and its cache), and `python -m search serve` runs
from an empty folder, so neither the checkout nor the project's editable install can be seen.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from paths import ROOT
from servers import free_port, start_process, stop_process, wait_for_http

SEED_PREFIX = "000_433e06851ef59419."
# Whatever the checkout has that a wheel does not need, or that a build must not pick up from an earlier one.
NOT_BUILT = (".git", ".venv", "build", "dist", "instance", "*.egg-info", "__pycache__", ".pytest_cache",
             ".hypothesis", "bench", "docs", "tests")


def _run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{cmd[:4]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the project's wheel installed; yields its python."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_BUILT))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp / "wheels"),
          str(source)])
    wheel, = (tmp / "wheels").glob("repertoire_search-*.whl")
    # The venv module of our own interpreter makes the venv from the base Python: no editable install in it.
    _run([sys.executable, "-m", "venv", str(tmp / "venv")])
    python = tmp / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    return python


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """The environment of the installed server: nothing pointing back at the checkout."""
    tmp = tmp_path_factory.mktemp("installed-run")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "REPERTOIRE_SEEDS_DIR", "REPERTOIRE_INDEX_DIR")}
    return {**env, "PYTHONUNBUFFERED": "1", "REPERTOIRE_INDEX_DIR": str(tmp / "index")}


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    """An empty working folder, away from the checkout."""
    return tmp_path_factory.mktemp("elsewhere")


def test_installed_package_is_the_wheel_not_the_checkout(installed, env, elsewhere):
    out = _run([str(installed), "-c", "import search; print(search.__file__)"], cwd=elsewhere, env=env)
    site_packages = installed.parent.parent / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert Path(out.stdout.strip()) == site_packages / "site-packages" / "search" / "__init__.py"


@pytest.fixture(scope="module")
def installed_server(installed, env, elsewhere):
    """`python -m search serve` of the installed copy, with no index yet; yields its base URL."""
    port = free_port()
    log_path = elsewhere.parent / "installed-serve.log"
    proc = start_process([str(installed), "-m", "search", "serve", "--host", "127.0.0.1", "--port", str(port)],
                         log_path, cwd=elsewhere, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/search?q=", proc, log_path, timeout=120)
        yield base, log_path
    finally:
        stop_process(proc)


def test_installed_serve_builds_the_packaged_seed_chapter(installed_server, env, client):
    base, log_path = installed_server
    assert f"no index at {env['REPERTOIRE_INDEX_DIR']}: building one (whoosh) from the seed corpus" in log_path.read_text()
    query = "/api/search?q=" + quote("区域组织") + "&per_page=100"
    ours = requests.get(base + query, timeout=30).json()
    checkout = client.get(query).get_json()
    assert [h["id"] for h in ours["hits"]] == [h["id"] for h in checkout["hits"]]
    assert ours["total"] == checkout["total"] == len(ours["hits"])
    assert all(h["id"].startswith(SEED_PREFIX) for h in ours["hits"])


def test_installed_serve_answers_the_home_page(installed_server):
    base, _ = installed_server
    r = requests.get(base + "/", timeout=30)
    assert (r.status_code, r.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert re.search(r"<h1>(.*?)</h1>", r.text).group(1) == "安理会惯例汇辑检索"


def _count(page):
    return int(re.search(r'<p class="count" id="result-count" data-total="(\d+)">', page).group(1))


def _hit_ids(page):
    return re.findall(r'<article class="hit" id="hit-([^"]+)">', page)


def test_installed_serve_answers_a_search_page(installed_server, client):
    base, _ = installed_server
    r = requests.get(base + "/search?q=" + quote("区域组织"), timeout=30)
    assert (r.status_code, r.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    checkout = client.get("/search?q=" + quote("区域组织")).get_data(as_text=True)
    total = client.get("/api/search?q=" + quote("区域组织")).get_json()["total"]
    assert _count(r.text) == _count(checkout) == total
    assert _hit_ids(r.text) == _hit_ids(checkout)
    assert len(_hit_ids(r.text)) == min(total, 20)


def test_installed_serve_answers_its_stylesheet(installed_server):
    base, _ = installed_server
    r = requests.get(base + "/static/style.css", timeout=30)
    assert (r.status_code, r.headers["Content-Type"]) == (200, "text/css; charset=utf-8")
    assert r.content == (ROOT / "static" / "style.css").read_bytes()


def test_installed_wheel_under_gunicorn_without_an_index_setting_serves_results(installed, env, tmp_path, client):
    """The README's production command on an installed wheel, REPERTOIRE_INDEX_DIR unset: the master's
    first build and every worker must agree on where the index is (./instance/index of the working folder)."""
    workdir = tmp_path / "srv"
    workdir.mkdir()
    port = free_port()
    run_env = {k: v for k, v in env.items() if k != "REPERTOIRE_INDEX_DIR"}
    run_env.update(REPERTOIRE_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    log_path = tmp_path / "gunicorn.log"
    gunicorn = installed.parent / "gunicorn"
    proc = start_process([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "search:create_app()"], log_path,
                         cwd=workdir, env=run_env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/search?q=", proc, log_path, timeout=180)
        query = "/api/search?q=" + quote("区域组织") + "&per_page=100"
        # Several requests, so that both workers answer at least once.
        answers = [requests.get(base + query, timeout=30) for _ in range(8)]
        expected = [h["id"] for h in client.get(query).get_json()["hits"]]
        assert [(r.status_code, [h["id"] for h in r.json()["hits"]]) for r in answers] == [(200, expected)] * 8
        assert (workdir / "instance" / "index").is_symlink()
    finally:
        stop_process(proc)
