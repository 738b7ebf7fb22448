"""The summary a static result shows (kb-engine.js excerpt; issue #12): offline, a result showed
the first 220 characters of its summary, so a word matching the query further on was neither shown
nor marked, where the API's snippet is cut around its matches. The static index now holds the
whole summary (at most 500 characters) and the browser shows the part around the first match."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import NODE_SCRIPT, exported
from tools.search import static_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENGINE = NODE_SCRIPT.parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js"
START = ("Registre administratif des contrats de travail visés par le ministère, tenu depuis 2005 "
         "et publié chaque année avec des tableaux par secteur, par région et par nationalité des "
         "salariés, ainsi que des notes de méthode sur les définitions retenues. ")
LATE = START + "Il couvre aussi les saisonniers agricoles de Tamanrasset."
ENTRIES = [
    make_entry("dz-registre", "fr", "Registre des contrats", LATE, countries=("DZ",)),
    make_entry("dz-autre", "fr", "Autre registre", START + "Sans autre précision.", countries=("DZ",)),
]

# Runs a search of the browser's engine over an exported folder and prints its results.
SEARCH = """
const fs = require("fs"), path = require("path");
const KBEngine = require(process.argv[1]);
const folder = process.argv[2];
const engine = KBEngine.create((name) => new Promise((resolve) => {
  let data;
  new Function("KBSearchChunk", fs.readFileSync(path.join(folder, name + ".js"), "utf8"))((n, d) => { data = d; });
  resolve(data);
}));
engine.search(process.argv[3], {}).then((r) => process.stdout.write(JSON.stringify(r)));
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported(tmp_path_factory, "kb-excerpt", ENTRIES)


def _search(folder, q: str) -> dict:
    done = subprocess.run([shutil.which("node"), "-e", SEARCH, str(ENGINE), str(folder), q],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_match_past_the_start_is_shown_and_can_be_marked(folder):
    assert LATE.index("saisonniers") > static_index.SUMMARY_CHARS  # the start does not show it
    answer = _search(folder, "saisonniers Tamanrasset")
    shown = {r["id"]: r["summary"] for r in answer["results"]}
    assert "Tamanrasset" in shown["dz-registre"]
    assert shown["dz-registre"].startswith("… ")
    assert len(shown["dz-registre"]) <= static_index.SUMMARY_CHARS + 4  # the two "… " marks


def test_without_a_late_match_the_start_is_shown(folder):
    answer = _search(folder, "registre contrats")
    shown = {r["id"]: r["summary"] for r in answer["results"]}
    for text in shown.values():
        assert text.startswith("Registre administratif")
        assert text.endswith(" …") and len(text) <= static_index.SUMMARY_CHARS + 2
