"""Footnote text -> citations: symbols, pages, speakers, ibid and the glued footnote number."""
import pytest

from search.reference.citations import (
    Citation,
    document_url,
    fix_glued_footnote_number,
    normalize_symbol,
    parse_citations,
    parse_speakers,
)


@pytest.mark.parametrize(
    "text, ibid, expected",
    [
        ("S/PV.5007，第 3-4 页。", None, [Citation("S/PV.5007", ("3-4",))]),
        ("同上，第 5-6 页。", "S/PV.5007", [Citation("S/PV.5007", ("5-6",))]),
        ("S/PV.5041，第 2 和 3 页。", None, [Citation("S/PV.5041", ("2", "3"))]),
        ("S/PV.5649，第24页(联合王国)。", None, [Citation("S/PV.5649", ("24",), ("联合王国",))]),
        ("S/2004/546。", None, [Citation("S/2004/546")]),
        ("S/PRST/2004/27。", None, [Citation("S/PRST/2004/27")]),
        ("大会第 60/1 号决议。", None, [Citation("A/RES/60/1")]),
        ("第 1631(2005)号决议。", None, [Citation("S/RES/1631(2005)")]),
        ("会议讨论详情，见第十三章第三部分 A 节。", "S/PV.5007", []),
        ("罗马尼亚外交部长应邀参加；他的讲话，见 S/2006/757。", None, [Citation("S/2006/757")]),
        (
            "同上，分别为第 6 页和第 33 页。",
            "S/PV.5529",
            [Citation("S/PV.5529", ("6",)), Citation("S/PV.5529", ("33",))],
        ),
        (
            "分别为 S/PV.5282，第 17 页和 S/PV.5282(Resumption 1)，第 2 页。",
            None,
            [Citation("S/PV.5282", ("17",)), Citation("S/PV.5282(Resumption 1)", ("2",))],
        ),
        (
            "同上，第 22 页(阿尔及利亚)；S/PV.5007(Resumption 1)，第 5 页(安哥拉)；第 10 页(法国)。",
            "S/PV.5007",
            [
                Citation("S/PV.5007", ("22",), ("阿尔及利亚",)),
                Citation("S/PV.5007(Resumption 1)", ("5",), ("安哥拉",)),
                Citation("S/PV.5007(Resumption 1)", ("10",), ("法国",)),
            ],
        ),
        (
            "S/PV.5649(Resumption 1)，第 2 页(挪威)，第 14 页(德国)。",
            None,
            [
                Citation("S/PV.5649(Resumption 1)", ("2",), ("挪威",)),
                Citation("S/PV.5649(Resumption 1)", ("14",), ("德国",)),
            ],
        ),
        ("S/PV.5649，第 17 页(法国、巴拿马)。", None, [Citation("S/PV.5649", ("17",), ("法国", "巴拿马"))]),
        ("同上，第 23 页；S/PV.5282(Resumption 1)，第 6 页。", "S/PV.5282",
         [Citation("S/PV.5282", ("23",)), Citation("S/PV.5282(Resumption 1)", ("6",))]),
        ("同上，第 8 页。", None, [Citation(None, ("8",))]),
    ],
)
def test_parse_citations(text, ibid, expected):
    assert list(parse_citations(text, ibid)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("联合王国,代表欧洲联盟", (("联合王国",), "欧洲联盟")),
        ("联合王国代表欧洲联盟", (("联合王国",), "欧洲联盟")),
        ("刚果，代表非洲联盟主席", (("刚果",), "非洲联盟主席")),
        ("法国、巴拿马", (("法国", "巴拿马"), None)),
        ("助理秘书长", (("助理秘书长",), None)),
        ("非洲联盟委员", (("非洲联盟委员",), None)),
        # Not a known name before 代表: the whole string is the speaker.
        ("秘书长特别代表", (("秘书长特别代表",), None)),
    ],
)
def test_parse_speakers(text, expected):
    assert parse_speakers(text) == expected


@pytest.mark.parametrize(
    "symbol, number, meetings, expected",
    [
        ("S/PV.5776106", 106, {"5776"}, "S/PV.5776"),
        ("S/PV.5776106(Resumption 1)", 106, {"5776"}, "S/PV.5776(Resumption 1)"),
        # The digits end in the footnote number, but what is left is not a known meeting.
        ("S/PV.5776106", 106, {"5007"}, "S/PV.5776106"),
        ("S/PV.5776", 76, {"5007"}, "S/PV.5776"),
        ("S/PV.5007", 7, {"5776"}, "S/PV.5007"),
    ],
)
def test_glued_footnote_number(symbol, number, meetings, expected):
    assert fix_glued_footnote_number(Citation(symbol, ("4",)), number, meetings) == Citation(expected, ("4",))


def test_symbol_wrapped_inside_resumption_is_normalised():
    assert normalize_symbol("S/PV.5007 （Resumption1）") == "S/PV.5007(Resumption 1)"
    assert parse_citations("S/PV.5007(Resumption 1)，第 5 页。") == (Citation("S/PV.5007(Resumption 1)", ("5",)),)


def test_urls_open_the_document_in_chinese_and_english():
    c = Citation("S/PV.5007(Resumption 1)", ("10",))
    assert (c.url, c.url_en) == (
        "https://undocs.org/zh/S/PV.5007(Resumption%201)",
        "https://undocs.org/en/S/PV.5007(Resumption%201)",
    )
    assert document_url("S/PRST/2007/7") == "https://undocs.org/zh/S/PRST/2007/7"
    assert Citation(None).url is None
    assert c.to_dict() == {
        "symbol": "S/PV.5007(Resumption 1)",
        "pages": ["10"],
        "speakers": [],
        "on_behalf_of": None,
        "url": "https://undocs.org/zh/S/PV.5007(Resumption%201)",
        "url_en": "https://undocs.org/en/S/PV.5007(Resumption%201)",
    }


