"""The header box while a word is being typed, with the API and without it (static index): an
unfinished last word finds the entries of the words it begins (offline, 'donn' said "No entry
matches" where the API listed 18 entries), and an operator typed before its word changes nothing."""

from __future__ import annotations

import pytest

from tests.browser.test_completion_chips import open_header_box


def _answer(page, typed: str) -> tuple[int, str]:
    """(results listed, the box's mode) once the box answers `typed`."""
    box = page.locator(".kb-hsearch__input")
    box.fill("")
    box.press_sequentially(typed, delay=20)
    page.wait_for_function("q => document.querySelector('.kb-hsearch').getAttribute('data-query') === q", arg=typed)
    return page.locator(".kb-hsearch__list li").count(), page.locator(".kb-hsearch").get_attribute("data-mode")


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
@pytest.mark.parametrize(("prefix", "typed"), [("", "donn"), ("", "permis de trav"), ("/ar", "الهج")])
def test_an_unfinished_word_lists_entries_in_the_header_box(browser, server, api, prefix, typed):
    context, page = open_header_box(browser, server, prefix, api)
    listed, mode = _answer(page, typed)
    assert mode == ("api" if api else "static")
    assert listed > 0, typed
    context.close()


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_an_operator_typed_before_its_word_changes_nothing(browser, server, api):
    context, page = open_header_box(browser, server, "", api)
    _answer(page, "emploi")
    plain = page.locator(".kb-hsearch__all").text_content()
    _answer(page, "emploi NOT")
    assert page.locator(".kb-hsearch__all").text_content() == plain  # "see all (47)" both times
    context.close()
