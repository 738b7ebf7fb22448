"""tools/web: what every request goes through (methods, headers, limits, errors, time limits,
path traversal, logging) and the facet shape of /api/search, against a small built index."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import uvicorn
from starlette.testclient import TestClient

from tests.web.test_api import ENTRIES, assert_error
from tools.content.vocab import Vocabularies
from tools.project import Project
from tools.search.engine import SearchIndex, build_search_index
from tools.site import pages
from tools.site.facets import FACETS
from tools.web import api as api_module
from tools.web import limits
from tools.web.api import create_app
from tools.web.csp import inline_script_hashes, policy
from tools.web.server import HTTP_OPTIONS

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

INLINE = 'console.log("material")'
SECRET = "SECRET-OUTSIDE-THE-SITE"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    build_search_index(ENTRIES, root / "build" / "search-index", progress=False)
    site = root / "site"
    (site / "recherche").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text(f"<!doctype html><title>KB</title><script>{INLINE}</script>"
                                     '<script id="__config" type="application/json">{"base": "."}</script>'
                                     '<script src="assets/app.js"></script><h1>Accueil</h1>', encoding="utf-8")
    (site / "recherche" / "index.html").write_text("<h1>Recherche</h1>", encoding="utf-8")
    (site / "assets" / "app.js").write_text("/* app */", encoding="utf-8")
    (site / "404.html").write_text("<h1>Page introuvable</h1>", encoding="utf-8")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(root / "secret.txt", site / "link.txt")
    return root


@pytest.fixture(scope="module")
def client(root) -> TestClient:
    with TestClient(create_app(Project(root)), raise_server_exceptions=False) as c:
        yield c


def search(client, *params, status: int = 200) -> dict:
    r = client.get("/api/search", params=list(params))
    assert r.status_code == status, r.text
    return r.json()


# -- facets ----------------------------------------------------------------------------------------


def test_facets_follow_the_registry_in_order(client):
    body = search(client)
    assert list(body["facets"]) == [f.name for f in FACETS]
    for facet in FACETS:
        assert body["facets"][facet.name]["param"] == facet.param


def test_facet_values_carry_label_in_the_interface_language(client):
    for ui, morocco in (("fr", "Maroc"), ("en", "Morocco"), ("ar", "المغرب")):
        body = search(client, ("ui", ui))
        assert body["ui"] == ui
        values = {v["value"]: v for v in body["facets"]["country"]["results"]}
        assert values["MA"]["label"] == morocco
        assert body["facets"]["country"]["label"] == pages.ui(vocabs=SHIPPED)["search"]["facet_country"][ui]
        type_label = {v["value"]: v["label"] for v in body["facets"]["type"]["results"]}["tool"]
        assert type_label == SHIPPED.label("types", "tool", ui) != "tool"


def test_toggle_url_adds_then_removes_a_value(client):
    body = search(client, ("q", "migration"), ("country", "TN"))
    values = {v["value"]: v for v in body["facets"]["country"]["results"]}
    assert values["TN"]["selected"] is True and values["DZ"]["selected"] is False
    add = values["DZ"]["toggle_url"]
    assert urlsplit(add).path == "/api/search"
    assert parse_qsl(urlsplit(add).query) == [("q", "migration"), ("country", "TN"), ("country", "DZ")]
    assert parse_qsl(urlsplit(values["TN"]["toggle_url"]).query) == [("q", "migration")]
    # Following a toggle_url gives the search it describes.
    followed = client.get(add).json()
    assert {r["id"] for r in followed["results"]} == {"tn-recensement", "tn-hijra", "dz-migration-partage"}
    assert {v["value"] for v in followed["facets"]["country"]["results"] if v["selected"]} == {"TN", "DZ"}


def test_toggle_url_keeps_the_interface_language(client):
    body = search(client, ("ui", "en"))
    url = body["facets"]["lang"]["results"][0]["toggle_url"]
    assert ("ui", "en") in parse_qsl(urlsplit(url).query)


# -- filter values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("param, value, named", [
    ("lang", "de", "fr, ar, en"),
    ("type", "toolz", "tool, methodology, practice, resource"),
    ("theme", "nothing", "remittances"),
    ("data_source", "x", "labour-force-survey"),
    ("country", "XX1", "ISO 3166-1 alpha-2"),
    ("country", "Maroc", "ISO 3166-1 alpha-2"),
    ("country", "ZZ", "ISO 3166-1 alpha-2"),
])
def test_unknown_filter_value_is_400_naming_the_accepted_ones(client, param, value, named):
    body = assert_error(client.get("/api/search", params={param: value}), 400)
    assert value in body["error"] and named in body["error"]


def test_valid_country_code_not_in_the_base_gives_zero_and_a_note(client):
    body = search(client, ("country", "fr"))
    assert body["total"] == 0 and body["results"] == []
    assert len(body["notes"]) == 1 and "FR" in body["notes"][0] and "France" in body["notes"][0]
    assert {v["value"]: v["count"] for v in body["facets"]["country"]["results"]}["FR"] == 0


def test_unknown_parameter_and_ui_are_400(client):
    assert "countrys" in assert_error(client.get("/api/search?countrys=MA"), 400)["error"]
    assert "fr, ar, en" in assert_error(client.get("/api/search?ui=de"), 400)["error"]
    assert_error(client.get("/api/suggest?q=em&page=2"), 400)


# -- limits ----------------------------------------------------------------------------------------


def test_limits_on_words_terms_params_and_size(client):
    assert "33 words" in assert_error(client.get("/api/search", params={"q": " ".join(["mot"] * 33)}), 400)["error"]
    long_word = "a" * (limits.MAX_TERM_CHARS + 1)
    assert "letters" in assert_error(client.get("/api/search", params={"q": f"emploi {long_word}"}), 400)["error"]
    assert_error(client.get("/api/suggest", params={"q": long_word}), 400)
    many = "&".join("lang=fr" for _ in range(limits.MAX_PARAMS + 1))
    assert "parameters" in assert_error(client.get("/api/search?" + many), 400)["error"]
    values = ",".join(["MA"] * (limits.MAX_FILTER_VALUES + 1))
    assert "filter values" in assert_error(client.get("/api/search", params={"country": values}), 400)["error"]
    assert "refused" in assert_error(client.get("/api/search", params={"q": "x" * 3_000}), 400)["error"]
    assert_error(client.get("/api/search", params={"q": "x" * (limits.MAX_QUERY_STRING + 1)}), 414)
    assert "page must be between" in assert_error(client.get("/api/search?page=100000"), 400)["error"]


def test_every_accepted_query_fits_the_query_string_limit(client):
    # The engine accepts MAX_QUERY_CHARS characters of any script: percent-encoded, a character
    # outside the BMP takes 12 bytes, Arabic 6. With every filter value on top, no 414.
    countries = ",".join(["MA"] * limits.MAX_FILTER_VALUES)
    for q in ("\U0001f600" * limits.MAX_QUERY_CHARS, ("ع" * 30 + " ") * 32):
        q = q[:limits.MAX_QUERY_CHARS]
        response = client.get("/api/search", params={"q": q, "country": countries, "ui": "ar", "page": "1"})
        assert response.status_code == 200, response.text[:300]
    for path in ("/", "/recherche/"):
        assert client.get(path, params={"query": "ع" * limits.MAX_QUERY_CHARS}).status_code == 200


@pytest.mark.parametrize("path, search_page", [("/", "/recherche/"), ("/ar/", "/ar/recherche/"),
                                               ("/en/recherche/", "/en/recherche/"), ("/fr/x", "/recherche/")])
def test_a_page_refused_for_its_query_string_is_sent_to_its_search_page(client, path, search_page):
    # A page (not /api/) refused before routing gets no JSON: its interface's search page says why.
    response = client.get(path + "?query=" + "%D8%B9" * (limits.MAX_QUERY_STRING // 6 + 1), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{search_page}?refused=query_string_too_long"
    many = "&".join("country=MA" for _ in range(limits.MAX_PARAMS + 1))
    response = client.get(path + "?" + many, follow_redirects=False)
    assert response.headers["location"] == f"{search_page}?refused=too_many_parameters"
    # The API keeps its JSON refusal.
    assert_error(client.get("/api/search?q=" + "%D8%B9" * (limits.MAX_QUERY_STRING // 6 + 1)), 414)


def test_four_very_long_nonsense_words_are_refused_at_once(client, monkeypatch):
    def no_search(self, *args, **kwargs):
        raise AssertionError("the engine was asked to search")

    # Refused before any search work: the engine is never reached (a time limit would be a timed test).
    monkeypatch.setattr(SearchIndex, "search", no_search)
    q = " ".join(chr(97 + i) * 200 for i in range(4))
    assert_error(client.get("/api/search", params={"q": q}), 400)


# -- methods, headers, errors ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", ["/api/search", "/", "/recherche/", "/nothing"])
def test_only_get_and_head(client, method, path):
    r = client.request(method, path)
    body = assert_error(r, 405)
    assert r.headers["allow"] == "GET, HEAD" and method in body["error"]


@pytest.mark.parametrize("path, search_page", [("/", "/recherche/"), ("/ar/kb/", "/ar/recherche/"),
                                               ("/en/recherche/", "/en/recherche/")])
def test_a_page_refused_for_its_method_or_path_is_sent_to_its_search_page(client, path, search_page):
    """A browser asking for a page (Accept: text/html) gets what a refused query string gets: its
    interface's search page, which says why in its words (ui.yml err_<code>), never JSON."""
    page = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for method in ("POST", "PUT", "DELETE"):
        r = client.request(method, path, headers=page, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"{search_page}?refused=method_not_allowed"
    for bad in ("x/%2e%2e/y", "x/%252e%252e/y", "x%5cy"):
        r = client.get(path + bad, headers=page, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"{search_page}?refused=invalid_path", bad
    # Not a page: the API, or a client that does not ask for HTML, keeps the JSON refusals.
    assert_error(client.post("/api/search", headers=page), 405)
    assert_error(client.post(path), 405)
    assert_error(client.get(path + "x/%252e%252e/y"), 400)
    assert_error(client.get("/api/x/%252e%252e/y", headers=page), 400)
    for code in ("method_not_allowed", "invalid_path"):
        for lang in ("fr", "ar", "en"):
            assert pages.ui()["search"][f"err_{code}"][lang], (code, lang)


def test_head_is_answered_without_a_body(client):
    r = client.head("/api/health")
    assert r.status_code == 200 and r.content == b""
    assert client.head("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/search?q=emploi", "/api/nothing", "/missing/", "/assets/app.js",
                                  "/api/search?lang=de"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_csp_allows_exactly_the_inline_scripts_of_the_site(root, client):
    hashes = inline_script_hashes(root / "site")
    assert len(hashes) == 1  # the inline script; not the JSON block, not the external script
    import base64
    import hashlib
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(INLINE.encode()).digest()).decode() + "'"
    assert hashes == [expected]
    assert client.get("/").headers["content-security-policy"] == policy(hashes)


def test_unexpected_exception_is_a_json_500_with_headers(root, monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(SearchIndex, "search", broken)
    monkeypatch.setattr(api_module, "SWAP_GRACE", 0.05)
    with TestClient(create_app(Project(root)), raise_server_exceptions=False) as c, \
            caplog.at_level(logging.INFO, logger="tools.web"):
        r = c.get("/api/search?q=emploi")
    body = assert_error(r, 500)
    assert "boom" not in body["error"]  # no internals in the answer
    assert r.headers["x-content-type-options"] == "nosniff" and "content-security-policy" in r.headers
    assert any("GET /api/search 500" in m for m in caplog.messages)


def test_one_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="tools.web"):
        client.get("/api/search?q=emploi")
        client.post("/")
        client.get("/missing%07/")
    lines = [r.getMessage() for r in caplog.records if r.name == "tools.web"]
    assert len(lines) == 3
    assert lines[0].startswith("GET /api/search 200 ") and lines[0].endswith(" ms")
    assert "emploi" not in lines[0]  # queries stay out of the log
    assert lines[1].startswith("POST / 405 ")
    assert "\x07" not in lines[2] and "\\x07" in lines[2]


def test_health(client):
    r = client.get("/api/health")
    assert r.json() == {"ok": True, "index": True, "site": True}


# -- time limit and load shedding ----------------------------------------------------------------------


def test_slow_search_gets_504_and_does_not_block_other_requests(root, monkeypatch):
    original = SearchIndex.search

    def slow(self, q="", *args, **kwargs):
        if q == "lent":
            time.sleep(1.5)
        return original(self, q, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "search", slow)
    monkeypatch.setattr(api_module, "SEARCH_SECONDS", 0.5)
    with TestClient(create_app(Project(root))) as c:
        results = {}

        def slow_call():
            results["slow"] = c.get("/api/search?q=lent")

        t = threading.Thread(target=slow_call)
        t.start()
        time.sleep(0.1)
        started = time.perf_counter()
        assert c.get("/api/health").status_code == 200
        assert c.get("/").status_code == 200
        assert time.perf_counter() - started < 0.5  # pages and health never wait for a search
        t.join()
    body = assert_error(results["slow"], 504)
    assert "0.5 s" in body["error"]
    assert results["slow"].headers["retry-after"] == "1"


def test_too_many_waiting_searches_are_turned_away(root, monkeypatch):
    monkeypatch.setattr(api_module, "MAX_WAITING", 0)
    with TestClient(create_app(Project(root))) as c:
        body = assert_error(c.get("/api/search?q=emploi"), 503)
    assert "busy" in body["error"]


# -- index swap ------------------------------------------------------------------------------------------


def test_search_during_index_swaps_never_fails(tmp_path):
    index = tmp_path / "build" / "search-index"
    build_search_index(ENTRIES, index, progress=False)
    app = create_app(Project(tmp_path))
    stop = threading.Event()
    swaps = []

    def rebuild():
        while not stop.is_set():
            build_search_index(ENTRIES, index, progress=False, full=True)
            swaps.append(time.monotonic())

    statuses = []
    with TestClient(app) as c:
        t = threading.Thread(target=rebuild)
        t.start()
        try:
            # Searches go on until the index was swapped several times under them (the deadline
            # only stops a machine too slow to get there; the assertions below then fail).
            deadline = time.monotonic() + 60
            i = 0
            while (len(swaps) < 6 or i < 30) and time.monotonic() < deadline:
                i += 1
                statuses.append(c.get("/api/search", params={"q": f"emploi {i}"}).status_code)
            swapped = len(swaps)
        finally:
            stop.set()
            t.join()
    assert len(statuses) >= 30 and swapped >= 6  # the searches did run across several swaps
    assert set(statuses) == {200}


# -- path traversal (raw requests: HTTP clients normalise '..' away) ---------------------------------------


@pytest.fixture(scope="module")
def live(root):
    """The app on a free loopback port in this process, for requests no HTTP client would send."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Project(root)), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off", **HTTP_OPTIONS))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(5)


def raw_get(port: int, target: str, headers: str = "") -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/../../../../etc/passwd", "/assets/../../secret.txt",
    "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd", "/assets/..%2f..%2fsecret.txt",
    "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt", "/assets/%252e%252e/%252e%252e/secret.txt",
    "/..%5csecret.txt", "/%2e%2e%5csecret.txt", "/secret.txt%00.html", "/link.txt",
    "/recherche/..%2f..%2fsecret.txt",
])
def test_no_path_leaves_the_site_folder(live, target):
    status, body = raw_get(live, target)
    assert status in (400, 404), (target, status)
    assert SECRET.encode() not in body
    assert b"root:" not in body


def test_the_server_reads_the_longest_accepted_query_string_with_browser_headers(live):
    # uvicorn's parser (h11) would answer a bare 400 past its head limit (16 KiB by default).
    browser = "User-Agent: " + "x" * 300 + "\r\nAccept: */*\r\nCookie: " + "c" * 2000 + "\r\n"
    q = "%F0%9F%98%80" * limits.MAX_QUERY_CHARS
    assert raw_get(live, f"/api/search?q={q}", browser)[0] == 200
    status, _ = raw_get(live, "/recherche/?query=" + "a" * (limits.MAX_QUERY_STRING + 1), browser)
    assert status == 303


def _send_head_in_pieces(port: int, head: bytes, piece: int = 4096) -> bytes:
    """Sends `head` in pieces of `piece` bytes (each its own read for the server) and returns
    what the server sent back before closing or within 10 s, or so far if it closed while
    the head was still being sent."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for i in range(0, len(head), piece):
                s.sendall(head[i:i + piece])
                time.sleep(0.002)
        except OSError:  # the server closed the connection: read what it answered
            pass
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except OSError:
            pass
    return data


def test_a_request_head_over_the_limit_is_refused_before_it_ends(live):
    # One header line longer than the bound, never ended: the server answers 400 and closes
    # instead of buffering it (httptools alone would read on, waiting for the line's end).
    head = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * (limits.MAX_REQUEST_HEAD + 8192)
    answer = _send_head_in_pieces(live, head)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
    assert answer.endswith(b"Invalid HTTP request received.")


def test_a_request_head_over_the_limit_in_many_headers_is_refused(live):
    lines = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"b" * 1000) for i in range(limits.MAX_REQUEST_HEAD // 1000 + 8))
    head = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + b"Connection: close\r\n\r\n"
    answer = _send_head_in_pieces(live, head)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]


def test_a_request_head_just_under_the_limit_is_answered(live):
    # Headers filling the bound but for a few hundred bytes, sent in pieces: the app answers.
    room = limits.MAX_REQUEST_HEAD - 600
    lines = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"c" * 990) for i in range(room // 1000))
    head = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + b"Connection: close\r\n\r\n"
    assert len(head) < limits.MAX_REQUEST_HEAD
    answer = _send_head_in_pieces(live, head)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:80]
    assert b'"ok":true' in answer


def test_the_server_uses_the_bounded_httptools_parser():
    from tools.web.server import BoundedHttpTools

    assert HTTP_OPTIONS["http"] is BoundedHttpTools


def test_a_normal_page_still_loads_over_raw_http(live):
    status, body = raw_get(live, "/recherche/")
    assert status == 200 and b"Recherche" in body


# -- answer cache ------------------------------------------------------------------------------------------


def test_answers_are_cached_until_the_index_content_changes(tmp_path, monkeypatch):
    index = tmp_path / "build" / "search-index"
    build_search_index(ENTRIES, index, progress=False)
    calls = []
    original = SearchIndex.search

    def counted(self, *args, **kwargs):
        if args and args[0] == "migration":  # not the server's warm-up search
            calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "search", counted)
    with TestClient(create_app(Project(tmp_path))) as c:
        first = c.get("/api/search?q=migration").json()
        assert c.get("/api/search?q=migration").json() == first
        assert len(calls) == 1
        c.get("/api/search?q=migration&ui=en")  # another answer: labels differ
        assert len(calls) == 2
        build_search_index(ENTRIES, index, progress=False, full=True)  # same content, new build
        assert c.get("/api/search?q=migration").json() == first
        assert len(calls) == 2
        build_search_index(ENTRIES[:2], index, progress=False)  # entries removed
        fewer = c.get("/api/search?q=migration").json()
        assert len(calls) == 3
        assert fewer["total"] < first["total"]


def test_openapi_is_built_from_the_facet_registry(client):
    doc = client.get("/api/openapi.json").json()
    params = {p["name"]: p for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    for facet in FACETS:
        items = params[facet.param]["schema"]["items"]
        if facet.vocabulary == "countries":
            assert items["pattern"] == "^[A-Za-z]{2}$"
        else:
            assert items["enum"] == list(facet.values(SHIPPED))
    assert params["ui"]["schema"]["enum"] == ["fr", "ar", "en"]
    value = doc["paths"]["/api/search"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"]["facets"]["properties"]["country"]["properties"]["results"]["items"]
    assert value["required"] == ["value", "label", "count", "selected", "toggle_url"]
