"""tools.forked: work run in a forked process, its answer (or its error) handed back; made good
in this process when the fork is impossible or dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import forked
from tools.errors import BuildError
from tools.forked import Forked

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="needs fork and two processors")


@needs_fork
def test_the_work_runs_in_another_process_and_its_answer_comes_back(tmp_path):
    work = Forked(lambda: {"pid": os.getpid(), "text": "é" * 100_000}, scratch=tmp_path, name="t")
    assert work.forked
    answer = work.result()
    assert answer["pid"] != os.getpid() and answer["text"] == "é" * 100_000
    assert work.proc is None and work.answer_file is None
    assert list(tmp_path.iterdir()) == []  # the answer's file had no name


@needs_fork
def test_the_work_s_error_is_raised_here():
    def broken():
        raise ValueError("no such survey")
    with pytest.raises(ValueError, match="no such survey"):
        Forked(broken).result()


class _TwoArguments(Exception):
    """Pickles (its args are the message only) but cannot be made again from them."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")


@needs_fork
def test_an_error_that_cannot_be_pickled_comes_back_as_a_build_error_naming_the_process():
    def broken():
        raise _Unpicklable("lock held")
    with pytest.raises(BuildError, match="search-index: .*lock held"):
        Forked(broken, name="search-index").result()


@needs_fork
def test_an_error_that_cannot_be_made_again_comes_back_as_a_build_error():
    def broken():
        raise _TwoArguments("practices/ma/x.fr.md", "no title")
    with pytest.raises(BuildError, match="t: .*practices/ma/x.fr.md: no title"):
        Forked(broken, name="t").result()


@needs_fork
def test_a_fork_that_fails_leaves_the_work_to_be_done_here(monkeypatch, tmp_path):
    import errno
    import multiprocessing

    def no_process(self):
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", no_process)
    work = Forked(lambda: os.getpid(), scratch=tmp_path)
    assert not work.forked and work.answer_file is None
    assert work.result() == os.getpid() and work.ran_here


@needs_fork
def test_a_process_that_dies_without_answering_is_made_good_here():
    parent = os.getpid()

    def dies_when_forked():
        if os.getpid() != parent:
            os._exit(3)
        return os.getpid()
    work = Forked(dies_when_forked)
    assert work.forked and not work.ran_here
    assert work.result() == parent and work.ran_here


@needs_fork
def test_abandon_stops_the_process_and_is_idempotent():
    work = Forked(lambda: time.sleep(60))
    proc = work.proc
    work.abandon()
    assert not proc.is_alive() and proc.exitcode is not None
    assert work.proc is None and work.answer_file is None
    work.abandon()


def test_without_a_second_processor_the_work_runs_here_when_asked(monkeypatch):
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    ran = []
    work = Forked(lambda: ran.append(os.getpid()) or "done")
    assert not work.forked and ran == []
    assert work.result() == "done" and ran == [os.getpid()] and work.ran_here


@needs_fork
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl PR_SET_PDEATHSIG is Linux's")
def test_the_process_ends_when_the_build_is_killed(tmp_path):
    """A killed build's forked work kept writing and held the build's lock, which it inherited
    (the next build said "another build is running", found by review)."""
    script = tmp_path / "build.py"
    script.write_text(
        "import os, signal, sys, time\n"
        "from tools.forked import Forked\n"
        "work = Forked(lambda: time.sleep(120))\n"
        "print(work.proc.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == -signal.SIGKILL
    child = int(done.stdout.split()[0])
    for _ in range(200):  # a bound, not a measure: the signal comes at once or never
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as fh:  # reaped by init, or a zombie waiting to be
            if fh.read().split(")")[-1].split()[0] == "Z":
                break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the forked process outlived the build")
