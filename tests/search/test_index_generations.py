"""An incremental index build starts from hard links of the previous generation's files
(tools.search.index.link_copy): the previous generation, which the server keeps reading until the
swap, must keep every byte, and the new one must answer as a clean build of the same entries."""

from __future__ import annotations

import hashlib
import os

import pytest

from tests.conftest import make_entry
from tests.search.test_engine_fast import corpus
from tools.search import engine as search_engine
from tools.search import index as index_module
from tools.search.engine import PHRASES_FILE, SearchIndex, build_search_index
from tools.search.postings import POSTINGS_FILE
from tools.search.snippets import SNIPPETS_DIR

pytestmark = pytest.mark.usefixtures("empty_glossary")

QUERIES = ["migration", "enquête emploi", "census population", "recensement population", "labour force survey"]


def _files(folder) -> dict[str, tuple[int, str]]:
    """{path relative to folder: (inode, SHA-256 of the bytes)} of every file under folder."""
    out = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, folder)] = (os.stat(path).st_ino, hashlib.sha256(fh.read()).hexdigest())
    return out


def _witness(folder, into) -> dict[str, tuple[int, str]]:
    """Hard links of every file of folder in `into` (so the inodes outlive the swap that removes
    folder), and the files' (inode, digest)."""
    files = _files(folder)
    for rel in files:
        os.makedirs(os.path.join(into, os.path.dirname(rel)), exist_ok=True)
        os.link(os.path.join(folder, rel), os.path.join(into, rel))
    return files


def _edits(entries: list) -> list:
    entries = list(entries)
    entries[3] = make_entry(entries[3].id, entries[3].lang, "Recensement général", "Le recensement de la population.",
                            body="## Contexte\n\nLe recensement général de la population et de l'habitat.")
    entries.append(make_entry("new-1", "en", "Labour force survey", "A survey of the labour force and migrants."))
    del entries[7]
    return entries


def test_the_previous_generation_keeps_every_byte(tmp_path, monkeypatch):
    # Phrase matches are derived from 10 documents on here, so that every derived file is written.
    monkeypatch.setattr(search_engine, "PHRASES_MIN_DOCS", 10)
    index_dir = tmp_path / "search-index"
    entries = corpus(40)
    build_search_index(entries, index_dir, progress=False)
    assert (index_dir / POSTINGS_FILE).is_file() and (index_dir / SNIPPETS_DIR).is_dir()
    assert (index_dir / PHRASES_FILE).is_file()
    for step in range(3):
        before = _witness(index_dir, tmp_path / f"witness-{step}")
        entries = _edits(entries) if step == 0 else entries[:-1] if step == 1 else \
            [*entries, make_entry(f"new-{step}", "fr", "Enquête emploi", "Une enquête sur l'emploi des migrants.")]
        info = build_search_index(entries, index_dir, progress=False)
        assert not info["full"] and info["copy"]["linked"] > 0 and info["copy"]["copied"] == 0
        # The previous generation's files, whatever the build did with their names, hold their bytes.
        assert _files(tmp_path / f"witness-{step}") == before
        # Unchanged segment files are shared with the new generation, not copied.
        now = _files(index_dir)
        assert {rel for rel in now if now[rel][0] == before.get(rel, (None,))[0]}
    clean = tmp_path / "clean"
    build_search_index(entries, clean, progress=False, full=True)
    incremental, fresh = SearchIndex(index_dir), SearchIndex(clean)
    for q in QUERIES:
        mine, theirs = incremental.search(q, page_size=50), fresh.search(q, page_size=50)
        # The same entries and facet counts (the order may differ among near ties: Whoosh keeps
        # replaced documents' statistics until their segment is merged, tests/e2e/test_incremental).
        assert mine["total"] == theirs["total"], q
        assert {(r["id"], r["lang"]) for r in mine["results"]} == {(r["id"], r["lang"]) for r in theirs["results"]}, q
        assert mine["facets"] == theirs["facets"], q
    assert incremental.search("recensement population", page_size=50)["results"]


def test_files_are_copied_where_no_link_can_be_made(tmp_path, monkeypatch):
    index_dir = tmp_path / "search-index"
    entries = corpus(20)
    build_search_index(entries, index_dir, progress=False)

    def no_link(src, dst, *a, **kw):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(index_module.os, "link", no_link)
    before = _witness_bytes(index_dir)
    info = build_search_index(_edits(entries), index_dir, progress=False)
    assert info["copy"]["linked"] == 0 and info["copy"]["copied"] > 0
    assert SearchIndex(index_dir).search("recensement population", page_size=50)["results"]
    assert before  # the first generation had files to copy


def _witness_bytes(folder) -> dict[str, str]:
    return {rel: digest for rel, (_, digest) in _files(folder).items()}


def test_lock_and_temporary_files_are_not_carried_over(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "SNIPPETS" / "seg").mkdir(parents=True)
    (src / "MAIN_WRITELOCK").write_bytes(b"")
    (src / "POSTINGS.npz.tmp").write_bytes(b"half")
    (src / "_MAIN_1.toc").write_bytes(b"toc")
    (src / "SNIPPETS" / "seg" / "hashes.npy").write_bytes(b"arr")
    dst.mkdir()
    assert index_module.link_copy(src, dst) == {"linked": 2, "copied": 0}
    assert sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file()) == ["SNIPPETS/seg/hashes.npy",
                                                                                       "_MAIN_1.toc"]
    assert os.stat(dst / "_MAIN_1.toc").st_ino == os.stat(src / "_MAIN_1.toc").st_ino
