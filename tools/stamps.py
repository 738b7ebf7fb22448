"""Stage stamps: a digest of each stage's inputs, so an unchanged stage is skipped.

Inputs are declared here per stage (paths, not module names guessed from file names); a stage
whose digest equals the one recorded after its last successful run is up to date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tools import i18n
from tools.project import Project, Settings

TOOLS = Path(__file__).resolve().parent
# What the index's analysis depends on besides the entries: a change here re-indexes everything.
ENGINE_SOURCES = ("search", "content/model.py", "content/schema.py", "content/markdown.py")


def digest(paths: list[Path], extra: str = "") -> str:
    """SHA-256 (hex) of `extra` and of each existing file's path and bytes, in sorted path order."""
    h = hashlib.sha256(extra.encode())
    for p in sorted(paths):
        if p.is_file():
            h.update(str(p).encode())
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


def _py(*names: str) -> list[Path]:
    return files(*(TOOLS / n for n in names), pattern="**/*.py")


def engine_files(project: Project) -> list[Path]:
    return files(project.data) + _py(*ENGINE_SOURCES)


def stage_inputs(project: Project, settings: Settings, guides: list[Path]) -> dict[str, str]:
    """{stage: digest} for the 'pages', 'index' and 'engine' keys."""
    content = files(project.practices, project.data)
    docs = guides + [project.config_file] + files(*(project.docs / lang for lang in i18n.OTHER_LANGS),
                                                   project.docs / "assets")
    return {
        "pages": digest(content + docs + _py("content", "site", "search", "i18n.py", "project.py"), repr(settings)),
        "index": digest(content + engine_files(project)),
        "engine": digest(engine_files(project)),
    }


def site_inputs(project: Project, settings: Settings, trees: list[Path]) -> str:
    """Digest of what the MkDocs builds read: docs trees, overrides, configs and their writers."""
    return digest(files(project.docs, project.root / "overrides", project.config_file,
                        TOOLS / "site" / "languages.py", TOOLS / "site" / "mkdocs.py", *trees), repr(settings))


def load(project: Project) -> dict:
    """The recorded stamps ({stage: digest}); {} when none or unreadable."""
    try:
        return json.loads(project.stamps.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
