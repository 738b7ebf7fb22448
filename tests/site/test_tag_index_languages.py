"""The keywords' index marks a keyword written in another language than the page's with its
language and direction (<bdi lang dir>), as comparison titles are: a French keyword on the English
index, an Arabic one on the French index; a keyword in the page's language, or a glossary concept
(named in the page's language), stays unmarked. Whole and split indexes alike."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_entry
from tools.content.vocab import Vocabularies
from tools.site import pages

VOCABS = Vocabularies.ensure(None)
ENTRIES = [
    make_entry("fr-one", "fr", "Saisonniers", "Résumé.", tags=("travail agricole", "Huelva")),
    make_entry("ar-one", "ar", "العمال", "ملخص.", tags=("العمالة الموسمية",)),
    make_entry("en-one", "en", "Seasonal workers", "Summary.", tags=("farm work", "Huelva")),
]


def listed(page: str) -> dict[str, str]:
    """{keyword: the <bdi> that shows it} of a keywords' index page."""
    return {m.group(2): m.group(1) for m in re.finditer(r"- \[<bdi([^>]*)>([^<]+)</bdi>\]", page)}


@pytest.mark.parametrize("split_at", [None, 1])
def test_a_keyword_in_another_language_is_marked_with_its_language(split_at):
    out = pages.tag_pages(ENTRIES, "en", vocabs=VOCABS, split_at=split_at)
    rows = {}
    for path, text in out.items():
        if path.startswith("kb/tags/index"):
            rows.update(listed(text))
    assert rows["travail agricole"] == ' lang="fr" dir="ltr"'
    assert rows["العمالة الموسمية"] == ' lang="ar" dir="rtl"'
    assert rows["farm work"] == ""
    # Written alike in an English entry and a French one: a word of the page's language too.
    assert rows["Huelva"] == ""


def test_on_the_french_index_english_keywords_are_marked_and_french_ones_not():
    rows = listed(pages.tag_pages(ENTRIES, "fr", vocabs=VOCABS)["kb/tags/index.md"])
    assert rows["farm work"] == ' lang="en" dir="ltr"' and rows["travail agricole"] == ""
