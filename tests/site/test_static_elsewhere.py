"""The static search index made in a forked process during a full pages stage
(generate.StaticElsewhere, #10): the same files as when made in the build's process, the same
texts kept in the pages memo (so that the next build patches the export), and a failure of the
forked process either raised (the export's own error) or made good in the build's process."""

from __future__ import annotations

import os
import pickle

import pytest

from tests.conftest import make_corpus, mini_corpus
from tests.sitebuild import copy_project
from tools.pipeline import PAGES_MEMO, run
from tools.site import generate, languages


def _project(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, mini_corpus())
    return project


def _trees(project) -> dict[str, bytes]:
    out = {}
    for root in (project.generated, *(languages.tree(project.root, lang) for lang in languages.OTHER_LANGS)):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                out[str(path.relative_to(project.root))] = path.read_bytes()
    return out


def _memo_keys(project) -> set:
    with (project.build / PAGES_MEMO).open("rb") as fh:
        return set(pickle.load(fh)["texts"])


def _full(project, monkeypatch, forked: bool) -> dict[str, bytes]:
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0 if forked else 10**9)
    report = run(project, site=False, force=True, progress=False)
    assert report.ok
    return _trees(project)


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two processors")
def test_forked_export_gives_the_same_files_and_memo_and_the_next_build_patches_it(tmp_path, monkeypatch):
    project = _project(tmp_path)
    started = []
    real = generate.StaticElsewhere.__init__

    def spy(self, *a, **kw):
        real(self, *a, **kw)
        started.append(self.job.proc is not None)
    monkeypatch.setattr(generate.StaticElsewhere, "__init__", spy)
    # The answer's file is made in the build's folder (the system's temporary one can be in memory).
    made_in = []
    temporary = generate.tempfile.TemporaryFile

    def answer_file(*a, **kw):
        made_in.append((kw.get("prefix"), kw.get("dir")))
        return temporary(*a, **kw)
    monkeypatch.setattr(generate.tempfile, "TemporaryFile", answer_file)
    here = _full(project, monkeypatch, forked=False)
    here_keys = _memo_keys(project)
    assert started == []
    forked = _full(project, monkeypatch, forked=True)
    assert started == [True]
    assert [folder for prefix, folder in made_in if prefix.startswith("kb-static-search")] == [project.build]
    assert forked == here
    assert any(name.startswith("docs/kb/search/") for name in forked)
    assert _memo_keys(project) == here_keys
    assert any(isinstance(k, tuple) and k and k[0] == "static-terms" for k in here_keys)

    # The next build (one entry changed) patches the forked process's export: as a fresh one.
    entry = sorted(project.practices.glob("*/*.fr.md"))[0]
    entry.write_text(entry.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Zqxw ", 1), encoding="utf-8")
    patched = []
    export = generate.static_index.export

    def watch(*a, **kw):
        patched.append(os.getpid())
        return export(*a, **kw)
    monkeypatch.setattr(generate.static_index, "export", watch)
    assert run(project, site=False, progress=False).ok
    assert patched == [os.getpid()]  # an incremental build: made here, from the memo
    incremental = _trees(project)
    assert any(b"Zqxw" in text for name, text in incremental.items() if name.startswith("docs/kb/search/"))
    assert _full(project, monkeypatch, forked=False) == incremental


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two processors")
def test_an_error_of_the_forked_export_is_raised_and_a_dead_process_is_made_good(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0)
    parent = os.getpid()

    def broken(*a, **kw):
        raise ValueError("export broke")
    monkeypatch.setattr(generate.static_index, "export", broken)
    with pytest.raises(ValueError, match="export broke"):
        run(project, site=False, force=True, progress=False)

    made = []
    real = generate.static_search_files

    def dies_when_forked(*a, **kw):
        if os.getpid() != parent:
            os._exit(3)  # the forked process dies without an answer
        made.append(True)
        return real(*a, **kw)
    monkeypatch.undo()
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0)
    monkeypatch.setattr(generate, "static_search_files", dies_when_forked)
    assert run(project, site=False, force=True, progress=False).ok
    assert made == [True]
    assert list((project.generated / "search").glob("*.js"))


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two processors")
def test_pages_failing_while_the_export_runs_elsewhere_stop_its_process(tmp_path, monkeypatch):
    """An error in the other interfaces' pages (raised before result() is asked) kills and reaps the
    forked export and closes its answer's file (when it was a pipe, the process waited forever to
    write its answer, for as long as the calling process lived: found by review)."""
    project = _project(tmp_path)
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0)
    made = []

    class Watched(generate.StaticElsewhere):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            made.append((self, self.job.proc))

    def broken(*a, **kw):
        raise OSError("disk full")
    monkeypatch.setattr(generate, "StaticElsewhere", Watched)
    monkeypatch.setattr(generate.languages, "assemble", broken)
    with pytest.raises(OSError, match="disk full"):
        run(project, site=False, force=True, progress=False)
    [(static, proc)] = made
    assert proc is not None and not proc.is_alive() and proc.exitcode is not None
    assert static.job.proc is None and static.job.answer_file is None
