"""sync_tree's own writer: files in new nested folders, mode 0644 whatever the umask, no
temporary file left, a changed file replaced (a reader holding the old one keeps its bytes)."""

from __future__ import annotations

import os

from tools.fsutil import sync_tree


def test_sync_tree_writes_new_folders_and_replaces_files(tmp_path):
    out = tmp_path / "tree"
    files = {"a.md": "un", "x/y/z.md": "deux é", "x/b.bin": b"\x00\x01"}
    old = os.umask(0o077)
    try:
        written, removed = sync_tree(files, out)
    finally:
        os.umask(old)
    assert sorted(written) == sorted(files) and removed == []
    assert (out / "x/y/z.md").read_text(encoding="utf-8") == "deux é"
    assert (out / "x/b.bin").read_bytes() == b"\x00\x01"
    assert all((out / rel).stat().st_mode & 0o777 == 0o644 for rel in files)
    with open(out / "a.md", "rb") as reader:  # opened before the replacement
        written, _ = sync_tree({**files, "a.md": "trois"}, out)
        assert reader.read() == b"un"
    assert written == ["a.md"] and (out / "a.md").read_text(encoding="utf-8") == "trois"
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["a.md", "b.bin", "z.md"]
