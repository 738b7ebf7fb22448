"""The pages memo's page texts kept out of its pickle (tools/site/memo_pack.py, #10): kept by
digest, read only when the docs tree does not hold them as recorded, and never taken from a pack
whose bytes are not those remembered."""

from __future__ import annotations

import io
import pickle

import pytest

from tests.conftest import entry_text, make_corpus
from tests.site.test_memo_reuse import _project
from tools.fsutil import content_digest
from tools.pipeline import PAGES_MEMO, run
from tools.search import static_index
from tools.site import generate, memo_pack


def _reads_after_a_body_change(monkeypatch, project) -> list:
    """The digests the pack will be read for (a list the next build fills), after a word is added
    to the body of ma-emploi's French version."""
    reads = []
    read = memo_pack.Pack.read
    monkeypatch.setattr(memo_pack.Pack, "read", lambda self, d: reads.append(d) or read(self, d))
    entry = project.practices / "ma" / "ma-emploi.fr.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\nUn mot de plus.\n", 1),
                     encoding="utf-8")
    return reads


def test_a_pack_gives_back_what_was_put_and_checks_it(tmp_path):
    path = tmp_path / "memo.pack"
    pack = memo_pack.Pack.create(path)
    a, b = pack.put("première page\n"), pack.put("autre page\n")
    assert a == content_digest("première page\n".encode())
    pack.flush({a, b})
    again = memo_pack.Pack.open(path, pack.ident, pack.length, dict(pack.index))
    assert again.read(a).decode() == "première page\n" and again.read(b).decode() == "autre page\n"
    assert memo_pack.Pack.open(path, b"x" * memo_pack.ID_BYTES, pack.length, pack.index) is None  # another pack
    assert memo_pack.Pack.open(path, pack.ident, pack.length + 1, pack.index) is None  # cut short
    raw = bytearray(path.read_bytes())
    offset, size = pack.index[a]
    raw[offset] ^= 1  # same length, other bytes
    path.write_bytes(bytes(raw))
    again = memo_pack.Pack.open(path, pack.ident, pack.length, dict(pack.index))
    with pytest.raises(memo_pack.StaleMemo):
        again.read(a)
    assert again.read(b).decode() == "autre page\n"


def test_texts_no_longer_used_are_dropped_and_the_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(memo_pack, "COMPACT_MIN", 0)
    path = tmp_path / "memo.pack"
    pack = memo_pack.Pack.create(path)
    keep = pack.put("gardée\n")
    pack.flush({keep, *(pack.put(f"vieille {i}\n" * 50) for i in range(20))})
    first = pack.ident
    pack.flush({keep})  # the old texts now outweigh the live one: copied to a new pack
    assert pack.ident != first and set(pack.index) == {keep}
    assert path.stat().st_size == memo_pack.HEAD + len("gardée\n".encode())
    again = memo_pack.Pack.open(path, pack.ident, pack.length, dict(pack.index))
    assert again.read(keep).decode() == "gardée\n"


def test_a_record_of_pages_is_stored_as_digests_and_opened_as_blobs(tmp_path):
    pack = memo_pack.Pack.create(tmp_path / "memo.pack")
    record = {"kb/a.md": "A\n", "kb/b.md": "B\n"}
    stored = memo_pack.store(record, ("country", "ma", "fr", 100, "x"), pack)
    assert isinstance(stored, memo_pack.Stored)
    assert sorted(memo_pack.referenced(stored)) == sorted(content_digest(t.encode()) for t in record.values())
    assert memo_pack.store("item text", ("item", "x"), pack) == "item text"  # not a page: kept as it is
    pack.flush(set(memo_pack.referenced(stored)))
    opened = memo_pack.Stored(stored.shape).open(pack)
    assert {path: blob.text() for path, blob in opened.items()} == record


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_change_reads_no_remembered_page_the_tree_holds(tmp_path, monkeypatch):
    project = _project(tmp_path)
    assert run(project, site=False, progress=False).ok
    with (project.build / PAGES_MEMO).open("rb") as fh:
        data = pickle.load(fh)
    stored = [k for k, v in data["texts"].items() if isinstance(v, memo_pack.Stored)]
    assert {k[0] for k in stored} >= {"glossary", "listing"}  # page texts kept as digests
    pages = {d for k in stored for d in memo_pack.referenced(data["texts"][k])}
    reads = _reads_after_a_body_change(monkeypatch, project)
    assert run(project, site=False, progress=False).timings["pages"] != "up to date"
    assert reads and not pages.intersection(reads)  # the body changed: listings, glossary, home reused unread
    changed = _tree(project.generated)
    assert run(project, site=False, progress=False, force=True).ok
    assert _tree(project.generated) == changed


def test_a_remembered_page_whose_pack_bytes_changed_is_made_again(tmp_path):
    """A remembered text read from the pack (the tree does not hold it as recorded) must be the
    one remembered: a pack changed since (same length, other bytes) gives a full regeneration,
    never its bytes in a page."""
    project = _project(tmp_path)
    assert run(project, site=False, progress=False).ok
    memo_path = project.build / PAGES_MEMO
    with memo_path.open("rb") as fh:
        data = pickle.load(fh)
    key = next(k for k, v in data["texts"].items() if k[0] == "glossary" and k[1] == "fr")
    path, digest = next(iter(data["texts"][key].shape.items()))
    page = project.generated / path[len("kb/"):]
    good = page.read_bytes()
    assert content_digest(good) == digest
    # The record says the tree holds other bytes there, so the text is read from the pack ...
    memo = generate.EntryMemo.load(memo_path, data["context"])
    memo.written[str(project.generated)][path[len("kb/"):]] = b"\0" * 16
    memo.save(memo_path)
    # ... whose bytes for it were changed (a byte of each character flipped to 'Z', same length).
    pack_path = generate.EntryMemo.pack_path(memo_path)
    with memo_path.open("rb") as fh:
        pickle.load(fh)  # the memo, then the pack's id, length and index
        offset, size = pickle.load(fh)[2][digest]
    raw = bytearray(pack_path.read_bytes())
    raw[offset:offset + size] = good.replace(b"---", b"ZZZ", 1)
    pack_path.write_bytes(bytes(raw))
    entry = project.practices / "ma" / "ma-emploi.fr.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\nUn mot de plus.\n", 1),
                     encoding="utf-8")
    assert run(project, site=False, progress=False).ok
    assert page.read_bytes() == good
    changed = _tree(project.generated)
    assert run(project, site=False, progress=False, force=True).ok
    assert _tree(project.generated) == changed


def test_a_retry_after_a_stale_text_reports_no_list_of_changes(tmp_path, monkeypatch):
    """When a remembered text turns out stale mid-stage, the first try may already have written a
    tree, which the retry finds as wanted and does not report: generate_docs then returns None (the
    pipeline lists the trees again) instead of the retry's incomplete list (found by review)."""
    memo_path = tmp_path / "pages.memo"
    memo_path.write_bytes(b"x")
    tries = []

    def stale_once(*a, **kw):
        tries.append(True)
        if len(tries) == 1:
            raise memo_pack.StaleMemo("pack changed")
        return {"kb": ([], [])}
    monkeypatch.setattr(generate, "_generate_docs", stale_once)
    assert generate.generate_docs([], None, None, memo=memo_path) is None
    assert len(tries) == 2 and not memo_path.exists()
    assert generate.generate_docs([], None, None, memo=memo_path) == {"kb": ([], [])}


def _terms(*words):
    return static_index.terms({"title": list(words), "body": [*words, words[0]]}, tuple(sorted(words)))


def test_records_are_kept_in_the_pack_and_read_only_when_used(tmp_path, monkeypatch):
    """Each entry's Terms go into the pack as their own pickle; the memo keeps a Lazy (digest and
    field lengths): the lengths every export reads come without a read, the rest is read once when
    asked, and a memo saved again keeps unread records unread."""
    pack = memo_pack.Pack.create(tmp_path / "memo.pack")
    a, b = _terms("emploi", "recensement"), _terms("migration")
    out = io.BytesIO()
    pickler = memo_pack.RecordPickler(out, pack, generate.LAZY_RECORDS)
    pickler.dump({"a": a, "b": b, "state": {0: (a, ("@ma", 3))}})
    assert len(pickler.live) == 2 and len(out.getvalue()) < len(pickle.dumps(b))  # kept out of the pickle
    pack.flush(pickler.live)
    reads = []
    read = memo_pack.Pack.read
    monkeypatch.setattr(memo_pack.Pack, "read", lambda self, d: reads.append(d) or read(self, d))
    ref = memo_pack.PackRef(memo_pack.Pack.open(pack.path, pack.ident, pack.length, dict(pack.index)))
    loaded = memo_pack.RecordUnpickler(io.BytesIO(out.getvalue()), ref).load()
    assert loaded["state"][0][0] is loaded["a"] and loaded["state"][0][1] == ("@ma", 3)
    assert loaded["a"].lengths == a.lengths and loaded["b"].lengths == b.lengths and reads == []
    assert loaded["a"].words == a.words and loaded["a"].forms == a.forms and (loaded["a"].counts == a.counts).all()
    assert len(reads) == 1  # b unread
    assert static_index.averages([loaded["a"], loaded["b"]]) == static_index.averages([a, b]) and len(reads) == 1
    again = memo_pack.RecordPickler(io.BytesIO(), ref.pack, generate.LAZY_RECORDS)
    again.dump(loaded)
    assert again.live == pickler.live and len(reads) == 1  # saved again as digests, unread
    # A record whose bytes changed in the pack is never taken for it.
    raw = bytearray(open(pack.path, "rb").read())
    offset, size = pack.index[loaded["b"].digest]
    raw[offset + size - 2] ^= 1
    open(pack.path, "wb").write(bytes(raw))
    with pytest.raises(memo_pack.StaleMemo):
        _ = loaded["b"].words
    unbound = pickle.loads(out.getvalue())  # read without the memo's pack: no record to read
    with pytest.raises(memo_pack.StaleMemo):
        _ = unbound["a"].words


def test_a_change_reads_the_records_of_the_changed_entry_alone(tmp_path, monkeypatch):
    project = _project(tmp_path)
    make_corpus(project.root, {f"ma/ma-plus-{i}.fr.md": entry_text(title=f"Enquête numéro {i}") for i in range(6)})
    assert run(project, site=False, progress=False).ok
    with (project.build / PAGES_MEMO).open("rb") as fh:
        data = pickle.load(fh)
    records = {k[1]: v.digest for k, v in data["texts"].items() if k[0] == "static-terms"}
    assert len(records) == 8 and all(isinstance(v, memo_pack.Lazy) for k, v in data["texts"].items()
                                     if k[0] == "static-terms")
    changed = next(k for k in data["prints"] if k.startswith("ma-emploi"))
    reads = _reads_after_a_body_change(monkeypatch, project)
    assert run(project, site=False, progress=False).ok
    assert set(reads) & set(records.values()) == {records[data["prints"][changed]]}
    tree = _tree(project.generated)
    assert run(project, site=False, progress=False, force=True).ok
    assert _tree(project.generated) == tree


def test_a_record_whose_pack_bytes_changed_gives_a_full_regeneration(tmp_path):
    project = _project(tmp_path)
    assert run(project, site=False, progress=False).ok
    memo_path = project.build / PAGES_MEMO
    with memo_path.open("rb") as fh:
        data = pickle.load(fh)
        _, _, index = pickle.load(fh)
    changed = next(k for k in data["prints"] if k.startswith("ma-emploi"))
    digest = data["texts"][("static-terms", data["prints"][changed])].digest
    pack_path = generate.EntryMemo.pack_path(memo_path)
    raw = bytearray(pack_path.read_bytes())
    offset, size = index[digest]
    raw[offset + size - 2] ^= 1
    pack_path.write_bytes(bytes(raw))
    entry = project.practices / "ma" / "ma-emploi.fr.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\nUn mot de plus.\n", 1),
                     encoding="utf-8")
    assert run(project, site=False, progress=False).ok
    tree = _tree(project.generated)
    assert run(project, site=False, progress=False, force=True).ok
    assert _tree(project.generated) == tree
