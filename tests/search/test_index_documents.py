"""A full index build makes each entry's document as the writer takes it (index._Documents, #10):
once per entry, and its manifest records the same document hashes, in the same order, as
documents made all first; an incremental build after it rewrites only what changed."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.conftest import make_entry
from tools.search import index as index_module


def _entries(n):
    return [make_entry(f"e{i:03d}", "fr", f"Enquête numéro {i}", f"Résumé de l'Enquête {i} sur l'emploi")
            for i in range(n)]


@pytest.mark.parametrize("parallel", [False, True])
def test_full_build_makes_each_document_once_and_records_its_hash(tmp_path, monkeypatch, parallel):
    monkeypatch.setattr(index_module, "MULTIPROC_MIN_DOCS", 2 if parallel else 10**9)
    made = []
    real = index_module.document

    def counted(entry, vocabs=None, written=None):
        made.append(entry.key)
        return real(entry, vocabs, written)
    monkeypatch.setattr(index_module, "document", counted)
    entries = _entries(250)[::-1]  # not in key order: the manifest keeps the entries' order
    info = index_module.build_search_index(entries, tmp_path / "ix", progress=False, full=True)
    assert info["full"] is True and info["added_or_changed"] == 250
    assert made == [e.key for e in entries]
    manifest = json.loads((tmp_path / "ix" / "MANIFEST.json").read_text(encoding="utf-8"))
    want = {e.key: index_module._fingerprint(real(e)) for e in entries}
    assert list(manifest["documents"].items()) == list(want.items())

    # The next build (not full) finds the documents unchanged but one.
    made.clear()
    changed = list(entries)
    changed[7] = replace(entries[7], title="Enquête changée")
    info = index_module.build_search_index(changed, tmp_path / "ix", progress=False)
    assert info["full"] is False and info["added_or_changed"] == 1 and made == [entries[7].key]
