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


def test_alongside_runs_once_in_one_process_and_its_error_fails_the_build(tmp_path, monkeypatch):
    calls = []
    build_search_index(_entries(), tmp_path / "a", progress=False, alongside=lambda: calls.append(1))
    assert calls == [1]

    def boom():
        raise RuntimeError("alongside failed")
    with pytest.raises(RuntimeError, match="alongside failed"):
        build_search_index(_entries(), tmp_path / "b", progress=False, alongside=boom)
    assert not (tmp_path / "b").exists()  # nothing swapped in


def test_engine_build_passes_the_early_keys_to_the_phrase_file(tmp_path, monkeypatch):
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 10)
    seen = {}
    real = search_engine.write_phrase_matches

    def spy(folder, vocabs=None, concepts=None, parsed_keys=None):
        seen["keys"] = parsed_keys
        return real(folder, vocabs, concepts, parsed_keys)
    monkeypatch.setattr(search_engine, "write_phrase_matches", spy)
    monkeypatch.setattr(search_index, "MULTIPROC_MIN_DOCS", 10**9)  # one process: alongside after the commit
    info = search_engine.build_search_index(_entries(), tmp_path / "ix", progress=False)
    assert info["derived"]["parsed"] and info["derived"]["phrases"] > 0
    assert seen["keys"] is not None and seen["keys"][1]
