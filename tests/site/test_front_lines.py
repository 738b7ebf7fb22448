"""The entry pages' front matter made in pieces (pages.front_lines: the part every interface shares
once per entry version, the JSON-LD per interface): the same bytes as front_matter's one
yaml.dump of the whole mapping, read back by yaml.safe_load as the same values."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import HOSTILE_TEXT
from tools import i18n
from tools.content.vocab import Vocabularies
from tools.site import citation, pages
from tools.site.related import RelatedIndex

SHIPPED = Vocabularies.load()

# Strings YAML could misread or must quote, escape or fold: quotes, colons, '#', a leading '-',
# '---', Arabic, line breaks of every kind, YAML 1.1 booleans and nulls, numbers as strings, runs
# of spaces, characters libyaml escapes (DEL, NEL, BOM, non-BMP, U+FFFE), the empty string.
HOSTILE = [*HOSTILE_TEXT, "it's", 'a "quoted" word', "clé: valeur", "a # not a comment", "#tag", "- item",
           "---", "...", "? key", "& anchor", "*alias", "!tag", "%directive", "@at", "`tick`", "|", ">",
           "سوق العمل: تعداد 2024", "ligne\nautre", "a\r\nb", "nel\x85x", "ls\u2028x", "del\x7fx", "bom\ufeffx",
           "emoji 😀", "\ufffe", "tab\tx", "no", "on", "off", "yes", "y", "n", "true", "False", "null", "~",
           "0", "012", "1e3", "0x1F", "1_000", ".5", "2024-01-02", "12:30", "=", "<<", "", " ", "  lead",
           "trail  ", "a  b", "x " * 60, "mot" * 40, "é " * 50 + "fin"]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200),
                 st.lists(st.sampled_from(HOSTILE), max_size=12).map(" ".join))


@given(text, text, st.lists(text, max_size=3), text, text)
def test_front_matter_in_pieces_is_the_whole_front_matter(title, description, versions, status, jsonld):
    whole = pages.front_matter(title=title, description=description, lang="ar", versions=versions, status=status,
                               jsonld=jsonld)
    pieces = ("---\n" + pages.front_lines(title=title, description=description, lang="ar", versions=versions,
                                          status=status) + pages.front_lines(jsonld=jsonld) + "---\n\n")
    assert pieces == whole
    meta = yaml.safe_load(whole.split("---\n", 1)[1].rsplit("---\n", 1)[0])
    assert meta.get("status") == (status or None)
    assert meta.get("versions") == (versions or None)


def test_front_lines_of_nothing_is_empty():
    assert pages.front_lines(title="", versions=[], status=None) == ""


def test_an_entry_page_starts_with_its_front_matter_as_front_matter_writes_it(shipped_collection):
    entries = list(shipped_collection[0])
    near = RelatedIndex(entries)
    shared: dict = {}
    for url in ("https://example.org/", "https://example.org/ar/"):
        for e in entries:
            page = pages.entry_page(e, [e], near, url, vocabs=SHIPPED, shared=shared)
            front = pages.front_matter(title=e.title, description=e.summary, lang=e.lang, dir=i18n.direction(e.lang),
                                       entry_id=e.id, versions=[e.lang], status=e.status,
                                       jsonld=citation.jsonld(e, url, vocabs=SHIPPED))
            assert page.startswith(front), e.key
            assert page[len(front):].startswith("# ")


def test_the_shared_front_matter_is_made_once_per_version(shipped_collection, monkeypatch):
    entries = list(shipped_collection[0])[:10]
    near = RelatedIndex(entries)
    heads = []
    real = pages.front_lines
    monkeypatch.setattr(pages, "front_lines", lambda **meta: heads.append(meta.get("entry_id")) or real(**meta))
    shared: dict = {}
    for url in ("https://example.org/", "https://example.org/ar/", ""):
        for e in entries:
            pages.entry_page(e, [e], near, url, vocabs=SHIPPED, shared=shared)
    assert sorted(h for h in heads if h is not None) == sorted(e.id for e in entries)
    assert heads.count(None) == 3 * len(entries)  # the JSON-LD, per interface


def test_md_text_tells_values_of_equal_hash_apart():
    # md_text remembers its answers: 1 and True (equal keys of a dict) must not share one.
    assert pages.md_text(1) == "1"
    assert pages.md_text(True) == "True"
    assert pages.md_text(1.0) == "1.0"
    assert pages.md_text("*a*") == "\\*a\\*"
