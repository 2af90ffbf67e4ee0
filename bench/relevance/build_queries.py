"""Write bench/relevance/queries.json: the relevance set of "find practice by meaning".

    .venv/bin/python bench/relevance/build_queries.py

The judgements below were made by reading the seed's units (seeds/000_433e06851ef59419.txt,
items 49-50), after pooling the candidates of several methods for each query: substring hits of
every Chinese synonym, the top 30 of USE and of e5 (bench/meaning/pool.py). Grades: 2 = highly
relevant (the unit is about the concept), 1 = relevant (the unit touches it, or names it in a
list); unjudged = 0. Footnotes are citations (documents, pages, speakers): they are 0 unless they
cite the document a query names (a presidential statement, a General Assembly resolution, a report).

Three broad queries (regional / subregional organizations, Council-regional cooperation) have
grades given by a rule written out below and checked by reading: with 60-80 relevant units a
unit-by-unit list adds nothing but typing errors.

Split: within each type (en, zh, similar), queries sorted by id alternate tune / heldout, so both
halves have the same mix.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "meaning"))


def g(two="", one=""):
    """'p9 p11' style lists (item 49 by default; '50.p6' for item 50) -> {short id: grade}."""
    out = {}
    for grade, ids in ((1, one), (2, two)):
        for i in ids.split():
            out[i if "." in i else "49." + i] = grade
    return out


EN = [
    ("en01", "peacekeeping", g("p9 p11 p13 p16 p32 p35 p41 p60 p69 p79 p80 p83 p85 p107 p110",
                               "p18 p49 p53 p58 p62 p71 p76 p78 p82 p84 p86 p92 p98 p99 p100 50.p6")),
    ("en02", "early warning", g("p91 p35", "p108")),
    ("en03", "small arms", g("p42 p110", "p11")),
    ("en04", "Peacebuilding Commission", g("p33", "p37")),
    ("en05", "conflict prevention", g("p9 p20 p33 p35 p53 p55 p56 p58 p60 p71 p82 p83 p84 p89 p90 p91 p92 p98 p100 p103",
                                      "p108")),
    ("en06", "capacity-building", g("p24 p36 p40 p41 p60 p70 p84 p92 p100 p114", "p16 p17 p69 p85 p99 p109")),
    ("en07", "standby force", g("p60 p79 p86", "p16 p35 p36 p41")),
    ("en08", "regional organizations", "RULE_REGIONAL"),
    ("en09", "subregional organizations", "RULE_SUBREGIONAL"),
    ("en10", "presidential statement", g("p5 p51 p75 p96 50.p4 p19 p65 p87 p102",
                                         "p66 p67 p113 fn24 fn77 fn101 fn107 fn108")),
    ("en11", "good offices", g("p67", "p56 p91 p99 p100")),
    ("en12", "mediation", g("p56 p91 p99 p100", "p67 p107")),
    ("en13", "counter-terrorism", g("p44 p111 p58", "p11")),
    ("en14", "funding for African Union peacekeeping", g("p60 p80 p83 p85", "p12 p16 p17 p18 p36 p77 p100 p101")),
    ("en15", "rapid deployment", g("p16 p35 p41 p62 p78 p86", "p8 p14 p77 p92 p108")),
    ("en16", "root causes of conflict", g("p20 p34 p62 p90 p100")),
    ("en17", "information sharing", g("p33 p35 p69", "p15 p46 p47 p67 p68 p98")),
    ("en18", "primary responsibility for international peace and security", g("p82 p88 p100", "p14 p37 p61")),
    ("en19", "weapons of mass destruction", g("p11 p58")),
    ("en20", "rule of law and civilian aspects of peacebuilding", g("50.p1 50.p5 50.p6", "p33 p34 p37")),
    ("en21", "division of labour and burden sharing", g("p12 p14 p58 p78")),
    ("en22", "logistics and financial support for regional organizations", g("p16 p83 p84 p85 p100",
                                                                             "p17 p36 p60 p80 p101 p106")),
    ("en23", "memorandum of understanding", g("p81", "p35 p53 p64 p85")),
    ("en24", "subsidiarity", g("p13", "p57 p90")),
]

ZH = [
    ("zh01", "维和经费", g("p60 p80 p83 p85", "p12 p16 p18 p77 p100 p101")),
    ("zh02", "反恐合作", g("p44 p111 p58", "p11")),
    ("zh03", "非盟维和", g("p60 p77 p78 p79 p80 p83 p85 50.p7", "p62 p72 p81 p84 p86 p92")),
    ("zh04", "安理会与区域组织合作", "RULE_COOPERATION"),
    ("zh05", "轻小武器", g("p42 p110", "p11")),
    ("zh06", "大规模杀伤性武器", g("p11 p58")),
    ("zh07", "地区组织能力建设", g("p24 p36 p40 p41 p60 p70 p84 p92 p100 p114", "p16 p17 p69 p85 p99 p109 p112")),
    ("zh08", "冲突预防", g("p9 p20 p33 p35 p53 p55 p56 p58 p60 p71 p82 p83 p84 p89 p90 p91 p92 p98 p100 p103",
                         "p108")),
    ("zh09", "维和部队快速部署", g("p16 p35 p41 p62 p78 p86", "p8 p14 p60 p77 p79 p92")),
    ("zh10", "非洲待命部队建设", g("p60 p79 p86", "p16 p36 p41")),
    ("zh11", "早期预警机制", g("p91 p35", "p108")),
    ("zh12", "秘书长报告", g("p48 p49 p53 p113", "fn47")),
    ("zh13", "伙伴关系制度化", g("p8 p63 p100 p101", "p12 p35 p53 p59 p64 p81")),
    ("zh14", "区域组织向安理会通报活动", g("p15 p35 p47 p68", "p21 p46 p67")),
    ("zh15", "欧盟对非盟的资金支持", g("p83", "p18 p80")),
    ("zh16", "安理会特权", g("p14 p37 p61", "p58 p82 p88 p100")),
    ("zh17", "联大", g("fn84", "p33 p81")),
    ("zh18", "维和行动任务规定", g("p9 p110", "p107 50.p6")),
    ("zh19", "地区冲突的根源", g("p20 p34 p62 p90 p100", "p91")),
    ("zh20", "次地区组织", "RULE_SUBREGIONAL"),
]

SIMILAR = [
    ("sim01", "49.p42", g("p110", "p11")),           # small arms clause, 5282 -> restated at 5776
    ("sim02", "49.p44", g("p111", "p58")),           # counter-terrorism body clause, same words at 5776
    ("sim03", "49.p111", g("p44", "p58")),
    ("sim04", "49.p20", g("p89 p103", "p9 p90")),     # role in prevention, resolution, management
    ("sim05", "49.p39", g("p105", "p21 p45 p71 p112 p113")),  # determination to expand cooperation
    ("sim06", "49.p40", g("p24 p70 p114", "p92 p106")),      # help strengthen regional capacity
    ("sim07", "49.p41", g("", "p16 p35 p60 p78 p86")),        # rapid deployment of peacekeeping forces
    ("sim08", "49.p47", g("p68", "p15 p35")),          # Article 54: keep the Council informed
    ("sim09", "49.p48", g("p113", "p49")),             # invites the SG to report on cooperation
    ("sim10", "49.p88", g("p82", "p37 p61 p100")),     # primary responsibility
    ("sim11", "49.p91", g("", "p20 p35 p56 p90 p99 p100")),   # early warning and mediation in Africa
    ("sim12", "49.p86", g("p79", "p36 p60")),          # African standby force
    ("sim13", "49.p6", g("p30 p52 p76 p97", "50.p5")),  # who spoke at the thematic debate
    ("sim14", "49.p80", g("p83", "p16 p60 p77 p85")),   # funding of AU peacekeeping
]


def _rules(units):
    from search.text import normalize, squash
    from common import short

    def txt(u):
        return squash(normalize(u["text"]))

    body = [u for u in units if u["kind"] != "footnote"]
    coop = ("合作", "伙伴关系", "互动", "协作", "协商", "对话", "关系")
    return {
        # Every heading, paragraph or clause naming regional organisations is about them in this
        # chapter (items 49-50); units about regional cooperation or arrangements without the
        # word are relevant (1).
        "RULE_REGIONAL": {**{short(u["id"]): 1 for u in body if any(w in txt(u) for w in ("区域合作", "区域安排", "各组织"))},
                          **{short(u["id"]): 2 for u in body if "区域组织" in txt(u)}},
        "RULE_SUBREGIONAL": {**{short(u["id"]): 1 for u in body if "次区域机构" in txt(u)},
                             **{short(u["id"]): 2 for u in body if "次区域组织" in txt(u)}},
        # Cooperation of the Council / the UN with regional organisations: a unit naming regional
        # organisations and their cooperation, partnership, interaction, consultation or relations is 2; one
        # naming them without that is 1 (e.g. the small arms clause).
        "RULE_COOPERATION": {**{short(u["id"]): 1 for u in body if "区域组织" in txt(u) or "区域合作" in txt(u)},
                             **{short(u["id"]): 2 for u in body
                                if "区域组织" in txt(u) and any(w in txt(u) for w in coop)}},
    }


def main():
    from common import load_units, short

    units = load_units()
    ids = {short(u["id"]) for u in units}
    rules = _rules(units)
    out = {"about": __doc__.strip().splitlines()[0], "seed": "seeds/000_433e06851ef59419.txt",
           "grades": {"2": "highly relevant", "1": "relevant", "unjudged": "not relevant"},
           "split_rule": "within each type, queries sorted by id alternate tune, heldout", "queries": []}
    for qtype, rows in (("en", EN), ("zh", ZH), ("similar", SIMILAR)):
        for k, (qid, q, judged) in enumerate(sorted(rows)):
            if isinstance(judged, str):
                judged = rules[judged]
            bad = [i for i in judged if i not in ids]
            if bad:
                raise SystemExit(f"{qid}: unknown ids {bad}")
            entry = {"id": qid, "type": qtype, "split": "tune" if k % 2 == 0 else "heldout",
                     "judged": dict(sorted(judged.items()))}
            if qtype == "similar":
                entry["record"] = q
            else:
                entry["q"] = q
            out["queries"].append(entry)
    path = ROOT / "bench" / "relevance" / "queries.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from collections import Counter
    print(Counter((e["type"], e["split"]) for e in out["queries"]), len(out["queries"]))


if __name__ == "__main__":
    main()
