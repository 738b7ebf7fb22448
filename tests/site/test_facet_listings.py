"""The theme, data source, type and keyword listings after one entry changes, is added or removed
(tools.site.pages.facet_listings, #10): only the listings that held or hold that entry are made
again, the others are taken from the memo as they were, and the pages equal a clean generation's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import shipped_vocabs
from tools.site import pages

SPLIT = 6  # a listing of more than 6 entries is split into pages by title
FACET_FOLDERS = ("kb/themes/", "kb/sources/", "kb/types/", "kb/tags/")


@pytest.fixture(scope="module")
def vocabs():
    return shipped_vocabs()


@pytest.fixture
def entries(shipped_collection):
    return list(shipped_collection[0])


def generate(entries, vocabs, memo=None):
    return pages.generate(entries, "", "fr", vocabs=vocabs, memo=memo, split_at=SPLIT)


def made_listings(monkeypatch) -> list[str]:
    """The paths listing_pages is asked to make (a listing taken from the memo is not asked)."""
    made = []
    real = pages.listing_pages

    def counted(title, intro, entries, path, *a, **kw):
        made.append(path)
        return real(title, intro, entries, path, *a, **kw)
    monkeypatch.setattr(pages, "listing_pages", counted)
    return made


def listings_of(e, vocabs) -> set[str]:
    """The facet listings' pages that file entry version `e`."""
    out = {pages.term_page("themes", x) for x in e.themes} | {pages.term_page("data_sources", x) for x in e.data_sources}
    return out | {pages.term_page("types", e.type)} | {pages.tag_page(tag, vocabs) for tag in e.tags}


def rebuilt(first_memo, now, vocabs, monkeypatch):
    """(pages generated from `first_memo`'s texts, the facet listings made, the memo used)."""
    made = made_listings(monkeypatch)
    memo = pages.TextMemo(first_memo.kept())
    out = generate(now, vocabs, memo)
    monkeypatch.undo()
    return out, [p for p in made if p.startswith(FACET_FOLDERS)], memo


def test_a_theme_change_makes_again_the_listings_of_the_old_and_the_new_themes_only(entries, vocabs, monkeypatch):
    memo = pages.TextMemo()
    generate(entries, vocabs, memo)
    e = next(e for e in entries if e.lang == "fr" and len(e.themes) >= 2)
    old, new = e.themes[0], next(t for t in vocabs.terms("themes") if t not in e.themes)
    moved = replace(e, themes=(*e.themes[1:], new))
    now = [moved if x is e else x for x in entries]
    out, made, _ = rebuilt(memo, now, vocabs, monkeypatch)
    assert out == generate(now, vocabs)  # nothing stale
    assert set(made) == listings_of(e, vocabs) | listings_of(moved, vocabs)
    assert pages.term_page("themes", old) in made and pages.term_page("themes", new) in made
    assert len(made) < len([p for p in out if p.startswith(FACET_FOLDERS) and p.count("/") == 2]) // 2


def test_an_entry_added_into_split_listings_then_removed_leaves_what_a_clean_generation_makes(entries, vocabs, monkeypatch):
    """The added entry files into split listings (its theme's, its type's) and has a keyword of its
    own: added, that keyword's page appears; removed, the page goes (an emptied listing), and
    every page equals a clean generation's each time."""
    memo = pages.TextMemo()
    first = generate(entries, vocabs, memo)
    base = next(e for e in entries if e.lang == "fr" and e.themes and e.tags)
    added = replace(base, id="zz-ajout-test", title="Ajout " + base.title, tags=(*base.tags, "Mot-clé qzx inédit"))
    tag = pages.tag_page("Mot-clé qzx inédit", vocabs)
    assert tag not in first
    split_theme = pages.parts_folder(pages.term_page("themes", base.themes[0]))
    assert any(p.startswith(split_theme + "/") for p in first)  # a split listing
    grown = [*entries, added]
    out, made, memo = rebuilt(memo, grown, vocabs, monkeypatch)
    assert out == generate(grown, vocabs)
    assert set(made) == listings_of(added, vocabs) and tag in out
    out, made, _ = rebuilt(memo, entries, vocabs, monkeypatch)
    assert out == first == generate(entries, vocabs)
    assert tag not in out
    assert set(made) == listings_of(added, vocabs) - {tag}  # the emptied keyword has no page to make


def test_a_split_listing_taken_whole_keeps_its_parts_for_the_next_change(entries, vocabs, monkeypatch):
    """A split listing taken from the memo in one build (an entry of it changed in its body alone:
    the listing is asked for, its pages are remembered by what they show) keeps the texts of its
    parts: when an entry is added to it in the next build, only the part that shows the new entry
    is made again, not every part of the listing."""
    memo = pages.TextMemo()
    generate(entries, vocabs, memo)
    theme = max(vocabs.terms("themes"), key=lambda t: sum(t in e.themes for e in entries))
    inside = next(e for e in entries if e.lang == "fr" and theme in e.themes)
    edited = [replace(inside, body=inside.body + "\n\nUne phrase de plus.") if x is inside else x for x in entries]
    _, made, second = rebuilt(memo, edited, vocabs, monkeypatch)
    assert pages.term_page("themes", theme) in made
    base = next(e for e in entries if e.lang == "fr" and theme in e.themes)
    added = replace(base, id="zz-ajout-part", title="Zzz ajout " + base.title)
    grown = [*edited, added]
    out, _, third = rebuilt(second, grown, vocabs, monkeypatch)
    assert out == generate(grown, vocabs)
    folder = pages.parts_folder(pages.term_page("themes", theme)) + "/"
    parts = [k for k in third.kept() if k[0] == "split-part" and k[3].startswith(folder)]
    assert len(parts) > 2
    made = [k for k in parts if k not in second.kept()]
    assert len(made) == 1 and added.id in str(third.texts[made[0]])


def test_each_interface_of_a_build_makes_again_the_changed_entry_s_listings_only(entries, vocabs, monkeypatch):
    """The three interfaces share one record of the entries in the memo: each compares the entries
    with the record its own listings were made from, so that the second and third interface of a
    build make again the same few listings as the first, and so does the next build."""
    langs = ("fr", "ar", "en")
    memo = pages.TextMemo()
    for ui in langs:
        pages.generate(entries, "", ui, vocabs=vocabs, memo=memo, split_at=SPLIT)
    now = list(entries)
    for step in range(2):
        e = next(e for e in now[step * 7:] if e.lang == "fr" and e.tags)
        changed = replace(e, tags=e.tags[1:], title=f"Révisé {step} " + e.title)
        now = [changed if x is e else x for x in now]
        made = made_listings(monkeypatch)
        memo = pages.TextMemo(memo.kept())
        for ui in langs:
            made.clear()
            out = pages.generate(now, "", ui, vocabs=vocabs, memo=memo, split_at=SPLIT)
            assert set(p for p in made if p.startswith(FACET_FOLDERS)) == listings_of(e, vocabs), (step, ui)
            assert out == pages.generate(now, "", ui, vocabs=vocabs, split_at=SPLIT)
        monkeypatch.undo()


@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_the_version_shown_is_the_interface_s_else_the_first_of_the_languages(entries, ui):
    """pages.pick, for every set of versions an entry can have, in any order: the interface's own
    language when there is one, else French, Arabic, English in that order."""
    from itertools import permutations

    base = next(e for e in entries if e.lang == "fr")
    versions = {lang: replace(base, lang=lang) for lang in ("fr", "ar", "en")}
    order = [ui] + [lang for lang in ("fr", "ar", "en") if lang != ui]
    for n in (1, 2, 3):
        for langs in permutations(versions, n):
            expected = next(lang for lang in order if lang in langs)
            assert pages.pick([versions[lang] for lang in langs], ui).lang == expected, langs
