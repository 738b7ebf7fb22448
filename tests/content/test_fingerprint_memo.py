"""An entry's fingerprint (tools.content.model.fingerprint) is computed once and kept with the entry,
also through the check's cache, without changing what the entry is (equality, repr, replace)."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle

from tests.conftest import entry_text, make_corpus, make_entry
from tools.content import model
from tools.content.cached import load_collection
from tools.content.model import fingerprint


def _digest(entry) -> str:
    return hashlib.sha256(repr(entry).encode("utf-8")).hexdigest()


def test_the_fingerprint_is_the_digest_of_the_fields_and_kept(monkeypatch):
    entry = make_entry("ma-a", "fr", "Enquête emploi", "Résumé.")
    first = fingerprint(entry)
    assert first == _digest(entry)
    twin = make_entry("ma-a", "fr", "Enquête emploi", "Résumé.")
    assert entry == twin and repr(entry) == repr(twin) and hash(entry) == hash(twin)  # the memo is no field
    calls, real = [], hashlib.sha256
    monkeypatch.setattr(model.hashlib, "sha256", lambda data: calls.append(data) or real(data))
    assert fingerprint(entry) == first and calls == []  # not hashed again
    changed = dataclasses.replace(entry, title="Enquête migration")
    assert fingerprint(changed) != first and len(calls) == 1
    monkeypatch.undo()
    assert fingerprint(changed) == _digest(changed)


def test_a_pickled_entry_keeps_its_fingerprint(monkeypatch):
    entry = make_entry("ma-a", "fr", "Enquête emploi", "Résumé.")
    value = fingerprint(entry)
    copy = pickle.loads(pickle.dumps(entry))
    monkeypatch.setattr(model.hashlib, "sha256", None)  # any hashing would fail
    assert copy == entry and fingerprint(copy) == value


def test_entries_reused_from_the_check_cache_come_with_their_fingerprint(tmp_path, monkeypatch):
    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha"),
                                       "tn/tn-b.fr.md": entry_text(title="Enquête Beta")})
    cache = tmp_path / "check-cache.pickle"
    entries, _, _ = load_collection(practices, tmp_path, cache=cache, workers=1)
    prints = {e.key: fingerprint(e) for e in entries}
    path = practices / "ma" / "ma-a.fr.md"
    path.write_text(entry_text(title="Enquête Gamma"), encoding="utf-8")
    stats: dict = {}
    again, _, _ = load_collection(practices, tmp_path, cache=cache, workers=1, stats=stats)
    assert stats["cached"] == 1 and stats["checked"] == 1
    for e in again:
        # Both kept on the entries as the check hands them over: the stages hash none again.
        assert model._PRINT in e.__dict__ and fingerprint(e) == _digest(e)
    reused = next(e for e in again if e.title == "Enquête Beta")
    assert fingerprint(reused) == prints[reused.key]
    assert fingerprint(next(e for e in again if e.title == "Enquête Gamma")) not in prints.values()
