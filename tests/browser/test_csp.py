"""The Content-Security-Policy that tools/web sends is one the site satisfies: no violation in
Chromium on the home pages, the search page (API results, a facet toggle, completion) and an entry
page in each interface, nor with Material's own search (a web worker)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import page  # noqa: F401 - shared fixture

# Playwright's init scripts run outside the page's CSP, so this listener sees every violation.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""

PAGES = [
    "/", "/ar/", "/en/",
    "/kb/entries/ma-enquete-nationale-emploi/fr/", "/ar/kb/entries/ma-enquete-nationale-emploi/ar/",
    "/en/kb/entries/ma-enquete-nationale-emploi/en/",
    "/kb/comparaison/", "/kb/countries/", "/kb/glossaire/",
]


def violations(pg) -> list[str]:
    reported = pg.evaluate("window.__csp")
    console = [m for m in pg.console_errors if "Content Security Policy" in m]
    return reported + console


@pytest.fixture
def watched(page):  # noqa: F811 - the shared fixture, with the violation listener
    page.add_init_script(LISTEN)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_csp_violation(watched, server, path):  # noqa: F811
    response = watched.goto(server.url + path)
    assert response.status == 200
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []


@pytest.mark.parametrize("prefix", ["", "/ar", "/en"])
def test_search_page_works_under_the_policy(watched, server, prefix):  # noqa: F811
    watched.goto(f"{server.url}{prefix}/recherche/?query=enquete")
    watched.wait_for_selector("#kb-search[data-ready='api']")
    assert watched.locator(".kb-result").count() > 0
    generation = watched.locator("#kb-search").get_attribute("data-generation")
    watched.locator("#kb-facets input[data-facet='country'][value='MA']").check()
    watched.wait_for_url(re.compile(r"country=MA"))
    watched.wait_for_function(f"() => document.querySelector('#kb-search').dataset.generation !== '{generation}'")
    expect(watched.locator("#kb-facets input[data-facet='country'][value='MA']")).to_be_checked()
    watched.locator("#kb-q").fill("recen")
    watched.wait_for_function("() => document.querySelectorAll('#kb-suggest option').length > 0")
    assert violations(watched) == []


def test_header_search_works_under_the_policy(watched, server):  # noqa: F811
    watched.set_viewport_size({"width": 1280, "height": 900})
    watched.goto(server.url + "/")
    watched.locator("form.kb-hsearch input[type='search'], form.kb-hsearch input").first.fill("recensement")
    expect(watched.locator(".kb-hsearch__item").first).to_be_visible(timeout=15000)
    assert violations(watched) == []


def test_the_listener_does_report_a_violation(watched, server):  # noqa: F811
    # The check above can fail: an inline script added by hand is blocked and reported.
    watched.goto(server.url + "/")
    watched.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
                     " document.body.appendChild(s); }")
    watched.wait_for_function("() => window.__csp.length > 0")
    assert watched.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in violations(watched))
