"""A field name is the text written before its colon, whatever YAML would make of it as a value
(found by breaker9: 'null:' and 'true:' were reported as 'None' and 'True' on line 1, and '<<:'
merged a mapping into the entry without a word)."""

from __future__ import annotations

from tests.conftest import entry_text, line_of, load
from tools.content.problems import WARNING

NAME = "ma/ma-x.fr.md"


def test_field_names_that_yaml_reads_as_values_are_reported_as_written_at_their_line(tmp_path):
    text = entry_text(**{"null": "x", "true": "y", "2024": "z"})
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert sorted((p.line, p.field, p.severity) for p in problems) == [
        (line_of(text, "null:"), "null", WARNING), (line_of(text, "true:"), "true", WARNING),
        (line_of(text, "2024:"), "2024", WARNING)]
    assert all(p.message == "unknown field, ignored" for p in problems) and len(entries) == 1


def test_a_merge_key_is_an_unknown_field_and_merges_nothing(tmp_path):
    text = entry_text(title=None, **{"<<": "{title: Titre venu d'ailleurs}"})
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert [(p.field, p.message) for p in problems] == [
        ("title", "required field is missing"), ("<<", "unknown field, ignored")]
    assert problems[1].line == line_of(text, "<<:") and entries == []
