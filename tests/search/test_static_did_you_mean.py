"""'Did you mean' in both engines: the browser's engine offers the API's suggestion
(engine.SearchIndex._did_you_mean: a poor answer, a word the index does not hold, its nearest
index word within query.suggestion_limit) instead of only echoing its own confident repairs:
'Lybia' (two edits from 'libya', too far for a repair) got 'did you mean libya' from the API and
nothing offline. A wrong first letter is reached too ('eichier' -> 'fichier': offline only words
of the same first letter were compared), by reading a few more groups of the index's words
(static_index.spelling_groups), not the whole vocabulary."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import NODE_SCRIPT, both_engines, exported, run
from tools.search import static_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("ly-migration", "en", "Labour migration in Libya",
               "Migrant workers in Libya and their remittances.", countries=("LY",)),
    make_entry("ma-fichier", "fr", "Fichier des travailleurs",
               "Un fichier administratif des travailleurs étrangers.", countries=("MA",)),
    make_entry("tn-survey", "en", "Labour force survey", "Quarterly survey of employment.", countries=("TN",)),
]
QUERIES = ["Lybia", "Lybia workers", "remitances", "CATI", "survey", "employment",
           "eichier", "ichier", "xfichier", "eichier administratif", "Lybien", "Marokan workers", "Marokan"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-dym", ENTRIES)
    return api, run(folder, *QUERIES)


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_offer_the_same_did_you_mean(engines, q):
    api, static = engines
    assert static[q]["did_you_mean"] == api.search(q)["did_you_mean"], q


def test_a_word_two_edits_away_is_offered_offline(engines):
    _, static = engines
    assert static["Lybia"]["did_you_mean"] == "libya"
    assert static["Lybia workers"]["did_you_mean"] == "libya workers"
    assert static["survey"]["did_you_mean"] is None


def test_a_misspelt_demonym_no_index_word_is_near_is_offered_the_demonym(engines):
    # 'Lybian' got no suggestion in either engine (breaker12): no index word is near it, and six
    # letters are too few to take it for a misspelt name; a country's name or demonym is offered.
    api, static = engines
    for q, fixed in (("Lybien", "libyen"), ("Marokan workers", "marocain workers"), ("Marokan", "marocain")):
        assert api.search(q)["did_you_mean"] == static[q]["did_you_mean"] == fixed, q
    # 'lybian' itself is offered 'libyan' by the API only: the browser's real-word filter (a Bloom
    # filter) takes it for a word of the languages, a false positive, and a real word is offered
    # only another spelling of itself (query.suggestion_limit).
    assert api.search("Lybian")["did_you_mean"] == "libyan"


def test_a_wrong_first_letter_is_offered_offline(engines):
    _, static = engines
    # A letter changed, left out or added at the start of the word.
    assert static["eichier"]["did_you_mean"] == "fichier"
    assert static["ichier"]["did_you_mean"] == "fichier"
    assert static["xfichier"]["did_you_mean"] == "fichier"
    assert static["eichier administratif"]["did_you_mean"] == "fichier administratif"


# Runs the browser's engine over an exported folder and prints the names of the files it loaded.
LOADED = """
const fs = require("fs"), path = require("path");
const KBEngine = require(process.argv[1]);
const folder = process.argv[2], loaded = [];
const engine = KBEngine.create((name) => new Promise((resolve) => {
  loaded.push(name);
  let data;
  new Function("KBSearchChunk", fs.readFileSync(path.join(folder, name + ".js"), "utf8"))((n, d) => { data = d; });
  resolve(data);
}));
engine.search(process.argv[3], {}).then((r) => process.stdout.write(JSON.stringify({ dym: r.did_you_mean, loaded })));
"""


def test_the_first_letter_typo_reads_a_few_groups_not_the_vocabulary(tmp_path_factory, monkeypatch):
    # Small files, so that the index's words are spread over many v<n> files.
    monkeypatch.setattr(static_index, "SHARD_BYTES", 8)
    folder = exported(tmp_path_factory, "kb-dym-shards", ENTRIES)
    every = {p.stem for p in folder.glob("v*.js")}
    assert len(every) > 20
    engine = NODE_SCRIPT.parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js"
    done = subprocess.run([shutil.which("node"), "-e", LOADED, str(engine), str(folder), "eichier"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["dym"] == "fichier"
    read = {name for name in got["loaded"] if name in every}
    # 'e' groups (5 lengths), then second letter 'i', second letter 'e', first letter 'i' (3
    # lengths each, limit 2): at most 14 groups, whatever the vocabulary's size.
    assert read and len(read) <= 14 and read < every, (sorted(read), len(every))
