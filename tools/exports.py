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

from tools.model import Entry

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


def generate(entries: list[Entry]) -> dict[str, str]:
    return {"kb/entries.json": entries_json(entries), "kb/entries.csv": entries_csv(entries),
            "kb/catalog.json": catalog_json(entries),
            # Loaded with a <script> tag, which works from file:// where fetch() of JSON does not.
            "kb/catalog.js": "window.KB_CATALOG = " + catalog_json(entries) + ";\n"}
