"""Every engine answers alike: totals, facet counts and ranking groups; incremental builds; old versions."""
import shutil

import pytest

from search.text import normalize, squash
from search.index.build import build_index
from search.engines import engine_class
from search.query.searcher import Searcher, open_searcher
from search.query.params import SearchParams
from search.index.store import read_manifest, version_of
from search.query.syntax import parse_query
from search.reference.resolve import parse_chapter

from conftest import ENGINES, SEED_FILES

QUERIES = [
    # one and two characters, frequent and rare strings
    {"q": "安"}, {"q": "盟"}, {"q": "和"}, {"q": "和平"}, {"q": "理事"}, {"q": "合作"},
    {"q": "安全理事会"}, {"q": "区域组织"}, {"q": "待命部队"}, {"q": "谅解备忘录"},
    # phrases, strings longer than a word, several words
    {"q": '"区域组织在稳定进程中的合作"'}, {"q": '"维持和平行动"'}, {"q": "区域组织合作"},
    {"q": "非洲联盟和平"}, {"q": "区域组织 合作"}, {"q": "安理会 成员"},
    # OR, NOT
    {"q": "北约 OR 东盟"}, {"q": '"北约" OR "东盟" 秘书长'}, {"q": "安全理事会 -非洲联盟"},
    {"q": "安全理事会 NOT 非洲联盟"}, {"q": "-安全理事会"},
    # filters and the date range
    {"q": "合作", "country": "FRA"}, {"q": "安全理事会", "country": ["FRA", "CHN"]},
    {"q": "", "meeting": "5282"}, {"q": "区域 -非洲联盟", "kind": "paragraph"},
    {"q": "安全理事会", "from": "2005-01-01", "to": "2006-12-31"}, {"q": "", "year": "2004"},
    {"q": "合作", "org": "AU", "country": "FRA"}, {"q": "", "kind": ["footnote", "heading"], "year": "2007"},
    # no hits, Traditional and full-width input, symbols and numbers
    {"q": "火星"}, {"q": "meeting:5007"}, {"q": "安全理事會"}, {"q": "區域組織"}, {"q": "ＳＰＶ"},
    {"q": "S/PV.5282"}, {"q": "s/pv.5282"}, {"q": "5007"}, {"q": "第5649次会议"},
    # hostile strings
    {"q": '"'}, {"q": "(("}, {"q": "\x00"}, {"q": "和" * 500}, {"q": "安理会\x00\x07"}, {"q": "😀"},
    {"q": "*"}, {"q": "-"}, {"q": "OR"}, {"q": "\\"}, {"q": "<script>alert(1)</script>"},
]
SORTED = [{"q": "和平", "sort": "date"}, {"q": "安全", "sort": "document"}, {"q": "", "sort": "date"},
          {"q": "安全理事会", "country": "FRA", "sort": "date"}, {"q": "和平", "sort": "date_desc"},
          {"q": "", "sort": "date_desc"}, {"q": "安全理事会", "country": "FRA", "sort": "date_desc"},
          {"q": "", "year": ["2005", "2007"], "kind": "footnote", "sort": "date_desc"}]


def _all_hits(engine, params):
    hits, page = [], 1
    while True:
        result = engine.search(SearchParams.from_mapping({**params, "page": page, "per_page": 100}))
        hits += result.hits
        if len(hits) >= result.total or not result.hits:
            return result, hits
        page += 1


def _tier(parsed, hit):
    """The ranking group of a hit: its `exact` flag, plus one when it holds the whole typed string."""
    whole = parsed.whole is not None and parsed.whole.key in squash(normalize(hit["text"]))
    return int(bool(hit["exact"])) + int(whole)


def _answer(engine, params):
    """(total, facet counts, [(group, ids of the group)] in rank order) of a search."""
    result, hits = _all_hits(engine, params)
    parsed = parse_query(params["q"])
    groups = []
    for hit in hits:
        tier = _tier(parsed, hit) if parsed.clauses else None
        if not groups or groups[-1][0] != tier:
            groups.append((tier, set()))
        groups[-1][1].add(hit["id"])
    facets = {f: {v.value: v.count for v in values} for f, values in result.facets.items()}
    return result.total, facets, groups


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: repr(p)[:60])
def test_engines_agree_on_totals_facets_and_ranking_groups(engines, params):
    answers = {name: _answer(engine, params) for name, engine in engines.items()}
    reference = answers["whoosh"]
    groups = [tier for tier, _ in reference[2]]
    assert groups == sorted(groups, key=lambda t: -(t or 0)), "one run per group, best first"
    for name, answer in answers.items():
        assert answer == reference, name


@pytest.mark.parametrize("params", SORTED, ids=lambda p: repr(p)[:60])
def test_engines_agree_on_date_and_document_order(engines, params):
    orders = {name: [h["id"] for h in _all_hits(engine, params)[1]] for name, engine in engines.items()}
    assert all(ids == orders["whoosh"] for ids in orders.values())
    assert orders["whoosh"]


@pytest.mark.parametrize("per_page", [7, 20, 100])
@pytest.mark.parametrize("sort", ["date", "date_desc"])
def test_date_order_either_way_keeps_a_days_records_in_document_order_and_the_undated_last(
        seed_engine, seed_corpus, sort, per_page):
    units = sorted(seed_corpus.records(), key=lambda r: r.order)
    day = {u.id: int(u.date.replace("-", "")) if u.date else None for u in units}
    expected = sorted((u.id for u in units), key=lambda i: (
        day[i] is None, -(day[i] or 0) if sort == "date_desc" else (day[i] or 0)))  # stable: document order
    ids, page = [], 1
    while len(ids) < len(units):
        result = seed_engine.search(SearchParams(sort=sort, page=page, per_page=per_page))
        assert result.total == len(units) and result.hits, page
        ids += [h["id"] for h in result.hits]
        page += 1
    assert ids == expected


def test_engines_agree_on_records_and_neighbours(engines, seed_corpus):
    units = sorted(seed_corpus.records(), key=lambda r: r.order)
    probes = [units[0].id, units[1].id, units[len(units) // 2].id, units[-1].id, "nope"]
    for facet, value in (("meeting", "5007"), ("symbol", "S/2004/546"), ("chapter", units[0].chapter),
                         ("country", "FRA"), ("kind", "footnote")):
        answers = {name: (e.records_of(facet, value, 2, 7), e.count_of(facet, value)) for name, e in engines.items()}
        assert all(a == answers["whoosh"] for a in answers.values()), (facet, value)
    assert all(e.records_of("meeting", "5007", 10**6, 20) == (e.count_of("meeting", "5007"), [])
               for e in engines.values())
    for record_id in probes:
        assert len({repr(e.record(record_id)) for e in engines.values()}) == 1, record_id


# --- incremental builds ---------------------------------------------------------------------

CHANGED = ("墨西哥和荷兰代表", "墨西哥和冰岛代表")
PROBES = [{"q": "冰岛"}, {"q": "荷兰"}, {"q": "安全理事会"}, {"q": "区域组织 合作"}, {"q": "盟"},
          {"q": "", "meeting": "5007"}, {"q": "合作", "country": "FRA"}, {"q": "", "sort": "date"}]


def _chapters(folder, names, changed=()):
    """Copies of the seed chapter named `names`; those in `changed` with one paragraph edited."""
    folder.mkdir(exist_ok=True)
    text = SEED_FILES[0].read_text(encoding="utf-8")
    assert text.count(CHANGED[0]) == 1
    paths = []
    for name in names:
        path = folder / f"{name}.txt"
        path.write_text(text.replace(*CHANGED) if name in changed else text, encoding="utf-8")
        paths.append(path)
    return paths


def _snapshot(engine):
    """What the probes answer: total, facets and ids in document order (orders differ between builds)."""
    out = []
    for params in PROBES:
        result, hits = _all_hits(engine, {**params, "sort": params.get("sort", "document")})
        out.append((result.total, {f: [(v.value, v.count) for v in vs] for f, vs in result.facets.items()},
                    [h["id"] for h in hits]))
    return out


@pytest.mark.parametrize("name", ENGINES)
def test_incremental_build_answers_like_a_full_build(tmp_path, name):
    src = tmp_path / "src"
    build_index(_chapters(src, ["100_a", "101_b", "102_c"]), tmp_path / "inc", engine=name)
    files = _chapters(src, ["100_a", "102_c", "103_d"], changed={"102_c"})  # b removed, c changed, d added
    stats = build_index(files, tmp_path / "inc", engine=name)
    assert (stats["added"], stats["changed"], stats["removed"], stats["unchanged"]) == (1, 1, 1, 1)
    full_src = tmp_path / "full-src"
    shutil.copytree(src, full_src, ignore=shutil.ignore_patterns("101_b.txt"))
    build_index(sorted(full_src.glob("*.txt")), tmp_path / "full", engine=name, full=True)
    inc, full = open_searcher(tmp_path / "inc"), open_searcher(tmp_path / "full")
    try:
        assert _snapshot(inc) == _snapshot(full)
        assert inc.search(SearchParams(q="冰岛")).total == 1
        assert inc.record("101_b.49.p1") is None and inc.count_of("chapter", "101_b") == 0
        assert inc.count_of("chapter", "102_c") == full.count_of("chapter", "102_c") > 0
    finally:
        inc.close()
        full.close()


@pytest.mark.parametrize("name", ENGINES)
def test_equal_scores_rank_in_document_order(tmp_path, name):
    names = ["102_c", "100_a", "101_b"]  # given out of order: document order is the files' order
    build_index(_chapters(tmp_path / "src", names), tmp_path / "index", engine=name)
    # Re-indexed, the first chapter's records are the index's newest (tantivy: a new segment).
    build_index(_chapters(tmp_path / "src", names, changed={"102_c"}), tmp_path / "index", engine=name)
    engine = open_searcher(tmp_path / "index")
    try:
        for q in ("安全理事会", "盟", "区域组织 合作"):
            copies = {}  # the same record in each copy of the chapter scores the same
            for hit in _all_hits(engine, {"q": q})[1]:
                chapter, _, rest = hit["id"].partition(".")
                copies.setdefault((rest, hit["text"]), []).append(chapter)
            tied = [chapters for chapters in copies.values() if len(chapters) == len(names)]
            assert tied and all(chapters == names for chapters in tied), q
    finally:
        engine.close()


@pytest.mark.parametrize("name", ENGINES)
def test_build_in_worker_processes_answers_like_a_build_in_one(tmp_path, monkeypatch, name):
    files = _chapters(tmp_path / "src", [f"1{i:02d}_x" for i in range(8)], changed={"103_x"})
    engines = []
    for procs in ("1", "2"):
        monkeypatch.setenv("REPERTOIRE_BUILD_PROCS", procs)
        build_index(files, tmp_path / f"procs{procs}", engine=name)
        engines.append(open_searcher(tmp_path / f"procs{procs}"))
    try:
        assert _snapshot(engines[0]) == _snapshot(engines[1])
        assert engines[1].search(SearchParams(q="冰岛")).hits[0]["id"].startswith("103_x.")
    finally:
        for engine in engines:
            engine.close()


@pytest.mark.parametrize("name", ENGINES)
def test_previous_version_still_answers_after_an_incremental_build(tmp_path, name):
    src, index_dir = tmp_path / "src", tmp_path / "index"
    build_index(_chapters(src, ["100_a", "101_b"]), index_dir, engine=name)
    old_version = version_of(index_dir)
    serving = open_searcher(index_dir)
    before = _snapshot(serving)
    build_index(_chapters(src, ["100_a", "102_c"], changed={"100_a"}), index_dir, engine=name)
    assert version_of(index_dir) != old_version
    reopened = Searcher(engine_class(name).open(old_version, read_manifest(old_version)))
    current = open_searcher(index_dir)
    try:
        assert _snapshot(serving) == _snapshot(reopened) == before
        assert _snapshot(current) != before
        assert current.search(SearchParams(q="冰岛")).total == 1
        assert reopened.search(SearchParams(q="冰岛")).total == 0
    finally:
        for engine in (serving, reopened, current):
            engine.close()


@pytest.mark.parametrize("name", ENGINES)
def test_a_character_beyond_the_bmp_and_those_after_it_are_found(tmp_path, name):
    # 𠮷 takes two UTF-16 code units: 300 of them shift every later character's code unit by 300,
    # yet single characters are still found where they are.
    src = tmp_path / "src"
    src.mkdir()
    path = src / "100_a.txt"
    path.write_text(SEED_FILES[0].read_text(encoding="utf-8").replace(CHANGED[0], "墨西哥和" + "𠮷" * 300 + "田代表"),
                    encoding="utf-8")
    build_index([path], tmp_path / "index", engine=name)
    engine = open_searcher(tmp_path / "index")
    try:
        def ids(q):
            return sorted(h["id"] for h in _all_hits(engine, {"q": q})[1])

        having = {char: sorted(r.id for r in parse_chapter(path).records() if char in squash(normalize(r.text)))
                  for char in ("𠮷", "田", "墨")}
        assert len(having["𠮷"]) == 1
        assert [ids("𠮷"), ids('"𠮷田代表"'), ids("田"), ids("墨")] == \
            [having["𠮷"], having["𠮷"], having["田"], having["墨"]]
    finally:
        engine.close()
