"""MkDocs hooks (mkdocs.yml `hooks:`, MkDocs' public event API): every generated page, made from
entry content, is sanitised after Markdown (tools.content.sanitize), whatever the body managed to
put through Markdown's extensions.

Hand-written pages (docs/*.md, maintainers' merges) are trusted and left as MkDocs renders them.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from tools.content.sanitize import clean
except ImportError:  # `mkdocs build` run by hand: the console script does not put the repository on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tools.content.sanitize import clean

GENERATED = "kb/"


def on_page_content(html, page, config, files):
    """The page's HTML, sanitised when the page is generated from entries (under docs/kb/)."""
    if page.file.src_uri.startswith(GENERATED):
        return clean(html)
    return html
