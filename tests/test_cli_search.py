"""tools/search.py, the command line: `python -m tools.search "enquete emploi" --country MA [--json]`.

The index is built once for the module from a few entries, and KB_ROOT points Project() at it.
Exit status: 0 with results, 1 with none, 2 for a query that must change or a missing index.
"""

from __future__ import annotations

import json
import re
import signal

import pytest

from tests.conftest import MA_ID, REG_ID, TN_ID, load, mini_corpus
from tools import cli
from tools.project import Project
from tools.search.engine import build_search_index

MA, TN, REG = MA_ID, TN_ID, REG_ID
FILES = mini_corpus()  # the survey in French, Arabic and English, a Tunisian register, a regional guide


@pytest.fixture(autouse=True)
def keep_sigpipe():
    """main() sets SIGPIPE to its default (for `| head`); give the test process its own back."""
    saved = signal.getsignal(signal.SIGPIPE)
    yield
    signal.signal(signal.SIGPIPE, saved)


@pytest.fixture(scope="module")
def indexed_root(tmp_path_factory):
    """A project folder whose search index holds FILES, built once for the module (the command
    only reads it)."""
    root = tmp_path_factory.mktemp("kb")
    entries, problems, _ = load(root, FILES)
    assert problems == [] and len(entries) == len(FILES) == 5
    build_search_index(entries, Project(root).index, progress=False)
    return root


@pytest.fixture
def indexed(indexed_root, monkeypatch, capsys, word_lists):
    """run(*argv) -> (exit status, stdout, stderr) of tools.search.main against the index."""
    monkeypatch.setenv("KB_ROOT", str(indexed_root))

    def run(*argv):
        status = cli.main(["search", *argv])
        return status, *capsys.readouterr()

    return run


def test_results_are_numbered_lines_with_the_title(indexed):
    status, out, err = indexed("enquete emploi")
    assert status == 0 and err == ""
    lines = out.split("\n")
    # The glossary adds synonyms of "enquete emploi" (labour force survey) and says so first.
    assert lines[0].startswith("(also searched: enquete emploi → ")
    assert re.fullmatch(r"[1-3] entr(y|ies)", lines[1])
    assert lines[2] == "  1. Enquête nationale sur l'emploi  [tool, MA, fr]"
    assert lines[3] == f"     kb/entries/{MA}/fr/"
    assert lines[4].startswith("     *Enquête* trimestrielle")  # the snippet, matched words marked


def test_a_regional_entry_says_regional(indexed):
    status, out, _ = indexed("directives statisticiens")
    assert status == 0
    assert "  1. Directives de l'OIT sur les statistiques  [methodology, regional, fr]" in out.split("\n")


def test_json_output_is_the_api_json(indexed):
    status, out, err = indexed("registre", "--json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert data["total"] >= 1 and data["query"] == "registre"
    assert data["results"][0]["id"] == TN
    assert {"page", "page_size", "facets", "expansions", "did_you_mean"} <= set(data)


def test_several_words_are_one_query_as_repeated_q_in_the_api(indexed):
    status, out, err = indexed("registre", "directives", "--json")
    assert status == 0 and err == ""
    assert json.loads(out) == json.loads(indexed("registre directives", "--json")[1])
    assert json.loads(out)["query"] == "registre directives" and json.loads(out)["total"] >= 2


def test_country_filter(indexed):
    status, out, _ = indexed("--country", "tn", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["total"] == 1
    assert [(r["id"], r["countries"]) for r in data["results"]] == [(TN, ["TN"])]
    status, out, _ = indexed("--country", "MA")
    assert status == 0
    lines = out.split("\n")
    assert lines[0] == "1 entry" and re.fullmatch(rf"     kb/entries/{MA}/(fr|ar|en)/", lines[2]), lines[:3]


def test_browsing_lists_the_french_version_of_an_entry_that_has_one(indexed):
    status, out, _ = indexed("--country", "MA")
    assert status == 0
    assert out.split("\n")[:2] == ["1 entry", "  1. Enquête nationale sur l'emploi  [tool, MA, fr]"]


def test_no_result_exits_1(indexed):
    status, out, err = indexed("registre", "--country", "DZ")
    assert status == 1 and err == ""
    assert "0 entries" in out.split("\n") and "  1. " not in out
    status, out, _ = indexed("registre", "--country", "DZ", "--json")
    assert status == 1 and json.loads(out)["total"] == 0


def test_a_too_long_query_exits_2_with_an_error(indexed):
    status, out, err = indexed("emploi " * 285 + "x" * 5)
    assert len("emploi " * 285 + "x" * 5) == 2000
    assert status == 2 and out == ""
    assert err.startswith("error: ") and "2000 characters" in err


def test_a_page_out_of_range_exits_2(indexed):
    status, out, err = indexed("emploi", "--page", "0")
    assert status == 2 and out == ""
    assert err.startswith("error: page must be between 1 and")


def test_missing_index_exits_2_and_says_to_run_make_build(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    assert cli.main(["search", "emploi"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "run 'make build'" in err and "not built" in err


def test_query_with_nothing_to_search_prints_the_hint(indexed):
    status, out, err = indexed("@ de la")
    assert status == 1 and out == ""
    assert "nothing" in err.lower() or "no word" in err.lower()


def test_query_with_syntax_taken_out_prints_the_hint_and_the_results(indexed):
    status, out, err = indexed("regist*")
    assert status == 0 and "regist*" in out and "entr" in out
    assert "not" in err and "syntax" in err


@pytest.mark.parametrize("argv, params", [
    (("registre",), {"q": "registre"}),
    (("enquete", "emploi", "--country", "MA,TN"), {"q": "enquete emploi", "country": "MA,TN"}),
    (("registre", "--country", "DZ"), {"q": "registre", "country": "DZ"}),  # no result: the API's notes
])
def test_json_output_is_what_the_api_answers(indexed, indexed_root, argv, params):
    """--json prints the API's body for the same request: its facet shape (name, param, label,
    results with toggle_url), notes and ui, not the engine's dict."""
    from starlette.testclient import TestClient

    from tools.web.api import create_app

    (indexed_root / "site").mkdir(exist_ok=True)
    (indexed_root / "site" / "index.html").write_text("<!doctype html><title>KB</title>", encoding="utf-8")
    _, out, _ = indexed(*argv, "--json")
    cli_body = json.loads(out)
    with TestClient(create_app(Project(indexed_root))) as client:
        api_body = client.get("/api/search", params=params).json()
    assert cli_body == api_body
    assert set(cli_body["facets"]) == {"country", "type", "theme", "data_source", "lang"}
    assert all("toggle_url" in v for f in cli_body["facets"].values() for v in f["results"])
