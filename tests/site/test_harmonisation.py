"""The harmonisation page: every cell shown agrees with the entries' instrument blocks, on the real
entries of practices/; unknown values say so; the timeline is an accessible SVG, mirrored in Arabic;
the exports carry the same rows."""

from __future__ import annotations

import csv
import io
import json
import re
from html import escape as html_escape
from html.parser import HTMLParser

import markdown
import pytest

from tests.conftest import entry_text, load
from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.site import harmonisation as h
from tools.site import pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module


@pytest.fixture(scope="module")
def entries(shipped_collection):
    found, problems, _ = shipped_collection
    assert [p.text() for p in problems if p.severity == "error"] == []
    return found


class Tables(HTMLParser):
    """Rendered tables: {class: [[(cell text, [hrefs], attrs), ...] per row]}, header cells included."""

    def __init__(self):
        super().__init__()
        self.tables, self.stack, self.row, self.cell, self.definition = {}, [], None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.stack.append(attrs.get("class", ""))
            self.tables.setdefault(self.stack[-1], [])
        elif tag == "tr" and self.stack:
            self.row = []
            self.tables[self.stack[-1]].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ["", [], attrs]
            self.row.append(self.cell)
        elif tag == "a" and self.cell is not None:
            self.cell[1].append(attrs.get("href", ""))
        elif tag == "p" and self.cell is not None:
            self.definition = True  # a concept's definition under its name: not the cell's text

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.stack.pop()
        elif tag in ("td", "th"):
            self.cell = None
        elif tag == "p":
            self.definition = False

    def handle_data(self, data):
        if self.cell is not None and not self.definition:
            self.cell[0] += data


def render(md: str) -> dict:
    body = md.split("\n---\n", 1)[1]
    parser = Tables()
    parser.feed(markdown.markdown(body, extensions=["md_in_html", "tables", "attr_list"]))
    return parser.tables


def entry_id(href: str) -> str:
    return re.search(r"entries/([^/]+)/", href).group(1)


@pytest.mark.parametrize("ui", schema.LANGS)
def test_concept_grid_cells_agree_with_the_blocks(entries, ui):
    rows = h.rows(entries, ui, vocabs=SHIPPED)
    grid = render(h.page(entries, ui, vocabs=SHIPPED))["kb-matrix kb-concepts"]
    focus = SHIPPED.vocabulary["focus_countries"]
    body = [r for r in grid if r and r[0][2].get("scope") == "row"]
    assert len(body) == len(SHIPPED.terms("icls_concepts"))
    marked = 0
    for concept, line in zip(SHIPPED.terms("icls_concepts"), body, strict=True):
        assert line[0][0].strip() == SHIPPED.label("icls_concepts", concept, ui)
        for code, cell in zip(focus, line[1:], strict=True):
            expected = sorted(r.entry.id for r in rows if r.country == code and concept in r.block.icls_concepts)
            assert sorted(entry_id(a) for a in cell[1]) == expected, (concept, code)
            if expected:
                marked += 1
                assert cell[0].lstrip().startswith("✓")
            else:  # a gap reads as text, not only as a colour
                assert cell[0].strip() == "✗ " + h.w("no_source", ui, vocabs=SHIPPED)
    assert marked >= 3  # the base documents at least three country-concept pairs


@pytest.mark.parametrize("ui", schema.LANGS)
def test_source_matrix_cells_agree_with_the_entries(entries, ui):
    rows = h.rows(entries, ui, vocabs=SHIPPED)
    matrix = render(h.page(entries, ui, vocabs=SHIPPED))["kb-matrix"]
    focus = SHIPPED.vocabulary["focus_countries"]
    labels = {SHIPPED.label("data_sources", s, ui): s for s in SHIPPED.terms("data_sources")}
    body = [r for r in matrix if r and r[0][2].get("scope") == "row"]
    assert body
    for line in body:
        term = labels[line[0][0].strip()]
        for code, cell in zip(focus, line[1:], strict=True):
            expected = [r for r in rows if r.country == code and term in r.entry.data_sources]
            assert sorted(entry_id(a) for a in cell[1]) == sorted(r.entry.id for r in expected)
            for r in expected:  # short name and latest round (or periodicity) shown
                assert r.short in cell[0] and h.latest(r, ui, vocabs=SHIPPED) in cell[0]
            if not expected:
                assert cell[0].strip() == h.w("no_source", ui, vocabs=SHIPPED)


@pytest.mark.parametrize("ui", schema.LANGS)
def test_instrument_table_cells_agree_with_the_blocks_and_cite_their_links(entries, ui):
    rows = h.rows(entries, ui, vocabs=SHIPPED)
    table = render(h.page(entries, ui, vocabs=SHIPPED))["kb-instruments"]
    seen = 0
    for line in table:
        if not line or line[0][2].get("scope") != "row":
            continue
        row = rows.pop(next(i for i, r in enumerate(rows) if r.entry.id == entry_id(line[0][1][0])))
        for field, cell in zip(h.DIMENSIONS, line[2:], strict=True):
            value = row.value(field)
            if value in (None, ()):
                assert cell[0].strip() == h.w("unknown", ui, vocabs=SHIPPED) and cell[1] == []
                continue
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                shown = str(item) if field in ("rounds", "questionnaire_languages", "population", "sample",
                                               "reference_period") else SHIPPED.label(h._VOCAB[field], item, ui)
                assert shown in cell[0], (row.entry.id, field)
            cited = [row.entry.links[i].url for i in row.block.sources(field)]
            assert cell[1] == cited, (row.entry.id, field)
            seen += 1
    assert rows == [] and seen > 20


def test_figures_count_filled_and_cited_cells(entries):
    n = h.figures(h.rows(entries, vocabs=SHIPPED))
    assert n["instruments"] >= n["profiled"] > 0
    assert n["cells"] == n["instruments"] * len(h.DIMENSIONS)
    assert 0 < n["cited"] <= n["filled"] <= n["cells"]


def test_return_migrant_workers_question_is_answerable(entries):
    """Which countries can measure return international migrant workers, from which source, how recent."""
    rows = h.rows(entries, vocabs=SHIPPED)
    found = {(r.country, r.entry.id, r.block.latest_round) for r in rows
             if "return-international-migrant-workers" in r.block.icls_concepts}
    assert found and all(year for _, _, year in found)
    grid = render(h.page(entries, vocabs=SHIPPED))["kb-matrix kb-concepts"]
    line = next(r for r in grid if r[0][0].strip() == SHIPPED.label("icls_concepts", "return-international-migrant-workers", "fr"))
    text = " ".join(c[0] for c in line)
    for _country, _, year in found:
        assert str(year) in text


def test_timeline_is_an_accessible_svg_mirrored_in_arabic(entries):
    rows = h.rows(entries, vocabs=SHIPPED)
    dated = [r for r in rows if r.block.rounds]
    for lang in schema.LANGS:
        svg = h.timeline_svg(h.rows(entries, lang, vocabs=SHIPPED), lang, vocabs=SHIPPED)
        assert svg.startswith('<svg class="kb-timeline" role="img" aria-labelledby="kb-timeline-title kb-timeline-desc"')
        assert svg.count('<text class="kb-tl-label"') == len(dated)
        assert "<title id=\"kb-timeline-title\">" in svg and "<desc id=\"kb-timeline-desc\">" in svg
    fr, ar = h.timeline_svg(rows, "fr", vocabs=SHIPPED), h.timeline_svg(h.rows(entries, "ar", vocabs=SHIPPED), "ar", vocabs=SHIPPED)
    # The latest year sits right of the earliest in French, left of it in Arabic.
    def x_of(svg, year):
        return float(re.search(rf'x="([\d.]+)" y="\d+" text-anchor="middle">{year}<', svg).group(1))
    years = sorted({int(y) for y in re.findall(r'text-anchor="middle">(\d{4})<', fr)})
    assert x_of(fr, years[0]) < x_of(fr, years[-1]) and x_of(ar, years[0]) > x_of(ar, years[-1])
    assert 'direction="rtl"' in ar and 'direction="ltr"' in fr
    label_x = [float(x) for x in re.findall(r'class="kb-tl-label" x="([\d.]+)"', ar)]
    assert label_x and min(label_x) > x_of(ar, years[0])  # labels on the right, beyond the earliest year


def test_unknown_values_are_shown_as_unknown_and_not_invented(tmp_path):
    found, problems, _ = load(tmp_path, {
        "ma/ma-x.fr.md": entry_text(title="Enquête X sans profil", type="tool", countries="[MA]"),
        "tn/tn-y.fr.md": entry_text(title="Enquête Y", type="tool", countries="[TN]",
                                    instrument="\n  rounds: [2014, 2024]\n  cite:\n    rounds: [0]"),
    })
    assert [p.text() for p in problems if p.severity == "error"] == []
    md = h.page(found, vocabs=SHIPPED)
    table = render(md)["kb-instruments"]
    x = next(line for line in table if line and "ma-x" in "".join(line[0][1]))
    assert x[2:] and all(c[0].strip() == h.w("unknown", "fr", vocabs=SHIPPED) for c in x[2:])
    y = next(line for line in table if line and "tn-y" in "".join(line[0][1]))
    rounds = y[2 + h.DIMENSIONS.index("rounds")]
    assert "2014, 2024" in rounds[0] and rounds[1] == ["https://www.hcp.ma/"]
    # Countries with no instrument still get a row group saying so
    assert any(h.w("no_source", "fr", vocabs=SHIPPED) in c[0] for line in table for c in line)


def test_exports_match_the_rows_and_their_schema(entries):
    out = h.generate(entries, "fr", vocabs=SHIPPED)
    recs = json.loads(out["kb/instruments.json"])
    rows = h.rows(entries, vocabs=SHIPPED)
    assert recs and [(r["id"], r["country"]) for r in recs] == [(r.entry.id, r.country) for r in rows]
    by = {(r.entry.id, r.country): r for r in rows}
    for rec in recs:
        row = by[(rec["id"], rec["country"])]
        assert rec["icls_concepts"] == list(row.block.icls_concepts)
        assert rec["rounds"] == list(row.block.rounds) and rec["latest_round"] == row.block.latest_round
        for field, urls in rec["sources"].items():
            assert urls == [row.entry.links[i].url for i in row.block.sources(field)]
    schema_doc = json.loads(out["kb/instruments.schema.json"])
    required = schema_doc["items"]["required"]
    assert all(sorted(rec) == sorted(required) for rec in recs)
    lines = list(csv.DictReader(io.StringIO(out["kb/instruments.csv"])))
    assert [(line["id"], line["country"]) for line in lines] == [(r["id"], r["country"]) for r in recs]
    assert all(line["icls_concepts"] == "|".join(r["icls_concepts"]) for line, r in zip(lines, recs, strict=True))


def test_instruments_csv_cells_are_never_spreadsheet_formulas():
    """As entries.csv: a contributor's '=HYPERLINK(...)' title must open as text, not run."""
    rec = {"id": "ma-x", "country": "MA", "short_name": "=cmd|' /C calc'!A0",
           "title": {"fr": '=HYPERLINK("https://evil.example","clic")'}, "page": {"fr": "kb/x/"},
           "data_sources": ["+x"], **{d: "@SUM(1+1)" for d in h.DIMENSIONS}, "latest_round": None,
           "sources": {"-y": ["https://a.example/"]}}
    row = list(csv.DictReader(io.StringIO(h.to_csv([rec]))))[0]
    assert row["title"] == '\'=HYPERLINK("https://evil.example","clic")'
    assert row["short_name"].startswith("'=")
    assert not [k for k, v in row.items() if v[:1] in ("=", "+", "-", "@")]


def test_country_profile_shows_its_concept_row_and_timeline(entries):
    ma = [e for e in entries if "MA" in e.countries]
    page = pages.country_profile("MA", ma, "kb/countries/ma.md", "en", vocabs=SHIPPED)
    assert h.w("concepts", "en", vocabs=SHIPPED) in page and 'class="kb-timeline"' in page
    grid = render("---\n---\n" + page)["kb-matrix kb-concepts"]
    assert [c[0].strip() for c in grid[0]] == [h.w("concept", "en", vocabs=SHIPPED), schema.country_name("MA", "en")]
    assert any("ma-enquete-nationale-migration-internationale" in "".join(c[1]) for line in grid for c in line)


@pytest.mark.parametrize("ui", schema.LANGS)
def test_each_concept_opens_its_definition_without_hover(entries, ui):
    """A title attribute shows on hover only, which phones cannot do: each concept's name is a
    disclosure whose definition opens under it."""
    page = re.sub(r">\s+<", "><", markdown.markdown(h.page(entries, ui, vocabs=SHIPPED).split("\n---\n", 1)[1],
                                                   extensions=["md_in_html", "tables", "attr_list"]))
    for concept in SHIPPED.terms("icls_concepts"):
        label = html_escape(SHIPPED.label("icls_concepts", concept, ui))
        desc = html_escape(SHIPPED.description("icls_concepts", concept, ui))
        assert f'<details class="kb-def"><summary>{label}</summary><p>{desc}</p></details>' in page, concept
    assert "<abbr" not in page.split('class="kb-matrix kb-concepts"', 1)[1].split("</table>", 1)[0]
