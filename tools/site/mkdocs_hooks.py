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
