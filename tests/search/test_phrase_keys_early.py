"""The glossary phrase keys parsed while the index is written (build_search_index's `alongside`)
give the same phrase file as keys parsed afterwards; keys of other names are not used; work
alongside runs once and its failure fails the build."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import make_entry
from tests.search.test_engine_fast import corpus
from tools.search import engine as search_engine
from tools.search import glossary
from tools.search import index as search_index
from tools.search.engine import PHRASES_FILE, _names_digest, _phrase_keys, make_schema, write_phrase_matches
from tools.search.index import build_search_index

GLOSSARY = """\
terms:
  - id: remittances
    acronyms: []
    fr: {term: transferts de fonds}
    en: {term: migrant remittances}
"""


def _entries():
    return corpus(40) + [
        make_entry("x-1", "fr", "Transferts de fonds des migrants", "Les transferts de fonds et le sous-emploi."),
        make_entry("x-2", "en", "Migrant remittances survey", "Household survey data on migrant remittances.")]


def _arrays(path):
    with np.load(path) as data:
        return {k: data[k].tolist() for k in data.files if k != "segments"}


def test_keys_parsed_early_give_the_same_phrase_file(tmp_path):
    (tmp_path / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    concepts = glossary.load(tmp_path / "glossary.yml")
    index_dir = tmp_path / "ix"
    build_search_index(_entries(), index_dir, progress=False)
    plain = write_phrase_matches(index_dir, concepts=concepts)
    before = _arrays(index_dir / PHRASES_FILE)
    (index_dir / PHRASES_FILE).unlink()
    keys = _phrase_keys(make_schema(), concepts)
    assert keys
    early = write_phrase_matches(index_dir, concepts=concepts, parsed_keys=(_names_digest(concepts), keys))
    assert early["parsed"] and early["phrases"] == plain["phrases"] > 0
    assert _arrays(index_dir / PHRASES_FILE) == before
    # Keys parsed for other names are left aside: the names are parsed again.
    (index_dir / PHRASES_FILE).unlink()
    wrong = write_phrase_matches(index_dir, concepts=concepts, parsed_keys=("other names", []))
    assert wrong["phrases"] == plain["phrases"]
    assert _arrays(index_dir / PHRASES_FILE) == before


def test_alongside_is_not_run_in_one_process(tmp_path):
    calls = []
    build_search_index(_entries(), tmp_path / "a", progress=False, alongside=lambda: calls.append(1))
    assert calls == []  # nothing to overlap: the caller does its work when it needs it
    assert (tmp_path / "a").is_dir()


def test_alongside_error_fails_the_build(tmp_path):
    failed = []

    def write(ix, docs, changed, removed, full, procs, progress, alongside=None):
        failed.append(alongside)
        raise RuntimeError("alongside failed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_index, "_write", write)
        with pytest.raises(RuntimeError, match="alongside failed"):
            build_search_index(_entries(), tmp_path / "b", progress=False, alongside=lambda: None)
    assert failed and not (tmp_path / "b").exists()  # nothing swapped in


def _spy_parsed_keys(monkeypatch) -> dict:
    """{"keys": the parsed_keys the build hands write_phrase_matches}, filled during the build."""
    seen = {}
    real = search_engine.write_phrase_matches

    def spy(folder, vocabs=None, concepts=None, parsed_keys=None):
        seen["keys"] = parsed_keys
        return real(folder, vocabs, concepts, parsed_keys)
    monkeypatch.setattr(search_engine, "write_phrase_matches", spy)
    return seen


def test_engine_build_without_early_keys_parses_them_for_the_phrase_file(tmp_path, monkeypatch):
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 10)
    seen = _spy_parsed_keys(monkeypatch)
    monkeypatch.setattr(search_index, "MULTIPROC_MIN_DOCS", 10**9)  # one process: no early keys
    info = search_engine.build_search_index(_entries(), tmp_path / "ix", progress=False)
    assert seen["keys"] is None
    assert info["derived"]["parsed"] and info["derived"]["phrases"] > 0


@pytest.mark.e2e  # three indexes, one by two forked writers: ~10 s on a loaded machine
def test_parallel_build_parses_keys_alongside_and_writes_the_same_phrases(tmp_path, monkeypatch):
    entries = corpus(210) + _entries()[-2:]  # two batches of 100 sent while adding: both sub-writers start
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 10)
    one = search_engine.build_search_index(entries, tmp_path / "one", progress=False)
    assert one["derived"]["parsed"]
    seen = _spy_parsed_keys(monkeypatch)
    two = search_engine.build_search_index(entries, tmp_path / "two", progress=False)
    assert seen["keys"] is not None and seen["keys"][1]
    assert two["derived"]["phrases"] == one["derived"]["phrases"] > 0
    with np.load(tmp_path / "one" / PHRASES_FILE) as a, np.load(tmp_path / "two" / PHRASES_FILE) as b:
        assert str(a["keys"]) == str(b["keys"])


def test_segments_matched_in_a_worker_give_the_same_file(tmp_path, monkeypatch):
    (tmp_path / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    concepts = glossary.load(tmp_path / "glossary.yml")
    index_dir = tmp_path / "ix"
    entries = _entries()
    build_search_index(entries, index_dir, progress=False, engine="e")
    # A second build with two entries changed adds a segment: two segments to match.
    changed = [make_entry("x-1", "fr", "Transferts de fonds", "Les transferts de fonds des migrants."),
               make_entry("x-3", "en", "Migrant remittances", "Migrant remittances and household survey data.")]
    build_search_index(entries[:-2] + changed, index_dir, progress=False, engine="e")
    workers = []
    real = search_engine._matches_elsewhere

    def spy(folder, segments, keys):
        workers.append(list(segments))
        return real(folder, segments, keys)
    monkeypatch.setattr(search_engine, "_matches_elsewhere", spy)
    info = write_phrase_matches(index_dir, concepts=concepts)
    assert info["segments"] >= 2 and info["computed"] == info["segments"]
    assert workers and workers[0]  # at least one segment matched in the worker
    together = _arrays(index_dir / PHRASES_FILE)
    (index_dir / PHRASES_FILE).unlink()
    monkeypatch.setattr(search_engine, "_matches_elsewhere", lambda *a: None)
    write_phrase_matches(index_dir, concepts=concepts)
    assert _arrays(index_dir / PHRASES_FILE) == together
    assert sum(len(v) for k, v in together.items() if k.startswith("nums")) > 0
