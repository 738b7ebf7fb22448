"""The folding rules, checked on both sides against one fixture (fold_cases.json): here against
tools/search/analysis.py and the static index's keys, in fold.test.js against the browser's copy
(docs/assets/javascripts/kb-engine.js), which this test also runs with node.

The fixture's "queries" record what a query searches (static_index.query_plan: whether it has a
meaningful word as query.has_meaningful_words says, and its keys, a hyphenated compound as one
key), with the API's stop words and operators. A change to normalize() that is not made in
kb-engine.js too fails one side. To record new rules
on purpose: `python -m tests.search.test_fold_fixture` rewrites the fixture's outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tools.search.analysis import TOKEN_RE, all_stopwords, normalize, strip_elision
from tools.search.query import MAX_QUERY_TERMS, OPERATORS, has_meaningful_words
from tools.search.static_index import PREFIX_LEN, key, query_plan

FIXTURE = Path(__file__).with_name("fold_cases.json")
JS_TEST = Path(__file__).with_name("fold.test.js")


def expected(text: str) -> dict:
    tokens = [t for t in (strip_elision(normalize(w)) for w in TOKEN_RE.findall(text)) if t]
    return {"input": text, "normalized": normalize(text), "tokens": tokens, "keys": [key(t) for t in tokens]}


def cases() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


def query_expected(text: str) -> dict:
    return {"input": text, **query_plan(text)}


def query_cases() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["queries"]


def test_fixture_covers_accents_ligatures_arabic_variants_and_digits():
    inputs = {c["input"] for c in cases()}
    assert {"Enquête", "main-d'œuvre", "الهِجْرَة", "الهجره", "مستوى", "٢٠٢٠", "10.7.1"} <= inputs


def test_python_folding_matches_the_fixture():
    wrong = [(c["input"], expected(c["input"])) for c in cases() if expected(c["input"]) != c]
    assert wrong == []


def test_fixture_records_the_prefix_length_of_the_static_keys():
    assert json.loads(FIXTURE.read_text(encoding="utf-8"))["prefix_len"] == PREFIX_LEN


def test_fixture_has_queries_with_nothing_to_search_and_compounds():
    plans = {c["input"]: c for c in query_cases()}
    assert not plans["!!!???"]["meaningful"] and not plans["🙂🇲🇦"]["meaningful"] and not plans["de la"]["meaningful"]
    assert plans["sous-emploi"]["keys"] == [key("sousemploi")]
    assert plans["main-d'œuvre"]["parts"] == [[key("main"), key("oeuvre")]]


def test_python_query_plans_match_the_fixture():
    wrong = [(c["input"], query_expected(c["input"])) for c in query_cases() if query_expected(c["input"]) != c]
    assert wrong == []


def test_query_plans_say_meaningful_exactly_when_the_api_searches():
    assert [c["meaningful"] for c in query_cases()] == [has_meaningful_words(c["input"]) for c in query_cases()]


def test_fixture_records_the_api_stop_words_operators_and_term_limit():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["stop"] == sorted(all_stopwords())
    assert data["operators"] == sorted(OPERATORS) and data["max_query_terms"] == MAX_QUERY_TERMS


def test_browser_folding_matches_the_fixture():
    node = shutil.which("node")
    assert node, "node is needed to test the browser's folding (apt-get install nodejs)"
    done = subprocess.run([node, "--test", str(JS_TEST)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    # + 2: "the fixture has cases" and the highlightSpans test (issue #12).
    assert "# fail 0" in done.stdout and f"# pass {len(cases()) + len(query_cases()) + 2}" in done.stdout


if __name__ == "__main__":
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["prefix_len"] = PREFIX_LEN
    data["cases"] = [expected(c["input"]) for c in data["cases"]]
    data["stop"], data["operators"], data["max_query_terms"] = sorted(all_stopwords()), sorted(OPERATORS), MAX_QUERY_TERMS
    data["queries"] = [query_expected(c["input"]) for c in data.get("queries", [])]
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {len(data['cases'])} cases")
