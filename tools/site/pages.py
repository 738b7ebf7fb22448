"""Generate plain Markdown pages for the site from validated entries.

Output is ordinary Markdown with YAML front matter, written before the site build, so that
no page depends on MkDocs plugin internals and another builder that reads mkdocs.yml can
take over. Every value from an entry is escaped here; entry bodies lose raw HTML and unsafe links.
"""

from __future__ import annotations

import hashlib
import heapq
import html
import json
import posixpath
import re
import secrets
from collections import defaultdict
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urlencode

import yaml

from tools import i18n
from tools.content import schema
from tools.content.markdown import safe_body
from tools.content.model import Entry, fingerprint
from tools.content.vocab import Vocabularies
from tools.project import KB
from tools.search import glossary
from tools.search.engine import MAX_QUERY_CHARS
from tools.search.query import MAX_FILTER_VALUES, MAX_QUERY_TERMS, MAX_TERM_CHARS
from tools.site import citation, harmonisation, memo_pack, split
from tools.site.facets import BY_NAME, FACETS
from tools.site.mkdocs_hooks import DEFERRED_CLOSE, DEFERRED_OPEN, SITE_LINK
from tools.site.related import RelatedIndex
from tools.site.split import Group, filing_text, group_by_prefix, walk

# Titles and tags are folded once per process (and kept between builds, split.Folding), not at
# every comparison of a sort (each title is sorted into ~10 listings per interface).
fold = split.fold
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#{}!])")


def ui(vocabs: Vocabularies | None = None) -> dict:
    """The interface strings (data/ui.yml) of `vocabs` (None: the shipped ones, read now)."""
    return Vocabularies.ensure(vocabs).ui


def t(key: str, lang: str, vocabs: Vocabularies | None = None) -> str:
    """One interface string of `vocabs` (None: the shipped ones, read now). Raises KeyError if unknown."""
    return Vocabularies.ensure(vocabs).text(key, lang)


@lru_cache(maxsize=1 << 12, typed=True)  # labels, interface strings, names: the same few hundred on every page
def md_text(text: str) -> str:
    """Escape a value for inline Markdown: no HTML, no Markdown syntax."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def md_url(url: str) -> str:
    """A link target safe inside a Markdown link '(...)': spaces, parentheses and angle brackets
    percent-encoded (%20 %28 %29 %3C %3E), which would otherwise end the target or open HTML; the
    rest of the address is left as written."""
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


@lru_cache(maxsize=1 << 16)  # a hit costs less than the computation below; a miss, little more
def rel(source: str, target: str) -> str:
    """Relative link from docs page `source` to docs file `target` (both POSIX paths under docs/, e.g.
    'kb/entries/x/fr.md' -> 'kb/countries/ma.md' gives '../../countries/ma.md'). MkDocs turns links
    to .md files into links to their pages."""
    # Called ~24 times per entry per interface. The distinct pairs outgrow the cache from ~3,000
    # entries, and posixpath.relpath (abspath, getcwd) made each miss slow: computed directly for
    # the plain relative paths the generators use, the same answer (#10). The parts of each path
    # are remembered (_parts): a listing's page links to hundreds of entry pages, an entry page
    # is linked from a dozen listings in each interface (476,000 misses at 10,000 entries).
    up = _parts(posixpath.dirname(source))
    down = _parts(target) if target else None
    if up is not None and down is not None:
        i, n = 0, min(len(up), len(down))
        while i < n and up[i] == down[i]:
            i += 1
        return "/".join([".."] * (len(up) - i) + list(down[i:])) or "."
    return posixpath.relpath(target, posixpath.dirname(source))


@lru_cache(maxsize=1 << 14)  # the folders of the listings and the entry pages linked from one interface's
def _parts(path: str) -> tuple[str, ...] | None:
    """The parts of `path` if it is a plain relative POSIX path (_plain_path; () for ''), else None."""
    return (tuple(path.split("/")) if path else ()) if _plain_path(path) else None


def _plain_path(path: str) -> bool:
    """A relative POSIX path with no empty, '.' or '..' part ('' counts: the docs folder itself)."""
    if not path:
        return True
    return not path.startswith("/") and "//" not in path and not path.endswith("/") and \
        all(part not in (".", "..") for part in path.split("/"))


# Material puts these front-matter values into <title>, <meta content="..."> and the header
# without escaping (MkDocs' Jinja has no autoescape): they are escaped for HTML here, once.
HTML_META = ("title", "description")
# libyaml's dumper when PyYAML has it: the same text as yaml.safe_dump, about 14 times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(**meta) -> str:
    """A page's YAML front matter ('---' block and a blank line) from keyword arguments, in the order
    given; values None, '' or [] left out. title and description are HTML-escaped here because
    Material inserts them into the page unescaped. Values must be YAML-representable (str, numbers,
    lists, dicts); raises yaml.representer.RepresenterError otherwise."""
    return "---\n" + yaml.dump(_front_values(meta), Dumper=_DUMPER, allow_unicode=True, sort_keys=False) + "---\n\n"


def _front_values(meta: dict) -> dict:
    """front_matter's mapping: empty values left out, HTML_META values escaped."""
    clean = {k: v for k, v in meta.items() if v not in (None, "", [])}
    for key in HTML_META:
        if isinstance(clean.get(key), str):
            clean[key] = html.escape(clean[key], quote=False).replace('"', "&quot;")
    return clean


def front_lines(**meta) -> str:
    """The lines of front_matter(**meta) between its '---' lines ('' when every value is empty):
    a block mapping's lines are those of its pairs dumped one by one, so front_matter(**a, **b)
    is '---\n' + front_lines(**a) + front_lines(**b) + '---\n\n' (a, b with distinct keys)."""
    clean = _front_values(meta)
    return yaml.dump(clean, Dumper=_DUMPER, allow_unicode=True, sort_keys=False) if clean else ""


def _link_extras(link, lang: str, vocabs: Vocabularies | None = None) -> str:
    """' <small>accessed 2025-01-02 · [archived copy](...)</small>' after a source, or ''."""
    vocabs = Vocabularies.ensure(vocabs)
    parts = []
    if link.accessed:
        parts.append(f"{md_text(t('accessed', lang, vocabs))} {md_text(link.accessed)}")
    if link.archive_url:
        parts.append(f"[{md_text(t('archived_copy', lang, vocabs))}]({md_url(link.archive_url)})")
    return f" <small>{' · '.join(parts)}</small>" if parts else ""


# -- page paths ---------------------------------------------------------------------------------

def country_page(code: str) -> str:
    """Docs path of a country's page from its ISO 3166-1 alpha-2 code: 'kb/countries/<code lowercased>.md'."""
    return f"{KB}/countries/{code.lower()}.md"


def term_page(vocab: str, term: str) -> str:
    """Docs path of a vocabulary term's page: 'kb/<folder>/<term>.md', folder 'themes', 'sources'
    (vocab 'data_sources') or 'types'. Raises KeyError for any other vocabulary."""
    folder = {"themes": "themes", "data_sources": "sources", "types": "types"}[vocab]
    return f"{KB}/{folder}/{term}.md"


def tag_page(tag: str, vocabs: Vocabularies | None = None) -> str:
    """A tag's page: its glossary concept's (one page for 'recensement', 'census' and 'تعداد'),
    else the folded tag's."""
    vocabs = Vocabularies.ensure(vocabs)
    # Asked for each tag of each entry in each interface: remembered per Vocabularies (the concepts).
    known = vocabs.derived("pages.tag_page", dict)
    path = known.get(tag)
    if path is None:
        concept = tag_concept(tag, vocabs=vocabs)
        path = known[tag] = f"{KB}/tags/{slug(concept.id) if concept is not None else slug(tag)}.md"
    return path


# -- pieces -------------------------------------------------------------------------------------

def pick(versions: list[Entry], ui: str) -> Entry:
    """The version of one entry to show in interface ui: ui's own language when there is one,
    otherwise the first of schema.LANGS (French, Arabic, English) that exists."""
    # Asked for every entry of every listing that is made: the common cases first, without a
    # sort key (the same answer: one version per language).
    if len(versions) == 1:
        return versions[0]
    for v in versions:
        if v.lang == ui:
            return v
    order = [ui] + [lang for lang in schema.LANGS if lang != ui]
    return min(versions, key=lambda e: order.index(e.lang) if e.lang in order else len(order))


def one_per_entry(entries: list[Entry], ui: str) -> list[Entry]:
    """One version per entry id (see pick), in no particular order: what listings show and count."""
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_id[e.id].append(e)
    return [pick(versions, ui) for versions in by_id.values()]


def n_entries(n: int, lang: str, vocabs: Vocabularies | None = None) -> str:
    """'1 fiche', '6 fiches', 'بطاقتان'... (Babel's plural rules)."""
    vocabs = Vocabularies.ensure(vocabs)
    return i18n.plural(vocabs.ui["n_entries"][lang], n, lang)


def bidi(text: str, lang: str | None = None) -> str:
    """Escaped text isolated from its surroundings (<bdi>), so that an Arabic title in a Latin
    line, or a Latin code such as 10.c.1 in an Arabic one, keeps its own order."""
    attr = f' lang="{lang}" dir="{i18n.direction(lang)}"' if lang else ""
    return f"<bdi{attr}>{md_text(text)}</bdi>"


def _entry_meta(entry: Entry, lang: str, vocabs: Vocabularies) -> list[str]:
    """What a list item says of an entry, as plain text in interface lang: its type, its countries
    (or 'regional') and, when the version shown is in another language, that language."""
    countries = i18n.format_list([vocabs.country_name(c, lang) for c in entry.countries], lang) or t("regional", lang, vocabs)
    meta = [vocabs.label("types", entry.type, lang), countries]
    if entry.lang != lang:
        language = vocabs.label("languages", entry.lang, lang)
        meta.append(t("version_in", lang, vocabs).format(language=language.lower() if lang == "fr" else language))
    return meta


def entry_line(entry: Entry, source: str, lang: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> str:
    """A list item linking the entry, with its type, countries and (when not lang) its language."""
    vocabs = Vocabularies.ensure(vocabs)
    meta = _entry_meta(entry, lang, vocabs)
    draft = f" · *{md_text(vocabs.label('statuses', 'draft', lang))}*" if entry.status == "draft" else ""
    return (f"- [{bidi(entry.title, entry.lang)}]({rel(source, entry.page)}) "
            f"<small>{' · '.join(md_text(m) for m in meta)}{draft}</small>")


CHEAP_KINDS = frozenset({"item"})  # TextMemo keys a section does not keep (TextMemo.section)


class TextMemo:
    """Generated text reused between builds, keyed by everything the text is made from (a key
    holds the fields read from each entry, so an entry's change changes the key). Only valid for
    one context (code, data files, settings: hence one set of Vocabularies): tools.site.generate
    keeps one per context and passes it (`memo=`) to the page generators for the length of a
    build; `used` keys are those asked for, the others are stale."""

    def __init__(self, texts: dict | None = None, prints: dict[str, str] | None = None):
        self.texts: dict = texts or {}
        self.used: set = set()
        self.prints = prints  # {entry key: model.fingerprint}, when the build has them (see `of`)
        self._lines: dict[int, tuple] = {}  # {id(entry): (entry, line digest, dated line digest)}, see lines()
        # Where the page texts of records loaded as memo_pack.Stored are read from (tools.site.generate).
        self.pack: memo_pack.Pack | None = None
        self.filed: dict[str, dict] = {}  # facet_listings' records of the entries seen, by token

    def of(self, kind: tuple, entries: list[Entry], make):
        """make()'s result remembered under `kind` (a hashable of the other inputs) and the
        fingerprints of `entries`, in their order: for texts that depend on those entries alone
        besides `kind` and the memo's context. Without the build's fingerprints, make()."""
        if self.prints is None:
            return make()
        digest = hashlib.sha256("\n".join(self.prints[e.key] for e in entries).encode()).hexdigest()
        return self.get((*kind, digest), make)

    def get(self, key, make) -> str:
        """The text remembered under `key` (a hashable of the values the text shows), or `make()`'s
        result, remembered; every key asked for is marked used, so that `kept` returns only those."""
        self.used.add(key)
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = make()
        elif type(text) is memo_pack.Stored:  # page texts kept out of the pickle: Blobs, read when needed
            text = self.texts[key] = text.open(self.pack)
        return text

    def kept(self) -> dict:
        """The texts asked for since this memo was made (what the next build can reuse)."""
        return {k: v for k, v in self.texts.items() if k in self.used}

    def section(self, key, make):
        """make()'s result ({path: text} of many pages) remembered under `key` with the keys it
        asked this memo for: when it is reused, they are kept too (marked used), so that the build
        after the next change still finds the texts the section is made of. List items (kind
        "item", CHEAP_KINDS) are not kept with it: made again in microseconds when a page of the
        section is, they made the memo's pickle a tenth larger at 10,000 entries (#10)."""
        hit = self.texts.get(key)
        if type(hit) is memo_pack.Stored:
            hit = self.texts[key] = hit.open(self.pack)
        if hit is not None:
            value, inner = hit
            self.used.add(key)
            self.used.update(inner)
            return value
        outer, self.used = self.used, set()
        try:
            value = make()
        finally:
            inner, self.used = self.used, outer
            outer.update(inner)
        self.used.add(key)
        self.texts[key] = (value, tuple(k for k in inner if not (type(k) is tuple and k and k[0] in CHEAP_KINDS)))
        return value

    def lines(self, entries: list[Entry], dated: bool = False, ordered: bool = False, shown: bool = False) -> bytes:
        """A 16-byte digest of what list lines show of `entries` (_line_key; with `dated`, their
        updated dates too; with `shown`, also their themes, data sources and tags, what files them
        in the listings): as a set, or with `ordered` in their order. Each entry's part is
        computed once per memo (one build), so a listing's key costs a join and a hash of its
        members' digests rather than building, sorting and comparing their line keys (#10)."""
        known = self._lines
        parts = []
        which = 3 if shown else 2 if dated else 1
        for e in entries:
            both = known.get(id(e))
            if both is None or both[0] is not e:
                line = _line_key(e)
                both = known[id(e)] = (e, hashlib.blake2b(repr(line).encode(), digest_size=16).digest(),
                                       hashlib.blake2b(repr((line, e.updated)).encode(), digest_size=16).digest(),
                                       hashlib.blake2b(repr((line, e.updated, e.themes, e.data_sources, e.tags)).encode(),
                                                       digest_size=16).digest())
            parts.append(both[which])
        if not ordered:
            parts.sort()
        return hashlib.blake2b(b"".join(parts), digest_size=16).digest()


def _line_key(entry: Entry) -> tuple:
    """What entry_line shows of an entry (keep in step with entry_line)."""
    return (entry.id, entry.lang, entry.title, entry.type, entry.countries, entry.status)


def entry_item(entry: Entry, source: str, lang: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> str:
    """entry_line as the HTML Markdown makes of it: '<li><a href="../x/fr.md"><bdi lang dir>title</bdi></a>
    <small>type · countries[ · <em>draft</em>]</small></li>', every value escaped for HTML text. The
    href is the relative .md path, as in a Markdown link: tools.site.mkdocs_hooks turns it into the
    page's URL (MkDocs rewrites .md links in Markdown links only, not in raw HTML)."""
    vocabs = Vocabularies.ensure(vocabs)
    meta = _entry_meta(entry, lang, vocabs)
    draft = f" · <em>{_html_text(vocabs.label('statuses', 'draft', lang))}</em>" if entry.status == "draft" else ""
    attr = f' lang="{entry.lang}" dir="{i18n.direction(entry.lang)}"' if entry.lang else ""
    href = html.escape(rel(source, entry.page), quote=True)
    return (f'<li><a href="{href}"><bdi{attr}>{_html_text(entry.title)}</bdi></a> '
            f"<small>{' · '.join(_html_text(m) for m in meta)}{draft}</small></li>")


def deferred_html(block: str) -> str:
    """A block of HTML (made here, values escaped) as Markdown for a generated page: wrapped in an
    HTML comment that tools.site.mkdocs_hooks.open_deferred opens after Markdown, so that neither
    Python-Markdown nor MkDocs parses its tags (at 1,000 entries, parsing a listing's raw HTML
    cost as much as converting it). Ends with a newline; to be put between blank lines."""
    # '-->' cannot come from escaped text ('>' is escaped) nor from the markup made here; made
    # harmless all the same, as the comment would end there.
    return DEFERRED_OPEN + block.replace(DEFERRED_CLOSE, "--&gt;") + DEFERRED_CLOSE + "\n"


def _html_text(text: str) -> str:
    return html.escape(str(text), quote=False)


def _html_in(text: str, lang: str, ui: str) -> str:
    """Escaped text; in <bdi lang dir> when `lang` is not the page's `ui` (a French title on the
    English page is read, hyphenated and isolated as French)."""
    return _html_text(text) if lang == ui else f'<bdi lang="{lang}" dir="{i18n.direction(lang)}">{_html_text(text)}</bdi>'


def entry_list(entries: list[Entry], source: str, lang: str = schema.DEFAULT_LANG,
               vocabs: Vocabularies | None = None, memo: TextMemo | None = None) -> str:
    """One item per entry id (the version for interface lang), by title: a '<ul>' block of HTML
    (entry_item) passed over by Markdown (deferred_html), where a Markdown list of the same
    lines made the listings' Markdown conversion grow with the collection (most of a dirty build's
    time at 1,000 entries). Items taken from and kept in `memo` when given (a build's TextMemo).
    Ends with a newline."""
    vocabs = Vocabularies.ensure(vocabs)
    ordered = sorted(one_per_entry(entries, lang), key=lambda e: (fold(e.title), e.id))
    return _item_list(ordered, source, lang, vocabs, memo)


_REFERENCES = re.compile(r"^#{1,6}\s*(Références|References|Sources|المراجع|المصادر)\s*$", re.M | re.I)


def card(entry: Entry, versions: list[Entry], vocabs: Vocabularies | None = None) -> str:
    """The summary card of an entry page, as Markdown: a two-column table (type, countries or
    'regional', themes, data sources, institutions, period, status, updated, tags, other language
    versions; empty rows left out) whose values link to their pages relative to entry.page, then its
    sources with accessed date and archived copy, unless the body already has a references heading
    and no source carries either. `versions`: every language version of the entry (the entry
    included). Labels from `vocabs` (None: the shipped ones, read now)."""
    vocabs = Vocabularies.ensure(vocabs)
    lang, page = entry.lang, entry.page
    sep = "، " if lang == "ar" else ", "  # the Arabic comma between items of an Arabic card

    def links(vocab, values, page_of):
        return sep.join(f"[{md_text(vocabs.label(vocab, v, lang))}]({rel(page, page_of(v))})" for v in values)

    rows = [
        (t("type", lang, vocabs), links("types", [entry.type], lambda v: term_page("types", v))),
        (t("countries", lang, vocabs), links("countries", entry.countries, country_page) or md_text(t("regional", lang, vocabs))),
        (t("themes", lang, vocabs), links("themes", entry.themes, lambda v: term_page("themes", v))),
        (t("data_sources", lang, vocabs), links("data_sources", entry.data_sources, lambda v: term_page("data_sources", v))),
        (t("institutions", lang, vocabs), ("؛ " if lang == "ar" else "; ").join(bidi(i) for i in entry.institutions)),
        (t("period", lang, vocabs), md_text(entry.period or "")),
        (t("status", lang, vocabs), md_text(vocabs.label("statuses", entry.status, lang))),
        (t("updated", lang, vocabs), md_text(entry.updated or "")),
        (t("tags", lang, vocabs), sep.join(f"[{bidi(tag)}]({rel(page, tag_page(tag, vocabs=vocabs))})" for tag in entry.tags)),
        (t("languages", lang, vocabs), " · ".join(
            f"[{md_text(vocabs.label('languages', v.lang, v.lang))}]({rel(page, v.page)})"
            for v in versions if v.lang != lang)),
    ]
    table = "\n".join(f"| {md_text(k)} | {v} |" for k, v in rows if v)
    sources = "\n".join(f"- [{md_text(link.title)}]({md_url(link.url)}){_link_extras(link, lang, vocabs=vocabs)}"
                        for link in entry.links)
    head = f"| | |\n|---|---|\n{table}\n"
    out = f'<div class="kb-card" markdown>\n\n{head}\n</div>\n\n'
    # The body's own references section usually lists the same links: show them once, unless the
    # card has more to say (when a source was consulted, an archived copy).
    dated = any(link.accessed or link.archive_url for link in entry.links)
    if sources and (dated or not _REFERENCES.search(entry.body)):
        out += f"**{md_text(t('links', lang, vocabs))}**\n\n{sources}\n\n"
    return out


def related(entry: Entry, candidates: list[Entry] | RelatedIndex, limit: int = 5) -> list[Entry]:
    """Entries sharing data sources, themes and countries with this one, best first (one version
    per entry, in this entry's language when there is one). `candidates` may be a RelatedIndex
    built once for many pages (tools.site.related has the scores)."""
    index = candidates if isinstance(candidates, RelatedIndex) else RelatedIndex(list(candidates))
    return index.of(entry, limit)


def entry_page(entry: Entry, versions: list[Entry], others: list[Entry] = (), site_url: str = "",
               edit_base: str = "", vocabs: Vocabularies | None = None, shared: dict | None = None,
               cite_url: str | None = None) -> str:
    """The generated Markdown of an entry version's page (written at entry.page): front matter (title,
    description, lang, dir, entry id, versions' languages, status, schema.org JSON-LD), title, a
    draft notice when status is draft, summary, card(), the body (snippet markers neutralised),
    related entries chosen among `others`, the citation with links to the version's .bib and .ris
    files (citation_files: made once, in the default interface's tree, and linked from every
    interface by site_link), and where to propose a change. `versions`: the entry's language
    versions (the entry included); `site_url`: the public address of the interface the page is
    in, for the JSON-LD ('' gives site-relative ones); `cite_url`: the site's public address (the
    default interface's) for the citation line (citation.address), None: `site_url`; `edit_base`:
    the repository's edit address, prefixed to entry.path for an 'edit' link ('': no link). Labels
    from `vocabs` (None: the shipped ones, read now). `shared`: a dict kept by the caller for one
    set of `versions`, `others` and `vocabs` across interfaces: the parts of the page that do not
    depend on `site_url` (the front matter but its JSON-LD, and from the title to the related
    entries) are made once per entry version."""
    vocabs = Vocabularies.ensure(vocabs)
    lang, page = entry.lang, entry.page
    made = shared.get(entry.key) if shared is not None else None
    if made is None:
        # The front matter but the JSON-LD (whose address is the interface's) and the middle of the
        # page: the same in every interface. versions: the languages the entry exists in, for the
        # language switcher (overrides/partials/alternate.html).
        head = front_lines(title=entry.title, description=entry.summary, lang=lang, dir=i18n.direction(lang),
                           entry_id=entry.id, versions=sorted(v.lang for v in versions), status=entry.status)
        made = (head, _entry_page_middle(entry, versions, others, vocabs))
        if shared is not None:
            shared[entry.key] = made
    head, middle = made
    out = "---\n" + head + front_lines(jsonld=citation.jsonld(entry, site_url, vocabs=vocabs)) + "---\n\n"
    out += middle
    stem = page[:-3]
    out += (f"## {md_text(t('cite', lang, vocabs))}\n\n{cite_line(entry, site_url if cite_url is None else cite_url)}\n\n"
            f"[BibTeX]({site_link(stem + '.bib')}) · [RIS]({site_link(stem + '.ris')})\n\n")
    out += (f"## {md_text(t('propose_change', lang, vocabs))}\n\n{md_text(t('source_file', lang, vocabs))} `{entry.path}` — "
            f"[{md_text(t('propose_how', lang, vocabs))}]({rel(page, f'{KB}/contribuer/{lang}.md')}).\n")
    if edit_base:  # mkdocs.yml's repo_url, when the repository's public address is set
        out += f"\n[{md_text(t('edit_file', lang, vocabs))}]({md_url(edit_base + entry.path)})\n"
    return out


def _entry_page_middle(entry: Entry, versions: list[Entry], others, vocabs: Vocabularies) -> str:
    """entry_page from the title to the related entries: the same in every interface."""
    lang, page = entry.lang, entry.page
    out = f"# {md_text(entry.title)}\n\n"
    if entry.status == "draft":
        out += f'!!! warning "{md_text(vocabs.label("statuses", "draft", lang))}"\n    {md_text(t("draft_notice", lang, vocabs))}\n\n'
    out += f"*{md_text(entry.summary)}*\n\n"
    out += card(entry, versions, vocabs=vocabs)
    out += no_snippets(safe_body(entry.body)) + "\n\n"
    near = related(entry, others)
    if near:
        out += f"## {md_text(t('related', lang, vocabs))}\n\n" + "\n".join(entry_line(o, page, lang, vocabs=vocabs) for o in near) + "\n\n"
    return out


def site_link(path: str) -> str:
    """A Markdown link target to `path`, a file of the default interface's docs tree (a path under
    docs/, e.g. 'kb/entries/<id>/ar.bib'), from a generated page of any interface: 'kb-site:<path>'
    (mkdocs_hooks.SITE_LINK), which MkDocs passes over as an address with a scheme and
    tools.site.mkdocs_hooks.site_links_to_urls makes a URL relative to the page (the other
    interfaces are built one folder down, in site/<lang>/), after checking that the file is
    there. Files made once for the whole site are linked this way (#10)."""
    return SITE_LINK + md_url(path)


def cite_line(entry: Entry, site_url: str) -> str:
    """The plain citation as Markdown (`site_url`: the site's address, citation.address), its
    address isolated left to right (<bdi dir="ltr">) so that in an Arabic paragraph the slashes
    stay where they belong."""
    text = citation.plain(entry, site_url)
    url = citation.address(site_url, entry)
    head = text[: -len(url)] if text.endswith(url) else text + " "
    return f'{md_text(head)}<bdi dir="ltr">{md_text(url)}</bdi>'


_SNIPPET = re.compile(r"^([ \t]*)(-+8<-+)", re.M)


def no_snippets(md: str) -> str:
    """Entry text with pymdownx.snippets markers ('--8<--', which would include another file)
    escaped by the extension's own ';' escape: they show as written, nothing is included."""
    return _SNIPPET.sub(r"\1;\2", md)


# A comparison cell lists its entries up to CELL_LIMIT; one with more shows its first CELL_SHOWN
# and a link to the search page filtered on its row and column (the page stays bounded).
CELL_LIMIT = harmonisation.CELL_LIMIT
CELL_SHOWN = harmonisation.CELL_SHOWN


def comparison_page(entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None,
                    memo: TextMemo | None = None) -> str:
    """Data sources (then themes) as rows, the focus countries as columns, entries in the cells
    (at most CELL_LIMIT per cell, else the first CELL_SHOWN and a link to the rest on the search page).
    `memo`: a build's TextMemo, which each row is taken from and kept in (by its cells' entries'
    lines: one changed entry makes again the rows of its sources and themes only)."""
    vocabs = Vocabularies.ensure(vocabs)
    focus = vocabs.focus_countries()
    fr_first = sorted(entries, key=lambda e: (e.lang != ui, e.lang != "fr", e.lang))
    one: dict[str, Entry] = {}
    for e in fr_first:
        one.setdefault(e.id, e)
    title = t("comparison", ui, vocabs)
    out = front_matter(title=title, search=NO_SEARCH, hide=["toc"]) + f"# {md_text(title)}\n\n{md_text(t('comparison_intro', ui, vocabs))}\n\n"
    out += f"**→ [{md_text(harmonisation.w('title', ui, vocabs=vocabs))}]({rel(path, harmonisation.PAGE)})**\n\n"  # the page that replaces this one in the nav
    for heading, vocab, attr, page_of in (("by_source", "data_sources", "data_sources", lambda v: term_page("data_sources", v)),
                                          ("by_theme", "themes", "themes", lambda v: term_page("themes", v))):
        param = BY_NAME["data_source" if attr == "data_sources" else "theme"].param
        out += f"## {md_text(t(heading, ui, vocabs))}\n\n"
        cell_of: dict[tuple[str, str], list[Entry]] = defaultdict(list)  # one pass over the entries
        for e in one.values():
            for term in set(getattr(e, attr)):
                for code in set(e.countries):
                    cell_of[term, code].append(e)
        rows = []
        for term in vocabs.terms(vocab):
            row = partial(_comparison_row, term, vocab, param, page_of, cell_of, focus, path, ui, vocabs)
            if memo is not None:  # a row shows its cells' entries' lines alone
                key = ("compare-row", ui, path, vocab, term,
                       tuple(memo.lines(cell_of.get((term, code), ()), ordered=True) for code in focus))
                rows.append(memo.get(key, row))
            else:
                rows.append(row())
        head = [""] + [_html_link(rel(path, country_page(c)), _html_text(vocabs.country_name(c, ui))) for c in focus]
        # In a box of its own: the stylesheet keeps its cells' words whole (the table scrolls sideways
        # on a phone) where other tables' cells break anywhere rather than widen the page.
        out += deferred_html('<div class="kb-compare">\n' + html_table(head, rows) + "</div>\n") + "\n"
    return out


def _comparison_row(term: str, vocab: str, param: str, page_of, cell_of: dict, focus, path: str, ui: str,
                    vocabs: Vocabularies) -> list[str]:
    """One row of comparison_page's table (the term, then a cell per focus country), as HTML cells."""
    cells = []
    for code in focus:
        hits = cell_of.get((term, code), ())
        # A full cell shows its first CELL_SHOWN: nsmallest is sorted(...)[:n] (stable), without
        # sorting the thousands of a large cell (#10).
        first = (sorted(hits, key=lambda e: fold(e.title)) if len(hits) <= CELL_LIMIT
                 else heapq.nsmallest(CELL_SHOWN, hits, key=lambda e: fold(e.title)))
        links = [_html_link(rel(path, e.page), _html_in(_short(e.title), e.lang, ui)) for e in first]
        if len(hits) > CELL_LIMIT:  # the cell's entries on the search page, both filters set
            count = n_entries(len(hits), ui, vocabs=vocabs)
            links.append(_html_link(search_link(path, {param: term, BY_NAME["country"].param: code}),
                                    _html_text(t("cell_more", ui, vocabs).format(count=count))))
        cells.append("• " + "<br>• ".join(links) if links else '<span class="kb-empty">—</span>')
    return [_html_link(rel(path, page_of(term)), _html_text(vocabs.label(vocab, term, ui))), *cells]


def _html_link(href: str, inner: str) -> str:
    """'<a href="...">inner</a>': href a relative .md path (tools.site.mkdocs_hooks makes it the
    page's URL), inner already HTML."""
    return f'<a href="{html.escape(href, quote=True)}">{inner}</a>'


def html_table(head: list[str], rows: list[list[str]]) -> str:
    """A table as raw HTML, cells given as HTML, laid out as Python-Markdown's tables extension
    writes a Markdown table (so the page is the same), which Markdown passes through whole where a
    Markdown table's cells would each be converted (the comparison page holds a link per entry,
    theme or source and country). Ends with a newline."""
    out = ["<table>", "<thead>", "<tr>", *(f"<th>{c}</th>" for c in head), "</tr>", "</thead>", "<tbody>"]
    for row in rows:
        out += ["<tr>", *(f"<td>{c}</td>" for c in row), "</tr>"]
    return "\n".join(out + ["</tbody>", "</table>"]) + "\n"


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


# Listing pages repeat entry titles: keeping them out of the browser search index keeps that
# index (downloaded whole by every visitor) small and its results pointing at entries.
NO_SEARCH = {"exclude": True}


def listing_page(title: str, intro: str, entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG,
                 extra: str = "", vocabs: Vocabularies | None = None, memo: TextMemo | None = None,
                 keys: list | None = None) -> str:
    """A page listing entries, one line per entry id (the version in ui when there is one), with
    their count. `extra` is Markdown put between the intro and the list. `memo`: a build's
    TextMemo, which the page and its lines are taken from and kept in; `keys`, a list the memo's
    key of the page is appended to (with `memo`)."""
    vocabs = Vocabularies.ensure(vocabs)
    if memo is not None:
        key = ("listing", title, intro, path, ui, extra, memo.lines(entries))
        if keys is not None:
            keys.append(key)
        return memo.get(key, lambda: _listing_page(title, intro, entries, path, ui, extra, vocabs, memo))
    return _listing_page(title, intro, entries, path, ui, extra, vocabs)


def _listing_page(title: str, intro: str, entries: list[Entry], path: str, ui: str, extra: str,
                  vocabs: Vocabularies, memo: TextMemo | None = None) -> str:
    shown = one_per_entry(entries, ui)
    out = front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n"
    if intro:
        out += f"{md_text(intro)}\n\n"
    return out + extra + f'<p class="kb-count">{md_text(n_entries(len(shown), ui, vocabs=vocabs))}</p>\n\n' + entry_list(shown, path, ui, vocabs=vocabs, memo=memo)


# -- listings that grow with the collection: pages of bounded size --------------------------------
#
# A listing of more than SPLIT_AT entries is no longer one page: the page at its path keeps its
# title, count and breakdown, the latest updated entries and a link to the search page filtered on
# the listing's facet value, and files the entries by the start of their folded title in pages
# under a folder of the same name (kb/themes/emploi.md → kb/themes/emploi/e.md, .../en.md). A
# group of more than SPLIT_AT entries is split again by one more letter (up to split.MAX_DEPTH letters,
# then cut into numbered parts where the entries' ids say, split.cut). The layout is a function of the listing's entries alone (full and
# incremental builds agree), a title's group does not shift when another entry is added, and one
# changed entry rewrites only the pages of its groups and their parents: every page holds at most
# SPLIT_AT entries or the links to the groups under it.

SPLIT_AT = 100  # entries (ids) a listing page shows in full; more are split (see above)
LATEST_SHOWN = 10  # latest updated entries on a split listing's first page
SEARCH_PAGE = "recherche.md"  # the search page, at the docs root of every interface


def part_front_matter(title: str) -> str:
    """front_matter(title=title, search=NO_SEARCH) as JSON (harmonisation.listing_front_matter)."""
    return harmonisation.listing_front_matter(title)


def split_threshold(split_at: int | None = None) -> int:
    """`split_at`, or SPLIT_AT (read at call time, so tests can lower it) when None."""
    return SPLIT_AT if split_at is None else split_at


def parts_folder(path: str) -> str:
    """The folder of a split listing's sub-pages: the page's path without '.md'
    ('kb/themes/emploi.md' → 'kb/themes/emploi'), 'kb/all' for 'kb/index.md'."""
    return posixpath.join(posixpath.dirname(path), "all") if posixpath.basename(path) == "index.md" else path[:-3]


def _item_list(ordered: list[Entry], source: str, lang: str, vocabs: Vocabularies, memo: TextMemo | None) -> str:
    """entry_list's block for entries already in order (one version each)."""
    if memo is not None:  # each item recurs in ~10 listings per interface and in every build
        # Keyed by its link, the one thing of the item that depends on the listing's page: the
        # pages by title of every listing share them.
        items = [memo.get(("item", _line_key(e), rel(source, e.page), lang), lambda e=e: entry_item(e, source, lang, vocabs=vocabs))
                 for e in ordered]
    else:
        items = [entry_item(e, source, lang, vocabs=vocabs) for e in ordered]
    return deferred_html("<ul>\n" + "".join(item + "\n" for item in items) + "</ul>\n") if items else ""


def _group_links(groups: list[Group], folder: str, source: str, ui: str, vocabs: Vocabularies, forms: str = "n_entries") -> str:
    """The links to `groups` (pages in `folder`) from page `source`, each with its count (in the
    plural forms of ui.yml's `forms`)."""
    items = "".join(f'<li>{_html_link(rel(source, f"{folder}/{g.name}.md"), f"<bdi>{_html_text(g.label)}</bdi>")} '
                    f"<small>{_html_text(i18n.plural(vocabs.ui[forms][ui], len(g.members), ui))}</small></li>\n"
                    for g in groups)
    return deferred_html(f'<ul class="kb-parts">\n{items}</ul>\n')


def search_link(source: str, filters: dict[str, str]) -> str:
    """Relative address from docs page `source` of the search page with `filters` ({API/search
    page parameter: value}, see tools.site.facets) and an empty query: the search lists the
    matching entries by title, with the API or the static index alike."""
    query = urlencode(sorted(filters.items()))
    return rel(source, SEARCH_PAGE) + (f"?{query}" if query else "")


def type_breakdown(shown: list[Entry], ui: str, vocabs: Vocabularies) -> str:
    """'3 outils, 2 études' of entries (one version each) by type, in vocabulary order; '' for none."""
    return i18n.format_list([i18n.plural(vocabs.ui["n_types"][k][ui], n, ui) for k in vocabs.terms("types")
                             if (n := sum(1 for e in shown if e.type == k))], ui)


def listing_pages(title: str, intro: str, entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG,
                  extra: str = "", vocabs: Vocabularies | None = None, memo: TextMemo | None = None,
                  search: dict[str, str] | None = None, split_at: int | None = None,
                  keys: list | None = None) -> dict[str, str]:
    """A listing of `entries` at docs path `path` as {path: text}: listing_page's one page when it
    has at most `split_at` (default SPLIT_AT) entries, else the split layout described above this
    function (the first page at `path`, the others under parts_folder(path)). `search`: the
    filters ({parameter: value}) that give the same entries on the search page, linked from the
    first page of a split listing; None for no link (a listing no facet describes). `keys`: a
    list the memo's key of the listing is appended to (with `memo`: remembered_listing takes the
    listing back by it)."""
    vocabs = Vocabularies.ensure(vocabs)
    limit = split_threshold(split_at)
    if ids(entries) <= limit:
        return {path: listing_page(title, intro, entries, path, ui, extra, vocabs=vocabs, memo=memo, keys=keys)}
    if memo is not None:  # the pages depend on what the lines show and on the dates (the latest)
        key = ("split-listing", title, intro, path, ui, extra, tuple(sorted((search or {}).items())) if search is not None else None,
               limit, memo.lines(entries, dated=True))
        if keys is not None:
            keys.append(key)
        # A section: taken whole, it keeps the texts of its parts (kept by the memo for the next
        # build), so that one entry added later makes again its own part's page alone (#10).
        return memo.section(key, lambda: _split_listing(title, intro, entries, path, ui, extra, vocabs, memo, search, limit))
    return _split_listing(title, intro, entries, path, ui, extra, vocabs, memo, search, limit)


def _split_listing(title: str, intro: str, entries: list[Entry], path: str, ui: str, extra: str, vocabs: Vocabularies,
                   memo: TextMemo | None, search: dict[str, str] | None, limit: int) -> dict[str, str]:
    shown = one_per_entry(entries, ui)
    rows = sorted(((filing_text(e.title), e) for e in shown), key=lambda r: (r[0], r[1].id))
    groups = group_by_prefix(rows, 1, limit)
    folder = parts_folder(path)
    count = n_entries(len(shown), ui, vocabs=vocabs)
    kinds = type_breakdown(shown, ui, vocabs)
    out = front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n"
    if intro:
        out += f"{md_text(intro)}\n\n"
    out += extra + f'<p class="kb-count">{md_text(count)}' + (f" ({md_text(kinds)})" if kinds else "") + "</p>\n\n"
    if search is not None:
        out += f"[{md_text(t('listing_search', ui, vocabs).format(count=count))}]({md_url(search_link(path, search))})\n\n"
    latest = sorted(shown, key=lambda e: (e.updated or "", e.id), reverse=True)[:LATEST_SHOWN]
    out += f"## {md_text(t('listing_latest', ui, vocabs))}\n\n" + _item_list(latest, path, ui, vocabs, memo) + "\n"
    out += f"## {md_text(t('listing_by_title', ui, vocabs))}\n\n" + _group_links(groups, folder, path, ui, vocabs)
    pages = {path: out}
    labels = {g.name: g.label for g, _ in walk(groups)}
    for g, parent in walk(groups):
        page = f"{folder}/{g.name}.md"
        up = f"{folder}/{parent}.md" if parent else path
        up_label = f"{title} — {labels[parent]}" if parent else title

        def part(g=g, page=page, up=up, up_label=up_label) -> str:
            head = f"{title} — {g.label}"
            text = part_front_matter(head) + f"# {md_text(title)} — {bidi(g.label)}\n\n"
            text += f"{md_text(t('listing_part_of', ui, vocabs))} [{bidi(up_label)}]({rel(page, up)})\n\n"
            text += f'<p class="kb-count">{md_text(n_entries(len(g.members), ui, vocabs=vocabs))}</p>\n\n'
            if g.children:
                return text + _group_links(g.children, folder, page, ui, vocabs)
            return text + _item_list(g.members, page, ui, vocabs, memo)
        if memo is not None and not g.children:
            # A page of entries shows what their lines show, with its place in the listing: one
            # changed entry makes again its own group's page, not every page of the listing (#10).
            key = ("split-part", title, g.label, page, up, up_label, ui, memo.lines(g.members, ordered=True))
            pages[page] = memo.get(key, part)
        else:
            pages[page] = part()
    return pages


def remembered_listing(memo: TextMemo, key: tuple, make) -> dict[str, str]:
    """The listing ({path: text}) listing_pages kept in `memo` under `key` (its `keys`), marked
    used; make() (listing_pages' result for the same entries) if the memo does not hold it."""
    if key[0] == "listing":  # ("listing", title, intro, path, ...): one page
        return {key[3]: memo.get(key, lambda: make()[key[3]])}
    return memo.section(key, make)


def index_page(title: str, rows: list[tuple[str, str, int]], path: str, ui: str = schema.DEFAULT_LANG,
               intro: str = "", vocabs: Vocabularies | None = None) -> str:
    """A page listing (label, page, count of entry ids) rows as a table."""
    vocabs = Vocabularies.ensure(vocabs)
    lines = [f"| {md_text(title)} | {md_text(t('count', ui, vocabs))} |", "|---|---:|"]
    lines += [f"| [{bidi(label)}]({rel(path, target)}) | {count} |" for label, target, count in rows]
    head = front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n"
    return head + (f"{md_text(intro)}\n\n" if intro else "") + "\n".join(lines) + "\n"


def ids(entries: list[Entry]) -> int:
    """How many distinct entries (ids) the files stand for."""
    return len({e.id for e in entries})


INSTITUTIONS_SHOWN = 20  # institutions on the page of a country of more than SPLIT_AT entries


def country_lists(path: str) -> dict[str, str]:
    """The docs paths of a country's own and shared entry lists when they are pages of their own
    (more entries than a page shows): {"own": ..., "shared": ...}, under the country page's folder."""
    return {part: f"{parts_folder(path)}/{part}.md" for part in ("own", "shared")}


def _own_shared(code: str, entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    own = [e for e in entries if e.folder == code.lower()]
    return own, [e for e in entries if e.folder != code.lower()]


def country_pages(code: str, entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG,
                  vocabs: Vocabularies | None = None, memo: TextMemo | None = None,
                  split_at: int | None = None) -> dict[str, str]:
    """A country's page (country_profile) and, for its own or shared entries when more than
    `split_at` (default SPLIT_AT), their listing pages (listing_pages, at country_lists' paths).
    Returns {path: text}."""
    vocabs = Vocabularies.ensure(vocabs)
    limit = split_threshold(split_at)
    out = {path: country_profile(code, entries, path, ui, vocabs=vocabs, memo=memo, split_at=limit)}
    name = vocabs.country_name(code, ui)
    for part, group in zip(("own", "shared"), _own_shared(code, entries), strict=True):
        if ids(group) > limit:
            title = f"{name} — {t('country_' + part, ui, vocabs)}"
            intro = t(f"country_{part}_intro", ui, vocabs).format(country=name)
            out.update(listing_pages(title, intro, group, country_lists(path)[part], ui, vocabs=vocabs,
                                     memo=memo, split_at=limit))
    return out


def institution_translations(entries: list[Entry], ui: str) -> dict[tuple[str, str], tuple[str, str]]:
    """{(language, folded name): (name in ui, ui)} learnt from entries that have a version in ui and
    one in that language listing as many institutions (their lists are parallel, item by item), so
    that an entry shown in another language (no version in ui) names its institutions in ui where
    some other entry already translated them. Of several translations, the most frequent (ties: the
    first in id order) is kept; a name translated as itself is no translation."""
    by_id: dict[str, dict[str, Entry]] = defaultdict(dict)
    for e in entries:
        by_id[e.id][e.lang] = e
    seen: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for entry_id in sorted(by_id):
        versions = by_id[entry_id]
        if ui not in versions:
            continue
        target = versions[ui].institutions
        for lang, version in versions.items():
            if lang != ui and len(version.institutions) == len(target):
                for source, name in zip(version.institutions, target, strict=True):
                    if fold(source) != fold(name):
                        counts = seen[(lang, fold(source))]
                        counts[name] = counts.get(name, 0) + 1
    return {key: (max(counts, key=counts.get), ui) for key, counts in seen.items()}


def _merge_glossary_synonyms(institutions: dict[str, tuple[str, str]], named: dict[str, int], ui: str,
                             vocabs: Vocabularies) -> None:
    """In place: a name in another language than ui that the glossary gives as the same concept as a
    name in ui on the page ('Bureau international du Travail (BIT)' and 'International Labour
    Organization (ILO)') is merged into it, its count added. Names are compared whole, without a
    trailing '(ACRONYM)', to the concept's terms and synonyms in their language."""
    if all(lang == ui for _, lang in institutions.values()):
        return
    by_name: dict[tuple[str, str], str] = {}
    for concept in glossary.concepts(vocabs):
        for lang, term in concept.terms.items():
            for name in [term.get("term", "")] + list(term.get("synonyms") or []):
                if name:
                    by_name.setdefault((lang, fold(name)), concept.id)

    def concept_of(name: str, lang: str) -> str | None:
        bare = re.sub(r"\s*\([^()]*\)\s*$", "", name)
        return by_name.get((lang, fold(bare))) or by_name.get((lang, fold(name)))

    in_ui = {concept_of(n, lang): key for key, (n, lang) in institutions.items() if lang == ui}
    in_ui.pop(None, None)
    for key, (name, lang) in list(institutions.items()):
        target = in_ui.get(concept_of(name, lang)) if lang != ui else None
        if target is not None:
            named[target] += named.pop(key, 0)
            del institutions[key]


def country_profile(code: str, entries: list[Entry], path: str, ui: str = schema.DEFAULT_LANG,
                    vocabs: Vocabularies | None = None, memo: TextMemo | None = None,
                    split_at: int | None = None) -> str:
    """A country's page: its own entries (folder = the country) first, with their institutions
    (each once, from the version in ui), then regional and other entries whose scope includes it,
    then its instruments by data source: documented (with the entries) and not documented.
    `memo`: a build's TextMemo for the entry lines. Above `split_at` entries (default SPLIT_AT)
    the page stays bounded: the INSTITUTIONS_SHOWN institutions most entries name, with their
    counts; own or shared entries beyond `split_at` as a link to their pages (country_pages);
    a data source's entries beyond CELL_LIMIT as a link to the search page."""
    vocabs = Vocabularies.ensure(vocabs)
    limit = split_threshold(split_at)
    name = vocabs.country_name(code, ui)
    own, shared = _own_shared(code, entries)
    shown = one_per_entry(entries, ui)
    large = len(shown) > limit
    kinds = type_breakdown(shown, ui, vocabs)
    out = front_matter(title=name) + f"# {md_text(name)}\n\n"
    out += f'<p class="kb-count">{md_text(n_entries(len(shown), ui, vocabs=vocabs))}' + (f" ({md_text(kinds)})" if kinds else "") + "</p>\n\n"
    institutions: dict[str, tuple[str, str]] = {}  # folded institution: (name as shown, its language)
    named: dict[str, int] = defaultdict(int)  # folded institution: entries naming it
    translated = institution_translations(entries, ui)
    for e in sorted(one_per_entry(own, ui), key=lambda e: e.id):
        names = [translated.get((e.lang, fold(inst)), (inst, e.lang)) for inst in e.institutions]
        for name in names:
            if name[1] == ui or fold(name[0]) not in institutions:  # a name the ui's versions use wins
                institutions[fold(name[0])] = name
        for key in {fold(name) for name, _ in names}:
            named[key] += 1
    _merge_glossary_synonyms(institutions, named, ui, vocabs)

    def shown_name(name: tuple[str, str]) -> str:
        return bidi(name[0], name[1] if name[1] != ui else None)

    if institutions and large and len(institutions) > INSTITUTIONS_SHOWN:
        top = sorted(institutions, key=lambda k: (-named[k], k))[:INSTITUTIONS_SHOWN]
        more = i18n.plural(vocabs.ui["n_more_institutions"][ui], len(institutions) - len(top), ui)
        out += (f"## {md_text(t('institutions', ui, vocabs))}\n\n{md_text(t('top_institutions_intro', ui, vocabs))}\n\n"
                + "\n".join(f"- {shown_name(institutions[k])} <small>({named[k]})</small>" for k in top)
                + f"\n\n{md_text(more)}\n\n")
    elif institutions:
        out += (f"## {md_text(t('institutions', ui, vocabs))}\n\n{md_text(t('country_institutions_intro', ui, vocabs))}\n\n"
                + "\n".join(f"- {shown_name(i)}" for i in sorted(institutions.values(), key=lambda n: fold(n[0]))) + "\n\n")
    for part, group in (("own", own), ("shared", shared)):
        if not group:
            continue
        count = n_entries(ids(group), ui, vocabs=vocabs)
        out += (f"## {md_text(t('country_' + part, ui, vocabs))}\n\n"
                f"{md_text(t(f'country_{part}_intro', ui, vocabs).format(country=name))}\n\n"
                f'<p class="kb-count">{md_text(count)}</p>\n\n')
        if ids(group) > limit:
            out += f"[{md_text(t('listing_see_all', ui, vocabs).format(count=count))}]({rel(path, country_lists(path)[part])})\n\n"
        else:
            out += entry_list(group, path, ui, vocabs=vocabs, memo=memo) + "\n"
    out += f"## {md_text(t('instruments', ui, vocabs))}\n\n"
    missing = []
    documented = []
    for source in vocabs.terms("data_sources"):
        group = [e for e in entries if source in e.data_sources]
        if group:
            documented.append((source, group))
        else:
            missing.append(source)
    if documented:
        out += f"### {md_text(t('documented', ui, vocabs))}\n\n"
        for source, group in documented:
            label = f"[{md_text(vocabs.label('data_sources', source, ui))}]({rel(path, term_page('data_sources', source))})"
            if large and ids(group) > CELL_LIMIT:
                count = n_entries(ids(group), ui, vocabs=vocabs)
                link = search_link(path, {BY_NAME["country"].param: code, BY_NAME["data_source"].param: source})
                out += f"#### {label}\n\n[{md_text(t('listing_search', ui, vocabs).format(count=count))}]({md_url(link)})\n\n"
            else:
                out += f"#### {label}\n\n" + entry_list(group, path, ui, vocabs=vocabs, memo=memo) + "\n"
    if missing:
        out += (f"### {md_text(t('not_documented', ui, vocabs))}\n\n"
                + "\n".join(f"- {md_text(vocabs.label('data_sources', s, ui))}" for s in missing) + "\n\n")
    out += harmonisation.country_section(code, entries, path, ui, vocabs=vocabs, split_at=limit)
    return out


# -- glossary: an index by letter and one page per concept ----------------------------------------

def concept_name(concept, ui: str) -> str:
    """A glossary concept's term in ui, else in the first language that has one, else its id."""
    for lang in [ui, *schema.LANGS]:
        term = (concept.terms.get(lang) or {}).get("term")
        if term:
            return term
    return concept.id


def initial(text: str) -> str:
    """The letter a name is filed under: its first letter, folded (é → e, أ → ا); '#' otherwise."""
    folded = fold(text)
    return folded[0] if folded and folded[0].isalpha() else "#"


def concept_page(concept) -> str:
    """One page per concept, at the same address in every interface (the language switcher keeps it)."""
    return f"{KB}/glossaire/{slug(concept.id)}.md"


def _letter_anchor(letter: str) -> str:
    return "lettre-" + (slug(letter) if letter != "#" else "autres")


def _letters_nav(letters: list[str], ui: str, vocabs: Vocabularies | None = None) -> str:
    vocabs = Vocabularies.ensure(vocabs)
    return (f'<nav class="kb-letters" aria-label="{html.escape(t("letters", ui, vocabs))}" markdown>\n\n'
            + " ".join(f"[{md_text(x.upper())}](#{_letter_anchor(x)})" for x in letters) + "\n\n</nav>\n\n")


def glossary_pages(ui: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> dict[str, str]:
    """The glossary: an index (kb/glossaire.md: letter links, then each letter's concepts under an
    anchor) and one page per concept with its acronyms and its term and definition in each
    language, each in its own direction. Returns {path: text}."""
    vocabs = Vocabularies.ensure(vocabs)
    concepts = sorted(glossary.concepts(vocabs), key=lambda c: fold(concept_name(c, ui)))
    by_letter: dict[str, list] = defaultdict(list)
    for c in concepts:
        by_letter[initial(concept_name(c, ui))].append(c)
    index_path = f"{KB}/glossaire.md"
    title = t("glossary", ui, vocabs)
    out: dict[str, str] = {}
    letters = sorted(by_letter, key=lambda x: (x == "#", x))
    index = front_matter(title=title) + f"# {md_text(title)}\n\n{md_text(t('glossary_intro', ui, vocabs))}\n\n"
    index += f'<p class="kb-count">{md_text(i18n.plural(vocabs.ui["n_concepts"][ui], len(concepts), ui))}</p>\n\n'
    index += _letters_nav(letters, ui, vocabs=vocabs)
    for letter in letters:
        index += f"## {md_text(letter.upper())} {{#{_letter_anchor(letter)}}}\n\n" + "\n".join(
            f"- [{bidi(concept_name(c, ui))}]({rel(index_path, concept_page(c))})"
            + (f" <small>{bidi(', '.join(c.acronyms))}</small>" if c.acronyms else "") for c in by_letter[letter]) + "\n\n"
    for c in concepts:
        page = concept_page(c)
        name = concept_name(c, ui)
        text = front_matter(title=f"{name} — {title}") + f"# {md_text(name)}\n\n"
        if c.acronyms:
            text += f"**{md_text(t('acronyms', ui, vocabs))}** : {bidi(', '.join(c.acronyms))}\n\n"
        for lang in schema.LANGS:
            term = c.terms.get(lang, {})
            if term:
                flag = " (?)" if lang == "ar" and c.ar_proposed else ""
                # A heading and a paragraph per language rather than a 3-column table: readable at
                # 390 px, and each language's text keeps its own direction.
                text += (f"## {md_text(vocabs.label('languages', lang, ui))}\n\n"
                         f'<div lang="{lang}" dir="{i18n.direction(lang)}" markdown>\n\n'
                         f"**{md_text(term.get('term', ''))}**{flag}\n\n"
                         + (f"{md_text(term.get('definition', ''))}\n\n" if term.get("definition") else "")
                         + "</div>\n\n")
        if c.source:
            text += f"{md_text(t('source', ui, vocabs))} : [{md_text(c.source)}]({md_url(c.source)})\n\n"
        text += f"[{md_text(t('glossary', ui, vocabs))}]({rel(page, index_path)}#{_letter_anchor(initial(name))})\n"
        out[page] = text
    out[index_path] = index
    return out


# -- tags: one page per glossary concept across languages, else per folded tag ----------------------

def tag_concept(tag: str, vocabs: Vocabularies | None = None):
    """The glossary concept a free tag names (a term, synonym or acronym in any language, folded),
    or None."""
    vocabs = Vocabularies.ensure(vocabs)
    return vocabs.derived("pages.concept_index", lambda: _concept_index(vocabs)).get(fold(tag))


def _concept_index(vocabs: Vocabularies) -> dict:
    index = {}
    for c in glossary.concepts(vocabs):
        for n in c.names():
            index.setdefault(fold(n), c)
    return index


class TagGroup:
    """One keyword page's entries (tag_groups): `path` its page, `members` the entries filed there
    (in collection order, once per tag of theirs that leads there), `spellings` {folded tag: first
    spelling met}, `concept` the glossary concept when the page is one's, `written_in` {tag as
    written: languages of the entries writing it}. Everything its page shows comes from these."""

    __slots__ = ("path", "members", "spellings", "concept", "written_in")

    def __init__(self, path: str):
        self.path = path
        self.members: list[Entry] = []
        self.spellings: dict[str, str] = {}
        self.concept = None
        self.written_in: dict[str, set[str]] = defaultdict(set)

    def name(self, ui: str) -> str:
        """The keyword's name in interface ui: its concept's, else its first spelling in sort order."""
        if self.concept is not None:
            return concept_name(self.concept, ui)
        return sorted(self.spellings.values())[0]

    def shown(self, ui: str) -> str:
        """The name as the pages write it. A keyword written in another language than the page's
        is marked with its language and direction, as comparison titles are (bidi): a French
        keyword on the English index is read, and hyphenated, as French. A glossary concept's
        name is in the page's language."""
        name = self.name(ui)
        langs = set() if self.concept is not None else self.written_in.get(name, set())
        return bidi(name, None if not langs or ui in langs else min(langs))


def _tag_info(tag: str, vocabs: Vocabularies) -> tuple:
    """(page, folded tag, concept or None) of a tag, remembered per Vocabularies (asked for each
    tag of each entry in each interface, #10)."""
    info = vocabs.derived("pages.tag_info", dict)
    known = info.get(tag)
    if known is None:
        known = info[tag] = (tag_page(tag, vocabs=vocabs), fold(tag), tag_concept(tag, vocabs=vocabs))
    return known


def tag_groups(entries: list[Entry], vocabs: Vocabularies, wanted=None) -> dict[str, TagGroup]:
    """{keyword page: TagGroup} of `entries` (pages in order of first use), only the pages in
    `wanted` when given (a set of paths)."""
    groups: dict[str, TagGroup] = {}
    for e in entries:
        for tag in e.tags:
            path, folded, concept = _tag_info(tag, vocabs)
            if wanted is not None and path not in wanted:
                continue
            g = groups.get(path)
            if g is None:
                g = groups[path] = TagGroup(path)
            g.members.append(e)
            g.spellings.setdefault(folded, tag)
            g.written_in[tag].add(e.lang)
            if concept is not None:
                g.concept = concept
    return groups


def tag_listing(group: TagGroup, ui: str, vocabs: Vocabularies, memo: TextMemo | None = None,
                split_at: int | None = None, keys: list | None = None) -> dict[str, str]:
    """One keyword page (split as listing_pages does above `split_at` entries): {path: text}.
    `keys`: see listing_pages."""
    path = group.path
    extra = ""
    if group.concept is not None:
        extra += f"[{md_text(t('tag_concept', ui, vocabs))}]({rel(path, concept_page(group.concept))})\n\n"
    words = sorted(group.spellings.values(), key=fold)
    if len(words) > 1:
        extra += f"{md_text(t('also_tagged', ui, vocabs))} : " + i18n.format_list([bidi(w) for w in words], ui) + "\n\n"
    return listing_pages(group.name(ui), "", group.members, path, ui, extra=extra, vocabs=vocabs, memo=memo,
                         split_at=split_at, keys=keys)


def tag_pages(entries: list[Entry], ui: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None,
              memo: TextMemo | None = None, split_at: int | None = None) -> dict[str, str]:
    """One page per tag group (a glossary concept, or one tag folded: 'Emploi' = 'emploi'), named
    in ui, listing each entry once (split as listing_pages does above `split_at` entries); and the
    index grouped by first letter. Returns {path: text}. `memo`: a build's TextMemo for the listings."""
    vocabs = Vocabularies.ensure(vocabs)
    out: dict[str, str] = {}
    rows: dict[str, tuple[str, str, int]] = {}
    for path, group in tag_groups(entries, vocabs).items():
        out.update(tag_listing(group, ui, vocabs, memo, split_at))
        rows[path] = (group.name(ui), group.shown(ui), ids(group.members))
    out.update(tag_index(rows, ui, vocabs, memo, split_at))
    return out


def tag_index(rows: dict[str, tuple[str, str, int]], ui: str, vocabs: Vocabularies, memo: TextMemo | None = None,
              split_at: int | None = None) -> dict[str, str]:
    """The keywords' index ({path: text}) from `rows` {keyword page: (name, name as shown
    (TagGroup.shown), entries)}: one page by first letter, or above TAGS_PER_PAGE (`split_at`
    when given) keywords, pages by the start of the name (_tag_index_pages)."""
    index_path = f"{KB}/tags/index.md"
    title = t("tags", ui, vocabs)
    per_page = TAGS_PER_PAGE if split_at is None else split_at
    if len(rows) > per_page:
        def index_pages() -> dict[str, str]:
            return _tag_index_pages(rows, index_path, title, ui, vocabs, per_page)
        if memo is not None:
            # The index shows each keyword page's name, address and count alone: remembered by
            # them, it is made again when one changes, not at every change of an entry (#10).
            listed = tuple(sorted((shown, p, count) for p, (_, shown, count) in rows.items()))
            return memo.get(("tag-index", title, ui, per_page, listed), index_pages)
        return index_pages()
    by_letter: dict[str, list[str]] = defaultdict(list)
    for path, (name, _, _) in rows.items():
        by_letter[initial(name)].append(path)
    letters = sorted(by_letter, key=lambda x: (x == "#", x))
    text = front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n{md_text(t('tags_intro', ui, vocabs))}\n\n"
    text += _letters_nav(letters, ui, vocabs=vocabs)
    for letter in letters:
        text += f"## {md_text(letter.upper())} {{#{_letter_anchor(letter)}}}\n\n"
        # By name, then page: the same order however the rows were gathered (a clean or an
        # incremental build).
        ordered = sorted(by_letter[letter], key=lambda p: (fold(rows[p][0]), p))
        text += '<div class="kb-tags" markdown>\n\n' + "\n".join(
            f"- [{rows[p][1]}]({rel(index_path, p)}) <small>{rows[p][2]}</small>" for p in ordered) + "\n\n</div>\n\n"
    return {index_path: text}


TAGS_PER_PAGE = 600  # keyword groups on the keywords' index page (the shipped collection has 527)


def _tag_index_pages(rows: dict[str, tuple[str, str, int]], index_path: str, title: str, ui: str,
                     vocabs: Vocabularies, per_page: int) -> dict[str, str]:
    """The keywords' index of more than `per_page` keyword pages (`rows` as tag_index takes them),
    as listing_pages splits entries: a first page with the count and links to pages by the start
    of the name (under kb/tags/index/, a folder no keyword's page can have: slug() never gives
    'index'), each listing at most `per_page` keywords or the groups under it."""
    groups = group_by_prefix(sorted((filing_text(name), p) for p, (name, _, _) in rows.items()), 1, per_page)
    folder = posixpath.join(posixpath.dirname(index_path), "index")
    count = i18n.plural(vocabs.ui["n_tags"][ui], len(rows), ui)
    out = {index_path: front_matter(title=title, search=NO_SEARCH) + f"# {md_text(title)}\n\n{md_text(t('tags_intro', ui, vocabs))}\n\n"
           f'<p class="kb-count">{md_text(count)}</p>\n\n' + _group_links(groups, folder, index_path, ui, vocabs, "n_tags")}
    labels = {g.name: g.label for g, _ in walk(groups)}
    for g, parent in walk(groups):
        page = f"{folder}/{g.name}.md"
        up = f"{folder}/{parent}.md" if parent else index_path
        text = part_front_matter(f"{title} — {g.label}") + f"# {md_text(title)} — {bidi(g.label)}\n\n"
        text += (f"{md_text(t('listing_part_of', ui, vocabs))} [{bidi(f'{title} — {labels[parent]}' if parent else title)}]"
                 f"({rel(page, up)})\n\n")
        text += f'<p class="kb-count">{md_text(i18n.plural(vocabs.ui["n_tags"][ui], len(g.members), ui))}</p>\n\n'
        if g.children:
            text += _group_links(g.children, folder, page, ui, vocabs, "n_tags")
        else:
            text += '<div class="kb-tags" markdown>\n\n' + "\n".join(
                f"- [{rows[p][1]}]({rel(page, p)}) <small>{rows[p][2]}</small>"
                for p in g.members) + "\n\n</div>\n"
        out[page] = text
    return out


# -- home page pieces (included by docs/*/index.md with pymdownx.snippets) ---------------------------

LATEST = 8


def home_snippets(entries: list[Entry], ui: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> dict[str, str]:
    """Markdown fragments for the hand-written home page of interface ui, linked relative to the
    home page (index.md at the docs root): the focus countries with their entry counts, and the
    latest updated entries. Returns {path: text} (kb/home-countries.txt, kb/home-latest.txt)."""
    vocabs = Vocabularies.ensure(vocabs)
    home = "index.md"
    rows = []
    for code in vocabs.focus_countries():
        n = ids([e for e in entries if code in e.countries])
        rows.append(f"- [{md_text(vocabs.country_name(code, ui))}]({rel(home, country_page(code))}) "
                    f"<small>{md_text(n_entries(n, ui, vocabs=vocabs))}</small>")
    latest = sorted(one_per_entry(entries, ui), key=lambda e: (e.updated or "", e.id), reverse=True)[:LATEST]
    return {f"{KB}/home-countries.txt": "\n".join(rows) + "\n",
            f"{KB}/home-latest.txt": "\n".join(entry_line(e, home, ui, vocabs=vocabs) for e in latest) + "\n"}


# -- the whole set --------------------------------------------------------------------------------

def entry_files(entry: Entry, versions: list[Entry], near: RelatedIndex, site_url: str = "",
                edit_base: str = "", vocabs: Vocabularies | None = None, shared: dict | None = None,
                cite_url: str | None = None, citations: bool = True) -> dict[str, str]:
    """One entry version's own files in one interface, as {path under docs/: text}: its page and,
    with `citations` (the default interface's tree, which holds them for every interface), its
    BibTeX and RIS files (citation_files). They depend on the entry, its versions, the related
    entries shown (near.of), the settings and `vocabs` (the run's Vocabularies; None: the shipped
    files, read now). `shared`, `cite_url`: see entry_page (one dict for the interfaces of one
    build)."""
    out = {entry.page: entry_page(entry, versions, near, site_url, edit_base, vocabs=vocabs, shared=shared,
                                  cite_url=cite_url)}
    if citations:
        out.update(citation_files(entry, site_url if cite_url is None else cite_url))
    return out


def citation_files(entry: Entry, cite_url: str) -> dict[str, str]:
    """An entry version's BibTeX and RIS files, {path under docs/: text} ('kb/entries/<id>/<lang>.bib'
    and '.ris'), citing its page in the interface of its own language (citation.address; `cite_url`:
    the site's address). The same for every interface: made once per build, in the default
    interface's docs tree (at the site's root), and linked from each interface's entry page
    (site_link)."""
    stem = entry.page[:-3]
    return {stem + ".bib": citation.bibtex(entry, cite_url), stem + ".ris": citation.ris(entry, cite_url)}


def generate(entries: list[Entry], site_url: str = "", ui: str = schema.DEFAULT_LANG,
             edit_base: str = "", near: RelatedIndex | None = None, vocabs: Vocabularies | None = None,
             entry_files_of=None, memo: TextMemo | None = None, split_at: int | None = None,
             cite_url: str | None = None) -> dict[str, str]:
    """All generated pages and per-entry files, as {path under docs/: text}, with the words
    around entries (titles of listings, labels) in the interface language `ui`. Every listing and
    count is of entries (ids), not of their language versions. `site_url`: the interface's public
    address; `cite_url`: the site's (the default interface's) for citations, None: `site_url`.
    The entries' BibTeX and RIS files are made for the default interface only (entry_files).
    `near`: the related-entries index
    of `entries`, when the caller shares one between interfaces; `vocabs`: the run's Vocabularies
    (None: the shipped files, read now). `entry_files_of`: when given, a function (entry, versions,
    near) → that entry's files replacing entry_files (an incremental build returns only the files
    that changed). `memo`: the build's TextMemo (listings and their lines reused between builds),
    None to make every text afresh. `split_at`: entries a listing shows on one page (None:
    SPLIT_AT; see listing_pages)."""
    vocabs = Vocabularies.ensure(vocabs)
    near = near or RelatedIndex(entries)
    pages: dict[str, str] = {}
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_id[e.id].append(e)
    for e in entries:
        if entry_files_of is None:
            pages.update(entry_files(e, by_id[e.id], near, site_url, edit_base, vocabs, cite_url=cite_url,
                                     citations=ui == schema.DEFAULT_LANG))
        else:
            pages.update(entry_files_of(e, by_id[e.id], near))
    pages[f"{KB}/comparaison.md"] = comparison_page(entries, f"{KB}/comparaison.md", ui, vocabs=vocabs, memo=memo)
    if memo is not None:  # instruments are the tools' entries: it depends on their versions alone
        tools = {e.id for e in entries if e.type == "tool"}
        group = [e for e in entries if e.id in tools]
        pages.update(memo.of(("harmonisation", ui, split_threshold(split_at)), group,
                             lambda: harmonisation.pages_of(entries, ui, vocabs=vocabs, split_at=split_threshold(split_at),
                                                            remember=memo.of)))
        pages.update(memo.of(("harmonisation-exports",), group, lambda: harmonisation.exports(entries, vocabs)))
    else:
        pages.update(harmonisation.generate(entries, ui, vocabs=vocabs, split_at=split_threshold(split_at)))

    def grouped(values_of) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            for v in values_of(e):
                groups[v].append(e)
        return groups

    def facet_pages() -> dict[str, str]:
        out: dict[str, str] = {}
        for facet in FACET_LISTINGS:
            groups = grouped(facet.of)
            for term in vocabs.terms(facet.vocabulary):
                out.update(term_listing(facet, term, groups.get(term, []), ui, vocabs, memo, split_at))
            out.update(term_index(facet, {term: ids(groups.get(term, [])) for term in vocabs.terms(facet.vocabulary)},
                                  ui, vocabs))
        out.update(tag_pages(entries, ui, vocabs=vocabs, memo=memo, split_at=split_at))
        return out

    if memo is not None:
        # Only the listings holding a changed, added or removed entry are made again (#10).
        pages.update(facet_listings(entries, ui, vocabs, memo, split_at))
    else:
        pages.update(facet_pages())

    countries = grouped(lambda e: e.countries or ("regional",))
    for code in vocabs.focus_countries():
        countries.setdefault(code, [])  # the comparison page links every focus country
    rows = []
    for code in sorted(countries, key=lambda c: (c == "regional", fold(vocabs.country_name(c, ui)))):
        if code == "regional":
            continue
        path = country_page(code)
        if memo is not None:  # a country's pages depend on its entries alone
            pages.update(memo.of(("country", code, ui, split_threshold(split_at)), countries[code],
                                 lambda code=code, path=path: country_pages(code, countries[code], path, ui, vocabs=vocabs,
                                                                            memo=memo, split_at=split_at)))
        else:
            pages.update(country_pages(code, countries[code], path, ui, vocabs=vocabs, memo=memo, split_at=split_at))
        rows.append((vocabs.country_name(code, ui), path, ids(countries[code])))
    # Made even with no regional entry: the hand-written home pages link it, and MkDocs' strict
    # build failed on a collection without one (or once its last one was removed; breaker9).
    path = f"{KB}/countries/regional.md"
    pages.update(listing_pages(t("regional", ui, vocabs), "", countries.get("regional", []), path, ui, vocabs=vocabs,
                               memo=memo, split_at=split_at))
    if "regional" in countries:
        rows.append((t("regional", ui, vocabs), path, ids(countries["regional"])))
    pages[f"{KB}/countries/index.md"] = index_page(t("countries", ui, vocabs), rows, f"{KB}/countries/index.md", ui, vocabs=vocabs)

    pages.update(listing_pages(t("all_entries", ui, vocabs), "", entries, f"{KB}/index.md", ui, vocabs=vocabs,
                               memo=memo, search={}, split_at=split_at))
    if memo is not None:  # the glossary depends on the vocabularies alone (the memo's context)
        pages.update(memo.get(("glossary", ui), lambda: glossary_pages(ui, vocabs=vocabs)))
    else:
        pages.update(glossary_pages(ui, vocabs=vocabs))
    if memo is not None:  # the snippets show entries' lines, dates and countries
        pages.update(memo.get(("home", ui, memo.lines(entries, dated=True)), lambda: home_snippets(entries, ui, vocabs=vocabs)))
    else:
        pages.update(home_snippets(entries, ui, vocabs=vocabs))
    pages[f"{KB}/search-ui.js"] = search_words(ui, sorted({c for e in entries for c in e.countries}), vocabs=vocabs)
    return pages


# The vocabularies' listings (a page per theme, data source and type) and the keywords' pages.
FACET_LISTINGS = (BY_NAME["theme"], BY_NAME["data_source"], BY_NAME["type"])


def term_listing(facet, term: str, members: list[Entry], ui: str, vocabs: Vocabularies, memo: TextMemo | None,
                 split_at: int | None, keys: list | None = None) -> dict[str, str]:
    """A vocabulary term's listing (`facet` one of FACET_LISTINGS) of `members` ({path: text}).
    `keys`: see listing_pages."""
    vocab = facet.vocabulary
    return listing_pages(vocabs.label(vocab, term, ui), vocabs.description(vocab, term, ui), members,
                         term_page(vocab, term), ui, vocabs=vocabs, memo=memo, search={facet.param: term},
                         split_at=split_at, keys=keys)


def term_index(facet, counts: dict[str, int], ui: str, vocabs: Vocabularies) -> dict[str, str]:
    """The index page of a facet's terms ({path: text}), `counts` {term: entries}."""
    vocab = facet.vocabulary
    rows = [(vocabs.label(vocab, term, ui), term_page(vocab, term), counts[term]) for term in vocabs.terms(vocab)]
    index_path = posixpath.join(posixpath.dirname(term_page(vocab, "x")), "index.md")
    return {index_path: index_page(t(vocab if vocab != "types" else "type", ui, vocabs), rows, index_path, ui,
                                   vocabs=vocabs)}


_LISTING_IDS: dict[tuple, tuple] = {}  # one tuple per listing id, shared by the entries filed there (a smaller memo)


def _listings_of(entry: Entry, vocabs: Vocabularies) -> tuple:
    """The listings (facet_listings) that file `entry`: (vocabulary, term) and ("tags", page)."""
    out = [(facet.vocabulary, v) for facet in FACET_LISTINGS for v in facet.of(entry)]
    out += [("tags", _tag_info(tag, vocabs)[0]) for tag in entry.tags]
    if len(_LISTING_IDS) > 100_000:
        _LISTING_IDS.clear()
    return tuple(_LISTING_IDS.setdefault(k, k) for k in out)


FILED = ("facet-entries",)  # TextMemo key of facet_listings' record of the entries: (token, {key: (print, listings)})


def _filing_changes(entries: list[Entry], memo: TextMemo, vocabs: Vocabularies, since: str | None):
    """(token, {entry key: (fingerprint, listings)} of `entries`, the listings to make again: those
    that file an entry changed, added or removed since the record `since` (a token of FILED that
    this memo saw), None for all). The record of `entries` is put in the memo under FILED; the
    records seen are kept on the memo (the interfaces of one build each compare with the record
    their listings were made from)."""
    seen = memo.filed
    stored = memo.texts.get(FILED)
    if stored is not None:
        seen.setdefault(stored[0], stored[1])
    known = seen.get(since) if since is not None else None
    now: dict[str, tuple] = {}
    redo: set | None = None if known is None else set()
    for e in entries:
        p = fingerprint(e)
        old = known.get(e.key) if known is not None else None
        if old is not None and old[0] == p:
            now[e.key] = (p, old[1])
            continue
        now[e.key] = (p, _listings_of(e, vocabs))
        if redo is not None:
            redo.update(now[e.key][1])
            if old is not None:
                redo.update(old[1])
    if known is not None:
        for key, (_, were) in known.items():
            if key not in now:  # removed
                redo.update(were)
    # The interfaces of one build find the same entries: one token for them all.
    last = memo.texts.get(FILED)
    token = last[0] if last is not None and last[1] == now else secrets.token_hex(8)
    seen[token] = now
    memo.texts[FILED] = (token, now)
    memo.used.add(FILED)
    return token, now, redo


def facet_listings(entries: list[Entry], ui: str, vocabs: Vocabularies, memo: TextMemo,
                   split_at: int | None = None) -> dict[str, str]:
    """The theme, data source, type and keyword listings and their indexes ({path: text}) as
    generate makes them without a memo, made again only where a changed, added or removed entry
    was or is filed (its old and its new values): every other listing is taken from `memo` by the
    key it was kept under, without gathering, keying or reading its entries (#10).

    A listing's pages depend on its entries alone (their fields, in collection order) besides the
    interface, the threshold and the memo's context. The memo keeps each entry version's
    fingerprint and listings (FILED, for every interface) and, per interface and threshold
    ("facet-state"), the FILED record its listings were made from and each listing's memo key,
    count and keyword index row."""
    limit = split_threshold(split_at)
    state_key = ("facet-state", ui, limit)
    since, listed = memo.texts.get(state_key) or (None, {})
    token, now, redo = _filing_changes(entries, memo, vocabs, since)

    def again(k: tuple) -> bool:
        return redo is None or k in redo or k not in listed

    members: dict[tuple, list[Entry]] = defaultdict(list)
    for e in entries:
        for k in now[e.key][1]:
            if again(k):
                members[k].append(e)
    wanted = {k[1] for k in members if k[0] == "tags"}
    tags = tag_groups([e for e in entries if any(k[0] == "tags" and k[1] in wanted for k in now[e.key][1])], vocabs,
                      wanted=wanted)
    state: dict[tuple, tuple] = {}
    out: dict[str, str] = {}

    def listing(k: tuple, make) -> dict[str, str]:
        if not again(k):  # as the last build left it (made only if the memo lost it: the same entries)
            state[k] = listed[k]
            return remembered_listing(memo, listed[k][0], lambda: make(_gather(entries, now, k, vocabs), None))
        keys: list = []
        if k[0] == "tags":
            group = tags[k[1]]
            value = make(group, keys)
            state[k] = (keys[0], ids(group.members), (group.name(ui), group.shown(ui), ids(group.members)))
        else:
            value = make(members.get(k, []), keys)
            state[k] = (keys[0], ids(members.get(k, [])))
        return value

    for facet in FACET_LISTINGS:
        counts = {}
        for term in vocabs.terms(facet.vocabulary):
            k = (facet.vocabulary, term)
            out.update(listing(k, lambda group, keys, facet=facet, term=term:
                               term_listing(facet, term, group, ui, vocabs, memo, split_at, keys)))
            counts[term] = state[k][1]
        out.update(term_index(facet, counts, ui, vocabs))
    rows: dict[str, tuple[str, str, int]] = {}
    kept = [k[1] for k in listed if k[0] == "tags" and not again(k)]  # none of their entries changed
    for path in [*kept, *tags]:
        k = ("tags", path)
        out.update(listing(k, lambda group, keys: tag_listing(group, ui, vocabs, memo, split_at, keys)))
        rows[path] = state[k][2]
    out.update(tag_index(rows, ui, vocabs, memo, split_at))
    memo.texts[state_key] = (token, state)
    memo.used.add(state_key)
    return out


def _gather(entries: list[Entry], now: dict, k: tuple, vocabs: Vocabularies):
    """The entries of listing `k` (facet_listings; a TagGroup for a keyword's), gathered anew."""
    if k[0] == "tags":
        return tag_groups([e for e in entries if k in now[e.key][1]], vocabs, wanted={k[1]})[k[1]]
    return [e for e in entries for x in now[e.key][1] if x == k]


def search_words(lang: str, countries: list[str] = (), vocabs: Vocabularies | None = None) -> str:
    """The search page's words in one interface language, as a script (loads from file:// too),
    with the facets (tools.site.facets: name, param, field, title) and the labels of their values
    as {"field:value": label}, which the static search has no API to ask for (countries: only
    the codes in `countries`)."""
    vocabs = Vocabularies.ensure(vocabs)
    words = {key: value[lang] for key, value in vocabs.ui["search"].items()}
    words["max_query_chars"] = MAX_QUERY_CHARS  # the API's limit, set as the inputs' maxlength
    # The count's CLDR plural forms (n_entries, as on the listing pages), picked in the browser by
    # Intl.PluralRules: the same rules as Babel's on the server.
    words["n_entries"] = vocabs.ui["n_entries"][lang]
    # The API's other limits, the {max} of its refusals in the page's words (ui.yml err_<code>).
    words["limits"] = {"too_many_words": MAX_QUERY_TERMS, "word_too_long": MAX_TERM_CHARS,
                       "too_many_filters": MAX_FILTER_VALUES, "query_too_long": MAX_QUERY_CHARS}
    words["facets"] = [{"name": f.name, "param": f.param, "field": f.field, "title": f.title(lang, vocabs=vocabs)} for f in FACETS]
    words["labels"] = {f"{f.field}:{value}": f.label(value, lang, vocabs=vocabs) for f in FACETS
                       for value in (countries if f.vocabulary == "countries" else f.values(vocabs))}
    return "window.KB_UI = " + json.dumps(words, ensure_ascii=False) + ";\n"


def write_pages(pages: dict[str, str], out_dir: Path) -> None:
    """Write `pages` ({path relative to out_dir: text}) as UTF-8 files under `out_dir`, creating
    folders; existing files are overwritten in place (not atomically, see fsutil.sync_tree for
    that) and files not in `pages` are left. Raises OSError as the file system does."""
    for path, text in pages.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
