"""An entry's version whose direction is not the interface's (the Arabic version on a French page,
the English one on an Arabic page) in a real browser at phone (390 px) and desktop (1280 px) width:
it fits the screen exactly (its list numbers inside it), its text is aligned to its own start, list
indents and the draft notice's icon are on its own start side, and table values sit beside their
labels. Found by breaker11: the Arabic version was 2 px wider than a 390 px screen and the English
one on the Arabic interface read ragged-left. Screenshots go to test-artifacts/other-direction/.
"""

from __future__ import annotations

import pytest

from tests.browser.test_browser import ARTIFACTS

# Shipped entry with an Arabic version holding a numbered list, an English version, and a draft notice.
ENTRY = "dz-permis-travail-travailleurs-etrangers"
CASES = {  # (interface prefix, version language, version direction)
    "ar-on-fr": ("", "ar", "rtl"),
    "en-on-ar": ("/ar", "en", "ltr"),
}

MEASURE = """() => {
  const page = document.querySelector('.kb-page');
  const start = page.dir === 'rtl' ? 'Right' : 'Left', end = page.dir === 'rtl' ? 'Left' : 'Right';
  const items = Array.from(page.querySelectorAll('ol > li, ul > li')).filter(li => !li.closest('.kb-card'));
  const cells = Array.from(page.querySelectorAll('table:not([class]) td'));
  const title = page.querySelector('.admonition-title');
  const icon = getComputedStyle(title, '::before');
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    align: getComputedStyle(page.querySelector('p')).textAlign,
    items: items.length,
    itemsOnStart: items.every(li => parseFloat(getComputedStyle(li)['margin' + start]) > 0
                                    && parseFloat(getComputedStyle(li)['margin' + end]) === 0),
    cellAlign: Array.from(new Set(cells.map(td => getComputedStyle(td).textAlign))),
    // A positioned box's left and right resolve to pixels: the icon is nearer the version's start side.
    iconSide: page.dir === 'rtl' ? parseFloat(icon.right) < parseFloat(icon.left) : parseFloat(icon.left) < parseFloat(icon.right),
  };
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("case", sorted(CASES))
def test_version_in_the_other_direction_reads_in_its_own(browser, server, case, width):
    prefix, lang, direction = CASES[case]
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 900})
    page = context.new_page()
    page.goto(f"{server.url}{prefix}/kb/entries/{ENTRY}/{lang}/")
    assert page.locator(".kb-page").get_attribute("dir") == direction
    assert page.locator("html").get_attribute("dir") != direction
    found = page.evaluate(MEASURE)
    folder = ARTIFACTS / "other-direction"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{case}-{width}.png"), full_page=True)
    context.close()
    assert found["overflow"] == 0, found  # not even 1 px of sideways scrolling
    assert found["align"] in (("right",) if direction == "rtl" else ("left",)) or found["align"] == "start", found
    assert found["items"] > 0 and found["itemsOnStart"], found
    assert found["cellAlign"] == ["start"], found
    assert found["iconSide"], found
