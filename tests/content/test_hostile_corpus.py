"""Every hostile entry of tests/hostile.py is reported at its line, and the checker ends quickly."""

from __future__ import annotations

import pytest

from tests.conftest import line_of, load
from tests.hostile import CASES


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_entry_is_reported_at_its_line(tmp_path, name):
    text, expected = CASES[name]
    _, problems, _ = load(tmp_path, {f"ma/ma-{name}.fr.md": text})
    found = sorted((p.line, p.field, p.severity) for p in problems)
    assert found == sorted((line_of(text, prefix), field, severity) for prefix, field, severity in expected), \
        [p.text() for p in problems]


def test_the_whole_corpus_is_checked_together(tmp_path):
    files = {f"ma/ma-{name}.fr.md": text for name, (text, _) in CASES.items()}
    entries, problems, count = load(tmp_path, files)
    assert count == len(CASES)
    refused = {p.path.rsplit("/", 1)[1][3:-6] for p in problems if p.severity == "error"}
    assert refused == {name for name, (_, expected) in CASES.items() if any(s == "error" for *_, s in expected)}
    assert {e.id[3:] for e in entries} == set(CASES) - refused
