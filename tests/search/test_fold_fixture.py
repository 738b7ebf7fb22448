"""The folding rules, checked on both sides against one fixture (fold_cases.json): here against
tools/search/analysis.py and the static index's keys, in fold.test.js against the browser's copy
(docs/assets/javascripts/kb-engine.js), which this test also runs with node.

A change to normalize() that is not made in kb-engine.js too fails one side. To record new rules
on purpose: `python -m tests.search.test_fold_fixture` rewrites the fixture's outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tools.search.analysis import TOKEN_RE, normalize, strip_elision
from tools.search.static_index import PREFIX_LEN, key

FIXTURE = Path(__file__).with_name("fold_cases.json")
JS_TEST = Path(__file__).with_name("fold.test.js")


def expected(text: str) -> dict:
    tokens = [t for t in (strip_elision(normalize(w)) for w in TOKEN_RE.findall(text)) if t]
    return {"input": text, "normalized": normalize(text), "tokens": tokens, "keys": [key(t) for t in tokens]}


def cases() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


def test_fixture_covers_accents_ligatures_arabic_variants_and_digits():
    inputs = {c["input"] for c in cases()}
    assert {"Enquête", "main-d'œuvre", "الهِجْرَة", "الهجره", "مستوى", "٢٠٢٠", "10.7.1"} <= inputs


def test_python_folding_matches_the_fixture():
    wrong = [(c["input"], expected(c["input"])) for c in cases() if expected(c["input"]) != c]
    assert wrong == []


def test_fixture_records_the_prefix_length_of_the_static_keys():
    assert json.loads(FIXTURE.read_text(encoding="utf-8"))["prefix_len"] == PREFIX_LEN


def test_browser_folding_matches_the_fixture():
    node = shutil.which("node")
    assert node, "node is needed to test the browser's folding (apt-get install nodejs)"
    done = subprocess.run([node, "--test", str(JS_TEST)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and f"# pass {len(cases()) + 1}" in done.stdout


if __name__ == "__main__":
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["prefix_len"] = PREFIX_LEN
    data["cases"] = [expected(c["input"]) for c in data["cases"]]
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {len(data['cases'])} cases")
