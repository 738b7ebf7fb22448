"""Queries as pasted (issue #12, breaker12 items 1 and 7): compatibility characters before a word
is cut ('Ⓜigrants'), control characters inside a word ('transf\\x00erts'), a query of only U+FEFF,
a word cut by a zero-width space ('chô\\u200bmage'). The API (engine.SearchIndex.check,
query.join_fragments) is the reference; the browser's engine (kb-engine.js, run by node) must
give the same entries, strength and hint."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("dz-chomage", "fr", "Enquête sur le chômage en Algérie",
               "Mesure du chômage selon les critères du BIT.", countries=("DZ",)),
    make_entry("ma-migrants", "fr", "Recensement des migrants au Maroc",
               "Les migrants recensés et leurs conditions de travail.", countries=("MA",)),
    make_entry("tn-transferts", "fr", "Transferts de fonds des émigrés tunisiens",
               "Statistiques des transferts reçus par la banque centrale.", countries=("TN",)),
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    return both_engines(tmp_path_factory, "kb-pasted", ENTRIES)


def answers(engines, q):
    api, folder = engines
    online = api.search(q)
    offline = run(folder, q)[q]
    return ((sorted(r["id"] for r in online["results"]), online["total"], online["strong"], online["hint_code"]),
            (sorted(offline["ids"]), offline["total"], offline["strong"], offline["hint_code"]))


@pytest.mark.parametrize("q, plain", [
    ("Ⓜigrants", "Migrants"),          # NFKC: Ⓜ -> M, one word
    ("🄼igrants", "Migrants"),          # a squared capital letter
    ("transf\x00erts", "transferts"),  # a control character inside a word: the two pieces joined again
    ("chô\u200bmage", "chômage"),       # a zero-width space inside a word: 'cho' is no word, joined
])
def test_both_engines_find_the_word_as_pasted(engines, q, plain):
    online, offline = answers(engines, q)
    assert online[:3] == answers(engines, plain)[0][:3] and online[1] > 0
    assert offline == online


@pytest.mark.parametrize("q", ["\ufeff", "\ufeff\ufeff", "\x00"])
def test_a_query_of_invisible_or_control_characters_gets_the_hint_in_both(engines, q):
    online, offline = answers(engines, q)
    assert online == ([], 0, False, "no_terms")
    assert offline == online
