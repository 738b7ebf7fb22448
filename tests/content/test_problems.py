"""How problems are printed: text, GitHub annotations, JSON, and the summary line."""

from __future__ import annotations

import json

from tools.content.problems import ERROR, WARNING, Problem, errors, render, summary

ERR = Problem("practices/ma/ma-x.fr.md", 5, "countries[0]", "'MAR' is not an ISO 3166-1 alpha-2 code",
              "did you mean 'MA'?")
WARN = Problem("practices/ma/ma-x.fr.md", 15, "contry", "unknown field, ignored", "did you mean 'countries'?",
               WARNING)
BARE = Problem("practices/tn/tn-y.fr.md", 1, "front matter", "front matter is not closed")


def test_default_severity_is_error():
    assert ERR.severity == ERROR == "error"
    assert errors([ERR, WARN, BARE]) == [ERR, BARE]


def test_text_with_hint():
    assert ERR.text() == ("practices/ma/ma-x.fr.md:5: countries[0]: 'MAR' is not an ISO 3166-1 alpha-2 code; "
                          "did you mean 'MA'?")


def test_text_without_hint():
    assert BARE.text() == "practices/tn/tn-y.fr.md:1: front matter: front matter is not closed"


def test_text_of_a_warning_is_tagged():
    assert WARN.text() == ("practices/ma/ma-x.fr.md:15: contry: unknown field, ignored; "
                           "did you mean 'countries'? (warning)")


def test_github_error_and_warning():
    assert ERR.github() == ("::error file=practices/ma/ma-x.fr.md,line=5::countries[0]: "
                            "'MAR' is not an ISO 3166-1 alpha-2 code; did you mean 'MA'?")
    assert WARN.github() == ("::warning file=practices/ma/ma-x.fr.md,line=15::contry: unknown field, ignored; "
                             "did you mean 'countries'?")
    assert BARE.github() == "::error file=practices/tn/tn-y.fr.md,line=1::front matter: front matter is not closed"


def test_github_escapes_percent_and_newlines_in_the_message():
    p = Problem("practices/ma/x.fr.md", 3, "summary", "50% of\nthe text\r\nis HTML", "remove\nit")
    line = p.github()
    assert line == ("::error file=practices/ma/x.fr.md,line=3::summary: 50%25 of%0Athe text%0D%0Ais HTML; "
                    "remove%0Ait")
    assert "\n" not in line and "\r" not in line


def test_github_escapes_percent_first_so_escapes_are_not_doubled():
    p = Problem("practices/ma/x.fr.md", 3, "title", "%0A is literal text")
    assert p.github() == "::error file=practices/ma/x.fr.md,line=3::title: %250A is literal text"


def test_github_escapes_newlines_in_field_and_path():
    p = Problem("practices/ma/a\nb.fr.md", 1, "bad\nkey", "msg")
    assert p.github() == "::error file=practices/ma/a%0Ab.fr.md,line=1::bad%0Akey: msg"


def test_github_escapes_comma_and_colon_in_the_file_property():
    # GitHub workflow commands: property values also need ',' -> %2C and ':' -> %3A, or the file name is cut.
    p = Problem("practices/ma/ma,x:y.fr.md", 1, "file name", "'ma,x:y' is not a valid id")
    assert p.github() == "::error file=practices/ma/ma%2Cx%3Ay.fr.md,line=1::file name: 'ma,x:y' is not a valid id"


def test_summary_without_problems():
    assert summary([], 0) == "0 files checked: no problems."
    assert summary([], 42) == "42 files checked: no problems."


def test_summary_counts_errors_warnings_and_files_touched():
    assert summary([ERR, WARN, BARE], 10) == "10 files checked: 2 errors, 1 warning in 2 files."
    assert summary([WARN], 3) == "3 files checked: 0 errors, 1 warning in 1 file."


def test_render_text_sorts_by_path_then_line_and_ends_with_summary():
    out = render([BARE, WARN, ERR], 4)
    assert out.split("\n") == [ERR.text(), WARN.text(), BARE.text(),
                               "4 files checked: 2 errors, 1 warning in 2 files."]


def test_render_text_without_problems_is_the_summary_only():
    assert render([], 7) == "7 files checked: no problems."


def test_render_github():
    out = render([WARN, ERR], 2, "github")
    assert out.split("\n") == [ERR.github(), WARN.github(), "2 files checked: 1 error, 1 warning in 1 file."]


def test_render_json():
    p = Problem("practices/ma/ma-x.ar.md", 2, "title", "« عنوان » est trop court", "")
    data = json.loads(render([WARN, p, ERR], 3, "json"))
    assert data == {"files": 3, "problems": [
        {"path": "practices/ma/ma-x.ar.md", "line": 2, "field": "title", "message": "« عنوان » est trop court",
         "hint": "", "severity": "error"},
        {"path": "practices/ma/ma-x.fr.md", "line": 5, "field": "countries[0]",
         "message": "'MAR' is not an ISO 3166-1 alpha-2 code", "hint": "did you mean 'MA'?", "severity": "error"},
        {"path": "practices/ma/ma-x.fr.md", "line": 15, "field": "contry", "message": "unknown field, ignored",
         "hint": "did you mean 'countries'?", "severity": "warning"},
    ]}


def test_render_json_keeps_non_ascii_text_readable():
    p = Problem("practices/ma/x.ar.md", 2, "title", "عنوان")
    assert "عنوان" in render([p], 1, "json")


def test_render_json_without_problems():
    assert json.loads(render([], 5, "json")) == {"files": 5, "problems": []}


def test_text_shows_control_characters_of_a_value_as_escapes_on_one_line():
    # A value quoted in a message could clear or retitle the terminal of whoever runs the check,
    # or print a line that looks like another problem (found by breaker9).
    p = Problem("practices/ma/x.fr.md", 14, "links[0].url",
                "'ftp://x\x1b[2J\x1b]0;pwn\x07\nfake.md:1: ok\u202e' is not an http(s) address", "write https://")
    shown = p.text()
    assert "\n" not in shown and "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown == ("practices/ma/x.fr.md:14: links[0].url: 'ftp://x\\x1b[2J\\x1b]0;pwn\\x07\\nfake.md:1: ok\\u202e' "
                     "is not an http(s) address; write https://")
    assert Problem("p.md", 1, "title", "café, الهجرة", "").text() == "p.md:1: title: café, الهجرة"
