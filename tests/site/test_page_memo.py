"""Whole pages remembered between builds by the fingerprints of the entries they depend on
(pages.TextMemo.of): a country's page, the harmonisation page and exports. A change must make
again exactly the pages that depend on it, and what is made again equals a clean generation."""

from __future__ import annotations

import pytest

from tests.conftest import load, mini_corpus
from tools.content.model import fingerprint
from tools.content.vocab import Vocabularies
from tools.site import harmonisation, pages

SHIPPED = Vocabularies.load()


def memo_of(entries, texts=None) -> pages.TextMemo:
    return pages.TextMemo(texts, {e.key: fingerprint(e) for e in entries})


def test_of_remembers_by_the_entries_fingerprints_in_order(tmp_path):
    entries, _, _ = load(tmp_path, mini_corpus())
    memo = memo_of(entries)
    calls = []

    def make():
        calls.append(1)
        return f"text {len(calls)}"

    assert memo.of(("k",), entries, make) == "text 1"
    assert memo.of(("k",), entries, make) == "text 1" and len(calls) == 1
    assert memo.of(("other",), entries, make) == "text 2"  # another kind
    assert memo.of(("k",), entries[:-1], make) == "text 3"  # another set of entries
    assert memo.of(("k",), entries[::-1], make) == "text 4"  # order counts (texts follow it)
    assert pages.TextMemo().of(("k",), entries, make) == "text 5"  # no fingerprints: made each time
    assert pages.TextMemo().of(("k",), entries, make) == "text 6"


@pytest.fixture
def counted(monkeypatch):
    """{"country": [codes], "harmonisation": n}: the pages made (not taken from the memo)."""
    made = {"country": [], "harmonisation": 0, "harmonisation exports": 0}
    country, harmonise, exported = pages.country_profile, harmonisation.page, harmonisation.exports

    def country_profile(code, *a, **kw):
        made["country"].append(code)
        return country(code, *a, **kw)

    def page(*a, **kw):
        made["harmonisation"] += 1
        return harmonise(*a, **kw)

    def exports(*a, **kw):
        made["harmonisation exports"] += 1
        return exported(*a, **kw)

    monkeypatch.setattr(pages, "country_profile", country_profile)
    monkeypatch.setattr(harmonisation, "page", page)
    monkeypatch.setattr(harmonisation, "exports", exports)
    return made


def _rebuild(tmp_path, before, after, counted):
    """Generate `before` with a memo, then `after` with that memo's texts: (pages made again, the
    incremental result, a clean generation of `after`)."""
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    old, _, _ = load(tmp_path / "before", before)
    new, problems, _ = load(tmp_path / "after", after)
    assert old and new and not [p for p in problems if p.severity == "error"]
    memo = memo_of(old)
    pages.generate(old, "", "fr", vocabs=SHIPPED, memo=memo)
    counted["country"].clear()
    counted["harmonisation"] = counted["harmonisation exports"] = 0
    incremental = pages.generate(new, "", "fr", vocabs=SHIPPED, memo=memo_of(new, memo.kept()))
    made = {"country": sorted(counted["country"]), "harmonisation": counted["harmonisation"],
            "harmonisation exports": counted["harmonisation exports"]}
    return made, incremental, pages.generate(new, "", "fr", vocabs=SHIPPED)


def test_a_practice_changed_in_tunisia_makes_only_the_tunisian_page_again(tmp_path, counted):
    made, incremental, clean = _rebuild(tmp_path, mini_corpus(),
                                        mini_corpus(tn_registre_permis_fr={"title": "Registre révisé"}), counted)
    assert made == {"country": ["TN"], "harmonisation": 0, "harmonisation exports": 0}  # not a tool: no instrument changed
    assert incremental == clean
    assert "Registre révisé" in incremental["kb/countries/tn.md"]


def test_a_tool_changed_makes_its_country_and_the_harmonisation_again(tmp_path, counted):
    made, incremental, clean = _rebuild(tmp_path, mini_corpus(),
                                        mini_corpus(ma_enquete_emploi_en={"title": "Labour force survey"}), counted)
    assert made == {"country": ["MA"], "harmonisation": 1, "harmonisation exports": 1}
    assert incremental == clean


def test_an_entry_removed_from_a_country_makes_that_page_again(tmp_path, counted):
    made, incremental, clean = _rebuild(tmp_path, mini_corpus(), mini_corpus(tn_registre_permis_fr=None), counted)
    assert made["harmonisation"] == 0 and "TN" in made["country"] and "MA" not in made["country"]
    assert incremental == clean


def test_nothing_changed_makes_no_page_again(tmp_path, counted):
    made, incremental, clean = _rebuild(tmp_path, mini_corpus(), mini_corpus(), counted)
    assert made == {"country": [], "harmonisation": 0, "harmonisation exports": 0}
    assert incremental == clean


def test_the_instrument_exports_are_made_once_for_every_interface(tmp_path, counted):
    entries, _, _ = load(tmp_path, mini_corpus())
    memo = memo_of(entries)
    made = {ui: pages.generate(entries, "", ui, vocabs=SHIPPED, memo=memo) for ui in ("fr", "ar", "en")}
    assert counted["harmonisation exports"] == 1 and counted["harmonisation"] == 3
    for path in harmonisation.EXPORTS:
        assert made["fr"][path] == made["ar"][path] == pages.generate(entries, "", "en", vocabs=SHIPPED)[path]


def test_a_harmonisation_part_is_made_again_when_one_of_its_instruments_changes(shipped_collection):
    """The bodies of a split country's harmonisation pages are remembered by their instruments: after
    one instrument's title changes, the pages equal a clean generation (no stale body reused), and
    only the bodies that show it are made again."""
    import dataclasses

    entries = list(shipped_collection[0])
    tools = [e for e in entries if e.type == "tool"]
    split_at = 2  # the shipped countries' instruments on several pages each
    memo = memo_of(entries)
    first = harmonisation.pages_of(entries, "fr", vocabs=SHIPPED, split_at=split_at, remember=memo.of)
    assert first == harmonisation.pages_of(entries, "fr", vocabs=SHIPPED, split_at=split_at)
    bodies = [k for k in memo.kept() if k[0] == "harmonisation-body"]
    assert len(bodies) > 3
    target = next(e for e in tools if e.lang == "fr" and len(e.countries) == 1)
    changed = [dataclasses.replace(e, title="Zzz révisé " + e.title) if e is target else e for e in entries]
    made = []
    again = memo_of(changed, memo.kept())
    real = again.get

    def get(key, make):
        if key[0] == "harmonisation-body" and key not in again.texts:
            made.append(key)
        return real(key, make)

    again.get = get
    second = harmonisation.pages_of(changed, "fr", vocabs=SHIPPED, split_at=split_at, remember=again.of)
    assert second == harmonisation.pages_of(changed, "fr", vocabs=SHIPPED, split_at=split_at)
    assert second != first
    assert any("Zzz révisé" in text for text in second.values())
    # Made again: the bodies showing the changed instrument (its old and new pages), not the others.
    assert made and len(made) < len(bodies)
    assert {k[2] for k in made} == {target.countries[0]}
