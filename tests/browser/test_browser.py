"""The site in a real browser (Debian's chromium driven by Playwright) against the real server.

Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import pytest
from playwright.sync_api import expect

from tests.sitebuild import REPO
from tools.search.query import MAX_QUERY_TERMS
from tools.site.pages import ui as ui_strings

ARTIFACTS = REPO / "test-artifacts"
# Without these, chromium tries to reach Google's hosts at start and floods a closed network.


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


def test_search_page_uses_the_static_index_without_api(page, server):
    page.route("**/api/**", lambda route: route.abort())
    hrefs = search(page, server, "recensement")
    assert page.locator("#kb-search").get_attribute("data-ready") == "static"
    expect(page.locator("#kb-status .kb-mode")).to_contain_text(ui_strings()["search"]["static_mode"]["fr"])
    expect(page.locator("#kb-facets")).to_contain_text("Maroc")  # labels, not codes, without the API
    assert any("recensement" in h for h in hrefs), hrefs


def test_static_search_page_answers_like_the_api_nothing_to_search_too_long_and_q(page, server):
    """Without the API: a query with no word gets the translated no-terms hint and no results; a
    query past the API's length limit gets the translated message; a link with ?q= is read."""
    from tools.search.engine import MAX_QUERY_CHARS

    words = ui_strings()["search"]
    _no_api(page)
    search(page, server, "!!!???")
    expect(page.locator("#kb-results .kb-hint")).to_have_text(words["noterms"]["fr"])
    assert page.locator(".kb-result").count() == 0
    assert page.locator("#kb-q").get_attribute("maxlength") == str(MAX_QUERY_CHARS)
    search(page, server, "emploi " * 290)
    expect(page.locator("#kb-results .kb-too-long")).to_have_text(
        words["too_long"]["fr"].replace("{max}", str(MAX_QUERY_CHARS)))
    assert page.locator(".kb-result").count() == 0
    page.goto(server.url + "/recherche/?q=recensement")
    page.wait_for_selector("#kb-search[data-ready='static']")
    assert page.locator("#kb-q").input_value() == "recensement"
    assert page.locator(".kb-result").count() > 0
    assert _errors(page) == []


@pytest.mark.parametrize("prefix, lang", [("", "fr"), ("/ar", "ar")])
def test_static_search_page_refuses_too_many_or_too_long_words_as_the_api_does(page, server, prefix, lang):
    """Without the API, a query over the API's word limits (tools.web.api.check_words) gets the
    API's refusal in the interface's words, not results for part of it."""
    from tools.search.query import MAX_QUERY_TERMS, MAX_TERM_CHARS

    words = ui_strings()["search"]
    _no_api(page)
    for query, code, limit in ((" ".join(["emploi"] * (MAX_QUERY_TERMS + 8)), "too_many_words", MAX_QUERY_TERMS),
                               ("emploi " + "a" * (MAX_TERM_CHARS + 6), "word_too_long", MAX_TERM_CHARS)):
        search(page, server, query, prefix)
        error = page.locator("#kb-status .kb-error")
        assert error.get_attribute("data-code") == code
        assert error.inner_text() == words["error"][lang] + words["err_" + code][lang].replace("{max}", str(limit))
        assert page.locator(".kb-result").count() == 0
    search(page, server, " ".join(["emploi"] * MAX_QUERY_TERMS), prefix)  # at the limit: searched
    assert page.locator("#kb-search").get_attribute("data-ready") == "static"
    assert page.locator(".kb-result").count() > 0
    assert _errors(page) == []


@pytest.mark.parametrize("prefix, lang", [("", "fr"), ("/ar", "ar"), ("/en", "en")])
def test_static_search_page_says_when_no_entry_answers_the_whole_query(page, server, prefix, lang):
    """Without the API, a question the base does not answer gets the API's "no strong match"
    message (ui.yml search.weak) in the interface's language; a query it answers does not."""
    words = ui_strings()["search"]
    _no_api(page)
    search(page, server, "indice des prix a la consommation mensuel", prefix)
    assert page.locator("#kb-search").get_attribute("data-ready") == "static"
    assert page.locator(".kb-result").count() > 0
    expect(page.locator("#kb-status .kb-weak")).to_have_text(words["weak"][lang])
    search(page, server, "recensement Marocco", prefix)
    assert page.locator("#kb-status .kb-weak").count() == 0
    assert "ma-recensement-general-population-habitat" in page.locator(".kb-result h3 a").first.get_attribute("href")
    assert _errors(page) == []


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_search_page_answers_single_characters_and_sql_punctuation_with_the_no_terms_hint(page, server, api):
    """A query of digits, single letters and SQL or shell punctuation has no word to search: the
    no-terms hint and no result, with the API and without it; a year is still searched."""
    words = ui_strings()["search"]
    if not api:
        _no_api(page)
    for q in ("1' OR '1'='1", "x = 7 ; --"):
        search(page, server, q)
        assert page.locator("#kb-search").get_attribute("data-ready") == ("api" if api else "static")
        expect(page.locator("#kb-results .kb-hint")).to_have_text(words["noterms"]["fr"])
        assert page.locator(".kb-result").count() == 0
    search(page, server, "2018")
    assert page.locator(".kb-result").count() > 0


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize("prefix, lang", [("", "fr"), ("/ar", "ar")])
def test_search_page_says_when_search_syntax_was_taken_out_and_lists_the_results(page, server, prefix, lang, api):
    """A word ending in * (and field names, ranges, boosts): the page says in its language that
    the syntax is not taken and lists what the words found, with the API and without it."""
    words = ui_strings()["search"]
    if not api:
        _no_api(page)
    search(page, server, "recens*", prefix)
    assert page.locator("#kb-search").get_attribute("data-ready") == ("api" if api else "static")
    expect(page.locator("#kb-status .kb-syntax")).to_have_text(words["syntax_ignored"][lang])
    assert page.locator(".kb-result").count() > 0
    search(page, server, "recensement", prefix)
    assert page.locator("#kb-status .kb-syntax").count() == 0


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
    page.locator("nav.md-nav--primary a", has_text="Harmoniser les sources").first.click()  # mkdocs.yml nav
    expect(page.locator("h1")).to_contain_text(ui_strings()["harmonisation"]["title"]["fr"])
    page.goto((offline_site / "recherche.html").as_uri() + "?query=recensement")
    page.wait_for_selector("#kb-search[data-ready='static']")
    first = page.locator(".kb-result h3 a").first
    href = first.get_attribute("href")
    assert href.startswith("file://") and href.endswith(".html"), href
    first.click()
    expect(page.locator(".kb-card")).to_be_visible()
    page.goto((offline_site / "index.html").as_uri())
    page.locator(".kb-hsearch__input").fill("recensement")
    expect(page.locator(".kb-hsearch__item a").first).to_be_visible(timeout=15000)
    assert page.locator(".kb-hsearch").get_attribute("data-mode") == "static"
    page.screenshot(path=str(ARTIFACTS / "offline-search.png"))
    page.goto((offline_site / "ar" / "kb" / "entries" / "ma-enquete-nationale-migration-internationale" / "ar.html").as_uri())
    assert page.locator("body").get_attribute("dir") == "rtl"
    expect(page.locator(".kb-page")).to_have_attribute("dir", "rtl")
    # The citation files are made once, at the site's root, and reached from the Arabic interface (#10).
    entry = offline_site / "kb" / "entries" / "ma-enquete-nationale-migration-internationale"
    for name, ext in (("BibTeX", "bib"), ("RIS", "ris")):
        target = urljoin(page.url, page.get_by_role("link", name=name, exact=True).get_attribute("href"))
        assert Path(url2pathname(urlsplit(target).path)) == entry / f"ar.{ext}"
        assert (entry / f"ar.{ext}").is_file()
    context.close()
    assert remote == [] and errors == []


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("path", ["/", "/recherche/?query=emploi", "/kb/entries/ma-enquete-nationale-emploi/fr/",
                                  "/kb/entries/ma-enquete-nationale-migration-internationale/ar/",
                                  "/kb/comparaison/", "/kb/harmonisation/", "/ar/kb/harmonisation/"])
def test_no_serious_accessibility_violation(page, server, path):
    page.goto(server.url + path)
    if path.startswith("/recherche"):
        page.wait_for_selector("#kb-search[data-ready]")
    # Evaluated through the DevTools protocol: a <script> tag would be (rightly) blocked by the CSP.
    page.evaluate(AXE.read_text(encoding="utf-8"))
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
    expect(page.locator("nav.md-nav--primary")).to_contain_text(ui_strings()["nav"]["recherche.md"]["ar"])
    hrefs = search(page, server, "تعداد السكان تونس", prefix="/ar")
    assert any("tn-recensement-population-habitat" in h for h in hrefs[:3]), hrefs
    assert all("/ar/kb/entries/" in h for h in hrefs)
    expect(page.locator("#kb-search")).to_have_attribute("dir", "rtl")
    shot(page, "search-ar-interface")
    assert page.console_errors == []


def test_english_interface_has_english_labels(page, server):
    page.goto(server.url + "/en/kb/comparaison/")
    expect(page.locator("h1")).to_contain_text(ui_strings()["comparison"]["en"])
    expect(page.locator("nav.md-nav--primary")).to_contain_text(ui_strings()["nav"]["kb/sources/index.md"]["en"])
    assert page.console_errors == []


def test_reader_goes_from_home_to_a_country_compares_reads_arabic_and_cites(page, server):
    page.goto(server.url + "/")
    page.locator("article a", has_text="Maroc").first.click()
    expect(page.locator("h1")).to_contain_text("Maroc")
    page.locator("nav.md-nav--primary a", has_text="Harmoniser les sources").first.click()  # mkdocs.yml nav
    cell = page.locator("table a[href*='ma-enquete-nationale-migration-internationale']").first
    cell.click()
    page.locator(".kb-card a[hreflang='ar'], .kb-card a", has_text="العربية").first.click()
    expect(page.locator(".kb-page")).to_have_attribute("dir", "rtl")
    expect(page.locator("h2", has_text=ui_strings()["cite"]["ar"])).to_be_visible()
    bib = page.locator("a", has_text="BibTeX").first.get_attribute("href")
    body = page.request.get(page.url + bib if not bib.startswith("http") else bib)
    assert body.ok and body.text().startswith("@misc{ma-enquete-nationale-migration-internationale-ar,")
    shot(page, "journey-entry-ar-cite")
    assert page.console_errors == []


# ---- the header's search box, with and without the API (issue 13) ---------------------------

LABOUR_FORCE_SURVEYS = {"ma-enquete-nationale-emploi", "dz-enquete-activite-emploi-chomage",
                        "tn-enquete-population-emploi", "mr-enquete-emploi-secteur-informel-enesi"}


def test_without_an_api_the_visit_asks_for_it_once(page, server):
    """A statically hosted site answers /api/ with an HTML 404: the first search finds that out
    and the following ones of the visit, on the next pages too, do not ask again (one failed
    request in the console per visit, not one per search)."""
    asked = []

    def not_found(route):
        asked.append(route.request.url)
        route.fulfill(status=404, content_type="text/html", body="<h1>404</h1>")

    page.route("**/api/**", not_found)
    for query in ("recensement", "emploi", "migration"):
        hrefs = search(page, server, query)
        assert page.locator("#kb-search").get_attribute("data-ready") == "static"
        assert hrefs, query
    assert len(asked) == 1 and "/api/search?" in asked[0], asked
    assert len([e for e in page.console_errors if "404" in e]) == 1, page.console_errors


def test_a_refusal_in_the_header_box_is_shown_and_the_api_kept(page, server):
    """A 4xx JSON refusal (here too many words) concerns that query: the header box shows the
    interface's words for it and the next search asks the API again, on this page and the next;
    only an outage (a 5xx, no answer) moves the visit to the static index."""
    refusals = []

    def refuse_once(route):
        if not refusals and "/api/search?" in route.request.url:
            refusals.append(route.request.url)
            route.fulfill(status=400, content_type="application/json", body=json.dumps(
                {"ok": False, "status": 400, "code": "too_many_words", "error": "too many words"}))
        else:
            route.continue_()

    page.route("**/api/**", refuse_once)
    page.goto(server.url + "/")
    box, form = page.locator(".kb-hsearch__input"), page.locator(".kb-hsearch")
    box.fill("enquete emploi")  # one input event: the refused request is this query's, not a prefix's
    page.wait_for_selector(".kb-hsearch[data-refused='too_many_words']")
    words = ui_strings()["search"]["err_too_many_words"]["fr"].replace("{max}", str(MAX_QUERY_TERMS))
    expect(page.locator(".kb-hsearch__status")).to_have_text(words)
    assert page.locator(".kb-hsearch__item").count() == 0 and len(refusals) == 1
    assert page.evaluate("() => sessionStorage.getItem('kb-api-down')") is None
    box.fill("")
    assert header_search(page, "recensement") and form.get_attribute("data-mode") == "api"
    assert form.get_attribute("data-refused") is None
    page.goto(server.url + "/en/")
    assert header_search(page, "labour survey") and form.get_attribute("data-mode") == "api"
    page.route("**/api/**", lambda route: route.fulfill(status=503, content_type="application/json", body=json.dumps(
        {"ok": False, "status": 503, "code": "busy", "error": "busy"})))
    page.goto(server.url + "/")
    assert header_search(page, "recensement") and form.get_attribute("data-mode") == "static"
    assert page.evaluate("() => sessionStorage.getItem('kb-api-down')") == "1"


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_a_link_with_q_twice_searches_the_words_of_both(page, server, api):
    """As the API and the command line read repeated q=: joined by a space, in order."""
    if not api:
        _no_api(page)
    page.goto(server.url + "/recherche/?q=recensement&q=Tunisie")
    page.wait_for_selector("#kb-search[data-ready]")
    assert page.locator("#kb-q").input_value() == "recensement Tunisie"
    both = page.locator(".kb-result h3 a").evaluate_all("els => els.map(a => a.href)")
    assert both and both == search(page, server, "recensement Tunisie")
    assert page.locator("#kb-search").get_attribute("data-ready") == ("api" if api else "static")


def _ids(hrefs: list[str]) -> list[str]:
    return [re.search(r"/kb/entries/([^/]+)/", h).group(1) for h in hrefs]


def _no_api(page) -> None:
    """Every /api/ request fails, as on static hosting; the failures that this causes are the
    only console errors the page may show."""
    page.route("**/api/**", lambda route: route.abort())
    page.aborted = True


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize("prefix, lang", [("", "fr"), ("/en", "en")])
def test_header_box_says_when_no_entry_answers_the_whole_query(browser, server, prefix, lang, api):
    """The header box gives the search page's "no strong match" message (the answer's `strong`
    flag, ui.yml search.weak) with the API and without it; a query the base answers has none."""
    words = ui_strings()["search"]
    context = browser.new_context(viewport={"width": 1280, "height": 850})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    if not api:
        _no_api(page)
    page.goto(server.url + prefix + "/")
    header_search(page, "football world cup results")
    assert page.locator(".kb-hsearch").get_attribute("data-mode") == ("api" if api else "static")
    expect(page.locator(".kb-hsearch__status .kb-hsearch__weak")).to_have_text(words["weak"][lang])
    box = page.locator(".kb-hsearch__input")
    box.fill("")
    generation = page.locator(".kb-hsearch").get_attribute("data-generation")
    box.press_sequentially("recensement maroc", delay=20)
    page.wait_for_function(f"() => document.querySelector('.kb-hsearch').getAttribute('data-generation') !== '{generation}'")
    page.wait_for_timeout(400)
    expect(page.locator(".kb-hsearch__item a").first).to_have_attribute(
        "href", re.compile("ma-recensement-general-population-habitat"))
    assert page.locator(".kb-hsearch__status .kb-hsearch__weak").count() == 0
    assert _errors(page) == []
    context.close()


def _errors(page) -> list[str]:
    if getattr(page, "aborted", False):
        return [e for e in page.console_errors if "net::ERR_FAILED" not in e]
    return page.console_errors


def header_search(page, query: str) -> list[str]:
    """Type into the header's box like a reader (opening it first on a phone); the ids listed."""
    opener = page.locator(".kb-hsearch__open")
    if opener.is_visible():
        opener.click()
    box = page.locator(".kb-hsearch__input")
    expect(box).to_be_visible()
    box.press_sequentially(query, delay=20)
    # The panel answers the whole query (the debounced search of the last keystroke), not a prefix.
    page.wait_for_function("q => document.querySelector('.kb-hsearch').getAttribute('data-query') === q",
                           arg=box.input_value().strip())
    page.wait_for_selector(".kb-hsearch[data-generation] .kb-hsearch__item a")
    page.wait_for_function("() => !document.querySelector('.kb-hsearch__results').hidden")
    return _ids(page.locator(".kb-hsearch__item a").evaluate_all("els => els.map(a => a.href)"))


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_header_box_finds_labour_force_surveys_first(browser, server, ui, width, api):
    context = browser.new_context(viewport={"width": width, "height": 850})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    if not api:
        _no_api(page)
    page.goto(server.url + ("/" if ui == "fr" else f"/{ui}/"))
    ids = header_search(page, "enquete emploi")
    assert page.locator(".kb-hsearch").get_attribute("data-mode") == ("api" if api else "static")
    assert "ma-enquete-nationale-emploi" in ids[:4], ids
    assert len(LABOUR_FORCE_SURVEYS & set(ids[:5])) >= 3, ids
    # Each result opens in the interface's language when the entry has a version in it.
    first = page.locator(".kb-hsearch__item a").first.get_attribute("href")
    shot(page, f"header-search-{ui}-{width}-{'api' if api else 'static'}")
    if ui != "fr":
        assert f"/{ui}/kb/entries/" in first
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?query=enquete(\+|%20)emploi"))
    page.wait_for_selector("#kb-search[data-ready]")
    assert page.locator("#kb-q").input_value() == "enquete emploi"
    assert _errors(page) == []
    context.close()


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_arabic_letter_variants_find_the_same_entries(page, server, api):
    if not api:
        _no_api(page)
    page.goto(server.url + "/ar/")
    written = header_search(page, "الهجرة الدولية")
    page.goto(server.url + "/ar/")
    typed = header_search(page, "الهجره الدوليه")
    assert written and typed[:5] == written[:5]
    page.goto(server.url + "/ar/")
    variants = header_search(page, "مستوى")
    page.goto(server.url + "/ar/")
    assert header_search(page, "مستوي")[:5] == variants[:5]
    assert _errors(page) == []


def test_search_page_on_a_phone_shows_results_first_and_folds_the_filters(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + "/recherche/?query=enquete")
    page.wait_for_selector("#kb-search[data-ready]")
    toggle = page.locator(".kb-filters-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#kb-facets")).to_be_hidden()
    first = page.locator(".kb-result").first.bounding_box()
    assert first["y"] < 844, first  # the first result is on the first screen
    shot(page, "search-phone-fr")
    toggle.click()
    expect(page.locator("#kb-facets input[data-facet='country']").first).to_be_visible()
    shot(page, "search-phone-fr-filters")
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    page.goto(server.url + "/ar/recherche/?query=enquete")
    page.wait_for_selector("#kb-search[data-ready]")
    expect(page.locator(".kb-filters-toggle")).to_be_hidden()
    expect(page.locator("#kb-facets")).to_be_visible()
    wide.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_filters_button_speaks_the_interface_language(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    filters = ui_strings()["search"]["filters"]
    for prefix, word in (("", filters["fr"]), ("/ar", filters["ar"]), ("/en", filters["en"])):
        page.goto(f"{server.url}{prefix}/recherche/?query=emploi")
        page.wait_for_selector("#kb-search[data-ready]")
        assert page.locator(".kb-filters-toggle").text_content().startswith(word)
        if width == 390:
            shot(page, f"search-phone{prefix.replace('/', '-') or '-fr'}")
    context.close()


def test_no_search_index_of_materials_plugin_is_shipped(server):
    site = Path(server.root) / "site"
    assert not list(site.rglob("search_index.json"))
    assert (site / "kb" / "search" / "meta.js").exists()


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize("width", [390, 1280])
def test_open_header_box_has_no_serious_accessibility_violation(browser, server, width, api):
    context = browser.new_context(viewport={"width": width, "height": 850})
    page = context.new_page()
    page.console_errors = []
    if not api:
        _no_api(page)
    page.goto(server.url + "/ar/")
    header_search(page, "enquete emploi")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # a <script> tag would be blocked by the CSP
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()


@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_offline_zip_header_box_and_search_page_search_from_file_urls(browser, offline_site, ui):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file://", "data:", "blob:")) else None)
    root = offline_site if ui == "fr" else offline_site / ui
    page.goto((root / "index.html").as_uri())
    ids = header_search(page, "enquete emploi")
    assert page.locator(".kb-hsearch").get_attribute("data-mode") == "static"
    assert "ma-enquete-nationale-emploi" in ids[:4], ids
    shot(page, f"offline-header-search-{ui}")
    page.locator(".kb-hsearch__item a").first.click()
    expect(page.locator(".kb-card")).to_be_visible()
    page.goto((root / "recherche.html").as_uri() + "?query=%D8%A7%D9%84%D9%87%D8%AC%D8%B1%D9%87")  # الهجره
    page.wait_for_selector("#kb-search[data-ready='static']")
    assert page.locator(".kb-result").count() > 0
    shot(page, f"offline-search-page-{ui}")
    context.close()
    # Material's language switcher asks for sitemap.xml, which file:// refuses (its own error,
    # the same with or without search); every other console error counts.
    ours = [e for e in errors if "sitemap.xml" not in e and e != "Failed to load resource: net::ERR_FAILED"]
    assert ours == [] and remote == [], errors


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize("width", [390, 1280])
def test_header_results_run_in_the_direction_of_their_language(browser, server, width, api):
    """An Arabic title that starts with Latin letters ('MED-HIMS: برنامج ...') is laid out right to
    left in the header's panel, as on the search page (it had dir=auto: read left to right, the
    Latin acronym on the left and the wrapped line left-aligned)."""
    context = browser.new_context(viewport={"width": width, "height": 850})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    if not api:
        _no_api(page)
    page.goto(server.url + "/ar/")
    header_search(page, "MED-HIMS")
    links = page.locator(".kb-hsearch__item a")
    found = links.evaluate_all("els => els.map(a => [a.lang, a.querySelector('.kb-hsearch__title').textContent,"
                               " getComputedStyle(a).direction])")
    assert any(lang == "ar" and title.startswith("MED-HIMS") for lang, title, _ in found), found
    assert all(direction == ("rtl" if lang == "ar" else "ltr") for lang, _, direction in found), found
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize("ui", ["fr", "ar"])
def test_a_results_page_out_of_range_in_the_address_is_said_with_a_way_back(browser, server, ui, api):
    """?page= edited or shared: past the last page the page said "47 entries" then "No entry matches"
    and offered no way back; below 1 the API's page 1 came with a pager reading "-5 / 5" (offline:
    no result at all)."""
    words = ui_strings()["search"]
    prefix = {"fr": "", "ar": "/ar"}[ui]
    context = browser.new_context(viewport={"width": 390, "height": 850})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    if not api:
        _no_api(page)
    page.goto(f"{server.url}{prefix}/recherche/?query=emploi")
    page.wait_for_selector("#kb-search[data-ready]", state="attached")
    pages = int(page.locator(".kb-pager span").inner_text().split("/")[1])
    first = page.locator(".kb-result h3 a").first.get_attribute("href")
    assert pages > 1
    page.goto(f"{server.url}{prefix}/recherche/?query=emploi&page={pages + 3}")
    page.wait_for_selector("#kb-search[data-ready]", state="attached")
    assert page.locator(".kb-result").count() == 0
    expect(page.locator("#kb-results .kb-hint")).to_contain_text(words["err_page_out_of_range"][ui])
    assert words["none"][ui] not in page.locator("#kb-results").inner_text()
    back = page.locator("#kb-results .kb-hint a")
    assert back.get_attribute("href").endswith(f"page={pages}")
    page.goto(f"{server.url}{prefix}/recherche/?query=emploi&page=-5")
    page.wait_for_selector("#kb-search[data-ready]", state="attached")
    assert page.locator(".kb-result h3 a").first.get_attribute("href") == first
    assert page.locator(".kb-pager span").inner_text().replace(" ", "") == f"1/{pages}"
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_nothing_found_says_nothing_of_what_was_also_searched(page, server, api):
    """A query that finds no entry gets no "Recherche étendue : ..." line: '0 fiche' followed by the
    words also searched read as if the widened search had found something (breaker12: the glossary's
    names of 'recensement' shown under 0 results); a query that finds entries still lists them."""
    words = ui_strings()["search"]
    if not api:
        _no_api(page)
    search(page, server, "recensement zzqa zzqb zzqc")
    expect(page.locator("#kb-results")).to_contain_text(words["none"]["fr"])
    assert page.locator("#kb-status .kb-expansion").count() == 0
    search(page, server, "recensement")
    expect(page.locator("#kb-status .kb-expansion").first).to_contain_text(words["also"]["fr"].strip())
    assert page.console_errors == [] or getattr(page, "aborted", False)
