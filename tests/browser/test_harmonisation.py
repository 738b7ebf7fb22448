"""The harmonisation page in a real browser: three interfaces at phone (390 px) and desktop (1280 px)
widths, axe-core, the table filters with and without script, and a country profile's part.

Screenshots go to test-artifacts/harmonisation-*.png for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import ARTIFACTS, AXE
from tools.content.vocab import Vocabularies
from tools.site import harmonisation as h

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

PREFIX = {"fr": "", "ar": "/ar", "en": "/en"}


def open_page(browser, server, lang: str, width: int, path: str = "/kb/harmonisation/", script: bool = True):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(server.url + PREFIX[lang] + path)
    return context, page


def serious_violations(page) -> list:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # a <script> tag would be blocked by the CSP
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_page_reads_in_each_interface_and_width(browser, server, lang, width):  # noqa: F811
    context, page = open_page(browser, server, lang, width)
    expect(page.locator("h1")).to_contain_text(h.w("title", lang, vocabs=SHIPPED))
    grid = page.locator("table.kb-concepts")
    expect(grid).to_be_visible()
    # Gaps carry a text mark, not only a colour; filled cells link to entries.
    expect(grid.locator("td.kb-no").first).to_contain_text("✗")
    expect(grid.locator("td.kb-yes a").first).to_be_visible()
    # A concept's definition opens on a tap or a click (a title attribute shows on hover only).
    concept = SHIPPED.terms("icls_concepts")[0]
    definition = grid.locator("tbody th").first.locator("details.kb-def > p")
    expect(definition).to_be_hidden()
    grid.locator("tbody th").first.locator("summary").click()
    expect(definition).to_be_visible()
    expect(definition).to_have_text(SHIPPED.description("icls_concepts", concept, lang))
    # The page itself never scrolls sideways: wide tables scroll inside their own region,
    # and their first column stays in place.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow
    sticky = page.locator("table.kb-matrix tbody th").first.evaluate("e => getComputedStyle(e).position")
    assert sticky == "sticky"
    svg = page.locator("svg.kb-timeline")
    expect(svg).to_have_attribute("role", "img")
    assert svg.locator("title").count() >= 1
    if lang == "ar":
        assert page.locator("body").get_attribute("dir") == "rtl"
        expect(svg).to_have_attribute("direction", "rtl")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"harmonisation-{lang}-{width}.png"), full_page=True)
    assert serious_violations(page) == []
    assert page.errors == []
    context.close()


def test_sticky_first_column_stays_visible_when_the_matrix_scrolls(browser, server):  # noqa: F811
    context, page = open_page(browser, server, "fr", 390)
    region = page.locator(".kb-hz-scroll").nth(1)
    first = region.locator("tbody th").first
    before = first.bounding_box()["x"]
    region.evaluate("e => { e.scrollLeft = 400; }")
    assert region.evaluate("e => e.scrollLeft") > 0
    assert abs(first.bounding_box()["x"] - before) < 2
    context.close()


def test_filters_narrow_the_instrument_table(browser, server):  # noqa: F811
    context, page = open_page(browser, server, "en", 1280)
    rows = page.locator("#kb-instruments tr[data-country]")
    total = rows.count()
    form = page.locator("form.kb-filters")
    expect(form).to_be_visible()
    form.locator("select[data-filter='country']").select_option("TN")
    visible = page.locator("#kb-instruments tr[data-country]:visible")
    assert 0 < visible.count() < total
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.country)")) == {"TN"}
    expect(form.locator("output")).to_contain_text(str(visible.count()))
    form.locator("select[data-filter='country']").select_option("")
    form.locator("select[data-filter='icls-concepts']").select_option("return-international-migrant-workers")
    ids = page.locator("#kb-instruments tr[data-country]:visible th a").evaluate_all("as => as.map(a => a.href)")
    assert ids and all(("hims" in i) or ("migration-internationale" in i) for i in ids), ids
    context.close()


def test_without_script_the_full_table_shows_and_filters_stay_hidden(browser, server):  # noqa: F811
    context, page = open_page(browser, server, "fr", 1280, script=False)
    expect(page.locator("form.kb-filters")).to_be_hidden()
    rows = page.locator("#kb-instruments tr[data-country]")
    assert rows.count() > 20 and rows.count() == page.locator("#kb-instruments tr[data-country]:visible").count()
    context.close()


def test_return_migrant_workers_answer_is_one_click_away(browser, server):  # noqa: F811
    """The statistician's question: which countries can measure return migrant workers, from what, how recent."""
    context, page = open_page(browser, server, "fr", 1280)
    label = "Travailleurs migrants internationaux de retour"
    row = page.locator("table.kb-concepts tr", has=page.locator("th", has_text=label))
    links = row.locator("td.kb-yes a")
    assert links.count() >= 1
    texts = links.all_inner_texts()
    assert all(any(ch.isdigit() for ch in t) for t in texts), texts  # each source shows its latest round
    links.first.click()
    expect(page.locator(".kb-card")).to_be_visible()
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_country_profile_shows_its_concept_row_and_timeline(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, server, lang, 390, "/kb/countries/ma/")
    grid = page.locator("table.kb-concepts")
    expect(grid).to_be_visible()
    assert grid.locator("thead th").count() == 2
    expect(page.locator("svg.kb-timeline")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"harmonisation-country-ma-{lang}-390.png"), full_page=True)
    assert serious_violations(page) == []
    context.close()
