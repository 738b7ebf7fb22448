"""MkDocs runs as child processes of the build and of the preview (tools.site.mkdocs): when the
parent is killed outright (SIGKILL, no clean-up), its children must not go on writing the site.
Checked with a stand-in child (a sleeping Python) started the way MkDocs is started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.sitebuild import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
WAIT_SECONDS = 20  # generous limits for a loaded machine, not speed requirements

PARENT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tools.site.mkdocs import _run
    _run([sys.executable, "-c", "import time; time.sleep(300)"], Path("."), "stand-in")
""")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def running(pid: int) -> bool:
    """True while `pid` is a live process (not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_killed_parent_takes_its_mkdocs_child_with_it():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=REPO, env=env)
    child = None
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not children(parent.pid) and time.monotonic() < deadline:
            assert parent.poll() is None, "the parent script failed"
            time.sleep(0.05)
        (child,) = children(parent.pid)
        parent.kill()
        parent.wait(WAIT_SECONDS)
        deadline = time.monotonic() + WAIT_SECONDS
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(child), f"child {child} still running after its parent was killed"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(WAIT_SECONDS)
        if child is not None and running(child):
            os.kill(child, signal.SIGKILL)
