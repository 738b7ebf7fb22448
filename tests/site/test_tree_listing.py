"""stamps.TreeListing: the docs-tree print after a stage, from one walk plus the files the stage
reports, equals a fresh walk's (the pipeline records it and compares it with a walk next run)."""

from __future__ import annotations

import os

from tools import stamps
from tools.fsutil import sync_tree


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
