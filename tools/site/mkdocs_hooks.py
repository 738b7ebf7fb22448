"""MkDocs hooks (mkdocs.yml `hooks:`, MkDocs' public event API): every generated page, made from
entry content, is sanitised after Markdown (tools.content.sanitize), whatever the body managed to
put through Markdown's extensions.

Hand-written pages (docs/*.md, maintainers' merges) are trusted and left as MkDocs renders them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

try:
    from tools.content.sanitize import clean
except ImportError:  # `mkdocs build` run by hand: the console script does not put the repository on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tools.content.sanitize import clean

GENERATED = "kb/"
# Set by tools.site.mkdocs for its builds: a folder where Jinja keeps the theme's compiled
# templates, so that a build (a dirty one renders few pages) does not compile them again.
JINJA_CACHE_ENV = "KB_JINJA_CACHE"
# Set by tools.site.mkdocs for the preview's development servers: after each build, the built
# files under kb/ that no docs file produces any more (an entry moved out of practices/) are
# removed, since MkDocs' dirty rebuilds never remove anything and its server serves what is there.
PRUNE_ENV = "KB_PRUNE_REMOVED"
_OUTPUTS: dict[str, set[str]] = {}  # {site folder: dest paths of the build's files}, on_files to on_post_build


def on_page_content(html, page, config, files):
    """The page's HTML, sanitised when the page is generated from entries (under docs/kb/)."""
    if page.file.src_uri.startswith(GENERATED):
        return clean(html)
    return html


def on_env(env, config, files):
    """The theme's Jinja environment, given a bytecode cache in the folder named by KB_JINJA_CACHE
    when set (Jinja checks each template's source checksum, so an edited template is compiled
    again); unchanged otherwise."""
    folder = os.environ.get(JINJA_CACHE_ENV)
    if folder:
        from jinja2 import FileSystemBytecodeCache

        os.makedirs(folder, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(folder)
    return env


def on_files(files, config):
    """The files unchanged; with KB_PRUNE_REMOVED set, their output paths are noted for on_post_build."""
    if os.environ.get(PRUNE_ENV):
        _OUTPUTS[config.site_dir] = {f.dest_uri for f in files}
    return files


def on_post_build(config):
    """With KB_PRUNE_REMOVED set, remove the generated pages' outputs that no file produced (prune)."""
    produced = _OUTPUTS.pop(config.site_dir, None)
    if produced is not None:
        prune(Path(config.site_dir), produced)


def prune(site_dir: Path, produced: set[str], under: str = GENERATED) -> list[str]:
    """Remove the files under site_dir/`under` whose path relative to site_dir (with '/') is not in
    `produced`, and the folders left empty. Returns the removed paths (relative, sorted)."""
    removed = []
    top = site_dir / under
    for dirpath, _dirs, names in os.walk(top, topdown=False):
        for name in names:
            path = Path(dirpath) / name
            rel = path.relative_to(site_dir).as_posix()
            if rel not in produced:
                path.unlink(missing_ok=True)
                removed.append(rel)
        if Path(dirpath) != top and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return sorted(removed)
