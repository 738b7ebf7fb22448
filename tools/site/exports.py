"""Machine-readable exports of the collection: entries.json, entries.csv and a compact catalog.

Fields of entries.json (one object per entry-language file): id, lang, title, type, countries,
summary, themes, data_sources, institutions, period, links [{title, url}], tags, status,
updated, reviewed_by, reviewed_on, url (site-relative), path (source file), body (Markdown).
The catalog drops the body: a compact list for scripts (search without the API uses kb/search/).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from xml.sax.saxutils import escape, quoteattr

from tools import i18n
from tools.content.model import Entry, fingerprint
from tools.content.vocab import Vocabularies

CSV_FIELDS = ("id", "lang", "title", "type", "countries", "themes", "data_sources", "institutions", "period",
              "status", "updated", "url", "links", "summary")


def _link(link) -> dict:
    out = {"title": link.title, "url": link.url}
    out.update({k: v for k in ("accessed", "archive_url") if (v := getattr(link, k))})
    return out


def _instrument(instrument) -> dict | None:
    """The instrument block as JSON: unknown (empty) sub-fields left out, cite as {field: [link index]}."""
    if instrument is None:
        return None
    out = {f.name: getattr(instrument, f.name) for f in fields(instrument) if f.name != "cite"}
    out = {k: list(v) if isinstance(v, tuple) else v for k, v in out.items() if v not in (None, ())}
    if instrument.cite:
        out["cite"] = {name: list(idx) for name, idx in instrument.cite}
    return out


def record(entry: Entry) -> dict:
    """One entry version as a JSON-ready dict: every Entry field, links as {title, url[, accessed,
    archive_url]}, the instrument block (or None), and the page url."""
    # A shallow copy of the fields (dataclasses.asdict deep-copies every value, which cost seconds).
    data = {f.name: getattr(entry, f.name) for f in fields(Entry)}
    data["links"] = [_link(link) for link in entry.links]
    if "instrument" in data:
        data["instrument"] = _instrument(entry.instrument)
    data["url"] = entry.url
    return data


def _pieces(entries: list[Entry], kind: str, make, memo=None, prints: list[str] | None = None) -> list[str]:
    """make(entry) for each entry; with `memo` (a pages.TextMemo: get(key, make)), remembered under
    (kind, the entry's fingerprint), so each entry's piece is made once for all interfaces and
    builds while the entry is unchanged. `prints`: the entries' fingerprints, when known."""
    if memo is None:
        return [make(e) for e in entries]
    prints = prints or [fingerprint(e) for e in entries]
    return [memo.get((kind, p), lambda e=e: make(e)) for e, p in zip(entries, prints, strict=True)]


def _json_element(entry: Entry) -> str:
    # The record as json.dumps(..., indent=1) writes it inside the array: one level deeper (JSON
    # strings hold no raw newline, so every line is a line of the layout).
    return "\n".join(" " + line for line in json.dumps(record(entry), ensure_ascii=False, indent=1).split("\n"))


def entries_json(entries: list[Entry], memo=None, prints: list[str] | None = None) -> str:
    """entries.json: a JSON array, in the order of `entries`, of one record() per entry version (the
    fields listed in this module's docstring); UTF-8 text unescaped, indented by one space (the
    bytes of json.dumps(list, ensure_ascii=False, indent=1)). `memo`, `prints`: see _pieces."""
    if not entries:
        return "[]"
    return "[\n" + ",\n".join(_pieces(entries, "json", _json_element, memo, prints)) + "\n]"


_CATALOG = ("id", "lang", "title", "type", "countries", "summary", "themes", "data_sources", "tags", "status", "url")


def _catalog_element(e: Entry) -> str:
    row = (e.id, e.lang, e.title, e.type, e.countries, e.summary, e.themes, e.data_sources, e.tags, e.status, e.url)
    return json.dumps(dict(zip(_CATALOG, row, strict=True)), ensure_ascii=False, separators=(",", ":"))


def catalog_json(entries: list[Entry], memo=None, prints: list[str] | None = None) -> str:
    """catalog.json: a compact JSON array (no whitespace) of one object per entry version with id,
    lang, title, type, countries, summary, themes, data_sources, tags, status and url (site-relative
    page address); countries, themes and data_sources as arrays of codes, tags as written.
    `memo`, `prints`: see _pieces."""
    return "[" + ",".join(_pieces(entries, "catalog", _catalog_element, memo, prints)) + "]"


def spreadsheet_safe(value) -> str:
    """A CSV cell's text (str(value)) with an apostrophe before a leading = + - or @, which would
    make spreadsheets run the cell as a formula (entries.csv, instruments.csv)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        value = "; ".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
    return spreadsheet_safe("" if value is None else value)


def entries_csv(entries: list[Entry], memo=None, prints: list[str] | None = None) -> str:
    """entries.csv: a header row of CSV_FIELDS, then one row per entry version (RFC 4180 quoting by
    the csv module, lines ended by '\\n'). List fields are joined by '; ' (links: their urls); a cell
    starting with = + - or @ is prefixed with an apostrophe so that spreadsheets do not run it as a
    formula. `memo`, `prints`: see _pieces."""
    return _csv_row(CSV_FIELDS) + "".join(_pieces(entries, "csv", _csv_entry, memo, prints))


def _csv_row(cells) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def _csv_entry(entry: Entry) -> str:
    rec = record(entry)
    return _csv_row([_cell(rec[f]) for f in CSV_FIELDS])


FEED_SIZE = 50


def atom_feed(entries: list[Entry], site_url: str, ui: str = i18n.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> str:
    """Atom feed of the most recently updated entry-language files, titled in interface ui (words
    of `vocabs`; None: the shipped strings, read now)."""
    base = site_url.rstrip("/") + "/"
    words = Vocabularies.ensure(vocabs).ui
    title = f"{words['site_name'][ui]} — {words['feed_title'][ui]}"
    recent = sorted(entries, key=lambda e: (e.updated or "", e.id, e.lang), reverse=True)[:FEED_SIZE]
    newest = recent[0].updated if recent and recent[0].updated else "1970-01-01"
    items = []
    for e in recent:
        url = base + e.url
        items.append(
            f"  <entry>\n    <id>{escape(url)}</id>\n    <title>{escape(e.title)}</title>\n"
            f"    <link href={quoteattr(url)}/>\n    <updated>{escape(e.updated or newest)}T00:00:00Z</updated>\n"
            f"    <summary xml:lang={quoteattr(e.lang)}>{escape(e.summary)}</summary>\n"
            + "".join(f"    <category term={quoteattr(t)}/>\n" for t in e.themes)
            + "  </entry>\n")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(ui)}>\n'
            f"  <id>{escape(base)}</id>\n  <title>{escape(title)}</title>\n"
            f"  <link href={quoteattr(base)}/>\n  <link rel=\"self\" href={quoteattr(base + 'kb/feed.xml')}/>\n"
            f"  <updated>{escape(newest)}T00:00:00Z</updated>\n  <author><name>AMEM</name></author>\n"
            + "".join(items) + "</feed>\n")


# The exports that do not depend on the interface: {path under docs/: maker(entries, memo, prints)}.
SAME_IN_ALL = {"kb/entries.json": entries_json, "kb/entries.csv": entries_csv, "kb/catalog.json": catalog_json}


def generate(entries: list[Entry], site_url: str = "", ui: str = i18n.DEFAULT_LANG,
             vocabs: Vocabularies | None = None, memo=None, prints: list[str] | None = None,
             shared: dict[str, bytes] | None = None) -> dict[str, str | bytes]:
    """The export files of one interface, as {path under docs/: text}; the feed is titled in ui
    (words of `vocabs`; None: the shipped strings, read now). `memo`: a pages.TextMemo remembering
    each entry's piece of the exports (see _pieces; None: everything made here); `prints`: the
    entries' fingerprints, in their order, when the caller has them. `shared`: a dict the caller
    keeps for the interfaces of one build, of the same `entries`: the exports of SAME_IN_ALL are
    then given as UTF-8 bytes, made for the first interface and kept there for the others."""
    if memo is not None and prints is None:
        prints = [fingerprint(e) for e in entries]
    out: dict[str, str | bytes] = {"kb/feed.xml": atom_feed(entries, site_url, ui, vocabs)}
    for path, make in SAME_IN_ALL.items():
        if shared is None:
            out[path] = make(entries, memo, prints)
        else:
            if path not in shared:
                shared[path] = make(entries, memo, prints).encode("utf-8")
            out[path] = shared[path]
    return out
