"""The site in a real browser (Debian's chromium driven by Playwright) against the real server.

Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.sitebuild import REPO, Server, build_copy

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
# Without these, chromium tries to reach Google's hosts at start and floods a closed network.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = build_copy(tmp_path_factory.mktemp("site"))
    srv = Server(project)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def search(page, server, query: str, prefix: str = "", **params) -> list[str]:
    from urllib.parse import urlencode

    page.goto(f"{server.url}{prefix}/recherche/?{urlencode({'query': query, **params}, doseq=True)}")
    page.wait_for_selector("#kb-search[data-ready]")
    return page.locator(".kb-result h3 a").evaluate_all("els => els.map(a => a.href)")


def test_home_page_renders_without_console_errors(page, server):
    page.goto(server.url + "/")
    expect(page.locator("h1")).to_contain_text("Données de migration")
    expect(page.locator("nav.md-nav--primary")).to_contain_text("Recherche")
    shot(page, "home")
    assert page.console_errors == []


def test_french_query_typed_without_accents_finds_the_accented_entry(page, server):
    hrefs = search(page, server, "enquete nationale emploi")
    assert any("ma-enquete-nationale-emploi" in h for h in hrefs[:3]), hrefs
    expect(page.locator(".kb-result mark").first).to_be_visible()
    shot(page, "search-fr")
    assert page.console_errors == []


def test_typing_in_the_search_box_and_submitting_updates_the_url(page, server):
    page.goto(server.url + "/recherche/")
    page.wait_for_selector("#kb-search[data-ready]")
    page.fill("#kb-q", "recensement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"query=recensement"))
    expect(page.locator(".kb-result").first).to_be_visible()
    assert page.console_errors == []


def test_arabic_query_finds_arabic_entries(page, server):
    hrefs = search(page, server, "الهجرة الدولية")
    assert hrefs and any(h.rstrip("/").endswith("/ar") for h in hrefs[:3]), hrefs
    first = page.locator(".kb-result").first
    expect(first).to_have_attribute("dir", "rtl")
    shot(page, "search-ar")


def test_ticking_a_country_facet_narrows_the_results(page, server):
    search(page, server, "enquete")
    before = int(page.locator("#kb-status").inner_text().split()[0])
    generation = page.locator("#kb-search").get_attribute("data-generation")
    page.locator("#kb-facets input[data-facet='country'][value='MA']").check()
    page.wait_for_url(re.compile(r"country=MA"))
    page.wait_for_function(f"() => document.querySelector('#kb-search').dataset.generation !== '{generation}'")
    expect(page.locator("#kb-facets input[data-facet='country'][value='MA']")).to_be_checked()
    after = int(page.locator("#kb-status").inner_text().split()[0])
    assert 0 < after < before
    codes = page.locator(".kb-result .kb-meta").evaluate_all("els => els.map(e => e.dataset.countries)")
    assert codes and all("MA" in c.split() for c in codes)
    assert "Maroc" in page.locator(".kb-result .kb-meta").first.inner_text()
    shot(page, "search-facet")


def test_search_page_falls_back_to_the_catalog_without_api(page, server):
    page.route("**/api/**", lambda route: route.abort())
    hrefs = search(page, server, "recensement")
    expect(page.locator(".kb-notice")).to_be_visible()
    assert page.locator("#kb-search").get_attribute("data-ready") == "fallback"
    expect(page.locator("#kb-facets")).to_contain_text("Maroc")  # labels, not codes, without the API
    assert any("recensement" in h for h in hrefs), hrefs


def test_arabic_entry_page_reads_right_to_left(page, server):
    page.goto(server.url + "/kb/entries/ma-enquete-nationale-migration-internationale/ar/")
    wrapper = page.locator(".kb-page")
    expect(wrapper).to_have_attribute("dir", "rtl")
    expect(wrapper).to_have_attribute("lang", "ar")
    assert wrapper.evaluate("el => getComputedStyle(el.querySelector('p')).direction") == "rtl"
    assert wrapper.evaluate("el => getComputedStyle(el.querySelector('p')).textAlign") in ("right", "start")
    shot(page, "entry-ar")
    assert page.console_errors == []


def test_entry_page_shows_card_sources_and_draft_badge(page, server):
    page.goto(server.url + "/kb/entries/ma-enquete-nationale-emploi/fr/")
    expect(page.locator(".kb-card")).to_contain_text("Pays")
    expect(page.locator(".admonition.warning")).to_contain_text("Brouillon")
    links = page.locator("article a[href^='http']")
    assert links.count() >= 1
    shot(page, "entry-fr")
    assert page.console_errors == []


def test_materials_own_search_box_works(page, server):
    page.goto(server.url + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("recensement")
    page.keyboard.press("End")  # Material listens for keyup
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15000)


def test_no_page_requests_anything_outside_the_server(browser, server):
    context = browser.new_context()
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    for path in ("/", "/recherche/?query=emploi", "/kb/entries/ma-enquete-nationale-emploi/fr/"):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert outside == []



@pytest.fixture(scope="module")
def offline_site(server, tmp_path_factory):
    import zipfile

    from tools.project import Project
    from tools.site.offline import build_offline

    project = Project(Path(server.root))
    archive = build_offline(project)
    dest = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)
    return dest / "maghreb-migration-travail"


def test_offline_zip_works_from_file_urls(browser, offline_site):
    context = browser.new_context()
    page = context.new_page()
    remote, errors = [], []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file://", "data:", "blob:")) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((offline_site / "index.html").as_uri())
    expect(page.locator("h1")).to_contain_text("Données de migration")
    page.locator("nav.md-nav--primary a", has_text="Comparer les pays").first.click()
    expect(page.locator("h1")).to_contain_text("Comparer les pays")
    page.goto((offline_site / "recherche.html").as_uri() + "?query=recensement")
    page.wait_for_selector("#kb-search[data-ready='fallback']")
    first = page.locator(".kb-result h3 a").first
    href = first.get_attribute("href")
    assert href.startswith("file://") and href.endswith(".html"), href
    first.click()
    expect(page.locator(".kb-card")).to_be_visible()
    page.goto((offline_site / "index.html").as_uri())
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("recensement")
    page.keyboard.press("End")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15000)
    page.screenshot(path=str(ARTIFACTS / "offline-search.png"))
    page.goto((offline_site / "ar" / "kb" / "entries" / "ma-enquete-nationale-migration-internationale" / "ar.html").as_uri())
    assert page.locator("body").get_attribute("dir") == "rtl"
    expect(page.locator(".kb-page")).to_have_attribute("dir", "rtl")
    context.close()
    assert remote == [] and errors == []


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("path", ["/", "/recherche/?query=emploi", "/kb/entries/ma-enquete-nationale-emploi/fr/",
                                  "/kb/entries/ma-enquete-nationale-migration-internationale/ar/",
                                  "/kb/comparaison/"])
def test_no_serious_accessibility_violation(page, server, path):
    page.goto(server.url + path)
    if path.startswith("/recherche"):
        page.wait_for_selector("#kb-search[data-ready]")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_arabic_interface_reads_right_to_left_with_arabic_navigation(page, server):
    page.goto(server.url + "/")
    page.locator(".md-header__option .md-select").first.hover()
    page.locator("a.md-select__link[hreflang='ar']").first.click()
    page.wait_for_url(re.compile(r"/ar/"))
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("body").get_attribute("dir") == "rtl"
    expect(page.locator("nav.md-nav--primary")).to_contain_text("البحث")
    hrefs = search(page, server, "تعداد السكان تونس", prefix="/ar")
    assert any("tn-recensement-population-habitat" in h for h in hrefs[:3]), hrefs
    assert all("/ar/kb/entries/" in h for h in hrefs)
    expect(page.locator("#kb-search")).to_have_attribute("dir", "rtl")
    shot(page, "search-ar-interface")
    assert page.console_errors == []


def test_english_interface_has_english_labels(page, server):
    page.goto(server.url + "/en/kb/comparaison/")
    expect(page.locator("h1")).to_contain_text("Compare countries")
    expect(page.locator("nav.md-nav--primary")).to_contain_text("Data sources")
    assert page.console_errors == []


def test_reader_goes_from_home_to_a_country_compares_reads_arabic_and_cites(page, server):
    page.goto(server.url + "/")
    page.locator("article a", has_text="Maroc").first.click()
    expect(page.locator("h1")).to_contain_text("Maroc")
    page.locator("nav.md-nav--primary a", has_text="Comparer les pays").first.click()
    cell = page.locator("table a[href*='ma-enquete-nationale-migration-internationale']").first
    cell.click()
    page.locator(".kb-card a[hreflang='ar'], .kb-card a", has_text="العربية").first.click()
    expect(page.locator(".kb-page")).to_have_attribute("dir", "rtl")
    expect(page.locator("h2", has_text="كيفية الاستشهاد")).to_be_visible()
    bib = page.locator("a", has_text="BibTeX").first.get_attribute("href")
    body = page.request.get(page.url + bib if not bib.startswith("http") else bib)
    assert body.ok and body.text().startswith("@misc{ma-enquete-nationale-migration-internationale-ar,")
    shot(page, "journey-entry-ar-cite")
    assert page.console_errors == []
