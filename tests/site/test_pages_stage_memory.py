"""What a full pages stage holds at once (#10: the build's peak memory, main process and forked
static export together): the forked export's process ends as soon as its answer is written, not
when the build asks for it after the other interfaces; the exports that are the same in every
interface are made once per build."""

from __future__ import annotations

import os

import pytest

from tests.conftest import make_corpus, mini_corpus
from tests.sitebuild import copy_project
from tools.pipeline import run
from tools.site import exports, generate, languages


def _project(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, mini_corpus())
    return project


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two processors")
def test_the_forked_export_ends_before_the_other_interfaces_are_done(tmp_path, monkeypatch):
    """Before: the forked process wrote its answer (more than a pipe's buffer) only as fast as the
    build read it, in result(), after the other interfaces: it stayed alive, as large as the
    export made it, all that time."""
    project = _project(tmp_path)
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0)
    started, ended = [], []

    class Watched(generate.StaticElsewhere):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            started.append(self.job.proc)

    real = languages.assemble

    def assemble(root, lang, *a, **kw):
        if lang == languages.OTHER_LANGS[-1]:  # the last interface before result() is asked
            [proc] = started
            proc.join(120)  # a bound, not a measure: the process ends within it or never
            ended.append(proc.exitcode)
        return real(root, lang, *a, **kw)
    monkeypatch.setattr(generate, "StaticElsewhere", Watched)
    monkeypatch.setattr(generate.languages, "assemble", assemble)
    assert run(project, site=False, force=True, progress=False).ok
    assert ended == [0]
    assert list((project.generated / "search").glob("*.js"))


def test_the_exports_the_same_in_every_interface_are_made_once(tmp_path, monkeypatch):
    project = _project(tmp_path)
    made = []
    real = exports._pieces

    def pieces(entries, kind, *a, **kw):
        made.append(kind)
        return real(entries, kind, *a, **kw)
    monkeypatch.setattr(exports, "_pieces", pieces)
    assert run(project, site=False, force=True, progress=False).ok
    assert sorted(made) == ["catalog", "csv", "json"]  # before: each three times, once per interface
    trees = [project.generated, *(languages.tree(project.root, lang) / "kb" for lang in languages.OTHER_LANGS)]
    for name in ("entries.json", "entries.csv", "catalog.json"):
        texts = {(tree / name).read_bytes() for tree in trees}
        assert len(texts) == 1
        assert texts.pop()
