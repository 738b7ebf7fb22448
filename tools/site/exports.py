"""Machine-readable exports of the collection: entries.json, entries.csv and a compact catalog.

Fields of entries.json (one object per entry-language file): id, lang, title, type, countries,
summary, themes, data_sources, institutions, period, links [{title, url}], tags, status,
updated, reviewed_by, reviewed_on, url (site-relative), path (source file), body (Markdown).
The catalog drops the body: it is what the search page filters when no search API answers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from xml.sax.saxutils import escape, quoteattr

from tools import i18n
from tools.content.model import Entry

CSV_FIELDS = ("id", "lang", "title", "type", "countries", "themes", "data_sources", "institutions", "period",
              "status", "updated", "url", "links", "summary")


def record(entry: Entry) -> dict:
    data = asdict(entry)
    data["links"] = [{"title": link.title, "url": link.url} for link in entry.links]
    data["url"] = entry.url
    return data


def entries_json(entries: list[Entry]) -> str:
    return json.dumps([record(e) for e in entries], ensure_ascii=False, indent=1)


def catalog_json(entries: list[Entry]) -> str:
    keep = ("id", "lang", "title", "type", "countries", "summary", "themes", "data_sources", "tags", "status", "url")
    return json.dumps([{k: record(e)[k] for k in keep} for e in entries], ensure_ascii=False, separators=(",", ":"))


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        value = "; ".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
    text = "" if value is None else str(value)
    # A leading = + - @ makes spreadsheets run the cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def entries_csv(entries: list[Entry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in entries:
        rec = record(e)
        writer.writerow([_cell(rec[f]) for f in CSV_FIELDS])
    return buf.getvalue()


FEED_SIZE = 50


def atom_feed(entries: list[Entry], site_url: str, ui: str = i18n.DEFAULT_LANG) -> str:
    """Atom feed of the most recently updated entry-language files, titled in interface ui."""
    base = site_url.rstrip("/") + "/"
    words = i18n.load_ui()
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


def generate(entries: list[Entry], site_url: str = "", ui: str = i18n.DEFAULT_LANG) -> dict[str, str]:
    """The export files of one interface, as {path under docs/: text}; the feed is titled in ui."""
    return {"kb/feed.xml": atom_feed(entries, site_url, ui),"kb/entries.json": entries_json(entries), "kb/entries.csv": entries_csv(entries),
            "kb/catalog.json": catalog_json(entries),
            # Loaded with a <script> tag, which works from file:// where fetch() of JSON does not.
            "kb/catalog.js": "window.KB_CATALOG = " + catalog_json(entries) + ";\n"}
