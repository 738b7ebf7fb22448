"""The header search box's drop-down (kb-search.js headerBox) marks the words matching the query, as
the search page does (issue #12: its results showed a title and a line of facets, no word marked):
with the API, from its snippet; without it, from the static answer's summary and highlight keys.
The marks are DOM nodes: markup in an entry's text or in the API's snippet stays text."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_completion_chips import open_header_box
from tests.browser.test_offline_highlight import HOSTILE, _keys, _with_hostile_summaries, served

pytestmark = pytest.mark.browser

# The API's snippet is escaped HTML with <mark>: anything else in it is dropped, its text kept.
API_HOSTILE = '<img src=x onerror="window.__kbRan=1"><b>bold</b> '


def _with_hostile_snippets(route):
    body = json.loads(served(route))
    for r in body.get("results") or []:
        r["snippet"] = API_HOSTILE + (r.get("snippet") or "")
    route.fulfill(body=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize(("prefix", "query"), [("", "emploi"), ("/ar", "الهجرة")], ids=["fr", "ar"])
def test_header_results_mark_the_matched_words(browser, server, api, prefix, query):
    context, page = open_header_box(browser, server, prefix, api)
    if api:
        page.route(re.compile(r".*/api/search\?.*"), _with_hostile_snippets)
    else:
        page.route(re.compile(r".*/kb/search/d\d+\.js(\?.*)?$"), _with_hostile_summaries)
    page.locator(".kb-hsearch__input").fill(query)
    form = page.locator("form.kb-hsearch")
    expect(form).to_have_attribute("data-query", query)
    assert form.get_attribute("data-mode") == ("api" if api else "static")
    expect(page.locator(".kb-hsearch__item").first).to_be_visible()

    marks = page.locator(".kb-hsearch__item mark").all_text_contents()
    assert marks, "no word marked in the header box's results"
    # The query's word is among the marks (expansions may mark other words beside it).
    assert any(_keys(text) & _keys(query) for text in marks), marks

    # What the entry or the snippet held as markup stayed text: no element but <mark>, nothing ran.
    excerpts = page.locator(".kb-hsearch__excerpt")
    hostile_text = "bold" if api else HOSTILE.strip()
    assert hostile_text in excerpts.first.text_content()
    assert page.locator(".kb-hsearch__excerpt *:not(mark)").count() == 0
    assert page.locator(".kb-hsearch__excerpt mark *").count() == 0
    assert page.evaluate("window.__kbRan") is None

    # The link's accessible name is the title and the facets; the excerpt, beside the link, is its
    # description (inside it, 250 characters of excerpt were read as the name; found by the reviewer).
    link = page.locator(".kb-hsearch__item a").first
    title, meta = (link.locator(sel).text_content().strip() for sel in (".kb-hsearch__title", ".kb-hsearch__meta"))
    expect(link).to_have_accessible_name(re.compile("^" + re.escape(title) + r"\s*" + re.escape(meta) + "$"))
    assert link.locator(".kb-hsearch__excerpt").count() == 0
    expect(link).to_have_accessible_description(re.compile(re.escape(" ".join(excerpts.first.text_content().split()))))
    # The excerpt still opens the entry, as when it was in the link.
    href = link.get_attribute("href")
    box = excerpts.first.bounding_box()  # a click where the excerpt is shown (the link covers it)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(re.escape(href.split("#")[0].rstrip("/").rsplit("/", 1)[-1])))
    context.close()
