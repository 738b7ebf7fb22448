"""Work run in a forked process while this one goes on, its answer handed back in a file (#10).

Two stages use it on the second processor: the static search export beside the pages
(tools.site.generate.StaticElsewhere) and, for a small collection, the search index beside the
pages stage (tools.pipeline).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.errors import BuildError
from tools.memory import gc_paused, release_memory
from tools.subprocesses import die_with_parent


def can_fork() -> bool:
    """Whether forking pays here: the system forks and a second processor can run the child (of
    those this process may run on: taskset and cgroups leave it fewer than the machine has)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return hasattr(os, "fork") and usable >= 2


class Forked:
    """`work()` run in a forked process from the moment this object is made; result() waits for
    it and returns what it returned (or raises what it raised: its exception is pickled back; an
    unpicklable one becomes a BuildError naming it). Without fork or a second processor
    (can_fork), when the fork fails (no memory, no process left), or should the process die before
    its answer is whole, result() runs `work()` in this process instead (`ran_here` then True): what
    it returns must not depend on where it ran.

    The answer is pickled into an unnamed temporary file as a stream (never held whole as bytes
    on either side) and the process ends; this one reads it when result() is asked. Through a
    pipe, the process lived on, as large as its work made it, until this one read the answer, the
    two sizes adding up to the build's peak memory (#10: ~730 MB for ~70 s at 10,000 files).

    `scratch`: the folder of that file (the build's folder: the system's temporary folder can be a
    tmpfs, in memory, where an answer of hundreds of MB would stay in RAM; None: the system's).
    `name`: the process's name (ps, errors). Not for a threaded program whose other threads may
    hold a lock at the fork (the live preview)."""

    def __init__(self, work: Callable[[], Any], *, scratch: Path | None = None, name: str = "forked"):
        self.work, self.name = work, name
        self.proc = None
        self.answer_file = None
        self.ran_here = False
        self._die = None
        if not can_fork():
            return
        # A build killed (SIGKILL) must not leave the process writing, nor holding the build's lock
        # it inherited: the next build said "another build is running" (found by review).
        self._die = die_with_parent()
        # Unnamed (removed at once): nothing to clean up after a killed build.
        self.answer_file = tempfile.TemporaryFile(prefix=f"kb-{name}-", dir=scratch)
        # The collector of the forked process leaves this one's objects alone (frozen): it does
        # not touch, hence copy, their pages.
        gc.freeze()
        try:
            self.proc = multiprocessing.get_context("fork").Process(target=self._run, name=name, daemon=True)
            self.proc.start()
        except OSError:
            # No process could be made (EAGAIN, ENOMEM): the work is done here when asked.
            self._close()
        except BaseException:
            self._close()
            raise
        finally:
            gc.unfreeze()

    def _close(self) -> None:
        if self.answer_file is not None:
            self.answer_file.close()
        self.answer_file = None
        self.proc = None

    def _run(self) -> None:
        if self._die is not None:
            self._die()
        try:
            answer = ("ok", self.work())
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
            try:
                # Loaded back too: an exception whose __init__ wants other arguments than it keeps
                # pickles but cannot be made again.
                pickle.loads(pickle.dumps(exc))
                answer = ("error", exc)
            except Exception:  # noqa: BLE001 - an exception that cannot travel: its text
                answer = ("error", BuildError(f"{self.name}: {exc!r}"))
        # The work's data, freed, handed back to the system before the answer is written (the
        # process's size adds to the build's meanwhile); without a collection, which would walk
        # every object the work made (they are freed as their last reference goes).
        release_memory(collect=False)
        # The file's offset is shared with the parent's descriptor: the answer starts at 0.
        with os.fdopen(os.dup(self.answer_file.fileno()), "wb") as fh:
            pickle.dump(answer, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @property
    def forked(self) -> bool:
        """Whether the work runs in another process (False: result() will run it here)."""
        return self.proc is not None

    def abandon(self) -> None:
        """Stop the forked process and close its file (the caller failed before it asked for the
        result). Idempotent."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self.proc.kill()
        self.proc.join()
        self._close()

    def result(self) -> Any:
        """What work() returned (waiting for the process), or raises what it raised."""
        answer = None
        if self.proc is not None:
            self.proc.join()
            answered = self.proc.exitcode == 0  # else it died before its answer was whole
            self.proc = None
            fh, self.answer_file = self.answer_file, None
            with fh, gc_paused():
                if answered:
                    fh.seek(0)
                    try:
                        answer = pickle.load(fh)
                    except Exception:  # noqa: BLE001 - a truncated or unreadable answer: made here below
                        answer = None
        if answer is None:
            self.ran_here = True
            return self.work()
        if answer[0] == "error":
            raise answer[1]
        return answer[1]
