"""Short addresses that lead somewhere: small static HTML pages that send the reader on.

An entry's pages are one per language version, kb/entries/<id>/<lang>/; the address without the
language part, kb/entries/<id>/, which readers type or share, gets a page sending them to the
version in the interface's language (else French, else the first version there is), with links to
every version for a reader whose browser does not follow the refresh. They are plain files next to
the generated Markdown (MkDocs copies them as they are: no page to render, not in the sitemap), so
they work wherever the site is served: the project's server, static hosting, MkDocs' preview.

The offline zip (file://, pages as .html files) leaves them out: a relative folder address does not
open there (OFFLINE_EXCLUDE).
"""

from __future__ import annotations

import posixpath
from html import escape

from tools import i18n
from tools.content import schema
from tools.content.model import Entry
from tools.content.vocab import Vocabularies
from tools.project import KB

# exclude_docs patterns (gitignore style, from the docs folder) of the files made here.
OFFLINE_EXCLUDE = (f"/{KB}/entries/index.html", f"/{KB}/entries/*/index.html")


def page(target: str, title: str, lang: str, links: list[tuple[str, str, str]] = (), canonical: str = "") -> str:
    """A page sending the reader to `target` (a URL relative to the page, or absolute) at once:
    a refresh, and the links for a browser that does not follow it. title: the page's title and
    the first link's text; lang: the page's language (its direction follows); links: more
    (href, text, language) links after the first; canonical: the target's public address ('':
    none). Every value is escaped here."""
    items = [(target, title, lang), *links]
    body = "\n".join(f'<li><a href="{escape(href)}" hreflang="{escape(code)}" lang="{escape(code)}" dir="auto">'
                     f"{escape(text)}</a></li>" for href, text, code in items)
    head = f'<link rel="canonical" href="{escape(canonical)}">\n' if canonical else ""
    return (f'<!doctype html>\n<html lang="{escape(lang)}" dir="{i18n.direction(lang)}">\n<head>\n'
            f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="robots" content="noindex">\n<title>{escape(title)}</title>\n{head}'
            f'<meta http-equiv="refresh" content="0; url={escape(target)}">\n</head>\n'
            f"<body>\n<ul>\n{body}\n</ul>\n</body>\n</html>\n")


def chosen_version(versions: list[Entry], ui: str) -> Entry:
    """The version a short address opens in interface `ui`: the one in `ui`, else in the default
    language, else the first in schema.LANGS order. `versions`: one entry's versions (not empty)."""
    by_lang = {v.lang: v for v in versions}
    for lang in (ui, schema.DEFAULT_LANG, *schema.LANGS):
        if lang in by_lang:
            return by_lang[lang]
    return versions[0]


def entry_redirect(versions: list[Entry], ui: str, site_url: str = "",
                   vocabs: Vocabularies | None = None) -> tuple[str, str]:
    """(path under docs/, HTML) of one entry's short-address page in interface `ui`:
    kb/entries/<id>/index.html, sending the reader to chosen_version. `versions`: the entry's
    language versions (not empty); site_url: the interface's public address ('': no canonical link)."""
    vocabs = Vocabularies.ensure(vocabs)
    versions = sorted(versions, key=lambda v: schema.LANGS.index(v.lang) if v.lang in schema.LANGS else len(schema.LANGS))
    shown = chosen_version(versions, ui)
    folder = posixpath.dirname(shown.page)  # kb/entries/<id>, whose index.html this page is
    href = {v.lang: posixpath.relpath(v.url, folder) + "/" for v in versions}
    others = [(href[v.lang], f"{v.title} ({vocabs.label('languages', v.lang, v.lang)})", v.lang)
              for v in versions if v is not shown]
    return folder + "/index.html", page(href[shown.lang], shown.title, shown.lang, others,
                                        site_url + shown.url if site_url else "")


def listing_redirect(ui: str, site_url: str = "", vocabs: Vocabularies | None = None) -> dict[str, str]:
    """{path under kb/: HTML} of kb/entries/index.html in interface `ui`, sending the reader to the
    list of all entries."""
    vocabs = Vocabularies.ensure(vocabs)
    title = vocabs.ui["nav"].get(f"{KB}/index.md", {}).get(ui) or vocabs.ui["site_name"][ui]
    return {"entries/index.html": page("../", title, ui, canonical=f"{site_url}{KB}/" if site_url else "")}


def entry_redirects(entries: list[Entry], ui: str, site_url: str = "", vocabs: Vocabularies | None = None) -> dict[str, str]:
    """{path under kb/: HTML} of every short-address page of interface `ui`: one per entry id
    (entry_redirect) and kb/entries/index.html (listing_redirect). An incremental build makes the
    entries' pages with their other files instead (tools.site.generate)."""
    vocabs = Vocabularies.ensure(vocabs)
    ids: dict[str, list[Entry]] = {}
    for e in entries:
        ids.setdefault(e.id, []).append(e)
    out = {}
    for versions in ids.values():
        path, text = entry_redirect(versions, ui, site_url, vocabs)
        out[path[len(KB) + 1:]] = text
    out.update(listing_redirect(ui, site_url, vocabs))
    return out
