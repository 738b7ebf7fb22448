"""Bodies that would make the site's Markdown renderer take quadratic time are refused at their line.

The pathological shapes are the ones measured superlinear in Python-Markdown (unclosed '[', nested
'[', '](' without ')', unpaired backtick runs, unclosed fences); ordinary bodies with many links,
emphasis, code and a few stray brackets are accepted. Only the checker runs here: rendering the
pathological bodies is what the check exists to avoid (the timings are in tools.content.render_cost).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import BODY, entry_text, line_of, load
from tools.content import render_cost
from tools.content.markdown import fences_as_rendered
from tools.content.problems import ERROR

NAME = "ma/ma-x.fr.md"
PATH = "practices/ma/ma-x.fr.md"
INTRO = "Un paragraphe ordinaire, avec [un lien](https://example.org) et *une emphase*.\n\n"


def body_errors(tmp_path, body):
    """(file text, the error problems on the 'body' field) of an entry with BODY then `body`."""
    text = entry_text(body=BODY + "\n" + body)
    _, problems, _ = load(tmp_path, {NAME: text})
    return text, [p for p in problems if p.field == "body" and p.severity == ERROR]


# (name, hostile text, start of the line the error must point at, words the message must hold)
PATHOLOGICAL = [
    ("tester's body: emphasis and unclosed '['", "Début : " + "*a [b " * 7000, "Début : ", "'['"),
    ("a run of '['", "Texte.\n" + "[" * 3000, "[[[", "'['"),
    ("double '[' with words", "Ligne normale.\nEnsuite " + "[[a " * 1500, "Ensuite ", "'['"),
    ("nested brackets, all closed", "[" * 2000 + "]" * 2000, "[[[", "nested"),
    ("images without ']'", "Voir " + "![a " * 2000, "Voir ", "'['"),
    ("'[' spread over lines of one paragraph", "\n".join(["Ligne [a b c"] * 2500), "Ligne [a", "'['"),
    ("link targets without ')'", "Liens " + "[a](" * 2500, "Liens ", "'](' without"),
    ("unpaired backtick runs", "Code " + "".join("`" * k + "a " for k in range(1, 400)), "Code ", "backticks"),
    ("one long paragraph full of emphasis", "Long " + "*a* _b_ **c** " * 7000, "Long ", "inline marks"),
    # A block CommonMark closes early (a longer fence) is closed there on the page (safe_body): what
    # follows is text, however fenced_code would have read the raw lines.
    ("brackets after a block closed by a longer fence", "```\n````\nSuite " + "[a " * 7000 + "\n```\n", "Suite ", "'['"),
]


@pytest.mark.parametrize("hostile,line_start,words", [case[1:] for case in PATHOLOGICAL],
                         ids=[case[0] for case in PATHOLOGICAL])
def test_pathological_body_is_refused_at_its_first_offending_line(tmp_path, no_hang, hostile, line_start, words):
    text, errors = body_errors(tmp_path, INTRO + hostile)
    assert len(errors) == 1, errors
    problem = errors[0]
    assert (problem.path, problem.line) == (PATH, line_of(text, line_start))
    assert words in problem.message and "Markdown renderer" in problem.message
    assert problem.message.count("paragraph") <= 1, problem.message  # was '... in one long paragraph in this paragraph'
    assert problem.hint and problem.text().startswith(f"{PATH}:{problem.line}: body: ")


def test_the_error_points_at_the_costliest_paragraph_not_the_first_stray_bracket(tmp_path, no_hang):
    text, errors = body_errors(tmp_path, "Un crochet [sic oublié.\n\n" + INTRO + "Puis " + "[x " * 3000)
    assert [p.line for p in errors] == [line_of(text, "Puis ")]


def test_checking_never_rewrites_the_contributors_file(tmp_path, no_hang):
    text = entry_text(body=BODY + "\n" + "*a [b " * 7000)
    _, problems, _ = load(tmp_path, {NAME: text})
    assert any(p.field == "body" and p.severity == ERROR for p in problems)
    assert (tmp_path / "practices" / NAME).read_text(encoding="utf-8") == text


NORMAL = [
    ("900 paragraphs of links, emphasis and code",
     "".join(f"Voir [la source n°{i}](https://example.org/s/{i} \"titre\") et *note* **{i}** `x[{i}]`.\n\n"
             for i in range(900))),
    ("one paragraph of 1,000 links", " ".join(f"[lien {i}](https://example.org/{i}) _et_" for i in range(1000))),
    ("reference links and images", "".join(f"Voir [texte][r{i}] et ![image {i}](https://example.org/{i}.png).\n"
                                           for i in range(800)) + "\n"
     + "".join(f"[r{i}]: https://example.org/ref/{i}\n" for i in range(800))),
    ("brackets in code spans and fenced code", "Code : `" + "[" * 3000 + "`.\n\n```text\n"
     + "[(`` " * 3000 + "\n```\n\n~~~\n" + "```a\n" * 500 + "~~~\n"),
    # The first open fence runs to the end, as on GitHub: the page shows one closed block (safe_body).
    ("fences without a closing fence", "Avant.\n\n" + "```a\n" * 8000),
    ("escaped brackets and parentheses", ("\\[a \\](\\( " * 50 + "\n\n") * 80),
    ("a stray '[' in many short paragraphs", "Un crochet [sic dans le texte, et une suite.\n\n" * 1500),
    ("emphasis and underscores", ("*a* _b_ **c** __d__ *e _f_ g* " * 20 + "\n\n") * 150),
    ("balanced nested brackets", ("[a [b [c] d] e](https://example.org) " * 50 + "\n\n") * 30),
]


@pytest.mark.parametrize("body", [case[1] for case in NORMAL], ids=[case[0] for case in NORMAL])
def test_ordinary_bodies_with_many_links_and_emphasis_are_accepted(tmp_path, no_hang, body):
    assert len(body) > 20_000
    text, errors = body_errors(tmp_path, body)
    assert errors == []
    assert render_cost.estimate_seconds(fences_as_rendered(BODY + body)) < render_cost.BUDGET_US / 1e6 / 4


def test_the_estimate_grows_quadratically_for_unclosed_openers_and_linearly_for_closed_ones():
    def ratio(unit):
        return render_cost.estimate_seconds(unit * 2000) / render_cost.estimate_seconds(unit * 1000)

    assert 3.5 < ratio("*a [b ") < 4.5
    assert 3.5 < ratio("```a\n") < 4.5
    assert 1.5 < ratio("[a](https://x.org/a)\n\n") < 2.5
    assert render_cost.estimate_seconds("[a](https://x.org) *b*\n\n" * 1000) < 0.05


def test_paragraphs_and_code_reset_the_count():
    one = render_cost.estimate_seconds("[a " * 2000)
    split = render_cost.estimate_seconds("\n\n".join(["[a " * 20] * 100))
    in_code = render_cost.estimate_seconds("`" + "[a " * 2000 + "`")
    assert one > 1 and split < one / 50 and in_code < one / 50


def test_costs_name_the_kind_and_the_line_of_the_first_unclosed_opener():
    found = render_cost.costs("Texte.\n\nA [b] c\nd [e\nf [g\n\n~~~x\n")
    kinds = {c.kind: c for c in found}
    assert set(kinds) == {"bracket", "fence"}
    assert (kinds["bracket"].line, kinds["bracket"].unclosed) == (3, 2)
    assert (kinds["fence"].line, kinds["fence"].unclosed) == (6, 1)


# Bodies of openers, closers, marks and text: render_cost.bound_us must never be under the cost.
_PIECES = ["[", "]", "(", ")", "](", "`", "``", "```\n", "~~~\n", "*", "_", "\\[", "\\", "&", "<", "a ", "mot ",
           "\n", "\n\n", "\n```a\n", "[x](https://e.org/a_(b)) "]


@settings(suppress_health_check=list(HealthCheck))  # examples and deadline: the profile in tests/conftest.py
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.integers(1, 400)), max_size=30))
def test_the_bound_from_character_counts_is_never_under_the_estimate(runs):
    """problems() returns [] without the paragraph-by-paragraph estimate when bound_us, from
    counts of characters, is within half the budget (#10): the bound must hold for any body."""
    body = "".join(piece * count for piece, count in runs)
    total = sum(c.work_us for c in render_cost.costs(body))
    assert total <= render_cost.bound_us(body)


@pytest.mark.parametrize("body", [case[1] for case in PATHOLOGICAL + NORMAL] + ["[a " * n for n in (700, 1000, 1400)],
                         ids=[case[0] for case in PATHOLOGICAL + NORMAL] + ["brackets 700", "brackets 1000", "brackets 1400"])
def test_the_bound_changes_no_verdict(monkeypatch, body):
    body = fences_as_rendered(INTRO + body)
    quick = render_cost.problems(PATH, body, 10)
    monkeypatch.setattr(render_cost, "bound_us", lambda md: float("inf"))
    assert quick == render_cost.problems(PATH, body, 10)
