"""Nothing is downloaded at run time: a build and the meaning search work with no network at all
(`unshare -n`: a process in a network namespace of its own, with no interface but a down loopback)."""
import json
import subprocess
import sys

from paths import ROOT, SEED_FILES

SCRIPT = """
import json, sys
from search.index.build import build_index
from search.query.params import SearchParams
from search.query.searcher import open_searcher
build_index([sys.argv[1]], sys.argv[2])
searcher = open_searcher(sys.argv[2])
result = searcher.search(SearchParams(q="peacekeeping", per_page=100)).to_dict()
english = searcher.search(SearchParams(q="agreements", per_page=1)).to_dict()
print(json.dumps({"total": result["total"], "related": len(result["related"]),
                  "similar": [e["id"] for e in searcher.similar(sys.argv[3])][:1],
                  "dictionary": [e["text"] for e in english["expansions"]]}, ensure_ascii=False))
"""


def test_a_build_and_the_meaning_search_need_no_network(tmp_path, scan):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "REPERTOIRE_JIEBA_CACHE": str(tmp_path / "cache")}
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", SCRIPT, str(SEED_FILES[0]), str(tmp_path / "index"),
                           "000_433e06851ef59419.49.p42"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert (found["total"], found["similar"]) == (len(scan("维持和平") | scan("维和")), ["000_433e06851ef59419.49.p110"])
    assert found["related"] > 0  # the encoder ran
    [notice] = found["dictionary"]  # CC-CEDICT read from the installed package
    assert notice.startswith("agreements → ") and notice.endswith("（词典）")
