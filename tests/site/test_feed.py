"""tools/exports.atom_feed: the Atom feed of recently updated entries."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from tools.content.model import Entry
from tools.site.exports import FEED_SIZE, atom_feed

NS = {"a": "http://www.w3.org/2005/Atom"}
SITE = "https://example.org/base/"
BASE = Entry(
    id="ma-enquete-emploi", lang="fr", folder="ma", path="practices/ma/ma-enquete-emploi.fr.md",
    title="Enquête nationale sur l'emploi", type="tool", countries=("MA",),
    summary="Enquête trimestrielle auprès des ménages sur l'emploi et la migration.", themes=("stocks", "flows"),
    updated="2024-05-01",
)


def many(n: int) -> list[Entry]:
    """n entries with distinct dates, spread over several years, in no particular order."""
    out = []
    for i in range(n):
        k = (i * 37) % n  # a permutation of range(n), so the input is not already sorted
        date = f"{2015 + k // 12:04d}-{k % 12 + 1:02d}-{k % 28 + 1:02d}"
        out.append(replace(BASE, id=f"ma-fiche-{k:03d}", path=f"practices/ma/ma-fiche-{k:03d}.fr.md",
                           title=f"Fiche {k}", updated=date))
    return out


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


def entries_of(root: ET.Element) -> list[ET.Element]:
    return root.findall("a:entry", NS)


def test_feed_is_well_formed_atom():
    root = parse(atom_feed([BASE], SITE))
    assert root.findtext("a:title", namespaces=NS)
    assert root.findtext("a:id", namespaces=NS) == SITE
    assert root.findtext("a:author/a:name", namespaces=NS) == "AMEM"
    (entry,) = entries_of(root)
    assert entry.findtext("a:title", namespaces=NS) == BASE.title
    assert entry.findtext("a:summary", namespaces=NS) == BASE.summary
    assert entry.find("a:summary", NS).get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["stocks", "flows"]
    assert entry.findtext("a:updated", namespaces=NS) == "2024-05-01T00:00:00Z"


def test_feed_keeps_at_most_fifty_entries():
    assert FEED_SIZE == 50
    root = parse(atom_feed(many(73), SITE))
    assert len(entries_of(root)) == 50


def test_feed_sorted_by_updated_descending_and_keeps_the_newest():
    entries = many(73)
    root = parse(atom_feed(entries, SITE))
    dates = [e.findtext("a:updated", namespaces=NS) for e in entries_of(root)]
    assert dates == sorted(dates, reverse=True)
    expected = sorted((e.updated for e in entries), reverse=True)[:50]
    assert [d[:10] for d in dates] == expected
    assert root.findtext("a:updated", namespaces=NS) == expected[0] + "T00:00:00Z"


def test_feed_updated_values_are_rfc3339():
    entries = [*many(5), replace(BASE, id="ma-sans-date", updated=None)]
    root = parse(atom_feed(entries, SITE))
    found = entries_of(root)
    assert len(found) == len(entries)
    for e in found:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", e.findtext("a:updated", namespaces=NS))


@pytest.mark.parametrize("text", [
    "Coûts & frais <de> recrutement",
    "A && B << C >> D",
    "</title><script>alert(1)</script>",
    "&amp; déjà échappé &lt;",
    "Guillemets \" et apostrophes '",
])
def test_feed_escapes_titles_and_summaries(text):
    entry = replace(BASE, title=text, summary=text + " — résumé")
    raw = atom_feed([entry], SITE)
    (item,) = entries_of(parse(raw))
    assert item.findtext("a:title", namespaces=NS) == text
    assert item.findtext("a:summary", namespaces=NS) == text + " — résumé"
    assert "<script>" not in raw
    if "&" in text:
        assert "&amp;" in raw
    if "<" in text:
        assert "&lt;" in raw


def test_feed_escapes_categories_and_language_attributes():
    entry = replace(BASE, themes=('a"b<c&d',))
    (item,) = entries_of(parse(atom_feed([entry], SITE)))
    assert item.find("a:category", NS).get("term") == 'a"b<c&d'


@pytest.mark.parametrize("site_url", [SITE, SITE.rstrip("/")])
def test_feed_links_are_absolute_from_site_url(site_url):
    entries = many(3) + [replace(BASE, lang="ar", title="المسح الوطني حول التشغيل")]
    root = parse(atom_feed(entries, site_url))
    links = {ln.get("rel"): ln.get("href") for ln in root.findall("a:link", NS)}
    assert links[None] == SITE
    assert links["self"] == SITE + "kb/feed.xml"
    expected = {SITE + e.url for e in entries}
    seen = set()
    for item in entries_of(root):
        href = item.find("a:link", NS).get("href")
        assert href.startswith("https://example.org/base/kb/entries/")
        assert item.findtext("a:id", namespaces=NS) == href
        seen.add(href)
    assert seen == expected
    assert SITE + "kb/entries/ma-enquete-emploi/ar/" in seen


def test_feed_of_an_empty_collection_is_well_formed():
    root = parse(atom_feed([], SITE))
    assert entries_of(root) == []
    assert root.findtext("a:updated", namespaces=NS) == "1970-01-01T00:00:00Z"
