"""Postings stored as arrays by the build (tools.search.postings.POSTINGS_FILE): the same
documents, frequencies, scores and answers as Whoosh's postings read at query time, for a fresh
index and after incremental builds (deleted documents left out), and never another index's."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from tests.conftest import make_entry
from tests.search.test_engine_fast import QUERIES, corpus
from tools.search import postings as stored_postings
from tools.search import query as qry
from tools.search.engine import SearchIndex, _segment_postings, _term_scores, build_search_index
from tools.search.postings import POSTINGS_FILE, load_postings, postings, write_postings


def _whoosh(gen, field: str, text: bytes):
    """(document numbers, weights, document frequency) of a term read through Whoosh."""
    parts = _segment_postings(gen.reader, field, text)
    df = gen.reader.doc_frequency(field, text)
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0), 0
    read = [(postings(m), offset) for m, offset in parts]
    return (np.concatenate([i + off for (i, _), off in read]), np.concatenate([w for (_, w), _ in read]), df)


def _same_as_whoosh(index_dir) -> int:
    """Asserts that every term of every search field has the same postings, document frequency,
    field lengths and BM25F scores from the stored arrays as from Whoosh; returns the terms seen."""
    gen = SearchIndex(index_dir)._open()
    assert set(gen.postings) == set(qry.search_fields())
    bare = SearchIndex(index_dir)._open()
    bare.postings = {}
    seen = 0
    for field in qry.search_fields():
        whoosh_lengths = np.asarray([gen.searcher.doc_field_length(n, field, 1) or 0 for n in range(gen.size)],
                                    dtype=np.float64)
        live = np.asarray(sorted(gen.reader.all_doc_ids()))
        assert np.array_equal(gen.lengths(field)[live], whoosh_lengths[live]), field
        for text in gen.reader.lexicon(field):
            ids, tf, df = gen.postings[field].get(text)
            w_ids, w_tf, w_df = _whoosh(gen, field, text)
            assert np.array_equal(ids, w_ids) and np.array_equal(tf, w_tf) and df == w_df, (field, text)
            term = qry.query.Term(field, text.decode("utf-8"))
            a, b = _term_scores(gen, term), _term_scores(bare, term)
            assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]), (field, text)
            seen += 1
        assert gen.postings[field].get(b"no such term") is None
    return seen


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("postings") / "search-index"
    info = build_search_index(corpus(60), index_dir, progress=False)
    assert info["derived"]["postings"]["segments"] == 1
    return index_dir


def test_stored_postings_are_whooshs(built):
    assert _same_as_whoosh(built) > 400


@pytest.mark.parametrize("q", QUERIES)
def test_answers_are_the_same_with_and_without_the_file(built, q):
    with_file = SearchIndex(built)
    assert with_file._open().postings
    without = SearchIndex(built)
    without._open().postings = {}
    assert with_file.search(q, page_size=50) == without.search(q, page_size=50)
    assert with_file.search(q, {"countries": {"MA"}}, page_size=50) == without.search(q, {"countries": {"MA"}},
                                                                                       page_size=50)


def test_incremental_builds_read_only_their_new_segments(tmp_path):
    """Changing, adding and removing entries: the build reads the postings of the segments it
    wrote only, keeps the others' arrays, and the merged arrays leave deleted documents out and
    equal Whoosh's."""
    index_dir = tmp_path / "search-index"
    entries = corpus(40)
    build_search_index(entries, index_dir, progress=False)
    entries[3] = make_entry(entries[3].id, entries[3].lang, "Recensement général", "Le recensement de la population.")
    entries.append(make_entry("new-1", "en", "Labour force survey", "A survey of the labour force and migrants."))
    del entries[7]
    info = build_search_index(entries, index_dir, progress=False)
    assert not info["full"] and info["added_or_changed"] == 2 and info["removed"] == 1
    derived = info["derived"]["postings"]
    assert derived["segments"] >= 2 and derived["computed"] == 1
    gen = SearchIndex(index_dir)._open()
    deleted = set(range(gen.reader.doc_count_all())) - set(gen.reader.all_doc_ids())
    assert deleted
    assert not any(int(n) in deleted for fp in gen.postings.values() for n in fp.ids)
    assert _same_as_whoosh(index_dir) > 300
    # Every segment read again (the others in a forked process): the same arrays.
    (index_dir / POSTINGS_FILE).unlink()
    again = write_postings(index_dir, qry.search_fields())
    assert again["computed"] == again["segments"] == derived["segments"]
    assert _same_as_whoosh(index_dir) > 300
    engine, bare = SearchIndex(index_dir), SearchIndex(index_dir)
    bare._open().postings = {}
    for q in ("recensement population", "labour force survey migrants", "migration"):
        assert engine.search(q, page_size=50) == bare.search(q, page_size=50)


def test_another_builds_file_or_a_broken_one_is_not_used(built, tmp_path):
    other = tmp_path / "other-index"
    build_search_index([make_entry("y-1", "en", "Migrant remittances", "Migrant remittances.")], other, progress=False)
    shutil.copy(built / POSTINGS_FILE, other / POSTINGS_FILE)
    engine = SearchIndex(other)
    assert engine._open().postings == {}
    assert engine.search("remittances")["total"] == 1
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    (broken / POSTINGS_FILE).write_bytes(b"not numpy")
    assert SearchIndex(broken)._open().postings == {}
    assert load_postings(built, SearchIndex(built)._open().reader, ["no_such_field"]) == {}


def test_a_file_of_another_format_is_not_used(built, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    monkeypatch.setattr(stored_postings, "POSTINGS_FORMAT", stored_postings.POSTINGS_FORMAT + 1)
    assert SearchIndex(copy)._open().postings == {}


def test_the_neutral_terms_and_known_words_are_whooshs(built):
    gen = SearchIndex(built)._open()
    assert gen.neutral_terms == [t.decode("utf-8") for t in gen.reader.lexicon("neutral")]
    bare = SearchIndex(built)._open()
    bare.postings = {}
    for word in [*gen.neutral_terms[:50], "zzzunknown", "migration", "recensement"]:
        assert SearchIndex._known(gen, word) == SearchIndex._known(bare, word) == bool(
            gen.reader.doc_frequency("neutral", word))


def test_an_index_without_documents_has_nothing_stored_and_answers_nothing(tmp_path):
    index_dir = tmp_path / "search-index"
    build_search_index([], index_dir, progress=False)
    engine = SearchIndex(index_dir)
    assert engine._open().postings == {}
    assert engine.search("migration")["total"] == 0
    other = tmp_path / "emptied"
    build_search_index([make_entry("a-1", "fr", "Enquête emploi", "Une enquête.")], other, progress=False)
    build_search_index([], other, progress=False)
    emptied = SearchIndex(other)
    assert emptied.search("enquête")["total"] == 0
    assert emptied._open().postings["title_fr"].get(b"enquet") is not None  # held by a deleted document


def _stored_arrays(index_dir) -> dict:
    with np.load(index_dir / POSTINGS_FILE, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def _assert_same_arrays(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].dtype == b[name].dtype and np.array_equal(a[name], b[name]), name


@pytest.mark.parametrize("parallel", [False, True])
def test_arrays_taken_while_writing_are_those_read_back(tmp_path, monkeypatch, parallel):
    """The arrays each segment leaves while Whoosh writes it (postings.capturing) are used by the
    build instead of reading the segment again, and are byte for byte those read back from it:
    one process, the parallel writer's segments, and an incremental build's segment."""
    from tools.search import index as index_module

    if parallel:
        monkeypatch.setattr(index_module, "MULTIPROC_MIN_DOCS", 100)
    read_back = []
    real = stored_postings._segment_arrays
    monkeypatch.setattr(stored_postings, "_segment_arrays", lambda *a: read_back.append(1) or real(*a))
    index_dir = tmp_path / "search-index"
    entries = corpus(120 if parallel else 50)  # the parallel writer sends documents by hundreds
    info = build_search_index(entries, index_dir, progress=False)
    derived = info["derived"]["postings"]
    assert derived["computed"] == derived["segments"] == (2 if parallel else 1)
    entries[5] = make_entry(entries[5].id, entries[5].lang, "Recensement général", "Le recensement des migrants.")
    del entries[9]
    info = build_search_index(entries, index_dir, progress=False)
    assert info["derived"]["postings"]["computed"] == 1
    assert read_back == []  # every segment's arrays were taken while it was written
    assert not list(index_dir.glob(stored_postings.CAPTURED_PREFIX + "*"))
    captured = _stored_arrays(index_dir)
    monkeypatch.setattr(stored_postings, "_segment_arrays", real)
    (index_dir / POSTINGS_FILE).unlink()
    write_postings(index_dir, qry.search_fields())
    _assert_same_arrays(captured, _stored_arrays(index_dir))
    assert _same_as_whoosh(index_dir) > 300
