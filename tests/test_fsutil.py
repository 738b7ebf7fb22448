"""Atomic swaps, the leftovers of killed builds, and the build lock."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.sitebuild import REPO, copy_project
from tools.errors import BuildError
from tools.fsutil import TRASH_GRACE, Busy, build_lock, clean_stale, swap_dir, temp_dir_beside
from tools.pipeline import LOCK_NAME, run


def test_swap_replaces_the_target_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    new = temp_dir_beside(target)
    (new / "index.html").write_text("new")
    swap_dir(new, target)
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_swap_into_a_missing_target(tmp_path):
    new = temp_dir_beside(tmp_path / "kb")
    (new / "a.md").write_text("x")
    swap_dir(new, tmp_path / "kb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb"]


def test_clean_stale_removes_leftovers_and_restores_a_lost_output(tmp_path):
    docs = tmp_path / "docs"
    (docs / ".kb.tmp-abc" / "entries").mkdir(parents=True)
    (docs / "kb").mkdir()
    (docs / "index.md").write_text("hand-written")
    (tmp_path / ".site.old-123").mkdir()
    (tmp_path / ".site.old-123" / "index.html").write_text("previous site")
    (tmp_path / ".site.tmp-xyz").mkdir()
    removed = clean_stale([docs / "kb", tmp_path / "site"])
    assert sorted(p.name for p in removed) == [".kb.tmp-abc", ".site.tmp-xyz"]
    assert (tmp_path / "site" / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in docs.iterdir()) == ["index.md", "kb"]


def test_lock_is_exclusive_and_names_the_holder(tmp_path):
    lock = tmp_path / "build" / ".build.lock"
    with build_lock(lock):
        with pytest.raises(Busy) as caught:
            with build_lock(lock):
                pass
    assert str(caught.value) == f"another build is running (pid {os.getpid()})"
    with build_lock(lock):  # released: taken again
        pass


def test_lock_held_by_another_process_stops_a_build_with_a_clear_message(tmp_path):
    project = copy_project(tmp_path, with_practices=False)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from tools.fsutil import build_lock\n"
        f"with build_lock(Path({str(project.build / LOCK_NAME)!r})):\n"
        "    print('held', flush=True); time.sleep(60)")], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildError) as caught:
            run(project, site=False, progress=False)
        assert str(caught.value) == (f"another build is running (pid {holder.pid}): "
                                     "wait for it to finish, then build again")
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_file_left_by_a_dead_process_is_taken_over(tmp_path):
    project = copy_project(tmp_path, with_practices=False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (project.build).mkdir(parents=True)
    (project.build / LOCK_NAME).write_text(f"{dead.pid}\n")
    (project.docs / ".kb.tmp-left").mkdir()
    report = run(project, site=False, progress=False)
    assert report.ok and (project.generated / "index.md").exists()
    assert not (project.docs / ".kb.tmp-left").exists()
    assert (project.build / LOCK_NAME).read_text().strip() == str(os.getpid())


def test_a_background_swap_puts_the_new_folder_in_place_and_deletes_the_old(tmp_path):
    target, new = tmp_path / "site", tmp_path / ".site.tmp-new"
    (target / "kb").mkdir(parents=True)
    (target / "kb" / "old.html").write_text("old")
    new.mkdir()
    (new / "new.html").write_text("new")
    swap_dir(new, target, background=True)
    assert sorted(p.name for p in target.iterdir()) == ["new.html"]
    assert not new.exists()
    # The old folder went into a trash folder named after the output, deleted by a detached rm.
    for _ in range(200):
        if not any(tmp_path.glob(".site.trash-*")):
            break
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_clean_stale_removes_trash_no_deletion_is_working_on(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    stale, fresh = tmp_path / ".site.trash-a", tmp_path / ".site.trash-b"
    for trash in (stale, fresh):
        (trash / "old").mkdir(parents=True)
    past = time.time() - TRASH_GRACE - 10
    for path in (stale / "old", stale):
        os.utime(path, (past, past))
    assert clean_stale([target]) == [stale]
    assert fresh.exists() and target.exists()
