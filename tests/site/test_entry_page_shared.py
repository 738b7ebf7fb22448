"""An entry page made with the interface-independent part shared between interfaces (as a build
does: tools.site.generate) is the page made from scratch, in every interface."""

from __future__ import annotations

from collections import defaultdict

from tools.content.vocab import Vocabularies
from tools.site import pages
from tools.site.related import RelatedIndex

SHIPPED = Vocabularies.load()
URLS = ("https://example.org/", "https://example.org/ar/", "")  # the French, another interface, no address


def test_shared_middle_gives_the_same_pages_in_every_interface(shipped_collection):
    entries = list(shipped_collection[0])
    assert len(entries) > 20
    near = RelatedIndex(entries)
    versions = defaultdict(list)
    for e in entries:
        versions[e.id].append(e)
    shared: dict = {}
    differ = 0
    for url in URLS:
        for e in entries:
            fresh = pages.entry_files(e, versions[e.id], near, url, "https://git.example/edit/", SHIPPED)
            reused = pages.entry_files(e, versions[e.id], near, url, "https://git.example/edit/", SHIPPED,
                                       shared=shared)
            assert reused == fresh, (e.key, url)
            differ += fresh[e.page] != pages.entry_page(e, versions[e.id], near, URLS[0], "", SHIPPED)
    assert set(shared) == {e.key for e in entries}
    # The pages do differ between interfaces (their addresses): the test compares something.
    assert differ >= len(entries)


def test_shared_part_is_made_once_per_version(shipped_collection, monkeypatch):
    entries = list(shipped_collection[0])[:10]
    near = RelatedIndex(entries)
    made = []
    real = pages._entry_page_middle
    monkeypatch.setattr(pages, "_entry_page_middle", lambda *a: made.append(a[0].key) or real(*a))
    shared: dict = {}
    for url in URLS:
        for e in entries:
            pages.entry_page(e, [e], near, url, vocabs=SHIPPED, shared=shared)
    assert sorted(made) == sorted(e.key for e in entries)
