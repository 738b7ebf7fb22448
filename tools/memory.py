"""Handing memory the build no longer uses back to the system between the pipeline's stages.

A finished stage's objects are freed, but CPython and the C library keep the freed memory for
reuse: the process stays as large as the stage's peak while the later stages run, and the
processes a stage forks (the static search export, the index's derived files) start as large as
their parent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_LIBC = None


def _libc():
    """The C library when it is glibc (it has malloc_trim); None elsewhere."""
    global _LIBC
    if _LIBC is None:
        _LIBC = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                if hasattr(libc, "malloc_trim"):
                    _LIBC = libc
            except OSError:
                pass
    return _LIBC or None


def release_memory(collect: bool = True) -> bool:
    """Collect unreachable cycles (unless not `collect`: a full collection walks every object
    the collector tracks), then return the C library's free heap pages to the system (glibc's
    malloc_trim(0); objects still in use are not moved). Returns True when memory was handed
    back (glibc), False where only the collection could run."""
    if collect:
        gc.collect()
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector held off inside the block (and put back as it was, even when
    the block raises): loading or writing a build's caches (the check cache, the pages memo) makes
    hundreds of thousands of objects, none of them garbage, and each few hundred made started a
    collection: pickle.load of the check cache took 0.17 s of CPU at 3,000 entries with it, 0.09 s
    without (#10: this runs on every build, no-op included)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
