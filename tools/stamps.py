"""Stage stamps: a digest of each stage's inputs, so an unchanged stage is skipped.

Inputs are declared here per stage (paths, not module names guessed from file names); a stage
whose digest equals the one recorded after its last successful run is up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tools import i18n
from tools.project import KB, Project, Settings

TOOLS = Path(__file__).resolve().parent
# What the index's analysis depends on besides the entries: a change here re-indexes everything.
ENGINE_SOURCES = ("search", "content/model.py", "content/schema.py", "content/markdown.py")


def shown(path: Path | str, base: Path | None = None) -> str:
    """How a path enters a stamp: relative to the project root `base` ("project:<path>") or to the
    folder holding tools/ ("code:<path>") when under one, else as given. Stamps then say the same
    for a project (or a checkout of the code) moved or copied elsewhere with its build/ folder,
    whose stages stay up to date instead of all running again (#10)."""
    text = os.fspath(path)
    for prefix, root in (("project:", base), ("code:", TOOLS.parent)):
        if root is None:
            continue
        top = os.fspath(root).rstrip(os.sep)
        if text == top:
            return prefix + "."
        if text.startswith(top + os.sep):
            return prefix + text[len(top) + 1:].replace(os.sep, "/")
    return text


def digest(paths: list[Path], extra: str = "", base: Path | None = None) -> str:
    """SHA-256 (hex) of `extra` and of each existing file's path and bytes, in the order of the paths
    as shown (`shown`, with `base`: the project root, None for absolute project paths)."""
    h = hashlib.sha256(extra.encode())
    for name, p in sorted((shown(p, base), p) for p in paths):
        if p.is_file():
            h.update(name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def files(*roots: Path, pattern: str = "**/*") -> list[Path]:
    """The files under each root (a root that is a file is itself), hidden paths excluded."""
    out = []
    for root in roots:
        if root.is_file():
            out.append(root)
        elif root.is_dir():
            out += [p for p in root.glob(pattern) if p.is_file() and "/." not in str(p.relative_to(root.parent))]
    return out


def handwritten(docs: Path) -> list[Path]:
    """The files under docs/ except the generated kb/ folder (not walked: thousands of files)."""
    return files(*(p for p in docs.iterdir() if p.name != KB and not p.name.startswith("."))) if docs.is_dir() else []


def _py(*names: str) -> list[Path]:
    return files(*(TOOLS / n for n in names), pattern="**/*.py")


def engine_files(project: Project) -> list[Path]:
    """The files whose change makes the search index stale whatever the entries: tools/data/ and the
    search engine's sources (ENGINE_SOURCES)."""
    return files(project.data) + _py(*ENGINE_SOURCES)


def other_practices_files(practices: Path) -> list[Path]:
    """The files under practices/ that are not entry files (tools.content.loader.entry_files: a
    <folder>/<name>.md not starting with '_', '.' or a capital), hidden paths excluded: helper
    files, READMEs. One os.walk, no stat per entry file."""
    out = []
    root = str(practices)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        depth = 0 if dirpath == root else dirpath[len(root) + 1:].count(os.sep) + 1
        for name in filenames:
            if name.startswith("."):
                continue
            if depth == 1 and name.endswith(".md") and not name.startswith("_") and not name[0].isupper():
                continue
            out.append(Path(dirpath) / name)
    return out


def stage_inputs(project: Project, settings: Settings, guides: list[Path], entries_key: str | None = None) -> dict[str, str]:
    """{stage: digest} for the 'pages', 'index' and 'engine' keys, and 'pages_context': the pages'
    inputs except the entries (what the generated files of an unchanged entry depend on).
    `entries_key`: a digest of every entry file's path and bytes already computed by the check
    (tools.content.cached.load_collection's collection key): the entry files are then not read
    again, only the other files under practices/; None: every file under practices/ is read."""
    if entries_key is None:
        entries, extra = files(project.practices), ""
    else:
        entries, extra = other_practices_files(project.practices), f"entries:{entries_key}:"
    docs = guides + [project.config_file] + files(*(project.docs / lang for lang in i18n.OTHER_LANGS),
                                                   project.docs / "assets")
    content = entries + files(project.data)
    code = _py("content", "site", "search", "i18n.py", "project.py")
    root = project.root
    return {
        "pages": digest(content + docs + code, extra + repr(settings), root),
        "pages_context": digest(files(project.data) + docs + code, repr(settings), root),
        "index": digest(content + engine_files(project), extra, root),
        "engine": digest(engine_files(project), base=root),
    }


def site_config(project: Project, settings: Settings) -> str:
    """Digest of what every page of the site depends on: theme overrides, mkdocs.yml and the code
    writing the interface configs, the settings, and which hand-written pages exist. When it is
    unchanged, a rebuild may render only the pages whose source changed (tools.site.mkdocs). The
    interface configs carry words of ui.yml and vocabulary.yml (templates' strings, nav labels), which
    every page shows: a change there rebuilds every page."""
    names = "\n".join(sorted(str(p.relative_to(project.docs)) for p in handwritten(project.docs)))
    return digest(files(project.root / "overrides", project.config_file, project.docs / "assets",
                        project.data / "ui.yml", project.data / "vocabulary.yml",
                        TOOLS / "site" / "languages.py", TOOLS / "site" / "mkdocs.py"), repr(settings) + names,
                  project.root)


def handwritten_docs(project: Project) -> str:
    """Digest of the hand-written pages (docs/ except the generated kb/)."""
    return digest(handwritten(project.docs), base=project.root)


def _file_lines(folder: str, rel: str):
    """'relative path\0size\0mtime_ns\n' for each file under folder, by name at each level (symbolic
    links to folders are not followed, as os.walk; a file removed meanwhile is left out). One
    scandir per folder and one stat per file: this runs on every build (tens of thousands of files
    at 1,000 entries), where os.walk with os.path.relpath per file cost several times more."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:  # missing root or removed meanwhile
        return
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                yield from _file_lines(e.path, rel + e.name + "/")
                continue
            st = e.stat()
        except OSError:
            continue
        yield f"{rel}{e.name}\0{st.st_size}\0{st.st_mtime_ns}\n"


def tree_print(*roots: Path, base: Path | None = None) -> str:
    """SHA-256 (hex) of every file under each root folder: its relative path, size and modification
    time (ns), in walk order made deterministic by sorting. Cheap (one stat per file, no reads), so
    that a stage can tell whether a folder it built from was changed by someone else since (the
    live preview rewrites the generated docs trees; every write there replaces the file, giving it
    a new modification time). A missing root counts as empty. Each root enters as `shown` with
    `base` (the project root; None: as given)."""
    h = hashlib.sha256()
    for root in roots:
        h.update(f"\0{shown(root, base)}\0".encode())
        h.update("".join(_file_lines(str(root), "")).encode())
    return h.hexdigest()


class TreeListing:
    """The files under some root folders as tree_print sees them: {root: {relative path: line}}, in
    walk order. Made by one walk (`TreeListing(*roots)`); after a writer that reports what it wrote
    and removed, `update` restats only those files, so the print of the trees after a stage costs
    a few stats instead of a second walk of every file (tens of thousands at 1,000 entries)."""

    def __init__(self, *roots: Path, base: Path | None = None):
        self.roots = [str(root) for root in roots]
        self.base = base  # the project root, for how the roots enter the print (shown)
        self.lines: dict[str, dict[str, str]] = {}
        for root in self.roots:
            self.lines[root] = {line.split("\0", 1)[0]: line for line in _file_lines(root, "")}

    def update(self, root: Path | str, written: list[str], removed: list[str]) -> None:
        """Account for `written` and `removed` files (paths relative to `root`, "/" separated) of
        one of the roots. A written file gone meanwhile is dropped, as a walk would. Raises KeyError
        for a root not listed."""
        lines = self.lines[str(root)]
        added = False
        for rel in removed:
            lines.pop(rel, None)
        for rel in written:
            try:
                st = os.stat(os.path.join(str(root), rel))
            except OSError:
                lines.pop(rel, None)
                continue
            added = added or rel not in lines
            lines[rel] = f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n"
        if added:  # walk order: by name at each level, a folder's files at the folder's place
            self.lines[str(root)] = {rel: lines[rel] for rel in sorted(lines, key=lambda r: r.split("/"))}

    def print(self) -> str:
        """tree_print of the roots, as listed (equal to tree_print(*roots, base=base) when the listing
        is true)."""
        h = hashlib.sha256()
        for root in self.roots:
            h.update(f"\0{shown(root, self.base)}\0".encode())
            h.update("".join(self.lines[root].values()).encode())
        return h.hexdigest()


def load(project: Project) -> dict:
    """The recorded stamps ({stage: digest}); {} when none or unreadable."""
    try:
        return json.loads(project.stamps.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
