"""A hyphenated compound typed in the query, in both engines: the API searches the compound and,
weaker, the phrase of its parts (query.build, COMPOUND_PARTS_BOOST); the browser's engine, whose
index has no word positions, counts the parts only in entries holding the compound
(kb-engine.js compoundHolders). Counting the parts anywhere made 'travail-migration' list 54
entries of the shipped collection offline, 2 in the API."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("ma-systeme", "fr", "Système d'information travail-migration",
               "Un système d'information sur le lien travail-migration au Maroc.", countries=("MA",)),
    make_entry("tn-enquete", "fr", "Enquête sur le travail",
               "Le travail des jeunes, avec un module sur les intentions de migration.", countries=("TN",)),
    make_entry("dz-registre", "fr", "Registre des permis",
               "Les permis délivrés aux étrangers pour un travail salarié.", countries=("DZ",)),
    make_entry("ly-flux", "fr", "Flux de migration",
               "Les flux de migration irrégulière et leurs routes.", countries=("LY",)),
]
QUERIES = ["travail-migration", "travail-migration Tunisie", "travail migration"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-compound", ENTRIES)
    return api, run(folder, *QUERIES)


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_keep_the_same_entries_for_a_compound(engines, q):
    api, static = engines
    found = [r["id"] for r in api.search(q, page_size=20)["results"]]
    assert found, q
    assert set(static[q]["ids"]) == set(found), q


def test_the_parts_apart_do_not_match_the_compound_offline(engines):
    _, static = engines
    assert static["travail-migration"]["ids"] == ["ma-systeme"]
    # Two units (the compound, the country), one needed: the parts apart count for neither.
    assert set(static["travail-migration Tunisie"]["ids"]) == {"ma-systeme", "tn-enquete"}
    assert {"ma-systeme", "tn-enquete", "dz-registre", "ly-flux"} == set(static["travail migration"]["ids"])
