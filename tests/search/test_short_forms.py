"""Short forms (vocabulary.yml short_forms, query.short_forms): a short form typed ('stats',
'admin') searches the words it stands for in both engines, is reported as a "short_form"
expansion, and is never repaired into another word nor offered as a "did you mean"."""

from __future__ import annotations

import pytest

from tests.search.test_engine import ENTRIES
from tests.search.test_static_index import exported, run
from tools.content.vocab import Vocabularies
from tools.search import query as qry
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("kb-short") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    return SearchIndex(index_dir)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported(tmp_path_factory, "kb-search-short", ENTRIES)


def ids(found: dict) -> list[str]:
    return [r["id"] for r in found["results"]]


def test_shipped_short_forms_stand_for_words_in_french_english_and_arabic():
    table = qry.short_forms()
    assert {"statistics", "statistiques", "إحصاءات"} <= set(table["stats"])
    assert "administratif" in table["admin"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("stats", {"regional-guide-donnees", "tn-hijra-ihsaat"}),  # 'statistiques' (fr), 'إحصاءات' (ar)
    ("admin", {"dz-partage-donnees"}),  # 'fichiers administratifs'
    ("ADMIN", {"dz-partage-donnees"}),
])
def test_a_short_form_finds_the_entries_holding_the_words_it_stands_for(engine, typed, expected):
    found = engine.search(typed)
    assert expected <= set(ids(found))
    assert found["strong"] is True
    kinds = [e["kind"] for e in found["expansions"]]
    assert "short_form" in kinds and "spelling" not in kinds
    assert found["did_you_mean"] is None


def test_a_short_form_beside_other_words_counts_as_one_unit_of_the_query(engine):
    found = engine.search("stats Tunisie")
    assert ids(found)[:1] == ["tn-hijra-ihsaat"]
    assert found["strong"] is True


def test_words_that_are_no_short_form_are_left_alone(engine):
    found = engine.search("statistiques")
    assert all(e["kind"] != "short_form" for e in found["expansions"])


def test_short_forms_come_from_the_run_s_vocabularies(tmp_path):
    vocabs = Vocabularies.load()
    edited = Vocabularies(vocabs.data, {**vocabs.vocabulary, "short_forms": {"recens": ["recensement"]}}, vocabs.ui)
    assert qry.short_form_expansions("recens Tunisie", [], edited) == [
        {"kind": "short_form", "matched": "recens", "concept": "", "added": ["recensement"]}]
    assert qry.short_form_expansions("stats", [], edited) == []
    # A word that a glossary name took is the glossary's.
    assert qry.short_form_expansions("recens", [{"matched": "recens"}], edited) == []


def test_browser_searches_short_forms_as_the_api_does(engine, folder):
    hits = run(folder, "stats", "admin", "stats Tunisie")
    for q in ("stats", "admin", "stats Tunisie"):
        api = engine.search(q, page_size=50)
        assert set(hits[q]["ids"]) == set(ids(api)), q
        assert hits[q]["total"] == api["total"], q
        assert [e["kind"] for e in hits[q]["expansions"]] == [e["kind"] for e in api["expansions"]], q
