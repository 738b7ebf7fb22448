"""Benchmarks (`make bench`): search relevance of the API and of the static search, query
latency, build time, page weight, and what the static search transfers per query.

Relevance uses bench/queries.yml (graded judgments: 2 = the answer, 1 = relevant) and prints
nDCG@10, MRR and the share of queries with no relevant result in the top 10, for the API's engine
(in process) and for the browser's static search (docs/assets/javascripts/kb-engine.js run by node
over the exported kb/search/ index). Material's own search, which the site no longer ships,
scored nDCG@10 0.48 on this set, and Pagefind out of the box 0.42 (issue 13).
`--static-scale N` also exports the static index of N synthetic entries and reports the bytes a query
transfers from an empty cache (target: at most 300 kB at 10,000 entries).
bench/regression.yml adds the faults of issue 12 by kind, with checks (empty answer with a hint,
"no strong match", expansions applied or not, entries forbidden in the top 10, the same top 10 as
the query written otherwise: `same_as`, e.g. with its accents); the bench prints
nDCG@10, MRR and checks passed per kind over the whole judged set (both files), and the one-word
sweep: every distinct word of the entries' titles, summaries and tags searched alone (--sweep-all:
bodies too), counting queries with a hit scored 0.0.
Exit status 1 when a target is missed: nDCG@10 >= 0.85 (API) and >= 0.75 (static) on queries.yml;
every regression check passes; no hit at 0.0 in the sweep.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import uvicorn
import yaml

from tools.pipeline import run
from tools.project import Project
from tools.search.engine import SearchIndex
from tools.web.api import create_app
from tools.web.server import HTTP_OPTIONS

QUERIES = Project().root / "bench" / "queries.yml"
REGRESSION = Project().root / "bench" / "regression.yml"
TARGET_NDCG, TARGET_STATIC, TARGET_BYTES = 0.85, 0.75, 300_000
ENTRY_RE = re.compile(r"/kb/entries/([^/]+)/")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """nDCG@k in [0, 1] of ranked ids against graded judgements {id: grade 0-3} (exponential gain,
    log2 discount); 0.0 when no judged id has a grade above 0."""
    dcg = sum((2 ** judged.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """1/rank of the first id graded above 0 in the top k, 0.0 when there is none."""
    return next((1 / (i + 1) for i, doc in enumerate(ranked[:k]) if judged.get(doc, 0) > 0), 0.0)


def score(runs: dict[str, list[str]], queries: list[dict]) -> dict:
    """Means over queries ({q, relevant: {id: grade}}) of runs ({q: ranked ids}): {"ndcg@10", "mrr",
    "no_relevant_in_top10" (a fraction), "per_query": {q: nDCG@10}}. Raises KeyError for a query
    missing from runs, statistics.StatisticsError when queries is empty."""
    nd = [ndcg_at(runs[q["q"]], q["relevant"]) for q in queries]
    rr = [reciprocal_rank(runs[q["q"]], q["relevant"]) for q in queries]
    return {"ndcg@10": statistics.mean(nd), "mrr": statistics.mean(rr),
            "no_relevant_in_top10": sum(r == 0 for r in rr) / len(rr), "per_query": dict(zip([q["q"] for q in queries], nd, strict=True))}


def static_runs(folder: Path, queries: list[dict]) -> list[dict]:
    """The browser's static search (kb-engine.js, run by node) over an exported kb/search/ folder:
    [{q, ids, total, files, bytes, gzip, ms}] per query, each from an empty cache; a query with
    `filters` ({param: [values]} as typed in an address) is searched with them; one with
    `completes` is also completed ({q, suggest: true, terms}, right after its answer)."""
    import subprocess

    node = shutil.which("node")
    if not node:
        raise SystemExit("node is needed for the static-search benchmark (apt-get install nodejs)")
    script = Path(__file__).resolve().parents[1] / "search" / "static_node.js"
    items = []
    for q in queries:
        items.append({"q": q["q"], **({"filters": q["filters"]} if q.get("filters") else {})})
        if q.get("completes"):
            items.append({"q": q["q"], "suggest": True, "prefer": q.get("lang")})
    done = subprocess.run([node, str(script), str(folder)], input=json.dumps(items),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def synthetic_entries(entries: list, n: int, seed: int = 7) -> list:
    """`n` entries (ids) made from the real ones: each a copy of a real entry-language file with its
    id renamed and a fifth of its body's words swapped for invented ones, so that the vocabulary
    and posting lists grow as a larger collection's would."""
    import dataclasses
    import random

    rng = random.Random(seed)
    by_id: dict[str, list] = {}
    for e in entries:
        by_id.setdefault(e.id, []).append(e)
    groups = list(by_id.values())
    out = []
    for i in range(n):
        for e in groups[i % len(groups)]:
            words = e.body.split()
            for _ in range(len(words) // 5):
                words[rng.randrange(len(words))] = "".join(rng.choice("abcdefghijklmnoprstuv") for _ in range(rng.randint(4, 10)))
            out.append(dataclasses.replace(e, id=f"{e.id}-{i}", body=" ".join(words)))
    return out


def static_mode(entries: list, queries: list[dict], scale: int = 0, judged: list[dict] | None = None) -> dict:
    """nDCG@10/MRR of the static search on the shipped entries, and bytes per query (and at
    `scale` synthetic entries when given). With `judged` (a list holding `queries` and more),
    those are run too and their top-10 ids returned under "runs" ({q: [ids]}), their answers under
    "answers" ({q: answer in the API's shape}, for check()); scores and bytes stay those of `queries`."""
    import tempfile

    from tools.search.static_index import export

    def measure(items: list) -> tuple[list[dict], dict]:
        with tempfile.TemporaryDirectory() as tmp:
            files = export(items)
            for name, text in files.items():
                (Path(tmp) / name).write_text(text, encoding="utf-8")
            sizes = {"files": len(files), "bytes": sum(len(t.encode()) for t in files.values()),
                     "meta": len(files["meta.js"].encode())}
            return static_runs(Path(tmp), queries), sizes

    out, sizes = measure(entries)
    every = {o["q"]: o["ids"] for o in out if not o.get("suggest")}
    if judged:
        answers = static_runs_of(entries, judged)
        completions = {o["q"]: o["terms"] for o in answers if o.get("suggest")}
        answers = [o for o in answers if not o.get("suggest")]
        every = {o["q"]: o["ids"] for o in answers}
    result = score(every, queries)
    if judged:
        result["runs"] = every
        # In the API's answer shape, for the regression checks (check()).
        result["answers"] = {o["q"]: {"total": o["total"], "hint": o["hint"], "hint_code": o.get("hint_code"),
                                      "strong": o.get("strong"), "did_you_mean": o.get("did_you_mean"),
                                      "results": [{"id": i} for i in o["ids"]], "expansions": o.get("expansions", []),
                                      "code": o.get("code"), "completion": completions.get(o["q"], [])}
                             for o in answers}
    result["transfer"] = {"max_bytes": max(o["bytes"] for o in out), "max_gzip": max(o["gzip"] for o in out),
                          "median_gzip": statistics.median(o["gzip"] for o in out), **sizes}
    if scale:
        out, sizes = measure(synthetic_entries(entries, scale))
        out = [o for o in out if not o.get("suggest")]
        result["scale"] = {"entries": scale, "max_bytes": max(o["bytes"] for o in out),
                           "max_gzip": max(o["gzip"] for o in out),
                           "median_gzip": statistics.median(o["gzip"] for o in out),
                           "p50_ms": statistics.median(o["ms"] for o in out), **sizes}
    return result


def static_runs_of(entries: list, queries: list[dict]) -> list[dict]:
    """The static search's answers ([{q, ids, ...}], see static_runs) to `queries` over the
    static index of `entries`, exported to a temporary folder."""
    import tempfile

    from tools.search.static_index import export

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in export(entries).items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        return static_runs(Path(tmp), queries)


def api_filters(typed: dict[str, list[str]]) -> dict[str, list[str]]:
    """Filters as typed in an address ({param: [values]}, 'ma,TN' allowed) made what the engine
    takes ({field: [values]}), as tools.web.api.parse_filters reads them. Raises KeyError for an
    unknown parameter."""
    from tools.site.facets import BY_PARAM

    out: dict[str, list[str]] = {}
    for param, values in typed.items():
        facet = BY_PARAM[param]
        for raw in values:
            for part in str(raw).split(","):
                value = facet.clean(part)
                if value and value not in out.setdefault(facet.field, []):
                    out[facet.field].append(value)
    return out


def ours(engine: SearchIndex, queries: list[dict]) -> tuple[dict[str, list[str]], list[float], dict[str, dict]]:
    """(top-10 ids per query, seconds per query, full answer per query); a query with `filters`
    is searched with them (api_filters), one with `completes` completed too (answer["completion"],
    the terms of engine.suggest in the query's language)."""
    runs, times, answers = {}, [], {}
    for q in queries:
        t0 = time.perf_counter()
        found = engine.search(q["q"], filters=api_filters(q["filters"]) if q.get("filters") else None, page_size=10)
        times.append(time.perf_counter() - t0)
        runs[q["q"]] = [r["id"] for r in found["results"]]
        if q.get("completes"):
            found = {**found, "completion": engine.suggest(q["q"], prefer=q.get("lang"))["terms"]}
        answers[q["q"]] = found
    return runs, times, answers


def check(q: dict, found: dict, answers: dict | None = None) -> bool | None:
    """Whether an answer passes the regression checks of a judged query; None when it has none.
    `same_as` (a query written otherwise, e.g. with its accents) passes when that query's answer,
    in `answers` ({q: answer}), lists the same entries in the same order."""
    checks = []
    if q.get("same_as"):
        other = (answers or {}).get(q["same_as"])
        checks.append(other is not None and [r["id"] for r in other["results"]] == [r["id"] for r in found["results"]])
    if q.get("expect") == "empty":
        checks.append(found["total"] == 0 and bool(found.get("hint")))
    if q.get("hint_code"):
        checks.append(found.get("hint_code") == q["hint_code"])
    if q.get("expect") == "weak":
        checks.append(found.get("strong") is False)
    if q.get("expect") == "strong":
        checks.append(found["total"] > 0 and found.get("strong") is True)
    if q.get("forbid"):
        checks.append(not set(q["forbid"]) & {r["id"] for r in found["results"]})
    if q.get("expansion"):
        want = q["expansion"]
        checks.append(any(all(e.get(k) == v for k, v in want.items()) for e in found["expansions"]))
    for kind in q.get("no_expansion", ()):
        checks.append(not any(e["kind"] == kind for e in found["expansions"]))
    if "did_you_mean" in q:
        checks.append(found.get("did_you_mean") == q["did_you_mean"])
    if q.get("max_total") is not None:
        checks.append(found["total"] <= q["max_total"])
    if q.get("min_total") is not None:
        checks.append(found["total"] >= q["min_total"])
    if q.get("completes"):
        checks.append(all(form in found.get("completion", []) for form in q["completes"]))
    return all(checks) if checks else None


def per_kind(runs: dict[str, list[str]], answers: dict[str, dict] | None, queries: list[dict]) -> dict[str, dict]:
    """{kind: {queries, judged, ndcg@10, mrr, checks, passed}} over the judged set; without
    `answers` no checks are counted."""
    out: dict[str, dict] = {}
    for q in queries:
        k = out.setdefault(q["kind"], {"queries": 0, "nd": [], "rr": [], "checks": 0, "passed": 0})
        k["queries"] += 1
        if q.get("relevant"):
            k["nd"].append(ndcg_at(runs[q["q"]], q["relevant"]))
            k["rr"].append(reciprocal_rank(runs[q["q"]], q["relevant"]))
        verdict = check(q, answers[q["q"]], answers) if answers is not None else None
        if verdict is not None:
            k["checks"] += 1
            k["passed"] += verdict
    return {kind: {"queries": k["queries"], "judged": len(k["nd"]),
                   "ndcg@10": statistics.mean(k["nd"]) if k["nd"] else None,
                   "mrr": statistics.mean(k["rr"]) if k["rr"] else None,
                   "checks": k["checks"], "passed": k["passed"]} for kind, k in sorted(out.items())}


def sweep_words(entries, bodies: bool = False) -> list[str]:
    """Distinct words (first spelling of each folded form) of the entries' titles, summaries and
    tags (and bodies), that can be searched alone."""
    from tools.search.analysis import WORD_RE, markdown_to_text, meaningful, normalize, strip_elision

    seen: dict[str, str] = {}
    for e in entries:
        text = " ".join([e.title, e.summary, *e.tags] + ([markdown_to_text(e.body)] if bodies else []))
        for word in WORD_RE.findall(text):
            folded = strip_elision(normalize(word))
            if meaningful(folded):
                seen.setdefault(folded, word)
    return sorted(seen.values())


def one_word_sweep(engine: SearchIndex, words: list[str]) -> dict:
    """{words, with_zero, all_zero, examples}: one-word queries with a hit scored 0.0 (any page)."""
    with_zero, all_zero = [], 0
    for word in words:
        # Results come best first: the first and the last result bound every score.
        first = engine.search(word, page_size=1)
        if not first["total"]:
            continue
        top = first["results"][0]["score"]
        low = engine.search(word, page=min(first["total"], 1000), page_size=1)["results"][0]["score"]
        if low <= 0:
            with_zero.append(word)
            all_zero += top <= 0
    return {"words": len(words), "with_zero": len(with_zero), "all_zero": all_zero, "examples": with_zero[:10]}


class _Server:
    def __init__(self, project: Project):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # The parser and head bound of `python -m tools serve` (HTTP_OPTIONS), not uvicorn's pick.
        self.server = uvicorn.Server(uvicorn.Config(create_app(project), port=self.port, log_level="warning",
                                                    **HTTP_OPTIONS))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


def page_weight(browser, url: str, path: str) -> dict:
    """Bytes transferred for one page and all its assets, on first load with an empty cache."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda req: sizes.append((req.url, req.sizes()["responseBodySize"])))
    page.goto(url + path)
    page.wait_for_load_state("networkidle")
    context.close()
    return {"requests": len(sizes), "bytes": sum(s for _, s in sizes),
            "html_bytes": sum(s for u, s in sizes if u.rstrip("/").endswith(path.rstrip("/")) or u.endswith("/"))}


def one_entry_rebuild(project: Project) -> dict:
    """Timings of a rebuild after one entry's title changes, in a throw-away copy of the project
    (the contributors' files are never touched)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Project(Path(tmp))
        for name in ("practices", "docs", "overrides"):
            shutil.copytree(project.root / name, copy.root / name, ignore=shutil.ignore_patterns("kb", ".*tmp-*"))
        for path in [project.root / "mkdocs.yml", *project.root.glob("CONTRIBUTING*.md")]:
            shutil.copy(path, copy.root / path.name)
        run(copy, progress=False)
        entry = sorted(copy.practices.glob("*/*.fr.md"))[0]
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace("\ntitle: ", "\ntitle: (bench) ", 1), encoding="utf-8")
        t0 = time.perf_counter()
        report = run(copy, progress=False)
        return {"total": time.perf_counter() - t0, **{k: v for k, v in report.timings.items() if k != "total"}}


def ours_weight(project: Project) -> int:
    """Gzipped bytes that this project adds to what Material serves by default for a page."""
    import gzip

    site = project.site
    files = [site / "assets" / "stylesheets" / "extra.css", site / "assets" / "javascripts" / "kb-search.js",
             site / "assets" / "javascripts" / "kb-engine.js"]
    total = sum(len(gzip.compress(f.read_bytes())) for f in files if f.exists())
    page = (site / "kb" / "entries" / "ma-enquete-nationale-emploi" / "fr" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return total + (len(gzip.compress(m.group(1).encode())) if m else 0)


def main(argv: list[str] | None = None) -> int:
    """`make bench`: builds the shipped collection, measures relevance (API and static search), latency,
    build times and page weights, prints them and writes bench/results/. Exit status 0 when the
    relevance targets are met, 1 when not, 2 when the content has errors."""
    parser = argparse.ArgumentParser(description="Search relevance, latency, build time and page weight.")
    parser.add_argument("--no-browser", action="store_true", help="skip the page weights (no chromium)")
    parser.add_argument("--sweep-all", action="store_true", help="one-word sweep over the bodies' words too")
    parser.add_argument("--static-scale", type=int, default=0, metavar="N",
                        help="also measure the static search's transfer at N synthetic entries (10000: ~10 min)")
    args = parser.parse_args(argv)
    project = Project()
    queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    regression = yaml.safe_load(REGRESSION.read_text(encoding="utf-8"))["queries"] if REGRESSION.exists() else []
    judged = queries + regression
    # The queries that judged ones are compared with (`same_as`): run too, not scored.
    companions = [{"q": s} for s in dict.fromkeys(q["same_as"] for q in judged if q.get("same_as"))
                  if s not in {q["q"] for q in judged}]

    t0 = time.perf_counter()
    report = run(project, force=True, progress=False)
    if not report.ok:
        print("The content has errors: run 'make check'.", file=sys.stderr)
        return 2
    build_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(project, progress=False)
    rebuild_seconds = time.perf_counter() - t0
    one_change = one_entry_rebuild(project)

    engine = SearchIndex(project.index)
    engine.search("warm up")  # opens the index and loads the word lists once, outside the timings
    runs, times, answers = ours(engine, judged + companions)
    times = times[:len(queries)]
    results = {"ours": score(runs, queries), "static": static_mode(report.entries, queries, args.static_scale,
                                                                   judged + companions)}
    kinds = per_kind(runs, answers, judged)
    static_kinds = per_kind(results["static"].pop("runs"), results["static"].pop("answers"), judged)
    sweep = one_word_sweep(engine, sweep_words(report.entries, bodies=args.sweep_all))
    weights = {}
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        with _Server(project) as srv, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=FLAGS)
            for name, path in (("home", "/"), ("entry", "/kb/entries/ma-enquete-nationale-emploi/fr/"),
                               ("search", "/recherche/?query=emploi")):
                weights[name] = page_weight(browser, srv.url, path)
            browser.close()

    print(f"Relevance on {len(queries)} judged queries (bench/queries.yml):")
    print(f"  {'search':<10} {'nDCG@10':>8} {'MRR':>6} {'no relevant in top 10':>22}")
    for name, s in results.items():
        print(f"  {name:<10} {s['ndcg@10']:>8.3f} {s['mrr']:>6.3f} {s['no_relevant_in_top10']:>22.1%}")
    print(f"Per kind, on the whole judged set ({len(judged)} queries: queries.yml + regression.yml):")
    print(f"  {'kind':<18} {'queries':>7} {'nDCG@10':>8} {'MRR':>6} {'checks passed':>14} {'static nDCG@10':>15} {'MRR':>6}"
          f" {'checks':>7}")
    for kind, k in kinds.items():
        nd = f"{k['ndcg@10']:.3f}" if k["ndcg@10"] is not None else "-"
        rr = f"{k['mrr']:.3f}" if k["mrr"] is not None else "-"
        passed = f"{k['passed']}/{k['checks']}" if k["checks"] else "-"
        st = static_kinds[kind]
        snd = f"{st['ndcg@10']:.3f}" if st["ndcg@10"] is not None else "-"
        srr = f"{st['mrr']:.3f}" if st["mrr"] is not None else "-"
        spassed = f"{st['passed']}/{st['checks']}" if st["checks"] else "-"
        print(f"  {kind:<18} {k['queries']:>7} {nd:>8} {rr:>6} {passed:>14} {snd:>15} {srr:>6} {spassed:>7}")
    all_nd = [ndcg_at(runs[q["q"]], q["relevant"]) for q in judged if q.get("relevant")]
    all_rr = [reciprocal_rank(runs[q["q"]], q["relevant"]) for q in judged if q.get("relevant")]
    print(f"  {'all judged':<18} {len(judged):>7} {statistics.mean(all_nd):>8.3f} {statistics.mean(all_rr):>6.3f}")
    print(f"One-word sweep: {sweep['words']} words searched alone, {sweep['with_zero']} with a hit at 0.0, "
          f"{sweep['all_zero']} with every hit at 0.0" + (f" (e.g. {', '.join(sweep['examples'])})"
                                                          if sweep["examples"] else ""))
    transfer = results["static"]["transfer"]
    print(f"Static search, per query from an empty cache: median {transfer['median_gzip'] / 1000:.0f} kB, "
          f"max {transfer['max_gzip'] / 1000:.0f} kB gzipped (max {transfer['max_bytes'] / 1000:.0f} kB raw); "
          f"index {transfer['files']} files, {transfer['bytes'] / 1e6:.2f} MB")
    big = results["static"].get("scale")
    if big:
        print(f"  at {big['entries']} synthetic entries: median {big['median_gzip'] / 1000:.0f} kB, max "
              f"{big['max_gzip'] / 1000:.0f} kB gzipped (max {big['max_bytes'] / 1000:.0f} kB raw); index "
              f"{big['files']} files, {big['bytes'] / 1e6:.1f} MB; p50 {big['p50_ms']:.0f} ms in node")
    ms = sorted(t * 1000 for t in times)
    print(f"Query latency (ours, in process): p50 {statistics.median(ms):.1f} ms, "
          f"p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms")
    print(f"Build of {len({e.id for e in report.entries})} entries: full {build_seconds:.1f} s, "
          f"no-change rebuild {rebuild_seconds:.2f} s, one entry changed {one_change['total']:.1f} s ("
          + ", ".join(f"{k} {v:.2f} s" for k, v in one_change.items() if isinstance(v, float) and k != "total") + ")")
    for name, w in weights.items():
        print(f"Page weight, {name}: {w['bytes'] / 1024:.0f} KiB in {w['requests']} requests (gzip)")
    if weights:
        print(f"  of which our additions to a default Material page: {ours_weight(project) / 1024:.1f} KiB gzipped "
              "(extra.css, kb-engine.js, kb-search.js, an entry's JSON-LD); the rest is Material's own page, CSS and JS")

    worst = sorted(results["ours"]["per_query"].items(), key=lambda kv: kv[1])[:8]
    print("Weakest queries (ours): " + "; ".join(f"{q!r} {v:.2f}" for q, v in worst))
    out = project.root / "build" / "bench.json"
    out.write_text(json.dumps({"results": results, "kinds": kinds, "static_kinds": static_kinds, "sweep": sweep, "weights": weights, "latency_ms": ms,
                               "build_seconds": build_seconds, "rebuild_seconds": rebuild_seconds,
                               "one_entry_changed": one_change},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    ok = results["ours"]["ndcg@10"] >= TARGET_NDCG and results["static"]["ndcg@10"] >= TARGET_STATIC
    if big:
        ok &= big["max_gzip"] <= TARGET_BYTES
    ok &= all(k["passed"] == k["checks"] for k in kinds.values()) and sweep["with_zero"] == 0
    print(("Targets met" if ok else "Targets MISSED") + f" (nDCG@10 >= {TARGET_NDCG} API, >= {TARGET_STATIC} static"
          + (f", at most {TARGET_BYTES // 1000} kB per static query at {big['entries']} entries" if big else "")
          + "; every regression check; no hit at 0.0 in the sweep).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
