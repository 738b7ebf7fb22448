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


def test_a_phrase_key_lies_in_its_first_word_s_shard(tmp_path, monkeypatch):
    # The browser fetches the name's words' shards anyway: the phrase costs no file more. Small
    # shards, so that the collection spreads over many.
    import json
    import re

    monkeypatch.setattr(static_index, "SHARD_BYTES", 200)
    for name, text in static_index.export(ENTRIES).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    meta = json.loads(re.match(r'KBSearchChunk\("meta",(.*)\);\n$', (tmp_path / "meta.js").read_text(), re.S).group(1))
    assert meta["shards"] > 5
    phrase = static_index.phrase_key(keys("International Conference of Labour Statisticians", None))
    assert static_index.placed_term(phrase) == keys("International", None)[0]
    assert static_index.shard_of(phrase, meta["shards"]) != static_index.shard_of(static_index.placed_term(phrase), meta["shards"])
    shard = static_index.shard_of(static_index.placed_term(phrase), meta["shards"])
    assert json.dumps(phrase, ensure_ascii=False) in (tmp_path / f"t{shard}.js").read_text(encoding="utf-8")
    # The browser looks for it there: the acronym still finds the entry naming the concept in a row.
    found = run(tmp_path, "ICLS")["ICLS"]["ids"]
    assert "named" in found and "scattered" not in found
