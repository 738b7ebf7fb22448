"""tools/bench/scale.py: the queries each phase asks, and the budgets and report of a search-only
run (no build, no server)."""

from __future__ import annotations

from tools.bench.scale import CONCURRENT_SEED, budgets, markdown, queries


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
