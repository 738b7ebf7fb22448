"""Invisible characters pasted into the front matter (from PDFs, terminals, word processors) are
named at their own line with how to fix them (found by breaker9: YAML's reader and scanner gave
"special characters are not allowed" or "could not find expected ':'", and a line separator shifted
every later line number by one)."""

from __future__ import annotations

import pytest

from tests.conftest import entry_text, line_of, load
from tools.content.problems import ERROR, WARNING

NAME = "ma/ma-x.fr.md"
PATH = "practices/ma/ma-x.fr.md"


def problems_of(tmp_path, text):
    entries, problems, _ = load(tmp_path, {NAME: text})
    return entries, [p for p in problems if p.path == PATH]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_a_line_separator_in_a_title_is_a_space_and_later_lines_keep_their_numbers(tmp_path, char):
    text = entry_text(title=f"Enquête nationale{char}sur l'emploi", countries="[MAR]")
    entries, problems = problems_of(tmp_path, text)
    assert [(p.line, p.field, p.severity) for p in problems] == [
        (line_of(text, "title:"), "front matter", WARNING),
        (line_of(text, "countries:"), "countries[0]", ERROR)]
    assert f"U+{ord(char):04X}" in problems[0].message and "delete it" in problems[0].hint
    assert entries == []  # the countries error still blocks it


def test_a_line_separator_in_a_quoted_summary_leaves_a_valid_entry(tmp_path):
    text = entry_text(summary="\"Un résumé collé depuis un traitement de texte,\u2028sur deux lignes.\"")
    entries, problems = problems_of(tmp_path, text)
    assert [(p.line, p.severity) for p in problems] == [(line_of(text, "summary:"), WARNING)]
    assert entries[0].summary == "Un résumé collé depuis un traitement de texte, sur deux lignes."


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\ufffe"])
def test_a_control_character_is_named_at_its_line_with_its_fix(tmp_path, char):
    text = entry_text(tags=f"[emploi, mig{char}ration]")
    _, problems = problems_of(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "tags:"), "front matter")]
    assert f"U+{ord(char):04X}" in problems[0].message
    assert "delete it" in problems[0].hint and "colons" not in problems[0].hint


@pytest.mark.parametrize("url, found", [
    ("https://example.org/rapport annuel.pdf", "contains a space"),
    ("https://exa\u202emple.org/gnp.exe", "U+202E"),
    ("https://example.org/\\u0000x", "U+0000"),
    ("https://example.org/\\u2028x", "U+2028"),
    ("https://www.hcp.ma@other.example/enquete", "leads to other.example"),
])
def test_a_link_address_that_cannot_be_the_page_it_names_is_an_error_at_its_line(tmp_path, url, found):
    # Each passed the check: the page's sanitiser then dropped the link (a dead title), or the
    # link led elsewhere than it reads (found by breaker9).
    text = entry_text(links=f'\n  - title: Source\n    url: "{url}"\n    archive_url: "https://web.archive.org/web/2025/x"')
    entries, problems = problems_of(tmp_path, text)
    assert [(p.line, p.field, p.severity) for p in problems] == [(line_of(text, "    url:"), "links[0].url", ERROR)]
    assert found in problems[0].message and problems[0].hint
    assert entries == []


def test_an_archive_address_with_a_space_is_an_error_and_plain_addresses_pass(tmp_path):
    text = entry_text(links='\n  - title: Source\n    url: "https://example.org/a%20b?x=1#p"'
                            '\n    archive_url: "https://web.archive.org/web/2025/https://example.org/a b"')
    _, problems = problems_of(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "    archive_url:"), "links[0].archive_url")]
