"""Look-alike signatures made with each file's check (tools.content.cached._check, in the pool's
processes), not after the pool over the whole collection in the build's process (#10): a file's
signatures alone are those it has among others, and the warnings are those of a check from scratch.
The pool's answers are read with the collector paused (its workers keep theirs)."""

from __future__ import annotations

import contextlib
import gc

from tests.conftest import entry_text, make_corpus
from tests.content.test_lookalike_verdicts import copies
from tools.content import cached, validate


def test_a_files_signatures_alone_are_those_it_has_among_others():
    raws = copies()
    together = validate.lookalike_signatures(raws)
    assert sum(s is not None for s in together) > 50
    assert [validate.lookalike_signatures([r])[0] for r in raws] == together


def test_the_collection_is_not_signed_again_after_the_files_are_checked(tmp_path, monkeypatch):
    title = "Enquête nationale sur la migration de retour au Maroc"
    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title=title),
                                       "ma/ma-b.fr.md": entry_text(title=title + " (bis)"),
                                       "tn/tn-c.fr.md": entry_text(title="Registre des travailleurs")})
    signed = []
    real = validate.lookalike_signatures
    monkeypatch.setattr(cached, "lookalike_signatures", lambda raws: signed.append(len(raws)) or real(raws))
    _, problems, files = cached.load_collection(practices, practices.parent, cache=tmp_path / "c.pickle", workers=1)
    assert files == 3
    assert signed == [1, 1, 1]  # one per file checked, none over the collection
    monkeypatch.undo()
    _, reference, _ = validate.load_collection(practices, practices.parent)  # no cache, no pool

    def lookalikes(found):
        return sorted((p.path, p.field, p.message) for p in found if p.message.startswith("looks like"))
    assert lookalikes(problems) == lookalikes(reference)
    assert ("practices/ma/ma-b.fr.md", "title", "looks like practices/ma/ma-a.fr.md") in lookalikes(problems)


def _collector_on(item, vocabs):
    return gc.isenabled()


def test_the_pool_answers_are_read_with_the_collector_paused_and_its_workers_keep_theirs(monkeypatch):
    monkeypatch.setattr(cached, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(cached, "_check", _collector_on)
    seen = []
    real = cached.gc_paused

    @contextlib.contextmanager
    def spy():
        with real():
            seen.append(gc.isenabled())
            yield
    monkeypatch.setattr(cached, "gc_paused", spy)
    assert gc.isenabled()
    assert cached._check_all([("a", "a"), ("b", "b"), ("c", "c")], 2, None) == [True, True, True]
    assert seen == [False]
    assert gc.isenabled()


def test_signatures_are_minhashes_with_the_default_permutations_drawn_once(monkeypatch):
    """The permutations kept between calls (validate._permutations) are those a fresh
    MinHash(num_perm) draws: each signature equals datasketch's own, made from scratch; and a
    process draws them once per number of permutations, not once per file (#10)."""
    import zlib

    from datasketch import MinHash

    raws = copies()
    MinHashClass = validate.minhash_class()
    drawn = []
    real = MinHashClass._init_permutations
    monkeypatch.setattr(MinHashClass, "_init_permutations", lambda self, n: drawn.append(n) or real(self, n))
    monkeypatch.setattr(validate, "_PERMUTATIONS", {}, raising=False)
    signatures = [validate.lookalike_signatures([r])[0] for r in raws]
    assert sorted(drawn) == sorted({b * r for b, r in validate.LSH_BANDS.values()})
    monkeypatch.undo()
    checked = 0
    for raw, signature in zip(raws, signatures, strict=True):
        group = validate._lookalike_group(raw)
        if group is None:
            assert signature is None
            continue
        tag = f"{group[0]}:{','.join(group[1])}|"
        for text, name, got in ((raw.meta["title"], "title", signature[0]),
                                (str(raw.meta.get("summary", "")), "summary", signature[1])):
            b, r = validate.LSH_BANDS[name]
            fresh = MinHash(num_perm=b * r, hashfunc=zlib.crc32)
            fresh.update_batch(validate._shingles(text, tag))
            assert got == fresh.hashvalues.tobytes()
            checked += 1
    assert checked > 100


def test_the_whole_check_runs_with_the_collector_paused_and_hands_it_back(tmp_path):
    """load_collection makes and reads hundreds of thousands of objects and no garbage cycles: the
    collector is held off from its start to its end (its passes took ~1 s of the build's process
    after the pool at 10,000 entries, #10), and is on again after it: its first pass then looks at
    what the check returns, what it made and dropped being freed already."""
    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha"),
                                       "ma/ma-b.fr.md": entry_text(title="Enquête Beta"),
                                       "tn/tn-c.fr.md": entry_text(title="Registre des travailleurs")})
    passes = []

    def seen(phase, info):
        if phase == "start":
            passes.append(info["generation"])
    gc.collect()
    gc.callbacks.append(seen)
    try:
        entries, _, files = cached.load_collection(practices, practices.parent, cache=tmp_path / "c.pickle", workers=1)
    finally:
        gc.callbacks.remove(seen)
    assert files == 3 and len(entries) == 3
    assert len(passes) <= 1  # none while checking (dozens before #10); one may start as it is turned on again
    assert gc.isenabled()


def test_the_pool_workers_collect_though_forked_with_the_collector_paused(monkeypatch):
    monkeypatch.setattr(cached, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(cached, "_check", _collector_on)
    with cached.gc_paused():  # as load_collection runs _check_all
        assert cached._check_all([("a", "a"), ("b", "b"), ("c", "c")], 2, None) == [True, True, True]
        assert not gc.isenabled()
    assert gc.isenabled()
