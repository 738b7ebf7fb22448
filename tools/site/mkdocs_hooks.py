"""MkDocs hooks (mkdocs.yml `hooks:`, MkDocs' public event API): every generated page, made from
entry content, is sanitised after Markdown (tools.content.sanitize), whatever the body managed to
put through Markdown's extensions.

Hand-written pages (docs/*.md, maintainers' merges) are trusted and left as MkDocs renders them.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote

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


# HTML the page generator hands over as is (tools.site.pages.deferred_html): an HTML comment, which
# Python-Markdown and MkDocs pass over as one token where they would parse every tag of a raw
# HTML block (a listing has five per entry); opened here, before the sanitiser.
DEFERRED_OPEN, DEFERRED_CLOSE = "<!--kb-html\n", "-->"
_DEFERRED = re.compile(re.escape(DEFERRED_OPEN) + "(.*?)" + re.escape(DEFERRED_CLOSE), re.S)


def open_deferred(text: str) -> str:
    """`text` (a page's HTML) with each deferred block (tools.site.pages.deferred_html) replaced by
    the HTML it holds."""
    return _DEFERRED.sub(lambda m: m.group(1), text) if DEFERRED_OPEN in text else text


# A relative link to a .md file in raw HTML (the listings' <ul> blocks, tools.site.pages.entry_list):
# MkDocs rewrites such links in Markdown links only.
_MD_HREF = re.compile(r'href="([^":#?]+\.md)(#[^"]*)?"')
log = logging.getLogger("mkdocs.hooks.kb")  # under "mkdocs": a warning fails a --strict build


def md_links_to_urls(text: str, page, files) -> str:
    """`text` (a page's HTML) with each relative href="x/y.md[#frag]" replaced by the URL of that
    docs file relative to the page, as MkDocs does for links in Markdown (File.url_relative_to,
    so it follows use_directory_urls). A link to a file that is not in the build is left as
    written and logged as a warning, as MkDocs does for Markdown links (validation not_found)."""
    if '.md"' not in text and ".md#" not in text:
        return text
    folder = posixpath.dirname(page.file.src_uri)

    def url(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(folder, unquote(html.unescape(match.group(1)))))
        file = files.get_file_from_path(target)
        if file is None:
            log.warning("Doc file '%s' contains a link '%s', but the target '%s' is not found among documentation files.",
                        page.file.src_uri, match.group(1), target)
            return match.group(0)
        return f'href="{html.escape(file.url_relative_to(page.file))}{match.group(2) or ""}"'

    return _MD_HREF.sub(url, text)


def on_page_content(html, page, config, files):
    """The page's HTML, sanitised when the page is generated from entries (under docs/kb/), after
    its deferred HTML is opened (open_deferred) and its raw-HTML links to .md files are made page
    URLs (md_links_to_urls)."""
    if page.file.src_uri.startswith(GENERATED):
        return clean(md_links_to_urls(open_deferred(html), page, files))
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
