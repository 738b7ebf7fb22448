"""Build the shipped collection into a temporary project and serve it with the real server.

Shared by the end-to-end and browser tests; the repository's own outputs are left alone.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools.pipeline import run
from tools.project import Project
from tools.web.limits import MAX_REQUEST_HEAD  # with BoundedHttpTools below: as `python -m tools serve` parses

REPO = Path(__file__).resolve().parent.parent


def copy_project(dest: Path, with_practices: bool = True) -> Project:
    """A copy of the site's inputs (not tools/ code, which is imported from the repo)."""
    ignore = shutil.ignore_patterns("kb", ".kb.tmp-*")
    shutil.copytree(REPO / "docs", dest / "docs", ignore=ignore)
    shutil.copytree(REPO / "overrides", dest / "overrides")
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for guide in REPO.glob("CONTRIBUTING*.md"):
        shutil.copy(guide, dest / guide.name)
    if with_practices:
        shutil.copytree(REPO / "practices", dest / "practices")
    else:
        (dest / "practices").mkdir()
    return Project(dest)


def build_copy(dest: Path) -> Project:
    project = copy_project(dest)
    report = run(project, progress=False)
    assert report.ok, [p.text() for p in report.problems]
    return project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn serving tools.web.api for one project root, on a free loopback port."""

    def __init__(self, project: Project):
        self.root = project.root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KB_ROOT": str(project.root), "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "tools.web.api:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", "--http", "tools.web.server:BoundedHttpTools",
             "--h11-max-incomplete-event-size", str(MAX_REQUEST_HEAD)], cwd=REPO, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start within 30 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
