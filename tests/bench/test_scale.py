"""tools/bench/scale.py: the queries each phase asks, and the budgets and report of a search-only
run (no build, no server)."""

from __future__ import annotations

from tools.bench.scale import (
    CONCURRENT_SEED,
    budgets,
    distinct_queries,
    markdown,
    queries,
    repeated_queries,
    stream_mix,
)


def search_result(p50: float, p99: float, rps: float) -> dict:
    phase = {"p50_ms": p50, "p99_ms": p99, "max_ms": p99, "n": 400}
    return {"in_process": {"plain": phase, "filtered": phase, "all": phase},
            "http_1": {**phase, "requests_per_s": rps, "failed": 0},
            "http_16": {**phase, "requests_per_s": rps, "failed": 0}}


def test_the_concurrent_clients_ask_other_queries():
    """The 16 clients' queries are not the one client's: none can come from the answer cache the
    one client filled."""
    one, many = queries(400), queries(400, seed=CONCURRENT_SEED)
    assert len(many) == 400
    assert len({q for q, _ in one} & {q for q, _ in many}) < 40


def test_search_only_results_check_the_search_budgets_only():
    results = {1000: {"entries": 1000, "search": search_result(5, 20, 300)},
               10000: {"entries": 10000, "search": search_result(12, 40, 150)}}
    checks = budgets(results)
    assert checks["search_latency_10000"]["ok"] is False  # p50 12 ms
    assert checks["search_throughput_10000"]["ok"] is False  # 150 requests/s
    built = ("own_stages_vs_mkdocs", "linear_growth", "noop_rebuild_1000", "one_entry_1000", "one_entry_10000",
             "peak_memory_10000", "entry_page_weight")
    assert all(checks[name]["ok"] is None for name in built)
    text = markdown(results, checks, {"when": "now", "machine": "here"})
    assert "not measured (--search-only)" in text and "full build: total" not in text
    assert "| HTTP, 1 client | 12 / 40, 150 req/s" in text.replace("5 / 20, 300 req/s | ", "")


def test_the_report_says_how_many_server_processes_answered():
    result = search_result(5, 20, 300)
    results = {1000: {"entries": 1000, "search": {**result, "workers": 2}}}
    checks = budgets(results)
    assert "HTTP measures: 2 server process(es)" in markdown(results, checks, {"when": "now", "machine": "here"})
    results = {10000: {"entries": 10000, "search": {**result, "workers": 2}}}
    assert "(2 server process(es))" in budgets(results)["search_throughput_10000"]["measured"]


def test_the_cold_stream_asks_each_pair_once_and_none_of_the_one_clients():
    one = queries(400)
    cold = distinct_queries(400, CONCURRENT_SEED, exclude=one)
    mix = stream_mix(cold)
    assert mix["requests"] == mix["distinct"] == 400 and mix["repeats"] == 0
    assert not {(q, str(f)) for q, f in cold} & {(q, str(f)) for q, f in one}


def test_the_stream_with_repeats_repeats_popular_pairs_asked_by_no_earlier_phase():
    one = queries(400)
    cold = distinct_queries(400, CONCURRENT_SEED, exclude=one)
    hot = repeated_queries(800, exclude=one + cold)
    mix = stream_mix(hot)
    assert mix["requests"] == 800 and mix["distinct"] <= 200 and mix["repeats"] > 0.5
    assert not {(q, str(f)) for q, f in hot} & {(q, str(f)) for q, f in one + cold}
    top = max(set(map(str, hot)), key=list(map(str, hot)).count)
    assert list(map(str, hot)).count(top) > 800 / 200 * 5  # Zipf: the first pair far above the mean


def test_the_report_names_the_phases_and_the_budget_its_stream():
    result = search_result(5, 20, 300)
    phase = {**result["http_16"], "mix": stream_mix(queries(10)), "server_cpu_ms": 6.0, "client_cpu_ms": 0.4}
    results = {10000: {"entries": 10000, "search": {**result, "http_16": phase,
                                                    "http_16_repeats": {**phase, "requests_per_s": 450}}}}
    checks = budgets(results)
    assert "cold" in checks["search_throughput_10000"]["budget"]
    assert "with repeats (not the budget's stream): 450 requests/s" in checks["search_throughput_10000"]["measured"]
    text = markdown(results, checks, {"when": "now", "machine": "here"})
    assert "| HTTP, 16 clients, cold (every query distinct) | 5 / 20, 300 req/s |" in text
    assert "| HTTP, 16 clients, with repeats | 5 / 20, 450 req/s |" in text
    assert "10 requests, 10 distinct (0% repeats)" in text


def test_nothing_made_is_deleted_before_every_size_is_measured(tmp_path, monkeypatch):
    """DELETIONS: a size's project and its plain MkDocs sites stay until the whole run ends (their
    deletion slowed the next size's file creations), then the work folder goes."""
    from pathlib import Path

    from tools.bench import scale

    seen = []  # (size, folders of the earlier sizes still there when this size's build starts)

    def make_project(root, n, seed):
        seen.append((n, sorted(p.name for p in root.parent.iterdir())))
        (root / "practices").mkdir(parents=True)
        return root

    def fake_mkdocs(cmd, **kw):
        site = Path(cmd[cmd.index("--site-dir") + 1])
        site.mkdir(parents=True)
        (site / "index.html").write_text("x")

    class Report:
        ok, problems, timings, details = True, [], {"check": 1.0, "pages": 1.0, "index": 1.0}, {}

    monkeypatch.setattr(scale, "make_project", make_project)
    monkeypatch.setattr(scale, "run", lambda project, **kw: Report())
    monkeypatch.setattr(scale, "interface_builds", lambda project, settings, site: [
        (Path("mkdocs.yml"), None, site / lang if lang != "fr" else site, None) for lang in ("fr", "ar", "en")])
    monkeypatch.setattr(scale.Settings, "load", staticmethod(lambda project: None))
    monkeypatch.setattr(scale.subprocess, "run", fake_mkdocs)
    monkeypatch.setattr(scale, "rebuilds", lambda project: {})
    monkeypatch.setattr(scale, "page_weight", lambda project: {})
    monkeypatch.setattr(scale, "search_latency", lambda *a, **kw: {})
    work = tmp_path / "work"
    monkeypatch.setattr(scale.tempfile, "mkdtemp", lambda **kw: str(work.mkdir() or work))
    monkeypatch.setattr(scale, "budgets", lambda results: {})
    monkeypatch.setattr(scale, "markdown", lambda results, checks, meta: "")

    assert scale.main(["--scale", "10,20,10", "--no-write"]) == 0  # a size asked twice is measured once
    assert seen == [(10, []), (20, ["mkdocs-plain-10", "n10"])]
    assert not work.exists()


def test_a_full_build_says_when_its_index_was_written_beside_the_pages(monkeypatch):
    """The index stage's time is then the wait after the pages (tools.pipeline): the report says so
    rather than showing an index written in no time."""
    from tools.bench import scale

    class Report:
        ok, problems, timings = True, [], {"check": 0.1, "pages": 0.7, "index": 0.01}
        details = {"index": {"beside_pages": True, "seconds": 0.5}}

    monkeypatch.setattr(scale, "run", lambda project, **kw: Report())
    _, stages = scale._timed_run(None, force=True)
    assert stages["index"] == 0.01 and stages["index_beside_pages"] is True
    Report.details = {"index": {"seconds": 0.5}}
    assert "index_beside_pages" not in scale._timed_run(None, force=True)[1]
