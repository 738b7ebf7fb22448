"""An operator word with nothing to join ('emploi NOT', 'AND emploi') is dropped by the API as the
browser's engine drops it (query.drop_loose_operators). Whoosh's parser searched it as a plain
word: 'not' and 'and' are not French stop words, and the French stem of 'NOT' matched 'note' and
'notamment', so 'emploi NOT' gave 54 entries on the shipped collection, 'emploi' 47."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run

pytestmark = pytest.mark.usefixtures("word_lists")

ENTRIES = [
    make_entry("ma-emploi", "fr", "Enquête emploi", "Enquête trimestrielle sur l'emploi et le chômage des migrants."),
    make_entry("tn-note", "fr", "Note méthodologique", "Une note sur les sources, notamment les registres consulaires.",
               countries=("TN",)),
    make_entry("dz-rapport", "fr", "Rapport Work and Migration", "Rapport sur les transferts de fonds and les retours.",
               countries=("DZ",)),
    make_entry("ly-permis", "fr", "Permis de travail", "Registre des permis de travail et de l'emploi des étrangers.",
               countries=("LY",)),
]

LOOSE = ["emploi NOT", "emploi AND", "AND emploi", "emploi ANDMAYBE", "OR emploi OR", "(emploi NOT)", "emploi AND NOT"]


@pytest.mark.parametrize("text, kept", [
    ("emploi NOT", "emploi"), ("AND emploi", "emploi"), ("emploi AND", "emploi"), ("a AND OR b", "a OR b"),
    ("(emploi OR)", "(emploi)"), ("OR OR OR", ""), ("(a AND b) OR", "(a AND b)"),
])
def test_operators_with_nothing_to_join_are_dropped(text, kept):
    from tools.search.query import drop_loose_operators

    assert drop_loose_operators(text) == kept


@pytest.mark.parametrize("text", ["emploi AND chômage", "NOT emploi", "emploi AND NOT chômage", '"a AND" b',
                                  "emploi"])
def test_operators_in_place_and_plain_text_are_left_as_written(text):
    from tools.search.query import drop_loose_operators

    assert drop_loose_operators(text) == text


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-loose-operators", ENTRIES)
    return api, run(folder, "emploi", *LOOSE)


@pytest.mark.parametrize("q", LOOSE)
def test_a_loose_operator_finds_what_the_word_alone_finds_in_both_engines(engines, q):
    api, static = engines
    alone = {r["id"] for r in api.search("emploi", page_size=50)["results"]}
    assert alone == {"ma-emploi", "ly-permis"}
    assert {r["id"] for r in api.search(q, page_size=50)["results"]} == alone, q
    assert set(static[q]["ids"]) == alone, q


@pytest.mark.parametrize("q", ["(" * 332 + "emploi AND", "(" * 600 + "emploi" + ")" * 300 + " NOT",
                               "(" * 33 + "emploi OR" + ")" * 33])
def test_deeply_nested_brackets_are_read_as_plain_words_not_an_error(engines, q):
    """Brackets nested past query.MAX_BRACKET_DEPTH: the API answers with the plain words' entries
    (before: a RecursionError in drop_loose_operators, a 500 for a 342-character query)."""
    from tools.search.query import drop_loose_operators

    api, _ = engines
    assert drop_loose_operators(q).split() == ["emploi"]
    assert {r["id"] for r in api.search(q, page_size=50)["results"]} == {"ma-emploi", "ly-permis"}
