"""tools/glossary.py: concepts named in a query and their other names (search synonyms).

Every test writes its own tiny glossary: tools/data/glossary.yml is content, not a fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.search.glossary import expand, load

GLOSSARY = """\
terms:
  - id: labour-force-survey
    acronyms: [ENE]
    fr:
      term: enquête nationale sur l'emploi
      synonyms: [enquête emploi]
      definition: Enquête trimestrielle auprès des ménages.
    ar:
      term: البحث الوطني حول التشغيل
      definition: بحث فصلي لدى الأسر.
    en:
      term: labour force survey
      synonyms: [LFS]
      definition: Quarterly household survey.
  - id: migrant-worker
    acronyms: []
    fr:
      term: travailleur migrant
      synonyms: [travailleurs migrants]
    ar:
      term: العامل المهاجر
      synonyms: [العمال المهاجرون]
    en:
      term: migrant worker
      synonyms: [migrant workers]
  - id: worker
    acronyms: []
    fr: {term: travailleur}
    en: {term: worker}
  - id: employment-agency
    acronyms: [ANAPEC]
    fr: {term: agence nationale de promotion de l'emploi et des compétences}
    ar: {term: الوكالة الوطنية لإنعاش التشغيل والكفاءات}
"""


@pytest.fixture
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def by_concept(found) -> dict:
    return {e.concept: e for e in found}


def test_load_reads_concepts(glossary):
    concepts = {c.id: c for c in load(glossary)}
    assert set(concepts) == {"labour-force-survey", "migrant-worker", "worker", "employment-agency"}
    assert concepts["labour-force-survey"].acronyms == ("ENE",)
    assert "LFS" in concepts["labour-force-survey"].names()


def test_missing_glossary_expands_nothing(tmp_path):
    assert load(tmp_path / "absent.yml") == ()
    assert expand("ENE travailleur migrant", tmp_path / "absent.yml") == []


def test_multi_word_french_term_finds_arabic_and_english_names(glossary):
    found = expand("Enquete Nationale sur l'Emploi 2018", glossary)
    assert len(found) == 1
    exp = found[0]
    assert exp.concept == "labour-force-survey"
    assert exp.matched == "Enquete Nationale sur l'Emploi"
    assert "البحث الوطني حول التشغيل" in exp.added
    assert "labour force survey" in exp.added
    assert "ENE" in exp.added and "LFS" in exp.added
    # the words typed are not searched a second time
    assert "enquête nationale sur l'emploi" not in exp.added


def test_arabic_term_typed_with_tashkeel(glossary):
    found = expand("العَامِل المهاجر في المغرب", glossary)
    assert [e.concept for e in found] == ["migrant-worker"]
    assert "migrant worker" in found[0].added and "travailleur migrant" in found[0].added


def test_acronym_in_capitals_expands(glossary):
    found = expand("ENE 2019", glossary)
    assert [e.concept for e in found] == ["labour-force-survey"]
    assert found[0].matched == "ENE"
    assert "enquête nationale sur l'emploi" in found[0].added
    assert "labour force survey" in found[0].added


@pytest.mark.parametrize("typed", ["ene", "Ene", "eNE"])
def test_short_acronym_not_in_capitals_does_not_expand(glossary, typed):
    assert expand(f"{typed} au Maroc", glossary) == []


def test_long_acronym_expands_in_any_case(glossary):
    found = expand("anapec", glossary)
    assert [e.concept for e in found] == ["employment-agency"]


def test_longest_match_wins(glossary):
    found = expand("les travailleurs migrants au Maroc", glossary)
    assert [(e.concept, e.matched) for e in found] == [("migrant-worker", "travailleurs migrants")]
    # the single word alone is the shorter concept
    assert [e.concept for e in expand("travailleur", glossary)] == ["worker"]


def test_several_concepts_in_one_query(glossary):
    found = by_concept(expand("ENE et travailleur migrant", glossary))
    assert set(found) == {"labour-force-survey", "migrant-worker"}
    assert found["migrant-worker"].matched == "travailleur migrant"


def test_unknown_query_expands_nothing(glossary):
    assert expand("recensement général de la population", glossary) == []
    assert expand("", glossary) == []
    assert expand("((( AND OR NOT \"", glossary) == []


def test_a_compound_name_with_a_stop_word_is_not_named_by_its_other_part(tmp_path):
    # 'sous-emploi' keyed word by word without its stop word would be 'emploi': every query on
    # employment (and 'employer', stemmed 'emploi' in French) would name underemployment.
    path = tmp_path / "glossary.yml"
    path.write_text("terms:\n  - id: underemployment\n    acronyms: []\n    fr: {term: sous-emploi}\n"
                    "    en: {term: underemployment}\n", encoding="utf-8")
    assert expand("emploi", path) == []
    assert expand("employer", path) == []
    assert [e.concept for e in expand("le sous-emploi", path)] == ["underemployment"]
    assert [e.concept for e in expand("underemployment", path)] == ["underemployment"]


def test_a_name_typed_again_is_found_once(glossary):
    # 'recensement recensement recensement' showed its "also searched" line three times (breaker12).
    found = expand("travailleur migrant et travailleur migrant, ENE ENE", glossary)
    assert [(e.concept, e.matched) for e in found] == [("migrant-worker", "travailleur migrant"),
                                                       ("labour-force-survey", "ENE")]
    # Another name of the same concept is another expansion: it was typed.
    assert len(expand("ENE enquête emploi", glossary)) == 2


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """(API engine, static index folder) of tests.search.test_engine's entries, with the shipped glossary."""
    from tests.search.test_engine import ENTRIES
    from tests.search.test_static_index import both_engines

    return both_engines(tmp_path_factory, "kb-repeated", ENTRIES)


@pytest.mark.parametrize("q", ["recensement recensement recensement", "chômage Maroc chômage", "RGPH RGPH"])
def test_both_engines_report_a_name_typed_again_once(engines, q):
    from tests.search.test_static_index import run

    api, folder = engines
    for expansions in (api.search(q)["expansions"], run(folder, q)[q]["expansions"]):
        kept = [(e["kind"], e["matched"].lower()) for e in expansions]
        assert len(kept) == len(set(kept)) and kept, (q, expansions)


def test_no_shipped_concept_mixes_countries():
    """A concept's names name one country at most: the generic diaspora carried 'Marocains résidant
    à l'étranger' (MRE) and 'Tunisiens résidant à l'étranger' (TRE), so a query on Tunisians abroad
    searched the Moroccan term and ranked a Moroccan entry second (breaker12); remittances carried
    each country's remittances in Arabic. Each country's own term is a concept of its own."""
    from tools.content.vocab import Vocabularies
    from tools.search.glossary import concepts
    from tools.search.query import countries_named

    vocabs = Vocabularies.load()
    mixed = {}
    for concept in concepts(vocabs):
        named = {code for name in concept.names() for code, _ in countries_named(name, lambda w: True, vocabs)}
        if len(named) > 1:
            mixed[concept.id] = sorted(named)
    assert mixed == {}


@pytest.mark.parametrize("q, country", [
    ("كيف يتم قياس تحويلات المهاجرين التونسيين المقيمين بالخارج", "TN"), ("Tunisiens résidant à l'étranger", "TN"),
    ("TRE", "TN"), ("Moroccans residing abroad", "MA"), ("MRE", "MA"), ("تحويلات المغاربة المقيمين بالخارج", "MA"),
    ("transferts des Tunisiens à l'étranger", "TN"),
])
def test_one_country_s_nationals_abroad_expand_to_that_country_s_names_only(q, country):
    from tools.content.vocab import Vocabularies
    from tools.search.query import countries_named

    vocabs = Vocabularies.load()
    for e in expand(q, vocabs=vocabs):
        for name in e.added:
            assert {c for c, _ in countries_named(name, lambda w: True, vocabs)} <= {country}, (q, name)
    other = {"TN": ("MRE", "Maroc", "مغارب"), "MA": ("TRE", "Tunisi", "تونس")}[country]
    assert not [n for e in expand(q, vocabs=vocabs) for n in e.added if any(o in n for o in other)], q


def test_a_narrower_concept_searches_its_broader_concept_s_names_never_the_reverse(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text(GLOSSARY + """  - id: lfs-morocco
    broader: labour-force-survey
    fr:
      term: enquête nationale sur l'emploi du Maroc
    en:
      term: Moroccan labour force survey
""", encoding="utf-8")
    narrow = by_concept(expand("Moroccan labour force survey", path))["lfs-morocco"]
    assert "labour force survey" in narrow.added and "LFS" in narrow.added and "ENE" in narrow.added
    broad = by_concept(expand("labour force survey", path))["labour-force-survey"]
    assert not [n for n in broad.added if "Maroc" in n or "Moroccan" in n]


@pytest.mark.parametrize("q", ["تحويلات المغاربة المقيمين بالخارج", "transferts des MRE", "TRE"])
def test_both_engines_search_a_country_s_term_with_its_broader_concept_s_names(engines, q):
    from tests.search.test_static_index import run

    api, folder = engines
    online = {n for e in api.search(q)["expansions"] if e["kind"] == "glossary" for n in e["added"]}
    offline = {n for e in run(folder, q)[q]["expansions"] if e["kind"] == "glossary" for n in e["added"]}
    assert online == offline and online & {"remittances", "diaspora"}, q
