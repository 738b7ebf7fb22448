"""The preview's MkDocs servers build their sites in build/preview-tmp/<preview pid>/ (TMPDIR),
not in the system's /tmp: MkDocs removes its mkdtemp folder only when stopped by Ctrl-C, so a
terminated or killed preview used to leave /tmp/mkdocs_* folders behind. Checked with stand-in
servers (the preview with MkDocs' servers is tests/e2e/test_preview.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

from tools.project import Project
from tools.site import mkdocs as site_mkdocs
from tools.site import preview


def test_folders_of_previews_no_longer_running_are_removed(tmp_path):
    project = Project(tmp_path)
    base = project.build / "preview-tmp"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for name in (str(dead.pid), "not-a-pid", str(os.getppid())):
        (base / name / "mkdocs_x").mkdir(parents=True)
    mine = preview.temp_folder(project)
    assert mine == base / str(os.getpid()) and list(mine.iterdir()) == []
    assert sorted(p.name for p in base.iterdir()) == sorted([str(os.getpid()), str(os.getppid())])
    assert (base / str(os.getppid()) / "mkdocs_x").is_dir()  # a preview still running keeps its own


def test_the_servers_get_the_folder_as_tmpdir_and_the_preview_removes_it_when_it_stops(tmp_path, monkeypatch):
    started = []

    class Stopped:
        """A stand-in MkDocs server that built its site in TMPDIR and then exited."""

        def poll(self):
            return 0

        def terminate(self):
            pass

        def wait(self, timeout=None):
            return 0

    def fake_serve(host, port, *, cwd, config=None, tmp=None):
        (tmp / f"mkdocs_{port}").mkdir()
        started.append(tmp)
        return Stopped()

    monkeypatch.setattr(preview, "serve_mkdocs", fake_serve)
    monkeypatch.setattr(preview, "refresh", lambda project, url=None: True)
    project = Project(tmp_path)
    assert preview.preview(project, "127.0.0.1", preview.free_port()) == 0
    assert len(started) == 3 and set(started) == {project.build / "preview-tmp" / str(os.getpid())}
    assert not started[0].exists()


def test_serve_mkdocs_sets_tmpdir_only_when_given(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(site_mkdocs, "subprocess", SimpleNamespace(Popen=lambda args, **kw: seen.append(kw["env"])))
    site_mkdocs.serve_mkdocs("127.0.0.1", 1, cwd=tmp_path, tmp=tmp_path / "t")
    site_mkdocs.serve_mkdocs("127.0.0.1", 1, cwd=tmp_path)
    assert seen[0]["TMPDIR"] == str(tmp_path / "t")
    assert seen[1].get("TMPDIR") == os.environ.get("TMPDIR")
