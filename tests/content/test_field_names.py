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


def test_the_text_is_checked_even_when_the_front_matter_cannot_be_read(tmp_path):
    # A script link, a TODO and raw HTML in the text were reported only once the YAML error was
    # fixed, one run later (found by breaker9).
    from tests.conftest import BODY

    text = entry_text(title='"Titre non fermé', body=BODY + "\n[clic](javascript:alert(1))\n\nTODO\n\n<b>gras</b>\n")
    _, problems, _ = load(tmp_path, {NAME: text})
    assert sorted((p.line, p.field, p.severity) for p in problems) == [
        (line_of(text, "title:"), "front matter", "error"), (line_of(text, "[clic]"), "body", "error"),
        (line_of(text, "TODO"), "placeholder", WARNING), (line_of(text, "<b>"), "body", WARNING)]


def test_an_unclosed_front_matter_gives_its_one_problem(tmp_path):
    text = entry_text().replace("\n---\n", "\n", 1) + "\n[clic](javascript:alert(1))\n"
    _, problems, _ = load(tmp_path, {NAME: text})
    assert [(p.line, p.message) for p in problems] == [(1, "front matter is not closed")]
