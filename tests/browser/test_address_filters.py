"""Filters typed into the search page's address by hand are read the same with and without the
API (issue 12): values split at commas, trimmed, country codes in any case, repeats dropped; an
unknown value is refused with the API's code by both. The offline engine used to search '@c:ma'
and find nothing where the API found the Moroccan entries."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

ADDRESSES = [
    "/recherche/?q=recensement&country=tn",
    "/recherche/?q=migration&country=dz,%20mr&type=RESOURCE",
    "/recherche/?country=ly&theme=Remittances",
    "/ar/recherche/?q=الهجرة&country=tn&country=TN",
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def answer(page, server, address: str, api: bool) -> tuple[str, int, list[str], list[str]]:
    """(mode, count of entries found, countries of each result shown, ticked country boxes) of
    the search page at `address`."""
    if not api:
        page.route("**/api/**", lambda route: route.abort())
    page.goto(server.url + address)
    page.wait_for_selector("#kb-search[data-ready]")
    status = page.locator("#kb-status").inner_text()
    total = int(re.search(r"\d+", status).group()) if re.search(r"\d+", status) else 0
    countries = page.locator(".kb-result .kb-meta").evaluate_all("els => els.map(e => e.dataset.countries)")
    ticked = page.locator("#kb-facets input[data-facet='country']:checked").evaluate_all("els => els.map(e => e.value)")
    return page.locator("#kb-search").get_attribute("data-ready"), total, countries, ticked


@pytest.mark.parametrize("address", ADDRESSES)
def test_filters_in_the_address_give_the_same_results_with_and_without_the_api(browser, server, address):
    answers = {}
    for api in (True, False):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        answers[api] = answer(context.new_page(), server, address, api)
        context.close()
    (mode_api, total_api, _, ticked_api), (mode_static, total, countries, ticked) = answers[True], answers[False]
    assert (mode_api, mode_static) == ("api", "static")
    assert total > 0, "the static search found nothing for filters the API reads"
    # The same entries, counted alike (the two engines may order them differently).
    assert total == total_api
    wanted = sorted({c.strip().upper() for c in re.findall(r"country=([^&]+)", address.replace("%20", " "))
                     for c in c.split(",")})
    assert countries and all(set(wanted) & set(c.split()) for c in countries)
    assert ticked_api == ticked and sorted(ticked) == wanted


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_an_unknown_filter_value_is_refused_as_the_api_refuses_it(page, server, api):
    mode, _, countries, _ = answer(page, server, "/recherche/?q=emploi&country=zz", api)
    assert mode == "error" and countries == []
    expect(page.locator("#kb-status .kb-error")).to_have_attribute("data-code", "unknown_filter_value")


@pytest.mark.parametrize("api", [True, False], ids=["api", "static"])
def test_unticking_a_filter_typed_in_lower_case_removes_it(page, server, api):
    answer(page, server, "/recherche/?q=enquete&country=ma", api)
    box = page.locator("#kb-facets input[data-facet='country'][value='MA']")
    expect(box).to_be_checked()
    generation = page.locator("#kb-search").get_attribute("data-generation")
    box.uncheck()
    page.wait_for_function(f"() => document.querySelector('#kb-search').dataset.generation !== '{generation}'")
    assert "country=" not in page.url
