"""Glossary phrase matches computed when the index is built (tools.search.engine.PHRASES_FILE):
the same documents, scores and answers as positions read at query time, and never taken from
another index build."""

from __future__ import annotations

import shutil
from functools import partial

import numpy as np
import pytest

from tests.conftest import make_entry
from tests.search.test_engine_fast import corpus
from tools.search import engine as search_engine
from tools.search import glossary
from tools.search.engine import (
    PHRASES_FILE,
    SearchIndex,
    _load_phrases,
    _phrase_docs,
    _term_docs,
    build_search_index,
    write_phrase_matches,
)

GLOSSARY = """\
terms:
  - id: underemployment
    acronyms: [SE]
    fr: {term: sous-emploi, synonyms: [travail à temps partiel subi]}
    en: {term: time-related underemployment, synonyms: [household survey data]}
  - id: remittances
    acronyms: []
    fr: {term: transferts de fonds}
    ar: {term: التحويلات المالية}
    en: {term: migrant remittances}
"""

QUERIES = ["sous-emploi", "SE", "transferts de fonds", "migrant remittances", "remittances census", "التحويلات",
           "underemployment Maroc", "household survey data"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(index folder, glossary Concepts) of an index whose phrase file holds the test glossary's
    phrases, that glossary in use at query time; built once for the module (not to be changed)."""
    folder = tmp_path_factory.mktemp("phrases")
    path = folder / "glossary.yml"
    path.write_text(GLOSSARY, encoding="utf-8")
    entries = corpus(70) + [
        make_entry("x-1", "fr", "Transferts de fonds des migrants", "Les transferts de fonds et le sous-emploi."),
        make_entry("x-2", "en", "Migrant remittances survey", "Household survey data on migrant remittances."),
        make_entry("x-3", "en", "Survey of households", "Data of the household survey, migrant workers.")]
    index_dir = folder / "search-index"
    build_search_index(entries, index_dir, progress=False)
    info = write_phrase_matches(index_dir, concepts=glossary.load(path))
    assert info["phrases"] > 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_engine, "expand", partial(glossary.expand, path=path))
        yield index_dir, glossary.load(path)


def test_stored_matches_equal_positions_read_now(built):
    index_dir, _ = built
    gen = SearchIndex(index_dir)._open()
    assert any(f == "body_en" and len(w) == 3 for f, w in gen.phrases)  # 'household survey data'
    matched = 0
    for (field, words), stored in gen.phrases.items():
        texts = [gen.searcher.schema[field].to_bytes(w) for w in words]
        fresh = _phrase_docs(gen.reader, field, [(t, _term_docs(gen.reader, field, t)) for t in texts])
        assert np.array_equal(stored, fresh)
        matched += len(fresh)
    assert matched  # some phrase matches some document


@pytest.mark.parametrize("q", QUERIES)
def test_answers_are_the_same_with_and_without_the_file(built, q):
    index_dir, _ = built
    with_file = SearchIndex(index_dir)
    assert with_file._open().phrases
    without = SearchIndex(index_dir)
    without._open().phrases = {}
    assert with_file.search(q, page_size=50) == without.search(q, page_size=50)
    a, b = with_file._open().scored.get(q), without._open().scored.get(q)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_another_builds_file_is_not_used(built, tmp_path):
    """A file copied from another build (an incremental build starts from a copy of the old
    index) or left from one is ignored: its matches could name other documents."""
    index_dir, concepts = built
    other = tmp_path / "other-index"
    build_search_index([make_entry("y-1", "en", "Migrant remittances", "Migrant remittances.")], other, progress=False)
    shutil.copy(index_dir / PHRASES_FILE, other / PHRASES_FILE)
    gen = SearchIndex(other)._open()
    assert gen.phrases == {}
    assert _load_phrases(index_dir, SearchIndex(index_dir)._open().reader)


def test_an_unreadable_file_is_ignored(built, tmp_path):
    index_dir = tmp_path / "search-index"
    shutil.copytree(built[0], index_dir)
    (index_dir / PHRASES_FILE).write_bytes(b"not numpy")
    engine = SearchIndex(index_dir)
    assert engine._open().phrases == {}
    assert engine.search("migrant remittances")["total"] >= 1


def test_the_build_writes_the_file_for_its_own_index(tmp_path, monkeypatch):
    """build_search_index writes the phrases of the run's glossary into the new index, for that
    index (incremental builds included), from PHRASES_MIN_DOCS documents on; below, none."""
    index_dir = tmp_path / "search-index"
    entries = [make_entry(f"e-{i}", "fr", f"Enquête {i}", "Les travailleurs migrants et le marché du travail.")
               for i in range(4)]
    info = build_search_index(entries, index_dir, progress=False)
    assert info["derived"]["phrases"] == 0 and not (index_dir / PHRASES_FILE).exists()
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 3)
    info = build_search_index(entries, index_dir, progress=False, full=True)
    assert info["derived"]["phrases"] > 0 and (index_dir / PHRASES_FILE).exists()
    first = SearchIndex(index_dir)._open().phrases
    assert first
    info = build_search_index(entries[:3], index_dir, progress=False)
    assert not info["full"] and info["removed"] == 1
    again = SearchIndex(index_dir)._open()
    assert again.phrases.keys() == first.keys()
    deleted = set(range(again.reader.doc_count_all())) - set(again.reader.all_doc_ids())
    assert deleted and not any(int(n) in deleted for docs in again.phrases.values() for n in docs)
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 4)
    build_search_index(entries[:2], index_dir, progress=False)
    assert not (index_dir / PHRASES_FILE).exists()


def test_an_incremental_build_computes_only_its_new_segment(tmp_path, monkeypatch):
    """After one entry changes, the build computes the phrase matches of the segment it wrote
    only; the previous segment's stored matches are kept (its changed document now deleted) and
    everything equals matches computed from nothing and positions read at query time."""
    path = tmp_path / "glossary.yml"
    path.write_text(GLOSSARY, encoding="utf-8")
    concepts = glossary.load(path)
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 3)
    monkeypatch.setattr(search_engine.glossary, "concepts", lambda vocabs: concepts)
    monkeypatch.setattr(search_engine, "expand", partial(glossary.expand, path=path))
    index_dir = tmp_path / "search-index"
    entries = corpus(30) + [
        make_entry("x-1", "fr", "Transferts de fonds des migrants", "Les transferts de fonds et le sous-emploi."),
        make_entry("x-2", "en", "Migrant remittances survey", "Household survey data on migrant remittances."),
        make_entry("x-3", "en", "Survey of households", "Data of the household survey, migrant remittances.")]
    info = build_search_index(entries, index_dir, progress=False)
    assert info["derived"]["segments"] == 1 and info["derived"]["computed"] == 1
    before = SearchIndex(index_dir)._open().phrases
    # The deleted version matched 'migrant remittances', which the stored matches still hold.
    entries[-1] = make_entry("x-3", "en", "Survey of households", "Household survey data and migrant workers.")
    info = build_search_index(entries, index_dir, progress=False)
    assert not info["full"] and info["added_or_changed"] == 1
    assert info["derived"]["segments"] == 2 and info["derived"]["computed"] == 1
    assert not info["derived"]["parsed"]  # same glossary names: the previous keys
    gen = SearchIndex(index_dir)._open()
    stored = gen.phrases
    key = ("summary_en", ("household", "survey", "data"))
    assert len(stored[key]) == len(before[key]) + 1  # the changed entry now says it
    deleted = set(range(gen.reader.doc_count_all())) - set(gen.reader.all_doc_ids())
    assert deleted and not any(int(n) in deleted for docs in stored.values() for n in docs)
    for (field, words), docs in stored.items():
        texts = [gen.searcher.schema[field].to_bytes(w) for w in words]
        if all((field, t) in gen.reader for t in texts):
            fresh = _phrase_docs(gen.reader, field, [(t, _term_docs(gen.reader, field, t)) for t in texts])
        else:
            fresh = np.zeros(0, dtype=np.int64)
        assert np.array_equal(docs, fresh), (field, words)
    (index_dir / PHRASES_FILE).unlink()
    info = write_phrase_matches(index_dir, concepts=concepts)
    assert info["computed"] == 2 and info["parsed"]
    anew = _load_phrases(index_dir, gen.reader)
    assert anew.keys() == stored.keys() and all(np.array_equal(anew[k], stored[k]) for k in stored)
    without = SearchIndex(index_dir)
    without._open().phrases = {}
    for q in QUERIES:
        assert SearchIndex(index_dir).search(q, page_size=50) == without.search(q, page_size=50)
    # Another glossary: its names are parsed and every segment computed again.
    info = write_phrase_matches(index_dir, concepts=concepts[:1])
    assert info["parsed"] and info["computed"] == 2 and info["phrases"] < len(stored)
    assert SearchIndex(index_dir)._open().phrases.keys() < stored.keys()


def test_term_documents_from_the_postings_arrays_are_whooshs(tmp_path):
    """The build's phrase matching takes each word's documents from the postings arrays
    (postings.segment_term_docs) instead of Whoosh's postings: the same documents for every term
    of every stored field of each segment (deleted ones left out, after an incremental build),
    hence the same matches; another segment's or a missing file gives no look-up."""
    from tools.search import query as qry
    from tools.search.engine import _phrase_keys, _segment_matches, _segments
    from tools.search.postings import POSTINGS_FILE, segment_term_docs

    path = tmp_path / "glossary.yml"
    path.write_text(GLOSSARY, encoding="utf-8")
    index_dir = tmp_path / "search-index"
    entries = corpus(30) + [
        make_entry("x-1", "fr", "Transferts de fonds des migrants", "Les transferts de fonds et le sous-emploi."),
        make_entry("x-2", "en", "Migrant remittances survey", "Household survey data on migrant remittances.")]
    build_search_index(entries, index_dir, progress=False)
    entries[-1] = make_entry("x-2", "en", "Migrant remittances", "Household survey data on migrant workers.")
    build_search_index(entries, index_dir, progress=False)
    gen = SearchIndex(index_dir)._open()
    keys = _phrase_keys(gen.searcher.schema, glossary.load(path))
    segments = _segments(gen.reader)
    assert len(segments) == 2 and any(len(deleted) for *_, deleted in segments)
    compared = 0
    for seg, _, _, deleted in segments:
        docs_of = segment_term_docs(index_dir, seg, deleted)
        assert docs_of is not None
        for field in qry.search_fields():
            for text in seg.lexicon(field):
                assert np.array_equal(docs_of(field, text), _term_docs(seg, field, text)), (field, text)
                compared += 1
            assert len(docs_of(field, b"zzz no such term")) == 0
        assert docs_of("key", b"x-1") is None  # a field the arrays do not hold
        with_arrays, plain = _segment_matches(seg, keys, docs_of), _segment_matches(seg, keys)
        assert np.array_equal(with_arrays[0], plain[0]) and np.array_equal(with_arrays[1], plain[1])
    assert compared > 300
    other = tmp_path / "other"
    build_search_index(entries[:3], other, progress=False)
    assert segment_term_docs(other, segments[0][0], segments[0][3]) is None
    (index_dir / POSTINGS_FILE).unlink()
    assert segment_term_docs(index_dir, segments[0][0], segments[0][3]) is None
