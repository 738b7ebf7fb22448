"""tools.pipeline: a small collection's search index written beside the pages stage, in a forked
process (#10): the same index as written after the pages, swapped in only once the pages are
written; a failure on either side leaves the previous index and no folder beside it."""

from __future__ import annotations

import json
import os
import time

import pytest
from whoosh import index as whoosh_index

from tests.conftest import make_corpus, mini_corpus
from tests.sitebuild import copy_project
from tools import forked, pipeline
from tools.errors import BuildError
from tools.pipeline import run
from tools.search import index as index_module
from tools.site import languages

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="needs fork and two processors")


def _project(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, mini_corpus())
    return project


def _index(project) -> tuple[dict, list]:
    """The index's manifest (documents' hashes, entries' prints) and its stored documents, by key."""
    manifest = json.loads((project.index / "MANIFEST.json").read_text(encoding="utf-8"))
    ix = whoosh_index.open_dir(str(project.index))
    try:
        with ix.searcher() as searcher:
            stored = sorted(searcher.all_stored_fields(), key=lambda d: d["key"])
    finally:
        ix.close()
    return {k: manifest[k] for k in ("documents", "entries")}, stored


def _built(tmp_path):
    """A project built once (the previous index of the tests below) and that index (_index)."""
    project = _project(tmp_path)
    assert run(project, site=False, force=True, progress=False).ok
    return project, _index(project)


def _retitle(project) -> None:
    """Prefix the title of the project's first French entry with 'Zqxw '."""
    entry = sorted(project.practices.glob("*/*.fr.md"))[0]
    entry.write_text(entry.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Zqxw ", 1), encoding="utf-8")


def _leftovers(project) -> list[str]:
    return sorted(p.name for p in project.index.parent.iterdir() if p.name.startswith(f".{project.index.name}."))


@needs_fork
def test_the_index_written_beside_the_pages_is_the_one_written_after_them(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.setattr(pipeline, "INDEX_BESIDE_PAGES_UNDER", 0)
    after = run(project, site=False, force=True, progress=False)
    assert after.ok and "beside_pages" not in after.details["index"]
    expected = _index(project)
    assert expected[1] and len(expected[1]) == len(after.entries)

    monkeypatch.undo()
    pids = tmp_path / "pids"
    real = pipeline.build_search_index

    def spy(*a, **kw):
        with pids.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(*a, **kw)
    monkeypatch.setattr(pipeline, "build_search_index", spy)
    beside = run(project, site=False, force=True, progress=False)
    assert beside.ok and beside.details["index"]["beside_pages"] is True
    assert beside.details["index"]["documents"] == len(beside.entries)
    assert [int(p) for p in pids.read_text().split()] != [os.getpid()]  # written by another process
    assert _index(project) == expected
    assert _leftovers(project) == []

    # The next build, one entry changed: the index beside the pages is updated, not rewritten.
    _retitle(project)
    changed = run(project, site=False, progress=False)
    assert changed.ok and changed.details["index"]["added_or_changed"] == 1
    assert changed.details["index"]["full"] is False and changed.details["index"]["beside_pages"] is True
    manifest, stored = _index(project)
    assert any(d["title"].startswith("Zqxw ") for d in stored)
    assert _leftovers(project) == []


@needs_fork
def test_pages_failing_leave_the_previous_index_and_stop_the_process(tmp_path, monkeypatch):
    project, before = _built(tmp_path)
    made = []

    class Watched(pipeline.Forked):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            made.append((self, self.proc))

    def broken(*a, **kw):
        raise OSError("disk full")
    monkeypatch.setattr(pipeline, "Forked", Watched)
    monkeypatch.setattr(languages, "assemble", broken)
    with pytest.raises(OSError, match="disk full"):
        run(project, site=False, force=True, progress=False)
    [(beside, proc)] = made
    assert proc is not None and not proc.is_alive() and proc.exitcode is not None
    assert beside.proc is None
    assert _index(project) == before
    assert _leftovers(project) == []


@needs_fork
def test_an_index_failing_beside_the_pages_is_raised_and_the_previous_index_kept(tmp_path, monkeypatch):
    project, before = _built(tmp_path)
    _retitle(project)

    pids = tmp_path / "pids"

    def broken(*a, **kw):
        pids.write_text(str(os.getpid()))
        raise BuildError("search index: 2 documents written for 3 entries")
    monkeypatch.setattr(pipeline, "build_search_index", broken)
    with pytest.raises(BuildError, match="2 documents written for 3 entries"):
        run(project, site=False, progress=False)
    assert int(pids.read_text()) != os.getpid()  # it failed beside the pages
    assert _index(project) == before
    assert _leftovers(project) == []
    monkeypatch.undo()
    # Not recorded as done: the next build writes the change into the index.
    again = run(project, site=False, progress=False)
    assert again.ok and again.details["index"]["added_or_changed"] == 1
    assert any(d["title"].startswith("Zqxw ") for d in _index(project)[1])


@needs_fork
def test_pages_failing_while_the_index_is_being_written_leave_no_folder_beside_it(tmp_path, monkeypatch):
    """The forked process writes into its own temporary folder first (index.build_search_index):
    stopped there, that folder goes too (found by review: only `into` was removed)."""
    project, before = _built(tmp_path)
    writing = tmp_path / "writing"
    real_write = index_module._write

    def slow_write(*a, **kw):
        writing.touch()
        time.sleep(60)  # stopped long before: the pages fail as soon as this has begun
        return real_write(*a, **kw)

    def broken(*a, **kw):
        for _ in range(600):  # a bound, not a measure: the forked process reaches _write or never
            if writing.exists():
                break
            time.sleep(0.05)
        raise OSError("disk full")
    monkeypatch.setattr(index_module, "_write", slow_write)
    monkeypatch.setattr(languages, "assemble", broken)
    with pytest.raises(OSError, match="disk full"):
        run(project, site=False, force=True, progress=False)
    assert writing.exists()
    assert _index(project) == before
    assert _leftovers(project) == []


@needs_fork
def test_an_index_process_that_dies_is_made_good_after_the_pages(tmp_path, monkeypatch):
    project = _project(tmp_path)
    parent = os.getpid()
    real_write = index_module._write

    def dies_when_forked(*a, **kw):
        if os.getpid() != parent:
            os._exit(3)  # after making its temporary folder, without an answer
        return real_write(*a, **kw)
    monkeypatch.setattr(index_module, "_write", dies_when_forked)
    report = run(project, site=False, force=True, progress=False)
    assert report.ok and report.details["index"]["beside_pages"] is False
    assert "written beside the pages" not in report.line()
    assert report.details["index"]["documents"] == len(report.entries) == len(_index(project)[1])
    assert _leftovers(project) == []
