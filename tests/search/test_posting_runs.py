"""Postings spilled to run files (once a writer's pool outgrows its limit) come back complete and
in order with the batched run format (tools.search.index), and an index written through many runs
(an incremental build of many changed entries: a full build takes no PostingPool) answers as one
written in memory."""

from __future__ import annotations

import random

from whoosh.filedb.filestore import FileStorage
from whoosh.writing import PostingPool

from tests.search.test_engine_fast import corpus
from tools.search import index as search_index
from tools.search.engine import SearchIndex
from tools.search.index import build_search_index


def test_runs_give_back_every_posting_in_order(tmp_path):
    rng = random.Random(3)
    items = [("body_fr", f"w{rng.randrange(3000):05d}".encode(), rng.randrange(500), 1.0, bytes([rng.randrange(256)]))
             for _ in range(3 * search_index.RUN_BATCH + 17)]
    pool = PostingPool(FileStorage(str(tmp_path)), None, limitmb=1)
    pool.limit = 20_000  # a run every ~100 postings
    for item in items:
        pool.add(item)
    assert len(pool.runs) > 10
    assert list(pool.items()) == sorted(items)
    assert list(tmp_path.iterdir()) == []  # run files removed once read


def test_index_written_through_runs_answers_the_same(tmp_path, monkeypatch):
    # Every entry changed since the last build: an incremental build rewrites all of them, once
    # in memory, once through runs.
    entries = corpus(60, seed=4)
    for name in ("memory", "runs"):
        build_search_index(corpus(60), tmp_path / name, progress=False)
    build_search_index(entries, tmp_path / "memory", progress=False)
    real_init, real_write = PostingPool.__init__, PostingPool._write_run
    runs = []

    def small(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.limit = 50_000

    def counted(self, f, items):
        runs.append(1)
        return real_write(self, f, items)
    monkeypatch.setattr(PostingPool, "__init__", small)
    monkeypatch.setattr(PostingPool, "_write_run", counted)
    build_search_index(entries, tmp_path / "runs", progress=False)
    assert len(runs) > 5
    a, b = SearchIndex(tmp_path / "memory"), SearchIndex(tmp_path / "runs")
    for q in ("emploi", "migration travail", "enquête", "données", "Maroc"):
        assert a.search(q, page_size=50) == b.search(q, page_size=50), q
    assert a.search("emploi")["total"] > 0
