"""The check of a whole collection with a per-file cache, and a process pool for what is not cached.

Same result as tools.content.validate.load_collection (same entries, same problems in the same
order), but a file whose bytes (SHA-256) and path are unchanged since the last run is not read
as YAML or checked again, and the collection-wide checks (translations, look-alikes) are reused
while no file changed. A result that depends on today's date (a date "in the future") is kept
until the day it would change (kinds.date_horizon). The cache is invalidated whole when the
checking code or the vocabularies change. When many files need checking, they are checked in a pool of processes (both cores),
and so are the look-alike candidate pairs to judge when there are many (_judge). The collector is held
off for the whole check (load_collection), which makes no garbage cycles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
import pickle
import stat
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from tools.content.kinds import date_horizon
from tools.content.loader import RawEntry, entry_files, load_file, skipped_files
from tools.content.model import Entry, fingerprint
from tools.content.problems import Problem
from tools.content.validate import (
    check_entry,
    collection_checks,
    duplicate_warnings,
    judge_pairs,
    lookalike_signatures,
    minhash_class,
)
from tools.content.vocab import Vocabularies
from tools.fsutil import write_atomic
from tools.i18n import DATA_DIR
from tools.memory import gc_paused

CONTENT = Path(__file__).resolve().parent
# 2: each file's look-alike signatures kept; 3: look-alike verdicts of pairs kept; 4: each result's expiry day
CACHE_VERSION = 4
# Below this many files to check, starting processes is not worth it. Not yet measured on a quiet
# machine: on 2 cores shared with other jobs (load 10-20), 1,000 uncached files took 244 s and
# 85 s in one process and 182 s in two, which says nothing reliable; measure with
# `make bench N=1000` before relying on it (workers=1 turns the pool off).
POOL_MIN_FILES = 200


def code_digest(data: Path = DATA_DIR) -> str:
    """What a cached result depends on besides the file: the checking code and the data files (of `data`)."""
    h = hashlib.sha256(str(CACHE_VERSION).encode())
    paths = sorted(CONTENT.glob("*.py")) + sorted(data.glob("*.yml")) + [CONTENT.parent / "search" / "analysis.py"]
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _lite(raw: RawEntry) -> RawEntry:
    """The raw entry without its text: what the collection checks read (meta, lines, names)."""
    return dataclasses.replace(raw, text="", body="")


def _check(item: tuple[str, str], vocabs: Vocabularies) -> tuple[RawEntry, Entry | None, list[Problem], str, tuple | None]:
    """(raw entry without text, entry or None, problems, expiry, look-alike signatures): expiry is
    the ISO day from which the answer may differ because it depends on today's date
    (kinds.date_horizon), "" if it does not; the signatures are validate.lookalike_signatures' for
    this file alone (the same as among others), made here in the pool's processes rather than
    after it in the build's (their 5-grams and MinHash: 10 s of a 10,000-entry check's profile, #10).
    The entry comes with its fingerprint (model.fingerprint, pickled with it): hashed here, in the
    pool, rather than in the build's process after it (0.3 s of the build's process at 10,000)."""
    path, shown = item
    raw = load_file(Path(path), shown)
    with date_horizon() as days:
        entry, problems = check_entry(raw, vocabs)
    if entry is not None:
        fingerprint(entry)
    return _lite(raw), entry, problems, min(days).isoformat() if days else "", lookalike_signatures([raw])[0]


_VOCABS: Vocabularies | None = None  # a pool worker's vocabularies (_start_worker)


def _start_worker(vocabs: Vocabularies) -> None:
    """A pool worker's start: keeps the run's vocabularies for every file it checks (handed over
    once, not pickled with each chunk of work), and turns its collector on (load_collection forks
    the workers with the collector paused), leaving the objects inherited from the build's process
    out of its passes (gc.freeze): they are not the worker's garbage, and a pass over them would
    write to, hence copy, their memory pages."""
    global _VOCABS
    _VOCABS = vocabs
    gc.freeze()
    gc.enable()


def _check_in_worker(item: tuple[str, str]):
    return _check(item, _VOCABS)


# Files per chunk of a pool's work, at most: the last chunks finish on one worker while the other
# waits, and the answers of a chunk are read (unpickled) in the build's process only once the whole
# chunk is done. Chunks of a few hundred files are a fraction of a second of work (#10).
POOL_CHUNK_FILES = 200


def _check_all(items: list[tuple[str, str]], workers: int, vocabs: Vocabularies) -> list:
    if workers > 1 and len(items) >= POOL_MIN_FILES:
        chunk = max(1, min(POOL_CHUNK_FILES, len(items) // (workers * 4)))
        # Loaded before the workers fork, not by each of them (numpy and datasketch's MinHash, 0.05 s):
        # this process needs numpy after the pool anyway (validate._band_pairs).
        minhash_class()
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(vocabs,)) as pool:
            answers = pool.map(_check_in_worker, items, chunksize=chunk)
            # The answers are unpickled here by the hundred thousand objects, none of them garbage:
            # with the collector on, its passes over them took 3.3 s of this process's 5.6 s of
            # CPU in a 10,000-entry check (#10).
            with gc_paused():
                return list(answers)
    return [_check(item, vocabs) for item in items]


# Look-alike candidate pairs to judge (difflib) below which one process judges them all: each pair
# takes about 0.35 ms, starting two processes about 50 ms (#10: 1,100 pairs at 10,000 entries).
POOL_MIN_PAIRS = 400


def _judge(texts: list[tuple[str, str, str, str]], workers: int, vocabs: Vocabularies) -> list[tuple[float, float]]:
    """validate.judge_pairs(texts), the pairs split in order between `workers` processes when
    there are at least POOL_MIN_PAIRS: after the pool of the files' checks, this is the only part of
    a full check's work left in one process that grows with the collection."""
    if workers < 2 or len(texts) < POOL_MIN_PAIRS:
        return judge_pairs(texts)
    size = -(-len(texts) // workers)
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(vocabs,)) as pool:
        parts = pool.map(judge_pairs, [texts[start:start + size] for start in range(0, len(texts), size)])
        return [ratios for part in parts for ratios in part]


def _load(cache: Path, code: str) -> dict:
    try:
        with open(cache, "rb") as fh, gc_paused():
            data = pickle.load(fh)
        return data if data.get("code") == code else {}
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return {}


def load_collection(root: Path, base: Path | None = None, cache: Path | None = None,
                    workers: int | None = None, stats: dict | None = None,
                    vocabs: Vocabularies | None = None) -> tuple[list[Entry], list[Problem], int]:
    """Load and validate every entry under root, reusing the results cached in `cache` (a pickle
    written by this function; None: no cache). Returns (valid entries, problems, files read), as
    tools.content.validate.load_collection. `workers`: processes for uncached files (default:
    the CPU count). `stats`, when given, receives {"checked": files checked, "cached": files reused,
    "collection_key": SHA-256 (hex) of every entry file's path and bytes (or link target), in order}.
    `vocabs`: the run's Vocabularies (None: the shipped data, read now).
    """
    # The check makes and reads (the pool's answers, the cache) hundreds of thousands of objects
    # and no garbage cycles: with the collector on, its passes over them took about 1 s of this
    # process's 2.5 s of CPU after the pool at 10,000 entries, on the build's critical path (#10).
    # Held off for the whole check, which returns before the collector is on again, so that what
    # it made and dropped is freed (by reference counting) before any pass could look at it.
    with gc_paused():
        return _checked(root, base or root.parent, cache, workers or os.cpu_count() or 1, stats,
                        Vocabularies.ensure(vocabs))


def _checked(root: Path, base: Path, cache: Path | None, workers: int, stats: dict | None,
             vocabs: Vocabularies) -> tuple[list[Entry], list[Problem], int]:
    """load_collection's work, its arguments filled in."""
    code = code_digest(vocabs.data) if cache else ""
    old = _load(cache, code) if cache else {}
    old_files = old.get("files", {})
    today = dt.date.today().isoformat()
    expires = {k: day for k, day in old.get("expires", {}).items() if day > today}
    old_files = {k: v for k, v in old_files.items() if k not in old.get("expires", {}) or k in expires}
    old_stats = old.get("stats", {})
    stats_now: dict[str, tuple] = {}  # {path: (size, mtime_ns, ctime_ns, inode, sha256)} for the next run
    keys, todo = [], []
    prefix = str(base).rstrip(os.sep) + os.sep
    linked_folders: dict[Path, bool] = {}
    for path in entry_files(root):
        name = str(path)
        shown = name[len(prefix):] if name.startswith(prefix) else name  # path.relative_to(base), without pathlib's cost
        # A link is refused unread (loader.symlink_problem): keyed by where it points, not by its target's bytes.
        folder = path.parent
        if folder not in linked_folders:
            linked_folders[folder] = folder.is_symlink()
        link = path if os.path.islink(name) else folder if linked_folders[folder] else None
        if link:
            key = (shown, f"link:{os.readlink(link)}")
        else:
            # A file whose size, times and inode are those recorded is not read again: its digest
            # is the recorded one (every write changes the change time, which no tool can set back).
            st = os.stat(name)
            if not stat.S_ISREG(st.st_mode):  # a folder or pipe named like an entry: refused unread
                keys.append(key := (shown, "not a file"))
                if key not in old_files:
                    todo.append((name, shown))
                continue
            sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            recorded = old_stats.get(name)
            sha = recorded[4] if recorded and tuple(recorded[:4]) == sig else hashlib.sha256(path.read_bytes()).hexdigest()
            stats_now[name] = (*sig, sha)
            key = (shown, sha)
        keys.append(key)
        if key not in old_files:
            todo.append((name, shown))
    fresh, fresh_sigs = {}, {}
    for key, (raw, entry, found, expiry, sig) in zip([k for k in keys if k not in old_files],
                                                     _check_all(todo, workers, vocabs), strict=True):
        fresh[key] = raw, entry, found
        fresh_sigs[key] = sig
        if expiry:
            expires[key] = expiry
    results = [old_files.get(k) or fresh[k] for k in keys]
    raws = [r for r, _, _ in results]
    entries, problems = [], []
    for _, entry, found in results:
        problems += found
        if entry:
            entries.append(entry)
    collection_key = hashlib.sha256(repr(keys).encode()).hexdigest()
    # Look-alike signatures depend on the file alone: only new files' are computed (by _check).
    old_sigs = {**old.get("signatures", {}), **fresh_sigs}
    missing = [k for k in keys if k not in old_sigs]
    sigs = {**{k: old_sigs[k] for k in keys if k in old_sigs},
            **dict(zip(missing, lookalike_signatures([r for k, (r, _, _) in zip(keys, results, strict=True)
                                                      if k not in old_sigs]) if missing else [], strict=True))}
    verdicts = old.get("verdicts", {})  # look-alike pairs judged: only pairs with a changed file are compared
    if old.get("collection_key") == collection_key:
        cross, lookalikes = old["cross"], old["lookalikes"]
    else:
        cross = collection_checks(raws)
        lookalikes = duplicate_warnings(raws, [sigs[k] for k in keys], keys, verdicts,
                                        judge=partial(_judge, workers=workers, vocabs=vocabs))
    problems += cross + lookalikes + skipped_files(root, base)
    bad = {p.path for p in cross if p.severity == "error"}
    entries = [e for e in entries if e.path not in bad]
    entries.sort(key=lambda e: (e.id, e.lang))
    if cache and (fresh or old.get("collection_key") != collection_key or len(old_files) != len(keys)
                  or stats_now != old_stats):
        data = {"code": code, "files": dict(zip(keys, results, strict=True)), "collection_key": collection_key,
                "cross": cross, "lookalikes": lookalikes, "signatures": sigs, "verdicts": verdicts,
                "stats": stats_now, "expires": {k: expires[k] for k in keys if k in expires}}
        with gc_paused():
            raw = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(cache, raw)
    if stats is not None:
        stats.update(checked=len(todo), cached=len(keys) - len(todo), collection_key=collection_key)
    return entries, problems + vocabs.problems(base), len(keys)
