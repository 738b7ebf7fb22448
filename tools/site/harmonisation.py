"""The harmonisation view: every data-collection instrument (entries of type 'tool') of the focus
countries laid out against the 20th ICLS (2018) concepts, with its rounds on a timeline.

Pages are Markdown with HTML blocks (md_in_html): table cells hold Markdown links to the entries'
.md pages, so MkDocs rewrites them for directory URLs and for the offline build alike. The timeline
is a static SVG drawn here at build time (no script needed). The exports (instruments.json/.csv)
and their JSON Schema are built from the same rows as the page, so what is shown and what is
exported cannot disagree. Nothing here imports tools.site.pages (pages calls into this module).
"""

from __future__ import annotations

import csv
import html
import io
import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache

from tools import i18n
from tools.content.model import Entry, Instrument
from tools.content.vocab import Vocabularies
from tools.project import KB
from tools.site import split
from tools.site.exports import spreadsheet_safe

_fold = split.fold  # instrument names are sorted in every build and interface (split.Folding)

PAGE = f"{KB}/harmonisation.md"
EXPORTS = (f"{KB}/instruments.json", f"{KB}/instruments.csv", f"{KB}/instruments.schema.json")
# Columns of the instrument table and of the exports: the instrument block's sub-fields.
DIMENSIONS = ("population", "migrant_identification", "reference_period", "periodicity", "rounds", "sample",
              "collection_modes", "microdata_access", "questionnaire_languages", "icls_concepts")
_VOCAB = {"migrant_identification": "migrant_identification", "periodicity": "periodicities",
          "collection_modes": "collection_modes", "microdata_access": "microdata_access",
          "icls_concepts": "icls_concepts"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#{}!<>])")
_SHORT = re.compile(r"^[\w.\-/]{2,14}$")


def words(vocabs: Vocabularies | None = None) -> dict:
    """This view's interface strings ({key: {lang: text}}), from ui.yml's `harmonisation` table of
    `vocabs` (None: the shipped strings, read now)."""
    return Vocabularies.ensure(vocabs).ui["harmonisation"]


def w(key: str, lang: str, vocabs: Vocabularies | None = None) -> str:
    """One string of words(vocabs). Raises KeyError for an unknown key or language."""
    return words(vocabs)[key][lang]


def _md(text) -> str:
    """Escape a value for inline Markdown inside an HTML cell: HTML-escaped, Markdown syntax inert."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def _attr(text) -> str:
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=1 << 16)  # the same links recur on every country's page, in every interface
def _rel(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source))


@dataclass(frozen=True)
class Row:
    """One instrument: the entry version shown in the interface language (or the nearest one),
    with its block (an empty Instrument when the entry has none: everything unknown)."""

    entry: Entry
    country: str
    short: str

    @property
    def block(self) -> Instrument:
        """The entry's instrument block; an empty Instrument (every field unknown) when it has none."""
        return self.entry.instrument or Instrument()

    def value(self, field: str):
        """The block's value for `field`: a tuple, a string, or None/() when unknown."""
        return getattr(self.block, field)

    def known(self, field: str) -> bool:
        """Whether the block gives a value for `field` (an Instrument field name): False for None or an
        empty tuple. Raises AttributeError for a name that is not a field."""
        return self.value(field) not in (None, ())


def short_name(entry: Entry, limit: int = 30) -> str:
    """A compact name for a matrix cell: the entry's first tag when it is a single acronym-like word
    (ENE, RGPH, Tunisia-HIMS), else the title cut at a word boundary."""
    if entry.tags and _SHORT.match(entry.tags[0]) and any(ch.isupper() for ch in entry.tags[0]):
        return entry.tags[0]
    title = re.split(r"\s[:–(]\s?", entry.title)[0].strip()
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def rows(entries: list[Entry], ui: str = i18n.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> list[Row]:
    """One Row per tool entry of a focus country, in focus-country order then by name.
    A tool entry naming several focus countries gets a row in each."""
    vocabs = Vocabularies.ensure(vocabs)
    focus = list(vocabs.focus_countries())
    best: dict[str, Entry] = {}
    for e in sorted(entries, key=lambda e: (e.lang != ui, e.lang != i18n.DEFAULT_LANG, e.lang)):
        if e.type == "tool":
            best.setdefault(e.id, e)
    out = [Row(e, code, short_name(e)) for e in best.values() for code in e.countries if code in focus]
    return sorted(out, key=lambda r: (focus.index(r.country), _fold(r.short)))


def _label(field: str, value, lang: str, vocabs: Vocabularies | None = None) -> str:
    vocabs = Vocabularies.ensure(vocabs)
    if field in _VOCAB:
        return vocabs.label(_VOCAB[field], value, lang)
    return str(value)  # questionnaire languages stay ISO 639 codes


def latest(row: Row, lang: str, vocabs: Vocabularies | None = None) -> str:
    """'2024' for an instrument with rounds; else its periodicity's label; else ''."""
    vocabs = Vocabularies.ensure(vocabs)
    if row.block.latest_round:
        return str(row.block.latest_round)
    if row.block.periodicity:
        return vocabs.label("periodicities", row.block.periodicity, lang)
    return ""


def _cell_link(row: Row, source: str, lang: str, vocabs: Vocabularies | None = None) -> str:
    vocabs = Vocabularies.ensure(vocabs)
    when = latest(row, lang, vocabs=vocabs)
    text = _md(row.short) + (f" · {_md(when)}" if when else "")
    return f'[{text}]({_rel(source, row.entry.page)} "{_attr(row.entry.title)}")'


# A cell lists its instruments up to CELL_LIMIT; one with more, when the caller gives where the
# rest is (`more`), shows its first CELL_SHOWN and a link there (tools.site.pages uses the same).
CELL_LIMIT = 10
CELL_SHOWN = 3


def _cell_links(hits: list[Row], source: str, lang: str, vocabs: Vocabularies, more: str | None = None) -> str:
    """The links of a cell's instruments joined by <br>; bounded as CELL_LIMIT says when `more`
    (a Markdown link target, relative to `source`) is given."""
    if more is None or len(hits) <= CELL_LIMIT:
        return "<br>".join(_cell_link(r, source, lang, vocabs=vocabs) for r in hits)
    count = i18n.plural(vocabs.ui["n_entries"][lang], len(hits), lang)
    return ("<br>".join(_cell_link(r, source, lang, vocabs=vocabs) for r in hits[:CELL_SHOWN])
            + f"<br>[{_md(vocabs.ui['cell_more'][lang].format(count=count))}]({more})")


def country_page(code: str) -> str:
    """Docs path of a country's harmonisation page (made when the view is split, see pages_of)."""
    return f"{KB}/harmonisation/{code.lower()}.md"


def _empty(lang: str, vocabs: Vocabularies | None = None) -> str:
    vocabs = Vocabularies.ensure(vocabs)
    return f'<span class="kb-gap">{_md(w("no_source", lang, vocabs))}</span>'


def _scroll(table: str, label: str) -> str:
    """A focusable, labelled scroll region around a wide table (keyboard users can scroll it)."""
    return (f'<div class="kb-hz-scroll" role="region" tabindex="0" aria-label="{_attr(label)}" markdown="1">\n'
            f"{table}\n</div>\n\n")


def source_matrix(rs: list[Row], source: str, lang: str, vocabs: Vocabularies | None = None,
                  more: dict[str, str] | None = None) -> str:
    """Data sources as rows, the focus countries as columns; one short linked cell per instrument.
    `more`: {country: link target} where a cell's instruments beyond CELL_LIMIT are (see _cell_links)."""
    vocabs = Vocabularies.ensure(vocabs)
    focus = list(vocabs.focus_countries())
    used = [s for s in vocabs.terms("data_sources") if any(s in r.entry.data_sources for r in rs)]
    head = "".join(f'<th scope="col">{_md(vocabs.country_name(c, lang))}</th>' for c in focus)
    body = []
    for term in used:
        cells = []
        for code in focus:
            hits = [r for r in rs if r.country == code and term in r.entry.data_sources]
            inner = (_cell_links(hits, source, lang, vocabs, (more or {}).get(code)) if hits
                     else _empty(lang, vocabs=vocabs))
            cells.append(f'<td markdown="span">{inner}</td>')
        body.append(f'<tr markdown="1"><th scope="row" markdown="span">{_md(vocabs.label("data_sources", term, lang))}</th>'
                    + "".join(cells) + "</tr>")
    table = (f'<table class="kb-matrix" markdown="1">\n<caption>{_md(w("matrix_caption", lang, vocabs))}</caption>\n'
             f'<thead><tr><th scope="col">{_md(w("data_source", lang, vocabs))}</th>{head}</tr></thead>\n'
             f'<tbody markdown="1">\n' + "\n".join(body) + "\n</tbody>\n</table>")
    return _scroll(table, w("matrix", lang, vocabs))


def concept_cells(rs: list[Row], code: str, concept: str) -> list[Row]:
    """The instruments of country `code` whose block lists `concept`."""
    return [r for r in rs if r.country == code and concept in r.block.icls_concepts]


def concept_grid(rs: list[Row], source: str, lang: str, countries: list[str] | None = None, vocabs: Vocabularies | None = None,
                 more: dict[str, str] | None = None) -> str:
    """ICLS concepts as rows, countries as columns: ✓ and the instruments, or ✗ and a gap note.
    `more`: {country: link target} where a cell's instruments beyond CELL_LIMIT are (see _cell_links)."""
    vocabs = Vocabularies.ensure(vocabs)
    focus = countries or list(vocabs.focus_countries())
    head = "".join(f'<th scope="col">{_md(vocabs.country_name(c, lang))}</th>' for c in focus)
    body = []
    for concept in vocabs.terms("icls_concepts"):
        cells = []
        for code in focus:
            hits = concept_cells(rs, code, concept)
            if hits:
                inner = ('<span class="kb-mark" aria-hidden="true">✓</span> '
                         + _cell_links(hits, source, lang, vocabs, (more or {}).get(code)))
                cells.append(f'<td class="kb-yes" markdown="span">{inner}</td>')
            else:
                cells.append(f'<td class="kb-no" markdown="span"><span class="kb-mark" aria-hidden="true">✗</span> '
                             f'{_empty(lang, vocabs=vocabs)}</td>')
        label = vocabs.label("icls_concepts", concept, lang)
        desc = vocabs.description("icls_concepts", concept, lang)
        # A disclosure, not a title attribute: a title shows on hover only, which phones cannot do.
        body.append(f'<tr markdown="1"><th scope="row"><details class="kb-def"><summary>{_attr(label)}</summary>'
                    f'<p>{_attr(desc)}</p></details></th>'
                    + "".join(cells) + "</tr>")
    table = (f'<table class="kb-matrix kb-concepts" markdown="1">\n<caption>{_md(w("concepts_caption", lang, vocabs))}</caption>\n'
             f'<thead><tr><th scope="col">{_md(w("concept", lang, vocabs))}</th>{head}</tr></thead>\n'
             f'<tbody markdown="1">\n' + "\n".join(body) + "\n</tbody>\n</table>")
    return _scroll(table, w("concepts", lang, vocabs))


def _dimension_cell(row: Row, field: str, source: str, lang: str, vocabs: Vocabularies | None = None) -> str:
    vocabs = Vocabularies.ensure(vocabs)
    value = row.value(field)
    if value in (None, ()):
        return f'<td class="kb-unknown" markdown="span">{_md(w("unknown", lang, vocabs))}</td>'
    if field == "rounds":
        text = ", ".join(str(y) for y in value)
    else:
        items = value if isinstance(value, tuple) else (value,)
        text = ", ".join(_label(field, v, lang, vocabs=vocabs) for v in items)
    refs = " ".join(f"[[{i + 1}]]({row.entry.links[i].url.replace(' ', '%20')} \"{_attr(row.entry.links[i].title)}\")"
                    for i in row.block.sources(field) if i < len(row.entry.links))
    data = ""
    if field in ("icls_concepts", "periodicity"):
        data = f' data-{field.replace("_", "-")}="{_attr(" ".join(value if isinstance(value, tuple) else (value,)))}"'
    return f'<td{data} markdown="span">{_md(text)}' + (f' <sup class="kb-cite">{refs}</sup>' if refs else "") + "</td>"


def instrument_table(rs: list[Row], source: str, lang: str, vocabs: Vocabularies | None = None,
                     countries: list[str] | None = None) -> str:
    """Rows grouped by country (a header row per country: `countries`, default the focus
    countries), the block's dimensions as columns. Every value carries its cited sources as
    numbered links; an unknown value says so."""
    vocabs = Vocabularies.ensure(vocabs)
    focus = countries or list(vocabs.focus_countries())
    head = (f'<th scope="col">{_md(w("instrument", lang, vocabs))}</th><th scope="col">{_md(w("data_source", lang, vocabs))}</th>'
            + "".join(f'<th scope="col">{_md(w("dim_" + d, lang, vocabs))}</th>' for d in DIMENSIONS))
    groups = []
    for code in focus:
        members = [r for r in rs if r.country == code]
        lines = [f'<tr class="kb-group"><th scope="rowgroup" colspan="{len(DIMENSIONS) + 2}">'
                 f'{_md(vocabs.country_name(code, lang))}</th></tr>']
        if not members:
            lines.append(f'<tr><td colspan="{len(DIMENSIONS) + 2}" markdown="span">{_empty(lang, vocabs=vocabs)}</td></tr>')
        for r in members:
            sources = ", ".join(vocabs.label("data_sources", s, lang) for s in r.entry.data_sources)
            lines.append(f'<tr markdown="1" data-country="{r.country}" data-sources="{_attr(" ".join(r.entry.data_sources))}">'
                         f'<th scope="row" markdown="span">[{_md(r.short)}]({_rel(source, r.entry.page)} "{_attr(r.entry.title)}")</th>'
                         f'<td markdown="span">{_md(sources)}</td>'
                         + "".join(_dimension_cell(r, d, source, lang, vocabs=vocabs) for d in DIMENSIONS) + "</tr>")
        groups.append(f'<tbody markdown="1" data-country="{code}">\n' + "\n".join(lines) + "\n</tbody>")
    table = (f'<table class="kb-instruments" id="kb-instruments" markdown="1">\n'
             f'<caption>{_md(w("table_caption", lang, vocabs))}</caption>\n<thead><tr>{head}</tr></thead>\n'
             + "\n".join(groups) + "\n</table>")
    return _scroll(table, w("table", lang, vocabs))


def filters(rs: list[Row], lang: str, vocabs: Vocabularies | None = None) -> str:
    """Filter controls for the instrument table; hidden until kb-harmonisation.js runs (without
    script the full table stays)."""
    vocabs = Vocabularies.ensure(vocabs)
    focus = list(vocabs.focus_countries())

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        opts = f'<option value="">{_md(w("all", lang, vocabs))}</option>' + "".join(
            f'<option value="{_attr(v)}">{_md(t)}</option>' for v, t in options)
        return f'<label>{_md(label)} <select data-filter="{name}">{opts}</select></label>'

    sources = [s for s in vocabs.terms("data_sources") if any(s in r.entry.data_sources for r in rs)]
    return (f'<form class="kb-filters" hidden aria-controls="kb-instruments" data-shown="{_attr(w("shown", lang, vocabs))}">'
            + select("country", w("country", lang, vocabs), [(c, vocabs.country_name(c, lang)) for c in focus])
            + select("sources", w("data_source", lang, vocabs), [(s, vocabs.label("data_sources", s, lang)) for s in sources])
            + select("icls-concepts", w("concept", lang, vocabs),
                     [(c, vocabs.label("icls_concepts", c, lang)) for c in vocabs.terms("icls_concepts")])
            + '<output aria-live="polite"></output></form>\n\n')


# -- timeline ------------------------------------------------------------------------------------

def timeline_svg(rs: list[Row], lang: str, ident: str = "kb-timeline", vocabs: Vocabularies | None = None) -> str:
    """The rounds of every instrument with rounds, one line per instrument (grouped by country),
    as a static SVG: role="img" with <title> and <desc>; mirrored (labels right, time flowing
    right to left) in a right-to-left language. Returns '' when no instrument has rounds."""
    vocabs = Vocabularies.ensure(vocabs)
    dated = [r for r in rs if r.block.rounds]
    if not dated:
        return ""
    rtl = i18n.direction(lang) == "rtl"
    first = min(min(r.block.rounds) for r in dated)
    last = max(max(r.block.rounds) for r in dated)
    first, last = first - first % 5, last + (-last) % 5  # whole five-year ticks
    if last == first:
        last += 5
    width, label_w, pad, line_h, top = 720, 230, 16, 24, 28
    plot = width - label_w - 2 * pad
    height = top + line_h * len(dated) + 8

    def x(year: int) -> float:
        share = (year - first) / (last - first)
        return round(pad + (1 - share) * plot if rtl else label_w + pad + share * plot, 1)

    label_x = width - 6 if rtl else 6
    anchor = "start"  # with direction="rtl", the start of a label is its right edge
    parts = []
    for year in range(first, last + 1, 5):
        parts.append(f'<line class="kb-tl-grid" x1="{x(year)}" y1="{top - 10}" x2="{x(year)}" y2="{height - 4}"/>'
                     f'<text class="kb-tl-year" x="{x(year)}" y="{top - 14}" text-anchor="middle">{year}</text>')
    for i, r in enumerate(dated):
        y = top + line_h * i + line_h / 2
        name = f"{vocabs.country_name(r.country, lang)} · {r.short}"
        parts.append(f'<text class="kb-tl-label" x="{label_x}" y="{y + 4}" text-anchor="{anchor}">{html.escape(name)}</text>')
        years = r.block.rounds
        parts.append(f'<line class="kb-tl-span" x1="{x(min(years))}" y1="{y}" x2="{x(max(years))}" y2="{y}"/>')
        for year in years:
            cls = "kb-tl-dot kb-tl-latest" if year == max(years) else "kb-tl-dot"
            parts.append(f'<circle class="{cls}" cx="{x(year)}" cy="{y}" r="5"><title>{html.escape(name)}: {year}</title></circle>')
    desc = "; ".join(f"{vocabs.country_name(r.country, lang)}, {r.short}: {', '.join(map(str, r.block.rounds))}"
                     for r in dated)
    return (f'<svg class="kb-timeline" role="img" aria-labelledby="{ident}-title {ident}-desc" '
            f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
            f'xmlns="http://www.w3.org/2000/svg" direction="{"rtl" if rtl else "ltr"}">'
            f'<title id="{ident}-title">{html.escape(w("timeline", lang, vocabs))}</title>'
            f'<desc id="{ident}-desc">{html.escape(desc)}</desc>' + "".join(parts) + "</svg>")


def timeline_table(rs: list[Row], source: str, lang: str, vocabs: Vocabularies | None = None) -> str:
    """The timeline's data as a table (every instrument with rounds)."""
    vocabs = Vocabularies.ensure(vocabs)
    dated = [r for r in rs if r.block.rounds]
    lines = [f'<tr markdown="1"><td markdown="span">{_md(vocabs.country_name(r.country, lang))}</td>'
             f'<th scope="row" markdown="span">[{_md(r.short)}]({_rel(source, r.entry.page)})</th>'
             f'<td markdown="span">{_md(", ".join(map(str, r.block.rounds)))}</td>'
             f'<td markdown="span">{_md(r.block.latest_round)}</td></tr>' for r in dated]
    table = (f'<table class="kb-tl-data" markdown="1">\n<caption>{_md(w("timeline_data", lang, vocabs))}</caption>\n'
             f'<thead><tr><th scope="col">{_md(w("country", lang, vocabs))}</th><th scope="col">{_md(w("instrument", lang, vocabs))}</th>'
             f'<th scope="col">{_md(w("dim_rounds", lang, vocabs))}</th><th scope="col">{_md(w("latest", lang, vocabs))}</th></tr></thead>\n'
             f'<tbody markdown="1">\n' + "\n".join(lines) + "\n</tbody>\n</table>")
    return _scroll(table, w("timeline_data", lang, vocabs))


def timeline(rs: list[Row], source: str, lang: str, ident: str = "kb-timeline", vocabs: Vocabularies | None = None) -> str:
    """The survey-rounds timeline block of a page at docs path `source` (e.g. 'kb/harmonisation.md'),
    as Markdown with HTML: a focusable <figure> holding timeline_svg(), then the same data as a
    table (timeline_table, links relative to `source`). `ident` prefixes the SVG's title and
    description ids (unique per page). A paragraph saying there are no rounds when no instrument
    in `rs` has any."""
    vocabs = Vocabularies.ensure(vocabs)
    svg = timeline_svg(rs, lang, ident, vocabs=vocabs)
    if not svg:
        return f"<p>{_md(w('no_rounds', lang, vocabs))}</p>\n\n"
    figure = (f'<figure class="kb-tl-figure" role="group" tabindex="0" aria-label="{_attr(w("timeline", lang, vocabs))}">'
              f"{svg}</figure>")
    return f'<div class="kb-tl" markdown="1">\n{figure}\n\n{timeline_table(rs, source, lang, vocabs=vocabs)}</div>\n\n'


# -- pages and exports ---------------------------------------------------------------------------

def figures(rs: list[Row]) -> dict[str, int]:
    """Counts for the page's header and the report: instruments, profiled (with a block), cells
    filled (known dimension values) and cells cited (filled and with at least one source)."""
    filled = sum(r.known(d) for r in rs for d in DIMENSIONS)
    cited = sum(r.known(d) and bool(r.block.sources(d)) for r in rs for d in DIMENSIONS)
    return {"instruments": len(rs), "profiled": sum(r.entry.instrument is not None for r in rs),
            "cells": len(rs) * len(DIMENSIONS), "filled": filled, "cited": cited}


def page(entries: list[Entry], ui: str = i18n.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> str:
    """The harmonisation page of one interface language (Markdown with HTML blocks)."""
    vocabs = Vocabularies.ensure(vocabs)
    rs = rows(entries, ui, vocabs=vocabs)
    n = figures(rs)
    title = w("title", ui, vocabs)
    out = _front(title) + f"# {_md(title)}\n\n{_md(w('intro', ui, vocabs))}\n\n"
    out += _md(w("figures", ui, vocabs).format(**n)) + "\n\n"
    out += (f"{_md(w('downloads', ui, vocabs))} [instruments.json](instruments.json) · [instruments.csv](instruments.csv) · "
            f"[instruments.schema.json](instruments.schema.json)\n\n")
    out += f"## {_md(w('concepts', ui, vocabs))}\n\n{_md(w('concepts_intro', ui, vocabs))}\n\n" + concept_grid(rs, PAGE, ui, vocabs=vocabs)
    out += f"## {_md(w('matrix', ui, vocabs))}\n\n{_md(w('matrix_intro', ui, vocabs))}\n\n" + source_matrix(rs, PAGE, ui, vocabs=vocabs)
    out += f"## {_md(w('timeline', ui, vocabs))}\n\n" + timeline(rs, PAGE, ui, vocabs=vocabs)
    out += f"## {_md(w('table', ui, vocabs))}\n\n{_md(w('table_intro', ui, vocabs))}\n\n" + filters(rs, ui, vocabs=vocabs) + instrument_table(rs, PAGE, ui, vocabs=vocabs)
    return out


def country_section(code: str, entries: list[Entry], path: str, ui: str = i18n.DEFAULT_LANG, vocabs: Vocabularies | None = None,
                    split_at: int | None = None) -> str:
    """The country profile's part: its row of the concept grid and its instruments' timeline. With
    more than `split_at` instruments (None: no limit), the row's cells are bounded and the timeline
    is left to the country's harmonisation page (country_page, made by pages_of), linked instead."""
    vocabs = Vocabularies.ensure(vocabs)
    rs = [r for r in rows(entries, ui, vocabs=vocabs) if r.country == code]
    if not rs:
        return ""
    if split_at is not None and len(rs) > split_at:
        own = _rel(path, country_page(code))
        out = f"## {_md(w('concepts', ui, vocabs))}\n\n" + concept_grid(rs, path, ui, [code], vocabs=vocabs, more={code: own})
        out += f"[{_md(w('country_more', ui, vocabs))}]({own})\n\n"
    else:
        out = f"## {_md(w('concepts', ui, vocabs))}\n\n" + concept_grid(rs, path, ui, [code], vocabs=vocabs)
        out += f"## {_md(w('timeline', ui, vocabs))}\n\n" + timeline(rs, path, ui, f"kb-timeline-{code.lower()}", vocabs=vocabs)
    out += f"[{_md(w('see_all', ui, vocabs))}]({_rel(path, PAGE)})\n\n"
    return out


def pages_of(entries: list[Entry], ui: str = i18n.DEFAULT_LANG, vocabs: Vocabularies | None = None,
             split_at: int | None = None, remember=None) -> dict[str, str]:
    """{path under docs/: text} of the view in interface `ui`: page() alone up to `split_at`
    instruments (None: no limit); above, a bounded first page (figures, the concept grid and the
    source matrix with bounded cells, links to the countries) and one page per focus country with
    instruments (country_page: its grid row, timeline, filters and table). `remember(kind, entries,
    make)`: make()'s text, or the one an earlier build made of the same `entries` (a build's
    pages.TextMemo.of), for the parts of a country's pages; None: everything made here."""
    vocabs = Vocabularies.ensure(vocabs)
    rs = rows(entries, ui, vocabs=vocabs)
    if split_at is None or len(rs) <= split_at:
        return {PAGE: page(entries, ui, vocabs=vocabs)}
    focus = [c for c in vocabs.focus_countries() if any(r.country == c for r in rs)]
    more = {c: _rel(PAGE, country_page(c)) for c in focus}
    title = w("title", ui, vocabs)
    out = _front(title) + f"# {_md(title)}\n\n{_md(w('intro', ui, vocabs))}\n\n"
    out += _md(w("figures", ui, vocabs).format(**figures(rs))) + "\n\n"
    out += (f"{_md(w('downloads', ui, vocabs))} [instruments.json](instruments.json) · [instruments.csv](instruments.csv) · "
            f"[instruments.schema.json](instruments.schema.json)\n\n")
    out += (f"## {_md(w('concepts', ui, vocabs))}\n\n{_md(w('concepts_intro', ui, vocabs))}\n\n"
            + concept_grid(rs, PAGE, ui, vocabs=vocabs, more=more))
    out += (f"## {_md(w('matrix', ui, vocabs))}\n\n{_md(w('matrix_intro', ui, vocabs))}\n\n"
            + source_matrix(rs, PAGE, ui, vocabs=vocabs, more=more))
    out += f"## {_md(w('by_country', ui, vocabs))}\n\n{_md(w('by_country_intro', ui, vocabs))}\n\n"
    out += "\n".join(f"- [{_md(vocabs.country_name(c, ui))}]({more[c]}) "
                     f"<small>{_md(i18n.plural(vocabs.ui['n_entries'][ui], sum(r.country == c for r in rs), ui))}</small>"
                     for c in focus) + "\n"
    result = {PAGE: out}
    for code in focus:
        result.update(_country_pages(code, [r for r in rs if r.country == code], ui, vocabs, split_at, remember))
    return result


def _country_pages(code: str, mine: list[Row], ui: str, vocabs: Vocabularies, split_at: int,
                   remember=None) -> dict[str, str]:
    """One country's harmonisation page (country_page): its figures, grid row, timeline, filters and
    table; with more than `split_at` instruments, the timeline and table are on pages by the start
    of the instruments' short names (tools.site.split, under the page's folder), linked instead."""
    path = country_page(code)
    name = vocabs.country_name(code, ui)
    title = w("title", ui, vocabs)
    head = _front(f"{title} — {name}") + f"# {_md(title)} — {_md(name)}\n\n"
    head += f"{_md(w('all_countries', ui, vocabs))} [{_md(title)}]({_rel(path, PAGE)})\n\n"
    head += _md(w("figures", ui, vocabs).format(**figures(mine))) + "\n\n"

    def body(rs: list[Row], page: str) -> str:
        if remember is not None:  # one changed instrument leaves the other pages' bodies as they were
            # A body shows its rows (entry, this country, short name: of the entry) alone.
            return remember(("harmonisation-body", ui, code, page), [r.entry for r in rs], lambda: _body(rs, page))
        return _body(rs, page)

    def _body(rs: list[Row], page: str) -> str:
        return (f"## {_md(w('timeline', ui, vocabs))}\n\n" + timeline(rs, page, ui, vocabs=vocabs)
                + f"## {_md(w('table', ui, vocabs))}\n\n{_md(w('table_intro', ui, vocabs))}\n\n"
                + filters(rs, ui, vocabs=vocabs) + instrument_table(rs, page, ui, vocabs=vocabs, countries=[code]))

    if len(mine) <= split_at:
        grid = concept_grid(mine, path, ui, [code], vocabs=vocabs, more={code: "#kb-instruments"})
        return {path: head + f"## {_md(w('concepts', ui, vocabs))}\n\n" + grid + body(mine, path)}
    folder = path[:-3]
    groups = split.group_by_prefix(sorted(((split.filing_text(r.short), r) for r in mine),
                                          key=lambda x: (x[0], x[1].entry.id)), 1, split_at)

    def links(gs: list, page: str) -> str:
        return "\n".join(f"- [{_md(g.label)}]({_rel(page, f'{folder}/{g.name}.md')}) "
                         f"<small>{_md(i18n.plural(vocabs.ui['n_entries'][ui], len(g.members), ui))}</small>" for g in gs) + "\n\n"

    grid = concept_grid(mine, path, ui, [code], vocabs=vocabs, more={code: "#kb-parts"})
    out = {path: head + f"## {_md(w('concepts', ui, vocabs))}\n\n" + grid
           + f'## {_md(w("by_name", ui, vocabs))} {{#kb-parts}}\n\n' + links(groups, path)}
    labels = {g.name: g.label for g, _ in split.walk(groups)}
    for g, parent in split.walk(groups):
        page = f"{folder}/{g.name}.md"
        up = f"{folder}/{parent}.md" if parent else path
        text = _front(f"{title} — {name} — {g.label}") + f"# {_md(title)} — {_md(name)} — {_md(g.label)}\n\n"
        text += (f"{_md(vocabs.ui['listing_part_of'][ui])} "
                 f"[{_md(name if parent is None else f'{name} — {labels[parent]}')}]({_rel(page, up)})\n\n")
        out[page] = text + (links(g.children, page) if g.children else body(g.members, page))
    return out


def listing_front_matter(title: str, hide_toc: bool = False) -> str:
    """Front matter of a generated listing page as JSON (which YAML reads alike; PyYAML's dumper
    took most of the making of split lists' pages): the title HTML-escaped, as pages.front_matter
    does (Material inserts it unescaped), the page kept out of the browser search index (see
    pages.NO_SEARCH), and with hide_toc the table of contents hidden."""
    meta = {"title": html.escape(title, quote=False).replace('"', "&quot;"), "search": {"exclude": True}}
    if hide_toc:
        meta["hide"] = ["toc"]
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n"


def _front(title: str) -> str:
    return listing_front_matter(title, hide_toc=True)  # the tables need the width


def records(entries: list[Entry], vocabs: Vocabularies | None = None) -> list[dict]:
    """The export rows (language-neutral: vocabulary codes, titles and pages in every language,
    each value's sources as URLs). Shape documented by json_schema()."""
    vocabs = Vocabularies.ensure(vocabs)
    versions: dict[str, dict[str, Entry]] = {}
    for e in entries:
        versions.setdefault(e.id, {})[e.lang] = e
    out = []
    for r in rows(entries, i18n.DEFAULT_LANG, vocabs=vocabs):
        b = r.block
        rec = {"id": r.entry.id, "country": r.country, "short_name": r.short,
               "title": {lang: v.title for lang, v in sorted(versions[r.entry.id].items())},
               "page": {lang: v.url for lang, v in sorted(versions[r.entry.id].items())},
               "data_sources": list(r.entry.data_sources), "profiled": r.entry.instrument is not None}
        for d in DIMENSIONS:
            value = getattr(b, d)
            rec[d] = list(value) if isinstance(value, tuple) else value
        rec["latest_round"] = b.latest_round
        rec["sources"] = {d: [r.entry.links[i].url for i in b.sources(d) if i < len(r.entry.links)]
                          for d in DIMENSIONS if b.sources(d)}
        out.append(rec)
    return out


def json_schema() -> dict:
    """JSON Schema (2020-12) of instruments.json."""
    text = {"type": ["string", "null"]}
    codes = {"type": "array", "items": {"type": "string"}}
    props = {"id": {"type": "string"}, "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
             "short_name": {"type": "string"},
             "title": {"type": "object", "additionalProperties": {"type": "string"}, "description": "by language"},
             "page": {"type": "object", "additionalProperties": {"type": "string"}, "description": "site-relative, by language"},
             "data_sources": codes, "profiled": {"type": "boolean", "description": "the entry has an instrument block"},
             "population": text, "migrant_identification": codes, "reference_period": text,
             "periodicity": text, "rounds": {"type": "array", "items": {"type": "integer"}}, "sample": text,
             "collection_modes": codes, "microdata_access": text, "questionnaire_languages": codes,
             "icls_concepts": codes, "latest_round": {"type": ["integer", "null"]},
             "sources": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                         "description": "URLs supporting each field"}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "instruments.json",
            "description": "One record per data-collection instrument (tool entry) and focus country. An empty list "
                           "or null means unknown. Codes are those of tools/data/vocabulary.yml.",
            "type": "array", "items": {"type": "object", "required": list(props), "properties": props,
                                       "additionalProperties": False}}


def to_csv(recs: list[dict]) -> str:
    """instruments.csv: one line per record; lists joined with '|', titles and pages in French
    (or the first language), sources as 'field=url url' joined with '|'; a cell starting with
    = + - or @ is prefixed with an apostrophe (not run as a formula by spreadsheets)."""
    cols = ["id", "country", "short_name", "title", "page", "data_sources", *DIMENSIONS, "latest_round", "sources"]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(cols)

    def cell(rec: dict, col: str):
        v = rec[col]
        if col in ("title", "page"):
            return v.get(i18n.DEFAULT_LANG) or next(iter(v.values()), "")
        if col == "sources":
            return "|".join(f"{k}={' '.join(u)}" for k, u in v.items())
        if isinstance(v, list):
            return "|".join(str(x) for x in v)
        return "" if v is None else v

    for rec in recs:
        out.writerow([spreadsheet_safe(cell(rec, c)) for c in cols])
    return buf.getvalue()


def generate(entries: list[Entry], ui: str = i18n.DEFAULT_LANG, vocabs: Vocabularies | None = None,
             split_at: int | None = None) -> dict[str, str]:
    """{path under docs/: text}: the pages of interface `ui` (pages_of, split above `split_at`
    instruments; None: one page) and the exports."""
    vocabs = Vocabularies.ensure(vocabs)
    return {**pages_of(entries, ui, vocabs=vocabs, split_at=split_at), **exports(entries, vocabs)}


def exports(entries: list[Entry], vocabs: Vocabularies | None = None) -> dict[str, str]:
    """{path under docs/: text} of the exports (EXPORTS), the same in every interface."""
    vocabs = Vocabularies.ensure(vocabs)
    recs = records(entries, vocabs=vocabs)
    return {EXPORTS[0]: json.dumps(recs, ensure_ascii=False, indent=1),
            EXPORTS[1]: to_csv(recs),
            EXPORTS[2]: json.dumps(json_schema(), ensure_ascii=False, indent=1)}
