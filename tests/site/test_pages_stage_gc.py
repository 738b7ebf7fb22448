"""The pages stage keeps the collector off the objects alive when it starts (generate.
_long_lived_frozen, #10): frozen while the pages are made (also across the forked static export,
which freezes and unfreezes around its fork), put back when the stage ends or fails."""

from __future__ import annotations

import gc
import os

import pytest

from tests.conftest import make_corpus, mini_corpus
from tests.sitebuild import copy_project
from tools.pipeline import run
from tools.site import generate, pages


def _project(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, mini_corpus())
    return project


def _freezes_seen(monkeypatch) -> list[int]:
    seen = []
    real = pages.generate

    def spy(*a, **kw):
        seen.append(gc.get_freeze_count())
        return real(*a, **kw)
    monkeypatch.setattr(pages, "generate", spy)
    return seen


@pytest.mark.parametrize("forked", [False, True])
def test_the_objects_alive_before_the_stage_stay_frozen_while_pages_are_made(tmp_path, monkeypatch, forked):
    if forked and (not hasattr(os, "fork") or (os.cpu_count() or 1) < 2):
        pytest.skip("needs fork and two processors")
    project = _project(tmp_path)
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0 if forked else 10**9)
    seen = _freezes_seen(monkeypatch)
    assert gc.get_freeze_count() == 0
    assert run(project, site=False, force=True, progress=False).ok
    assert len(seen) == 3  # one per interface
    assert all(count > 0 for count in seen)  # the French interface's too, made after the fork
    assert gc.get_freeze_count() == 0


def test_the_freeze_ends_when_the_stage_fails(tmp_path, monkeypatch):
    project = _project(tmp_path)

    def fail(*a, **kw):
        raise RuntimeError("boom")
    monkeypatch.setattr(pages, "generate", fail)
    with pytest.raises(RuntimeError):
        run(project, site=False, force=True, progress=False)
    assert gc.get_freeze_count() == 0


def test_an_outer_freeze_is_left_as_it_is():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with generate._long_lived_frozen():
            pass
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
