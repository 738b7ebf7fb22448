"""The header search box used with the keyboard alone, on a phone (where it opens behind a button)
and on a wide screen (found by breaker9: on a phone, Escape closed the box and left the focus on
the page's body, since the input it tried to focus was hidden)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

FOCUSED = "() => { const a = document.activeElement; return a ? a.className + '|' + a.tagName : ''; }"


def tab_to(page, css_class: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if css_class in page.evaluate(FOCUSED):
            return
    raise AssertionError(f"{css_class} not reached in {limit} presses of Tab")


@pytest.mark.parametrize("ui", ["fr", "ar"])
def test_on_a_phone_escape_closes_the_box_and_gives_the_focus_back_to_its_button(browser, server, ui):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + ("/" if ui == "fr" else f"/{ui}/"))
    tab_to(page, "kb-hsearch__open")
    page.keyboard.press("Enter")
    expect(page.locator(".kb-hsearch__input")).to_be_focused()
    page.keyboard.type("enquete emploi")
    page.wait_for_function("() => !document.querySelector('.kb-hsearch__results').hidden")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".kb-hsearch__item a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".kb-hsearch__open")).to_be_focused()
    expect(page.locator(".kb-hsearch__open")).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".kb-hsearch__results")).to_be_hidden()
    context.close()


def test_on_a_wide_screen_escape_closes_the_results_and_keeps_the_focus_in_the_box(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server.url + "/en/")
    tab_to(page, "kb-hsearch__input")
    page.keyboard.type("enquete emploi")
    page.wait_for_function("() => !document.querySelector('.kb-hsearch__results').hidden")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.locator(".kb-hsearch__input")).to_be_focused()
    expect(page.locator(".kb-hsearch__results")).to_be_hidden()
    context.close()
