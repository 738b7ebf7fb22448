"""Words in a row in the static index (static_index.pair_keys; kb-engine.js compoundHolders,
phrasePairs): the API's phrase of a compound's parts, and a quoted phrase, match where the words
follow one another (stop words left out), which the browser knew only where a text wrote the
compound itself: 'travail-migration' found 2 entries of the shipped collection in the API, none
offline (a text saying 'travail, migrations'); '"enquête emploi"' 17 in the API, 30 offline
(both words anywhere)."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run
from tools.search import static_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("ma-lien", "fr", "Système d'information du Maroc",
               "Les liens entre travail, migrations et emploi au Maroc.", countries=("MA",)),
    make_entry("tn-jeunes", "fr", "Enquête sur le travail des jeunes",
               "Un module sur les intentions de migration des jeunes.", countries=("TN",)),
    make_entry("dz-enquete", "fr", "Enquête emploi auprès des ménages",
               "L'enquête emploi annuelle de l'Algérie.", countries=("DZ",)),
    make_entry("ly-menages", "fr", "Enquête sur les ménages",
               "Une enquête sur les ménages libyens et leur emploi.", countries=("LY",)),
]
QUERIES = ["travail-migration", '"enquête emploi"', '"travail migration"', "enquête emploi"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-pairs", ENTRIES)
    return api, run(folder, *QUERIES)


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_find_the_same_entries_for_words_in_a_row(engines, q):
    api, static = engines
    found = {r["id"] for r in api.search(q, page_size=20)["results"]}
    assert set(static[q]["ids"]) == found, q


def test_a_compound_and_a_phrase_match_their_words_in_a_row_offline(engines):
    _, static = engines
    # 'travail, migrations': the parts in a row, the comma between them no word.
    assert static["travail-migration"]["ids"] == ["ma-lien"]
    assert static['"travail migration"']["ids"] == ["ma-lien"]
    assert static['"enquête emploi"']["ids"] == ["dz-enquete"]
    # Unquoted, the words anywhere.
    assert {"dz-enquete", "ly-menages"} <= set(static["enquête emploi"]["ids"])


def test_pair_keys_leave_stop_words_out_and_do_not_weigh_on_the_fields():
    pair = static_index.pair_key
    assert static_index.pair_keys(static_index.keys("Le travail des migrants, et la migration", "fr")) == [
        pair("travai", "migran"), pair("migran", "migrat")]
    assert pair("travai", "migran") != pair("migran", "travai") and pair("a", "b").startswith("+")
    entry = ENTRIES[0]
    keys = static_index.entry_keys(entry)
    assert pair("travai", "migrat") in keys["summary"]
    plain = static_index.terms({f: [k for k in ks if not k.startswith(("+", "~"))] for f, ks in keys.items()})
    assert static_index.entry_terms(entry).lengths == plain.lengths
