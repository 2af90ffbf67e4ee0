"""Tests for search/gazetteer.py and its data file."""
import json
import re

import pytest

from search.reference import gazetteer
from search.reference.gazetteer import (
    DATA_FILE,
    all_countries,
    all_orgs,
    country,
    entity_to_dict,
    find_countries,
    find_orgs,
    lookup_country,
    lookup_org,
    org,
)
from paths import SEED

CJK = re.compile(r"[\u4e00-\u9fff]")

# The 193 member states of the United Nations, by ISO 3166-1 alpha-3 code.
MEMBER_STATES = set("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN
BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA
DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND
HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU
LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER
NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP
SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO
TUN TUR TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split())


def _data():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_data_has_the_193_member_states_and_two_observers():
    countries = _data()["countries"]
    members = {c["code"] for c in countries if not c.get("observer")}
    observers = {c["code"] for c in countries if c.get("observer")}
    assert (len(MEMBER_STATES), members, observers) == (193, MEMBER_STATES, {"VAT", "PSE"})


def test_codes_are_unique_and_look_like_their_kind():
    countries = [c["code"] for c in _data()["countries"]]
    orgs = [o["code"] for o in _data()["orgs"]]
    assert len(set(countries)) == len(countries) == 195
    assert len(set(orgs)) == len(orgs)
    assert [c for c in countries if not re.fullmatch(r"[A-Z]{3}", c)] == []
    assert [o for o in orgs if not re.fullmatch(r"[A-Z][A-Z-]{1,9}", o)] == []


def test_every_entity_has_its_display_names_among_its_aliases():
    entities = all_countries() + all_orgs()
    assert [e.code for e in entities if e.zh not in e.aliases or e.en not in e.aliases] == []
    assert [e.code for e in entities if not CJK.search(e.zh)] == []


def test_english_names_are_unique_ignoring_case():
    seen = {}
    for entity in all_countries() + all_orgs():
        for alias in entity.aliases:
            if not CJK.search(alias):
                seen.setdefault(alias.casefold(), set()).add(entity.code)
    assert {name: codes for name, codes in seen.items() if len(codes) > 1} == {}


def test_every_chinese_alias_alone_finds_its_entity():
    wrong = {}
    for entity in all_countries() + all_orgs():
        find = find_countries if entity.kind == "country" else find_orgs
        for alias in entity.aliases:
            if CJK.search(alias) and find(alias) != (entity.code,):
                wrong[alias] = find(alias)
    assert wrong == {}


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("GBR", "联合王国", "United Kingdom"),
        ("USA", "美国", "United States"),
        ("RUS", "俄罗斯联邦", "Russian Federation"),
        ("CHN", "中国", "China"),
        ("TZA", "坦桑尼亚联合共和国", "United Republic of Tanzania"),
        ("COG", "刚果", "Congo"),
        ("COD", "刚果民主共和国", "Democratic Republic of the Congo"),
        ("LBY", "利比亚", "Libya"),
        ("KOR", "大韩民国", "Republic of Korea"),
        ("SYR", "阿拉伯叙利亚共和国", "Syrian Arab Republic"),
        ("VAT", "教廷", "Holy See"),
        ("PSE", "巴勒斯坦国", "State of Palestine"),
    ],
)
def test_display_names(code, zh, en):
    assert entity_to_dict(country(code)) == {"code": code, "zh": zh, "en": en}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("印度尼西亚代表发言", ("IDN",)),
        ("印度和印度尼西亚", ("IND", "IDN")),
        ("索马里局势", ("SOM",)),
        ("马里和索马里", ("MLI", "SOM")),
        ("几内亚比绍", ("GNB",)),
        ("赤道几内亚", ("GNQ",)),
        ("巴布亚新几内亚", ("PNG",)),
        ("几内亚、几内亚比绍", ("GIN", "GNB")),
        ("尼日利亚", ("NGA",)),
        ("尼日尔和尼日利亚", ("NER", "NGA")),
        ("刚果民主共和国", ("COD",)),
        ("刚果和刚果民主共和国", ("COG", "COD")),
        ("南苏丹", ("SSD",)),
        ("苏丹和南苏丹", ("SDN", "SSD")),
        ("白俄罗斯", ("BLR",)),
        ("多米尼克和多米尼加共和国", ("DMA", "DOM")),
        ("阿拉伯国家联盟秘书长", ()),
        ("美洲国家组织", ()),
        ("塞尔维亚和黑山", ("SRB",)),
        ("阿曼苏丹国", ("OMN",)),
        ("前南斯拉夫的马其顿共和国", ("MKD",)),
    ],
)
def test_names_inside_names_do_not_match(text, expected):
    assert find_countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("印度洋海啸", ()),
        ("几内亚湾的海盗行为", ()),
        ("发展中国家", ()),
        ("其中国家机构", ()),
        ("集中国际注意力", ()),
        ("拉美国家", ()),
        ("合法国家机构", ()),
        ("加勒比海地区", ()),
        ("朝鲜半岛", ()),
        ("约旦河西岸", ()),
        ("2004 年 7 月 20 日本次会议", ()),
        ("中国和发展中国家", ("CHN",)),
    ],
)
def test_phrases_that_contain_a_name_are_not_that_state(text, expected):
    assert find_countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("阿拉伯利比亚民众国代表", ("LBY",)),
        ("大阿拉伯利比亚人民社会主义民众国", ("LBY",)),
        ("联合王国", ("GBR",)),
        ("大不列颠及北爱尔兰联合王国", ("GBR",)),
        ("英国", ("GBR",)),
        ("坦桑尼亚联合共和国", ("TZA",)),
        ("坦桑尼亚", ("TZA",)),
        ("刚果", ("COG",)),
        ("刚果(布)", ("COG",)),
        ("扎伊尔", ("COD",)),
        ("刚果（金）", ("COD",)),
        ("斯威士兰", ("SWZ",)),
        ("前南斯拉夫马其顿共和国", ("MKD",)),
        ("南斯拉夫联盟共和国", ("SRB",)),
        ("叙利亚阿拉伯共和国", ("SYR",)),
        ("苏联", ("RUS",)),
    ],
)
def test_old_and_long_names_map_to_todays_code(text, expected):
    assert find_countries(text) == expected


def test_codes_come_in_order_of_first_mention_without_duplicates():
    text = "法国代表和中国代表发言；法国代表还说，美国、中国和联合王国……英国"
    assert find_countries(text) == ("FRA", "CHN", "USA", "GBR")


def test_spaces_left_by_the_extraction_do_not_hide_a_name():
    assert find_countries("同 上 ， 第 14 页 ( 中 国 ；刚\n果 )") == ("CHN", "COG")


def test_english_names_in_text_are_not_matched():
    assert find_countries("Somalia and Mali") == ()


@pytest.mark.parametrize("text", ["", None])
def test_no_text_names_nothing(text):
    assert (find_countries(text), find_orgs(text)) == ((), ())


@pytest.mark.parametrize(
    ("text", "countries", "orgs"),
    [
        ("非洲联盟", (), ("AU",)),
        ("非盟已要求", (), ("AU",)),
        ("非洲联盟委员", (), ("AU",)),
        ("非洲联盟主席", (), ("AU",)),
        ("非洲联盟委员会代理执行秘书", (), ("AU",)),
        ("欧洲联盟主席", (), ("EU",)),
        ("欧盟", (), ("EU",)),
        ("联合王国代表欧洲联盟", ("GBR",), ("EU",)),
        ("联合王国,代表欧洲联盟", ("GBR",), ("EU",)),
        ("刚果，代表非洲联盟主席", ("COG",), ("AU",)),
        ("东南亚国家联盟(东盟)", (), ("ASEAN",)),
        ("北大西洋公约组织(北约)", (), ("NATO",)),
        ("独立国家联合体(独联体)", (), ("CIS",)),
        ("欧洲安全与合作组织(欧安组织)", (), ("OSCE",)),
        ("阿拉伯国家联盟", (), ("LAS",)),
        ("西非国家经济共同体(西非经共体)", (), ("ECOWAS",)),
        ("吉尔吉斯斯坦(代表集体安全条约组织)", ("KGZ",), ("CSTO",)),
        ("伊斯兰会议组织", (), ("OIC",)),
        ("美洲国家组织和美洲组织", (), ("OAS",)),
        ("欧洲委员会秘书长", (), ("COE",)),
        ("欧洲理事会", (), ("COE",)),
        ("东南欧合作进程", (), ("SEECP",)),
        ("上合组织", (), ("SCO",)),
        ("南共体", (), ("SADC",)),
        ("伊加特", (), ("IGAD",)),
        ("中非经共体", (), ("ECCAS",)),
        ("太平洋岛屿论坛", (), ("PIF",)),
        ("加共体", (), ("CARICOM",)),
        ("南方共同市场", (), ("MERCOSUR",)),
        ("海湾合作委员会", (), ("GCC",)),
        ("欧安组织、非盟和欧洲联盟", (), ("OSCE", "AU", "EU")),
    ],
)
def test_organisations_by_full_name_and_abbreviation(text, countries, orgs):
    assert (find_countries(text), find_orgs(text)) == (countries, orgs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("GBR", "GBR"),
        ("gbr", "GBR"),
        (" Gbr ", "GBR"),
        ("联合王国", "GBR"),
        ("大不列颠及北爱尔兰联合王国", "GBR"),
        ("英国", "GBR"),
        ("United Kingdom", "GBR"),
        ("united kingdom", "GBR"),
        ("UK", "GBR"),
        ("阿拉伯利比亚民众国", "LBY"),
        ("Libyan Arab Jamahiriya", "LBY"),
        ("us", "USA"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("刚果", "COG"),
        ("Congo", "COG"),
        ("Zaire", "COD"),
        ("教廷", "VAT"),
        ("非洲联盟", None),
        ("AU", None),
        ("印度洋", None),
        ("Atlantis", None),
        ("XXX", None),
        ("", None),
        (None, None),
    ],
)
def test_lookup_country(value, expected):
    entity = lookup_country(value)
    assert (entity.code if entity else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AU", "AU"),
        ("au", "AU"),
        ("非洲联盟", "AU"),
        ("非盟", "AU"),
        ("African Union", "AU"),
        ("欧盟", "EU"),
        ("cen-sad", "CEN-SAD"),
        ("美洲组织", "OAS"),
        ("联合王国", None),
        ("GBR", None),
        ("", None),
    ],
)
def test_lookup_org(value, expected):
    entity = lookup_org(value)
    assert (entity.code if entity else None) == expected


def test_codes_look_up_their_own_entity():
    assert [e.code for e in all_countries() if lookup_country(e.code.lower()) != e] == []
    assert [e.code for e in all_orgs() if lookup_org(e.code.lower()) != e] == []


def test_country_and_org_by_exact_code():
    assert (country("GBR").zh, country("gbr"), country("AU"), org("AU").zh, org("GBR")) == (
        "联合王国",
        None,
        None,
        "非洲联盟",
        None,
    )


def test_entity_to_dict_is_the_json_shape():
    assert [entity_to_dict(country("GBR")), entity_to_dict(org("AU"))] == [
        {"code": "GBR", "zh": "联合王国", "en": "United Kingdom"},
        {"code": "AU", "zh": "非洲联盟", "en": "African Union"},
    ]


def test_all_countries_and_orgs_are_sorted_by_code():
    countries, orgs = all_countries(), all_orgs()
    assert [e.code for e in countries] == sorted(MEMBER_STATES | {"VAT", "PSE"})
    assert [e.code for e in orgs] == sorted(o["code"] for o in _data()["orgs"])
    assert {e.kind for e in countries} | {e.kind for e in orgs} == {"country", "org"}


def test_seed_chapter_names_no_india_or_mali_and_the_expected_states():
    found = set(find_countries(SEED.read_text(encoding="utf-8")))
    expected = {"IDN", "SOM", "LBY", "TZA", "COG", "GBR", "USA", "CHN", "RUS"}
    assert (found & {"IND", "MLI"}, expected - found) == (set(), set())


def test_seed_chapter_organisations():
    assert set(find_orgs(SEED.read_text(encoding="utf-8"))) == {
        "AU", "EU", "LAS", "ASEAN", "NATO", "CIS", "OIC", "OSCE", "ECOWAS", "COE", "OAS", "SEECP", "CSTO",
    }


def test_data_file_is_loaded_once():
    gazetteer._load.cache_clear()
    gazetteer._scan.cache_clear()
    first = gazetteer._load()
    find_countries("法国")
    assert (gazetteer._load() is first, gazetteer._load.cache_info().misses) == (True, 1)


# ---------------------------------------------------------------- expand_name (issue 13)

from search.reference.gazetteer import chinese_aliases, describe_expansion, expand_name  # noqa: E402


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        # The terms of issue 13, and the Chinese spellings the seed uses for them.
        ("France", "FRA"),
        ("france", "FRA"),
        ("FRANCE", "FRA"),
        ("Angola", "AGO"),
        ("African Union", "AU"),
        ("african  union", "AU"),
        ("AU", "AU"),
        ("NATO", "NATO"),
        ("nato", "NATO"),
        ("ＮＡＴＯ", "NATO"),
        ("欧盟", "EU"),
        ("法国", "FRA"),
        ("法兰西共和国", "FRA"),
        ("法國", "FRA"),
        ("安哥拉", "AGO"),
        ("非洲联盟", "AU"),
        ("非盟", "AU"),
        ("北约", "NATO"),
        ("欧洲联盟", "EU"),
        ("EU", "EU"),
        ("European Union", "EU"),
        ("ASEAN", "ASEAN"),
        ("asean", "ASEAN"),
        ("东盟", "ASEAN"),
        ("阿盟", "LAS"),
        ("LAS", "LAS"),
        ("Arab League", "LAS"),
        ("欧安组织", "OSCE"),
        ("osce", "OSCE"),
        ("独联体", "CIS"),
        ("CIS", "CIS"),
        ("西非经共体", "ECOWAS"),
        ("ecowas", "ECOWAS"),
        ("伊斯兰会议组织", "OIC"),
        ("Organization of Islamic Cooperation", "OIC"),
        ("美洲国家组织", "OAS"),
        ("集体安全条约组织", "CSTO"),
        ("上海合作组织", "SCO"),
        ("Shanghai Cooperation Organization", "SCO"),
        ("政府间发展管理局", "IGAD"),
        ("南部非洲发展共同体", "SADC"),
        ("中部非洲国家经济共同体", "ECCAS"),
        ("加勒比共同体", "CARICOM"),
        ("太平洋岛屿论坛", "PIF"),
        ("cen-sad", "CEN-SAD"),
        # ISO alpha-3 codes of countries count in capitals only.
        ("FRA", "FRA"),
        ("AGO", "AGO"),
        ("GBR", "GBR"),
        ("UK", "GBR"),
        ("US", "USA"),
        ("USA", "USA"),
        ("ARE", "ARE"),
        ("United States of America", "USA"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("刚果（金）", "COD"),
        ("刚 果", "COG"),
    ],
)
def test_expand_name_reads_any_spelling_of_a_name(term, expected):
    assert expand_name(term).code == expected


@pytest.mark.parametrize(
    "term",
    [
        "fra", "Fra", "ago", "gbr", "can", "per", "are", "gin",  # lower-case alpha-3 codes are words
        "au", "eu", "Eu", "cis", "las", "sco", "pif", "us", "uk",  # so are short abbreviations
        "AND", "OR", "NOT",  # query operators; AND is also Andorra's code
        "XXX", "Atlantis", "联合国", "区域组织", "印度洋", "发展中国家",
        "France Angola", "法国代表", "Mali and Somalia",
        "", "   ", None, 42, "x" * 10_000, "\x00\x07", "<b>France</b>",
    ],
)
def test_expand_name_ignores_terms_that_name_nothing(term):
    assert expand_name(term) is None


def test_expand_name_gives_every_chinese_spelling_to_search():
    assert [chinese_aliases(expand_name(t)) for t in ("France", "AU", "NATO", "欧盟", "OSCE")] == [
        ("法国", "法兰西共和国"),
        ("非洲联盟", "非盟", "非洲统一组织", "非统组织"),
        ("北大西洋公约组织", "北约"),
        ("欧洲联盟", "欧盟"),
        ("欧洲安全与合作组织", "欧安组织", "欧洲安全与合作会议", "欧安会"),
    ]


def test_every_organisation_code_and_english_name_expands_to_its_entity():
    wrong = {}
    for entity in all_orgs():
        for alias in [entity.code, *entity.aliases]:
            if expand_name(alias) != entity:
                wrong[alias] = expand_name(alias)
    assert wrong == {}


def test_every_country_name_and_upper_case_code_expands_to_its_country():
    wrong = {}
    for entity in all_countries():
        for alias in [entity.code, *entity.aliases]:
            if expand_name(alias) != entity and alias not in ("AND",):
                wrong[alias] = expand_name(alias)
    assert wrong == {}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("France", "France → 法国"),
        (" france ", "france → 法国"),
        ("AU", "AU → 非洲联盟"),
        ("NATO", "NATO → 北大西洋公约组织"),
        ("欧盟", "欧盟 → 欧洲联盟"),
        ("FRA", "FRA → 法国"),
        ("法国", "法国 → 法兰西共和国"),
        ("非洲联盟", "非洲联盟 → 非盟、非洲统一组织、非统组织"),
        ("东南欧合作进程", "东南欧合作进程"),
    ],
)
def test_describe_expansion_says_what_the_term_was_read_as(term, expected):
    assert describe_expansion(term, expand_name(term)) == expected


def test_docstring_examples_hold():
    import doctest

    assert doctest.testmod(gazetteer).failed == 0
