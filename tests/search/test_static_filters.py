"""The browser's engine reads filters as the API does (tools.web.api.parse_filters): a search
page's address typed by hand ('?country=ma') finds what the API finds, and a value the API
refuses is refused with its code (issue 12: offline 0 results where the API found 9)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_entry
from tools.content.vocab import Vocabularies
from tools.search import static_index
from tools.search.query import MAX_FILTER_VALUES
from tools.site.facets import FACETS

NODE_SCRIPT = Path(static_index.__file__).with_name("static_node.js")
ENTRIES = [
    make_entry("dz-registre", "fr", "Registre des travailleurs", "Registre algérien des travailleurs étrangers.",
               countries=("DZ",), type="resource", themes=("immigration",)),
    make_entry("mr-registre", "fr", "Registre mauritanien", "Registre des travailleurs en Mauritanie.",
               countries=("MR",), themes=("immigration",)),
    make_entry("tn-registre", "ar", "سجل العمال", "سجل العمال الأجانب في تونس.", countries=("TN",),
               themes=("remittances",)),
    make_entry("tn-registre", "fr", "Registre tunisien", "Registre des travailleurs en Tunisie.", countries=("TN",),
               themes=("remittances",)),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("static")
    for name, text in static_index.export(ENTRIES).items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def offline(folder: Path, q: str, filters: dict) -> dict:
    node = shutil.which("node")
    assert node, "node is needed to run the browser's static search (apt-get install nodejs)"
    done = subprocess.run([node, str(NODE_SCRIPT), str(folder)], input=json.dumps([{"q": q, "filters": filters}]),
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)[0]


def test_the_filter_table_names_the_api_s_facets_and_their_values():
    vocabs = Vocabularies.ensure(None)
    table = static_index.filter_table(vocabs)
    assert table["max"] == MAX_FILTER_VALUES
    assert {f.param: f.vocabulary for f in FACETS} == static_index.FILTER_VOCABULARIES
    for f in FACETS:
        assert table["facets"][f.param]["values"] == list(f.values(vocabs))
        assert table["facets"][f.param]["upper"] == (f.clean("ab") == "AB")


@pytest.mark.parametrize(("filters", "ids"), [
    ({"country": ["dz"]}, ["dz-registre"]),
    ({"country": [" mr , Tn "]}, ["mr-registre", "tn-registre"]),
    ({"country": ["TN", "tn"], "lang": ["AR"]}, ["tn-registre"]),
    ({"type": ["Resource"], "theme": ["IMMIGRATION"]}, ["dz-registre"]),
    ({"country": ["dz", "mr"], "theme": ["remittances"]}, []),
])
def test_filters_typed_in_any_case_or_joined_by_commas_are_read_as_the_api_reads_them(folder, filters, ids):
    got = offline(folder, "registre", filters)
    assert got["code"] is None
    assert sorted(got["ids"]) == ids


@pytest.mark.parametrize(("filters", "code"), [
    ({"country": ["zz"]}, "unknown_filter_value"),
    ({"type": ["outil"]}, "unknown_filter_value"),
    ({"country": [",".join(["MA"] * (MAX_FILTER_VALUES + 1))]}, "too_many_filters"),
    ({"countries": ["MA"]}, "unknown_parameter"),
])
def test_a_filter_the_api_refuses_is_refused_with_its_code(folder, filters, code):
    got = offline(folder, "registre", filters)
    assert got["code"] == code and got["ids"] == [] and got["total"] == 0


def test_an_empty_filter_value_is_no_filter(folder):
    assert sorted(offline(folder, "registre", {"country": [" , "]})["ids"]) == ["dz-registre", "mr-registre", "tn-registre"]
