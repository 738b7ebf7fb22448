"""The browser's static search (kb-engine.js, run by node) ranks as the API does on the shipped
collection: same first result for queries that exercise each factor both engines share (country
factor by share of named countries, a concept counted once by its best name and weighed by the
words typed, compounds, exact titles). The engines differ in their stems (Snowball vs six-letter
prefixes), so lists further down may differ; their first results should not."""

from __future__ import annotations

import pytest

from tests.search.test_static_index import run
from tools.search import static_index
from tools.search.engine import SearchIndex, build_search_index

# Builds the Whoosh index of the shipped collection and runs node (~15 s): with the e2e tests.
pytestmark = [pytest.mark.usefixtures("word_lists"), pytest.mark.e2e]

QUERIES = [
    # countries: one named, two named (share of the named countries), a demonym
    "recensement Maroc", "Libya Niger labour agreement", "Moroccan seasonal workers Spain", "remittances Tunisia",
    "تعداد السكان تونس", "Egyptian labour migration programme",
    # glossary concepts: acronym for a long name, a name in another language, a compound name
    "CIST", "هجرة الكفاءات تونس", "underemployment", "sous-emploi",
    # compounds and exact titles
    "Tunisia-HIMS", "permis de travail algérie", "enquête emploi secteur informel mauritanie",
    # a misspelt country whose key the static index lacks
    "recensement Marocco", "Algerai census",
]
# Questions the base does not answer, and some it does: both engines say alike whether the best
# entry is a strong match (the relevance floor of the engine module docstring).
STRENGTH = ["indice des prix a la consommation mensuel", "prévisions météo marine à Nouakchott",
            "football world cup results", "أسعار النفط اليوم", "recette du couscous", "recensement Maroc",
            "transferts de fonds", "التسجيل القنصلي", "work permits Libya"]


@pytest.fixture(scope="module")
def engines(shipped_collection, tmp_path_factory):
    entries = list(shipped_collection[0])
    index_dir = tmp_path_factory.mktemp("parity") / "search-index"
    build_search_index(entries, index_dir, progress=False)
    folder = tmp_path_factory.mktemp("parity-static")
    for path, text in static_index.export(entries).items():
        (folder / path).write_text(text, encoding="utf-8")
    return SearchIndex(index_dir), run(folder, *QUERIES, *STRENGTH)


@pytest.mark.parametrize("q", QUERIES)
def test_static_search_puts_first_what_the_api_puts_first(engines, q):
    api, static = engines
    first = [r["id"] for r in api.search(q, page_size=3)["results"]][:1]
    assert first, q
    assert static[q]["ids"][:1] == first


@pytest.mark.parametrize("q", STRENGTH)
def test_static_search_says_a_match_is_strong_when_the_api_does(engines, q):
    api, static = engines
    assert static[q]["strong"] is api.search(q)["strong"]
