"""Atomic replacement of build outputs: readers see the old output or the new one, never half of each."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def temp_dir_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    os.chmod(path, 0o755)  # mkdtemp makes 0700: a web server running as another user could not read it
    return path


def swap_dir(new: Path, target: Path) -> None:
    """Put `new` in place of `target` with renames (atomic on one file system), then drop the old one."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.fchmod(fd, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def sync_tree(files: dict[str, str | bytes], out: Path) -> tuple[list[str], list[str]]:
    """Make folder `out` hold exactly `files` ({relative path: text or bytes}): write each file whose
    bytes differ (atomically), remove the others. Returns (written, removed) relative paths."""
    written, removed = [], []
    for rel, data in files.items():
        raw = data.encode("utf-8") if isinstance(data, str) else data
        target = out / rel
        try:
            same = target.stat().st_size == len(raw) and target.read_bytes() == raw
        except OSError:
            same = False
        if not same:
            write_atomic(target, raw)
            written.append(rel)
    if out.exists():
        for path in sorted(out.rglob("*")):
            if path.is_file() and path.relative_to(out).as_posix() not in files:
                path.unlink()
                removed.append(path.relative_to(out).as_posix())
        for folder in sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            if not any(folder.iterdir()):
                folder.rmdir()
    return written, removed
