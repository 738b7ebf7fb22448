"""Scale benchmark: `make bench N=100,1000,10000` (python -m tools bench --scale 100,1000).

For each size, a synthetic collection (tools.bench.synthetic) in a temporary project is built from
scratch and then rebuilt, and its search is queried. Printed and written to bench/results/
(scale-<UTC time>.md and .json, plus scale-latest.*) so runs can be compared over time:

- time of each of our stages (check, pages with exports, index, site) on a full build, and of
  plain `mkdocs build` runs of the same three interface configs (what MkDocs alone costs);
- peak memory (resident, this process and its children, sampled every 50 ms) of the full build;
- a rebuild with nothing changed, and after one entry is changed, one added, one removed (each
  then checked to be on the three interfaces' sites and in the search index);
- bytes of one entry page's HTML and of the local files it loads (raw and gzipped), index and
  site size;
- search latency, p50/p99 over several hundred 1-3 word queries (with and without facet filters,
  results always with facet counts and snippets), in process and over HTTP on 127.0.0.1 with 1
  and 16 concurrent clients, and requests per second.

Three HTTP phases on one server (search_latency): one client asking the in-process queries; 16
clients asking distinct queries, none asked before (CONCURRENT_SEED: none is answered from the
server's answer cache, the engine runs for each: "cold"); 16 clients asking a stream with repeats
(repeated_queries: Zipf-distributed popular searches, some answered from the cache). The
throughput budget is checked on the cold phase; the other is reported beside it.
`--search-only --workdir DIR` measures the search alone, on collections built once (check, pages,
index) and kept in DIR/n<size> for later runs.

DELETIONS: nothing the bench made is deleted before every size is measured (the whole work folder
goes at the end). On a file system that spreads new files over inodes freed minutes before (ext4
without a journal skips inodes deleted in the last 60-360 s when it allocates one, scanning them on
each creation), deleting one size's project (~100,000 files at 1,000 entries, ~800,000 at 10,000)
or the plain MkDocs sites (~155,000 files each at 10,000) just before the next measure made every
file that measure created slower: the measure then held the bench's own clean-up. The builds'
own deletions (an old site, in a detached `rm`) are measured, as a user meets them.

Budgets (BUDGETS) are checked on what was measured; each failure is named with its figure and
the exit status is 1. A budget whose sizes were not run is reported as not checked.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from tools.bench.synthetic import make_project, new_entry, word_pools
from tools.pipeline import run
from tools.project import ROOT, Project, Settings
from tools.site.mkdocs import interface_builds, mkdocs_env

RESULTS = ROOT / "bench" / "results"
QUERIES = 400
CONCURRENT_SEED = 12  # queries() of the 16 clients: others than the one client's (seed 11)
REPEAT_SEED = 13  # the pairs of the stream with repeats (repeated_queries), asked by no earlier phase
REPEAT_DISTINCT = 200  # distinct pairs in the stream with repeats
HTTP_TIMEOUT = 60.0  # seconds; a shared machine can be very slow
FILTERS = ({"countries": ["MA"]}, {"type": ["tool"]}, {"themes": ["remittances"]},
           {"countries": ["TN"], "type": ["practice"]}, {"lang": ["fr"]})
BUDGETS = {
    "own_stages_vs_mkdocs": "our stages (check, pages+exports, index) <= 0.3 x the plain MkDocs builds",
    "linear_growth": "our stages' time per entry at 10,000 <= 1.3 x that at 1,000",
    "noop_rebuild_1000": "no-op rebuild at 1,000 entries < 2 s",
    "one_entry_1000": "one entry changed/added/removed, site and index updated, at 1,000 < 5 s",
    "one_entry_10000": "one entry changed/added/removed, site and index updated, at 10,000 < 15 s",
    "search_latency_10000": "search at 10,000 (HTTP, 1 client, facets and snippets): p50 < 10 ms, p99 < 50 ms",
    "search_throughput_10000": "search at 10,000 with 16 concurrent HTTP clients >= 200 requests/s "
                               "(cold: every query distinct, none answered from the answer cache)",
    "entry_page_weight": "an entry page's HTML within 10% from the smallest to the largest size run",
    "peak_memory_10000": "full build at 10,000 peaks < 2 GB",
}


class PeakMemory:
    """Highest sum of resident memory of this process and its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.05):
        import psutil

        self._proc, self._every, self.peak = psutil.Process(), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                procs = [self._proc]
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self._every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _timed_run(project: Project, **kw) -> tuple[float, dict]:
    t0 = time.perf_counter()
    report = run(project, progress=False, **kw)
    seconds = time.perf_counter() - t0
    if not report.ok:
        raise SystemExit("synthetic entries have errors: " + "; ".join(map(str, report.problems[:3])))
    stages = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in report.timings.items()}
    if isinstance(report.details.get("index"), dict) and report.details["index"].get("beside_pages"):
        # Written by a forked process during the pages stage (tools.pipeline): "index" is then the
        # wait after the pages, the index's own time is in theirs.
        stages["index_beside_pages"] = True
    return seconds, stages


def plain_mkdocs(project: Project, scratch: Path) -> dict[str, float]:
    """Seconds of a plain `mkdocs build` of each interface's config into folder `scratch` (made
    here; left for the caller to delete when nothing is measured any more: see DELETIONS)."""
    out = {}
    scratch.mkdir(parents=True)
    try:
        for config, _, site_dir, _ in interface_builds(project, Settings.load(project), scratch):
            lang = site_dir.name if site_dir != scratch else "fr"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "--config-file",
                            str(config), "--site-dir", str(scratch / f"plain-{lang}")],
                           cwd=project.root, env=mkdocs_env(), check=True, capture_output=True)
            out[lang] = round(time.perf_counter() - t0, 3)
    finally:
        # interface_builds wrote the interface configs with the scratch folder: write them back.
        interface_builds(project, Settings.load(project), project.site)
    return out


def visible(project: Project, entry_id: str, needle: str | None) -> bool:
    """The entry's French page is on the three interfaces' sites (with `needle` in it) and its id is
    found by the search index; with needle None, it is on none of them and not in the index."""
    from tools.search.engine import SearchIndex

    pages = [project.site / d / "kb" / "entries" / entry_id / "fr" / "index.html" for d in ("", "ar", "en")]
    found = SearchIndex(project.index).entry(entry_id)
    if needle is None:
        return not any(p.exists() for p in pages) and found is None
    return all(p.exists() and needle in p.read_text(encoding="utf-8") for p in pages) and found is not None


def rebuilds(project: Project) -> dict:
    """Seconds of a no-op rebuild and of a rebuild after one entry is changed, added, removed."""
    out = {}
    out["noop"], _ = _timed_run(project)
    target = sorted(project.practices.glob("*/*.fr.md"))[len(list(project.practices.glob("*/*.fr.md"))) // 2]
    entry_id = target.name.split(".")[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\ntitle: ", "\ntitle: Bench-modifié ", 1), encoding="utf-8")
    out["changed"], out["changed_stages"] = _timed_run(project)
    out["changed_visible"] = visible(project, entry_id, "Bench-modifié")
    added = new_entry(project.root, 1)
    out["added"], out["added_stages"] = _timed_run(project)
    out["added_visible"] = visible(project, added.name.split(".")[0], "")
    added.unlink()
    out["removed"], out["removed_stages"] = _timed_run(project)
    out["removed_visible"] = visible(project, added.name.split(".")[0], None)
    out["noop_after"], _ = _timed_run(project)
    return out


ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"#?]+)')


def page_weight(project: Project) -> dict:
    """Bytes of one entry page's HTML and of the local files it loads (raw and gzip -6)."""
    entry = sorted(project.site.glob("kb/entries/*/fr/index.html"))[0]
    html = entry.read_bytes()
    assets = []
    for ref in ASSET_RE.findall(html.decode("utf-8")):
        if ref.startswith(("http:", "https:", "//", "data:")):
            continue
        path = (entry.parent / urllib.parse.unquote(ref)).resolve()
        if path.is_file() and path not in assets:
            assets.append(path)
    data = [p.read_bytes() for p in assets]
    return {"page": str(entry.relative_to(project.site)), "html_bytes": len(html),
            "html_gzip": len(gzip.compress(html)), "assets": len(assets),
            "assets_bytes": sum(map(len, data)), "assets_gzip": sum(len(gzip.compress(d)) for d in data)}


def queries(n: int, seed: int = 11) -> list[tuple[str, dict]]:
    """n (query, filters) pairs: 1-3 words drawn from the entries' own words (60 % French, 20 % Arabic,
    20 % English); every other query with a facet filter."""
    rng = random.Random(seed)
    pools = {lang: [w for w in words.body if len(w) > 3] for lang, words in word_pools().items()}
    out = []
    for i in range(n):
        lang = rng.choices(("fr", "ar", "en"), (6, 2, 2))[0]
        q = " ".join(rng.sample(pools[lang], rng.randint(1, 3)))
        out.append((q, FILTERS[i // 2 % len(FILTERS)] if i % 2 else {}))
    return out


def _percentiles(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"p50_ms": round(statistics.median(ms), 2), "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
            "max_ms": round(ms[-1], 2), "n": len(ms)}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PARAMS = {"countries": "country", "type": "type", "themes": "theme", "data_sources": "data_source", "lang": "lang"}


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants (0 for those gone)."""
    import psutil

    total = 0.0
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return total
    for proc in procs:
        try:
            cpu = proc.cpu_times()
        except psutil.Error:
            continue
        total += cpu.user + cpu.system
    return total


def _wait_idle(pid: int, limit: float = 180.0, every: float = 1.0, busy: float = 0.2) -> None:
    """Wait (at most `limit` seconds) until a process and its descendants use less than `busy`
    of a core over `every` seconds."""
    stop = time.monotonic() + limit
    before = _tree_cpu(pid)
    while time.monotonic() < stop:
        time.sleep(every)
        now = _tree_cpu(pid)
        if now - before < busy * every:
            return
        before = now


def _key(pair: tuple[str, dict]) -> tuple:
    q, filters = pair
    return q, tuple(sorted((k, tuple(v)) for k, v in filters.items()))


def distinct_queries(n: int, seed: int, exclude: list[tuple[str, dict]] = ()) -> list[tuple[str, dict]]:
    """n (query, filters) pairs of queries() with `seed`, each asked once and none of `exclude`:
    a stream that no answer cache can answer (the engine's cost on every request)."""
    seen = {_key(p) for p in exclude}
    out: list[tuple[str, dict]] = []
    drawn = n
    while len(out) < n:
        out, kept = [], set(seen)
        for pair in queries(drawn, seed=seed):
            if _key(pair) not in kept:
                kept.add(_key(pair))
                out.append(pair)
        drawn += n
    return out[:n]


def repeated_queries(n: int, distinct: int = REPEAT_DISTINCT, seed: int = REPEAT_SEED,
                     exclude: list[tuple[str, dict]] = ()) -> list[tuple[str, dict]]:
    """n (query, filters) pairs drawn from `distinct` pairs of queries() with their own seed (none
    of `exclude`) with Zipf weights 1/rank: a few popular searches asked often, most asked once
    or twice, as readers of a shared server ask. The first ask of each pair is new to a
    server's answer cache, the others may come from it."""
    pool = distinct_queries(distinct, seed, exclude)
    rng = random.Random(seed)
    return rng.choices(pool, weights=[1 / (rank + 1) for rank in range(len(pool))], k=n)


def stream_mix(pairs: list[tuple[str, dict]]) -> dict:
    """What a stream asks: {requests, distinct, repeats (share of requests asking a pair already
    asked), filtered (share with a facet filter), words (share of 1, 2 and 3-word queries)}."""
    words = [len(q.split()) for q, _ in pairs]
    return {"requests": len(pairs), "distinct": len({_key(p) for p in pairs}),
            "repeats": round(1 - len({_key(p) for p in pairs}) / max(1, len(pairs)), 3),
            "filtered": round(sum(1 for _, f in pairs if f) / max(1, len(pairs)), 3),
            "words": {k: round(words.count(k) / max(1, len(words)), 3) for k in (1, 2, 3)}}


def search_latency(project: Project, qs: list[tuple[str, dict]],
                   concurrent_qs: list[tuple[str, dict]] | None = None, workers: int = 1,
                   repeats: list[tuple[str, dict]] | None = None) -> dict:
    """Latency in process (SearchIndex.search) and over HTTP, in three phases on one server:
    "http_1": `qs` asked by one client (another process than the in-process measure: cold
    again); "http_16": `concurrent_qs` asked by 16 clients (default distinct_queries(): every
    request a pair asked once and not by the one client, so no answer comes from the server's
    answer cache: the engine's cost each time); "http_16_repeats": `repeats` asked by 16
    clients (default repeated_queries(): popular searches asked again, some answered from the
    cache). Each phase records p50/p99/max ms, requests per second, failed requests, the CPU
    per request of the server's processes and of the clients (ms), and its query mix
    (stream_mix). The clients are tools.web.loadtest.timed_gets (one keep-alive connection each,
    Accept-Encoding: gzip, every answer checked). `workers`: server processes (as `serve
    --workers`; recorded in the result as "workers")."""
    import httpx

    from tools.search.engine import SearchIndex
    from tools.web.loadtest import timed_gets

    engine = SearchIndex(project.index, freeze_gc=True)
    engine.search("migration")  # open the index and warm it up once, as a server does (api.Searches.warm_up)
    engine.warm()
    timings = {"plain": [], "filtered": []}
    for q, filters in qs:
        t0 = time.perf_counter()
        engine.search(q, filters)
        timings["filtered" if filters else "plain"].append((time.perf_counter() - t0) * 1000)
    out = {"in_process": {k: _percentiles(v) for k, v in timings.items()}, "workers": workers}
    out["in_process"]["all"] = _percentiles(timings["plain"] + timings["filtered"])

    port = _free_port()
    # The server as readers get it (`python -m tools serve`: its socket and HTTP options).
    server = subprocess.Popen([sys.executable, "-m", "tools", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(workers), "--quiet"],
                              cwd=ROOT, env={**os.environ, "KB_ROOT": str(project.root)}, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)

        def paths_of(pairs: list[tuple[str, dict]]) -> list[str]:
            return ["/api/search?" + urllib.parse.urlencode(
                [("q", q)] + [(PARAMS[k], v) for k, vs in f.items() for v in vs]) for q, f in pairs]

        warm = [("migration", {})]  # the server's first search, below
        concurrent_qs = concurrent_qs or distinct_queries(len(qs), CONCURRENT_SEED, exclude=qs + warm)
        repeats = repeats or repeated_queries(2 * len(qs), exclude=qs + warm + concurrent_qs)
        phases = {"http_1": (1, qs), "http_16": (16, concurrent_qs), "http_16_repeats": (16, repeats)}

        async def clients_run(chunks: list[list[str]]):
            return await asyncio.gather(*(timed_gets("127.0.0.1", port, chunk, HTTP_TIMEOUT) for chunk in chunks))

        asyncio.run(clients_run([["/api/search?q=migration"]]))  # warm the server's searcher
        # With several workers the first one warm answers while the others still warm up: the
        # phases measure a started server (its processes idle), not their start-up's CPU.
        _wait_idle(server.pid)
        for name, (clients, pairs) in phases.items():
            paths = paths_of(pairs)
            chunks = [paths[i::clients] for i in range(clients)]
            t0, server_cpu, client_cpu = time.perf_counter(), _tree_cpu(server.pid), time.process_time()
            parts = asyncio.run(clients_run(chunks))
            wall = time.perf_counter() - t0
            server_cpu, client_cpu = _tree_cpu(server.pid) - server_cpu, time.process_time() - client_cpu
            # A failed request counts as the time it took (HTTP_TIMEOUT at most) in the percentiles.
            times = [t for part, _ in parts for t in part]
            # CPU per request (ms) of the server's processes and of this process's clients: on a
            # machine shared with other work, what the requests cost rather than how long they waited.
            out[name] = {**_percentiles(times), "requests_per_s": round(len(times) / wall, 1),
                         "failed": sum(f for _, f in parts),
                         "server_cpu_ms": round(server_cpu / max(1, len(times)) * 1000, 2),
                         "client_cpu_ms": round(client_cpu / max(1, len(times)) * 1000, 2),
                         "clients": clients, "mix": stream_mix(pairs)}
    finally:
        server.terminate()
        server.wait(10)
    return out


def bench_size(n: int, workdir: Path, seed: int = 1, workers: int = 1) -> dict:
    """Every measurement for one collection size (`workers`: the search server's processes)."""
    root = workdir / f"n{n}"
    t0 = time.perf_counter()
    project = Project(make_project(root, n, seed))
    result: dict = {"entries": n, "generate_seconds": round(time.perf_counter() - t0, 2)}
    print(f"[{n}] generated in {result['generate_seconds']} s; full build...", flush=True)
    with PeakMemory() as mem:
        result["full_seconds"], result["full_stages"] = _timed_run(project, force=True)
    result["peak_memory_mb"] = round(mem.peak / 2**20, 1)
    print(f"[{n}] full build {result['full_seconds']:.1f} s; plain MkDocs builds...", flush=True)
    result["plain_mkdocs"] = plain_mkdocs(project, workdir / f"mkdocs-plain-{n}")
    # The plain builds rewrote the interface configs: one no-op build puts the stamps back in step.
    run(project, progress=False)
    print(f"[{n}] rebuilds...", flush=True)
    result["rebuilds"] = rebuilds(project)
    result["page_weight"] = page_weight(project)
    result["index_bytes"] = _size(project.index)
    result["site_bytes"] = _size(project.site)
    print(f"[{n}] search...", flush=True)
    result["search"] = search_latency(project, queries(QUERIES), workers=workers)
    own = sum(result["full_stages"].get(k, 0) for k in ("check", "pages", "index"))
    result["own_stages_seconds"] = round(own, 3)
    result["mkdocs_seconds"] = round(sum(result["plain_mkdocs"].values()), 3)
    return result  # root and the plain builds are deleted with workdir, after every size (DELETIONS)


def search_only(n: int, workdir: Path, seed: int = 1, workers: int = 1) -> dict:
    """The search measures alone (search_latency) on a collection of n entries kept at
    workdir/n<n>: generated and built there (check, pages, index; no site) on first use, reused
    as it is by later runs, so that the search of a change can be measured at 10,000 entries
    without waiting for a build. Returns {"entries": n, "search": ...}."""
    project = Project(workdir / f"n{n}")
    if not (project.index / "BUILD.json").exists():
        shutil.rmtree(project.root, ignore_errors=True)
        t0 = time.perf_counter()
        project = Project(make_project(project.root, n, seed))
        print(f"[{n}] generated; building check, pages and index (kept in {project.root})...", flush=True)
        report = run(project, site=False, force=True, progress=False)
        if not report.ok:
            raise SystemExit(f"[{n}] the synthetic collection has errors")
        print(f"[{n}] built in {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"[{n}] search...", flush=True)
    return {"entries": n, "search": search_latency(project, queries(QUERIES), workers=workers)}


def budgets(results: dict[int, dict]) -> dict[str, dict]:
    """{budget: {"ok": bool | None, "measured": text}} for what the sizes run allow to check."""
    out = {}

    def put(name, ok, measured):
        out[name] = {"ok": ok, "measured": measured, "budget": BUDGETS[name]}

    built = {n: r for n, r in results.items() if "rebuilds" in r}  # --search-only results have none
    worst = [(n, r["own_stages_seconds"] / r["mkdocs_seconds"]) for n, r in built.items() if r["mkdocs_seconds"]]
    if worst:
        put("own_stages_vs_mkdocs", all(x <= 0.3 for _, x in worst),
            ", ".join(f"{n}: {x:.2f} x" for n, x in worst))
    if 1000 in built and 10000 in built:
        a, b = (results[k]["own_stages_seconds"] / k for k in (1000, 10000))
        put("linear_growth", b <= 1.3 * a, f"{a * 1000:.2f} ms/entry at 1,000, {b * 1000:.2f} at 10,000 ({b / a:.2f} x)")
    if 1000 in built:
        r = results[1000]["rebuilds"]
        put("noop_rebuild_1000", r["noop"] < 2, f"{r['noop']:.2f} s")
    for n, limit in ((1000, 5), (10000, 15)):
        if n in built:
            r = results[n]["rebuilds"]
            worst_one = max(r["changed"], r["added"], r["removed"])
            ok = worst_one < limit and r["changed_visible"] and r["added_visible"] and r["removed_visible"]
            put(f"one_entry_{n}", ok, f"changed {r['changed']:.2f} s, added {r['added']:.2f} s, "
                                      f"removed {r['removed']:.2f} s, visible: {r['changed_visible'] and r['added_visible'] and r['removed_visible']}")
    if 10000 in results:
        s = results[10000]["search"]
        h1, h16 = s["http_1"], s["http_16"]
        put("search_latency_10000", h1["p50_ms"] < 10 and h1["p99_ms"] < 50,
            f"p50 {h1['p50_ms']} ms, p99 {h1['p99_ms']} ms (in process: p50 {s['in_process']['all']['p50_ms']} ms, "
            f"p99 {s['in_process']['all']['p99_ms']} ms)")
        hot = s.get("http_16_repeats")
        put("search_throughput_10000", h16["requests_per_s"] >= 200,
            f"{h16['requests_per_s']} requests/s cold ({s.get('workers', 1)} server process(es))"
            + (f"; with repeats (not the budget's stream): {hot['requests_per_s']} requests/s" if hot else ""))
    if 10000 in built:
        put("peak_memory_10000", results[10000]["peak_memory_mb"] < 2048, f"{results[10000]['peak_memory_mb']} MB")
    if len(built) > 1:
        lo, hi = min(built), max(built)
        a, b = results[lo]["page_weight"]["html_bytes"], results[hi]["page_weight"]["html_bytes"]
        put("entry_page_weight", abs(b - a) <= 0.1 * a, f"{a} bytes at {lo:,}, {b} at {hi:,} ({(b - a) / a:+.1%})")
    for name in BUDGETS:
        out.setdefault(name, {"ok": None, "measured": "not checked (size not run)", "budget": BUDGETS[name]})
    return out


def markdown(results: dict[int, dict], checks: dict, meta: dict) -> str:
    """The report as Markdown: one column per collection size (results {size: measures}, seconds,
    bytes and milliseconds as measured), then the budgets checked; a missing measure shows '—'."""
    sizes = sorted(results)
    head = "| | " + " | ".join(f"{n:,}" for n in sizes) + " |\n|---|" + "---:|" * len(sizes) + "\n"

    def row(label, fn):
        cells = []
        for n in sizes:
            try:
                cells.append(fn(results[n]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("—")
        return f"| {label} | " + " | ".join(cells) + " |\n"

    s = lambda v: f"{v:.2f} s" if isinstance(v, (int, float)) else str(v)  # noqa: E731
    lines = f"# Scale benchmark, {meta['when']}\n\n{meta['machine']}\n\n"
    built = any("full_seconds" in r for r in results.values())  # --search-only measures no build
    build = head
    for stage in ("check", "pages", "index", "site"):
        build += row(f"full build: {stage}", lambda r, st=stage: s(r["full_stages"].get(st)) + (
            " (written beside the pages)" if st == "index" and r["full_stages"].get("index_beside_pages") else ""))
    build += row("full build: total", lambda r: s(r["full_seconds"]))
    build += row("our stages (check+pages+index)", lambda r: s(r["own_stages_seconds"]))
    build += row("plain MkDocs builds (fr+ar+en)", lambda r: s(r["mkdocs_seconds"]) + " (" + ", ".join(
        f"{k} {v:.1f}" for k, v in r["plain_mkdocs"].items()) + ")")
    build += row("our stages / MkDocs", lambda r: f"{r['own_stages_seconds'] / r['mkdocs_seconds']:.2f}")
    build += row("peak memory, full build", lambda r: f"{r['peak_memory_mb']:.0f} MB")
    for what in ("noop", "changed", "added", "removed", "noop_after"):
        build += row(f"rebuild: {what.replace('_', ' ')}", lambda r, w=what: s(r["rebuilds"][w]))
    for what in ("changed", "added", "removed"):
        build += row(f"  stages ({what})", lambda r, w=what: ", ".join(
            f"{k} {v}" + (" (beside the pages)" if k == "index" and r["rebuilds"][f"{w}_stages"].get("index_beside_pages")
                          else "")
            for k, v in r["rebuilds"][f"{w}_stages"].items() if k in ("check", "pages", "index", "site")))
    build += row("entry page HTML (gzip)", lambda r: f"{r['page_weight']['html_bytes']:,} B ({r['page_weight']['html_gzip']:,})")
    build += row("what it loads (gzip)", lambda r: f"{r['page_weight']['assets']} files, "
                 f"{r['page_weight']['assets_bytes']:,} B ({r['page_weight']['assets_gzip']:,})")
    build += row("search index", lambda r: f"{r['index_bytes'] / 1e6:.1f} MB")
    build += row("site", lambda r: f"{r['site_bytes'] / 1e6:.1f} MB")
    lines += "## Build\n\n" + (build if built else "not measured (--search-only)\n")
    lines += "\n## Search (p50 / p99 ms)\n\n" + head
    for key, label in (("plain", "in process, no filter"), ("filtered", "in process, with facet filters"),
                       ("all", "in process, all")):
        lines += row(label, lambda r, k=key: f"{r['search']['in_process'][k]['p50_ms']} / {r['search']['in_process'][k]['p99_ms']}")
    for key, label in (("http_1", "HTTP, 1 client"), ("http_16", "HTTP, 16 clients, cold (every query distinct)"),
                       ("http_16_repeats", "HTTP, 16 clients, with repeats")):
        lines += row(label, lambda r, k=key: (
            f"{r['search'][k]['p50_ms']} / {r['search'][k]['p99_ms']}, {r['search'][k]['requests_per_s']} req/s"))
        lines += row("  CPU per request, server / clients", lambda r, k=key: (
            f"{r['search'][k]['server_cpu_ms']} / {r['search'][k]['client_cpu_ms']} ms"))
        lines += row("  query mix", lambda r, k=key: (
            "{requests} requests, {distinct} distinct ({repeats:.0%} repeats), {filtered:.0%} filtered".format(
                **r["search"][k]["mix"])))
    workers = sorted({r["search"].get("workers", 1) for r in results.values() if "search" in r})
    lines += (f"\nHTTP measures: {' or '.join(map(str, workers))} server process(es) (`--workers`). Queries: "
              "1-3 words drawn from the entries' words (60 % French, 20 % Arabic, 20 % English), every other one "
              "with a facet filter; answers with facet counts and snippets, gzip-compressed. Cold: each "
              "(query, filters) asked once and never before. With repeats: drawn from "
              f"{REPEAT_DISTINCT} pairs with Zipf weights 1/rank (a first ask of each is cold too).\n")
    lines += "\n## Budgets\n\n| budget | result | measured |\n|---|---|---|\n"
    for c in checks.values():
        verdict = {True: "ok", False: "**FAILED**", None: "not checked"}[c["ok"]]
        lines += f"| {c['budget']} | {verdict} | {c['measured']} |\n"
    return lines


def main(argv: list[str] | None = None) -> int:
    """`make bench N=...`: build and search synthetic collections of each size, write the results to
    bench/results/ (unless --no-write) and check the budgets. Exit status 0 when every budget holds, else 1."""
    parser = argparse.ArgumentParser(prog="python -m tools bench --scale", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", required=True,
                        help="comma-separated collection sizes, e.g. 100,1000,10000 ('' with --combine)")
    parser.add_argument("--combine", nargs="*", type=Path, default=[],
                        help="results (.json) of earlier runs to report and check together with this one")
    parser.add_argument("--workdir", type=Path, help="where the temporary projects go (default: system temp)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write bench/results/")
    parser.add_argument("--search-only", action="store_true",
                        help="measure the search alone, on collections kept in --workdir (built there on "
                             "first use); prints, writes nothing to bench/results/")
    parser.add_argument("--workers", type=int, default=1,
                        help="search server processes for the HTTP measures (as `serve --workers`; default 1)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    # Each size once (its project and plain sites stay in the work folder until the end: DELETIONS).
    sizes = list(dict.fromkeys(int(x.replace("_", "")) for x in args.scale.split(",") if x.strip()))
    if args.search_only and not args.workdir:
        parser.error("--search-only needs --workdir (where the built collections are kept)")
    args.no_write |= args.search_only  # a partial run must not replace scale-latest.*
    workdir = args.workdir if args.search_only else Path(tempfile.mkdtemp(prefix="kb-scale-", dir=args.workdir))
    results = {}
    for earlier in args.combine:
        results.update({int(n): r for n, r in json.loads(earlier.read_text(encoding="utf-8"))["results"].items()})
    try:
        for n in sizes:
            results[n] = (search_only(n, workdir, workers=args.workers) if args.search_only
                          else bench_size(n, workdir, workers=args.workers))
            if not args.no_write:  # a long run stopped later keeps the sizes already measured
                RESULTS.mkdir(parents=True, exist_ok=True)
                (RESULTS / "scale-partial.json").write_text(json.dumps({"results": results}, indent=1), encoding="utf-8")
    finally:
        if not args.search_only:
            shutil.rmtree(workdir, ignore_errors=True)
    checks = budgets(results)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%MZ")
    meta = {"when": when, "machine": f"{os.cpu_count()} CPUs, load average at end "
                                     f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}, Python {sys.version.split()[0]}"}
    text = markdown(results, checks, meta)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"meta": meta, "results": results, "budgets": checks}, indent=1, ensure_ascii=False)
        for stem in (f"scale-{when}", "scale-latest"):
            (RESULTS / f"{stem}.json").write_text(data, encoding="utf-8")
            (RESULTS / f"{stem}.md").write_text(text, encoding="utf-8")
    failed = [name for name, c in checks.items() if c["ok"] is False]
    if failed:
        print("Budgets FAILED: " + "; ".join(f"{name} ({checks[name]['measured']})" for name in failed))
        return 1
    print("Every budget checked holds.")
    return 0
