"""A word an incremental build took out of every entry is no longer offered: Whoosh keeps a
deleted document's terms in its segment (with their document frequency) until a merge, so the
API completed 'zorb' with 'zorblax' and answered 'zorblaz' with 'did you mean zorblax', a word
that finds nothing (the browser's engine, rebuilt from the live entries, offered neither)."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry(f"ma-e{i}", "fr", f"Enquête emploi {i}", "Une enquête sur l'emploi des ménages.", countries=("MA",))
    for i in range(6)
] + [make_entry("tn-registre", "fr", "Registre zorblax des travailleurs", "Le registre zorblax compte les travailleurs.",
                countries=("TN",))]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("kb") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    changed = [make_entry("tn-registre", "fr", "Registre quuxplorb des travailleurs", "Le registre compte les travailleurs.",
                          countries=("TN",)) if e.id == "tn-registre" else e for e in ENTRIES]
    info = build_search_index(changed, index_dir, progress=False)
    assert not info["full"]
    return SearchIndex(index_dir)


def test_the_removed_word_finds_nothing_and_the_new_one_finds_the_entry(engine):
    assert engine.search("zorblax")["total"] == 0
    assert [r["id"] for r in engine.search("quuxplorb")["results"]] == ["tn-registre"]


def test_completion_no_longer_offers_the_removed_word(engine):
    assert "zorblax" not in engine.suggest("zorb")["terms"]
    assert "quuxplorb" in engine.suggest("quux")["terms"]


def test_did_you_mean_no_longer_offers_the_removed_word(engine):
    assert engine.search("zorblaz").get("did_you_mean") != "zorblax"
    assert engine.search("quuxplorv").get("did_you_mean") in ("quuxplorb", None)
