"""Related entries from the inverted index give what the former pairwise scoring gave, on the
shipped collection and on a synthetic one (many ties of score, three languages)."""

from __future__ import annotations

import pytest

from tools.bench.synthetic import make_project
from tools.content.validate import load_collection
from tools.search.analysis import normalize
from tools.site import pages
from tools.site.related import RelatedIndex


def pairwise_reference(entry, candidates, limit=5):
    """The former pages.related(): every candidate scored, folded titles in the sort key."""
    def score(other):
        return (3 * len(set(entry.data_sources) & set(other.data_sources))
                + 2 * len(set(entry.themes) & set(other.themes))
                + len(set(entry.countries) & set(other.countries)) + (entry.type == other.type))

    best = {}
    for other in candidates:
        if other.id != entry.id and (other.id not in best or other.lang == entry.lang):
            best[other.id] = other
    ranked = sorted(best.values(), key=lambda o: (-score(o), normalize(o.title)))
    return [o for o in ranked if score(o) >= 4][:limit]


@pytest.fixture(scope="module")
def shipped(shipped_collection):
    return list(shipped_collection[0])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("syn")
    make_project(root, 300, seed=3)
    entries, problems, files = load_collection(root / "practices", root)
    assert files == 300 and len(entries) == 300, [str(p) for p in problems[:5]]
    return entries


@pytest.mark.e2e  # brute force over the whole shipped collection: with `make test`, not `make test-fast`
def test_shipped_collection_same_as_pairwise(shipped):
    index = RelatedIndex(shipped)
    found = 0
    for e in shipped:
        expected = pairwise_reference(e, shipped)
        assert index.of(e) == expected, e.key
        found += bool(expected)
    assert found > len(shipped) // 2  # the comparison is not between empty lists


# Brute force over 300 synthetic entries written and checked (~4 s): with the end-to-end tests
# (`make test`), not `make test-fast`.
@pytest.mark.e2e
def test_synthetic_collection_same_as_pairwise(synthetic):
    index = RelatedIndex(synthetic)
    found = 0
    for e in synthetic:
        expected = pairwise_reference(e, synthetic)
        assert index.of(e) == expected, e.key
        found += bool(expected)
    assert found > len(synthetic) // 2  # the comparison is not between empty lists


@pytest.mark.e2e
def test_candidates_in_another_order_pick_the_same_fallback_version(synthetic):
    backwards = list(reversed(synthetic))
    index = RelatedIndex(backwards)
    found = 0
    for e in synthetic[:80]:
        expected = pairwise_reference(e, backwards)
        assert pages.related(e, index) == expected, e.key
        found += bool(expected)
    assert found > 40  # the comparison is not between empty lists


def test_each_version_is_scored_once_per_limit_and_answers_alike(shipped, monkeypatch):
    index = RelatedIndex(shipped)
    scored = []
    real = index.scores
    monkeypatch.setattr(index, "scores", lambda e: scored.append(e.key) or real(e))
    some = shipped[:15]
    first = [index.scored(e) for e in some]
    assert [index.scored(e) for e in some] == first
    assert [[e for e, _ in pairs] for pairs in first] == [index.of(e) for e in some]
    assert sorted(scored) == sorted(e.key for e in some)
    index.scored(some[0], limit=2)  # another limit: another answer, scored anew
    assert len(scored) == len(some) + 1
    with_related = next(i for i, pairs in enumerate(first) if pairs)
    first[with_related].clear()  # the caller's list is its own: what is remembered stays
    assert index.scored(some[with_related]) != []
