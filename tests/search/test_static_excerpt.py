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


# Prints excerpt(text, {k, keys}) for each [text, key] of a JSON list.
EXCERPT = """
const KBEngine = require(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
process.stdout.write(JSON.stringify(cases.map(([text, key]) => KBEngine.excerpt(text, { k: 6, keys: [key] }, 220))));
"""


def _excerpts(cases: list[tuple[str, str]]) -> list[str]:
    done = subprocess.run([shutil.which("node"), "-e", EXCERPT, str(ENGINE), json.dumps(cases)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_match_followed_by_a_long_word_stays_in_view():
    # A link after the matching word has no space to cut at: the cut at the last space dropped the
    # word (found by the reviewer).
    link = "/https://www.ons.dz/" + "a" * 200
    for text in ("mot " * 70 + "emploi" + link, "mot " * 40 + "emploi" + link):
        (shown,) = _excerpts([(text, "emploi")])
        assert "emploi" in shown and shown.endswith(" …") and len(shown) <= 220 + 4, shown


def test_the_excerpt_is_cut_between_characters_not_inside_an_emoji():
    # Cut by UTF-16 units, an odd count left half of an emoji (a lone surrogate).
    texts = ["a" + "😀" * 250, "a" + "😀 " * 150 + "emploi " + "fin " * 40]
    for text, shown in zip(texts, _excerpts([(text, "emploi") for text in texts]), strict=True):
        shown.encode("utf-8")  # a lone surrogate cannot be encoded: raises
        assert len(shown) <= 220 + 4 and shown.rstrip(" …").replace("… ", "", 1) in text
    assert "emploi" in _excerpts([(texts[1], "emploi")])[0]
