"""tools.memory: memory freed by a stage is handed back to the system before the next one."""

import os
import sys

import pytest

from tools.memory import release_memory


def _rss_mb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; malloc_trim is glibc's")
def test_freed_heap_goes_back_to_the_system():
    # 200 MB of objects too large for CPython's small-object allocator (512 bytes), so in the C
    # heap; one in 50 kept alive, so the heap cannot simply shrink from its top.
    blocks = [os.urandom(1) * 2000 for _ in range(100_000)]
    keep = blocks[::50]
    del blocks
    held = _rss_mb()
    assert release_memory() is True
    assert held - _rss_mb() > 100
    assert len(keep) == 2000 and all(len(b) == 2000 for b in keep)


def test_each_stage_that_runs_hands_its_memory_back(tmp_path, monkeypatch):
    import tools.pipeline
    from tests.sitebuild import copy_project

    calls = []
    monkeypatch.setattr(tools.pipeline, "release_memory", lambda: calls.append(1) or True)
    project = copy_project(tmp_path, with_practices=False)
    report = tools.pipeline.run(project, site=False, progress=False)
    assert report.ok and len(calls) == 2  # pages, index
    calls.clear()
    report = tools.pipeline.run(project, site=False, progress=False)
    assert report.timings["pages"] == report.timings["index"] == "up to date" and calls == []
