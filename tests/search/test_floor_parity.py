"""The relevance floor (query.coverage_needed: an entry must cover half of the query's units) in
both engines: the API and the browser's engine (kb-engine.js, run by node) keep the same entries
for queries whose words both analyse alike, so their counts agree. (Where they differ on the
shipped collection, e.g. 'Huelva saisonnières', API 1 and offline 5, the cause is the analysis,
not the floor: French Snowball stems 'saisonnières' to 'saisonnier' and 'saisonniers' to
'saisonni', where the browser's prefix key 'saison' matches both.)"""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import run
from tools.content.vocab import Vocabularies
from tools.search import query as qry
from tools.search import static_index
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("ma-recensement", "fr", "Recensement de la population",
               "Recensement général avec un module sur la migration et le travail.", countries=("MA",)),
    make_entry("tn-enquete", "fr", "Enquête sur la population active",
               "Enquête trimestrielle sur le travail et le chômage.", countries=("TN",)),
    make_entry("dz-transferts", "fr", "Transferts de fonds",
               "Statistiques des transferts de fonds des émigrés.", countries=("DZ",)),
    make_entry("ly-migration", "fr", "Migration irrégulière en Libye",
               "Données sur la migration irrégulière et les retours.", countries=("LY",)),
    make_entry("mr-permis", "fr", "Permis de travail",
               "Registre des permis de travail des étrangers en Mauritanie.", countries=("MR",)),
]

QUERIES = [
    "migration travail",             # 2 units: 1 needed
    "recensement migration travail",  # 3 units: 2 needed
    "transferts fonds chômage libye",  # 4 units (a country among them): 2 needed
    "permis registre zzzqqq introuvable inconnu",  # 5 units: 3 needed
    "enquête population travail migration retours",
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("kb-floor") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    # The browser's index without a glossary too (the API's here has none: empty_glossary).
    shipped = Vocabularies.load()
    vocabs = Vocabularies(tmp_path_factory.mktemp("no-glossary"), shipped.vocabulary, shipped.ui)
    folder = tmp_path_factory.mktemp("kb-search-floor")
    for path, text in static_index.export(ENTRIES, vocabs).items():
        (folder / path).write_text(text, encoding="utf-8")
    return SearchIndex(index_dir), folder


def test_the_floor_drops_entries_that_cover_less_than_half_the_query(engines):
    api, _ = engines
    everything = api.search("migration OR travail OR recensement")  # operators: no floor
    floored = api.search("recensement migration travail")
    assert floored["total"] < everything["total"]
    assert qry.coverage_needed(3) == 2


def test_api_and_browser_keep_the_same_entries_and_say_the_same_strength(engines):
    api, folder = engines
    hits = run(folder, *QUERIES)
    for q in QUERIES:
        found = api.search(q, page_size=50)
        assert hits[q]["total"] == found["total"], q
        assert set(hits[q]["ids"]) == {r["id"] for r in found["results"]}, q
        assert hits[q]["strong"] == found["strong"], q
    # 'permis' and 'registre' are two of five units: below the floor (three) in both.
    assert hits["permis registre zzzqqq introuvable inconnu"]["total"] == 0
    assert hits["recensement migration travail"]["total"] < hits["migration travail"]["total"]
