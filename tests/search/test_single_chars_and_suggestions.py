"""Issue 12, second round: one-character tokens are not words (a query of only digits, letters
and SQL or shell punctuation answers nothing, with the hint, in both engines; numbers of two
characters or more stay searchable), and "did you mean" and spelling repairs stay within the
word typed (no other real word, no acronym turned into another, no code rewritten)."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run
from tools.search import query as qry
from tools.search.analysis import meaningful

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("visas", "en", "Work visas granted in 2019", "Visas for 15 occupations, counted every quarter.",
               body="Table 4 lists the visas by occupation."),
    make_entry("items", "en", "Household roster", "Each member gets a line: 1, 2, 3 and 4 in the roster.",
               body="Step 1 then step 2; option 3."),
    make_entry("profil", "fr", "Profil des migrants de retour", "Le profil des migrants revenus au pays."),
    make_entry("harmon", "fr", "Harmonisation des concepts", "L'harmonisation des définitions de l'emploi."),
    make_entry("unfpa", "en", "UNFPA census support", "The UNFPA supports the census round."),
    make_entry("united", "ar", "الأمم المتحدة والهجرة", "تقرير الأمم المتحدة عن الهجرة الدولية."),
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    return both_engines(tmp_path_factory, "kb-single", ENTRIES)


def test_a_single_character_is_not_a_meaningful_word_but_longer_numbers_are():
    assert not any(meaningful(w) for w in ("1", "7", "x", "0", "."))
    assert all(meaningful(w) for w in ("15", "2019", "10.7.1", "c1"))


QUERIES_OF_NOTHING = ["7", "a 3 x", "x=1; --", "1' AND '2'='2", "0 OR 0", "; | & 9"]


def test_a_query_of_single_characters_and_punctuation_answers_nothing_with_the_hint(engines):
    api, folder = engines
    offline = run(folder, *QUERIES_OF_NOTHING)
    for q in QUERIES_OF_NOTHING:
        found = api.search(q)
        assert (found["total"], found["strong"], found["hint_code"]) == (0, False, "no_terms"), q
        assert (offline[q]["total"], offline[q]["hint_code"]) == (0, "no_terms"), q


def test_years_and_numbers_of_two_digits_stay_searchable_in_both_engines(engines):
    api, folder = engines
    offline = run(folder, "2019", "15")
    for q in ("2019", "15"):
        assert [r["id"] for r in api.search(q)["results"]] == ["visas"], q
        assert offline[q]["ids"] == ["visas"], q


def test_a_single_digit_beside_a_word_brings_no_entry_in_nor_makes_the_match_strong(engines):
    api, folder = engines
    # 'items' holds 4 but not 'visas': it is not kept, and 'visas 4' is answered as 'visas'.
    offline = run(folder, "visas 4", "roster 9")
    assert [r["id"] for r in api.search("visas 4")["results"]] == ["visas"]
    assert offline["visas 4"]["ids"] == ["visas"]
    # 'roster 9': one unit (roster), fully covered: strong; the 9 no entry has counts for nothing.
    assert api.search("roster 9")["strong"] is True and offline["roster 9"]["strong"] is True


@pytest.mark.parametrize("word, real, typed, limit", [
    ("profit", True, "profit", 0),            # a real word of six letters: no other word offered
    ("harmonization", True, "harmonization", 1),
    ("html", False, "html", 1),
    ("migraton", False, "migraton", 2),
    ("c088", False, "C088", 0),               # a code
    ("cati", False, "CATI", 0),               # an acronym typed in capitals
    ("المتكبده", False, "المتكبدة", 1),          # Arabic: letters counted without the article
    ("الاستئمانيه", False, "الاستئمانية", 2),
])
def test_how_far_a_suggestion_may_go_depends_on_the_word_s_kind_and_length(word, real, typed, limit):
    assert qry.suggestion_limit(word, real, typed) == limit


def test_same_start_compares_arabic_words_after_their_article():
    assert qry.same_start("profit", "profil") and not qry.same_start("best", "test")
    assert not qry.same_start("الحقل", "العمل") and qry.same_start("الحقل", "حقول")
    assert qry.same_start("المراصد", "المرصد")


def test_a_real_word_missing_from_the_collection_is_offered_no_other_word(engines):
    api, _ = engines
    # 'profit' is one letter from 'profil', 'profits' two: real words both, not misspelt.
    for q in ("profit", "profits"):
        assert api.search(q)["did_you_mean"] is None, q
    # The same word in another spelling is still offered.
    assert api.search("harmonization")["did_you_mean"] == "harmonisation"


def test_an_arabic_word_is_not_offered_a_word_of_another_root(engines):
    api, _ = engines
    # 'المتكبدة' (incurred) differs from 'المتحدة' (united) by two letters of its root.
    assert api.search("المتكبدة")["did_you_mean"] is None


def test_an_acronym_in_capitals_is_neither_repaired_nor_offered_another_in_both_engines(engines):
    api, folder = engines
    offline = run(folder, "UNFPB census", "unfpb census")
    found = api.search("UNFPB census")
    assert not any(e["kind"] == "spelling" for e in found["expansions"])
    assert not any(e["kind"] == "spelling" for e in offline["UNFPB census"]["expansions"])
    assert found["did_you_mean"] is None
    # Typed in lower case it is a word with a typo, repaired in both.
    lower = api.search("unfpb census")
    assert any(e["kind"] == "spelling" and e["added"] == ["unfpa"] for e in lower["expansions"])
    assert any(e["kind"] == "spelling" and e["added"] == ["unfpa"] for e in offline["unfpb census"]["expansions"])


def test_a_query_of_control_characters_answers_nothing_with_the_hint_while_spaces_browse_the_api(engines):
    # '%00' reached the API as '\x00', blanked to '' and answered like an empty box: every entry.
    api, folder = engines
    controls = ["\x00", "\x01\x7f", " \x00 ", "\x1c", "\x85", "\x1f\x1e"]  # str.strip() takes the last three for spaces
    offline = run(folder, *controls)
    for q in controls:
        found = api.search(q)
        assert (found["total"], found["strong"], found["hint_code"]) == (0, False, "no_terms"), repr(q)
        assert (offline[q]["total"], offline[q]["hint_code"]) == (0, "no_terms"), repr(q)
    assert api.search("   ")["total"] == len({e.id for e in ENTRIES})  # an empty box still browses


QUESTION_ENTRIES = [
    make_entry("how", "en", "How and where migrants work", "What is measured, when and why: how migrants work."),
    make_entry("kayf", "ar", "كيف يتم قياس الهجرة", "ماذا نقيس ومتى وأين: هل يمكن قياس الهجرة"),
    make_entry("quel", "fr", "Quel emploi pour les migrants", "Pourquoi mesurer : quand, quelle enquête."),
    # 'comment' is an English noun (the ILO supervisory bodies' comments), not taken out.
    make_entry("ceacr-comments", "en", "Comments of the CEACR on migrant workers",
               "Direct requests of the Committee of Experts, and a comment on labour migration statistics."),
    make_entry("ceacr-survey", "en", "CEACR general survey: the CEACR on migrant workers",
               "The CEACR's general survey on the migrant workers instruments; CEACR reports."),
]
# Each question word of the three languages (analysis.question_words) alone, and a few together.
QUESTIONS_ONLY = ["what is the", "how", "where when why", "ال", "كيف", "ماذا هل", "أين متى", "quel", "et pourquoi",
                  "what", "How", "where", "when", "why", "whose", "quelles", "Quels", "quelle", "pourquoi", "quand",
                  "ماذا", "لماذا", "أين", "متى", "هل"]


@pytest.fixture(scope="module")
def question_engines(tmp_path_factory):
    return both_engines(tmp_path_factory, "kb-questions", QUESTION_ENTRIES)


def test_question_words_and_the_arabic_article_alone_answer_nothing_with_the_hint(question_engines):
    # 'what is the' found 4 entries marked strong, 'ال' nothing and no hint (breaker12): question
    # words of the three languages and the article typed alone are stop words.
    api, folder = question_engines
    offline = run(folder, *QUESTIONS_ONLY)
    for q in QUESTIONS_ONLY:
        found = api.search(q)
        assert (found["total"], found["strong"], found["hint_code"]) == (0, False, "no_terms"), q
        assert (offline[q]["total"], offline[q]["hint_code"]) == (0, "no_terms"), q


def test_comment_is_searched_as_the_english_noun_in_both_engines(question_engines):
    # 'comment' was taken out as a French question word: no_terms alone, and 'CEACR comment'
    # searched 'CEACR' only, which put the general survey first (review of session 12).
    api, folder = question_engines
    offline = run(folder, "comment", "CEACR comment")
    assert [r["id"] for r in api.search("comment")["results"]] == offline["comment"]["ids"] == ["ceacr-comments"]
    found = api.search("CEACR comment")
    assert [r["id"] for r in found["results"]][:1] == offline["CEACR comment"]["ids"][:1] == ["ceacr-comments"]


def test_a_question_finds_what_its_other_words_ask_for(question_engines):
    api, folder = question_engines
    q = "how do migrants work"
    assert [r["id"] for r in api.search(q)["results"]][:1] == ["how"]
    assert run(folder, q)[q]["ids"][:1] == ["how"]


QUESTION_CASES = [
    ("what is the", "is the"), ("how are remittances measured", "are remittances measured"),
    ('"how to" measure', '"how to" measure'), ("كيف يتم قياس تحويلات", "يتم قياس تحويلات"),
    ("Pourquoi mesurer les transferts ?", "mesurer les transferts ?"), ("whatever", "whatever"),
    ("CEACR comment", "CEACR comment"),
    ("emploi NOT quand", "emploi NOT"),
]


@pytest.mark.parametrize("typed, searched", QUESTION_CASES)
def test_question_words_are_taken_out_of_a_query(typed, searched):
    assert qry.without_question_words(typed) == searched


def test_the_browser_takes_the_same_question_words_out(tmp_path):
    from tests.search.test_query_syntax import engine_calls
    from tools.search.analysis import question_words

    asked = {w: 1 for w in question_words()}
    assert engine_calls(tmp_path, "withoutQuestionWords", [c[0] for c in QUESTION_CASES], asked) == [
        c[1] for c in QUESTION_CASES]
