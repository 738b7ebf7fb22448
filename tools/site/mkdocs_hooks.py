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
from urllib.parse import unquote, urljoin, urlsplit

try:
    from tools.content.sanitize import clean
except ImportError:  # `mkdocs build` run by hand: the console script does not put the repository on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tools.content.sanitize import clean
from tools.site.mkdocs_dirty import PAGES_LEFT_ENV, PAGES_PER_PASS_ENV

GENERATED = "kb/"
# Set by tools.site.mkdocs for its builds: a folder where Jinja keeps the theme's compiled
# templates, so that a build (a dirty one renders few pages) does not compile them again.
JINJA_CACHE_ENV = "KB_JINJA_CACHE"
# Set by tools.site.mkdocs for the preview's development servers: after each build, the built
# files under kb/ that no docs file produces any more (an entry moved out of practices/) are
# removed, since MkDocs' dirty rebuilds never remove anything and its server serves what is there.
PRUNE_ENV = "KB_PRUNE_REMOVED"
_OUTPUTS: dict[str, set[str]] = {}  # {site folder: dest paths of the build's files}, on_files to on_post_build
# Set by tools.site.mkdocs for its site builds (MkDocs' --dirty into a copy of the previous site,
# or into an empty folder): MkDocs is handed only the files it has to write (changed_only), so
# that a rebuild after one change costs what the change costs, not a Page and a few stats for
# every file of the site.
CHANGED_ONLY_ENV = "KB_CHANGED_ONLY"
_EVERY_FILE: dict = {}  # {site folder: the whole Files collection}, on_files to on_post_build
# Set by tools.site.mkdocs for an incremental build: a JSON file {overlay folder: {"docs_dir": the
# interface's docs tree, "pages": its documentation pages (paths relative to it, in walk_key
# order)}}. An overlay is a folder holding only the changed sources (hard links), given to MkDocs
# as docs_dir so that its walk of the docs costs what the change costs; every other file is found
# in the real docs tree when a page or the nav looks it up (SourceFiles), and the sitemap lists
# "pages".
OVERLAYS_ENV = "KB_OVERLAYS"


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
# A query (the search page filtered: pages.search_link) and a fragment are kept after the URL.
# Only in an <a> tag: in code (an entry's code span or block showing such HTML) '<' is escaped as
# &lt;, so a quoted href="..." there is text, left as written (it failed the whole --strict build).
_A_TAG = r'(<a\s[^<>]*?)'
_MD_HREF = re.compile(_A_TAG + r'href="([^":#?]+\.md)((?:\?[^"#]*)?(?:#[^"]*)?)"')
log = logging.getLogger("mkdocs.hooks.kb")  # under "mkdocs": a warning fails a --strict build


def md_links_to_urls(text: str, page, files) -> str:
    """`text` (a page's HTML) with each relative href="x/y.md[?query][#frag]" replaced by the URL of that
    docs file relative to the page, as MkDocs does for links in Markdown (File.url_relative_to,
    so it follows use_directory_urls). A link to a file that is not in the build is left as
    written and logged as a warning, as MkDocs does for Markdown links (validation not_found)."""
    if '.md"' not in text and ".md#" not in text and ".md?" not in text:
        return text
    folder = posixpath.dirname(page.file.src_uri)

    def url(match: re.Match) -> str:
        tag, link, rest = match.groups()
        target = posixpath.normpath(posixpath.join(folder, unquote(html.unescape(link))))
        file = files.get_file_from_path(target)
        if file is None:
            log.warning("Doc file '%s' contains a link '%s', but the target '%s' is not found among documentation files.",
                        page.file.src_uri, link, target)
            return match.group(0)
        return f'{tag}href="{html.escape(file.url_relative_to(page.file))}{rest or ""}"'

    return _MD_HREF.sub(url, text)


# A link from a generated page of any interface to a file of the default interface's docs tree,
# which is built at the site's root (tools.site.pages.site_link: each entry version's BibTeX and
# RIS files are made once there, #10): href="kb-site:<path in that tree>". MkDocs leaves an
# address with a scheme as it is (and the sanitiser would drop this one): site_links_to_urls makes
# it a URL relative to the page.
SITE_LINK = "kb-site:"
# The MkDocs config's `extra` key telling an interface built elsewhere than at the site's root
# where that root is (tools.site.languages.config_data): {"up": from this interface's root to the
# site's ('../'), "docs_dir": the default interface's docs tree}. Absent: this is the root.
SITE_ROOT_EXTRA = "kb_site_root"
_SITE_HREF = re.compile(_A_TAG + r'href="' + re.escape(SITE_LINK) + r'([^"#?]*)((?:\?[^"#]*)?(?:#[^"]*)?)"')


def site_links_to_urls(text: str, page, config, files) -> str:
    """`text` (a page's HTML) with each href="kb-site:<path>" (SITE_LINK) replaced by the URL of
    that file of the default interface's docs tree relative to the page: as many '../' as the
    page's URL has folders (page.url: 'kb/entries/x/ar/' with directory URLs, 'kb/entries/x/ar.html'
    without, so the offline build's pages link right too), then the way from this interface's root
    to the site's (SITE_ROOT_EXTRA's "up"), then the path (its query and fragment kept). The file must be there (in `files` when
    this is the default interface, else in SITE_ROOT_EXTRA's "docs_dir"): a missing one, or a path
    leaving that tree, is left as written and logged as a warning (a --strict build fails), as
    MkDocs does for a Markdown link whose target is not found."""
    if 'href="' + SITE_LINK not in text:
        return text
    root = (config.extra or {}).get(SITE_ROOT_EXTRA) or {}
    up = "../" * page.url.count("/") + root.get("up", "")

    def url(match: re.Match) -> str:
        tag, link, rest = match.groups()
        path = posixpath.normpath(unquote(html.unescape(link)))
        if path.startswith(("/", "../")) or path in (".", ".."):
            there = False
        elif root:
            there = os.path.isfile(os.path.join(root["docs_dir"], path))
        else:
            there = files.get_file_from_path(path) is not None
        if not there:
            log.warning("Doc file '%s' contains a link '%s', but the target '%s' is not found in the site's root "
                        "documentation files.", page.file.src_uri, SITE_LINK + link + rest, path)
            return match.group(0)
        return f'{tag}href="{up}{link}{rest}"'

    return _SITE_HREF.sub(url, text)


def on_page_content(html, page, config, files):
    """The page's HTML, sanitised when the page is generated from entries (under docs/kb/), after
    its deferred HTML is opened (open_deferred), its raw-HTML links to .md files are made page
    URLs (md_links_to_urls) and its links to files at the site's root too (site_links_to_urls)."""
    if page.file.src_uri.startswith(GENERATED):
        return clean(site_links_to_urls(md_links_to_urls(open_deferred(html), page, files), page, config, files))
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


def outdated(file, docs_dir: str, site_dir: str) -> bool:
    """True when MkDocs' dirty build would write `file` (a mkdocs File): its output is missing or
    older than its source, or it has no source file (content made in memory), as
    File.is_modified decides; plain string paths and os.stat here, since this runs for every
    file of the site (File.abs_src_path and abs_dest_path normalise each path)."""
    if file.src_dir is None:  # content made in memory (by a plugin): always written
        return True
    try:
        built = os.stat(site_dir + os.sep + file.dest_uri).st_mtime
    except OSError:
        return True
    source = docs_dir + os.sep + file.src_uri if file.src_dir == docs_dir else file.abs_src_path
    try:
        return built < os.stat(source).st_mtime
    except OSError:
        return True


_CHANGED_FILES = None


def changed_files_class():
    """The mkdocs Files subclass of changed_only (defined on first use: MkDocs is imported only
    in MkDocs' own processes)."""
    global _CHANGED_FILES
    if _CHANGED_FILES is None:
        from mkdocs.structure.files import Files

        class ChangedFiles(Files):
            """The files a dirty build writes; get_file_from_path also finds every other file of
            the site (`everything`), so that links to unchanged pages are made URLs and
            validated as in a full build, and the nav finds its pages."""

            def __init__(self, files, everything):
                super().__init__(files)
                self.everything = everything

            def get_file_from_path(self, path: str):
                return super().get_file_from_path(path) or self.everything.get_file_from_path(path)

        _CHANGED_FILES = ChangedFiles
    return _CHANGED_FILES


def walk_key(rel: str) -> tuple:
    """Sort key putting docs paths ('/'-separated, relative to the docs folder) in the order of
    MkDocs' get_files: a folder's files first (index.md or README.md before the others, then by
    name), then its subfolders by name, each walked the same way."""
    *folders, name = rel.split("/")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (*((1, f) for f in folders), (0, stem not in ("index", "README"), name))


def page_url(rel: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives the documentation page `rel` (File.url: dest_uri made a folder URL,
    quoted), without making a File."""
    from urllib.parse import quote

    parent, filename = posixpath.split(rel)
    stem = posixpath.splitext(filename)[0]
    name = "index" if stem == "README" else stem
    if not use_directory_urls or name == "index":
        dest = posixpath.join(parent, name + ".html")
    else:
        dest = posixpath.join(parent, name, "index.html")
    dirname, filename = posixpath.split(dest)
    if use_directory_urls and filename == "index.html":
        dest = (dirname or ".") + "/"
    return quote(dest)


class SourceFiles:
    """Every file of an interface's docs tree for look-ups, made on demand: a file of `listed`
    (the Files MkDocs collected: the overlay's changed sources and the theme's files), else the
    File MkDocs' walk of `docs_dir` would give (same source, destination, URL and exclusion),
    created when first asked for, or None when there is no such file. `pages`: the documentation
    pages of the tree in walk order, for the sitemap."""

    def __init__(self, docs_dir: str, pages: list[str], config, listed):
        self.docs_dir, self.pages, self.config, self.listed = docs_dir, pages, config, listed
        self.made: dict = {}

    def known(self, rel: str):
        """The File of `rel` held so far (listed, or made by a look-up), without making one; or None."""
        return self.listed.src_uris.get(rel) or self.made.get(rel)

    def get_file_from_path(self, path: str):
        """The File of `path` (relative to the docs tree), or None when it is not a file there."""
        from mkdocs.structure.files import File, set_exclusions

        rel = posixpath.normpath(str(path).replace(os.sep, "/"))
        held = self.listed.src_uris.get(rel)
        if held is not None:
            return held
        if rel in self.made:
            return self.made[rel]
        file = None
        if not rel.startswith("../") and os.path.isfile(os.path.join(self.docs_dir, rel)):
            file = File(rel, self.docs_dir, self.config.site_dir, self.config.use_directory_urls)
            set_exclusions([file], self.config)
        self.made[rel] = file
        return file


def overlay_of(config) -> dict | None:
    """{"docs_dir", "pages"} of the overlay that config's docs_dir is (OVERLAYS_ENV), else None."""
    index = os.environ.get(OVERLAYS_ENV)
    if not index:
        return None
    import json

    with open(index, encoding="utf-8") as fh:
        return json.load(fh).get(os.path.abspath(str(config.docs_dir)))


def changed_only(files, config, everything=None):
    """The files of `files` (a mkdocs Files) that a dirty build writes (outdated), as a Files
    whose look-ups still find every file (changed_files_class). MkDocs' dirty build reads,
    renders and copies only those anyway; given the others it would still make a Page, run the
    modification test twice and build the sitemap's entry of each, which at 10,000 entries is
    most of a one-change rebuild. The sitemap is then made from the whole collection
    (on_template_context). With KB_PAGES_PER_PASS set, only that many documentation pages are
    handed over; how many were left is put in os.environ[KB_PAGES_LEFT] for
    tools.site.mkdocs_dirty, which runs the build again. `everything`: what look-ups search
    (default: `files`; a SourceFiles when `files` holds the overlay's changed sources only)."""
    docs_dir, site_dir = str(config.docs_dir), str(config.site_dir)
    limit = int(os.environ.get(PAGES_PER_PASS_ENV) or 0)
    keep, pages, left = [], 0, 0
    for f in files:
        if outdated(f, docs_dir, site_dir):
            if limit and f.is_documentation_page():
                if pages >= limit:  # for the next pass (tools.site.mkdocs_dirty)
                    left += 1
                    continue
                pages += 1
            keep.append(f)
    os.environ[PAGES_LEFT_ENV] = str(left)
    return changed_files_class()(keep, files if everything is None else everything)


class _Listed:
    """What the sitemap template reads of one file of `pages`: `.page` (see sitemap_pages)."""

    __slots__ = ("page",)

    def __init__(self, page):
        self.page = page


class _SitemapPage:
    """A page not rendered by this build, as the sitemap template reads it: is_link,
    canonical_url, abs_url and update_date, the values MkDocs' Page gives (Page._set_canonical_url,
    mkdocs.utils.get_build_date)."""

    __slots__ = ("canonical_url", "abs_url", "update_date")
    is_link = False

    def __init__(self, url: str, base: str | None, update_date: str, base_path: str | None = None):
        url = "" if url in (".", "./") else url  # as Page.url
        if not base:
            self.canonical_url = self.abs_url = None
        elif base_path is not None and _PLAIN_URL.match(url):
            # urljoin and urlsplit give exactly these for a plain relative path (most of the
            # pages), at a fraction of the cost.
            self.canonical_url, self.abs_url = base + url, base_path + url
        else:
            self.canonical_url = urljoin(base, url)
            self.abs_url = urlsplit(self.canonical_url).path
        self.update_date = update_date


# A relative URL that urljoin appends to a base ending in '/' as it is: path segments of safe
# characters (MkDocs quotes the rest with %), none of them '.' or '..', no scheme, query or fragment.
_PLAIN_URL = re.compile(r"(?:(?!\.\.?(?:/|$))[A-Za-z0-9_.~%!$&'()*+,;=@-]+/)*(?:(?!\.\.?$)[A-Za-z0-9_.~%!$&'()*+,;=@-]+)?\Z")


def sitemap_pages(files, config) -> list:
    """Every documentation page of `files` (the whole collection, in its order; or a ChangedFiles
    over SourceFiles: their `pages`), for the sitemap template's `pages`: the file itself when it
    has a Page, else an object with the same values."""
    from mkdocs.utils import get_build_date

    everything = getattr(files, "everything", None)
    if isinstance(everything, SourceFiles):
        base = _sitemap_base(config)
        day = get_build_date()
        out = []
        for rel in everything.pages:
            f = everything.known(rel)
            if f is not None and f.page is not None:
                out.append(f)
            else:
                out.append(_Listed(_SitemapPage(page_url(rel, config.use_directory_urls), base[0], day, base[1])))
        return out

    base, base_path = _sitemap_base(config)
    day = get_build_date()
    return [f if f.page is not None else _Listed(_SitemapPage(f.url, base, day, base_path))
            for f in files.documentation_pages()]


def _sitemap_base(config) -> tuple[str | None, str | None]:
    """(site_url ending in '/', or None; its path when a relative URL is simply appended to it, else None)."""
    base = config.get("site_url") or None
    if base and not base.endswith("/"):
        base += "/"
    parts = urlsplit(base) if base else None
    # The fast path of _SitemapPage needs a base that a relative path is simply appended to.
    base_path = parts.path if parts and parts.path.endswith("/") and not (parts.query or parts.fragment) else None
    return base, base_path


def on_files(files, config):
    """The files unchanged, or with KB_CHANGED_ONLY set, those the dirty build writes
    (changed_only); with KB_PRUNE_REMOVED set, their output paths are noted for on_post_build."""
    if os.environ.get(PRUNE_ENV):
        _OUTPUTS[config.site_dir] = {f.dest_uri for f in files}
    if os.environ.get(CHANGED_ONLY_ENV):
        overlay = overlay_of(config)
        if overlay is not None:
            # `files` holds the changed sources only (the overlay); the rest is looked up on demand.
            everything = SourceFiles(overlay["docs_dir"], overlay["pages"], config, files)
            handed = changed_only(files, config, everything)
            _EVERY_FILE[config.site_dir] = handed
            return handed
        _EVERY_FILE[config.site_dir] = files
        return changed_only(files, config)
    return files


SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")  # what MkDocs makes of the sitemap.xml template
_KEPT_SITEMAP: dict[str, str] = {}  # {site folder: folder of the sitemap to keep}, on_template_context to on_post_build


def built_on(sitemap: Path) -> str | None:
    """The day (YYYY-MM-DD) in the first <lastmod> of a sitemap.xml (MkDocs gives every page the
    build's day), or None when it has none or cannot be read."""
    try:
        with open(sitemap, encoding="utf-8") as fh:
            head = fh.read(8192)
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r"<lastmod>([0-9-]+)</lastmod>", head)
    return found.group(1) if found else None


def keeps_sitemap(overlay: dict | None) -> str | None:
    """The folder whose sitemap files this build keeps instead of listing every page again: the
    overlay's "sitemap_from" (the previous site's folder of this interface, given when no page was
    added or removed), if its sitemap was made on the day this build would put in it; else None."""
    folder = (overlay or {}).get("sitemap_from")
    if not folder:
        return None
    from mkdocs.utils import get_build_date

    return folder if built_on(Path(folder) / SITEMAPS[0]) == get_build_date() else None


def on_template_context(context, template_name, config):
    """The context of a theme template; with KB_CHANGED_ONLY set, the sitemap's `pages` are every
    page of the site (sitemap_pages), not only those this build renders; or, when the overlay's
    sitemap is kept (keeps_sitemap: same pages, same day, so the same bytes), none: on_post_build
    puts the kept files in place of what MkDocs wrote."""
    every = _EVERY_FILE.get(config.site_dir)
    if every is not None and template_name == "sitemap.xml":
        kept = keeps_sitemap(overlay_of(config)) if isinstance(getattr(every, "everything", None), SourceFiles) else None
        if kept:
            _KEPT_SITEMAP[config.site_dir] = kept
            context["pages"] = []
        else:
            context["pages"] = sitemap_pages(every, config)
    return context


def on_post_build(config):
    """A kept sitemap (on_template_context) put in place; with KB_PRUNE_REMOVED set, the generated
    pages' outputs that no file produced removed (prune)."""
    _EVERY_FILE.pop(config.site_dir, None)
    kept = _KEPT_SITEMAP.pop(config.site_dir, None)
    if kept:
        for name in SITEMAPS:  # MkDocs wrote new files (the build unlinked the previous site's links first)
            target = os.path.join(config.site_dir, name)
            os.unlink(target)
            os.link(os.path.join(kept, name), target)
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
