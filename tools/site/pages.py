"""Generate plain Markdown pages for the site from validated entries.

Output is ordinary Markdown with YAML front matter, written before the site build, so that
no page depends on MkDocs plugin internals and another builder that reads mkdocs.yml can
take over. Every value from an entry is escaped here; entry bodies lose raw HTML and unsafe links.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from tools import i18n
from tools.content import schema
from tools.content.markdown import safe_body
from tools.content.model import Entry
from tools.project import KB
from tools.search import glossary
from tools.search.analysis import normalize
from tools.site import citation, harmonisation
from tools.site.facets import BY_NAME, FACETS
from tools.site.related import RelatedIndex

# Titles and tags are folded once per process, not at every comparison of a sort (each title is
# sorted into ~10 listings per interface).
fold = lru_cache(maxsize=100_000)(normalize)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#{}!])")


def ui() -> dict:
    """The interface strings (data/ui.yml), re-read when the file changes (see tools.content.schema)."""
    return schema.data_file("ui.yml")


def t(key: str, lang: str) -> str:
    return ui()[key][lang]


def md_text(text: str) -> str:
    """Escape a value for inline Markdown: no HTML, no Markdown syntax."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


# File systems allow 255 bytes per name; Arabic letters take 2 bytes in UTF-8, and the site adds
# nothing to a tag's folder name. Longer slugs keep a readable start and a stable hash.
MAX_SLUG_BYTES = 100
_SLUG_KEEP_BYTES = 80


def slug(text: str) -> str:
    """File-name slug of a free tag: folded, words joined by hyphens (Arabic letters kept), at most
    MAX_SLUG_BYTES bytes in UTF-8 (a longer one is cut and given an 8-hex-digit hash of the whole).
    Never 'index', which is the tags' own index page."""
    out = re.sub(r"[^\w]+", "-", fold(text)).strip("-_") or "tag"
    if len(out.encode("utf-8")) > MAX_SLUG_BYTES:
        digest = hashlib.sha1(out.encode("utf-8")).hexdigest()[:8]
        head = out.encode("utf-8")[:_SLUG_KEEP_BYTES].decode("utf-8", "ignore").rstrip("-_")
        out = f"{head}-{digest}"
    return "index-tag" if out == "index" else out


def rel(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source))


# Material puts these front-matter values into <title>, <meta content="..."> and the header
# without escaping (MkDocs' Jinja has no autoescape): they are escaped for HTML here, once.
HTML_META = ("title", "description")
# libyaml's dumper when PyYAML has it: the same text as yaml.safe_dump, about 14 times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(**meta) -> str:
    clean = {k: v for k, v in meta.items() if v not in (None, "", [])}
    for key in HTML_META:
        if isinstance(clean.get(key), str):
            clean[key] = html.escape(clean[key], quote=False).replace('"', "&quot;")
    return "---\n" + yaml.dump(clean, Dumper=_DUMPER, allow_unicode=True, sort_keys=False) + "---\n\n"


def _link_extras(link, lang: str) -> str:
    """' <small>accessed 2025-01-02 · [archived copy](...)</small>' after a source, or ''."""
    parts = []
    if link.accessed:
        parts.append(f"{md_text(t('accessed', lang))} {md_text(link.accessed)}")
    if link.archive_url:
        parts.append(f"[{md_text(t('archived_copy', lang))}]({md_url(link.archive_url)})")
    return f" <small>{' · '.join(parts)}</small>" if parts else ""


# -- page paths ---------------------------------------------------------------------------------

def country_page(code: str) -> str:
    return f"{KB}/countries/{code.lower()}.md"


def term_page(vocab: str, term: str) -> str:
    folder = {"themes": "themes", "data_sources": "sources", "types": "types"}[vocab]
    return f"{KB}/{folder}/{term}.md"


def tag_page(tag: str) -> str:
    return f"{KB}/tags/{slug(tag)}.md"


# -- pieces -------------------------------------------------------------------------------------

def entry_line(entry: Entry, source: str, lang: str = schema.DEFAULT_LANG) -> str:
    countries = ", ".join(schema.country_name(c, lang) for c in entry.countries) or t("regional", lang)
    draft = f" · *{md_text(schema.label('statuses', 'draft', lang))}*" if entry.status == "draft" else ""
    return (f"- [{md_text(entry.title)}]({rel(source, entry.page)}) "
            f"<small>{md_text(schema.label('types', entry.type, lang))} · {md_text(countries)} · "
            f"{entry.lang}{draft}</small>")


def entry_list(entries: list[Entry], source: str, lang: str = schema.DEFAULT_LANG) -> str:
    ordered = sorted(entries, key=lambda e: (fold(e.title), e.lang))
    return "\n".join(entry_line(e, source, lang) for e in ordered) + "\n"


def card(entry: Entry, versions: list[Entry]) -> str:
    lang, page = entry.lang, entry.page

    def links(vocab, values, page_of):
        return ", ".join(f"[{md_text(schema.label(vocab, v, lang))}]({rel(page, page_of(v))})" for v in values)

    rows = [
        (t("type", lang), links("types", [entry.type], lambda v: term_page("types", v))),
        (t("countries", lang), links("countries", entry.countries, country_page) or md_text(t("regional", lang))),
        (t("themes", lang), links("themes", entry.themes, lambda v: term_page("themes", v))),
        (t("data_sources", lang), links("data_sources", entry.data_sources, lambda v: term_page("data_sources", v))),
        (t("institutions", lang), "; ".join(md_text(i) for i in entry.institutions)),
        (t("period", lang), md_text(entry.period or "")),
        (t("status", lang), md_text(schema.label("statuses", entry.status, lang))),
        (t("updated", lang), md_text(entry.updated or "")),
        (t("tags", lang), ", ".join(f"[{md_text(tag)}]({rel(page, tag_page(tag))})" for tag in entry.tags)),
        (t("languages", lang), " · ".join(
            f"[{md_text(schema.label('languages', v.lang, v.lang))}]({rel(page, v.page)})"
            for v in versions if v.lang != lang)),
    ]
    table = "\n".join(f"| {md_text(k)} | {v} |" for k, v in rows if v)
    sources = "\n".join(f"- [{md_text(link.title)}]({md_url(link.url)}){_link_extras(link, lang)}"
                        for link in entry.links)
    head = f"| | |\n|---|---|\n{table}\n"
    out = f'<div class="kb-card" markdown>\n\n{head}\n</div>\n\n'
    if sources:
        out += f"**{md_text(t('links', lang))}**\n\n{sources}\n\n"
    return out


def related(entry: Entry, candidates: list[Entry] | RelatedIndex, limit: int = 5) -> list[Entry]:
    """Entries sharing data sources, themes and countries with this one, best first (one version
    per entry, in this entry's language when there is one). `candidates` may be a RelatedIndex
    built once for many pages (tools.site.related has the scores)."""
    index = candidates if isinstance(candidates, RelatedIndex) else RelatedIndex(list(candidates))
    return index.of(entry, limit)


def entry_page(entry: Entry, versions: list[Entry], others: list[Entry] = (), site_url: str = "",
               edit_base: str = "") -> str:
    lang, page = entry.lang, entry.page
    out = front_matter(title=entry.title, description=entry.summary, lang=lang,
                       dir=i18n.direction(lang), entry_id=entry.id, status=entry.status,
                       jsonld=citation.jsonld(entry, site_url))
    out += f"# {md_text(entry.title)}\n\n"
    if entry.status == "draft":
        out += f'!!! warning "{md_text(schema.label("statuses", "draft", lang))}"\n    {md_text(t("draft_notice", lang))}\n\n'
    out += f"*{md_text(entry.summary)}*\n\n"
    out += card(entry, versions)
    out += safe_body(entry.body) + "\n\n"
    near = related(entry, others)
    if near:
        out += f"## {md_text(t('related', lang))}\n\n" + "\n".join(entry_line(o, page, lang) for o in near) + "\n\n"
    name = posixpath.basename(page)[:-3]
    out += (f"## {md_text(t('cite', lang))}\n\n{md_text(citation.plain(entry, site_url))}\n\n"
            f"[BibTeX]({name}.bib) · [RIS]({name}.ris)\n\n")
    out += (f"## {md_text(t('propose_change', lang))}\n\n{md_text(t('source_file', lang))} `{entry.path}` — "
            f"[{md_text(t('propose_how', lang))}]({rel(page, f'{KB}/contribuer/{lang}.md')}).\n")
    if edit_base:  # mkdocs.yml's repo_url, when the repository's public address is set
        out += f"\n[{md_text(t('edit_file', lang))}]({md_url(edit_base + entry.path)})\n"
    return out


def comparison_page(entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG) -> str:
    """Data sources (then themes) as rows, the focus countries as columns, entries in the cells."""
    focus = schema.vocabulary().get("focus_countries", [])
    fr_first = sorted(entries, key=lambda e: (e.lang != ui, e.lang != "fr", e.lang))
    one: dict[str, Entry] = {}
    for e in fr_first:
        one.setdefault(e.id, e)
    title = t("comparison", ui)
    out = front_matter(title=title, search=NO_SEARCH, hide=["toc"]) + f"# {md_text(title)}\n\n{md_text(t('comparison_intro', ui))}\n\n"
    out += f"**→ [{md_text(harmonisation.w('title', ui))}]({rel(path, harmonisation.PAGE)})**\n\n"  # the page that replaces this one in the nav
    for heading, vocab, attr, page_of in (("by_source", "data_sources", "data_sources", lambda v: term_page("data_sources", v)),
                                          ("by_theme", "themes", "themes", lambda v: term_page("themes", v))):
        out += f"## {md_text(t(heading, ui))}\n\n"
        out += "| | " + " | ".join(f"[{md_text(schema.country_name(c, ui))}]({rel(path, country_page(c))})" for c in focus) + " |\n"
        out += "|---|" + "---|" * len(focus) + "\n"
        for term in schema.terms(vocab):
            cells = []
            for code in focus:
                hits = sorted((e for e in one.values() if term in getattr(e, attr) and code in e.countries),
                              key=lambda e: fold(e.title))
                links = [f"[{md_text(_short(e.title))}]({rel(path, e.page)})" for e in hits]
                cells.append("• " + "<br>• ".join(links) if links else '<span class="kb-empty">—</span>')
            label = f"[{md_text(schema.label(vocab, term, ui))}]({rel(path, page_of(term))})"
            out += f"| {label} | " + " | ".join(cells) + " |\n"
        out += "\n"
    return out


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


# Listing pages repeat entry titles: keeping them out of the browser search index keeps that
# index (downloaded whole by every visitor) small and its results pointing at entries.
NO_SEARCH = {"exclude": True}


def listing_page(title: str, intro: str, entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG) -> str:
    return front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n{md_text(intro)}\n\n" + (
        f"**{len(entries)}** {md_text(t('entries', ui).lower())}\n\n" + entry_list(entries, path, ui))


def index_page(title: str, rows: list[tuple[str, str, int]], path: str, ui: str = schema.DEFAULT_LANG) -> str:
    """A page listing (label, page, count) rows as a table."""
    lines = [f"| {md_text(title)} | {md_text(t('count', ui))} |", "|---|---:|"]
    lines += [f"| [{md_text(label)}]({rel(path, target)}) | {count} |" for label, target, count in rows]
    return front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n" + "\n".join(lines) + "\n"


def country_profile(code: str, entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG) -> str:
    name = schema.country_name(code, ui)
    ids = {e.id for e in entries}
    kinds = ", ".join(f"{len({e.id for e in entries if e.type == k})} {md_text(schema.label('types', k, ui).lower())}"
                      for k in schema.terms("types") if any(e.type == k for e in entries))
    out = front_matter(title=name) + f"# {md_text(name)}\n\n"
    out += f"**{len(ids)}** {t('profile', ui)}" + (f" ({kinds}).\n\n" if kinds else ".\n\n")
    missing = [s for s in schema.terms("data_sources") if not any(s in e.data_sources for e in entries)]
    institutions = sorted({i for e in entries for i in e.institutions}, key=normalize)
    if institutions:
        out += f"## {md_text(t('institutions', ui))}\n\n" + "\n".join(f"- {md_text(i)}" for i in institutions) + "\n\n"
    covered = sorted({s for e in entries for s in e.data_sources})
    if covered:
        out += f"## {md_text(t('data_sources', ui))}\n\n" + ", ".join(
            f"[{md_text(schema.label('data_sources', s, ui))}]({rel(path, term_page('data_sources', s))})"
            for s in covered) + "\n\n"
    if missing:
        out += f"**{md_text(t('missing_sources', ui))}** : " + ", ".join(
            md_text(schema.label("data_sources", s, ui)) for s in missing) + "\n\n"
    out += f"## {md_text(t('by_type', ui))}\n\n"
    for kind in schema.terms("types"):
        group = [e for e in entries if e.type == kind]
        if group:
            out += f"### {md_text(schema.label('types', kind, ui))}\n\n" + entry_list(group, path, ui) + "\n"
    out += harmonisation.country_section(code, entries, path, ui)
    return out


def glossary_page(path: str, ui: str = schema.DEFAULT_LANG) -> str:
    def name(c):
        return (c.terms.get(ui) or c.terms.get(ui) or {}).get("term", c.id)

    concepts = sorted(glossary.load(), key=lambda c: normalize(name(c)))
    out = front_matter(title=t("glossary", ui)) + f"# {md_text(t('glossary', ui))}\n\n"
    for c in concepts:
        out += f"## {md_text(name(c))}\n\n"
        if c.acronyms:
            out += f"**{md_text(t('acronyms', ui))}** : {md_text(', '.join(c.acronyms))}\n\n"
        out += "| | | |\n|---|---|---|\n"
        for lang in schema.LANGS:
            term = c.terms.get(lang, {})
            if term:
                flag = " (?)" if lang == "ar" and c.ar_proposed else ""
                out += (f"| {md_text(schema.label('languages', lang, ui))} | **{md_text(term.get('term', ''))}**{flag} "
                        f"| {md_text(term.get('definition', ''))} |\n")
        if c.source:
            out += f"\n{md_text(t('source', ui))} : [{md_text(c.source)}]({md_url(c.source)})\n"
        out += "\n"
    return out


# -- the whole set --------------------------------------------------------------------------------

def generate(entries: list[Entry], site_url: str = "", ui: str = schema.DEFAULT_LANG,
             edit_base: str = "", near: RelatedIndex | None = None) -> dict[str, str]:
    """All generated pages and per-entry files, as {path under docs/: text}, with the words
    around entries (titles of listings, labels) in the interface language `ui`. `near`: the
    related-entries index of `entries`, when the caller shares one between interfaces."""
    near = near or RelatedIndex(entries)
    pages: dict[str, str] = {}
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_id[e.id].append(e)
    for e in entries:
        pages[e.page] = entry_page(e, by_id[e.id], near, site_url, edit_base)
        stem = e.page[:-3]
        pages[stem + ".bib"] = citation.bibtex(e, site_url)
        pages[stem + ".ris"] = citation.ris(e, site_url)
    pages[f"{KB}/comparaison.md"] = comparison_page(entries, f"{KB}/comparaison.md", ui)
    pages.update(harmonisation.generate(entries, ui))

    def grouped(values_of) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            for v in values_of(e):
                groups[v].append(e)
        return groups

    for facet in (BY_NAME["theme"], BY_NAME["data_source"], BY_NAME["type"]):
        vocab, groups = facet.vocabulary, grouped(facet.of)
        rows = []
        for term in schema.terms(vocab):
            path = term_page(vocab, term)
            members = groups.get(term, [])
            pages[path] = listing_page(schema.label(vocab, term, ui), schema.description(vocab, term, ui), members, path, ui)
            rows.append((schema.label(vocab, term, ui), path, len(members)))
        index_path = posixpath.join(posixpath.dirname(term_page(vocab, "x")), "index.md")
        pages[index_path] = index_page(t(vocab if vocab != "types" else "type", ui), rows, index_path, ui)

    countries = grouped(lambda e: e.countries or ("regional",))
    for code in schema.vocabulary().get("focus_countries", []):
        countries.setdefault(code, [])  # the comparison page links every focus country
    rows = []
    for code in sorted(countries, key=lambda c: (c == "regional", normalize(schema.country_name(c, ui)))):
        if code == "regional":
            continue
        path = country_page(code)
        pages[path] = country_profile(code, countries[code], path, ui)
        rows.append((schema.country_name(code, ui), path, len(countries[code])))
    if "regional" in countries:
        path = f"{KB}/countries/regional.md"
        pages[path] = listing_page(t("regional", ui), "", countries["regional"], path, ui)
        rows.append((t("regional", ui), path, len(countries["regional"])))
    pages[f"{KB}/countries/index.md"] = index_page(t("countries", ui), rows, f"{KB}/countries/index.md", ui)

    tags: dict[str, list[Entry]] = defaultdict(list)
    tag_names: dict[str, str] = {}
    for e in entries:
        for tag in e.tags:
            tags[tag_page(tag)].append(e)
            tag_names.setdefault(tag_page(tag), tag)
    for path, members in tags.items():
        pages[path] = listing_page(tag_names[path], "", members, path, ui)
    tag_rows = sorted(((tag_names[p], p, len(m)) for p, m in tags.items()), key=lambda r: normalize(r[0]))
    pages[f"{KB}/tags/index.md"] = index_page(t("tags", ui), tag_rows, f"{KB}/tags/index.md", ui)

    pages[f"{KB}/index.md"] = listing_page(t("all_entries", ui), "", entries, f"{KB}/index.md", ui)
    pages[f"{KB}/glossaire.md"] = glossary_page(f"{KB}/glossaire.md", ui)
    pages[f"{KB}/search-ui.js"] = search_words(ui, sorted({c for e in entries for c in e.countries}))
    return pages


def search_words(lang: str, countries: list[str] = ()) -> str:
    """The search page's words in one interface language, as a script (loads from file:// too),
    with the facets (tools.site.facets: name, param, field, title) and the labels of their values
    as {"name:value": label}, which the static fallback has no API to ask for (countries: only
    the codes in `countries`)."""
    words = {key: value[lang] for key, value in ui()["search"].items()}
    words["facets"] = [{"name": f.name, "param": f.param, "field": f.field, "title": f.title(lang)} for f in FACETS]
    words["labels"] = {f"{f.name}:{value}": f.label(value, lang) for f in FACETS
                       for value in (countries if f.vocabulary == "countries" else f.values())}
    return "window.KB_UI = " + json.dumps(words, ensure_ascii=False) + ";\n"


def write_pages(pages: dict[str, str], out_dir: Path) -> None:
    for path, text in pages.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
