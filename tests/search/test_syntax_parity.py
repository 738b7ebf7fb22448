"""The query syntax in both engines: the browser's engine (kb-engine.js, run by node) honours the
operators, quotes and brackets the API's parser takes (query.make_parser, query.exclusions), and
excludes a word after NOT with the other names of its glossary concept (query.build), so both
keep the same entries. (Offline, NOT and AND were ignored: 'migrant workers NOT census' listed
the censuses, 'emploi AND chômage' gave 47 entries on the shipped collection, the API 13.)"""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run

pytestmark = pytest.mark.usefixtures("word_lists")

ENTRIES = [
    make_entry("ma-recensement", "fr", "Recensement de la population",
               "Recensement général avec un module sur les travailleurs migrants et l'emploi.", countries=("MA",)),
    make_entry("tn-census", "en", "Population census",
               "A census with questions on migrant workers and unemployment.", countries=("TN",)),
    make_entry("tn-enquete", "fr", "Enquête sur la population active",
               "Enquête trimestrielle sur l'emploi et le chômage des travailleurs migrants.", countries=("TN",)),
    make_entry("dz-transferts", "fr", "Transferts de fonds",
               "Statistiques des transferts de fonds des travailleurs migrants.", countries=("DZ",)),
    make_entry("ly-migration", "fr", "Migration irrégulière en Libye",
               "Données sur la migration irrégulière et l'emploi informel.", countries=("LY",)),
    make_entry("mr-permis", "fr", "Permis de travail",
               "Registre des permis de travail des étrangers et du chômage en Mauritanie.", countries=("MR",)),
]

QUERIES = [
    "migrant workers NOT census",
    "travailleurs migrants NOT recensement",
    "NOT recensement",
    "(migration OR permis) ANDNOT emploi",
    "emploi AND chômage",
    "(emploi OR chômage) AND NOT Tunisie",
    "emploi ANDMAYBE chômage",
    "transferts OR permis",
    "emploi NOT Maroc",
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-syntax", ENTRIES)
    return api, run(folder, *QUERIES)


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_keep_the_same_entries_for_a_query_with_operators(engines, q):
    api, static = engines
    found = {r["id"] for r in api.search(q, page_size=50)["results"]}
    assert found, q  # each query matches something, so an engine ignoring the syntax shows
    assert set(static[q]["ids"]) == found, q
    assert static[q]["total"] == len(found), q


def test_not_excludes_a_concept_under_all_its_names_offline(engines):
    _, static = engines
    # 'census' (en) and 'recensement' (fr) name one concept: either after NOT drops both entries.
    for q in ("migrant workers NOT census", "travailleurs migrants NOT recensement", "NOT recensement"):
        assert not {"ma-recensement", "tn-census"} & set(static[q]["ids"]), q
        assert not [e for e in static[q]["expansions"] if e["matched"].lower() in ("census", "recensement")], q
    assert {"tn-enquete", "dz-transferts"} <= set(static["migrant workers NOT census"]["ids"])


def test_and_requires_both_words_offline(engines):
    _, static = engines
    assert set(static["emploi AND chômage"]["ids"]) == {"tn-enquete"} | (
        set(static["emploi AND chômage"]["ids"]) & {"tn-census", "mr-permis", "ma-recensement"})
    assert "ly-migration" not in static["emploi AND chômage"]["ids"]
    assert "dz-transferts" not in static["emploi AND chômage"]["ids"]


def test_not_before_a_country_names_no_country_offline(engines):
    _, static = engines
    assert not [e for e in static["emploi NOT Maroc"]["expansions"] if e["kind"] == "country"]
    assert "ma-recensement" not in static["emploi NOT Maroc"]["ids"]


def test_the_api_excludes_its_first_match_too(engines):
    """Whoosh's AndNot kept its first matching document when an excluded one came before it
    (query.Excluding): 'migration ANDNOT emploi' kept the one entry holding both words."""
    api, _ = engines
    assert ids_of(api.search("migration", page_size=50)) == {"ly-migration"}
    assert ids_of(api.search("emploi", page_size=50)) >= {"ly-migration", "ma-recensement"}
    assert ids_of(api.search("migration ANDNOT emploi", page_size=50)) == set()
    assert ids_of(api.search("migration NOT emploi", page_size=50)) == set()
    assert not {"ma-recensement", "tn-census"} & ids_of(api.search("NOT recensement", page_size=50))


def ids_of(found: dict) -> set[str]:
    return {r["id"] for r in found["results"]}


# A word written with a leading '-' is excluded as after NOT, as web search engines read it ('emploi
# -migrants' found more entries than 'emploi': the '-' was dropped; breaker12), in both engines;
# not a hyphen inside a word, one standing alone, one before a digit, nor a query whose every word
# has one (a list pasted with dashes: its words are searched).
MINUS_CASES = [
    ("emploi -migrants", "emploi NOT migrants"),
    ("travailleurs migrants -recensement -census", "travailleurs migrants NOT recensement NOT census"),
    ("emploi -sous-emploi", "emploi NOT sous-emploi"),
    ('"travailleurs migrants" -recensement', '"travailleurs migrants" NOT recensement'),
    ("-recensement emploi", "NOT recensement emploi"),
    ("\u0627\u0644\u0647\u062c\u0631\u0629 -\u0627\u0644\u062a\u0639\u062f\u0627\u062f", "\u0627\u0644\u0647\u062c\u0631\u0629 NOT \u0627\u0644\u062a\u0639\u062f\u0627\u062f"),
    ("-emploi", "-emploi"),
    ("-emploi -chômage", "-emploi -chômage"),
    ("sous-emploi", "sous-emploi"),
    ("emploi - migrants", "emploi - migrants"),
    ("chômage -2019", "chômage -2019"),
    ('"emploi -migrants"', '"emploi -migrants"'),
    # Not a stop word or single letter, nor a word the query also searches (review of session 12).
    ("-de -la emploi", "-de -la emploi"),
    ("emploi -a", "emploi -a"),
    (" -emploi emploi", " -emploi emploi"),
    # A pasted list of several lines: a '-' starting a line is its bullet, whatever its words.
    ("-recensement de la population\n-enquête emploi", " recensement de la population\n enquête emploi"),
    ("emploi\r\n  -migrants", "emploi\r\n   migrants"),
    ("emploi\n travail -migrants", "emploi\n travail NOT migrants"),
    # The same spaces and letters in both engines: not a number that is not a digit, no '-' after
    # a character neither takes for a space.
    ("emploi -\u2460", "emploi -\u2460"),
    ("-\u00b2x emploi", "-\u00b2x emploi"),
    ("emploi -\u216b", "emploi -\u216b"),
    ("emploi\ufeff-migrants", "emploi\ufeff-migrants"),
    ("emploi\x1c-migrants", "emploi\x1c-migrants"),
    ("emploi\u3000-migrants", "emploi\u3000NOT migrants"),
]


@pytest.mark.parametrize("typed, rewritten", MINUS_CASES)
def test_a_leading_minus_reads_as_not(typed, rewritten):
    from tools.search.query import minus_exclusions

    assert minus_exclusions(typed) == rewritten


def test_the_browser_reads_a_leading_minus_as_the_api_does(tmp_path):
    from tests.search.test_query_syntax import engine_calls
    from tools.search.analysis import all_stopwords
    from tools.search.query import OPERATORS

    opts = {"stop": {w: 1 for w in all_stopwords()}, "operators": sorted(OPERATORS)}
    assert engine_calls(tmp_path, "minusExclusions", [c[0] for c in MINUS_CASES], opts) == [c[1] for c in MINUS_CASES]


@pytest.fixture(scope="module")
def minus_engines(tmp_path_factory):
    return both_engines(tmp_path_factory, "kb-minus", ENTRIES)


@pytest.mark.parametrize("minus, written", [
    ("emploi -chômage", "emploi NOT chômage"), ("travailleurs migrants -recensement", "travailleurs migrants NOT recensement"),
    ("chômage -Mauritanie", "chômage NOT Mauritanie"), ("-census migrant workers", "NOT census migrant workers"),
])
def test_both_engines_exclude_a_word_written_with_a_leading_minus(minus_engines, minus, written):
    api, folder = minus_engines
    hits = run(folder, minus, written)
    expected = ids_of(api.search(written, page_size=50))
    assert expected and ids_of(api.search(minus, page_size=50)) == expected, minus
    assert set(hits[minus]["ids"]) == set(hits[written]["ids"]) == expected, minus
    # The word after the '-' is left out, not searched.
    assert expected != ids_of(api.search(minus.replace("-", ""), page_size=50)), minus


def test_a_query_of_dashed_words_searches_them(minus_engines):
    api, folder = minus_engines
    assert ids_of(api.search("-emploi", page_size=50)) == ids_of(api.search("emploi", page_size=50)) != set()
    assert set(run(folder, "-emploi")["-emploi"]["ids"]) == ids_of(api.search("emploi", page_size=50))
