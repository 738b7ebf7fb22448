"""The search page without the API (static index, kb-engine.js): the summaries of the results mark
the words that match the query, as the API's snippets do (issue #12: offline, a result showed the
start of its summary with no word marked). The marks are built as DOM nodes: an entry's summary
holding markup stays text."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from tools.search.analysis import normalize, strip_elision
from tools.search.static_index import agent_key, key

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "offline-highlight"
# Put in front of every summary of the static index's entry files (kb/search/d*.js): text an
# entry could hold, which must be shown as text, never run or drawn as markup.
HOSTILE = "<script>window.__kbRan=1</script><b>bold</b> "


def _keys(word: str) -> set[str]:
    """The index keys of a word as the static index computes them (its key and English agent key)."""
    folded = strip_elision(normalize(word))
    return {key(folded), agent_key(folded)} - {""}


def served(route) -> bytes:
    """The body the test server gives for the routed request, fetched here (urllib, the same GET)
    rather than with Playwright's route.fetch(): a route.fetch() still running when the page had
    navigated away held the context's close() until pytest-timeout stopped the test (CI, session 14)."""
    with urllib.request.urlopen(route.request.url, timeout=30) as response:  # noqa: S310 - the test server
        return response.read()


def _with_hostile_summaries(route):
    body = served(route).decode("utf-8")
    # A row is [doc, id, lang, title, url, summary, ...]: the summary follows the entry's url.
    body = re.sub(r'(kb/entries/[^"]*/",")', lambda m: m.group(1) + HOSTILE, body)
    route.fulfill(body=body, content_type="text/javascript")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(("prefix", "query"), [("", "emploi"), ("/ar", "الهجرة")], ids=["fr", "ar"])
def test_offline_results_mark_the_matched_words_of_their_summary(browser, server, width, prefix, query):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.route("**/api/**", lambda route: route.abort())
    page.route(re.compile(r".*/kb/search/d\d+\.js(\?.*)?$"), _with_hostile_summaries)
    page.goto(f"{server.url}{prefix}/recherche/?query={query}")
    page.wait_for_selector("#kb-search[data-ready]")
    page.wait_for_selector(".kb-result")
    assert page.locator("#kb-status .kb-mode").count() == 1  # the static engine answered

    marks = page.locator(".kb-result p mark").all_text_contents()
    assert marks, "no word marked in the offline results"
    # Each mark is a word matching the query's word or one of the words its expansions added.
    allowed = _keys(query)
    for term in page.locator("#kb-status .kb-term").all_text_contents():
        for word in re.findall(r"\w+", term):
            allowed |= _keys(word)
    for text in marks:
        assert _keys(text) & allowed, (text, allowed)
    assert any(_keys(text) & _keys(query) for text in marks)

    # The summaries' markup stayed text: shown as typed, no element made of it, nothing ran.
    summaries = page.locator(".kb-result p")
    assert HOSTILE.strip() in summaries.first.text_content()
    assert page.locator(".kb-result p script, .kb-result p b").count() == 0
    assert page.locator(".kb-result p *:not(mark)").count() == 0
    assert page.evaluate("window.__kbRan") is None

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"offline-highlight-{prefix.strip('/') or 'fr'}-{width}.png"))
    context.close()
