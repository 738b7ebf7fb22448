"""SearchIndex.warm (what a server computes at start) and freeze_gc (a served engine's generation
kept out of the garbage collector's full passes, let go when a new generation opens)."""

from __future__ import annotations

import gc
import shutil
import weakref
from dataclasses import replace

import pytest
from whoosh import query

from tests.search.test_engine_fast import corpus
from tools.content.vocab import Vocabularies
from tools.i18n import DATA_DIR
from tools.search import engine as search_engine
from tools.search import glossary
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists")

GLOSSARY = """\
terms:
  - id: census
    acronyms: []
    fr: {term: recensement de la population}
    ar: {term: التعداد السكان}
    en: {term: population census}
"""


@pytest.fixture
def vocabs(tmp_path, monkeypatch) -> Vocabularies:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    monkeypatch.setattr(search_engine, "expand", glossary.expand)  # the run's glossary, not an empty one
    return Vocabularies.load(data)


@pytest.fixture
def index_dir(tmp_path):
    folder = tmp_path / "search-index"
    build_search_index(corpus(30), folder, progress=False)
    return folder


def test_warm_keeps_the_glossary_names_scores(index_dir, vocabs):
    engine = SearchIndex(index_dir, vocabs)
    done = engine.warm()
    gen = engine._open()
    assert done["leaves"] == len(gen.leaves.items) > 0
    kept = set(gen.leaves.items)  # a term as (field, text), a phrase as (Phrase, query)
    assert ("body_en", "census") in kept  # a word of 'population census', analysed for English
    phrases = {(q.fieldname, tuple(q.words)) for kind, q in kept if kind is query.Phrase}
    assert ("body_en", ("popul", "census")) in phrases or ("body_en", ("population", "census")) in phrases
    assert all(gen.lengths(f) is gen._lengths[f] for f in ("title_fr", "body_ar", "neutral"))


@pytest.mark.parametrize("q", ["population census", "recensement", "census migration", "التعداد", ""])
def test_warm_engine_answers_as_a_cold_one(index_dir, vocabs, q):
    cold, warm = SearchIndex(index_dir, vocabs), SearchIndex(index_dir, vocabs)
    warm.warm()
    expected = cold.search(q, page_size=50)
    assert expected["total"] or not q.strip() or q == "التعداد"
    assert warm.search(q, page_size=50) == expected
    assert warm.search(q, {"countries": ["MA"]}) == cold.search(q, {"countries": ["MA"]})


def test_a_frozen_generation_is_let_go_when_a_rebuild_opens_a_new_one(index_dir):
    entries = corpus(30)
    engine = SearchIndex(index_dir, freeze_gc=True)
    try:
        assert engine.search("zanzibar")["total"] == 0
        assert gc.get_freeze_count() > 0  # the generation is frozen
        gen = engine._open()
        gen.cycle = gen  # only the cyclic collector can free it, and it never looks at frozen objects
        old = weakref.ref(gen)
        del gen
        build_search_index([replace(entries[0], title="Zanzibar " + entries[0].title), *entries[1:]],
                           index_dir, progress=False)
        found = engine.search("zanzibar")
        assert [r["id"] for r in found["results"]] == [entries[0].id]
        assert old() is None, "the previous generation is still held (frozen, never collected)"
        assert gc.get_freeze_count() > 0  # the new one is frozen in its turn
    finally:
        gc.unfreeze()


def test_an_engine_not_asked_to_freeze_leaves_the_collector_alone(index_dir):
    gc.unfreeze()
    SearchIndex(index_dir).search("migration")
    assert gc.get_freeze_count() == 0
