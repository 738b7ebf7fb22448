"""Token ranges stored as arrays by the build (tools.search.snippets.SNIPPETS_DIR): the same
character ranges as the stored text analysed again (SearchIndex._spans, the way without them) for
every term of every document, fresh and after incremental builds, the same answers with and
without them, and never another index's. (That they are the term vectors' of earlier indexes:
tests/search/test_index_analysis_replay.py.)"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import make_entry
from tests.search.test_engine_fast import QUERIES, corpus
from tools.search import snippets as stored_snippets
from tools.search.engine import SearchIndex, build_search_index
from tools.search.snippets import PARTS, SNIPPETS_DIR, load_snippets, part_text, text_tokens, write_snippets

pytestmark = pytest.mark.usefixtures("empty_glossary")


def _text_terms(gen, num: int, field: str) -> list[str]:
    if field not in gen.searcher.schema:
        return []
    text = part_text(gen.docs[num], field.split("_")[0])
    return list(dict.fromkeys(term for term, _, _ in text_tokens(gen.searcher.schema[field].analyzer, text)))


def _same_as_the_text(index_dir) -> int:
    """Asserts that every live document's stored ranges of each of its terms (one by one, all
    at once, and with a term it lacks) are those of its text analysed again; returns the
    (document, part) pairs that had terms."""
    gen = SearchIndex(index_dir)._open()
    assert gen.snippets is not None
    seen = 0
    for num in sorted(gen.docs):
        lang = gen.docs[num]["lang"]
        for part in PARTS:
            field = f"{part}_{lang}"
            terms = _text_terms(gen, num, field)
            for wanted in [[t] for t in terms] + [sorted(terms), sorted([*terms[:3], "zzznotaterm"])]:
                assert gen.snippets.spans(num, part, wanted) == SearchIndex._spans(gen, num, field, wanted), (num, field)
            seen += bool(terms)
            assert gen.snippets.spans(num, part, ["zzznotaterm"]) == {}
    return seen


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("snippets") / "search-index"
    build_search_index(corpus(60), index_dir, progress=False)
    return index_dir


def test_stored_ranges_are_the_texts(built):
    assert _same_as_the_text(built) >= 100  # 60 documents, a summary and a body each


@pytest.mark.parametrize("q", QUERIES)
def test_answers_are_the_same_with_and_without_the_arrays(built, q):
    with_arrays = SearchIndex(built)
    assert with_arrays._open().snippets is not None
    without = SearchIndex(built)
    without._open().snippets = None
    assert with_arrays.search(q, page_size=50) == without.search(q, page_size=50)


def test_incremental_builds_read_only_their_new_segments(tmp_path):
    index_dir = tmp_path / "search-index"
    entries = corpus(40)
    build_search_index(entries, index_dir, progress=False)
    first = {p.name for p in (index_dir / SNIPPETS_DIR).iterdir()}
    entries[3] = make_entry(entries[3].id, entries[3].lang, "Recensement général", "Le recensement de la population.",
                            body="## Contexte\n\nLe recensement général de la population et de l'habitat.")
    entries.append(make_entry("new-1", "en", "Labour force survey", "A survey of the labour force and migrants."))
    del entries[7]
    build_search_index(entries, index_dir, progress=False)
    now = {p.name for p in (index_dir / SNIPPETS_DIR).iterdir()}
    assert first < now  # the first segment's arrays kept, the new segment's added
    gen = SearchIndex(index_dir)._open()
    assert set(range(gen.reader.doc_count_all())) - set(gen.reader.all_doc_ids())  # a deleted document
    assert _same_as_the_text(index_dir) >= 60
    again = write_snippets(index_dir)
    assert again["segments"] == len(now) and again["computed"] == 0
    shutil.rmtree(index_dir / SNIPPETS_DIR)
    again = write_snippets(index_dir)
    assert again["computed"] == again["segments"] == len(now)
    assert _same_as_the_text(index_dir) >= 60
    engine, bare = SearchIndex(index_dir), SearchIndex(index_dir)
    bare._open().snippets = None
    for q in ("recensement population", "labour force survey migrants", "migration"):
        found = engine.search(q, page_size=50)
        assert found["results"] and found == bare.search(q, page_size=50)


def test_a_segment_gone_from_the_index_loses_its_arrays(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    stale = copy / SNIPPETS_DIR / "MAIN_gone-3"
    shutil.copytree(next((copy / SNIPPETS_DIR).iterdir()), stale)
    write_snippets(copy)
    assert not stale.exists()
    assert SearchIndex(copy)._open().snippets is not None


def test_another_indexs_arrays_or_broken_ones_are_not_used(built, tmp_path):
    other = tmp_path / "other-index"
    build_search_index([make_entry("y-1", "en", "Migrant remittances", "Migrant remittances.")], other, progress=False)
    shutil.rmtree(other / SNIPPETS_DIR)
    shutil.copytree(built / SNIPPETS_DIR, other / SNIPPETS_DIR)
    engine = SearchIndex(other)
    assert engine._open().snippets is None
    assert "remittances</mark>" in engine.search("remittances")["results"][0]["snippet"]
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    folder = next((broken / SNIPPETS_DIR).iterdir())
    (folder / "hashes.npy").write_bytes(b"not numpy")
    assert load_snippets(broken, SearchIndex(broken)._open().reader) is None
    (folder / "hashes.npy").unlink()
    assert SearchIndex(broken)._open().snippets is None


def test_arrays_of_another_format_are_not_used(built, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    monkeypatch.setattr(stored_snippets, "SNIPPETS_FORMAT", stored_snippets.SNIPPETS_FORMAT + 1)
    assert SearchIndex(copy)._open().snippets is None
    meta = json.loads(next((copy / SNIPPETS_DIR).iterdir()).joinpath("meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == stored_snippets.SNIPPETS_FORMAT - 1
