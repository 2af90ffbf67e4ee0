"""The benchmark's figures from its samples: medians and p90, agreement checks, targets, Markdown tables.

Targets come from bench/targets.py, in its order: a target measured is a column of the size tables
and a row of the search and throughput tables, its ratio taken to the baseline (the fast peer).
"""
import math
import statistics

import targets as registry
from queries import CLASSES

OURS = ("whoosh", "tantivy")  # the two engines that must agree on every answer
BASELINE = registry.BASELINE
ROUTES = ("home", "record", "meeting", "meeting_page2", "document", "suggest", "export")
# Routes whose cost at the largest size may be at most 3x their cost at 1x (issue 10, issue 13).
FLAT_ROUTES = ("home", "record", "meeting", "meeting_page2", "document", "suggest")
TARGET_N = 1000


def p90(values):
    """The 90th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def stats(values):
    """{"median", "p90", "n"} of a list of milliseconds (None when empty)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "p90": p90(values), "n": len(values)}


def label(spec):
    """A query as the tables show it: q and its filters."""
    parts = [spec["q"] or "(no text)"] + [f"{k}={','.join(v)}" for k, v in spec["filters"].items()]
    return " + ".join(parts)


# ---------------------------------------------------------------- one size


def _search_stats(runs, target, passname):
    """Per class, overall and over the queries the peer was sent too (the peer's set)."""
    by_class, overall, peer_set = {c: [] for c in CLASSES}, [], []
    for run in runs:
        for spec, sample in zip(run["queries"], run[passname].get(target, [])):
            if sample is None or sample.get("status") != 200:
                continue
            by_class[spec["class"]].append(sample["ms"])
            overall.append(sample["ms"])
            if spec["peer"] is not None:
                peer_set.append(sample["ms"])
    out = {c: stats(v) for c, v in by_class.items()}
    out["overall"], out["peer set"] = stats(overall), stats(peer_set)
    return out


def _first_requests(runs, target):
    """The first request of each server lifetime against the median of the rest of its class."""
    firsts, medians = [], []
    for run in runs:
        samples = run["first"].get(target)
        if not samples or samples[0] is None:
            continue
        cls = run["queries"][0]["class"]
        rest = [s["ms"] for spec, s in zip(run["queries"][1:], samples[1:])
                if s is not None and spec["class"] == cls and s.get("status") == 200]
        firsts.append(samples[0]["ms"])
        medians.append(statistics.median(rest) if rest else None)
    slow = sum(1 for f, m in zip(firsts, medians) if m is not None and f > m)
    return {"ms": firsts, "class_median_ms": medians, "slow_runs": slow, "runs": len(firsts)}


def _differs(a, b):
    """What differs between two search samples: total, then facets (None when they agree)."""
    if a["total"] != b["total"]:
        return f"total {a['total']} vs {b['total']}"
    for name in sorted(set(a["facets"]) | set(b["facets"])):
        fa, fb = a["facets"].get(name, {}), b["facets"].get(name, {})
        if fa != fb:
            diff = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))[:3]
            return f"facet {name}: " + ", ".join(f"{k} {fa.get(k)} vs {fb.get(k)}" for k in diff)
    return None


def _short_of(ours, peer):
    """Where ours finds fewer than the peer (None when ours finds at least what the peer finds).

    Ours reads names, symbols and Charter articles (`France` also finds 法国, `欧安组织` also
    欧洲安全与合作组织) and has a facet the peer lacks (charter): on those it finds more by design,
    never less than the peer's substring matches."""
    if (ours["total"] or 0) < (peer["total"] or 0):
        return f"total {ours['total']} vs {peer['total']}"
    for name, fp in sorted(peer["facets"].items()):
        fo = ours["facets"].get(name, {})
        short = sorted(k for k, n in fp.items() if (fo.get(k) or 0) < n)[:3]
        if short:
            return f"facet {name}: " + ", ".join(f"{k} {fo.get(k)} vs {fp.get(k)}" for k in short)
    return None


def _agreement(result):
    """Mismatches (engine vs engine on every query, ours vs peer where comparable) and semantic differences."""
    mismatches, errors = [], []
    compared = {"engines": 0, "peer": 0, "peer_classes": set()}
    semantic = {"queries": 0, "ours_more": 0}
    for run in result["runs"]:
        for passname in ("first", "repeat"):
            samples = run[passname]
            for i, spec in enumerate(run["queries"]):
                got = {t: samples[t][i] for t in samples if samples[t][i] is not None}
                where = f"N={result['n']} run {run['run'] + 1} {passname} {label(spec)!r} [{spec['class']}]"
                for t, s in got.items():
                    if s.get("status") != 200:
                        errors.append(f"{where}: {t} status {s.get('status')}: {s.get('error')}")
                ok = {t: s for t, s in got.items() if s.get("status") == 200}
                if "whoosh" in ok and "tantivy" in ok:
                    compared["engines"] += 1
                    diff = _differs(ok["whoosh"], ok["tantivy"])
                    if diff:
                        mismatches.append({"kind": "engines", "what": f"{where}: whoosh vs tantivy: {diff}"})
                peers = [p for p in ok if p in registry.TARGETS and registry.TARGETS[p].substring]
                for peer in peers:
                    for t in (t for t in ok if registry.is_ours(t)):
                        if spec["peer"] == "compare":
                            compared["peer"] += 1
                            compared["peer_classes"].add(spec["class"])
                            short = _short_of(ok[t], ok[peer])
                            if short:
                                mismatches.append({"kind": "peer", "what": f"{where}: {t} vs {peer}: {short}"})
                            elif _differs(ok[t], ok[peer]):
                                semantic["ours_more"] += 1
                        elif spec["peer"] == "time":
                            semantic["queries"] += 1
                            # Ours also finds the query's words apart: a superset of the peer's substring hits.
                            if (ok[t]["total"] or 0) < (ok[peer]["total"] or 0):
                                mismatches.append({"kind": "peer", "what": f"{where}: {t} finds fewer than {peer}'s "
                                                   f"substring matches: {ok[t]['total']} vs {ok[peer]['total']}"})
                            elif ok[t]["total"] != ok[peer]["total"]:
                                semantic["ours_more"] += 1
    compared["peer_classes"] = sorted(compared["peer_classes"])
    return mismatches, errors, compared, semantic


def _route_stats(runs, target):
    out = {}
    for route in ROUTES:
        samples = [s for run in runs for s in run["routes"].get(target, {}).get(route, [])]
        ok = [s for s in samples if s.get("status") == 200]
        statuses = {}
        for s in samples:
            statuses[str(s.get("status"))] = statuses.get(str(s.get("status")), 0) + 1
        out[route] = {"total": stats([s["ms"] for s in ok]), "ttfb": stats([s["ttfb_ms"] for s in ok]),
                      "statuses": statuses}
    return out


def summarise_size(result):
    """The figures of one size from its runs' samples."""
    runs, targets = result["runs"], result["engines"]
    mismatches, errors, compared, semantic = _agreement(result)
    summary = {"search": {}, "first_request": {}, "server": {}, "routes": {}, "mismatches": mismatches,
               "errors": errors[:50], "error_count": len(errors), "compared": compared, "semantic": semantic}
    for t in targets:
        summary["search"][t] = {"first": _search_stats(runs, t, "first"), "repeat": _search_stats(runs, t, "repeat")}
        summary["first_request"][t] = _first_requests(runs, t)
        servers = [run["server"][t] for run in runs if t in run["server"]]
        if servers:
            summary["server"][t] = {
                "ready_s": statistics.median(s["ready_s"] for s in servers),
                "ready_s_max": max(s["ready_s"] for s in servers),
                "pss_after_ready_mb": statistics.median(s["pss_after_ready_mb"] for s in servers),
                "peak_rss_mb": max(s["peak_rss_mb"] for s in servers)}
        if registry.is_ours(t):
            summary["routes"][t] = _route_stats(runs, t)
    loads = [x for run in runs for x in (run.get("loadavg_before", (None,))[0], run["loadavg"][0]) if x is not None]
    summary["loadavg"] = (min(loads), max(loads)) if loads else None
    return summary


# ---------------------------------------------------------------- targets


def _dig(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d or d[k] is None:
            return None
        d = d[k]
    return d


def _target(what, value, met, n):
    note = "" if n == TARGET_N or n is None else f" (at N={n}: the target is for N={TARGET_N})"
    return {"target": what, "value": value + note, "met": met, "n": n}


def _ratio_target(size, engine, stat, limit, to=BASELINE):
    ours = _dig(size, "summary", "search", engine, "first", "peer set", stat)
    base = _dig(size, "summary", "search", to, "first", "peer set", stat)
    name = f"{engine}: first-time {stat} at N={size['n']} ≤ {limit}x the {registry.label(to)}'s"
    if ours is None or base is None:
        return {"target": name, "value": "not measured", "met": None, "n": size["n"]}
    return {"target": name, "value": f"{ours:.1f} / {base:.1f} ms = {ours / base:.2f}x", "met": ours / base <= limit,
            "n": size["n"]}


def _ratio_targets(sizes, top):
    """Issue 21: Whoosh at least as fast as the fast peer from 100x up; tantivy near the limit at 1000x."""
    out = []
    for size in [r for r in sizes if r["n"] >= 100] or [top]:
        out += [_ratio_target(size, "whoosh", "median", 1.0), _ratio_target(size, "whoosh", "p90", 1.0)]
    out += [_ratio_target(top, "tantivy", "median", 0.3), _ratio_target(top, "tantivy", "p90", 0.1),
            _ratio_target(top, "tantivy", "median", 1.5, "limit"), _ratio_target(top, "tantivy", "p90", 1.5, "limit")]
    return out


def targets(sizes):
    """The targets of the engine issue, issue 10 and issue 13, each met, not met or not measured (None)."""
    if not sizes:
        return []
    top = next((r for r in sizes if r["n"] == TARGET_N), sizes[-1])
    base = next((r for r in sizes if r["n"] == 1), sizes[0])
    out = _ratio_targets(sizes, top)
    for engine, rate in (("tantivy", 10_000), ("whoosh", 1_000)):
        got = _dig(top, "build", engine, "units_per_s")
        out.append(_target(f"{engine}: build ≥ {rate:,} units/s", f"{got:,.0f}/s" if got else "not measured",
                           got >= rate if got else None, top["n"]))
    got = _dig(top, "build", "tantivy", "open_s")
    out.append(_target("tantivy: index opens in < 0.5 s", f"{got:.3f} s" if got is not None else "not measured",
                       got < 0.5 if got is not None else None, top["n"]))
    for engine in OURS:
        slow = [(r["n"], _dig(r, "summary", "first_request", engine)) for r in sizes]
        slow = [(n, f) for n, f in slow if f and f["runs"]]
        value = ", ".join(f"N={n}: {f['slow_runs']}/{f['runs']} slower" for n, f in slow) or "not measured"
        out.append(_target(f"{engine}: no first request slower than the median of its class after start", value,
                           all(f["slow_runs"] == 0 for _, f in slow) if slow else None, None))
        full, inc = _dig(top, "build", engine, "seconds"), _dig(top, "build", engine, "incremental")
        if full and inc:
            worst = max(inc["add_s"], inc["remove_s"]) / full
            out.append(_target(f"{engine}: incremental build (+1 / -1 chapter) < 5% of the full build",
                               f"{inc['add_s']:.1f} s / {inc['remove_s']:.1f} s of {full:.1f} s = {worst:.1%}",
                               worst < 0.05, top["n"]))
        out += _route_targets(base, top, engine)
    for t in out:  # a target of an engine that could not be built says so, not just "not measured"
        engine = t["target"].split(":")[0]
        if t["met"] is None and engine in top.get("skipped", {}):
            t["value"] = f"skipped at N={top['n']}: {top['skipped'][engine]}"
    out.append(_target("whoosh and tantivy give the same totals and facet counts on every query",
                       f"{sum(len([m for m in r['summary']['mismatches'] if m['kind'] == 'engines']) for r in sizes)} "
                       f"mismatches in {sum(r['summary']['compared']['engines'] for r in sizes)} comparisons",
                       None if not any(r["summary"]["compared"]["engines"] for r in sizes) else
                       not any(m["kind"] == "engines" for r in sizes for m in r["summary"]["mismatches"]), None))
    return out


def _route_targets(base, top, engine):
    out = []
    for route in FLAT_ROUTES + ("export",):
        kind = "ttfb" if route == "export" else "total"
        a, b = _dig(base, "summary", "routes", engine, route, kind), _dig(top, "summary", "routes", engine, route, kind)
        name = f"{engine}: {route}{' first byte' if route == 'export' else ''} at N={TARGET_N} ≤ 3x N=1 (median and p90)"
        if not a or not b or base is top:
            out.append(_target(name, "not measured", None, top["n"]))
            continue
        rm, rp = b["median"] / a["median"], b["p90"] / a["p90"]
        met = rm <= 3 and (rp <= 3 or route == "export")
        out.append(_target(name, f"median {rm:.2f}x, p90 {rp:.2f}x (N={base['n']} → {top['n']})", met, top["n"]))
    sug = _dig(top, "summary", "routes", engine, "suggest", "total")
    out.append(_target(f"{engine}: suggest p90 ≤ 20 ms", f"{sug['p90']:.1f} ms" if sug else "not measured",
                       sug["p90"] <= 20 if sug else None, top["n"]))
    return out


# ---------------------------------------------------------------- Markdown


def _fmt(value, unit):
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:,.0f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "%":
        return f"{value:.1%}"
    return f"{value:,}"


def _ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "–"


def _columns(r):
    """The targets of a size, in the tables' order."""
    return registry.ordered(r["engines"])


def _size_rows(r):
    """(name, {target: value}, unit) rows of one size's table."""
    s, columns = r["summary"], _columns(r)

    def per(*keys):  # a build's figures under the target that owns it (the limit serves tantivy's)
        return {t: _dig(r, keys[0], t, *keys[1:]) for t in columns if registry.TARGETS.get(t, None) is None
                or registry.TARGETS[t].build == t}

    def pct(t):
        full, inc = _dig(r, "build", t, "seconds"), _dig(r, "build", t, "incremental")
        return max(inc["add_s"], inc["remove_s"]) / full if full and inc else None

    rows = [("build time", per("build", "seconds"), "s"), ("build rate", per("build", "units_per_s"), "/s"),
            ("builder peak PSS (all processes)", per("build", "peak_pss_mb"), "MB"),
            ("builder peak RSS (largest process)", per("build", "peak_process_hwm_mb"), "MB"),
            ("index on disk", per("build", "disk_mb"), "MB"),
            ("incremental: +1 chapter", per("build", "incremental", "add_s"), "s"),
            ("incremental: -1 chapter", per("build", "incremental", "remove_s"), "s"),
            ("incremental / full build (worse of the two)", {t: pct(t) for t in OURS}, "%"),
            ("index open (new process)", per("build", "open_s"), "s"),
            ("server ready (median of runs)", {t: _dig(s, "server", t, "ready_s") for t in columns}, "s"),
            ("server PSS after ready", {t: _dig(s, "server", t, "pss_after_ready_mb") for t in columns}, "MB"),
            ("server peak RSS", {t: _dig(s, "server", t, "peak_rss_mb") for t in columns}, "MB")]
    firsts = {t: s["first_request"].get(t, {}) for t in columns}
    rows.append(("first request (median of runs)", {t: statistics.median(f["ms"]) if f.get("ms") else None
                                                    for t, f in firsts.items()}, "ms"))
    rows.append(("its class's median after it (median of runs)",
                 {t: statistics.median(m) if (m := [x for x in f.get("class_median_ms", []) if x is not None]) else None
                  for t, f in firsts.items()}, "ms"))
    rows.append(("first request (slowest run)", {t: max(f["ms"]) if f.get("ms") else None
                                                 for t, f in firsts.items()}, "ms"))
    for cls in CLASSES + ("overall", "peer set"):
        for stat in ("median", "p90"):
            name = f"first-time {cls} {stat}"
            rows.append((f"**{name}**" if cls == "peer set" else name,
                         {t: _dig(s, "search", t, "first", cls, stat) for t in columns}, "ms"))
    for cls in ("overall", "peer set"):
        for stat in ("median", "p90"):
            rows.append((f"repeat {cls} {stat}", {t: _dig(s, "search", t, "repeat", cls, stat) for t in columns}, "ms"))
    return rows


def _size_table(r):
    columns = _columns(r)
    others = [t for t in columns if t != BASELINE] if BASELINE in columns else []
    loads = r["summary"].get("loadavg")
    lines = [f"### N = {r['n']} ({r['files']} chapter files, {_units(r):,} units), "
             f"{len(r['runs'])} runs, measured {r['when']}"
             + (f"; 1-minute load average {loads[0]:.1f}–{loads[1]:.1f}" if loads else ""), ""]
    if r.get("skipped"):
        lines += [f"Skipped: {', '.join(f'{t} ({why})' for t, why in r['skipped'].items())}.", ""]
    lines += ["| measure | " + " | ".join(columns) + "".join(f" | {t} / {BASELINE}" for t in others) + " |",
              "|---|" + "---:|" * (len(columns) + len(others))]
    for name, values, unit in _size_rows(r):
        cells = [_fmt(values.get(t), unit) for t in columns]
        cells += [_ratio(values.get(t), values.get(BASELINE)) if unit in ("ms", "s", "MB") else "–" for t in others]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    s = r["summary"]
    c, sem = s["compared"], s["semantic"]
    engines = [m for m in s["mismatches"] if m["kind"] == "engines"]
    peer = [m for m in s["mismatches"] if m["kind"] == "peer"]
    peers = ", ".join(t for t in columns if registry.TARGETS.get(t) and registry.TARGETS[t].substring) or "none"
    lines += ["", f"Agreement: whoosh vs tantivy **{len(engines)} mismatches** in {c['engines']} comparisons "
              f"(totals and every facet count); ours vs each of {peers} **{len(peer)} mismatches** in {c['peer']} "
              f"comparisons (classes {', '.join(c['peer_classes']) or 'none'}: a single word, a quoted string, one "
              f"character, no text, with facet filters; ours may find more, never fewer); on {sem['queries']} more "
              f"they were timed only, and ours found more hits (words apart) on {sem['ours_more']}. "
              f"Errors: {s['error_count']}."]
    for m in s["mismatches"][:20]:
        lines.append(f"- MISMATCH {m['what']}")
    for e in s["errors"][:10]:
        lines.append(f"- ERROR {e}")
    lines += ["", "| route (ours only) | whoosh median | whoosh p90 | tantivy median | tantivy p90 |",
              "|---|---:|---:|---:|---:|"]
    for route in ROUTES:
        kinds = ("ttfb", "total") if route == "export" else ("total",)
        for kind in kinds:
            cells = [_fmt(_dig(s, "routes", t, route, kind, stat), "ms") for t in OURS for stat in ("median", "p90")]
            name = f"{route} ({'first byte' if kind == 'ttfb' else 'whole'})" if route == "export" else route
            statuses = {t: _dig(s, "routes", t, route, "statuses") for t in OURS}
            odd = "; ".join(f"{t}: {st}" for t, st in statuses.items() if st and set(st) != {"200"})
            lines.append(f"| {name}{f' (statuses {odd})' if odd and kind != 'ttfb' else ''} | {' | '.join(cells)} |")
    return lines


def search_table(sizes, passname="first"):
    """First-time searches over the peer set: a row per target, a column per size, the ratio to the
    baseline measured in the same runs beside each figure."""
    names = registry.ordered(t for r in sizes for t in r["engines"])
    lines = [f"| {'first-time' if passname == 'first' else 'repeat'} searches (peer set), median / p90 | "
             + " | ".join(f"N={r['n']}" for r in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for t in names:
        cells = []
        for r in sizes:
            mine = _dig(r, "summary", "search", t, passname, "peer set")
            base = _dig(r, "summary", "search", BASELINE, passname, "peer set")
            if mine is None:
                cells.append("–")
                continue
            ratio = (f" ({mine['median'] / base['median']:.2f}x / {mine['p90'] / base['p90']:.2f}x)"
                     if base and t != BASELINE else "")
            cells.append(f"{_fmt(mine['median'], 'ms')} / {_fmt(mine['p90'], 'ms')}{ratio}")
        lines.append(f"| {registry.label(t)} | " + " | ".join(cells) + " |")
    loads = [x for r in sizes if r["summary"].get("loadavg") for x in r["summary"]["loadavg"]]
    lines += ["", f"Ratios in brackets: to the {registry.label(BASELINE)}, median / p90, measured in the same runs "
              f"(interleaved). 1-minute load average during the runs {min(loads, default=0):.1f}–"
              f"{max(loads, default=0):.1f}."]
    return lines


def throughput_table(sizes):
    """Requests per second and latency under load (bench/throughput.py), a row per target and size."""
    rows = [(r["n"], t, s) for r in sizes for t, s in _ordered_items(r.get("throughput") or {})]
    if not rows:
        return []
    lines = ["| under load: gunicorn, 2 workers, 16 clients, first-time searches | N | requests/s | median | p90 "
             "| p99 | errors | load average |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for n, t, s in rows:
        lines.append(f"| {registry.label(t)} | {n:,} | {s['requests_per_second']:,.1f} | {_fmt(s['median_ms'], 'ms')} "
                     f"| {_fmt(s['p90_ms'], 'ms')} | {_fmt(s['p99_ms'], 'ms')} | {s['errors']} | "
                     f"{s['loadavg_before'][0]:.1f} → {s['loadavg_after'][0]:.1f} |")
    return lines


def _ordered_items(by_target):
    return [(t, by_target[t]) for t in registry.ordered(by_target)]


def _units(r):
    return next((b["units"] for b in r["build"].values() if "units" in b), 0)


def _growth_table(sizes):
    ns = [r["n"] for r in sizes]
    lines = ["### Growth per route (median / p90)", "",
             "| route | engine | " + " | ".join(f"N={n}" for n in ns) + " | last / first (median, p90) |",
             "|---|---|" + "---:|" * (len(ns) + 1)]
    rows = [("search, first-time", ("search", "first", "overall")), ("search, repeat", ("search", "repeat", "overall"))]
    rows += [(f"{route} (first byte)" if route == "export" else route,
              ("routes", route, "ttfb" if route == "export" else "total")) for route in ROUTES]
    rows.append(("export (whole)", ("routes", "export", "total")))
    for name, path in rows:
        for engine in OURS:
            cells = [_dig(r, "summary", path[0], engine, *path[1:]) for r in sizes]
            if not any(cells):
                continue
            text = [f"{_fmt(c['median'], 'ms')} / {_fmt(c['p90'], 'ms')}" if c else "–" for c in cells]
            ends = [c for c in cells if c]
            growth = (f"{ends[-1]['median'] / ends[0]['median']:.2f}x, {ends[-1]['p90'] / ends[0]['p90']:.2f}x"
                      if len(ends) > 1 else "–")
            lines.append(f"| {name} | {engine} | {' | '.join(text)} | {growth} |")
    return lines


def markdown(results):
    """Every size's table, the growth table and the targets."""
    m = results.get("machine", {})
    loads = [run["loadavg"][0] for r in results["sizes"] for run in r["runs"]]
    lines = [f"Written {results.get('written')} by `{results.get('command', 'bench/run.py')}`; {m.get('cpus')} CPUs, "
             f"Python {m.get('python')}, SQLite {m.get('sqlite')}; 1-minute load average during the runs "
             f"{min(loads, default=0):.1f}–{max(loads, default=0):.1f}. Times are medians / p90 over all runs of a "
             f"size (`bench/README.md`).", ""]
    lines += ["### First-time searches", ""] + search_table(results["sizes"]) + [""]
    lines += search_table(results["sizes"], "repeat")[:-2] + [""]
    if any(r.get("throughput") for r in results["sizes"]):
        lines += ["### Throughput", ""] + throughput_table(results["sizes"]) + [""]
    for r in results["sizes"]:
        lines += _size_table(r) + [""]
    lines += _growth_table(results["sizes"]) + ["", "### Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in results["targets"]:
        met = {True: "met", False: "**not met**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {t['value']} | {met} |")
    return "\n".join(lines)
