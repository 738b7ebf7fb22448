"""The header box's completion chips show words as the entries write them (issue 12: they showed
the folded index terms, 'donnees', 'الاحصاء'), with the API and without it (the static index
completes too), in the three interfaces."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


def open_header_box(browser, server, prefix: str, api: bool):
    """(context, page) at 1280 px on the home page of the interface at `prefix` ('', '/ar', '/en'),
    the header search box opened; with api False every /api/ request fails (the static engine)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if not api:
        page.route("**/api/**", lambda route: route.abort())
    page.goto(server.url + prefix + "/")
    opener = page.locator(".kb-hsearch__open")
    if opener.is_visible():
        opener.click()
    return context, page


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize(("prefix", "typed", "shown", "folded"), [
    ("", "donn", "données", "donnees"),
    ("/ar", "الاح", "الإحصاء", "الاحصاء"),
    ("/en", "ilo", "ILOSTAT", "ilostat"),
])
def test_chips_show_the_written_form(browser, server, api, prefix, typed, shown, folded):
    context, page = open_header_box(browser, server, prefix, api)
    page.locator(".kb-hsearch__input").press_sequentially(typed, delay=20)
    chips = page.locator(".kb-hsearch__suggest .kb-hsearch__term")
    expect(chips.first).to_be_visible()
    page.wait_for_function("s => Array.from(document.querySelectorAll('.kb-hsearch__term')).some(e => e.textContent === s)",
                           arg=shown)
    texts = chips.evaluate_all("els => els.map(e => e.textContent)")
    assert shown in texts and folded not in texts
    assert page.locator(".kb-hsearch").get_attribute("data-mode") == ("api" if api else "static")
    context.close()
