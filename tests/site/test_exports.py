"""tools/exports.py: entries.json, entries.csv, catalog.json and feed.xml.

Entries come from files validated by the real loader; the CSV-injection cases use hand-made
Entry records, since a formula can hide in any text field a contributor fills.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import MA_AR, entry_text, load
from tools.content.model import Entry, Link
from tools.content.vocab import Vocabularies
from tools.site import exports

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

DOCUMENTED = ("id", "lang", "title", "type", "countries", "summary", "themes", "data_sources", "institutions",
              "period", "links", "tags", "status", "updated", "reviewed_by", "reviewed_on", "url", "path", "body")
CATALOG = ("id", "lang", "title", "type", "countries", "summary", "themes", "data_sources", "tags", "status", "url")

CORPUS = {
    "ma/ma-enquete-emploi.fr.md": entry_text(
        institutions='[HCP, "Ministère de l\'Inclusion, de l\'Emploi"]', tags="[Emploi, ENE]",
        links="\n  - title: Site du HCP\n    url: https://www.hcp.ma/\n"
              "  - title: Note méthodologique\n    url: https://www.hcp.ma/note.pdf",
        body="## Contexte\n\nTexte avec \"guillemets\", virgules, et\nun saut de ligne.\n"),
    "ma/ma-enquete-emploi.ar.md": entry_text(**{**MA_AR, "tags": "[سوق العمل]"}),
    "tn/tn-recensement.fr.md": entry_text(
        title="Recensement général", countries="[TN, FR]", themes="[stocks]", data_sources="[population-census]",
        status="reviewed", reviewed_by="[Point focal TN, Expert OIT]", reviewed_on='"2024-06-01"', period="2014"),
    "regional/oit-directives.fr.md": entry_text(
        title="Directives de l'OIT", countries="[]", type="methodology", data_sources="[]", period=None,
        updated=None, links=None),
}


@pytest.fixture(scope="module")
def entries(tmp_path_factory) -> list[Entry]:
    found, problems, _ = load(tmp_path_factory.mktemp("exports"), CORPUS)
    assert [p.text() for p in problems if p.severity == "error"] == []
    assert len(found) == len(CORPUS)
    return found


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def entry(**kw) -> Entry:
    base = dict(id="ma-x", lang="fr", folder="ma", path="practices/ma/ma-x.fr.md", title="Titre ordinaire",
                type="tool", countries=("MA",), summary="Un résumé ordinaire de la fiche.", themes=("stocks",))
    return Entry(**{**base, **kw})


# -- entries.json -------------------------------------------------------------------------------

def test_entries_json_has_documented_fields(entries):
    data = json.loads(exports.entries_json(entries))
    assert isinstance(data, list) and len(data) == len(entries)
    for record, e in zip(data, entries, strict=True):
        assert set(DOCUMENTED) <= set(record)
        assert record["id"] == e.id and record["lang"] == e.lang
        assert record["url"] == f"kb/entries/{e.id}/{e.lang}/"
        assert record["path"] == f"practices/{e.folder}/{e.id}.{e.lang}.md"
        assert record["body"] == e.body and record["body"]
        assert record["countries"] == list(e.countries)
        assert record["links"] == [{"title": link.title, "url": link.url} for link in e.links]


def test_entries_json_values(entries):
    data = {(r["id"], r["lang"]): r for r in json.loads(exports.entries_json(entries))}
    ma = data[("ma-enquete-emploi", "fr")]
    assert ma["links"] == [{"title": "Site du HCP", "url": "https://www.hcp.ma/"},
                           {"title": "Note méthodologique", "url": "https://www.hcp.ma/note.pdf"}]
    assert ma["institutions"] == ["HCP", "Ministère de l'Inclusion, de l'Emploi"]
    assert ma["tags"] == ["Emploi", "ENE"] and ma["themes"] == ["stocks", "flows"]
    assert ma["period"] == "2018-2021" and ma["updated"] == "2024-05-01" and ma["status"] == "draft"
    assert ma["reviewed_by"] == [] and ma["reviewed_on"] is None
    tn = data[("tn-recensement", "fr")]
    assert tn["countries"] == ["TN", "FR"] and tn["status"] == "reviewed"
    assert tn["reviewed_by"] == ["Point focal TN", "Expert OIT"] and tn["reviewed_on"] == "2024-06-01"
    regional = data[("oit-directives", "fr")]
    assert regional["countries"] == [] and regional["links"] == []
    assert regional["period"] is None and regional["updated"] is None
    assert data[("ma-enquete-emploi", "ar")]["title"] == MA_AR["title"]


def test_entries_json_round_trips(entries):
    text = exports.entries_json(entries)
    assert "المسح الوطني" in text  # UTF-8 as written, not \u escapes
    data = json.loads(text)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    rebuilt = []
    for r in data:
        fields = {k: v for k, v in r.items() if k != "url"}
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
        fields["links"] = tuple(Link(**link) for link in r["links"])
        rebuilt.append(Entry(**fields))
    assert rebuilt == entries


# -- entries.csv --------------------------------------------------------------------------------

def test_entries_csv_header_and_rows(entries):
    rows = rows_of(exports.entries_csv(entries))
    assert rows[0] == list(exports.CSV_FIELDS)
    assert len(rows) == 1 + len(entries)
    assert {(r[0], r[1]) for r in rows[1:]} == {(e.id, e.lang) for e in entries}
    assert all(len(r) == len(exports.CSV_FIELDS) for r in rows)


def test_entries_csv_values_and_lists(entries):
    rows = [dict(zip(exports.CSV_FIELDS, r, strict=True)) for r in rows_of(exports.entries_csv(entries))[1:]]
    by = {(r["id"], r["lang"]): r for r in rows}
    ma = by[("ma-enquete-emploi", "fr")]
    assert ma["themes"] == "stocks; flows"
    assert ma["institutions"] == "HCP; Ministère de l'Inclusion, de l'Emploi"
    assert ma["links"] == "https://www.hcp.ma/; https://www.hcp.ma/note.pdf"
    assert ma["data_sources"] == "labour-force-survey"
    assert ma["url"] == "kb/entries/ma-enquete-emploi/fr/"
    assert ma["title"] == "Enquête nationale sur l'emploi"
    assert by[("tn-recensement", "fr")]["countries"] == "TN; FR"
    regional = by[("oit-directives", "fr")]
    assert regional["countries"] == "" and regional["links"] == "" and regional["period"] == ""
    assert by[("ma-enquete-emploi", "ar")]["summary"] == MA_AR["summary"]


@pytest.mark.parametrize("field, value, expected", [
    ("title", "=HYPERLINK(\"https://evil.example\",\"clic\")", "'=HYPERLINK(\"https://evil.example\",\"clic\")"),
    ("title", "+33 enquête", "'+33 enquête"),
    ("summary", "-2+3 dans le résumé de la fiche", "'-2+3 dans le résumé de la fiche"),
    ("summary", "@SUM(A1:A9) dans le résumé", "'@SUM(A1:A9) dans le résumé"),
    ("period", "=1+1", "'=1+1"),
    ("institutions", ("=cmd|' /C calc'!A0", "HCP"), "'=cmd|' /C calc'!A0; HCP"),
    ("institutions", ("-moins", "+plus"), "'-moins; +plus"),
    ("title", "Titre = ordinaire", "Titre = ordinaire"),
    ("title", "'déjà cité", "'déjà cité"),
])
def test_entries_csv_neutralises_formulas(field, value, expected):
    e = entry(**{field: value})
    rows = rows_of(exports.entries_csv([e]))
    assert rows[1][exports.CSV_FIELDS.index(field)] == expected


def test_entries_csv_link_urls_are_checked_as_one_cell():
    e = entry(links=(Link("=titre", "https://a.example/"), Link("b", "https://b.example/")))
    row = rows_of(exports.entries_csv([e]))[1]
    assert row[exports.CSV_FIELDS.index("links")] == "https://a.example/; https://b.example/"


def test_entries_csv_quotes_commas_quotes_and_newlines():
    summary = 'Un résumé, avec "guillemets", point-virgule ; et\nun saut de ligne.'
    rows = rows_of(exports.entries_csv([entry(summary=summary)]))
    assert len(rows) == 2
    assert rows[1][exports.CSV_FIELDS.index("summary")] == summary


# -- catalog ------------------------------------------------------------------------------------

def test_catalog_json_has_no_body(entries):
    data = json.loads(exports.catalog_json(entries))
    assert len(data) == len(entries)
    for record, e in zip(data, entries, strict=True):
        assert set(record) == set(CATALOG)
        assert "body" not in record and "path" not in record
        assert record["url"] == e.url and record["title"] == e.title
    text = exports.catalog_json(entries)
    assert "Un paragraphe" not in text and "saut de ligne" not in text


def test_generate_returns_the_exports_and_the_feed(entries):
    files = exports.generate(entries, vocabs=SHIPPED)
    assert set(files) == {"kb/entries.json", "kb/entries.csv", "kb/catalog.json", "kb/feed.xml"}
    assert files["kb/entries.json"] == exports.entries_json(entries)
    assert files["kb/entries.csv"] == exports.entries_csv(entries)
    assert files["kb/catalog.json"] == exports.catalog_json(entries)


def test_exports_of_an_empty_collection():
    files = exports.generate([], vocabs=SHIPPED)
    assert json.loads(files["kb/entries.json"]) == []
    assert json.loads(files["kb/catalog.json"]) == []
    assert rows_of(files["kb/entries.csv"]) == [list(exports.CSV_FIELDS)]


def test_exports_made_piece_by_piece_are_the_whole_dumps(entries):
    """entries.json, entries.csv and catalog.json, made from one remembered piece per entry, are
    the bytes of dumping the whole list at once, with a memo (filled, then reused) or without."""
    from tools.site.pages import TextMemo

    ordered = sorted(entries, key=lambda e: (e.id, e.lang))
    whole_json = json.dumps([exports.record(e) for e in ordered], ensure_ascii=False, indent=1)
    whole_catalog = json.dumps([{k: exports.record(e)[k] for k in CATALOG} for e in ordered], ensure_ascii=False,
                               separators=(",", ":"))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(exports.CSV_FIELDS)
    for e in ordered:
        writer.writerow([exports._cell(exports.record(e)[f]) for f in exports.CSV_FIELDS])
    memo = TextMemo()
    for use in (None, memo, memo):
        assert exports.entries_json(ordered, use) == whole_json
        assert exports.catalog_json(ordered, use) == whole_catalog
        assert exports.entries_csv(ordered, use) == buf.getvalue()
    assert len(memo.texts) == 3 * len(ordered)
    assert exports.entries_json([]) == json.dumps([]) and exports.catalog_json([]) == "[]"
