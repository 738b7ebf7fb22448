"""tools/search_engine.py: what a reader gets from build_search_index() and SearchIndex.

A small index of hand-made entries; the glossary used for synonyms is a tiny one written here,
never tools/data/glossary.yml.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import replace

import pytest

from tests.conftest import make_entry
from tools.content.vocab import Vocabularies
from tools.i18n import DATA_DIR
from tools.search import engine as search_engine
from tools.search import glossary
from tools.search.analysis import normalize
from tools.search.engine import MAX_PAGE, QueryError, SearchIndex, build_search_index

ENTRIES = [
    make_entry(
        "ma-enquete-emploi", "fr", "Enquête nationale sur l'emploi",
        "Enquête trimestrielle du HCP sur l'emploi et le chômage au Maroc, avec un module sur la migration.",
        countries=("MA",), themes=("stocks", "emigration"), data_sources=("labour-force-survey",),
        institutions=("HCP",), tags=("ENE",),
        body="## Contexte\n\nL'enquête mesure l'activité des ménages et les données migratoires des travailleurs."),
    make_entry(
        "ma-enquete-emploi", "en", "National employment survey",
        "Quarterly HCP survey of employment and unemployment in Morocco, with a migration module.",
        countries=("MA",), themes=("stocks", "emigration"), data_sources=("labour-force-survey",),
        institutions=("HCP",), tags=("ENE",),
        body="## Context\n\nThe survey measures household activity and migration data on workers."),
    make_entry(
        "tn-hijra-ihsaat", "ar", "إحصاءات الهجرة في تونس",
        "تقرير المعهد الوطني للإحصاء عن الهجرة الدولية والمهاجرين التونسيين في الخارج.",
        type="resource", countries=("TN",), themes=("flows",),
        body="## السياق\n\nيعرض التقرير أعداد المهاجرين وتدفقات الهجرة حسب الولاية."),
    make_entry(
        "dz-remittances", "en", "Remittances to Algeria",
        "World Bank estimates of remittances sent by Algerian workers abroad, and their cost.",
        type="resource", countries=("DZ",), themes=("remittances",), data_sources=("remittance-records",),
        body="## Context\n\nRemittances are measured from bank transfers by migrant workers."),
    make_entry(
        "tn-recensement", "fr", "Recensement général de la population",
        "Recensement décennal de l'INS tunisien, avec des questions sur les migrants de retour.",
        countries=("TN",), themes=("stocks", "return-migration"), data_sources=("population-census",),
        body="## Description\n\nLe recensement compte la population résidente et les émigrés."),
    make_entry(
        "regional-guide-donnees", "fr", "Guide méthodologique des données migratoires",
        "Guide régional pour harmoniser les statistiques de migration de main-d'œuvre au Maghreb.",
        type="methodology", countries=("MA", "TN"), themes=("harmonisation",),
        body="## Méthode\n\nDéfinitions communes des travailleurs migrants et des flux. Le recensement général "
             "de la population, le recensement de la population et encore le recensement : population, "
             "population, population."),
    make_entry(
        "dz-partage-donnees", "fr", "Partage des données entre ministères",
        "Pratique algérienne de partage des fichiers administratifs <script>alert(1)</script> entre ministères.",
        type="practice", countries=("DZ",), themes=("data-sharing",),
        body="## Description\n\nUn exemple dangereux : <script>alert(1)</script> et des accords d'échange de "
             "fichiers entre ministères, R&D < 5 %."),
    make_entry(
        "ma-muhajirun", "ar", "المهاجرون المغاربة في الخارج",
        "دراسة عن المهاجرين المغاربة وتحويلاتهم المالية إلى المغرب.",
        type="resource", countries=("MA",), themes=("emigration", "remittances"),
        body="## السياق\n\nتحويلات العمال المهاجرين إلى أسرهم."),
]
IDS = {e.id for e in ENTRIES}

TINY_GLOSSARY = """\
terms:
  - id: migrant-worker
    acronyms: []
    fr: {term: travailleur migrant}
    ar: {term: العامل المهاجر}
    en: {term: migrant worker}
"""


# Synonyms come from an empty glossary unless a test says otherwise (fixture in conftest.py).
pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("kb") / "search-index"
    info = build_search_index(ENTRIES, index_dir, progress=False)
    assert info["documents"] == len(ENTRIES)
    return SearchIndex(index_dir)


def ids(found: dict) -> list[str]:
    return [r["id"] for r in found["results"]]


def facet(found: dict, name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in found["facets"][name]}


# -- building ------------------------------------------------------------------------------------


def test_build_writes_a_complete_index(engine):
    assert engine.available()
    assert (engine.dir / "BUILD.json").exists()
    assert not list(engine.dir.parent.glob(".search-index.*")), "temporary or old folders left behind"


def test_missing_index_is_not_available(tmp_path):
    assert not SearchIndex(tmp_path / "nothing").available()


# -- matching ------------------------------------------------------------------------------------


def test_french_query_without_accents_finds_accented_entry(engine):
    assert ids(engine.search("enquete")) == ["ma-enquete-emploi"]
    assert ids(engine.search("ENQUETE"))[0] == "ma-enquete-emploi"
    assert "dz-partage-donnees" in ids(engine.search("ministeres"))
    assert ids(engine.search("recensement general"))[0] == "tn-recensement"


def test_french_query_with_elision_and_stem(engine):
    assert ids(engine.search("l'enquête"))[0] == "ma-enquete-emploi"
    assert "tn-recensement" in ids(engine.search("recensements"))


def test_nfd_accented_query_finds_the_entry(engine):
    """A query whose accents are combining characters (NFD) must find what the NFC query finds."""
    nfc = engine.search("enquête")
    nfd = engine.search(unicodedata.normalize("NFD", "enquête"))
    assert ids(nfc) == ["ma-enquete-emploi"]
    assert ids(nfd) == ids(nfc)


def test_arabic_query_with_tashkeel_finds_arabic_entry(engine):
    found = engine.search("الهِجْرَةُ")
    assert ids(found)[0] == "tn-hijra-ihsaat"
    assert found["results"][0]["lang"] == "ar"
    assert ids(engine.search("الهجره"))[0] == "tn-hijra-ihsaat"  # ه typed for ة


def test_arabic_word_family_matches(engine):
    # 'المهاجرين' in one entry, 'مهاجرون' in the query: both stem to مهاجر.
    found = ids(engine.search("مهاجرون"))
    assert {"tn-hijra-ihsaat", "ma-muhajirun"} <= set(found)
    assert "ma-muhajirun" in ids(engine.search("التحويلات"))


def test_english_plural_matches_singular(engine):
    assert {"dz-remittances", "ma-enquete-emploi"} <= set(ids(engine.search("worker")))


def test_institution_and_tag_are_searchable(engine):
    assert ids(engine.search("HCP")) == ["ma-enquete-emploi"]
    assert ids(engine.search("ENE")) == ["ma-enquete-emploi"]


def test_facet_labels_are_searchable(engine):
    # 'Transferts de fonds' is the French label of the theme 'remittances'.
    assert {"dz-remittances", "ma-muhajirun"} <= set(ids(engine.search("transferts de fonds")))


def test_no_match_gives_no_results(engine):
    found = engine.search("zzyzx")
    assert found["total"] == 0 and found["results"] == []


def test_boolean_operators(engine):
    both = set(ids(engine.search("recensement OR remittances")))
    assert {"tn-recensement", "dz-remittances"} <= both
    assert ids(engine.search("HCP AND chomage")) == ["ma-enquete-emploi"]
    assert ids(engine.search("HCP AND recensement")) == []
    assert set(ids(engine.search("recensement AND population"))) == {"tn-recensement", "regional-guide-donnees"}
    assert "ma-enquete-emploi" in ids(engine.search("migration"))
    assert "ma-enquete-emploi" not in ids(engine.search("migration AND NOT HCP"))
    assert ids(engine.search('"partage des données"')) == ["dz-partage-donnees"]


def test_not_excludes_entries(engine):
    """'a NOT b' (documented in the API as AND/OR/NOT) must drop entries containing b and keep
    only entries matching a, as 'a AND NOT b' does."""
    with_not = engine.search("migration NOT HCP")
    assert "ma-enquete-emploi" not in ids(with_not)
    assert set(ids(with_not)) == set(ids(engine.search("migration AND NOT HCP")))


def test_not_query_is_scored_without_whoosh_collector(engine, monkeypatch):
    """The rest of a NOT query goes through the arrays path and what it excludes is one set of
    documents (the entries holding it dropped after): Whoosh's collector, with an AndNot matcher
    running the excluded phrases' span matchers again at each hit, took 120-210 ms CPU a query at
    2,400 entries (review of session 12). Same entries as the query without NOT, minus those
    holding the word."""
    from whoosh.searching import Searcher

    calls = []
    real = Searcher.search
    monkeypatch.setattr(Searcher, "search", lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    kept = ids(engine.search("migration NOT HCP", page_size=50))
    alone = ids(engine.search("NOT HCP", page_size=50))
    assert calls == []
    monkeypatch.undo()
    holding = set(ids(engine.search("HCP", page_size=50)))
    assert holding and kept
    assert kept == [i for i in ids(engine.search("migration", page_size=50)) if i not in holding]
    assert set(alone) == {e.id for e in ENTRIES} - holding


# -- ranking -------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, expected_id, lang", [
    ("Recensement général de la population", "tn-recensement", "fr"),
    ("recensement general de la population", "tn-recensement", "fr"),
    ("National employment survey", "ma-enquete-emploi", "en"),
    ("Enquête nationale sur l'emploi", "ma-enquete-emploi", "fr"),
    ("إِحْصَاءَات الهِجْرَة في تونس", "tn-hijra-ihsaat", "ar"),
])
def test_exact_title_puts_that_entry_first(engine, title, expected_id, lang):
    found = engine.search(title)
    first = found["results"][0]
    assert (first["id"], first["lang"]) == (expected_id, lang)
    if found["total"] > 1:
        assert first["score"] > found["results"][1]["score"] * 2


def test_scores_are_descending(engine):
    scores = [r["score"] for r in engine.search("migration données population")["results"]]
    assert len(scores) >= 3
    assert scores == sorted(scores, reverse=True)


# -- facets --------------------------------------------------------------------------------------


def test_filter_within_one_facet_is_or(engine):
    found = engine.search("", {"countries": ["MA", "TN"]})
    assert set(ids(found)) == {"ma-enquete-emploi", "regional-guide-donnees", "tn-recensement",
                               "tn-hijra-ihsaat", "ma-muhajirun"}
    assert found["total"] == 5
    for r in found["results"]:
        assert {"MA", "TN"} & set(r["countries"])


def test_filters_across_facets_are_and(engine):
    found = engine.search("", {"countries": ["MA", "TN"], "type": ["tool"]})
    assert set(ids(found)) == {"ma-enquete-emploi", "tn-recensement"}
    found = engine.search("", {"countries": ["DZ"], "themes": ["remittances", "flows"]})
    assert ids(found) == ["dz-remittances"]


def test_filters_apply_to_a_text_query(engine):
    assert set(ids(engine.search("migration"))) > set(ids(engine.search("migration", {"countries": ["TN"]})))
    assert set(ids(engine.search("migration", {"countries": ["TN"]}))) == {"tn-hijra-ihsaat", "tn-recensement",
                                                                         "regional-guide-donnees"}


def test_facet_counts_ignore_their_own_filter(engine):
    found = engine.search("", {"countries": ["MA"], "type": ["tool"]})
    assert ids(found) == ["ma-enquete-emploi"]
    # countries: every country of the tools (the country filter is not applied to its own counts)
    assert facet(found, "countries") == {"MA": 1, "TN": 1}
    # type: every type of the Moroccan entries (MA entries: enquete, guide, muhajirun)
    assert facet(found, "type") == {"tool": 1, "methodology": 1, "resource": 1}
    # other facets: both filters apply
    assert facet(found, "lang") == {"fr": 1, "en": 1}
    assert facet(found, "data_sources") == {"labour-force-survey": 1}
    selected = {(name, v["value"]) for name, values in found["facets"].items() for v in values if v["selected"]}
    assert selected == {("countries", "MA"), ("type", "tool")}


def test_facet_counts_count_entries_not_language_versions(engine):
    found = engine.search("")
    assert facet(found, "countries") == {"MA": 3, "TN": 3, "DZ": 2}
    assert facet(found, "type") == {"tool": 2, "resource": 3, "methodology": 1, "practice": 1}
    assert facet(found, "lang") == {"fr": 4, "ar": 2, "en": 2}
    labels = {v["value"]: v["label"] for v in found["facets"]["countries"]}
    assert labels["MA"]["fr"] == "Maroc" and labels["MA"]["en"] == "Morocco"


def test_language_filter_returns_that_version(engine):
    found = engine.search("", {"lang": ["en"]})
    assert set(ids(found)) == {"ma-enquete-emploi", "dz-remittances"}
    assert {r["lang"] for r in found["results"]} == {"en"}


def test_unknown_filter_value_matches_nothing(engine):
    assert engine.search("", {"countries": ["FR"]})["total"] == 0


# -- browsing and paging -------------------------------------------------------------------------


def test_empty_query_browses_everything_sorted_by_title(engine):
    found = engine.search("")
    assert found["total"] == len(IDS)
    assert set(ids(found)) == IDS
    titles = [normalize(r["title"]) for r in found["results"]]
    assert titles == sorted(titles)
    assert engine.search("   ") == found
    assert engine.search("") == found  # same order every time


def test_pages_split_results_without_overlap(engine):
    pages = [ids(engine.search("", page=p, page_size=3)) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == ids(engine.search("", page_size=10))
    assert engine.search("", page=4, page_size=3)["results"] == []
    assert engine.search("", page=4, page_size=3)["total"] == len(IDS)


def test_preferred_language_shows_that_version_with_the_same_rank(engine):
    # 'HCP survey': the English version matches best; a French interface shows the French one.
    plain = engine.search("survey HCP emploi")
    fr = engine.search("survey HCP emploi", prefer="fr")
    assert ids(plain) == ids(fr) and plain["total"] == fr["total"] >= 1
    assert [r["score"] for r in plain["results"]] == [r["score"] for r in fr["results"]]
    shown = {r["id"]: r for r in fr["results"]}
    assert shown["ma-enquete-emploi"]["lang"] == "fr"
    assert shown["ma-enquete-emploi"]["title"] == "Enquête nationale sur l'emploi"
    en = {r["id"]: r for r in engine.search("survey HCP emploi", prefer="en")["results"]}
    assert en["ma-enquete-emploi"]["lang"] == "en"
    # An entry with no version in the preferred language keeps its own.
    ar = {r["id"]: r for r in engine.search("recensement", prefer="ar")["results"]}
    assert ar["tn-recensement"]["lang"] == "fr"


def test_versions_collapse_to_one_result_per_entry(engine):
    found = engine.search("HCP")
    assert found["total"] == 1
    (result,) = found["results"]
    assert result["id"] == "ma-enquete-emploi"
    assert result["languages"] == ["en", "fr"]
    browse = engine.search("")
    assert ids(browse).count("ma-enquete-emploi") == 1
    assert len(ids(browse)) == len(set(ids(browse)))


def test_result_fields(engine):
    r = engine.search("remittances algeria")["results"][0]
    assert r["id"] == "dz-remittances"
    assert r["url"] == "kb/entries/dz-remittances/en/"
    assert r["title"] == "Remittances to Algeria"
    assert r["type"] == "resource" and r["countries"] == ["DZ"] and r["themes"] == ["remittances"]
    assert r["data_sources"] == ["remittance-records"] and r["status"] == "draft"
    assert r["summary"].startswith("World Bank")


# -- snippets ------------------------------------------------------------------------------------


def test_snippet_marks_the_matched_word(engine):
    found = engine.search("ministeres")
    r = next(r for r in found["results"] if r["id"] == "dz-partage-donnees")
    assert re.search(r"<mark[^>]*>ministères</mark>", r["snippet"])
    ar = engine.search("الهجرة")["results"][0]
    assert "<mark" in ar["snippet"] and "</mark>" in ar["snippet"]


@pytest.mark.parametrize("q", ["script", "alert", "ministeres", "partage", "", "R&D ministères", "accords"])
def test_snippets_never_carry_raw_html(engine, q):
    found = engine.search(q, page_size=50)
    assert found["results"]
    for r in found["results"]:
        without_marks = re.sub(r"</?mark( class=\"[^\"]*\")?>", "", r["snippet"])
        assert "<" not in without_marks and ">" not in without_marks, r["snippet"]
        assert "<script" not in r["snippet"]


def test_snippet_escapes_the_summary(engine):
    r = next(r for r in engine.search("script")["results"] if r["id"] == "dz-partage-donnees")
    assert "&lt;" in r["snippet"]
    assert re.search(r"<mark[^>]*>script</mark>", r["snippet"])
    browse = next(r for r in engine.search("")["results"] if r["id"] == "dz-partage-donnees")
    assert "&lt;script&gt;" in browse["snippet"]


# -- limits --------------------------------------------------------------------------------------


def test_query_of_1000_characters_is_searched(engine):
    query = ("recensement " * 100)[:1000]
    assert len(query) == 1000
    assert {r["id"] for r in engine.search(query)["results"]} == {"tn-recensement", "regional-guide-donnees"}
    assert engine.search("a" * 1000)["total"] == 0


def test_too_long_query_is_a_query_error(engine):
    with pytest.raises(QueryError, match="1001 characters"):
        engine.search("a" * 1001)


@pytest.mark.parametrize("page", [0, -1, MAX_PAGE + 1])
def test_page_out_of_range_is_a_query_error(engine, page):
    with pytest.raises(QueryError, match="page must be between 1 and 1000"):
        engine.search("migration", page=page)


def test_last_page_is_allowed(engine):
    found = engine.search("migration", page=MAX_PAGE)
    assert found["total"] > 0 and found["results"] == [] and found["page"] == MAX_PAGE


@pytest.mark.parametrize("size", [0, 51])
def test_page_size_out_of_range_is_a_query_error(engine, size):
    with pytest.raises(QueryError, match="page_size"):
        engine.search("", page_size=size)


def test_too_long_suggest_is_a_query_error(engine):
    with pytest.raises(QueryError):
        engine.suggest("a" * 1001)


# -- did you mean --------------------------------------------------------------------------------


def test_misspelled_word_is_repaired_and_said(engine):
    # A word found nowhere in the index is searched as its closest indexed word, and the
    # response says so (expansion of kind "spelling", and did_you_mean for the whole query).
    found = engine.search("recensment")
    assert ids(found)[0] == "tn-recensement"
    assert {"kind": "spelling", "matched": "recensment", "concept": "", "added": ["recensement"]} in found["expansions"]
    assert found["did_you_mean"] == "recensement"


def test_no_did_you_mean_for_a_known_word(engine):
    assert engine.search("recensement")["did_you_mean"] is None
    assert engine.search("")["did_you_mean"] is None


# -- suggest -------------------------------------------------------------------------------------


def test_suggest_completes_title_words(engine):
    got = engine.suggest("enq")
    assert [(t["id"], t["lang"]) for t in got["titles"]] == [("ma-enquete-emploi", "fr")]
    assert got["titles"][0]["title"] == "Enquête nationale sur l'emploi"
    assert got["titles"][0]["url"] == "kb/entries/ma-enquete-emploi/fr/"
    assert "enquête" in got["terms"]  # as written: completions show no folded form
    for t in got["terms"]:
        assert normalize(t).startswith("enq")


def test_suggest_uses_earlier_words_and_folding(engine):
    got = engine.suggest("Recensement GÉN")
    assert [t["id"] for t in got["titles"]] == ["tn-recensement"]
    assert engine.suggest("population rec")["titles"][0]["id"] == "tn-recensement"
    assert engine.suggest("الهجرة")["titles"][0]["id"] == "tn-hijra-ihsaat"


def test_suggest_titles_contain_a_word_starting_with_the_prefix(engine):
    got = engine.suggest("pa")
    assert got["titles"]
    for t in got["titles"]:
        assert any(w.startswith("pa") for w in normalize(t["title"]).split()), t["title"]


def test_suggest_empty_and_limit(engine):
    assert engine.suggest("") == {"query": "", "titles": [], "terms": []}
    assert engine.suggest("  (( ") == {"query": "((", "titles": [], "terms": []}
    assert len(engine.suggest("d")["titles"]) > 1
    assert len(engine.suggest("d", limit=1)["titles"]) == 1


@pytest.mark.parametrize("invisible", ["\u00ad", "\u202e", "\u200d", "\u00ad\u00ad \u202e"])
def test_suggest_of_only_invisible_characters_completes_nothing(engine, invisible):
    # Folded to an empty word, it used to be a prefix of every title: all of them came back.
    got = engine.suggest(invisible)
    assert got["titles"] == [] and got["terms"] == []
    assert engine.suggest("enq\u00ad")["titles"] == engine.suggest("enq")["titles"] != []


# -- entry ---------------------------------------------------------------------------------------


def test_entry_returns_every_version(engine):
    got = engine.entry("ma-enquete-emploi")
    assert got["id"] == "ma-enquete-emploi"
    assert got["type"] == "tool" and got["countries"] == ["MA"]
    assert got["themes"] == ["stocks", "emigration"] and got["data_sources"] == ["labour-force-survey"]
    assert [v["lang"] for v in got["versions"]] == ["fr", "en"]
    fr = got["versions"][0]
    assert fr["title"] == "Enquête nationale sur l'emploi"
    assert fr["url"] == "kb/entries/ma-enquete-emploi/fr/"
    assert fr["institutions"] == ["HCP"]


def test_entry_unknown_is_none(engine):
    assert engine.entry("nope") is None
    assert engine.entry("") is None


# -- rebuilds ------------------------------------------------------------------------------------


def test_reopens_after_a_rebuild(tmp_path):
    index_dir = tmp_path / "build" / "search-index"
    build_search_index(ENTRIES[:4], index_dir, progress=False)
    engine = SearchIndex(index_dir)
    assert engine.search("recensement")["total"] == 0
    before = engine.search("")["total"]
    assert engine.entry("tn-recensement") is None

    build_search_index(ENTRIES, index_dir, progress=False)
    assert ids(engine.search("recensement"))[0] == "tn-recensement"
    assert engine.search("")["total"] == len(IDS) > before
    assert engine.entry("tn-recensement")["versions"][0]["title"] == "Recensement général de la population"
    assert engine.suggest("recens")["titles"][0]["id"] == "tn-recensement"

    build_search_index(ENTRIES[:2], index_dir, progress=False)
    assert engine.search("")["total"] == 1
    assert engine.entry("tn-recensement") is None
    assert sorted(p.name for p in index_dir.parent.iterdir()) == ["search-index"]


# -- glossary synonyms ---------------------------------------------------------------------------


def test_glossary_synonyms_find_other_languages(engine, tmp_path, monkeypatch):
    assert "dz-remittances" not in ids(engine.search("العامل المهاجر"))
    # The glossary is part of the run's vocabularies: an engine made with a data folder whose
    # glossary names the concept expands it (the first engine keeps its own for its life).
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "glossary.yml").write_text(TINY_GLOSSARY, encoding="utf-8")
    monkeypatch.setattr(search_engine, "expand", glossary.expand)  # undo the module's empty glossary
    found = SearchIndex(engine.dir, Vocabularies.load(data)).search("العامل المهاجر")
    (exp,) = found["expansions"]
    assert (exp["matched"], exp["concept"]) == ("العامل المهاجر", "migrant-worker")
    assert list(exp["added"]) == ["travailleur migrant", "migrant worker"]
    assert "dz-remittances" in ids(found)  # 'migrant workers' in an English body
    assert "regional-guide-donnees" in ids(found)  # 'travailleurs migrants' in a French body


# -- incremental updates --------------------------------------------------------------------------

def test_rebuild_rewrites_only_changed_documents_and_drops_removed_ones(tmp_path):
    index_dir = tmp_path / "index"
    first = build_search_index(ENTRIES, index_dir, progress=False, engine="v1")
    assert first["full"] and first["added_or_changed"] == len(ENTRIES)
    same = build_search_index(ENTRIES, index_dir, progress=False, engine="v1")
    assert (same["full"], same["added_or_changed"], same["removed"]) == (False, 0, 0)
    retitled = replace(ENTRIES[0], title="Titre tout neuf xylophone")
    kept = [retitled, *ENTRIES[2:]]
    update = build_search_index(kept, index_dir, progress=False, engine="v1")
    assert (update["full"], update["added_or_changed"], update["removed"]) == (False, 1, 1)
    found = SearchIndex(index_dir)
    assert [r["id"] for r in found.search("xylophone")["results"]] == [retitled.id]
    # ENTRIES[1] is the English version of the retitled entry: only the French one is left.
    assert [v["lang"] for v in found.entry(ENTRIES[1].id)["versions"]] == [retitled.lang]
    assert found.search("")["total"] == len({e.id for e in kept})


def test_a_new_engine_reindexes_everything(tmp_path):
    index_dir = tmp_path / "index"
    build_search_index(ENTRIES, index_dir, progress=False, engine="v1")
    again = build_search_index(ENTRIES, index_dir, progress=False, engine="v2")
    assert again["full"] and again["added_or_changed"] == len(ENTRIES)
    forced = build_search_index(ENTRIES, index_dir, progress=False, engine="v2", full=True)
    assert forced["full"]


def test_an_index_written_by_two_processes_answers_as_one_written_by_one(tmp_path, monkeypatch):
    """Whoosh's multisegment writer (a full build of MULTIPROC_MIN_DOCS documents or more, on a
    machine with more than one processor) gives the same results and facet counts, and takes
    incremental updates afterwards."""
    from tools.search import index as search_index

    one, two = tmp_path / "one", tmp_path / "two"
    build_search_index(ENTRIES, one, progress=False, engine="v1")
    monkeypatch.setattr(search_index, "MULTIPROC_MIN_DOCS", 1)
    monkeypatch.setattr(search_index.os, "cpu_count", lambda: 2)
    build_search_index(ENTRIES, two, progress=False, engine="v1")
    a, b = SearchIndex(one), SearchIndex(two)
    for q in ("migration", "emploi travail", "données", "remittances", ""):
        mine, theirs = b.search(q, page_size=50), a.search(q, page_size=50)
        assert mine["total"] == theirs["total"], q
        assert sorted(ids(mine)) == sorted(ids(theirs)), q
        assert mine["facets"] == theirs["facets"], q
    assert a.search("")["total"] > 3
    retitled = replace(ENTRIES[0], title="Titre tout neuf xylophone")
    update = build_search_index([retitled, *ENTRIES[1:]], two, progress=False, engine="v1")
    assert (update["full"], update["added_or_changed"]) == (False, 1)
    assert [r["id"] for r in SearchIndex(two).search("xylophone")["results"]] == [retitled.id]


def test_a_word_cut_by_a_pasted_zero_width_space_is_joined_again(engine):
    # U+200B separates words; 'trimestri' and 'elle' around it make no query of the summary's
    # 'trimestrielle' until joined (query.join_fragments), which the answer reports as a repair.
    found = engine.search("enquête trimestri\u200belle")
    assert ids(found)[:1] == ["ma-enquete-emploi"]
    assert {"kind": "spelling", "matched": "trimestri elle", "concept": "", "added": ["trimestrielle"]} in found["expansions"]
    assert found["strong"] is True


def test_shown_language_is_the_interface_s_unless_the_query_is_in_arabic_letters():
    from tools.search.engine import shown_language
    assert shown_language("migration", "fr") == "fr"
    assert shown_language("HIMS enquête", "en") == "en"
    assert shown_language("الهجرة الدولية", "fr") is None  # the reader reads Arabic: best-matching version
    assert shown_language("الهجرة HIMS", "en") is None
    assert shown_language("ﻫﺠﺮﺓ", "fr") is None  # presentation forms, as pasted from a PDF
    assert shown_language("الهجرة", "ar") == "ar"
    assert shown_language("HIMS", "ar") == "ar"
    assert shown_language("migration", None) is None


def test_not_excludes_a_concept_with_its_other_names(engine, tmp_path, monkeypatch):
    """A glossary concept after NOT is excluded under all its names: its synonyms were searched as
    alternatives, which put the entries naming it in another language first ('enquête NOT
    recensement' listed the censuses' Arabic versions on top; found by breaker9)."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "glossary.yml").write_text(TINY_GLOSSARY, encoding="utf-8")
    monkeypatch.setattr(search_engine, "expand", glossary.expand)
    index = SearchIndex(engine.dir, Vocabularies.load(data))
    assert {"dz-remittances", "regional-guide-donnees"} <= set(ids(index.search("migrant worker")))
    found = index.search('migration NOT "travailleur migrant"', page_size=50)
    assert "ma-enquete-emploi" in ids(found)
    assert not {"dz-remittances", "regional-guide-donnees"} & set(ids(found))
    assert found["expansions"] == []
    alone = index.search('NOT "travailleur migrant"', page_size=50)
    assert alone["total"] and not {"dz-remittances", "regional-guide-donnees"} & set(ids(alone))


def test_not_before_a_country_name_does_not_favour_that_country(engine):
    found = engine.search("migration NOT Maroc")
    assert not [e for e in found["expansions"] if e["kind"] == "country"]
