"""French stems made consistent where Snowball is not (analysis._french): a singular in -er loses
the ending as a verb ending, its plural and feminine did not; a plural in -ois kept its s."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tools.search.analysis import stem
from tools.search.engine import SearchIndex, build_search_index


@pytest.mark.parametrize("forms", [
    ("etranger", "etrangers", "etrangere", "etrangeres"),
    ("saisonnier", "saisonniers", "saisonniere", "saisonnieres"),
    ("irregulier", "irreguliers", "irreguliere", "irregulieres"),
    ("frontalier", "frontaliers", "frontaliere", "frontalieres"),
    ("emploi", "emplois"),
    ("envoi", "envois"),
])
def test_the_forms_of_one_french_word_have_one_stem(forms):
    assert len({stem(f, "fr") for f in forms}) == 1, {f: stem(f, "fr") for f in forms}


def test_verbs_in_oyer_keep_their_noun_s_stem_and_other_words_are_left_alone():
    # 'envoyer des fonds' is about 'envois de fonds'; 'employer' stays with 'emploi' (measured).
    assert stem("envoyer", "fr") == stem("envois", "fr")
    assert stem("employer", "fr") == stem("emplois", "fr")
    assert stem("mer", "fr") == "mer" and stem("travailleurs", "fr") == "travailleur"
    assert stem("employers", "en") == "employer"  # English untouched


@pytest.mark.usefixtures("word_lists", "empty_glossary")
def test_a_plural_finds_the_singular_in_french_texts(tmp_path):
    entries = [
        make_entry("ma-saison", "fr", "Travail saisonnier en Espagne",
                   "Recrutement de travailleuses saisonnières à Huelva.", countries=("MA",)),
        make_entry("tn-emploi", "fr", "Enquête sur l'emploi", "Emploi et chômage.", countries=("TN",)),
        make_entry("ly-migr", "fr", "Migration irrégulière", "Flux de migration irrégulière.", countries=("LY",)),
    ]
    build_search_index(entries, tmp_path / "ix", progress=False)
    engine = SearchIndex(tmp_path / "ix")
    assert [r["id"] for r in engine.search("saisonniers")["results"]] == ["ma-saison"]
    assert [r["id"] for r in engine.search("emplois")["results"]] == ["tn-emploi"]
    assert [r["id"] for r in engine.search("migrants irréguliers")["results"]][:1] == ["ly-migr"]
