"""A short word is not cut to two letters (analysis.stem, MIN_STEM): Snowball stems an acronym of
three capitals as a plural ('ADS' -> 'ad', 'IDS' -> 'id'), so it matched every text holding the
two-letter word ('ad hoc', an English title quoted in French: 'in'). The browser's engine keys
short words whole, so both engines now find the same entries."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_entry
from tools.search import static_index
from tools.search.analysis import MIN_STEM, stem
from tools.search.engine import SearchIndex, build_search_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("tn-ads", "fr", "Registre de l'ADS", "L'Agence de développement social (ADS) tient un registre.",
               countries=("TN",)),
    make_entry("ma-comite", "fr", "Comité ad hoc sur les données", "Un comité ad hoc réunit les producteurs.",
               countries=("MA",)),
    make_entry("dz-ids", "en", "IDS counts of crossings", "The IDS unit counts border crossings.", countries=("DZ",)),
    make_entry("dz-note", "fr", "Note sur « Migration in Algeria »", "Note sur le rapport « Migration in Algeria » "
               "et le champ id des fichiers.", countries=("DZ",)),
]


@pytest.mark.parametrize(("word", "lang"), [("ads", "fr"), ("ads", "en"), ("ids", "en"), ("ons", "fr"), ("ans", "fr")])
def test_a_word_is_never_cut_below_min_stem_letters(word, lang):
    assert stem(word, lang) == word
    assert len(stem("migrants", lang)) >= MIN_STEM  # longer words are stemmed as before


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("kb") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    return SearchIndex(index_dir)


def offline_ids(entries, queries: list[str], tmp: Path) -> dict[str, list[str]]:
    for name, text in static_index.export(entries).items():
        (tmp / name).write_text(text, encoding="utf-8")
    script = Path(static_index.__file__).with_name("static_node.js")
    done = subprocess.run([shutil.which("node"), str(script), str(tmp)], input=json.dumps([{"q": q} for q in queries]),
                          capture_output=True, text=True, check=True, timeout=60)
    return {o["q"]: sorted(o["ids"]) for o in json.loads(done.stdout)}


@pytest.mark.parametrize(("q", "ids"), [("ADS", ["tn-ads"]), ("IDS", ["dz-ids"]), ("ads", ["tn-ads"])])
def test_an_acronym_finds_only_its_entries_in_both_engines(engine, tmp_path, q, ids):
    assert sorted(r["id"] for r in engine.search(q)["results"]) == ids
    assert offline_ids(ENTRIES, [q], tmp_path)[q] == ids
