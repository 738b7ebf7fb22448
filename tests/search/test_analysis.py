"""tools/search/analysis.py: the folding, tokenising and stemming that indexing and querying share."""

from __future__ import annotations

import re
import unicodedata

import pytest

from tools.search.analysis import (
    TOKEN_PATTERN,
    WORD_RE,
    analyse,
    arabic_light_stem,
    compound_parts,
    join_compound,
    join_stopword_compounds,
    markdown_to_text,
    meaningful,
    normalize,
    stem,
    strip_elision,
)

# -- normalize ---------------------------------------------------------------------------------


def test_nfc_comes_first_for_alef_with_hamza():
    decomposed = "\u0627\u0654"  # alef + combining hamza above
    assert decomposed != "أ"
    assert normalize(decomposed) == normalize("أ") == "ا"
    assert normalize("\u0627\u0655") == normalize("إ") == "ا"  # hamza below
    assert normalize("\u0627\u0653") == normalize("آ") == "ا"  # madda


def test_nfc_comes_first_so_hamza_on_waw_and_ya_is_kept():
    # Without NFC before tashkeel removal, the combining hamza would be stripped as a mark and
    # 'مسؤول' typed decomposed would become 'مسوول'.
    assert normalize("مسو\u0654ول") == normalize("مسؤول") == "مسؤول"
    assert normalize(unicodedata.normalize("NFD", "هيئة")) == normalize("هيئة") == "هيئه"


def test_tashkeel_and_tatweel_are_removed():
    assert normalize("الهِجْرَةُ") == "الهجره"
    assert normalize("مُهَاجِرٌ") == "مهاجر"
    assert normalize("شدّة") == "شده"
    assert normalize("مـــهـاجر") == "مهاجر"


@pytest.mark.parametrize("letter", ["أ", "إ", "آ", "ٱ"])
def test_alef_variants_fold_to_bare_alef(letter):
    assert normalize(letter + "حمد") == "احمد"


def test_alef_maqsura_folds_to_ya():
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("على") == normalize("علي")


def test_ta_marbuta_folds_to_ha():
    assert normalize("الهجرة") == normalize("الهجره") == "الهجره"
    assert normalize("العمالة") == "العماله"


def test_arabic_letters_keep_their_hamza_outside_alef():
    # Latin accent removal must not touch Arabic letters (ؤ, ئ, ء are letters, not accents).
    assert normalize("سؤال") == "سؤال"
    assert normalize("بيئة") == "بيئه"
    assert normalize("جزء") == "جزء"


def test_arabic_indic_digits_become_ascii():
    assert normalize("٢٠١٨") == "2018"
    assert normalize("۲۰۱۸") == "2018"  # Eastern (Persian) forms
    assert normalize("سنة ٢٠١٨") == "سنه 2018"


def test_french_accents_and_case():
    assert normalize("DONNÉES") == "donnees"
    assert normalize("Données") == normalize("donnees") == normalize("DONNEES")
    assert normalize("Émigration À l'étranger") == "emigration a l'etranger"
    assert normalize("Ça") == "ca"


def test_ligatures():
    assert normalize("Œuvre") == "oeuvre"
    assert normalize("main-d'œuvre") == "main-d'oeuvre"
    assert normalize("cæcum") == "caecum"


def test_decomposed_latin_accents_fold_like_precomposed():
    nfd = unicodedata.normalize("NFD", "Enquête données")
    assert nfd != "Enquête données"
    assert normalize(nfd) == "enquete donnees"


def test_typographic_apostrophes_fold_to_ascii():
    assert normalize("l’emploi") == normalize("l‘emploi") == normalize("lʼemploi") == "l'emploi"


def test_control_characters_become_spaces():
    assert normalize("a\x00b\x07c\x7fd") == "a b c d"
    assert normalize("a\tb\nc") == "a\tb\nc"  # tab and newline are kept


# -- elision -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word, expected", [
    ("l'emploi", "emploi"), ("d'origine", "origine"), ("qu'il", "il"), ("jusqu'au", "au"),
    ("lorsqu'elle", "elle"), ("s'installer", "installer"), ("n'est", "est"),
])
def test_elision_is_stripped(word, expected):
    assert strip_elision(word) == expected


@pytest.mark.parametrize("word", ["aujourd'hui", "emploi", "l'", "quelqu'un", "main-d'oeuvre"])
def test_words_without_a_leading_elision_are_left_alone(word):
    assert strip_elision(word) == word


def test_analyse_strips_elision_with_any_apostrophe():
    assert analyse("l'emploi", "fr") == analyse("L’emploi", "fr") == analyse("emploi", "fr")
    assert analyse("qu'il", None) == ["il"]


# -- analyse -----------------------------------------------------------------------------------


def test_french_plural_and_case_share_a_stem():
    assert analyse("migrants", "fr") == analyse("Migrants", "fr") == analyse("migrant", "fr")
    assert analyse("données", "fr") == analyse("donnees", "fr") == analyse("DONNÉES", "fr")


def test_french_stop_words_are_dropped():
    assert analyse("Enquête nationale sur l'emploi et la migration", "fr") == \
        analyse("enquete nationale emploi migration", "fr")
    assert len(analyse("le la les de du des", "fr")) == 0


def test_english_plural_shares_a_stem():
    assert analyse("workers", "en") == analyse("worker", "en") == analyse("Workers", "en") == ["worker"]
    assert analyse("the survey of the workers", "en") == ["survey", "worker"]


def test_language_neutral_analysis_folds_without_stemming():
    assert analyse("Enquête nationale sur l'emploi", None) == ["enquete", "nationale", "sur", "emploi"]


def test_dotted_numbers_stay_one_token():
    assert analyse("SDG 10.7.1 en 2018", "fr") == ["sdg", "10.7.1", "2018"]
    assert analyse("المؤشر ١٠.٧.١", "ar")[-1] == "10.7.1"


def test_numbers_are_not_stemmed():
    assert stem("2018", "fr") == "2018"
    assert stem("٢٠١٨".translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")), "ar") == "2018"


@pytest.mark.parametrize("words, expected", [
    (["الهجرة", "للهجرة", "هجرة", "الهجره", "الهِجْرَة", "والهجرة", "بالهجرة"], "هجر"),
    (["المهاجرين", "مهاجر", "مهاجرون", "المهاجرون", "مهاجرين"], "مهاجر"),
    (["التحويلات", "تحويلات"], "تحويل"),
    (["العمال", "العمالة", "عمال"], "عمال"),
])
def test_arabic_domain_word_families_share_a_pinned_stem(words, expected):
    for word in words:
        assert analyse(word, "ar") == [expected], word


def test_arabic_stemmer_keeps_short_words():
    # Light10 leaves at least two letters after a prefix and three after a suffix.
    assert arabic_light_stem("بيت") == "بيت"
    assert arabic_light_stem("ال") == "ال"
    assert arabic_light_stem("بها") == "بها"
    assert arabic_light_stem("كتبها") == "كتب"
    assert arabic_light_stem("ولد") == "ولد"  # a leading waw is only a conjunction on longer words


def test_arabic_stop_words_are_dropped():
    assert analyse("الهجرة في تونس", "ar") == ["هجر", "تونس"]


def test_unknown_language_folds_without_stemming():
    assert stem("migrants", "de") == "migrants"


def test_nfd_french_words_analyse_like_nfc():
    """Text typed with combining accents (NFD, as macOS and some keyboards send it) must give the
    same terms as precomposed text: the module promises 'NFC first'."""
    for word in ("enquête", "données", "Émigration"):
        nfd = unicodedata.normalize("NFD", word)
        assert analyse(nfd, "fr") == analyse(word, "fr"), word
        assert analyse(nfd, None) == analyse(word, None), word


# -- markdown_to_text --------------------------------------------------------------------------


def test_markdown_to_text_drops_urls_marks_and_tags():
    md = ("# Titre principal\n\n## Contexte\n\nVoir [le site du HCP](https://www.hcp.ma/enquete) et "
          "![logo](img/logo.png).\n\n> Une citation\n\n- un **point** fort\n- un _autre_\n1. premier\n\n"
          "Texte <b>gras</b> <script>alert(1)</script> fin.")
    text = markdown_to_text(md)
    assert "https://" not in text and "hcp.ma" not in text and "logo.png" not in text
    assert "le site du HCP" in text
    assert "#" not in text and ">" not in text and "<" not in text
    assert "**" not in text and "_autre_" not in text
    assert "Titre principal" in text and "Contexte" in text and "Une citation" in text
    assert "un point fort" in text and "un autre" in text and "premier" in text
    assert "gras" in text
    assert "<script>" not in text and "<b>" not in text
    assert "\n\n" not in text


def test_markdown_to_text_keeps_arabic_text():
    assert markdown_to_text("## السياق\n\nتحويلات **العمال**.") == "السياق\nتحويلات العمال."


# -- compatibility forms, invisible characters, other keyboards (issue 12) ---------------------


@pytest.mark.parametrize("typed, plain", [
    ("ﬁchier", "fichier"), ("ﬂux", "flux"), ("eﬀectif", "effectif"), ("ﬃ", "ffi"),  # ligatures
    ("ｅｍｐｌｏｉ", "emploi"), ("ＯＩＴ", "oit"), ("２０１８", "2018"),  # fullwidth
    ("m²", "m2"), ("10ᵉ", "10e"), ("H₂O", "h2o"),  # superscripts and subscripts
    ("Ⅻ", "xii"), ("ſ", "s"),
])
def test_compatibility_forms_fold_to_plain_letters(typed, plain):
    assert normalize(typed) == plain


@pytest.mark.parametrize("presentation, base", [
    ("ﺍﻟﻌﻤﻞ", "العمل"),  # isolated/initial/medial/final forms
    ("ﻻ", "لا"),  # lam-alef ligature
    ("ﺍﻟﻬﺠﺮﺓ", "الهجره"),  # final ta marbuta form, then folded like ة
    ("ﺃﺟﺎﻧﺐ", "اجانب"),  # alef with hamza form, then folded like أ
    ("ﷲ", "الله"),
])
def test_arabic_presentation_forms_map_to_base_letters(presentation, base):
    assert normalize(presentation) == base


@pytest.mark.parametrize("mark", ["\u00ad", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f",
                                  "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                  "\u2068", "\u2069"])
def test_invisible_characters_inside_a_word_are_removed(mark):
    assert normalize(f"em{mark}ploi") == "emploi"
    assert normalize(f"الهج{mark}رة") == "الهجره"
    assert analyse(f"travailleurs em{mark}ploi", "fr") == analyse("travailleurs emploi", "fr")


def test_a_zero_width_space_separates_words():
    # U+200B marks a line-break opportunity between words: two words, as with a space.
    assert normalize("enquête\u200bemploi") == "enquete emploi"
    assert analyse("enquête\u200bemploi", "fr") == analyse("enquête emploi", "fr")
    assert analyse("الهجرة\u200bالعمل", "ar") == analyse("الهجرة العمل", "ar")
    # while ZWNJ inside a Persian or Arabic word still joins it
    assert analyse("می\u200cخواهم", "ar") == analyse("میخواهم", "ar")


@pytest.mark.parametrize("persian, arabic", [
    ("تحویلات", "تحويلات"),  # ی U+06CC for ي
    ("کفاءات", "كفاءات"),  # ک U+06A9 for ك
    ("ڪفاءات", "كفاءات"),  # ڪ U+06AA (swash kaf)
    ("مهاجرۀ", "مهاجرة"), ("مهاجرہ", "مهاجرة"), ("مهاجرە", "مهاجرة"), ("مهاجرۃ", "مهاجرة"),  # heh/ta variants
    ("ھجرة", "هجرة"),  # heh doachashmee
    ("۲۰۱۹", "2019"), ("٢٠١٩", "2019"),  # Persian and Arabic-Indic digits
])
def test_persian_and_urdu_letters_fold_to_arabic(persian, arabic):
    assert normalize(persian) == normalize(arabic)
    assert analyse(persian, "ar") == analyse(arabic, "ar")


def test_arabic_with_persian_keyboard_and_presentation_forms_stems_alike():
    assert analyse("ﺍﻟﺘﺤﻮﻳﻼﺕ", "ar") == analyse("التحویلات", "ar") == analyse("التحويلات", "ar")


def test_compound_parts_and_joined_form():
    assert compound_parts("sous-emploi") == ["sous", "emploi"]
    assert compound_parts("main\u2011d'œuvre") == ["main", "d'œuvre"]  # non-breaking hyphen
    assert compound_parts("emploi") == ["emploi"]
    assert join_compound("sous-emploi") == "sousemploi"


def test_words_split_compounds_but_index_tokens_keep_them():
    assert WORD_RE.findall("le sous-emploi") == ["le", "sous", "emploi"]
    assert re.findall(TOKEN_PATTERN, "le sous-emploi 10.7.1") == ["le", "sous-emploi", "10.7.1"]


@pytest.mark.parametrize("word, expected", [
    ("emploi", True), ("ENE", True), ("10.7.1", True), ("2018", True), ("15", True), ("7", False), ("الهجره", True),
    ("a", False), ("l", False), ("des", False), ("the", False), ("في", False), ("@", False), ("", False),
])
def test_meaningful_words(word, expected):
    assert meaningful(normalize(word)) is expected


@pytest.mark.parametrize(("text", "joined"), [
    ("le sous-emploi des jeunes", "le sousemploi des jeunes"),
    ("sous‑emploi", "sousemploi"),  # non-breaking hyphen U+2011
    ("main-d'œuvre qualifiée", "main-d'œuvre qualifiée"),  # no stop word among the parts: kept
    ("auto-entrepreneur", "auto-entrepreneur"),
    ("plan-B", "planB"),  # a single letter is no word either
])
def test_join_stopword_compounds(text, joined):
    assert join_stopword_compounds(text) == joined


@pytest.mark.parametrize(("word", "same", "other"), [
    ("employer", "employers", "employment"),
    ("foreigner", "foreigners", "foreign"),
    ("customer", "customers", "customs"),
    ("producer", "producers", "produce"),
])
def test_english_agent_nouns_are_not_merged_with_the_activity(word, same, other):
    assert stem(word, "en") == stem(same, "en") != stem(other, "en")


def test_english_stemming_still_merges_inflections():
    assert stem("employment", "en") == stem("employed", "en") == stem("employing", "en")
    assert stem("workers", "en") == stem("worker", "en")


def test_the_arabic_article_alone_is_not_meaningful():
    assert not meaningful(normalize("ال"))


# -- the C stemmers ----------------------------------------------------------------------------


def _reference_words(lang: str) -> list[str]:
    """Every 10th word of the language's spelling dictionary (pyspellchecker) and every word of the
    shipped entries, folded as the analysers fold them: ~15,000-18,000 words per language."""
    from spellchecker import SpellChecker

    words = sorted(SpellChecker(language=lang).word_frequency.dictionary)[::10]
    from pathlib import Path

    for path in sorted(Path("practices").rglob("*.md")):
        words += sorted(set(WORD_RE.findall(normalize(path.read_text(encoding="utf-8")))))
    return [w for w in words if w.isalpha()]


@pytest.mark.parametrize("lang, reference", [("fr", "FrenchStemmer"), ("en", "EnglishStemmer")])
def test_c_stemmer_gives_the_pure_python_snowball_stems(lang, reference):
    # PyStemmer (Snowball compiled to C) replaced the pure-Python snowballstemmer for speed; a
    # version bump of either could change stems and so what a query finds. Both come from the
    # same Snowball source: they must agree word for word.
    import importlib

    from tools.search import analysis

    module = importlib.import_module(f"snowballstemmer.{reference.removesuffix('Stemmer').lower()}_stemmer")
    pure = getattr(module, reference)()
    words = _reference_words(lang)
    assert len(words) > 10_000
    fast = analysis._stemmer(lang)
    differ = [(w, pure.stemWord(w), fast.stemWord(w)) for w in words if pure.stemWord(w) != fast.stemWord(w)]
    assert differ == []
    # Not a vacuous comparison: the stemmers do cut words.
    assert sum(fast.stemWord(w) != w for w in words) > len(words) // 4


def test_stemmers_are_per_thread():
    # PyStemmer's stemmer keeps the word it works on; the search API analyses queries in a thread
    # pool, so each thread gets its own.
    import threading

    from tools.search import analysis

    made = {}
    together = threading.Barrier(3)  # all alive at once, so none is a finished one's successor

    def grab(i):
        made[i] = analysis._stemmer("fr")
        together.wait(timeout=10)

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in made.values()}) == 3
    assert analysis._stemmer("fr") is analysis._stemmer("fr")
    assert analysis._stemmer("fr").stemWord("travailleurs") == "travailleur"
