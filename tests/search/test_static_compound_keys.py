"""A hyphenated compound's own key in the static index (static_index.compound_key) must not be
the prefix key of its first part: cut at PREFIX_LEN, 'Tunisia-HIMS' was 'tunisi', the key of
'Tunisia', 'Tunisie' and 'Tunisiens', so that offline the compound matched every text naming
Tunisia, where the API (which holds the whole compound as one term) matches only the compound."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run
from tools.search import static_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("tn-hims", "en", "Tunisia-HIMS household survey",
               "The Tunisia-HIMS survey of households and international migration.", countries=("TN",)),
    make_entry("tn-census", "fr", "Recensement de la population en Tunisie",
               "Les Tunisiens et la Tunisie recensés.", countries=("TN",)),
    make_entry("tn-visas", "en", "Work visas of Tunisia", "Visas granted by Tunisia.", countries=("TN",)),
    make_entry("fr-cooperation", "fr", "Coopération franco-algérienne",
               "La coopération franco-algérienne sur la main-d'œuvre.", countries=("DZ",)),
    make_entry("fr-francophonie", "fr", "Francophonie et migration", "Les pays francophones.", countries=("MA",)),
]


@pytest.mark.parametrize("compound, first", [("Tunisia-HIMS", "tunisia"), ("franco-algérien", "francophones"),
                                             ("Morocco-Algeria", "morocco")])
def test_a_compound_s_key_is_not_its_first_part_s_prefix_key(compound, first):
    assert static_index.compound_key(compound) != static_index.key(first)
    assert static_index.compound_key(compound) != ""


def test_a_compound_s_key_still_joins_its_inflections():
    assert static_index.compound_key("sous-emplois") == static_index.compound_key("sous-emploi")
    assert static_index.compound_key("Tunisia-HIMS") == "tunisi-hims"
    # With a stop word among its parts, one word, as the glossary's names are keyed.
    assert static_index.compound_key("sous-emploi") == static_index.key("sousemploi")
    assert static_index.compound_key("franco-algériens") == static_index.compound_key("franco-algérien")


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    return both_engines(tmp_path_factory, "kb-ck", ENTRIES)


def test_a_compound_with_a_country_finds_the_compound_only_in_both_engines(engines):
    api, folder = engines
    hits = run(folder, "Tunisia-HIMS", "franco-algérienne")
    assert hits["Tunisia-HIMS"]["ids"] == ["tn-hims"]
    assert [r["id"] for r in api.search("Tunisia-HIMS")["results"]] == ["tn-hims"]
    # A compound whose first part is a longer word's prefix ('franco', 'francophones').
    assert hits["franco-algérienne"]["ids"] == ["fr-cooperation"]
    assert [r["id"] for r in api.search("franco-algérienne")["results"]] == ["fr-cooperation"]
