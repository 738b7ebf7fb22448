"""A query as it is typed, letter by letter, in both engines (the API's and the browser's, run
by node): the last word, unfinished, also searches the index words starting with it when the
index does not hold it (query.completed_word, build's `complete`, kb-engine.js); an operator with
nothing to act on yet ('emploi NOT') is dropped (query.drop_loose_operators). Before, the
browser found nothing for a word shorter than its key length ('donn' in the header box), and the
API searched a trailing NOT as the word 'not'. Also tools.bench.parity's comparison."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import NODE_SCRIPT, both_engines, run
from tools.bench import parity
from tools.search import query as qry
from tools.search.analysis import all_stopwords

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("ma-trimestrielle", "fr", "Enquête trimestrielle sur l'activité",
               "Publication trimestrielle des indicateurs d'activité et de sous-emploi.", countries=("MA",)),
    make_entry("tn-harmonisation", "fr", "Harmonisation des nomenclatures",
               "Tables de passage harmonisées entre nomenclatures nationales.", countries=("TN",)),
    make_entry("dz-sijillat", "ar", "السجلات الإدارية للعمال الأجانب",
               "سجلات إدارية للعمال الأجانب في الجزائر.", countries=("DZ",)),
    make_entry("ly-not", "fr", "Série Not in labour force",
               "Une série de l'enquête, nommée en anglais, sur la population hors main-d'œuvre.", countries=("LY",)),
    make_entry("mr-fichiers", "fr", "Fichiers administratifs des travailleurs",
               "Fichiers des permis et des travailleurs étrangers en Mauritanie.", countries=("MR",)),
]
# Unfinished words: shorter than the browser's key (a key with no postings), the beginning of a
# compound, an Arabic word with its article; and finished ones, which must not change.
TYPING = ["trim", "harmo", "nomenc", "sous-em", "السج", "fichie", "trimestrielle", "harmonisation", "fichiers"]
DANGLING = {"fichiers NOT": "fichiers", "fichiers AND": "fichiers", "OR fichiers": "fichiers",
            "fichiers AND NOT": "fichiers", "travailleurs ANDNOT": "travailleurs"}


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-typing", ENTRIES)
    return api, run(folder, *TYPING, *DANGLING, *DANGLING.values())


@pytest.mark.parametrize("q", TYPING)
def test_an_unfinished_last_word_finds_the_entries_of_the_words_it_begins_in_both_engines(engines, q):
    api, static = engines
    found = api.search(q, page_size=50)
    ids = [r["id"] for r in found["results"]]
    assert ids, q  # before: 'trim', 'harmo', 'nomenc', 'sous-em', 'السج' found nothing, in one engine or both
    assert sorted(static[q]["ids"]) == sorted(ids), q
    assert found["strong"] and static[q]["strong"], q


def test_the_completion_is_reported_and_leaves_whole_words_alone(engines):
    api, static = engines
    assert {"kind": "prefix", "matched": "trim", "concept": "", "added": ["trimestrielle"]} in api.search("trim")["expansions"]
    assert ["trimestrielle"] in [x["added"] for x in static["trim"]["expansions"] if x["kind"] == "prefix"]
    for q in ("trimestrielle", "harmonisation", "fichiers"):  # words the index holds: not completed
        assert not [x for x in api.search(q)["expansions"] if x["kind"] == "prefix"], q
        assert not [x for x in static[q]["expansions"] if x["kind"] == "prefix"], q


def test_an_unfinished_word_is_completed_not_repaired(engines):
    api, static = engines
    # 'fichie' is one letter from 'fichier' (a repair) and the beginning of 'fichiers'. The
    # browser's key for it ('fichie', six letters) already holds 'fichiers': nothing to add.
    assert [x["kind"] for x in api.search("fichie")["expansions"]] == ["prefix"]
    assert not [x for x in static["fichie"]["expansions"] if x["kind"] == "spelling"]


@pytest.mark.parametrize("q", DANGLING)
def test_an_operator_with_nothing_to_act_on_is_dropped_in_both_engines(engines, q):
    api, static = engines
    plain = DANGLING[q]
    want = [r["id"] for r in api.search(plain)["results"]]
    assert want
    assert [r["id"] for r in api.search(q)["results"]] == want, q  # before: 'fichiers NOT' also found 'ly-not'
    assert static[q]["ids"] == static[plain]["ids"], q
    assert static[q]["total"] == api.search(q)["total"], q


CASES = [("emploi NOT", "emploi"), ("emploi AND NOT", "emploi"), ("AND emploi", "emploi"), ("OR", ""),
         ("NOT emploi", "NOT emploi"), ("emploi NOT recensement", "emploi NOT recensement"),
         ("  migration ANDMAYBE  ", "migration"), ("ANDNOT", ""), ("emploi not", "emploi not")]
WORDS = [("donn", ("donn", "donn")), ("travail des mig", ("mig", "mig")), ("sous-em", ("sous-em", "sousem")),
         ("الاح", ("الاح", "الاح")), ('"enquete emploi"', None), ("emploi)", None), ("em", None), ("INS", None),
         ("C181", None), ("emploi NOT", None), ("l'empl", ("l'empl", "empl"))]


def test_dangling_operators_and_the_word_being_typed_are_read_alike_by_both_engines():
    for typed, want in CASES:
        assert qry.drop_loose_operators(typed).strip() == want, typed
    for typed, want in WORDS:
        assert qry.completed_word(typed) == want, typed
    node = shutil.which("node")
    assert node
    script = ("const K = require(process.argv[1]); const c = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const stop = {}; c.stop.forEach((w) => { stop[w] = 1; });"
              "console.log(JSON.stringify({d: c.d.map((t) => K.withoutDanglingOperators(t)),"
              " w: c.w.map((t) => { const x = K.completedWord(t, stop, c.ops, 3); return x ? [x.raw, x.word] : null; })}));")
    engine = NODE_SCRIPT.parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js"
    done = subprocess.run([node, "-e", script, str(engine)], capture_output=True, text=True, timeout=60, check=True,
                          input=json.dumps({"d": [t for t, _ in CASES], "w": [t for t, _ in WORDS],
                                            "stop": sorted(all_stopwords()), "ops": sorted(qry.OPERATORS)}))
    out = json.loads(done.stdout)
    assert out["d"] == [w for _, w in CASES]
    assert out["w"] == [list(w) if w else None for _, w in WORDS]


def test_parity_lists_what_differs_and_nothing_when_the_answers_agree():
    same = {"ids": ["a", "b"], "total": 2, "strong": True, "did_you_mean": None}
    assert parity.differences(same, dict(same)) == []
    other = {"ids": ["b", "a", "c"], "total": 3, "strong": False, "did_you_mean": "x"}
    found = parity.differences(same, other)
    assert [d.split()[0] for d in found] == ["total", "first", "strong", "did"]
    assert parity.differences({"error": "word_too_long"}, {"error": "word_too_long"}) == []
    assert parity.typed("ab c") == ["ab", "ab c"]
