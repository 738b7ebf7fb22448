"""An index brought up to date incrementally answers as a clean build of the same entries (#10):
the same results, in the same order, with the same scores (to float rounding), the same
expansions, repairs and completions.

Whoosh keeps a replaced or removed entry's document in its segment, marked deleted, until the
segment is merged: its document count, field lengths and term document frequencies still count
it. Scores (idf, average field length) and the choices made by document frequency (a repair's
word, a prefix's words, completions) read the statistics of the live documents instead."""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace

import numpy as np
import pytest
from whoosh import query

from tests.conftest import make_entry
from tests.search.test_engine_fast import QUERIES, corpus
from tools.search.engine import SearchIndex, _term_scores, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists")

# What the changes below touch: the changed entry's new words, the removed entry's own word
# ('zorblax', and 'zorblaxien' and 'zorbique' which more entries hold), a prefix, operators, a phrase.
MORE_QUERIES = ["emploi révisé", "zorblax", "zorblaks", "zorb*", "migr*", "emploi AND migration",
                "migration ANDNOT retour", "NOT emploi", '"main-d\'œuvre"', "recensement OR census"]


def _changed(entries: list) -> list:
    """The entries after one changed (title and body), one added and one removed."""
    out = list(entries)
    out[3] = replace(out[3], title=out[3].title + " emploi révisé", body=out[3].body + " Emploi révisé, migration.")
    out.append(make_entry("e-new", "fr", "Enquête sur la migration de retour", "Une enquête emploi et migration.",
                          countries=("TN",), body="## Contexte\n\nLes travailleurs migrants et leur emploi."))
    del out[10]  # the entry holding 'zorblax' alone
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[SearchIndex, SearchIndex]:
    """(incremental, clean) engines over the same entries."""
    entries = corpus(80)
    entries[10] = replace(entries[10], title=entries[10].title + " zorblax",
                          summary=entries[10].summary + " zorblax zorbique.")
    for i in (20, 21):
        entries[i] = replace(entries[i], summary=entries[i].summary + " zorblaxien.")
    # Held by two documents, one of them removed: below 'zorblaxien' (two) in a clean build.
    entries[30] = replace(entries[30], summary=entries[30].summary + " zorbique.")
    folder = tmp_path_factory.mktemp("kb")
    build_search_index(entries, folder / "inc", progress=False)
    entries = _changed(entries)
    info = build_search_index(entries, folder / "inc", progress=False)
    assert not info["full"] and info["added_or_changed"] == 2 and info["removed"] == 1
    assert build_search_index(entries, folder / "clean", progress=False, full=True)["full"]
    inc, clean = SearchIndex(folder / "inc"), SearchIndex(folder / "clean")
    assert inc._open().reader.has_deletions() and not clean._open().reader.has_deletions()
    return inc, clean


def _by_key(engine: SearchIndex, q: str) -> dict[str, float]:
    """{document key: score} of every document a query keeps, before versions are collapsed."""
    gen = engine._open()
    nums, scores = engine._scored(gen, q)[:2]
    return {gen.docs[int(n)]["key"]: float(s) for n, s in zip(nums, scores, strict=True)}


@pytest.mark.parametrize("q", [q for q in QUERIES if q] + MORE_QUERIES)
def test_an_incremental_index_scores_as_a_clean_build(both, q):
    inc, clean = both
    mine, theirs = _by_key(inc, q), _by_key(clean, q)
    assert mine.keys() == theirs.keys(), q
    assert mine == pytest.approx(theirs, rel=1e-12, abs=0), q


def test_without_the_builds_arrays_too(both, tmp_path):
    """Read through Whoosh alone (an index without its postings arrays), the incremental index's
    statistics are the live documents' too: the deleted documents' lengths read from the
    postings of their segments."""
    inc, clean = both
    bare = SearchIndex(inc.dir)
    bare._open().postings = {}
    for q in ["migration", "enquête emploi", "emploi révisé", "emploi AND migration", "zorb*"]:
        assert _by_key(bare, q) == pytest.approx(_by_key(clean, q), rel=1e-12, abs=0), q


@pytest.mark.parametrize("q", [q for q in QUERIES if q] + MORE_QUERIES)
def test_an_incremental_index_answers_as_a_clean_build(both, q):
    """The whole answer: results in the same order (same versions), facets, expansions, hints."""
    inc, clean = both
    mine, theirs = inc.search(q, page_size=50), clean.search(q, page_size=50)
    assert [r.pop("score") for r in mine["results"]] == pytest.approx([r.pop("score") for r in theirs["results"]],
                                                                       rel=1e-9)
    assert mine == theirs, q


@pytest.mark.parametrize("prefix", ["zorb", "migr", "emp", "enq", "trav"])
def test_completions_are_those_of_a_clean_build(both, prefix):
    inc, clean = both
    assert inc.suggest(prefix, limit=20) == clean.suggest(prefix, limit=20)


def test_term_scores_are_a_clean_builds_and_equal_whooshs_own(both):
    """Every term of the changed entries' fields: the same BM25F scores per entry as the clean
    build's, from the stored arrays and from Whoosh's matcher (its weighting reads the same
    statistics)."""
    inc, clean = both
    gi, gc = inc._open(), clean._open()
    checked = 0
    for field in ("title_fr", "summary_fr", "body_fr", "neutral", "meta_fr"):
        terms = {t for t in gc.reader.lexicon(field)} | {t for t in gi.reader.lexicon(field) if gi.held(field, t.decode())}
        for term in sorted(terms):
            text = term.decode("utf-8")
            a, b = _term_scores(gi, query.Term(field, text)), _term_scores(gc, query.Term(field, text))
            assert {gi.docs[int(n)]["key"]: s for n, s in zip(*a, strict=True)} == pytest.approx(
                {gc.docs[int(n)]["key"]: s for n, s in zip(*b, strict=True)}, rel=1e-12, abs=0), (field, text)
            m = query.Term(field, text).matcher(gi.searcher)
            whoosh = {}
            while m.is_active():
                whoosh[m.id()] = m.score()
                m.next()
            assert list(a[0]) == sorted(whoosh), (field, text)
            assert np.allclose(a[1], [whoosh[n] for n in a[0]], rtol=1e-12, atol=0), (field, text)
            checked += 1
    assert checked > 200


def test_an_index_whose_every_entry_was_removed_answers_nothing(tmp_path):
    """No live document left (their documents kept, deleted): every kind of query answers nothing,
    without an error from the statistics of an empty collection."""
    build_search_index(corpus(10), tmp_path / "ix", progress=False)
    assert build_search_index([], tmp_path / "ix", progress=False)["removed"] == 10
    engine = SearchIndex(tmp_path / "ix")
    assert engine._open().live == 0
    for q in ["migration", "emploi AND ménages", "migration ANDNOT retour", "NOT emploi", "migr*", '"enquête emploi"']:
        assert engine.search(q)["total"] == 0, q
    assert engine.suggest("mig")["terms"] == []


def test_a_replaced_generation_is_freed_without_the_cyclic_collector(tmp_path):
    """The weighting that reads a generation's statistics does not keep it alive: a rebuild's
    new generation frees the old one's arrays at once, not when the collector next runs."""
    build_search_index(corpus(10), tmp_path / "ix", progress=False)
    engine = SearchIndex(tmp_path / "ix")
    engine.search("emploi AND ménages")  # Whoosh's matchers: the weighting asked for statistics
    old = weakref.ref(engine._open())
    build_search_index(corpus(11), tmp_path / "ix", progress=False)
    gc.disable()
    try:
        engine.search("migration")
        assert old() is None
    finally:
        gc.enable()
