"""Results of equal scores come in the same order from two builds of the same entries (#10):
of an entry's versions scoring alike, the one in the first language of schema.LANGS stands for
it (as in the browser's engine, whose document numbers put French, Arabic, English in that
order), not the one with the lower document number, which depends on which of the parallel
writer's segments finished first and on what an incremental build rewrote."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import make_entry
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists")

# One entry in French and English whose titles sort far apart ('zeta' and 'alpha'), another in
# French between them, and more so that versions of each entry fall in different places.
ENTRIES = [
    make_entry("ma-registre", "fr", "Zeta registre des migrants", "Registre des travailleurs migrants."),
    make_entry("ma-registre", "en", "Alpha register of migrants", "Register of migrant workers."),
    make_entry("ma-moyen", "fr", "Moyen enquête emploi", "Une enquête sur l'emploi."),
    make_entry("tn-flux", "fr", "Flux de retour", "Les migrants de retour.", countries=("TN",)),
    make_entry("tn-flux", "ar", "تدفقات العودة", "المهاجرون العائدون.", countries=("TN",)),
    make_entry("tn-flux", "en", "Return flows", "Returning migrants.", countries=("TN",)),
]
QUERIES = ["NOT zorglub", "NOT emploi", "migrants NOT zorglub"]
# Entries of one title in one language (two countries' surveys), completed in the same order.
SAME_TITLE = [make_entry(f"{c.lower()}-enquete-{i}", "fr", "Enquête nationale sur l'emploi", "Une enquête.",
                         countries=(c,)) for i, c in enumerate(("MA", "TN", "DZ", "MR", "LY", "MA", "TN"))]


@pytest.fixture(scope="module")
def engines(tmp_path_factory) -> tuple[SearchIndex, SearchIndex]:
    """Two full builds of the same entries, written in opposite orders (other document numbers)."""
    folder = tmp_path_factory.mktemp("kb")
    build_search_index(ENTRIES + SAME_TITLE, folder / "forward", progress=False, full=True)
    build_search_index(list(reversed(ENTRIES + SAME_TITLE)), folder / "backward", progress=False, full=True)
    forward, backward = SearchIndex(folder / "forward"), SearchIndex(folder / "backward")
    assert forward._open().version != backward._open().version  # the versions are numbered otherwise
    return forward, backward


@pytest.mark.parametrize("q", QUERIES)
def test_equal_scores_come_in_the_same_order_whatever_the_document_numbers(engines, q):
    forward, backward = engines
    a, b = forward.search(q, page_size=50), backward.search(q, page_size=50)
    assert a["total"] > 1
    assert [(r["id"], r["lang"], r["score"]) for r in a["results"]] == [
        (r["id"], r["lang"], r["score"]) for r in b["results"]]
    assert a == b


@pytest.mark.parametrize("prefix", ["enquête nat", "enq", "nationale"])
def test_completions_of_equal_titles_come_in_the_same_order(engines, prefix):
    forward, backward = engines
    titles = forward.suggest(prefix, limit=20)["titles"]
    assert len(titles) > 2
    assert titles == backward.suggest(prefix, limit=20)["titles"]


def test_of_versions_scoring_alike_the_first_language_of_langs_stands_for_the_entry(engines):
    for engine in engines:
        results = engine.search("NOT zorglub", page_size=50)["results"]
        assert len({r["score"] for r in results}) == 1
        results = [r for r in results if r["id"] in {e.id for e in ENTRIES}]
        # French versions stand for their entries, ranked by their folded titles.
        assert [(r["id"], r["lang"]) for r in results] == [
            ("tn-flux", "fr"), ("ma-moyen", "fr"), ("ma-registre", "fr")]


def test_an_incremental_build_keeps_the_order_of_a_clean_one(tmp_path):
    """The French version rewritten by an incremental build (a new, higher document number) still
    stands for its entry among versions scoring alike, as in a clean build."""
    changed = [replace(e, summary=e.summary + " Revu.") if e.key == "ma-registre.fr" else e for e in ENTRIES]
    build_search_index(ENTRIES, tmp_path / "inc", progress=False)
    assert not build_search_index(changed, tmp_path / "inc", progress=False)["full"]
    build_search_index(changed, tmp_path / "clean", progress=False, full=True)
    inc, clean = SearchIndex(tmp_path / "inc"), SearchIndex(tmp_path / "clean")
    for q in QUERIES:
        assert inc.search(q, page_size=50) == clean.search(q, page_size=50), q
