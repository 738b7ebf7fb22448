"""A glossary concept's other names are searched as phrases in both engines. The API builds a
phrase query of each name (query.build); the browser matched a name as a bag of keys anywhere in
an entry, so that an acronym found every entry holding its name's words scattered ('HIMS' 42
entries offline, 14 in the API). The static index now lists, under a phrase key
(static_index.phrase_keys), the entries holding each name with its words in a row."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run
from tools.search import static_index
from tools.search.static_index import keys

pytestmark = pytest.mark.usefixtures("word_lists")

ENTRIES = [
    make_entry("named", "en", "Guidelines of the International Conference of Labour Statisticians",
               "Adopted in 2018 by the conference."),
    make_entry("scattered", "en", "An international meeting on labour",
               "The conference gathered statisticians and labour ministries from many countries."),
    make_entry("named-fr", "fr", "Résolution de la Conférence internationale des statisticiens du travail",
               "La résolution adoptée en 2018.", countries=("TN",)),
    make_entry("scattered-fr", "fr", "Conférence régionale sur le travail",
               "Une rencontre internationale des statisticiens.", countries=("TN",)),
    make_entry("other", "en", "Household survey", "A survey of households."),
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    return both_engines(tmp_path_factory, "kb-phrases", ENTRIES)


def test_a_field_holds_the_phrase_key_of_a_name_written_in_a_row_only():
    names = {"confer": [(tuple(keys("conference labour", None)), '"confer labour"')]}
    assert static_index.phrase_keys(keys("the conference of labour", "en"), names) == ['"confer labour"']
    assert static_index.phrase_keys(keys("labour conference", "en"), names) == []
    assert static_index.phrase_keys(keys("conference for migrant labour", "en"), names) == []
    # Stop words are not keys: the words around them are in a row, as in the API's phrase query.
    assert static_index.phrase_keys(keys("conference of the labour", "en"), names) == ['"confer labour"']


def test_phrase_keys_leave_the_other_keys_weights_as_they_were():
    entry = make_entry("x", "en", "International Conference of Labour Statisticians", "Labour.")
    with_phrase = static_index.entry_terms(entry)
    assert any(w.startswith('"') for w in with_phrase.words)
    # Field lengths count the words, not the phrase keys beside them.
    assert with_phrase.lengths[0] == len(keys(entry.title, "en")) + sum(
        1 for k in static_index.entry_keys(entry)["title"] if static_index._is_agent_key(k))  # noqa: SLF001


@pytest.mark.parametrize("q", ["ICLS", "CIST", "ICLS guidelines", "CIST résolution"])
def test_an_acronym_finds_the_entries_naming_its_concept_in_a_row_in_both_engines(engines, q):
    api, folder = engines
    offline = run(folder, q)[q]
    found = [r["id"] for r in api.search(q, page_size=50)["results"]]
    assert "scattered" not in found and "scattered-fr" not in found
    assert "scattered" not in offline["ids"] and "scattered-fr" not in offline["ids"]
    assert sorted(offline["ids"]) == sorted(found)
    assert {"named", "named-fr"} & set(found)
