"""tools/site/pages.py's TextMemo is passed to the page generators (`memo=`), not set in the
module: two builds' memos never meet, and without one every text is made afresh."""

from __future__ import annotations

from tests.conftest import load, mini_corpus
from tools.content.vocab import Vocabularies
from tools.site import pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module


def test_the_module_holds_no_memo():
    assert not hasattr(pages, "MEMO")


def test_a_listing_is_kept_in_the_memo_given_and_only_there(tmp_path):
    entries, problems, _ = load(tmp_path, mini_corpus())
    assert entries and not problems
    first, second = pages.TextMemo(), pages.TextMemo()
    text = pages.listing_page("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED, memo=first)
    assert text == pages.listing_page("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED)
    kept = first.kept()
    assert text in kept.values()
    assert [k for k in kept if k[0] == "item"]  # the entry list items are kept too
    assert second.kept() == {}


def test_the_memo_is_what_a_build_reuses(tmp_path):
    entries, _, _ = load(tmp_path, mini_corpus())
    memo = pages.TextMemo()
    fresh = pages.generate(entries, "", "fr", vocabs=SHIPPED)
    assert pages.generate(entries, "", "fr", vocabs=SHIPPED, memo=memo) == fresh
    # A memo remembered under the same keys is used instead of making the text again.
    # (Texts only: the glossary's pages are remembered as one {path: text}, kept as they are.)
    stale = pages.TextMemo({k: "remembered\n" if isinstance(v, str) else v for k, v in memo.kept().items()})
    again = pages.generate(entries, "", "fr", vocabs=SHIPPED, memo=stale)
    assert again["kb/index.md"] == "remembered\n" and fresh["kb/index.md"] != "remembered\n"
