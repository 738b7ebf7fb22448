"""tools/api.py: the JSON search API and the static site, through Starlette's test client."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import make_entry
from tools.content.vocab import Vocabularies
from tools.project import Project
from tools.search.engine import build_search_index
from tools.site import pages
from tools.site.facets import FACETS
from tools.web.api import _json_bytes, create_app, toggle_url, toggle_urls

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

ENTRIES = [
    make_entry("ma-enquete-emploi", "fr", "Enquête nationale sur l'emploi",
               "Enquête trimestrielle du HCP sur l'emploi, le chômage et la migration au Maroc.",
               body="## Contexte\n\nL'enquête couvre les ménages et la migration de retour."),
    make_entry("ma-enquete-emploi", "en", "National employment survey",
               "Quarterly HCP survey of employment, unemployment and migration in Morocco.",
               body="## Context\n\nThe survey covers households and return migration."),
    make_entry("tn-recensement", "fr", "Recensement général de la population",
               "Recensement décennal de l'INS tunisien, avec un module sur la migration.", countries=("TN",),
               body="## Description\n\nLe recensement compte la population résidente."),
    make_entry("tn-hijra", "ar", "إحصاءات الهجرة في تونس", "تقرير المعهد الوطني للإحصاء عن الهجرة الدولية.",
               type="resource", countries=("TN",), themes=("flows",)),
    make_entry("dz-migration-partage", "fr", "Partage des données de migration en Algérie",
               "Pratique algérienne de partage des fichiers de migration entre ministères.",
               type="practice", countries=("DZ",), themes=("data-sharing",)),
]
ALL_IDS = {e.id for e in ENTRIES}


# Synonyms come from an empty glossary unless a test says otherwise (fixture in conftest.py).
pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    build_search_index(ENTRIES, root / "build" / "search-index", progress=False)
    site = root / "site"
    (site / "recherche").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>KB</title><h1>Accueil de la base</h1>", encoding="utf-8")
    (site / "recherche" / "index.html").write_text("<h1>Recherche</h1>", encoding="utf-8")
    (site / "404.html").write_text("<h1>Page introuvable</h1>", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def client(root) -> TestClient:
    with TestClient(create_app(Project(root))) as c:
        yield c


def result_ids(body: dict) -> set[str]:
    return {r["id"] for r in body["results"]}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "status", "code", "error"}
    assert body["ok"] is False and body["status"] == status
    assert re.fullmatch(r"[a-z][a-z_]*", body["code"]), body["code"]
    assert isinstance(body["error"], str) and body["error"]
    return body


# -- /api/search ---------------------------------------------------------------------------------


def test_search_json_shape(client):
    r = client.get("/api/search", params={"q": "enquete"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["ok"] is True
    assert body["query"] == "enquete"
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 10
    (hit,) = body["results"]
    assert {"id", "title", "url", "summary", "snippet", "lang", "languages", "type", "countries"} <= set(hit)
    assert hit["id"] == "ma-enquete-emploi"
    assert hit["title"] == "Enquête nationale sur l'emploi"
    assert hit["url"] == "kb/entries/ma-enquete-emploi/fr/"
    assert hit["summary"].startswith("Enquête trimestrielle")
    assert "<mark" in hit["snippet"]
    assert hit["languages"] == ["en", "fr"]
    assert list(body["facets"]) == ["country", "type", "theme", "data_source", "lang"]
    assert body["ui"] == "fr" and body["notes"] == []
    country = body["facets"]["country"]
    assert {k: country[k] for k in ("name", "param", "label")} == {"name": "country", "param": "country",
                                                                   "label": pages.ui(vocabs=SHIPPED)["search"]["facet_country"]["fr"]}
    assert country["results"] == [{"value": "MA", "label": "Maroc", "count": 1, "selected": False,
                                   "toggle_url": "/api/search?q=enquete&country=MA"}]
    for facet in body["facets"].values():
        assert facet["results"] or facet["name"] == "data_source", facet["name"]  # the fixtures have none
        for v in facet["results"]:
            assert set(v) == {"value", "label", "count", "selected", "toggle_url"}
            assert isinstance(v["count"], int) and v["count"] > 0
    assert isinstance(body["expansions"], list)
    assert "did_you_mean" in body


@pytest.mark.parametrize("q", ["", "enquête emploi", "l'OIT & co=1+2 / العمل"])
@pytest.mark.parametrize("ui", [None, "ar"])
@pytest.mark.parametrize("filters", [{}, {"countries": ["MA", "TN"], "lang": ["fr"]}, {"themes": ["a b&c"]}])
def test_toggle_urls_are_toggle_url(q, ui, filters):
    """The per-request builder of toggle URLs gives toggle_url's string for every facet and value,
    selected or not (escaping, order of parameters, value removed or added)."""
    by_field = {f.field: f for f in FACETS}
    chosen = {by_field[k]: v for k, v in filters.items()}
    url = toggle_urls(q, chosen, ui)
    cases = [(f, v) for f in FACETS for v in ("MA", "fr", "x y", "é&=")] + [(f, v) for f, vs in chosen.items() for v in vs]
    for facet, value in cases:
        assert url(facet, value) == toggle_url(q, chosen, facet, value, ui), (facet.name, value)


def test_search_without_query_browses(client):
    body = client.get("/api/search").json()
    assert body["total"] == len(ALL_IDS)
    assert result_ids(body) == ALL_IDS


@pytest.mark.parametrize("params", [
    [("country", "MA"), ("country", "TN")],
    [("country", "MA,TN")],
    [("country", "ma, tn")],
    [("country", "MA,"), ("country", "TN")],
])
def test_country_filters_are_or(client, params):
    body = client.get("/api/search", params=params).json()
    assert result_ids(body) == {"ma-enquete-emploi", "tn-recensement", "tn-hijra"}
    selected = {v["value"] for v in body["facets"]["country"]["results"] if v["selected"]}
    assert selected == {"MA", "TN"}
    assert {v["value"]: v["count"] for v in body["facets"]["country"]["results"]}["DZ"] == 1


def test_filters_combine_with_query(client):
    body = client.get("/api/search", params=[("q", "migration"), ("country", "TN,DZ"), ("type", "tool")]).json()
    assert result_ids(body) == {"tn-recensement"}
    body = client.get("/api/search", params={"q": "migration", "lang": "en"}).json()
    assert [(r["id"], r["lang"]) for r in body["results"]] == [("ma-enquete-emploi", "en")]
    body = client.get("/api/search", params={"theme": "data-sharing"}).json()
    assert result_ids(body) == {"dz-migration-partage"}


@pytest.mark.parametrize("params", [{"lang": "EN"}, {"lang": " En "}])
def test_filter_values_are_read_whatever_their_case(client, params):
    # As country=ma reads as MA: vocabulary ids are lower-case, so LANG=EN means en, not a 400.
    body = client.get("/api/search", params={"q": "migration", **params}).json()
    assert [(r["id"], r["lang"]) for r in body["results"]] == [("ma-enquete-emploi", "en")]
    body = client.get("/api/search", params={"q": "migration", "type": "TOOL", "country": "tn"}).json()
    assert result_ids(body) == {"tn-recensement"}


def test_repeated_q_searches_the_words_of_each_in_order(client):
    # As the search page and `python -m tools search a b` read them: nothing of the link is dropped.
    joined = client.get("/api/search", params={"q": "migration enquete"}).json()
    repeated = client.get("/api/search", params=[("q", "migration"), ("q", ""), ("q", "enquete")]).json()
    assert joined["query"] == repeated["query"] == "migration enquete"
    assert repeated == joined and joined["total"] > 0
    assert (client.get("/api/suggest", params=[("q", "migr"), ("q", "enq")]).json()
            == client.get("/api/suggest", params={"q": "migr enq"}).json())


def test_paging(client):
    first = client.get("/api/search", params={"page_size": 2}).json()
    second = client.get("/api/search", params={"page_size": 2, "page": 2}).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 2
    assert not result_ids(first) & result_ids(second)
    assert second["page"] == 2 and second["total"] == len(ALL_IDS)


@pytest.mark.parametrize("params, words", [
    ({"page": "abc"}, "page must be a whole number"),
    ({"page": "1.5"}, "page must be a whole number"),
    ({"page_size": "ten"}, "page_size must be a whole number"),
    ({"page": "0"}, "page must be between 1 and 1000"),
    ({"page": "1001"}, "page must be between 1 and 1000"),
    ({"page_size": "51"}, "page_size must be between 1 and 50"),
    ({"q": "x" * 1001}, "1001 characters"),
])
def test_bad_parameters_are_400_json(client, params, words):
    body = assert_error(client.get("/api/search", params=params), 400)
    assert words in body["error"]


def test_hostile_query_is_answered(client):
    for q in ("title:(", '"unclosed', "AND", "{a TO z}", "\x00\x01", "<script>"):
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, q
        assert r.json()["ok"] is True


def test_unknown_api_path_is_404_json(client):
    body = assert_error(client.get("/api/nothing"), 404)
    assert "/api/nothing" in body["error"]
    assert_error(client.get("/api/entries/"), 404)
    assert_error(client.get("/api/search/more"), 404)
    # The bare prefix too: a client exploring the API gets JSON, not the site's HTML 404 page.
    body = assert_error(client.get("/api"), 404)
    assert "/api/openapi.json" in body["error"]


def test_wrong_method_is_json(client):
    assert_error(client.post("/api/search", data={"q": "emploi"}), 405)


# -- /api/entries --------------------------------------------------------------------------------


def test_entry_found(client):
    r = client.get("/api/entries/ma-enquete-emploi")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["id"] == "ma-enquete-emploi"
    assert [v["lang"] for v in body["versions"]] == ["fr", "en"]
    assert body["versions"][1]["title"] == "National employment survey"
    assert body["countries"] == ["MA"] and body["type"] == "tool"


def test_entry_not_found(client):
    body = assert_error(client.get("/api/entries/nope"), 404)
    assert "nope" in body["error"]
    assert_error(client.get("/api/entries/" + "x" * 500), 404)


# -- /api/suggest --------------------------------------------------------------------------------


def test_suggest(client):
    r = client.get("/api/suggest", params={"q": "enq"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True
    assert [t["id"] for t in body["titles"]] == ["ma-enquete-emploi"]
    assert "enquête" in body["terms"] and "enquete" not in body["terms"]  # as the entries write it


def test_suggest_shows_the_interface_s_written_form(client):
    # ui= picks the form of that language's entries; an unknown ui is refused as by the search.
    for ui in ("fr", "ar", "en"):
        body = client.get("/api/suggest", params={"q": "enq", "ui": ui}).json()
        assert body["ok"] and "enquete" not in body["terms"]


def test_suggest_empty_and_limits(client):
    assert client.get("/api/suggest", params={"q": ""}).json() == {"ok": True, "query": "", "titles": [], "terms": []}
    assert client.get("/api/suggest").json()["titles"] == []
    unlimited = [t["id"] for t in client.get("/api/suggest", params={"q": "p"}).json()["titles"]]
    assert unlimited == ["dz-migration-partage", "tn-recensement"]
    limited = [t["id"] for t in client.get("/api/suggest", params={"q": "p", "limit": "1"}).json()["titles"]]
    assert limited == unlimited[:1]
    assert client.get("/api/suggest", params={"q": "r", "limit": "20"}).status_code == 200
    assert "limit" in assert_error(client.get("/api/suggest", params={"q": "r", "limit": "x"}), 400)["error"]
    assert_error(client.get("/api/suggest", params={"q": "a" * 1001}), 400)


# -- /api/openapi.json and /api/health ------------------------------------------------------------


def test_openapi_document(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert {"/api/search", "/api/suggest", "/api/entries/{entry_id}"} <= set(doc["paths"])
    for path, item in doc["paths"].items():
        op = item["get"]
        assert op["summary"] and "200" in op["responses"], path
        for p in op.get("parameters", []):
            assert p["in"] in {"query", "path"} and p["name"], path
    params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "country", "type", "theme", "data_source", "lang", "page", "page_size"} <= params
    entry_params = doc["paths"]["/api/entries/{entry_id}"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in entry_params] == [("entry_id", "path", True)]
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"ok", "status", "code", "error"}
    ref = doc["paths"]["/api/search"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Error"


def test_health(client):
    assert client.get("/api/health").json() == {"ok": True, "index": True, "site": True}


# -- static site ---------------------------------------------------------------------------------


def test_static_site_is_served(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "Accueil de la base" in r.text
    assert "Recherche" in client.get("/recherche/").text


def test_favicon_ico_is_the_site_icon_not_a_404(root, client):
    # Chromium asks /favicon.ico on some page loads whatever <link rel="icon"> says: a 404 there
    # was a console error on about one entry page in twenty.
    assert client.get("/favicon.ico").status_code == 404  # a site without the icon: the site's 404
    icon = root / "site" / "assets" / "images" / "favicon.png"
    icon.parent.mkdir(parents=True, exist_ok=True)
    icon.write_bytes(b"\x89PNG\r\n\x1a\n-icon-")
    try:
        r = client.get("/favicon.ico")
        assert r.status_code == 200
        assert r.headers["content-type"] == "image/png"
        assert r.content == icon.read_bytes()
    finally:
        icon.unlink()


def test_missing_page_uses_the_site_404(client):
    r = client.get("/pas-de-page/")
    assert r.status_code == 404
    assert "Page introuvable" in r.text  # the root fixture's own site/404.html


# -- no index ------------------------------------------------------------------------------------


@pytest.fixture
def short_grace(monkeypatch):
    """No index at all: the wait for one being swapped in (SWAP_GRACE, 0.5 s per request) is cut short."""
    from tools.web import api

    monkeypatch.setattr(api, "SWAP_GRACE", 0.02)


def test_missing_index_is_503_json(tmp_path, short_grace):
    client = TestClient(create_app(Project(tmp_path)))
    for url in ("/api/search?q=emploi", "/api/suggest?q=em", "/api/entries/ma-enquete-emploi"):
        body = assert_error(client.get(url), 503)
        assert "make build" in body["error"], url
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/health").json() == {"ok": True, "index": False, "site": False}


def test_index_built_after_start_is_used(tmp_path, short_grace):
    client = TestClient(create_app(Project(tmp_path)))
    assert_error(client.get("/api/search"), 503)
    build_search_index(ENTRIES[:1], tmp_path / "build" / "search-index", progress=False)
    body = client.get("/api/search").json()
    assert body["ok"] is True and body["total"] == 1


def test_search_says_when_there_is_nothing_to_search_and_when_no_match_is_strong(client):
    body = client.get("/api/search", params={"q": "@"}).json()
    assert body["ok"] and body["total"] == 0 and body["hint"] and body["strong"] is False
    body = client.get("/api/search", params={"q": ""}).json()
    assert body["hint"] is None and body["total"] > 0


@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_hint_has_a_machine_code_whatever_the_interface(client, ui):
    body = client.get("/api/search", params={"q": "@ + %", "ui": ui}).json()
    assert body["hint_code"] == "no_terms" and body["hint"]
    assert client.get("/api/search", params={"q": "enquete", "ui": ui}).json()["hint_code"] is None


def test_search_syntax_taken_out_is_said_with_the_results(client):
    body = client.get("/api/search", params={"q": "enque*"}).json()
    assert body["hint_code"] == "syntax_ignored" and body["hint"] and body["total"] > 0
    assert [e["kind"] for e in body["expansions"]] == ["prefix"]
    plain = client.get("/api/search", params={"q": "enquete"}).json()
    fielded = client.get("/api/search", params={"q": "title:enquete"}).json()
    assert fielded["hint_code"] == "syntax_ignored" and fielded["total"] == plain["total"]


@pytest.mark.parametrize("path, params, status, code", [
    ("/api/search", {"q": "x" * 2030, "ui": "ar"}, 400, "query_too_long"),
    ("/api/suggest", {"q": "x" * 1001}, 400, "query_too_long"),
    ("/api/search", {"q": " ".join(["mot"] * 200)}, 400, "too_many_words"),
    ("/api/search", {"q": "a" * 300}, 400, "word_too_long"),
    ("/api/search", {"page": "abc"}, 400, "not_a_number"),
    ("/api/search", {"page": "1001"}, 400, "page_out_of_range"),
    ("/api/search", {"page_size": "51"}, 400, "page_size_out_of_range"),
    # A suggestion limit out of [1, 20] is refused as a page_size is, not silently clamped
    ("/api/suggest", {"q": "emp", "limit": "0"}, 400, "limit_out_of_range"),
    ("/api/suggest", {"q": "emp", "limit": "-5"}, 400, "limit_out_of_range"),
    ("/api/suggest", {"q": "emp", "limit": "21"}, 400, "limit_out_of_range"),
    ("/api/suggest", {"q": "emp", "limit": "1e20"}, 400, "not_a_number"),
    ("/api/suggest", {"q": "emp", "limit": "99999999999999999999"}, 400, "limit_out_of_range"),
    ("/api/search", {"ui": "de"}, 400, "unknown_ui"),
    ("/api/search", {"colour": "red"}, 400, "unknown_parameter"),
    ("/api/search", {"country": "XX1"}, 400, "unknown_filter_value"),
    ("/api/search", {"type": "nope"}, 400, "unknown_filter_value"),
    ("/api/nothing", {}, 404, "not_found"),
    # Every endpoint as the search: a misspelt or unknown parameter is said, not ignored
    ("/api/suggest", {"q": "enq", "ui": "de"}, 400, "unknown_ui"),
    ("/api/entries/ma-enquete-emploi", {"lang": "ar"}, 400, "unknown_parameter"),
    ("/api/health", {"x": "1"}, 400, "unknown_parameter"),
    ("/api/openapi.json", {"ui": "ar"}, 400, "unknown_parameter"),
])
def test_errors_have_a_stable_code_and_an_english_message(client, path, params, status, code):
    body = assert_error(client.get(path, params=params), status)
    assert body["code"] == code
    assert body["error"].isascii()  # the English message for API users, whatever ?ui= asks


def test_entry_endpoint_says_it_takes_no_parameter(client):
    body = assert_error(client.get("/api/entries/ma-enquete-emploi", params={"ui": "ar"}), 400)
    assert body["error"] == "unknown parameter 'ui': this endpoint takes none"
    assert client.get("/api/entries/ma-enquete-emploi").json()["ok"] is True


def test_wrong_method_has_its_code(client):
    assert assert_error(client.post("/api/search", data={"q": "emploi"}), 405)["code"] == "method_not_allowed"


def test_the_interface_language_picks_the_version_shown(client):
    """ui= (as the search page sends it) shows an entry in the interface's language when it has
    that version, as the page's offline engine does; without ui= the best-matching version."""
    en_words = "Quarterly survey unemployment Morocco"
    plain = client.get("/api/search", params={"q": en_words}).json()
    assert [r["lang"] for r in plain["results"] if r["id"] == "ma-enquete-emploi"] == ["en"]
    fr = client.get("/api/search", params={"q": en_words, "ui": "fr"}).json()
    (shown,) = [r for r in fr["results"] if r["id"] == "ma-enquete-emploi"]
    assert shown["lang"] == "fr" and shown["title"] == "Enquête nationale sur l'emploi"
    assert [r["id"] for r in fr["results"]] == [r["id"] for r in plain["results"]]
    ar = client.get("/api/search", params={"q": en_words, "ui": "ar"}).json()
    assert [r["lang"] for r in ar["results"] if r["id"] == "ma-enquete-emploi"] == ["en"]  # no Arabic version


@pytest.mark.parametrize("q", ["enquête emploi", "الهجرة", 'a "quoted" \\ back\\slash </script> & <b>', "\u2028\u2029 😀 \x7f"])
def test_answers_are_the_bytes_json_dumps_writes(client, q):
    """The API's JSON (orjson) is byte for byte what json.dumps writes compactly in UTF-8, for
    answers holding Arabic, quotes, backslashes, markup, line separators and emoji."""
    for path in ("/api/search", "/api/suggest"):
        r = client.get(path, params={"q": q}, headers={"accept-encoding": "identity"})
        assert r.status_code == 200
        assert r.content == json.dumps(r.json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = {"s": "\x00\x1f\t\n\"\\/\u2028é😀", "n": [1, 2.5, 0.0001, 12.3456, None, True], "e": {}}
    assert _json_bytes(body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
