"""Chapter text -> records, on the real seed and on small hand-written chapters."""
import itertools
import json
import subprocess
import sys

import pytest

from search.reference.citations import Citation
from search.ingest.corpus import Source
from search.reference.resolve import parse_chapter, parse_corpus, record_to_dict
from search.ingest.lines import join_pieces, remove_stray_spaces
from search.errors import CorpusError
from paths import DATA, ROOT

SEED = ROOT / "seeds" / "000_433e06851ef59419.txt"
KEY = "000_433e06851ef59419"


@pytest.fixture(scope="module")
def seed():
    return parse_chapter(SEED)


def fn(corpus, item, number):
    (found,) = [f for f in corpus.footnotes if (f.item, f.number) == (item, number)]
    return found


def para(corpus, fragment):
    (found,) = [p for p in corpus.paragraphs if fragment in p.text]
    return found


# ---------------------------------------------------------------- the seed


def test_items_have_their_footnotes_in_sequence(seed):
    numbers = {}
    for f in seed.footnotes:
        numbers.setdefault(f.item, []).append(f.number)
    assert numbers == {49: list(range(1, 109)), 50: [1, 2, 3]}
    assert seed.warnings == ()


def test_every_marker_in_the_body_is_a_footnote_and_every_footnote_is_cited(seed):
    cited = sorted((p.item, n) for p in seed.paragraphs for n in p.footnotes)
    assert cited == sorted((f.item, f.number) for f in seed.footnotes)


def test_headings(seed):
    headings = [(p.text, p.section, p.meeting, p.date, p.decision) for p in seed.paragraphs if p.kind == "heading"]
    assert headings[:5] == [
        ("49. 与区域和次区域组织在维护国际和平与安全方面的作用有关的项目", None, None, None, None),
        ("A. 联合国与区域组织在稳定进程中的合作", "A", None, None, None),
        ("初步程序", "A", None, None, None),
        ("2004 年 7 月 20 日(第 5007 次会议)的决定：", "A", 5007, "2004-07-20", None),
        ("主席声明", "A", 5007, "2004-07-20", "主席声明"),
    ]
    assert ("B. 联合国与区域组织在维持国际和平与安全方面的合作", "B", None, None, None) in headings
    assert ("第 1631(2005)号决议", "B", 5282, "2005-10-17", "第 1631(2005)号决议") in headings
    assert ("50. 冲突管理及建设和平的民政方面", None, None, None, None) in headings
    meetings = [(p.meeting, p.date, p.decision) for p in seed.paragraphs if p.kind == "heading" and p.decision]
    assert meetings == [
        (5007, "2004-07-20", "主席声明"),
        (5282, "2005-10-17", "第 1631(2005)号决议"),
        (5529, "2006-09-20", "主席声明"),
        (5649, "2007-03-28", "主席声明"),
        (5776, "2007-11-06", "主席声明"),
        (5041, "2004-09-22", "主席声明"),
    ]


def test_every_record_knows_its_place(seed):
    p = para(seed, "发言者们一致申明")
    assert (p.item, p.item_title, p.section, p.section_title, p.meeting, p.date, p.decision) == (
        49,
        "与区域和次区域组织在维护国际和平与安全方面的作用有关的项目",
        "A",
        "联合国与区域组织在稳定进程中的合作",
        5007,
        "2004-07-20",
        "主席声明",
    )
    last = seed.paragraphs[-1]
    assert (last.item, last.section, last.meeting) == (50, None, 5041)


def test_paragraph_joined_across_wraps_with_its_markers(seed):
    p = para(seed, "来解决危机。")
    assert p.text.endswith("合法性的途径。")
    assert "因为需要采取一种区域办法来解决危机。法国代表指出" in p.text
    assert p.footnotes == (5, 6, 7)
    assert p.kind == "paragraph"


def test_markers_keep_their_place_in_the_text(seed):
    p = para(seed, "来解决危机。")
    assert [(n, p.text[:offset][-6:]) for n, offset in p.marker_offsets] == [
        (5, "来解决危机。"),
        (6, "挥关键作用。"),
        (7, "法性的途径。"),
    ]
    p = para(seed, "给秘书长的信(其中")
    assert [(n, p.text[offset:offset + 3]) for n, offset in p.marker_offsets] == [(1, "(其中"), (2, "")]
    assert record_to_dict(p)["markers"] == [{"number": 1, "offset": p.text.index("(其中")},
                                            {"number": 2, "offset": len(p.text)}]


def test_paragraph_runs_across_a_page_break(seed):
    p = para(seed, "几位发言者对此表示支持。")
    assert p.footnotes == (13, 14, 15, 16)
    assert "更为有效的互动的战略。几位发言者对此表示支持。美国代表补充说" in p.text
    p = para(seed, "处理自己所在区域冲突的最佳方式。")
    assert p.footnotes == (51, 52, 53)


@pytest.mark.parametrize(
    "fragment, footnotes",
    [
        # A year at the end of a line is not marker 2006.
        ("2006 年 11 月联合国和非洲联盟之间的谅解备忘录", (84,)),
        # Numbers with spaces inside are numbers.
        ("人数在 3 500 到 5 000 之间的五个旅", (61, 62, 63)),
        # A marker in the middle of a line.
        ("给秘书长的信(其中转递关于该专题的讨论文件)列入议程", (1, 2)),
        # A marker on a line of its own inside a quoted clause.
        ("在其最近通过的主席说明中同意通过酌情邀请", (78,)),
        ("安理会主席声明，在其报告中提出建议", (108,)),
        # A date that wraps before 日 is not a marker.
        ("2004 年 7 月 20 日和 2005 年 10 月 17 日罗马尼亚任主席期间", ()),
        ("第 5649 次会议上，安全理事会举行了一次题为", (79,)),
        ("坦桑尼亚联合共和国代表以及敦促区域组织进行能力建设", (37, 38, 39, 40, 41)),
    ],
)
def test_footnote_markers_told_from_numbers(seed, fragment, footnotes):
    assert para(seed, fragment).footnotes == footnotes


def test_decision_clauses_follow_their_introduction(seed):
    intro = para(seed, "其中安理会特别：")
    assert (intro.kind, intro.footnotes) == ("paragraph", (24,))
    after = [p for p in seed.paragraphs if p.order > intro.order and p.item == 49][:6]
    assert [p.kind for p in after] == ["decision"] * 5 + ["heading"]
    assert after[0].text == "确认区域组织通过设法消除冲突根源等方式，在预防、解决和管理冲突方面可发挥重要作用；"
    assert after[4].text == "还邀请联合国所有会员国，为加强区域和次区域组织的能力作出贡献。"
    # Every record's kind, as runs of ids: each section opens with headings (item, section, 初步程序,
    # the decision heading and its decision line), then its narrative paragraphs, then the decision's clauses.
    runs = [(item, kind, int(group[0].id.rsplit(".p", 1)[1]), int(group[-1].id.rsplit(".p", 1)[1]))
            for (item, kind), group in ((key, list(g)) for key, g in
                                        itertools.groupby(seed.paragraphs, key=lambda p: (p.item, p.kind)))]
    assert runs == [
        (49, "heading", 1, 5), (49, "paragraph", 6, 19), (49, "decision", 20, 24),        # A, meeting 5007
        (49, "heading", 25, 28), (49, "paragraph", 29, 38), (49, "decision", 39, 49),     # B, meeting 5282
        (49, "heading", 50, 51), (49, "paragraph", 52, 65), (49, "decision", 66, 71),     # B, meeting 5529
        (49, "heading", 72, 75), (49, "paragraph", 76, 87), (49, "decision", 88, 92),     # C, meeting 5649
        (49, "heading", 93, 96), (49, "paragraph", 97, 102), (49, "decision", 103, 114),  # D, meeting 5776
        (50, "heading", 1, 4), (50, "paragraph", 5, 7),                                   # item 50, cut off
    ]


def test_file_that_ends_mid_paragraph_keeps_what_is_there(seed):
    assert seed.paragraphs[-1].text.endswith("非洲联盟在达尔富尔的有限经验(部署非洲联盟驻苏丹特派团)")


def test_footnote_text_joined_and_stray_spaces_removed(seed):
    assert fn(seed, 49, 19).text == (
        "同上，第 14 页(中国)；第 30 页(独联体)；S/PV.5007(Resumption 1)，第 4 页(美国)；"
        "第 8 页(西非经共体)；第 13 页(非洲联盟主席)。"
    )
    assert fn(seed, 49, 25).text == "会议讨论详情，见关于《宪章》第八章的第十三章第三部分 A 节。"


@pytest.mark.parametrize(
    "item, number, citations",
    [
        (49, 21, [Citation("S/PV.5007(Resumption 1)", ("8",))]),
        (49, 3, [Citation("S/PV.5007", ("3-4",))]),
        (49, 1, []),
        (49, 24, [Citation("S/PRST/2004/27")]),
        (49, 46, [Citation("S/2006/757")]),
        (49, 84, [Citation("A/RES/60/1")]),
        (49, 33, [Citation("S/PV.5282", ("17",)), Citation("S/PV.5282(Resumption 1)", ("2",))]),
        (49, 64, [Citation("S/PV.5529", ("6",)), Citation("S/PV.5529", ("33",))]),
        (50, 3, [Citation("S/PV.5041", ("2", "3"))]),
        (50, 2, []),
        (
            49,
            5,
            [
                Citation("S/PV.5007", ("5",), ("墨西哥",)),
                Citation("S/PV.5007", ("10",), ("贝宁",)),
                Citation("S/PV.5007", ("13",), ("中国",)),
                Citation("S/PV.5007", ("14",), ("阿拉伯国家联盟",)),
                Citation("S/PV.5007", ("22",), ("阿尔及利亚",)),
                Citation("S/PV.5007(Resumption 1)", ("5",), ("安哥拉",)),
                Citation("S/PV.5007(Resumption 1)", ("10",), ("法国",)),
                Citation("S/PV.5007(Resumption 1)", ("16",), ("罗马尼亚",)),
            ],
        ),
        (
            49,
            106,
            [
                Citation("S/PV.5776", ("4",), ("美国",)),
                Citation("S/PV.5776", ("16",), ("比利时",)),
                Citation("S/PV.5776", ("27",), ("欧洲联盟",)),
                Citation("S/PV.5776(Resumption 1)", ("8",), ("日本",)),
            ],
        ),
    ],
)
def test_seed_citations(seed, item, number, citations):
    assert list(fn(seed, item, number).citations) == citations


@pytest.mark.parametrize(
    "item, number, index, speakers, behalf",
    [
        (49, 29, 3, ("联合王国",), "欧洲联盟"),
        (49, 36, 0, ("联合王国",), "欧洲联盟"),
        (49, 54, 5, ("刚果",), "非洲联盟主席"),
        (49, 85, 2, ("法国", "巴拿马"), None),
        (49, 100, 0, ("助理秘书长",), None),
    ],
)
def test_seed_speakers(seed, item, number, index, speakers, behalf):
    c = fn(seed, item, number).citations[index]
    assert (c.speakers, c.on_behalf_of) == (speakers, behalf)


def test_ibid_follows_the_previous_footnote_not_the_item_start(seed):
    # fn 20 cites the resumption; fn 21 "同上" is that resumption, not S/PV.5007.
    assert fn(seed, 49, 20).citations[-1].symbol == "S/PV.5007(Resumption 1)"
    assert fn(seed, 49, 21).citations[0].symbol == "S/PV.5007(Resumption 1)"
    # fn 105 "同上" after fn 104 (S/PV.5776), then its own new symbol.
    assert [c.symbol for c in fn(seed, 49, 105).citations] == ["S/PV.5776", "S/PV.5776", "S/PV.5776(Resumption 1)"]


def test_footnote_meeting_date_and_citing_paragraphs(seed):
    f = fn(seed, 49, 21)
    assert (f.meeting, f.date) == (5007, "2004-07-20")
    assert f.cited_by == (para(seed, "几位发言者说，联合国应向区域组织").id,)
    assert fn(seed, 50, 1).meeting == 5041


def test_countries_are_iso_codes_and_names_inside_names_do_not_match(seed):
    everywhere = {c for r in seed.records() for c in r.countries}
    assert "IND" not in everywhere and "MLI" not in everywhere
    # Guinea is named once, in the list of speakers at meeting 5776 (危地马拉、几内亚、洪都拉斯).
    assert [p.meeting for p in seed.paragraphs if "GIN" in p.countries] == [5776]
    assert {"IDN", "SOM", "LBY", "TZA", "COG", "GBR", "USA", "CHN", "RUS", "FRA", "MEX"} <= everywhere


def test_paragraph_countries_include_speakers_of_its_footnotes(seed):
    p = para(seed, "来解决危机。")
    # Named in the text: France, Chile; named as speakers in footnote 5: the rest.
    assert set(p.countries) == {"FRA", "CHL", "MEX", "BEN", "CHN", "DZA", "AGO", "ROU"}
    assert "LAS" in p.orgs


def test_old_names_map_to_todays_codes(seed):
    assert "LBY" in para(seed, "但阿拉伯利比亚民众国代表指出").countries
    assert fn(seed, 49, 96).countries == ("COG", "GHA", "GBR", "USA", "EGY", "LBY", "BFA", "TZA", "BEN", "RWA")


def test_footnote_organisations(seed):
    assert fn(seed, 49, 19).orgs == ("CIS", "ECOWAS", "AU")


def test_ids_are_readable_and_stable(seed):
    assert seed.paragraphs[0].id == f"{KEY}.49.p1"
    assert fn(seed, 49, 21).id == f"{KEY}.49.fn21"
    assert parse_chapter(SEED) == seed


def test_ids_do_not_change_when_other_chapters_are_added(seed):
    both = parse_corpus([DATA / "decision.txt", SEED])
    assert [p.id for p in both.paragraphs if p.chapter == KEY] == [p.id for p in seed.paragraphs]
    assert {p.chapter for p in both.paragraphs} == {"decision", KEY}


def test_document_order_puts_footnotes_after_the_paragraph_citing_them(seed):
    records = sorted(seed.records(), key=lambda r: r.order)
    assert [r.order for r in records] == list(range(len(records)))
    first = [r.id.rsplit(".", 1)[1] for r in records[:8]]
    assert first == ["p1", "p2", "p3", "p4", "p5", "p6", "fn1", "p7"]


def test_record_to_dict_shapes(seed):
    d = record_to_dict(fn(seed, 49, 36))
    assert d["citations"][0] == {
        "symbol": "S/PV.5282",
        "pages": ["22"],
        "speakers": ["联合王国"],
        "on_behalf_of": "欧洲联盟",
        "url": "https://undocs.org/zh/S/PV.5282",
        "url_en": "https://undocs.org/en/S/PV.5282",
    }
    assert d["countries"][0] == {"code": "GBR", "zh": "联合王国", "en": "United Kingdom"}
    assert d["source"] == {"file": "seeds/000_433e06851ef59419.txt", "line": fn(seed, 49, 36).source.line}
    p = record_to_dict(seed.paragraphs[5])
    assert set(p) >= {"id", "kind", "item", "section", "meeting", "date", "decision", "text", "footnotes",
                      "countries", "orgs", "source"}


# ---------------------------------------------------------------- small chapters, one edge case each


def test_wrapped_headings_and_page_break_mid_sentence():
    c = parse_chapter(DATA / "wrap_and_page_break.txt")
    assert [(p.kind, p.text, p.footnotes) for p in c.paragraphs] == [
        ("heading", "12. 与维护国际和平与安全有关的一个很长的项目标题需要换行", ()),
        ("heading", "A. 第一节的标题也很长所以在这里换行", ()),
        ("heading", "初步程序", ()),
        ("heading", "2010 年 1 月 5 日(第 6250 次会议)的决定：", ()),
        ("heading", "主席声明", ()),
        ("paragraph", "在 2010 年 1 月 5 日第 6250 次会议上，安全理事会听取了通报。法国代表发了言。", (1, 2)),
        ("paragraph", "联合王国代表认为，区域组织的作用日益重要。", (3,)),
        ("paragraph", "第二段没有脚注。", ()),
    ]
    assert c.paragraphs[1].section_title == "第一节的标题也很长所以在这里换行"
    assert c.paragraphs[7].item_title == "与维护国际和平与安全有关的一个很长的项目标题需要换行"
    assert [(f.number, f.text) for f in c.footnotes] == [
        (1, "S/PV.6250，第 2-3 页。"),
        (2, "同上，第 4 页(法国)；第 5 页(中国)。"),
        (3, "同上，第 7 页(联合王国)。"),
    ]
    assert c.footnotes[2].citations == (Citation("S/PV.6250", ("7",), ("联合王国",)),)
    assert c.paragraphs[6].source == Source("tests/data/wrap_and_page_break.txt", 21)


def test_numbers_that_are_not_markers():
    c = parse_chapter(DATA / "markers.txt")
    (p,) = [p for p in c.paragraphs if p.kind == "paragraph"]
    assert p.text == (
        "秘书长给安理会主席的信(其中转递讨论文件)列入议程。非盟已要求最迟于 2010 年成立人数在 3 500 到 5 000 "
        "之间的五个旅。大多数发言者欢迎非洲大陆的冲突。2006 年 11 月的谅解备忘录受到欢迎。日本代表表示赞同，"
        "安理会在其主席说明中同意扩大协商，包括 2004 年 7 月 20 日的会议。"
    )
    assert p.footnotes == (1, 2, 3, 4, 5)
    assert c.warnings == ()


def test_decision_clauses_end_with_the_full_stop():
    c = parse_chapter(DATA / "decision.txt")
    assert [(p.kind, p.text) for p in c.paragraphs[3:]] == [
        ("paragraph", "会议结束时，主席代表安理会发表声明，其中安理会除其他外："),
        ("decision", "重申其首要责任；"),
        ("decision", "确认区域组织起着重要作用，并回顾合作是集体安全的一个有机组成部分；"),
        ("decision", "请各方开展进一步协作。"),
        ("paragraph", "会后，发言者继续讨论。"),
    ]


def test_footnotes_restart_with_each_item_and_truncated_file():
    c = parse_chapter(DATA / "two_items.txt")
    assert [(f.id, f.meeting, f.cited_by) for f in c.footnotes] == [
        ("two_items.1.fn1", 5041, ("two_items.1.p4",)),
        ("two_items.2.fn1", 5282, ("two_items.2.p4",)),
    ]
    assert c.paragraphs[-1].text == "最后一段在文件结束时还没有写"
    assert c.paragraphs[2].decision == "主席声明"
    # 同上 with nothing before it in the item: no symbol, and a warning that says so.
    assert c.footnotes[1].citations == (Citation(None, ("3",)),)
    assert c.warnings == ("tests/data/two_items.txt: line 24: footnote 1: 同上 (ibid) with no earlier citation",)


def test_a_note_numbered_1_goes_to_the_item_that_cites_it_past_an_item_with_no_notes():
    c = parse_chapter(DATA / "item_without_notes.txt")
    assert [(f.id, f.text, f.cited_by) for f in c.footnotes] == [
        ("item_without_notes.1.fn1", "S/PV.1001。", ("item_without_notes.1.p2",)),
        ("item_without_notes.3.fn1", "S/PV.3001。", ("item_without_notes.3.p2",)),
        ("item_without_notes.3.fn2", "S/PV.3002。", ("item_without_notes.3.p2",)),
    ]
    assert c.warnings == ()


def test_citation_edge_cases_in_a_chapter():
    c = parse_chapter(DATA / "citations.txt")
    assert [list(f.citations) for f in c.footnotes] == [
        [
            Citation("S/PV.5776", ("5",), ("墨西哥",)),
            Citation("S/PV.5776(Resumption 1)", ("10",), ("法国", "巴拿马")),
            Citation("S/PV.5776(Resumption 1)", ("12",), ("联合王国",), "欧洲联盟"),
        ],
        [Citation("S/PV.5776", ("17",)), Citation("S/PV.5776(Resumption 1)", ("2",))],
        [Citation("S/PV.5776", ("4",), ("刚果",), "非洲联盟主席")],
    ]
    (p,) = [p for p in c.paragraphs if p.kind == "paragraph"]
    assert p.countries == ("MEX", "FRA", "PAN", "GBR", "COG")
    assert p.orgs == ("EU", "AU")


@pytest.mark.parametrize(
    "pieces, joined",
    [
        (["会议上，", "安全", "理事会"], "会议上，安全理事会"),
        (["在 2004 年 7 月 20", "日和"], "在 2004 年 7 月 20 日和"),
        (["第 5649", "次会议"], "第 5649 次会议"),
        (["S/PV.5007(Resumption ", "1)，第"], "S/PV.5007(Resumption 1)，第"),
        (["第", "12 页"], "第 12 页"),
    ],
)
def test_join_pieces(pieces, joined):
    assert join_pieces(pieces) == joined


def test_remove_stray_spaces():
    assert remove_stray_spaces("第 27 页 ( 巴 基 斯 坦 ) ； 第 31 页") == "第 27 页(巴基斯坦)；第 31 页"
    assert remove_stray_spaces("见第三部分 A 节。") == "见第三部分 A 节。"


# ---------------------------------------------------------------- bad input


def test_gb18030_file_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes((DATA / "decision.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert [p.text for p in parse_chapter(path).paragraphs] == [
        p.text for p in parse_chapter(DATA / "decision.txt").paragraphs
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b" 49. \xe9\xa1\xb9\n\x00\x01\x02", "line 2: binary data (NUL byte), not a text file"),
        (b" 49. ok\n\xff\xfe\xfa\xfb\xfc", "line 2: not valid UTF-8 or GB18030 text"),
        ("这是一段普通的文字，没有项目标题。\n".encode(), "not a Repertoire chapter: no item heading"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as exc:
        parse_chapter(path)
    assert str(exc.value).startswith(f"{path}: ")
    assert message in str(exc.value)


def test_file_cut_inside_a_character_keeps_what_is_there(tmp_path):
    path = tmp_path / "cut.txt"
    data = SEED.read_bytes()[:20000]
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    c = parse_chapter(path)
    assert c.paragraphs[-1].text == "主席提请注意 2006"
    assert [f.number for f in c.footnotes] == list(range(1, 48))
    assert c.warnings == (f"{path}: the file ends inside a character; its last bytes were dropped",)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(CorpusError, match="nope.txt: no such file"):
        parse_chapter(tmp_path / "nope.txt")
    with pytest.raises(CorpusError, match="is a directory"):
        parse_chapter(tmp_path)


def test_same_chapter_key_twice_is_refused(tmp_path):
    other = tmp_path / "decision.txt"
    other.write_text((DATA / "decision.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CorpusError, match="chapter key 'decision'"):
        parse_corpus([DATA / "decision.txt", other])


# ---------------------------------------------------------------- the command line


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "search", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_parse_prints_paragraphs_and_footnotes():
    out = run_cli("parse", "tests/data/decision.txt")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [p["id"] for p in data["paragraphs"]] == [f"decision.3.p{n}" for n in range(1, 9)]
    assert data["footnotes"][0]["citations"][0]["symbol"] == "S/PRST/2007/7"
    assert data["footnotes"][0]["cited_by"] == ["decision.3.p4"]


def test_cli_parse_defaults_to_the_seeds(seed):
    out = run_cli("parse")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data == {"paragraphs": [record_to_dict(p) for p in seed.paragraphs],
                    "footnotes": [record_to_dict(f) for f in seed.footnotes]}
    # The seed's footnotes are numbered from 1 in each item: 108 in item 49, 3 in item 50 (cut off).
    assert [(f["item"], f["number"]) for f in data["footnotes"]] == \
        [(49, n) for n in range(1, 109)] + [(50, n) for n in range(1, 4)]


@pytest.mark.parametrize("name, content", [("empty.txt", b""), ("binary.txt", b"\x00\x01"), ("missing.txt", None)])
def test_cli_bad_file_is_one_line_without_traceback(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = run_cli("parse", str(path))
    assert out.returncode != 0
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"error: {path}")


# ---------------------------------------------------------------- checks at ingestion

CHECKED = """\
 7. 测试项目
 2006 年 9 月 20 日(第 5529 次会议)的决定：
主席声明
 安理会听取了通报。1 法国代表
发了言。2
 中国代表表示赞同。3
__________________
 1 S/PV.5529，第 2 页。
 2 同上，第 3 页(法国)。
 3 同上，第 4 页(中国)。
"""


def chapter(tmp_path, text, name="checked.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_chapter_that_passes_the_checks_has_no_warnings_strict_or_not(tmp_path):
    path = chapter(tmp_path, CHECKED)
    assert parse_chapter(path, strict=True) == parse_chapter(path)
    assert parse_chapter(path).warnings == ()
    assert parse_chapter(SEED, strict=True) == parse_chapter(SEED)


@pytest.mark.parametrize(
    "old, new, warnings",
    [
        # Markers contiguous per item: marker 2 is missing between 1 and 3.
        (
            "发了言。2",
            "发了言。",
            [
                "line 6: item 7: footnote marker 2 not found before marker 3",
                "line 9: item 7: footnote 2 has no marker in the text",
            ],
        ),
        # One footnote per marker: marker 3 has no footnote...
        (" 3 同上，第 4 页(中国)。\n", "", ["line 6: item 7: footnote 3 is cited but has no text"]),
        # ... and footnote 4 has no marker.
        (" 3 同上，第 4 页(中国)。\n", " 3 同上，第 4 页(中国)。\n 4 同上，第 5 页。\n",
         ["line 11: item 7: footnote 4 has no marker in the text"]),
        # Page furniture in the body: a job number and a bare page number.
        ("法国代表\n", "法国代表\n09-25533 (C)\n", ["line 5: header or footer text in the body: '09-25533 (C)'"]),
        ("法国代表\n", "法国代表\n523\n", ["line 5: header or footer text in the body: '523'"]),
    ],
)
def test_ingestion_checks_warn_naming_the_file_and_strict_raises_on_the_first(tmp_path, old, new, warnings):
    path = chapter(tmp_path, CHECKED.replace(old, new))
    assert parse_chapter(path).warnings == tuple(f"{path}: {w}" for w in warnings)
    with pytest.raises(CorpusError) as exc:
        parse_chapter(path, strict=True)
    assert str(exc.value) == f"{path}: {warnings[0]}"
    with pytest.raises(CorpusError) as exc:
        parse_corpus([DATA / "decision.txt", path], strict=True)
    assert str(exc.value) == f"{path}: {warnings[0]}"


def test_leaked_furniture_stays_in_the_text_so_the_warning_is_the_whole_story(tmp_path):
    path = chapter(tmp_path, CHECKED.replace("法国代表\n", "法国代表\n09-25533 (C)\n"))
    assert parse_chapter(path).paragraphs[3].text == "安理会听取了通报。法国代表 09-25533 (C)发了言。"


def test_a_number_wrapped_onto_a_line_of_its_own_is_text_not_a_page_number(tmp_path):
    path = chapter(tmp_path, CHECKED.replace("法国代表\n发了言。2", "法国代表在\n2006\n年发了言。2"))
    c = parse_chapter(path, strict=True)
    assert (c.paragraphs[3].text, c.warnings) == ("安理会听取了通报。法国代表在 2006 年发了言。", ())


def test_strict_does_not_refuse_what_is_not_a_check(tmp_path):
    # 同上 with nothing before it is a warning about a citation, not a failed check.
    c = parse_chapter(DATA / "two_items.txt", strict=True)
    assert c.warnings == ("tests/data/two_items.txt: line 24: footnote 1: 同上 (ibid) with no earlier citation",)


def test_cli_parse_strict_fails_with_one_line_naming_the_file(tmp_path):
    path = chapter(tmp_path, CHECKED.replace("发了言。2", "发了言。"))
    out = run_cli("parse", "--strict", str(path))
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", f"error: {path}: line 6: item 7: footnote marker 2 not found before marker 3\n"
    )
    out = run_cli("parse", str(path))
    assert out.returncode == 0
    units = len(list(parse_chapter(path).records()))
    assert out.stderr == (
        f"warning: {path}: line 6: item 7: footnote marker 2 not found before marker 3\n"
        f"warning: {path}: line 9: item 7: footnote 2 has no marker in the text\n"
        f"parsed 1 chapters: {units} units\n"
    )


def test_cli_build_strict_refuses_the_chapter_and_builds_no_index(tmp_path):
    path = chapter(tmp_path, CHECKED.replace("法国代表\n", "法国代表\n09-25533 (C)\n"))
    index = tmp_path / "index"
    out = run_cli("build", "--strict", "--index", str(index), str(path))
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", f"error: {path}: line 5: header or footer text in the body: '09-25533 (C)'\n"
    )
    assert not index.exists()
