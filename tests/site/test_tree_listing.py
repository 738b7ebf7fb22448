"""stamps.TreeListing: the docs-tree print after a stage, from one walk plus the files the stage
reports, equals a fresh walk's (the pipeline records it and compares it with a walk next run).
fsutil.sync_tree's `known` digests spare reading files the last build left, and a file someone
else changed in a docs tree is still brought back by the next build."""

from __future__ import annotations

import os

from tests.conftest import entry_text, make_corpus
from tests.sitebuild import copy_project
from tools import stamps
from tools.fsutil import content_digest, sync_tree
from tools.pipeline import run


def test_listing_updated_by_a_sync_equals_a_fresh_walk(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    sync_tree({"a.md": "a", "b/c.md": "c", "b/d/e.md": "e", "z.md": "z"}, one)
    sync_tree({"x.md": "x"}, two)
    listing = stamps.TreeListing(one, two)
    before = listing.print()
    assert before == stamps.tree_print(one, two)

    os.utime(one / "a.md", ns=(1, 1))  # an old time, so that a rewrite surely changes the print
    listing = stamps.TreeListing(one, two)
    # Rewritten, added (in a new folder, between existing names, and at the top), removed files.
    written, removed = sync_tree({"a.md": "A!", "b/c.md": "c", "b/bb/n.md": "n", "a.txt": "t", "z.md": "z"}, one)
    assert sorted(written) == ["a.md", "a.txt", "b/bb/n.md"] and removed == ["b/d/e.md"]
    listing.update(one, written, removed)
    assert listing.print() == stamps.tree_print(one, two) != before


def test_a_listing_not_told_of_a_write_differs_from_the_walk(tmp_path):
    sync_tree({"a.md": "a"}, tmp_path)
    listing = stamps.TreeListing(tmp_path)
    (tmp_path / "hand.md").write_text("edited by hand", encoding="utf-8")
    listing.update(tmp_path, [], [])
    assert listing.print() != stamps.tree_print(tmp_path)


def test_sync_with_known_digests_writes_what_changed_and_records_what_it_left(tmp_path):
    known: dict[str, bytes] = {}
    assert sync_tree({"a.md": "a", "b/c.md": "c"}, tmp_path, known=known) == (["a.md", "b/c.md"], [])
    assert known == {"a.md": content_digest(b"a"), "b/c.md": content_digest(b"c")}
    written, removed = sync_tree({"a.md": "A", "d.md": "d"}, tmp_path, known=known)
    assert (sorted(written), removed) == (["a.md", "d.md"], ["b/c.md"])
    assert known == {"a.md": content_digest(b"A"), "d.md": content_digest(b"d")}
    assert {p.name: p.read_text() for p in tmp_path.rglob("*.md")} == {"a.md": "A", "d.md": "d"}
    # A file recorded in `known` is trusted unread (the caller vouches that nobody changed it).
    (tmp_path / "d.md").write_text("changed behind the record")
    assert sync_tree({"a.md": "A", "d.md": "d"}, tmp_path, known=known) == ([], [])
    assert sync_tree({"a.md": "A", "d.md": "d"}, tmp_path) == (["d.md"], [])  # without it, read


def test_a_hand_edited_docs_file_is_restored_by_an_incremental_build(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, {"ma/ma-emploi.fr.md": entry_text(),
                               "ma/ma-autre.fr.md": entry_text(title="Recensement général de la population")})
    assert run(project, site=False, progress=False).ok
    page = project.generated / "entries" / "ma-emploi" / "fr.md"
    original = page.read_bytes()
    page.write_text("edited by hand\n", encoding="utf-8")
    report = run(project, site=False, progress=False)
    assert report.ok and report.timings["pages"] != "up to date"
    assert page.read_bytes() == original
    assert run(project, site=False, progress=False).timings["pages"] == "up to date"


def test_without_a_walk_removed_files_and_their_emptied_folders_go(tmp_path):
    for complete in (False, True):
        out = tmp_path / str(complete)
        known: dict[str, bytes] = {}
        sync_tree({"a.md": "a", "b/c/d.md": "d", "b/e.md": "e"}, out, known=known)
        (out / "kept.md").write_text("kept")  # a file kept unread and never recorded
        sync_tree({"a.md": "a"}, out, keep={"kept.md"}, known=known, complete=complete)
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a.md", "kept.md"]
        assert set(known) == {"a.md", "kept.md"} if not complete else {"a.md"}
    # A kept file the walk listed is then removed, when no longer kept, without a walk.
    out = tmp_path / "False"
    known = {}
    sync_tree({"a.md": "a"}, out, keep={"kept.md"}, known=known)
    assert known["kept.md"] == b""
    assert sync_tree({"a.md": "a"}, out, known=known, complete=True) == ([], ["kept.md"])
    assert sorted(p.name for p in out.rglob("*")) == ["a.md"]
