"""The reader's experience in a real browser (Debian's chromium, Playwright), in the three
interfaces, on a desktop (1280 px) and a phone (390 px): counts that agree, country profiles,
a language switcher that keeps the page, pages fully in their language, mixed-direction text kept
in order, pages that fit a phone. Screenshots go to test-artifacts/reader/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import ARTIFACTS, AXE
from tools.site.pages import ui as ui_strings

WIDTHS = {"phone": 390, "desktop": 1280}
PREFIX = {"fr": "", "ar": "/ar", "en": "/en"}
LANG_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
FOOTER = ui_strings()["footer"]
NOT_FOUND = ui_strings()["not_found"]


def open_page(browser, width: int, lang: str = "fr"):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 900},
                                  locale={"fr": "fr-FR", "ar": "ar", "en": "en-GB"}[lang])
    page = context.new_page()
    page.console_errors = []
    page.failed = []  # resources that did not load, other than the page itself
    page.on("console", lambda m: page.console_errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("response", lambda r: page.failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document"
            else None)
    return context, page


def shot(page, name: str) -> None:
    folder = ARTIFACTS / "reader"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def axe_serious(page) -> list:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # a <script> tag would be blocked by the CSP
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def number(text: str) -> int:
    """The count of '12 fiches', '3 entries (2 tools…)', 'بطاقتان'."""
    text = text.split(" (")[0]
    digits = re.search(r"\d+", text)
    words = ui_strings()["n_entries"]["ar"]
    return int(digits.group()) if digits else {words["one"]: 1, words["two"]: 2}.get(text.strip(), -1)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_home_page_for_readers(browser, server, lang, width):  # noqa: F811
    context, page = open_page(browser, width, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/")
    assert page.locator("html").get_attribute("lang") == lang
    # Purpose, the five countries with their counts, latest entries, the workshop; no developer commands.
    countries = page.locator("article ul").first.locator("li")
    assert countries.count() == 5
    assert page.locator("article a[href*='kb/entries/']").count() >= 8
    expect(page.locator("article a[href*='atelier-rabat-2019']").first).to_be_visible()
    assert "make " not in page.locator("article").inner_text()
    # The footer speaks the interface's language.
    expect(page.locator(".md-footer")).to_contain_text(FOOTER[lang])
    assert "Made with" not in page.locator(".md-footer").inner_text()
    # The language switcher names languages.
    names = page.locator("a.md-select__link").evaluate_all("els => els.map(a => a.textContent.trim())")
    assert names == [LANG_NAMES[x] for x in ("fr", "ar", "en")]
    fits(page)
    shot(page, f"home-{lang}-{width}")
    # The search box is a plain form that opens the search page with the words.
    page.fill("#kb-home-q", "enquete emploi")
    page.locator(".kb-home-search button").click()
    page.wait_for_url(re.compile(r"/recherche/\?query=enquete\+emploi"))
    assert page.console_errors == []
    context.close()


def test_arabic_home_keeps_latin_codes_in_order(browser, server):  # noqa: F811
    context, page = open_page(browser, 390, "ar")
    page.goto(f"{server.url}/ar/")
    code = page.locator("article bdi[dir='ltr']", has_text="10.c.1").first
    expect(code).to_have_text("10.c.1")
    assert code.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert code.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    context.close()


def test_arabic_home_placeholder_reads_right_to_left_and_typing_chooses_its_direction(browser, server):  # noqa: F811
    context, page = open_page(browser, 390, "ar")
    page.goto(f"{server.url}/ar/")
    box = page.locator("#kb-home-q")
    assert re.search(r"[\u0600-\u06ff]", box.get_attribute("placeholder"))
    # An empty dir="auto" field would otherwise resolve to left to right and scramble the Arabic example.
    assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
    box.fill("RGPH 2024")
    assert box.evaluate("el => getComputedStyle(el).direction") == "ltr"
    box.fill("مسح")
    assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_count_on_the_country_pages_agrees(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, 1280, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/kb/countries/")
    rows = page.locator("article table tbody tr").evaluate_all(
        "trs => trs.map(tr => [tr.querySelector('a').getAttribute('href'), tr.cells[1].textContent.trim()])")
    assert len(rows) >= 6
    home_counts = {}
    page.goto(f"{server.url}{PREFIX[lang]}/")
    for li in page.locator("article ul").first.locator("li").all():
        home_counts[li.locator("a").get_attribute("href").rstrip("/").split("/")[-1]] = li.locator("small").inner_text()
    for href, count in rows:
        page.goto(f"{server.url}{PREFIX[lang]}/kb/countries/{href}")
        shown = page.locator("article .kb-count").first.inner_text()
        listed = page.locator("article ul li a[href*='/entries/']")
        ids = {re.search(r"entries/([^/]+)/", h).group(1) for h in listed.evaluate_all("els => els.map(a => a.href)")}
        code = href.rstrip("/").split("/")[-1]
        counts = [number(c) for c in page.locator("article .kb-count").all_inner_texts()]
        # Total = the index's figure = distinct entries linked; the country's own and regional
        # sections (when there are both) add up to it.
        assert counts[0] == int(count) == len(ids), code
        if len(counts) > 1:
            assert sum(counts[1:]) == counts[0], code
        if code in home_counts:
            assert home_counts[code] == shown.split(" (")[0], code
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_libya_profile_lists_only_its_own_institutions_once(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, 390, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/kb/countries/ly/")
    institutions = page.locator("article h2 + p + ul").first.locator("li").all_inner_texts()
    assert institutions and len(institutions) == len(set(institutions))
    text = " ".join(institutions)
    for foreign in ("Sweden", "Suède", "السويد", "Maroc", "Morocco", "المغرب", "Haut-Commissariat"):
        assert foreign not in text, foreign
    # The country's own entries come first, regional ones in their own section.
    headings = page.locator("article h2").all_inner_texts()
    assert len(headings) >= 4
    fits(page)
    shot(page, f"country-ly-{lang}-390")
    assert page.console_errors == []
    context.close()


SWITCHES = [
    # (interface, page, target language, expected address)
    ("fr", "/kb/entries/ma-enquete-nationale-emploi/fr/", "ar", "/ar/kb/entries/ma-enquete-nationale-emploi/ar/"),
    ("ar", "/ar/kb/entries/ma-enquete-nationale-emploi/ar/", "en", "/en/kb/entries/ma-enquete-nationale-emploi/en/"),
    # No English version: the entry page in the English interface, in an existing language.
    ("fr", "/kb/entries/ma-cnss-securite-sociale-travailleurs-etrangers/fr/", "en",
     "/en/kb/entries/ma-cnss-securite-sociale-travailleurs-etrangers/fr/"),
    ("en", "/en/kb/countries/ma/", "fr", "/kb/countries/ma/"),
    ("ar", "/ar/kb/glossaire/", "fr", "/kb/glossaire/"),
    ("fr", "/kb/tags/", "ar", "/ar/kb/tags/"),
]


@pytest.mark.parametrize("lang, start, target, expected", SWITCHES)
def test_language_switcher_keeps_the_page(browser, server, lang, start, target, expected):  # noqa: F811
    context, page = open_page(browser, 1280, lang)
    page.goto(server.url + start)
    page.locator(".md-header__option .md-select").first.hover()
    page.locator(f"a.md-select__link[hreflang='{target}']").first.click()
    page.wait_for_url(server.url + expected)
    assert page.locator("html").get_attribute("lang") == target
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_404_page_in_the_interface_language_without_script_error(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, 390, lang)
    response = page.goto(f"{server.url}{PREFIX[lang]}/no-such-page/")
    assert response.status == 404
    expect(page.locator("article h1")).to_have_text(NOT_FOUND[lang])
    assert page.locator("html").get_attribute("lang") == lang
    page.wait_for_load_state("networkidle")
    shot(page, f"404-{lang}-390")
    assert page.console_errors == [] and page.failed == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_glossary_index_and_concept_pages(browser, server, lang, width):  # noqa: F811
    context, page = open_page(browser, width, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/kb/glossaire/")
    letters = page.locator("nav.kb-letters a")
    assert letters.count() >= 5
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 20000, height  # the whole glossary was 48,600 px on one page
    fits(page)
    shot(page, f"glossary-{lang}-{width}")
    page.locator("article h2 + ul a").first.click()
    ar_block = page.locator("article div[lang='ar']").first
    expect(ar_block).to_have_attribute("dir", "rtl")
    assert ar_block.evaluate("el => getComputedStyle(el).direction") == "rtl"
    latin = page.locator("article div[lang='fr'], article div[lang='en']").first
    assert latin.evaluate("el => getComputedStyle(el).direction") == "ltr"
    fits(page)
    shot(page, f"glossary-concept-{lang}-{width}")
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_tags_grouped_by_letter_and_concept(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, 390, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/kb/tags/")
    assert page.locator("article h2").count() >= 10  # one section per letter
    names = page.locator(".kb-tags li a").all_inner_texts()
    assert len(names) == len(set(names))
    fits(page)
    shot(page, f"tags-{lang}-390")
    # The census concept gathers 'recensement', 'census' and 'التعداد' on one page.
    page.goto(f"{server.url}{PREFIX[lang]}/kb/tags/")
    concept = page.locator(".kb-tags li a[href$='census/'], .kb-tags li a[href$='population-census/']").first
    concept.click()
    expect(page.locator("article a[href*='glossaire/']").first).to_be_visible()
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_entry_lists_its_sources_once_and_cites_a_stable_address(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, 390, lang)
    version = {"fr": "fr", "ar": "ar", "en": "en"}[lang]
    page.goto(f"{server.url}{PREFIX[lang]}/kb/entries/ma-enquete-nationale-migration-internationale/{version}/")
    links = page.locator("article a[href^='http']").evaluate_all("els => els.map(a => a.href)")
    external = [h for h in links if not h.startswith(server.url)]
    assert external and len(external) == len(set(external))  # each source once
    cite = page.locator("article h2 + p bdi[dir='ltr']").first
    expect(cite).to_contain_text("kb/entries/ma-enquete-nationale-migration-internationale/")
    assert cite.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert cite.inner_text().endswith("/")
    fits(page)
    shot(page, f"entry-{lang}-390")
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("path", ["/", "/ar/", "/en/", "/kb/glossaire/", "/ar/kb/glossaire/",
                                  "/kb/glossaire/international-migrant/", "/ar/kb/tags/", "/kb/countries/ly/",
                                  "/ar/kb/countries/ma/", "/en/kb/index.html", "/ar/no-such-page/"])
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_reader_pages_have_no_serious_accessibility_violation(browser, server, path, width):  # noqa: F811
    context, page = open_page(browser, width)
    page.goto(server.url + path.replace("index.html", ""))
    assert axe_serious(page) == []
    context.close()
