"""tools/bench/relevance.py: the regression checks and per-kind scores (no build, no browser)."""

from __future__ import annotations

from tools.bench.relevance import check, per_kind


def answer(ids=(), total=None, strong=True, hint=None, expansions=()):
    return {"results": [{"id": i} for i in ids], "total": len(ids) if total is None else total,
            "strong": strong, "hint": hint, "expansions": list(expansions)}


def test_checks():
    assert check({"q": "@", "expect": "empty"}, answer(hint="type a word")) is True
    assert check({"q": "@", "expect": "empty"}, answer(["a"])) is False
    assert check({"q": "x", "expect": "weak"}, answer(["a"], strong=False)) is True
    assert check({"q": "x", "expect": "weak"}, answer(["a"])) is False
    assert check({"q": "x", "expect": "strong"}, answer(["a"])) is True
    assert check({"q": "x", "expect": "strong"}, answer(["a"], strong=False)) is False
    assert check({"q": "x", "expect": "strong"}, answer([])) is False
    assert check({"q": "x", "forbid": ["b"]}, answer(["a", "b"])) is False
    country = {"kind": "country", "concept": "MR", "matched": "Mauritana", "added": ["MR"]}
    assert check({"q": "x", "expansion": {"kind": "country", "concept": "MR"}}, answer(expansions=[country])) is True
    assert check({"q": "x", "no_expansion": ["country"]}, answer(expansions=[country])) is False
    assert check({"q": "x", "relevant": {"a": 2}}, answer(["a"])) is None


def test_per_kind_scores_and_checks():
    queries = [{"q": "one", "kind": "k", "relevant": {"a": 2}}, {"q": "two", "kind": "k", "relevant": {"a": 2}},
               {"q": "@", "kind": "empty", "expect": "empty"}]
    runs = {"one": ["a"], "two": ["b", "a"], "@": []}
    answers = {"one": answer(["a"]), "two": answer(["b", "a"]), "@": answer(hint="h")}
    kinds = per_kind(runs, answers, queries)
    assert kinds["k"]["judged"] == 2 and kinds["k"]["mrr"] == 0.75
    assert kinds["empty"] == {"queries": 1, "judged": 0, "ndcg@10": None, "mrr": None, "checks": 1, "passed": 1}


def test_per_kind_of_runs_without_answers_counts_no_checks():
    # The static search's runs have ids only: scored per kind, its checks left to the API's.
    queries = [{"q": "one", "kind": "k", "relevant": {"a": 2}}, {"q": "@", "kind": "empty", "expect": "empty"}]
    kinds = per_kind({"one": ["b", "a"], "@": []}, None, queries)
    assert kinds["k"]["mrr"] == 0.5 and kinds["k"]["judged"] == 1
    assert kinds["empty"]["checks"] == 0 and kinds["empty"]["ndcg@10"] is None


def test_same_as_passes_when_the_other_writing_lists_the_same_entries_in_order():
    q = {"q": "enquete emploi", "kind": "no-accents", "same_as": "enquête emploi"}
    assert check(q, answer(["a", "b"]), {"enquête emploi": answer(["a", "b"])}) is True
    assert check(q, answer(["a", "b"]), {"enquête emploi": answer(["b", "a"])}) is False
    assert check(q, answer(["a", "b"]), {}) is False  # the other query was not run
    kinds = per_kind({"enquete emploi": ["a"]}, {"enquete emploi": answer(["a"]), "enquête emploi": answer(["a"])},
                     [q])
    assert kinds["no-accents"]["checks"] == 1 and kinds["no-accents"]["passed"] == 1
