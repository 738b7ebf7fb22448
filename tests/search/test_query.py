"""tools/search/query.py: query words, countries named, word lists, the relevance floor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.content.vocab import Vocabularies
from tools.search.query import (
    countries_named,
    coverage_needed,
    edit_distance,
    has_meaningful_words,
    in_dictionary,
    join_fragments,
    make_parser,
    parse,
    strong_needed,
)

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module


def codes(text, known=in_dictionary):
    return [code for code, _ in countries_named(text, known, vocabs=SHIPPED)]


@pytest.mark.parametrize("text, code", [
    ("Maroc", "MA"), ("المغرب", "MA"), ("Morocco", "MA"), ("marocains", "MA"), ("المغاربة", "MA"), ("Moroccan", "MA"),
    ("بالمغرب", "MA"), ("والجزائر", "DZ"), ("للجزائر", "DZ"), ("Algérie", "DZ"), ("algerian", "DZ"), ("جزائري", "DZ"),
    ("البحرين", "BH"), ("Tunisie", "TN"), ("تونسي", "TN"), ("Libye", "LY"), ("ليبيا", "LY"), ("الليبيين", "LY"),
    ("موريتانيا", "MR"), ("Mauritanie", "MR"), ("mauritanien", "MR"),
])
def test_countries_are_named_by_whole_words_in_three_languages(text, code):
    assert codes(text) == [code]


@pytest.mark.parametrize("text, code", [
    ("travailleurs égyptiens", "EG"), ("Egyptian workers", "EG"), ("العمال المصريون", "EG"),
    ("saisonniers espagnols", "ES"), ("Spanish", "ES"), ("الإسبانية", "ES"), ("employeurs italiens", "IT"),
    ("German", "DE"), ("الألمان", "DE"), ("Saudi employers", "SA"), ("السعودية", "SA"), ("Emirati", "AE"),
    ("الإمارات", "AE"), ("qatari", "QA"), ("Kuwaiti", "KW"), ("migrants sénégalais", "SN"),
    ("Malian migrants", "ML"), ("nigériens", "NE"), ("Chadian", "TD"), ("Sudanese", "SD"), ("la France", "FR"),
])
def test_destination_and_neighbour_countries_are_named_by_their_demonyms(text, code):
    # Entries name France, Spain, Italy, Germany, the Gulf states and the Sahel's countries as
    # destinations or origins: their demonyms in the three languages name them as well.
    assert codes(text) == [code]


@pytest.mark.parametrize("text, code", [
    ("العامل المغربي", "MA"), ("البنك المركزي التونسي", "TN"), ("المهاجر الجزائري", "DZ"),
    ("الاقتصاد الليبي", "LY"), ("الجزائريون في فرنسا", "DZ"), ("الليبيون", "LY"),
])
def test_arabic_demonyms_with_the_article_name_their_country(text, code):
    # المغاربة and الليبيين named their country, المغربي and الليبيون did not (found by breaker9).
    assert codes(text)[:1] == [code]


@pytest.mark.parametrize("text, code", [
    ("تونسيون", "TN"), ("جزائريون", "DZ"), ("مغاربة", "MA"), ("تونسيات", "TN"), ("ليبيون", "LY"), ("المغربيين", "MA"),
    ("العمال التونسيون", "TN"), ("النساء الجزائريات", "DZ"), ("موريتانيون", "MR"), ("الموريتانيات", "MR"),
    ("والليبيين", "LY"), ("بالمغربيات", "MA"), ("ليبية", "LY"), ("جزائرية", "DZ"), ("موريتانيين", "MR"),
    ("algériennes", "DZ"), ("libyennes", "LY"), ("mauritaniennes", "MR"), ("travailleuses marocaines", "MA"),
    ("Libyans", "LY"), ("Mauritanians", "MR"),
])
def test_demonyms_name_their_country_in_the_feminine_and_the_plural(text, code):
    # تونسيون, جزائريون, مغاربة, تونسيات, ليبيون, algériennes named no country, and المغربيين (a correct
    # word) was "repaired" into another (breaker12): each form is a country alias (vocabulary.yml).
    assert codes(text) == [code]


@pytest.mark.parametrize("text", ["المغرب العربي", "اتحاد المغرب العربي", "دول المغرب العربي", "بالمغرب العربي",
                                  "في المغرب الكبير", "الاتحاد المغاربي", "الدول المغاربية", "التكامل الاقتصادي المغاربي",
                                  "دعم الهجرة العادلة في المغرب العربي", "Union du Maghreb arabe", "Arab Maghreb Union"])
def test_a_region_whose_name_holds_a_country_s_names_no_country(text):
    # المغرب العربي (the Arab Maghreb) and its Union were taken for Morocco, المغرب (breaker12);
    # المغاربي (Maghrebi) for المغاربة (Moroccans), one letter away.
    assert codes(text) == []


@pytest.mark.parametrize("text, expected", [
    ("المغرب", ["MA"]), ("سوق الشغل في المغرب", ["MA"]), ("المغرب العربي والجزائر", ["DZ"]),
    ("الهجرة في المغرب العربي وفي المغرب", ["MA"]), ("المغاربة المقيمون بالخارج", ["MA"]),
    ("ديوان التونسيين بالخارج", ["TN"]), ("Office des Tunisiens à l'Etranger", ["TN"]),
])
def test_a_country_beside_or_outside_a_region_s_name_is_still_named(text, expected):
    assert codes(text) == expected


def test_a_glossary_name_names_a_country_only_if_its_other_languages_do(tmp_path):
    import shutil

    from tools.search.query import not_country_names

    for name in ("vocabulary.yml", "ui.yml"):
        shutil.copy(SHIPPED.data / name, tmp_path / name)
    (tmp_path / "glossary.yml").write_text("""terms:
  - id: uma
    fr: {term: Union du Maghreb arabe}
    ar: {term: اتحاد المغرب العربي}
    en: {term: Arab Maghreb Union}
  - id: ote
    fr: {term: Office des Tunisiens à l'Etranger}
    ar: {term: ديوان التونسيين بالخارج}
    en: {term: Office for Tunisians Abroad}
""", encoding="utf-8")
    vocabs = Vocabularies.load(tmp_path)
    vocabs.vocabulary["not_countries"] = []  # the glossary's rule alone
    assert not_country_names(vocabs) == {("اتحاد", "المغرب", "العربي")}
    assert countries_named("اتحاد المغرب العربي", in_dictionary, vocabs) == []
    assert [c for c, _ in countries_named("ديوان التونسيين بالخارج", in_dictionary, vocabs)] == ["TN"]
    # Without the glossary's concept, the words name Morocco: the rule comes from the glossary.
    assert [c for c, _ in countries_named("المغرب العربي", in_dictionary, vocabs)] == ["MA"]


@pytest.mark.parametrize("text", ["الصيد البحري", "البحري", "التعاون البحري", "بحري", "maritime",
                                  "tunis", "libre", "nigerian workers", "algèbre"])
def test_no_country_from_a_stem_or_a_real_word(text):
    assert codes(text) == []


@pytest.mark.parametrize("text, code", [("Mauritana", "MR"), ("Mauritanei", "MR"), ("Marocco", "MA"),
                                        ("Tunisiaa", "TN"), ("Algerai", "DZ")])
def test_misspelt_country_of_more_than_six_letters_is_recognised(text, code):
    assert codes(text) == [code]


def test_short_or_known_words_are_not_fuzzy_matched():
    assert codes("Maroq") == []  # five letters: no edit distance allowed
    assert codes("mauritana", known=lambda w: True) == []  # a real word is not a misspelt country
    assert codes("franchise", known=lambda w: True) == []
    assert codes("المصرفية", known=lambda w: True) == []  # 'banking' is not Egypt (المصرية)


@pytest.mark.parametrize("text, code", [("Mauretania", "MR"), ("Franchise", "FR"), ("MAURETANIA", "MR")])
def test_a_real_word_typed_as_a_name_may_be_a_misspelt_country(text, code):
    # The word lists are lower-cased and hold names ('mauretania'): a capital says the typist means one.
    assert codes(text, known=lambda w: True) == [code]


def test_country_names_of_several_words():
    assert codes("Arabie saoudite") == ["SA"]
    assert codes("enquête emploi au Maroc et en Tunisie") == ["MA", "TN"]


@pytest.mark.parametrize("a, b, limit, expected", [
    ("mauritana", "mauritania", 2, 1), ("maroc", "maroc", 1, 0), ("marcoo", "maroco", 2, 1),  # transposition
    ("abc", "xyzuvw", 2, 3), ("", "ab", 2, 2),
])
def test_edit_distance(a, b, limit, expected):
    assert edit_distance(a, b, limit) == expected


def _reference_edit_distance(a: str, b: str, limit: int) -> int:
    """The restricted Damerau-Levenshtein distance as the engine computed it in Python before
    rapidfuzz's OSA (and as kb-engine.js still does), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


@given(st.text(alphabet="abcdeاتب", max_size=10), st.text(alphabet="abcdeاتب", max_size=10),
       st.integers(min_value=0, max_value=3))
def test_edit_distance_is_the_reference_loop_s(a, b, limit):
    assert edit_distance(a, b, limit) == _reference_edit_distance(a, b, limit)


@pytest.mark.parametrize("word", ["الصيد", "البحري", "والصيد", "stats", "chomage", "etat", "travailleurs", "survey"])
def test_real_words_are_in_the_word_lists(word):
    assert in_dictionary(word)


@pytest.mark.parametrize("word", ["recensment", "tranferts", "mauritana", "qzxv"])
def test_misspellings_are_not_in_the_word_lists(word):
    assert not in_dictionary(word)


@pytest.mark.parametrize("q, expected", [
    ("emploi", True), ("10.7.1", True), ("a emploi", True), ("@", False), ("😀", False), ("a", False),
    ("de la", False), ("the of", False), ("في من", False), ("AND OR NOT", False), ("* ? !", False), ("", False),
])
def test_has_meaningful_words(q, expected):
    assert has_meaningful_words(q) is expected


def test_floor_and_strong_thresholds():
    assert [coverage_needed(n) for n in (1, 2, 3, 4, 5, 8)] == [1, 1, 2, 2, 3, 4]
    assert [strong_needed(n) for n in (1, 2, 3, 4, 5, 8)] == [1, 2, 3, 3, 4, 6]


def test_parser_has_no_coordination_factor():
    # OrGroup.factory(0.9) set `scale`, whose coordination multiplied one-term matches by 0.
    q = parse(make_parser(), "emploi chomage")
    assert getattr(q, "scale", None) is None


def test_best_of_scores_each_document_by_its_own_matches():
    """BestOf (a concept's names) scores a document by the best of the names it contains;
    Whoosh's DisjunctionMax gave a document the score of another document's match."""
    from whoosh import fields
    from whoosh.filedb.filestore import RamStorage
    from whoosh.query import Term

    from tools.search.query import BestOf

    ix = RamStorage().create_index(fields.Schema(id=fields.ID(stored=True), text=fields.TEXT))
    with ix.writer() as w:
        w.add_document(id="once", text="alpha filler filler filler filler filler filler filler")
        w.add_document(id="often", text="beta beta beta beta")
        w.add_document(id="both", text="alpha beta")
    with ix.searcher() as s:
        def scores(q):
            return {hit["id"]: hit.score for hit in s.search(q, limit=None)}

        alpha, beta = scores(Term("text", "alpha")), scores(Term("text", "beta"))
        best = scores(BestOf([Term("text", "alpha"), Term("text", "beta")]))
    assert best.keys() == {"once", "often", "both"}
    assert best["once"] == pytest.approx(alpha["once"])
    assert best["often"] == pytest.approx(beta["often"])
    assert best["both"] == pytest.approx(max(alpha["both"], beta["both"]))


def test_inflected_typed_name_is_not_searched_again_as_another_name(tmp_path):
    """'transfert de fonds' typed: the glossary's 'transferts de fonds' is the same name in the
    plural (same French terms) and is not added as a phrase; 'remittances' is."""
    from functools import partial

    from whoosh import query as wq

    from tools.search import glossary
    from tools.search.query import build, make_parser

    path = tmp_path / "glossary.yml"
    path.write_text("terms:\n  - id: remittances\n    acronyms: []\n    fr: {term: transferts de fonds}\n"
                    "    ar: {term: تحويلات}\n    en: {term: remittances}\n", encoding="utf-8")
    plan = build(make_parser(), "transfert de fonds", partial(glossary.expand, path=path),
                 lambda w: False, lambda w: None)
    assert [e["concept"] for e in plan.expansions if e["kind"] == "glossary"] == ["remittances"]
    phrases = {tuple(q.words) for q in plan.query.leaves() if isinstance(q, wq.Phrase) and q.fieldname == "title_fr"}
    terms = {t for f, t in plan.query.all_terms() if f == "title_en"}
    assert ("transfert", "fond") not in phrases
    assert "remitt" in terms or b"remitt" in terms


PLAIN_TEXTS = ["enquête", "enquête emploi", "l'OIT", "sous-emploi", "de", "la de", "x", "emploi emploi",
               "العمل بالخارج", "بالمغرب والجزائر", "Labour force survey", "10.7.1 2020-2025",
               "'single' quotes", "Maroc  \t Tunisie", "🙂", "—", "¿qué?", "and or not",
               "Conférence internationale des statisticiens du travail", "travailleurs migrants de retour"]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_plain_query_is_the_parsers_query(text):
    """Plain words turned into a query directly give the parser's query: same terms, fields,
    boosts and order, duplicates dropped, a single term alone, nothing as NullQuery."""
    from whoosh import query as wq

    from tools.search.query import make_parser, plain_query

    parser = make_parser()
    fast, slow = plain_query(parser, text), parser.parse(text)
    assert fast is not None
    assert type(fast) is type(slow) and fast == slow and repr(fast) == repr(slow)
    if isinstance(slow, wq.Or):
        assert (fast.boost, fast.minmatch, fast.scale) == (slow.boost, slow.minmatch, slow.scale)


@pytest.mark.parametrize("text", ["emploi:MA mig* emploi^3", "e-mail co-operation/OIT"])
def test_a_word_cut_in_several_tokens_is_left_to_the_parser(text):
    """A word that an analyser cuts in several tokens ('emploi:MA') makes the parser build a group:
    plain_query leaves it to the parser."""
    from tools.search.query import make_parser, plain_query

    assert plain_query(make_parser(), text) is None


@pytest.mark.parametrize("text", ['"enquête emploi"', "migration NOT retour", "emploi AND chômage", "(emploi)",
                                  "REQUIRE emploi", "a OR b"])
def test_plain_query_leaves_syntax_to_the_parser(text):
    from tools.search.query import make_parser, plain_query

    assert plain_query(make_parser(), text) is None


# -- a word cut in two by a pasted space or zero-width space is joined again -----------------

INDEX_WORDS = {"immatriculation", "harmonisation", "trimestrielle"}
REAL_WORDS = INDEX_WORDS | {"harmonisa", "des", "flux", "gestion", "consulaire", "ment", "enrole"}


@pytest.mark.parametrize("text, joined, rejoined", [
    ("immatricu lation consulaire", "immatriculation consulaire", [("immatricu lation", "immatriculation")]),
    ("harmonisa tion des flux", "harmonisation des flux", [("harmonisa tion", "harmonisation")]),  # one real part
    ("trimestri\u200belle", "trimestrielle", [("trimestri elle", "trimestrielle")]),
    ("gestion des flux", "gestion des flux", []),  # words of the language: left as typed
    ("enrole ment", "enrole ment", []),  # both real words: not joined, though the index had 'enrolement'
    ("immatricu, lation", "immatricu, lation", []),  # punctuation between: two words
    ("xyz lation", "xyz lation", []),  # the concatenation is no index word
])
def test_join_fragments_joins_a_word_cut_in_two(text, joined, rejoined):
    out, found = join_fragments(text, lambda w: w in REAL_WORDS, lambda w: w in INDEX_WORDS | {"enrolement"})
    assert out == joined
    assert found == rejoined


def test_without_exclusions_keeps_what_is_searched_and_leaves_the_query_as_it_was():
    """What remains of a query once its exclusions are taken out (the engine drops the entries
    matching them afterwards): an AndNot's `a`; a Not in an And dropped; a Not elsewhere every
    document (Whoosh's InverseMatcher matches all the others, scored 1)."""
    from whoosh import query as wq

    from tools.search.query import Excluding, without_exclusions

    a, b, c = wq.Term("body_fr", "emploi"), wq.Term("body_fr", "recens"), wq.Term("body_fr", "migr")
    q = wq.Or([Excluding(a, b), wq.And([c, wq.Not(b)]), wq.Not(c)])
    assert without_exclusions(q) == wq.Or([a, wq.And([c]), wq.Every()])
    assert q == wq.Or([Excluding(a, b), wq.And([c, wq.Not(b)]), wq.Not(c)])
