"""Messages of the search page in the reader's language, and text of another script kept in its
own direction: API errors and hints translated per code (tools/errors.py error_body "code",
ui.yml search.err_*), their English detail isolated; the Arabic guide's label in the French and
English menus; the related terms a search added on the Arabic page. Screenshots go to
test-artifacts/reader/ (390 and 1280 px)."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.browser.test_reader import PREFIX, WIDTHS, open_page, shot
from tools.search.engine import MAX_QUERY_CHARS
from tools.site.pages import ui as ui_strings

SEARCH = ui_strings()["search"]
ARABIC = re.compile(r"[\u0600-\u06ff]")


def search_page(browser, server, lang: str, query: str, width: int = 1280):
    context, page = open_page(browser, width, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/recherche/?query={urllib.parse.quote(query)}")
    page.wait_for_selector("#kb-search[data-ready]", state="attached")
    return context, page


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_api_error_is_explained_in_the_page_language(browser, server, lang, width):  # noqa: F811
    # 40 short words: under the length cap the page checks itself, over the API's word limit.
    context, page = search_page(browser, server, lang, " ".join(f"mot{i}" for i in range(40)), width)
    error = page.locator("#kb-status .kb-error")
    assert error.get_attribute("data-code") == "too_many_words"
    assert error.inner_text() == SEARCH["error"][lang] + SEARCH["err_too_many_words"][lang]
    # The API's English message only in its own left-to-right isolate, never in the sentence.
    assert "words" not in error.inner_text()
    detail = page.locator("#kb-status .kb-error-detail bdi")
    assert "words" in detail.inner_text()
    assert detail.get_attribute("lang") == "en"
    assert detail.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert detail.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    if lang == "ar":
        assert not re.search(r"[A-Za-z]", error.inner_text())
        assert error.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot(page, f"search-error-{lang}-{width}")
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_too_long_query_is_refused_in_the_page_language_without_asking(browser, server, lang):  # noqa: F811
    context, page = open_page(browser, 390, lang)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/search" in r.url else None)
    page.goto(f"{server.url}{PREFIX[lang]}/recherche/?query={urllib.parse.quote('emploi ' * 290)}")  # 2030 chars
    page.wait_for_selector("#kb-search[data-ready='too-long']", state="attached")
    shown = page.locator("#kb-results .kb-too-long").inner_text()
    assert shown == SEARCH["too_long"][lang].replace("{max}", str(MAX_QUERY_CHARS))
    assert asked == []
    assert page.locator("#kb-q").get_attribute("maxlength") == str(MAX_QUERY_CHARS)
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_symbols_only_query_is_explained_in_the_page_language(browser, server, lang):  # noqa: F811
    context, page = search_page(browser, server, lang, "@ + % ?")
    assert page.locator("#kb-search").get_attribute("data-ready") == "api"
    hint = page.locator("#kb-results .kb-hint")
    assert hint.inner_text() == SEARCH["noterms"][lang]
    assert "The query" not in page.locator("#kb-search").inner_text()
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_arabic_guide_label_keeps_its_brackets_in_latin_menus(browser, server, lang, width):  # noqa: F811
    context, page = open_page(browser, width, lang)
    page.goto(f"{server.url}{PREFIX[lang]}/")
    if width < 600:
        page.locator("label.md-header__button[for='__drawer']").click()
    link = page.locator("nav.md-nav--primary a.md-nav__link[href*='contribuer/ar']").first
    label = link.locator(".md-ellipsis") if link.locator(".md-ellipsis").count() else link
    text = label.inner_text().strip()
    assert ARABIC.search(text) and text.endswith(")"), text
    assert label.evaluate("el => getComputedStyle(el).unicodeBidi") in ("isolate", "plaintext", "isolate-override")
    # Right to left: the closing bracket (last in reading order) is drawn left of the first letter.
    assert_right_to_left(label)
    if width < 600:
        page.wait_for_timeout(400)  # the drawer slides in
        page.locator("nav.md-nav--primary label.md-nav__link", has_text="Contribuer" if lang == "fr" else "Contribute").click()
        page.wait_for_timeout(400)
    shot(page, f"nav-arabic-guide-{lang}-{width}")
    # The header names the Arabic guide's page (once scrolled) in its own direction too.
    page.goto(f"{server.url}{PREFIX[lang]}/kb/contribuer/ar/")
    topic = page.locator(".md-header__topic .md-ellipsis").last
    assert ARABIC.search(topic.text_content()), topic.text_content()
    assert topic.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    context.close()


def assert_right_to_left(label) -> None:
    """The label's text is drawn right to left: its closing bracket (last in reading order) left of its first letter."""
    first, last = label.evaluate("""el => {
        const node = [...el.childNodes].find(n => n.nodeType === 3 && n.textContent.trim()) || el.firstChild;
        const text = node.textContent, start = text.search(/\\S/), end = text.trimEnd().length - 1;
        const box = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                           const b = r.getBoundingClientRect(); return [b.left, b.right]; };
        return [box(start), box(end)];
    }""")
    assert last[1] <= first[0] + 0.5, (first, last)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_arabic_widened_search_isolates_each_term(browser, server, width):  # noqa: F811
    context, page = search_page(browser, server, "ar", "chômeurs", width)  # French term, Arabic ones added
    line = page.locator("#kb-status .kb-expansion").first
    terms = line.locator("bdi.kb-term")
    assert terms.count() >= 2
    for i in range(terms.count()):
        assert terms.nth(i).get_attribute("dir") == "auto"
        assert terms.nth(i).evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    text = line.inner_text()
    assert "→" not in text and "←" not in text
    assert SEARCH["expansion_sep"]["ar"].strip() in text
    assert line.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot(page, f"search-widened-ar-{width}")
    assert page.console_errors == []
    context.close()
