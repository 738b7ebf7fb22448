"""The full build's segment writer (tools.search.writer): postings grouped by term in memory, the
segment written term by term. It writes Whoosh's segment files byte for byte, its pool gives
postings in PostingPool's order whatever the order they came in, and a full build takes it in
place of Whoosh's sorting pool, in one process and in the parallel writer's sub-writers."""

from __future__ import annotations

import random

import numpy as np
from whoosh import index as whoosh_index
from whoosh.writing import PostingPool

from tests.search.test_engine_fast import corpus
from tools.search import index as search_index
from tools.search import writer
from tools.search.engine import SearchIndex
from tools.search.index import build_search_index, document, make_schema


def _segment_files(folder) -> dict[str, bytes]:
    """{extension: bytes} of the one segment's files in `folder` (names hold a random segment id)."""
    out = {}
    for path in folder.iterdir():
        if path.name.startswith("MAIN_") and not path.name.endswith("LOCK"):
            segment_id = path.name[len("MAIN_"):].split(".")[0].split("_")[0]
            out[path.name.replace(segment_id, "", 1)] = path.read_bytes()
    return out


def test_grouped_writer_writes_whooshs_segment_files(tmp_path):
    docs = [document(e) for e in corpus(80, seed=5)]
    for name, make in (("whoosh", lambda ix: ix.writer(compound=False)),
                       ("grouped", lambda ix: writer._GroupedWriter(ix, compound=False))):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), make_schema())
        w = make(ix)
        for doc in docs:
            w.add_document(**doc)
        w.commit()
        ix.close()
    whoosh, grouped = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "grouped")
    assert {name.rsplit(".", 1)[-1] for name in whoosh} == {"pst", "trm", "col"}
    assert grouped == whoosh


def test_pool_gives_postings_in_posting_pool_order():
    rng = random.Random(7)
    items = {(rng.choice(["body_fr", "title_fr", "neutral"]), f"w{rng.randrange(40):02d}".encode(), rng.randrange(300),
              float(rng.randint(1, 4)), bytes([rng.randrange(256)])) for _ in range(2000)}
    items = list({(f, t, d): (f, t, d, w, v) for f, t, d, w, v in items}.values())  # one posting per term and document
    rng.shuffle(items)  # as add_reader may give them: not in document order
    pool = writer._TermPool()
    for item in items:
        pool.add(item)
    assert not pool.ordered
    assert list(pool.iter_postings()) == sorted(items)
    assert pool.fieldnames == {f for f, *_ in items}


def test_full_build_in_one_process_takes_no_posting_pool(tmp_path, monkeypatch):
    added = []
    real_add = PostingPool.add

    def counted(self, item):
        added.append(item)
        return real_add(self, item)
    monkeypatch.setattr(PostingPool, "add", counted)
    entries = corpus(40)
    assert len(entries) < search_index.MULTIPROC_MIN_DOCS
    build_search_index(entries, tmp_path / "ix", progress=False, full=True)
    assert added == []
    assert SearchIndex(tmp_path / "ix").search("migration")["total"] > 0


def test_parallel_full_build_answers_as_whooshs_writer(tmp_path, monkeypatch):
    entries = corpus(search_index.MULTIPROC_MIN_DOCS + 60, seed=11)
    build_search_index(entries, tmp_path / "grouped", progress=False, full=True)

    def whooshs(ix, procs):
        return ix.writer(procs=procs, multisegment=True) if procs > 1 else ix.writer()
    monkeypatch.setattr(search_index, "full_writer", whooshs)
    build_search_index(entries, tmp_path / "whoosh", progress=False, full=True)
    a, b = SearchIndex(tmp_path / "grouped"), SearchIndex(tmp_path / "whoosh")
    for q in ("migration", "enquête emploi", "sous-emploi", "الهجرة سوق العمل", "remittances Maroc", "census",
              '"enquête emploi"', "migration NOT retour"):
        # Which documents each sub-writer gets varies from run to run, so equal scores may come in
        # another order: the same entries, scores and snippets are asked for.
        found, expected = a.search(q, page_size=50), b.search(q, page_size=50)
        assert sorted(found.pop("results"), key=str) == sorted(expected.pop("results"), key=str), q
        assert found == expected, q
    assert a.search("migration")["total"] > 0


def test_full_build_makes_snippet_arrays_as_it_writes(tmp_path, monkeypatch):
    from tools.search import engine, snippets

    reports = []

    def recorded(folder):
        reports.append(snippets.write_snippets(folder))
        return reports[-1]
    monkeypatch.setattr(engine, "write_snippets", recorded)
    entries = corpus(search_index.MULTIPROC_MIN_DOCS + 20, seed=13)
    engine.build_search_index(entries, tmp_path / "ix", progress=False, full=True)
    # The sub-writers left every segment's arrays: none was made again from the stored texts.
    assert reports == [{**reports[0], "segments": 2, "computed": 0, "tokens": 0}]
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    try:
        reader = ix.reader()
        for seg, _ in reader.leaf_readers():
            folder = tmp_path / "ix" / snippets.SNIPPETS_DIR / snippets._folder_name(snippets._segment_identity(seg))
            expected = snippets._segment_arrays(seg)
            for name, array in expected.items():
                kept = np.load(folder / f"{name}.npy")
                assert kept.dtype == array.dtype and np.array_equal(kept, array), name
        reader.close()
    finally:
        ix.close()


def test_positions_taken_from_the_snippets_analysis_are_the_chains():
    # The writer analyses a summary and body for the snippets just before they are indexed; their
    # positions are then taken from that analysis (_Chain.index_positions): the same as analysed anew.
    texts = [e.body for e in corpus(30, seed=17)] + ["sous-emploi de l'emploi, main-d'œuvre", "الهجرة والعمل"]
    for lang in ("fr", "en", "ar", None):
        ana = search_index.analyzer(lang)
        for text in texts:
            fresh = search_index.analyzer(lang).index_positions(text)
            ana.index_terms(text)
            assert ana.index_positions(text) == fresh
            ana.index_terms(text + " autre")  # another text last: not taken for this one
            assert ana.index_positions(text) == fresh


BALLAST_MB = 256  # resident memory of the test's build process, as a large collection's build holds


def test_parallel_sub_writers_do_not_start_as_large_as_the_build(tmp_path):
    """The parallel writer's sub-writers are fresh processes: what the build process holds is not
    counted again in each (#10: forked from a 10,000-entry build they started at 450 MB each and
    made the build's peak memory). Measured in a build process of its own holding BALLAST_MB,
    from each child's peak resident memory (VmHWM) as last read while it ran: a child started by
    fork and exec has the parent's size for the instant before its exec, which a first reading
    may see, and which its exec'd program's own peak leaves out."""
    import os
    import subprocess
    import sys
    import textwrap

    from tests.sitebuild import REPO

    script = textwrap.dedent(f"""
        import os, sys, threading
        from pathlib import Path
        from tests.search.test_engine_fast import corpus
        from tools.search import index
        index.MULTIPROC_MIN_DOCS = 2
        entries = corpus(250, seed=3)  # three job files of 100 documents: both sub-writers work
        ballast = b"x" * ({BALLAST_MB} << 20)  # written, so resident
        peaks, stop = {{}}, threading.Event()

        def watch():
            while not stop.is_set():
                for pid in Path(f"/proc/{{os.getpid()}}/task/{{os.getpid()}}/children").read_text().split():
                    try:
                        status = Path(f"/proc/{{pid}}/status").read_text()
                    except OSError:
                        continue
                    for line in status.splitlines():
                        if line.startswith("VmHWM:"):
                            peaks[pid] = int(line.split()[1]) // 1024
                stop.wait(0.01)
        watcher = threading.Thread(target=watch)
        watcher.start()
        info = index.build_search_index(entries, Path(sys.argv[1]), progress=False, full=True)
        stop.set()
        watcher.join()
        assert not info.get("parallel_fallback"), info
        print(len(peaks), max(peaks.values()))
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "ix")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    children, largest_mb = map(int, done.stdout.split()[-2:])
    assert children >= 2  # both sub-writers seen
    assert largest_mb < BALLAST_MB / 2, f"a sub-writer peaked at {largest_mb} MB"
    assert SearchIndex(tmp_path / "ix").search("migration")["total"] > 0


def test_a_failed_parallel_build_leaves_no_sub_writer_running(tmp_path, monkeypatch):
    import psutil
    import pytest

    made = []

    def failing(entry, *args, **kwargs):
        if len(made) == 250:  # after a few job files went to the sub-writers
            raise RuntimeError("a document failed")
        made.append(entry.key)
        return document(entry, *args, **kwargs)
    monkeypatch.setattr(search_index, "MULTIPROC_MIN_DOCS", 2)
    monkeypatch.setattr(search_index, "document", failing)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(RuntimeError, match="a document failed"):
        build_search_index(corpus(300, seed=19), tmp_path / "ix", progress=False, full=True)
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE]
    assert left == []
    assert not (tmp_path / "ix").exists()
