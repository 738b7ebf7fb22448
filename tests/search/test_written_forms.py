"""Completions show words as the entries write them (issue 12): accents, capitals, Arabic letter
variants and hyphens kept, the most frequent form per folded word and per language, the same in
the API's engine (SearchIndex.suggest) and the browser's (kb-engine.js suggest, run by node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_entry
from tools.search import static_index
from tools.search.analysis import shown_form, written_form, written_forms
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

NODE_SCRIPT = Path(static_index.__file__).with_name("static_node.js")

ENTRIES = [
    make_entry("dz-donnees-admin", "fr", "Données administratives des flux",
               "Les données des consulats et l'échantillon des ménages; rôle des préfectures.",
               countries=("DZ",), tags=("sous-emploi",)),
    make_entry("dz-donnees-admin", "en", "Administrative data on flows",
               "Consular data and the household sample; the role of prefectures.", countries=("DZ",)),
    make_entry("tn-echantillon", "fr", "Échantillon maître des ménages",
               "Un échantillon tiré du recensement; données pondérées, rôle des gouvernorats.", countries=("TN",)),
    # Typed without accents once: the accented form is still the most frequent.
    make_entry("tn-echantillon-note", "fr", "Note sur l'echantillon",
               "Donnees de l'enquete, echantillon de controle.", countries=("TN",)),
    make_entry("ly-ihsaa", "ar", "الإحصاءات الإدارية للمؤسسة",
               "تقرير المؤسسة عن مستوى التشغيل والإحصاءات في ليبيا.", type="resource", countries=("LY",)),
    make_entry("ly-ihsaa", "en", "UNHCR registration counts in Libya",
               "Monthly UNHCR counts; registration level by region.", type="resource", countries=("LY",)),
    make_entry("mr-registre", "fr", "Registre UNHCR en Mauritanie",
               "Le registre du UNHCR recense les réfugiés.", countries=("MR",)),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("kb") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    return SearchIndex(index_dir)


@pytest.fixture(scope="module")
def static_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("static")
    for name, text in static_index.export(ENTRIES).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def offline(folder: Path, items: list[dict]) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed to run the browser's static search (apt-get install nodejs)"
    done = subprocess.run([node, str(NODE_SCRIPT), str(folder)], input=json.dumps(items),
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def test_a_shown_form_keeps_letters_and_drops_what_is_not_written():
    assert shown_form("l’Échantillon") == "Échantillon"
    assert shown_form("الإحْصَاءَات") == "الإحصاءات"
    assert shown_form("don\u00adnées") == "données"
    assert shown_form("ﬁchier") == "fichier"


def test_written_forms_keep_only_words_written_otherwise_than_folded():
    got = written_forms("Du Rôle du sous-emploi, rôle, role, ROLE et le travail")
    assert got["role"] == {"Rôle": 1, "rôle": 1, "role": 1, "ROLE": 1}
    assert got["sousemploi"] == {"sous-emploi": 1}
    assert "travail" not in got and "le" not in got and "du" not in got


def test_a_capital_opening_a_sentence_is_not_the_word_s_own():
    got = written_forms("Échantillon maître. Données pondérées par l'Office", ["Office national de la statistique"])
    assert got["echantillon"] == {"échantillon": 1} and got["donnees"] == {"données": 1}
    assert got["office"] == {"Office": 2}  # inside a sentence, and in a name: as written


@pytest.mark.parametrize(("folded", "forms", "shown"), [
    ("donnees", {"Données": 2, "données": 5, "donnees": 1}, "données"),  # most frequent, lower case
    ("echantillon", {"Échantillon": 1, "echantillon": 1}, "Échantillon"),  # tie: the marked spelling
    ("unhcr", {"UNHCR": 4}, "UNHCR"),  # never written in lower case: as written
    ("المؤسسه", {"المؤسسة": 3}, "المؤسسة"),
    ("travail", {}, "travail"),
])
def test_written_form_is_the_most_frequent_spelling(folded, forms, shown):
    assert written_form(folded, forms) == shown


@pytest.mark.parametrize(("typed", "ui", "shown"), [
    ("donn", None, "données"),
    ("ECHANT", None, "échantillon"),
    ("المؤس", None, "المؤسسة"),
    ("الاحصا", None, "الإحصاءات"),
    ("مستو", None, "مستوى"),
    ("unh", None, "UNHCR"),
    ("sous-em", None, "sous-emploi"),
    ("rol", "fr", "rôle"),
    ("rol", "en", "role"),
])
def test_completions_show_written_forms_in_both_engines(engine, static_folder, typed, ui, shown):
    api = engine.suggest(typed, prefer=ui)["terms"]
    assert shown in api, api
    browser = offline(static_folder, [{"q": typed, "suggest": True, "prefer": ui}])[0]["terms"]
    assert browser == api


def test_completions_are_never_folded_forms(engine):
    for typed in ("donn", "echa", "المؤس", "unh"):
        for term in engine.suggest(typed)["terms"]:
            assert term != "donnees" and term != "echantillon" and term != "المؤسسه" and term != "unhcr"


def test_written_counts_take_a_version_out_as_they_put_it_in():
    """An export patches the forms to show by counting the versions of a change out and in
    (static_index.WrittenCounts): the table is then written_table's over the versions left, and
    a word no version writes otherwise any more leaves it."""
    counts = static_index.WrittenCounts()
    parts = [static_index._written_part(e, None, None) for e in ENTRIES]
    for part in parts:
        counts.add(*part)
    assert counts.table() == static_index.written_table(ENTRIES) != {}
    touched = counts.add(*parts[0], sign=-1)
    assert counts.table() == static_index.written_table(ENTRIES[1:])
    assert "donnees" in touched and "sousemploi" in touched
    assert "sousemploi" not in counts.table() and "sousemploi" in static_index.written_table(ENTRIES)
    counts.add(*parts[0])
    assert counts.table() == static_index.written_table(ENTRIES)
