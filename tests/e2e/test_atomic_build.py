"""Builds killed with SIGKILL at random moments leave the previous site and index whole; a second
build while one runs is refused; a failed build leaves practices/ byte for byte as it was; the
next build clears what the killed ones left.

Bounded: one full build, three killed builds (seeded random moments), one failing build, one
final build, in a copy of the project.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from tests.sitebuild import REPO, copy_project
from tools.errors import BuildError
from tools.pipeline import LOCK_NAME, run

KILLS = 3
SEED = 11


def tree_digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def site_files(project) -> set[str]:
    return {str(p.relative_to(project.site)) for p in project.site.rglob("*") if p.is_file()}


def leftovers(project) -> list[str]:
    # os.walk, not rglob: the previous site is being deleted in the background (fsutil.discard_later).
    return sorted(os.path.relpath(os.path.join(d, name), project.root) for d, dirs, files in os.walk(project.root)
                  for name in dirs + files if name.startswith(".") and (".tmp-" in name or ".old-" in name))


def assert_whole(project, files: set[str], documents: int) -> None:
    assert site_files(project) == files
    assert "</html>" in (project.site / "index.html").read_text(encoding="utf-8")
    ix = whoosh_index.open_dir(str(project.index))
    try:
        assert ix.doc_count() == documents
    finally:
        ix.close()


def wait_for_lock(project, proc, timeout=60.0) -> None:
    lock = project.build / LOCK_NAME
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(proc.pid):
            return
        time.sleep(0.05)
    raise AssertionError("the build never took the lock")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("atomic"))
    report = run(project, progress=False)
    assert report.ok
    ix = whoosh_index.open_dir(str(project.index))
    documents = ix.doc_count()
    ix.close()
    return project, site_files(project), documents


def start_build(project) -> subprocess.Popen:
    env = {**os.environ, "KB_ROOT": str(project.root), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "tools", "build", "--force", "--quiet"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def test_killed_builds_leave_the_previous_site_and_index_whole(built):
    project, files, documents = built
    practices = tree_digest(project.practices)
    rng = random.Random(SEED)
    for attempt in range(KILLS):
        proc = start_build(project)
        wait_for_lock(project, proc)
        if attempt == 0:  # meanwhile, a second build is refused with the holder's pid
            with pytest.raises(BuildError, match=f"another build is running \\(pid {proc.pid}\\)"):
                run(project, progress=False)
        time.sleep(rng.uniform(0.2, 15.0))
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its MkDocs children
        proc.wait()
        assert_whole(project, files, documents)
    assert tree_digest(project.practices) == practices
    report = run(project, progress=False)  # redoes only the stages whose last run was killed
    assert report.ok and leftovers(project) == []
    assert_whole(project, files, documents)


def test_failed_build_leaves_practices_and_site_as_they_were(built):
    project, files, documents = built
    practices, site = tree_digest(project.practices), tree_digest(project.site)
    template = project.root / "overrides" / "main.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "\n{% block broken %}", encoding="utf-8")  # MkDocs fails on it
    try:
        with pytest.raises(BuildError):
            run(project, progress=False)  # the template is an input of the site stage only
    finally:
        template.write_text(good, encoding="utf-8")
    assert tree_digest(project.practices) == practices
    assert tree_digest(project.site) == site
    assert leftovers(project) == []
