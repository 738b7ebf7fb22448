"""A country's one-word name that the collection uses as a plain word names no country
(tools.search.query.plain_country_word), in the API and in the static search alike: Arabic مالي
('financial'; Mali), English 'Chad' (a first name; the country), a name no entry is about (قطر:
'diameter'; Qatar). Small hand-made collections, each of the kind: many entries using the word,
few or none about the country."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import exported, run
from tools.search.engine import SearchIndex, build_search_index
from tools.search.query import WORD_RATIO, countries_named, in_dictionary, plain_country_word

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

_FINANCE = [make_entry(f"tn-aide-{i}", "ar", f"برنامج دعم مالي رقم {i} للعمال", "دعم مالي وتحويل مالي للأسر.",
                       countries=("TN",)) for i in range(WORD_RATIO + 2)]
_AUTHORS = [make_entry(f"ma-guide-{i}", "en", f"Survey guide {i}", f"Fieldwork notes written by Chad Miller, volume {i}.",
                       countries=("MA",)) for i in range(WORD_RATIO + 2)]
ENTRIES = _FINANCE + _AUTHORS + [
    make_entry("ml-migrations", "ar", "هجرة العمال في مالي", "إحصاءات العمال المهاجرين من مالي.", countries=("ML",)),
    make_entry("td-migrations", "en", "Labour migration in Chad", "Statistics on Chad's migrant workers.",
               countries=("TD",)),
    make_entry("ne-migrations", "fr", "Migrations de travail au Niger", "Statistiques des travailleurs du Niger.",
               countries=("NE",)),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("words") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    return SearchIndex(index_dir)


@pytest.fixture(scope="module")
def static(tmp_path_factory):
    return exported(tmp_path_factory, "words-static", ENTRIES)


def countries_of(answer: dict) -> list[str]:
    return [e["concept"] for e in answer["expansions"] if e["kind"] == "country"]


@pytest.mark.parametrize("about, holding, both, plain", [
    (0, 0, 0, True),  # no entry about the country: naming it changes nothing but a wrong expansion
    (0, 3, 0, True),
    (1, 0, 0, False),  # the word is in no text: no evidence against the name
    (1, WORD_RATIO, 0, False),  # too few entries to judge
    (1, WORD_RATIO + 1, 1, False),  # WORD_RATIO to 1: the ratio is not exceeded
    (1, WORD_RATIO + 2, 1, True),
    (16, 36, 15, False),  # 'المغرب' in the shipped collection (also 'the Maghreb')
    (1, 40, 1, True),  # 'French' (the language) in the shipped collection
])
def test_plain_country_word(about, holding, both, plain):
    assert plain_country_word(about, holding, both) is plain


@pytest.mark.parametrize("q, word, code", [
    ("دعم مالي", "مالي", "ML"), ("aid by Chad", "chad", "TD"), ("قطر الأنبوب", "قطر", "QA"), ("وعمان", "عمان", "OM"),
])
def test_a_name_judged_a_plain_word_names_no_country(q, word, code):
    assert [c for c, _ in countries_named(q, in_dictionary)] == [code]
    assert countries_named(q, in_dictionary, plain=lambda w, c: (w, c) == (word, code)) == []


def test_api_takes_a_name_the_collection_uses_as_a_word_for_the_word(engine):
    assert countries_of(engine.search("دعم مالي")) == []
    assert countries_of(engine.search("Chad Miller notes")) == []
    assert countries_of(engine.search("قطر")) == []  # no entry about Qatar
    # The entries using the word come first, not the country's.
    assert engine.search("دعم مالي")["results"][0]["id"].startswith("tn-aide-")


def test_api_still_names_countries_whose_names_the_collection_uses_for_them(engine):
    assert countries_of(engine.search("Niger")) == ["NE"]
    assert countries_of(engine.search("travailleurs nigériens")) == ["NE"]
    # A name of several words, and a demonym the collection does not use as a word.
    assert countries_of(engine.search("Malian migrants")) == ["ML"]
    assert countries_of(engine.search("Chadian workers")) == ["TD"]


def test_static_search_leaves_out_the_same_names(static):
    hits = run(static, "دعم مالي", "Chad Miller notes", "Niger", "Malian migrants")
    assert countries_of(hits["دعم مالي"]) == []
    assert countries_of(hits["Chad Miller notes"]) == []
    assert countries_of(hits["Niger"]) == ["NE"]
    assert countries_of(hits["Malian migrants"]) == ["ML"]
    assert hits["دعم مالي"]["ids"][0].startswith("tn-aide-")


DEMONYM_ENTRIES = [
    make_entry("tn-ote", "ar", "ديوان التونسيين بالخارج", "إحصاءات التونسيين المقيمين بالخارج.", countries=("TN",)),
    make_entry("ma-mre", "ar", "المغاربة المقيمون بالخارج", "إحصاءات المغاربة المقيمين بالخارج.", countries=("MA",)),
    make_entry("ly-lfs", "ar", "مسح القوى العاملة في ليبيا", "مسح القوى العاملة والعمال في ليبيا.", countries=("LY",)),
    make_entry("dz-lfs", "fr", "Enquête emploi en Algérie", "Enquête sur l'emploi des femmes en Algérie.",
               countries=("DZ",)),
    make_entry("regional", "ar", "العمال المهاجرون في المنطقة", "تقرير إقليمي عن العمال المهاجرين المقيمين بالخارج."),
]


@pytest.fixture(scope="module")
def demonym_engines(tmp_path_factory):
    from tests.search.test_static_index import both_engines

    return both_engines(tmp_path_factory, "kb-demonyms", DEMONYM_ENTRIES)


@pytest.mark.parametrize("q, code", [("تونسيون", "TN"), ("جزائريون", "DZ"), ("مغاربة", "MA"), ("تونسيات", "TN"),
                                     ("ليبيون", "LY"), ("المغربيين", "MA"), ("algériennes", "DZ"),
                                     ("العمال الليبيون", "LY")])
def test_both_engines_take_a_demonym_for_its_country_and_never_repair_it(demonym_engines, q, code):
    api, folder = demonym_engines
    found, offline = api.search(q), run(folder, q)[q]
    assert countries_of(found) == countries_of(offline) == [code], q
    # A demonym is a word of the languages: never "repaired" into another (المغربيين -> المغربيه).
    assert not [e for e in found["expansions"] + offline["expansions"] if e["kind"] == "spelling"], q
    assert found["results"] and found["results"][0]["countries"] == [code], q


MAGHREB_ENTRIES = [
    make_entry("uma-rapport", "ar", "تقرير اتحاد المغرب العربي عن الهجرة", "إحصاءات الهجرة في دول المغرب العربي.",
               countries=("MA", "TN", "DZ", "LY", "MR")),
    make_entry("ma-enquete", "ar", "البحث الوطني حول الهجرة في المغرب", "مسح الهجرة الدولية في المغرب.", countries=("MA",)),
    make_entry("tn-enquete", "ar", "المسح الوطني للهجرة في تونس", "مسح الهجرة الدولية في تونس.", countries=("TN",)),
    make_entry("regional", "fr", "Migration de travail au Maghreb", "Les statistiques de la migration au Maghreb arabe.",
               countries=()),
    # Moroccans with clitics: index words one letter from a region's word with a clitic (بالمغاربي).
    make_entry("ma-mre", "ar", "إحصاءات المغاربة المقيمين بالخارج",
               "إحصاءات خاصة بالمغاربة المقيمين بالخارج وللمغاربة العائدين والمغاربة في الداخل.", countries=("MA",)),
]


@pytest.fixture(scope="module")
def maghreb_engines(tmp_path_factory):
    from tests.search.test_static_index import both_engines

    return both_engines(tmp_path_factory, "kb-maghreb", MAGHREB_ENTRIES)


@pytest.mark.parametrize("q", ["المغرب العربي", "اتحاد المغرب العربي", "دول المغرب العربي", "الهجرة في المغرب العربي",
                               "الاتحاد المغاربي", "الدول المغاربية", "Maghreb arabe",
                               # a region's word with a clitic (و, ل): the browser took it for Morocco
                               "الدول العربية والمغاربية", "والمغاربي", "للمغاربي", "بالمغاربي", "والمغاربية"])
def test_neither_engine_takes_the_arab_maghreb_for_morocco(maghreb_engines, q):
    api, folder = maghreb_engines
    found, offline = api.search(q), run(folder, q)[q]
    assert countries_of(found) == countries_of(offline) == [], q
    # Nor is a region's word repaired into a demonym (المغاربي, Maghrebi, into المغاربه, Moroccans).
    assert not [e for e in found["expansions"] + offline["expansions"] if e["kind"] == "spelling"], q
    if "العربي" in q:  # no Morocco-only entry ahead of the Union's report
        assert [r["id"] for r in found["results"]][:1] == offline["ids"][:1] == ["uma-rapport"], q


def test_both_engines_still_take_al_maghrib_alone_for_morocco(maghreb_engines):
    api, folder = maghreb_engines
    q = "الهجرة في المغرب"
    assert countries_of(api.search(q)) == countries_of(run(folder, q)[q]) == ["MA"]
