"""The cached check (tools.content.cached.load_collection) does not read again an entry file whose
size, times and inode are those it recorded, and never skips a changed one: a rewrite keeping the
size and putting the modification time back is still read (its change time moved)."""

from __future__ import annotations

import datetime as dt
import os

from tests.conftest import entry_text, make_corpus
from tools.content.cached import load_collection


def check(practices, cache):
    stats: dict = {}
    entries, problems, files = load_collection(practices, practices.parent, cache=cache, workers=1, stats=stats)
    return entries, stats


def test_an_unchanged_file_is_reused_and_a_changed_one_is_checked_again(tmp_path):
    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha"),
                                       "tn/tn-b.fr.md": entry_text(title="Enquête Beta")})
    cache = tmp_path / "check-cache.pickle"
    _, first = check(practices, cache)
    assert (first["checked"], first["cached"]) == (2, 0)
    _, again = check(practices, cache)
    assert (again["checked"], again["cached"]) == (0, 2) and again["collection_key"] == first["collection_key"]

    # Same size, modification time put back: only the change time tells.
    path = practices / "ma" / "ma-a.fr.md"
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha", "Gamma"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    entries, changed = check(practices, cache)
    assert (changed["checked"], changed["cached"]) == (1, 1)
    assert changed["collection_key"] != first["collection_key"]
    assert "Enquête Gamma" in {e.title for e in entries}


def test_a_file_replaced_by_another_is_checked_again(tmp_path):
    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha")})
    cache = tmp_path / "check-cache.pickle"
    check(practices, cache)
    path = practices / "ma" / "ma-a.fr.md"
    new = path.with_name("new.tmp")
    new.write_text(entry_text(title="Enquête Delta"), encoding="utf-8")
    os.replace(new, path)
    entries, stats = check(practices, cache)
    assert stats["checked"] == 1 and [e.title for e in entries] == ["Enquête Delta"]


def test_the_garbage_collector_is_on_again_after_the_cache_is_read_or_found_broken(tmp_path):
    """The cache is read and written with the cyclic collector held off (many objects, no garbage):
    it is switched on again afterwards, also when the cache file is broken."""
    import gc

    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha")})
    cache = tmp_path / "check-cache.pickle"
    assert gc.isenabled()
    _, first = check(practices, cache)
    assert gc.isenabled()
    _, again = check(practices, cache)
    assert gc.isenabled() and again["cached"] == 1
    cache.write_bytes(b"\x80\x05broken")
    entries, stats = check(practices, cache)
    assert gc.isenabled() and stats["checked"] == 1 and [e.title for e in entries] == ["Enquête Alpha"]


def _days_later(monkeypatch, days):
    """Today's date moved `days` ahead, for the check and the cache (the machine's clock is not touched)."""
    shifted = dt.date.today() + dt.timedelta(days=days)

    class Later(dt.date):
        @classmethod
        def today(cls):
            return shifted

    monkeypatch.setattr(dt, "date", Later)


def test_a_date_in_the_future_is_checked_again_once_that_day_has_come(tmp_path, monkeypatch):
    # The error was kept from the cache after the date had passed (the key has no date; found by the reviewer).
    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    practices = make_corpus(tmp_path, {
        "ma/ma-a.fr.md": entry_text(status="reviewed", reviewed_by="[Point focal]", reviewed_on=f'"{later}"',
                                    updated=f'"{later}"'),
        "tn/tn-b.fr.md": entry_text(title="Enquête Beta")})
    cache = tmp_path / "check-cache.pickle"
    entries, _, _ = load_collection(practices, practices.parent, cache=cache, workers=1)
    assert [e.id for e in entries] == ["tn-b"]  # the future dates are errors today
    _days_later(monkeypatch, 3)  # still in the future (slack of one day): the cached answer holds
    stats: dict = {}
    entries, problems, _ = load_collection(practices, practices.parent, cache=cache, workers=1, stats=stats)
    assert (stats["checked"], stats["cached"]) == (0, 2) and [e.id for e in entries] == ["tn-b"]
    _days_later(monkeypatch, 4)  # reviewed_on and updated are tomorrow: within the slack, no longer errors
    entries, problems, _ = load_collection(practices, practices.parent, cache=cache, workers=1, stats=stats)
    assert stats["checked"] == 1 and not [p for p in problems if "future" in p.message]
    assert [e.id for e in entries] == ["ma-a", "tn-b"]
    _, _, _ = load_collection(practices, practices.parent, cache=cache, workers=1, stats=stats)
    assert (stats["checked"], stats["cached"]) == (0, 2)  # the new answer does not expire
