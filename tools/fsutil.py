"""Atomic replacement of build outputs, and the build lock.

Readers see the old output or the new one, never half of each; a build killed at any moment
leaves the previous outputs whole, and the temporary folders it leaves are removed by the next one.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2  # linux/fs.h
_STALE = re.compile(r"^\..+\.(?:tmp|old)-[^/]+$")
_TRASH = re.compile(r"^\..+\.trash-[^/]+$")
TRASH_GRACE = 120  # seconds: a trash folder untouched that long has no deletion running on it


def temp_dir_beside(target: Path) -> Path:
    """A new empty folder `.<target name>.tmp-*` in target's parent folder (created if missing), mode
    0755, to build an output in before swap_dir puts it in place: on the same file system as
    `target`, so the swap is a rename. Left behind by a killed build, it is removed by clean_stale.
    Raises OSError when the parent cannot be created or written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    os.chmod(path, 0o755)  # mkdtemp makes 0700: a web server running as another user could not read it
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2 RENAME_EXCHANGE). False where the
    system or the file system does not offer it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def discard_later(path: Path, name: str | None = None) -> None:
    """Remove the folder `path` in a detached `rm -rf`: it is first moved into a `.<name>.trash-*`
    folder beside itself (`name`: the output's name, default path's), one system call, so the caller does not wait for the deletion of
    thousands of files (a previous site) and the name is free at once. Trash left by a killed
    deletion is removed by clean_stale. A walk of the parent folder meanwhile may meet folders
    that vanish under it (os.walk ignores them; pathlib's rglob raises)."""
    trash = Path(tempfile.mkdtemp(prefix=f".{name or path.name}.trash-", dir=path.parent))
    os.replace(path, trash / "old")  # not path's name: a '.site.tmp-*' inside would look like a leftover
    try:
        subprocess.Popen(["rm", "-rf", "--", str(trash)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)


def swap_dir(new: Path, target: Path, *, background: bool = False, keep: bool = False) -> Path | None:
    """Put `new` in place of `target`, then drop the old one (with background, in a detached
    process: see discard_later), or with keep, leave it to the caller: it is returned, at a
    temporary path beside `target` (`.<name>.old-*` or `new`'s path), None when there was none.

    On Linux the two trade places in one atomic step, so `target` exists at every instant, even if
    the process is killed; elsewhere two renames leave a moment without it (the next build's
    clean_stale puts the old one back if the process died there)."""
    if target.exists() and _exchange(new, target):
        if keep:
            return new  # now the old output
        if background:
            discard_later(new, target.name)
        else:
            shutil.rmtree(new, ignore_errors=True)
        return None
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None and not keep:
        if background:
            discard_later(old, target.name)
        else:
            shutil.rmtree(old, ignore_errors=True)
        return None
    return old


def clean_stale(targets: list[Path]) -> list[Path]:
    """Remove the temporary folders that killed builds left beside each target (`.<name>.tmp-*`,
    `.<name>.old-*`, and `.<name>.trash-*` untouched for TRASH_GRACE seconds), restoring an `.old-*`
    folder first when its target is missing. Call it only
    while holding build_lock. Returns the paths removed."""
    removed = []
    for target in targets:
        parent = target.parent
        if not parent.is_dir():
            continue
        leftovers = sorted(p for p in parent.iterdir() if p.name.startswith(f".{target.name}.") and _STALE.match(p.name))
        for path in leftovers:
            if ".old-" in path.name and not target.exists() and path.is_dir():
                os.replace(path, target)
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        for path in sorted(p for p in parent.iterdir() if p.name.startswith(f".{target.name}.") and _TRASH.match(p.name)):
            try:
                touched = max([path.stat().st_mtime] + [c.stat().st_mtime for c in path.iterdir()])
            except OSError:
                continue
            if time.time() - touched > TRASH_GRACE:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


class Busy(Exception):
    """Another process holds the build lock. `pid` is its process id (0 if unknown)."""

    def __init__(self, pid: int):
        super().__init__(f"another build is running (pid {pid})")
        self.pid = pid


@contextmanager
def build_lock(path: Path):
    """Hold an exclusive lock on `path` (created if missing, the holder's pid written inside) for the
    duration of the block. The lock is the kernel's (flock): a killed holder releases it, so a lock
    file left by a dead process is simply taken over. Raises Busy if a live process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise Busy(int(text) if text.isdigit() else 0) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace the file `path` by `data` (str is written as UTF-8) through a temporary file in the same
    folder (`.<name>.*`, mode 0644) renamed over it: a reader sees the old bytes or the new ones,
    never part of each. Creates missing parent folders. Raises OSError as the file system does (the
    temporary file is then left behind)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.fchmod(fd, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _replace_file(path: str, raw: bytes, folders: set[str]) -> None:
    """write_atomic for sync_tree's many files (a fresh tree of 10,000 entries holds ~130,000):
    the same replacement through a temporary file of the same folder (`.<name>.<pid>-<thread>.tmp`, only
    this process writes there while it holds the build lock), without tempfile's random names and
    pathlib, and each folder made once per call (`folders`: those already made)."""
    parent, name = os.path.split(path)
    if parent not in folders:
        os.makedirs(parent, exist_ok=True)
        folders.add(parent)
    tmp = os.path.join(parent, f".{name}.{os.getpid()}-{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        os.fchmod(fd, 0o644)
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.replace(tmp, path)


def content_digest(raw: bytes) -> bytes:
    """A 16-byte digest of a file's bytes (BLAKE2b), as sync_tree records them in `known`."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def sync_tree(files: dict[str, str | bytes], out: Path, keep: frozenset[str] | set[str] = frozenset(),
              known: dict[str, bytes] | None = None, complete: bool = False) -> tuple[list[str], list[str]]:
    """Make folder `out` hold exactly `files` ({relative path: text or bytes}) and the files `keep`
    (relative paths known to be current, left unread): write each file of `files` whose bytes
    differ (atomically), remove the others. Returns (written, removed) relative paths.

    `known`: {relative path: content_digest} of the files as the last sync_tree left them, which
    the caller guarantees nobody changed since (tools.pipeline compares tree prints): a file whose
    wanted digest is recorded there is not read. It is brought up to date in place (every file of
    `files`; removed files dropped) for the next call. `complete`: `known` lists every file in
    `out` (a previous call recorded them all and nobody changed the folder since), so the files to
    remove are found there, without walking the folder."""
    written, removed = [], []
    root, folders = os.fspath(out), set()
    for rel, data in files.items():
        raw = data.encode("utf-8") if isinstance(data, str) else data
        digest = content_digest(raw) if known is not None else None
        if digest is not None and known.get(rel) == digest:
            continue
        target = os.path.join(root, rel)
        try:
            same = os.stat(target).st_size == len(raw) and _read(target) == raw
        except OSError:
            same = False
        if not same:
            _replace_file(target, raw, folders)
            written.append(rel)
        if known is not None:
            known[rel] = digest
    if complete and known is not None:
        # `known` lists every file there: the others go without a walk, and so do the folders
        # they leave empty.
        for rel in [rel for rel in known if rel not in files and rel not in keep]:
            del known[rel]
            path = os.path.join(out, rel)
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            removed.append(rel)
            folder = os.path.dirname(path)
            while os.path.relpath(folder, out) != "." and not os.listdir(folder):
                os.rmdir(folder)
                folder = os.path.dirname(folder)
        removed.sort()
        return written, removed
    # One walk (scandir's file types, no stat per file), deepest folders first so that folders
    # left empty are removed on the way up.
    for dirpath, _dirs, filenames in os.walk(out, topdown=False):
        base = os.path.relpath(dirpath, out)
        prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
        for name in filenames:
            rel = prefix + name
            if rel not in files and rel not in keep:
                os.unlink(os.path.join(dirpath, name))
                removed.append(rel)
            elif known is not None and rel not in files:
                # A kept file whose digest is unknown: listed (so that `known` lists every file
                # there), with a digest no content has, so that it is read when next wanted.
                known.setdefault(rel, b"")
        if base != "." and not os.listdir(dirpath):
            os.rmdir(dirpath)
    if known is not None:
        for rel in [rel for rel in known if rel not in files and rel not in keep]:
            del known[rel]
    removed.sort()
    return written, removed
