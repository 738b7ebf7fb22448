"""tools.web.api.AnswerCache and Answer: answers kept per index content and build, never another
generation's, bounded, errors never kept; and the API's bytes the same with and without it."""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.web.test_api import ENTRIES
from tools.project import Project
from tools.search.engine import SearchIndex, build_search_index
from tools.web import api as api_module
from tools.web.api import Answer, AnswerCache, create_app, gzip_body

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")


def write_index(folder: Path, manifest: str) -> tuple:
    """A stand-in index folder (BUILD.json, MANIFEST.json) swapped in as a build does: a new
    folder renamed over the old one. Returns BUILD.json's (inode, mtime)."""
    fresh = folder.with_name(folder.name + ".new")
    fresh.mkdir(parents=True)
    (fresh / "MANIFEST.json").write_text(manifest, encoding="utf-8")
    (fresh / "BUILD.json").write_text("{}", encoding="utf-8")
    if folder.exists():
        folder.rename(folder.with_name(folder.name + ".old"))
        old = folder.with_name(folder.name + ".old")
        fresh.rename(folder)
        for child in old.iterdir():
            child.unlink()
        old.rmdir()
    else:
        fresh.rename(folder)
    st = os.stat(folder / "BUILD.json")
    return st.st_ino, st.st_mtime_ns


def test_a_swap_to_other_content_makes_every_answer_miss_and_same_content_keeps_them(tmp_path):
    index = tmp_path / "index"
    gen1 = write_index(index, '{"a": 1}')
    cache = AnswerCache(index)
    token = cache.token()
    assert token[1] == gen1
    assert cache.put(token, ("search", "emploi"), Answer(b'{"ok":true,"n":1}'), gen1)
    assert cache.get(cache.token(), ("search", "emploi")).body == b'{"ok":true,"n":1}'
    write_index(index, '{"a": 1}')  # rebuilt, same content: still valid
    assert cache.get(cache.token(), ("search", "emploi")).body == b'{"ok":true,"n":1}'
    write_index(index, '{"a": 2}')  # an entry changed
    assert cache.get(cache.token(), ("search", "emploi")) is None


def test_an_answer_computed_from_another_generation_is_never_stored(tmp_path):
    index = tmp_path / "index"
    gen1 = write_index(index, '{"a": 1}')
    cache = AnswerCache(index)
    token = cache.token()
    # The engine answered from the build swapped in after the token was read.
    gen2 = write_index(index, '{"a": 2}')
    assert not cache.put(token, ("search", "emploi"), Answer(b'{"ok":true}'), gen2)
    assert cache.get(token, ("search", "emploi")) is None and len(cache) == 0
    # Nor one from the build before it; nor any without an index.
    assert not cache.put(cache.token(), ("search", "emploi"), Answer(b'{"ok":true}'), gen1)
    assert not cache.put(None, ("search", "emploi"), Answer(b'{"ok":true}'), gen2)
    (index / "BUILD.json").unlink()
    assert cache.token() is None and cache.get(None, ("search", "emploi")) is None


def test_the_cache_is_bounded_in_answers_and_bytes_least_recent_dropped_first(tmp_path):
    index = tmp_path / "index"
    gen = write_index(index, "{}")
    cache = AnswerCache(index, size=3, max_bytes=16 * 2000)
    token = cache.token()
    for i in range(5):
        cache.put(token, ("q", i), Answer(b"x" * 100), gen)
        cache.get(token, ("q", 0))  # kept recent
    assert len(cache) == 3
    assert [cache.get(token, ("q", i)) is not None for i in range(5)] == [True, False, False, True, True]
    cache.put(token, ("big", 0), Answer(os.urandom(1900)), gen)  # ~1.9 kB + its gzip form
    cache.put(token, ("big", 1), Answer(os.urandom(1900)), gen)
    assert cache.nbytes <= cache.max_bytes
    assert not cache.put(token, ("huge",), Answer(b"y" * 3000), gen)  # over max_bytes / 16: not kept
    assert cache.nbytes == sum(a.nbytes for a in cache._items.values())


def test_answer_gzip_form_is_the_middlewares():
    import zlib

    body = json.dumps({"ok": True, "text": "émigration " * 300}).encode()
    c = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # as starlette's GZipResponder
    assert gzip_body(body) == c.compress(body) + c.flush()
    assert Answer(body).gzipped == gzip_body(body)
    assert Answer(b'{"ok":true}').gzipped is None  # under GZIP_MINIMUM: sent as it is


# -- through the app -------------------------------------------------------------------------------------------


@pytest.fixture()
def project(tmp_path) -> Project:
    build_search_index(ENTRIES, tmp_path / "build" / "search-index", progress=False)
    return Project(tmp_path)


URLS = ["/api/search?q=migration", "/api/search?q=migration&ui=fr", "/api/search?q=migration&ui=en",
        "/api/search?q=migration&ui=ar", "/api/search?q=migration&country=MA", "/api/search?q=migration&country=TN",
        "/api/search?q=migration&country=MA,TN", "/api/search?q=migration&country=TN,MA",
        "/api/search?q=migration&page=2&page_size=1", "/api/search?q=migration&page_size=1",
        "/api/search?q=recensement", "/api/search?q=migration+emploi", "/api/search?q=migration&q=emploi",
        "/api/search?country=MA", "/api/search?q=zzzqqq", "/api/search?q=migration&type=tool&lang=en",
        "/api/suggest?q=mig", "/api/suggest?q=e&limit=1", "/api/suggest?q=rec", "/api/search?q=migration&page=9"]


def asgi_get(app, url: str, gzip: bool) -> tuple[int, list, bytes]:
    """(status, raw headers, body bytes as sent) of a GET through the whole app (middleware too)."""
    path, _, query = url.partition("?")
    headers = [(b"host", b"testserver")] + ([(b"accept-encoding", b"gzip, deflate")] if gzip else [])
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # A thread of its own: in a pytest process that also ran Playwright's browser tests, this
    # thread may already have a running event loop, where asyncio.run() is refused.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result(30)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], list(start["headers"]), b"".join(m.get("body", b"") for m in sent
                                                             if m["type"] == "http.response.body")


def test_api_bytes_are_the_same_with_and_without_the_cache_and_params_never_collide(project, monkeypatch):
    with TestClient(create_app(project)):  # started (lifespan): warmed as a server is
        pass
    cached_app = create_app(project)
    got = {(url, gz): asgi_get(cached_app, url, gz) for url in URLS for gz in (True, False)}
    again = {(url, gz): asgi_get(cached_app, url, gz) for url in URLS for gz in (True, False)}  # from the cache
    # Without the cache, as before it: the JSON answer handed to GZipMiddleware to compress.
    monkeypatch.setattr(AnswerCache, "get", lambda self, token, key: None)
    monkeypatch.setattr(Answer, "response", lambda self, request: api_module.Response(
        self.body, media_type="application/json"))
    plain_app = create_app(project)
    plain = {(url, gz): asgi_get(plain_app, url, gz) for url in URLS for gz in (True, False)}
    assert got == plain and again == plain
    assert all(status == 200 for status, _, _ in plain.values())
    assert any((b"content-encoding", b"gzip") in headers for _, headers, _ in plain.values())
    # Different parameters or interface: different answers, each its own.
    bodies = {url: plain[url, False][2] for url in URLS}
    assert json.loads(bodies[URLS[2]])["ui"] == "en" and json.loads(bodies[URLS[3]])["ui"] == "ar"
    assert bodies[URLS[0]] != bodies[URLS[1]]  # ui=fr written: toggle URLs keep it
    assert bodies[URLS[6]] != bodies[URLS[7]]  # values in another order: toggle URLs keep the order
    assert len(set(bodies.values())) == len(URLS) - 1  # q=a+b and q=a&q=b are the same search
    assert bodies["/api/search?q=migration+emploi"] == bodies["/api/search?q=migration&q=emploi"]


def test_errors_are_never_kept(project, monkeypatch):
    calls = []
    original = SearchIndex.search

    def flaky(self, q, *args, **kwargs):
        if q == "migration":
            calls.append(q)
            if len(calls) == 1:
                raise RuntimeError("disk error")
        return original(self, q, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "search", flaky)
    with TestClient(create_app(project), raise_server_exceptions=False) as c:
        assert c.get("/api/search?q=migration").status_code == 500
        assert c.get("/api/search?q=migration").status_code == 200  # computed again, not the error
        assert c.get("/api/search?q=migration").status_code == 200  # now from the cache
        assert len(calls) == 2
        assert c.get("/api/search?q=migration&page=0").status_code == 400
        assert c.get("/api/search?q=migration&page=0").status_code == 400


def test_a_swap_during_a_search_keeps_its_answer_out_of_the_cache(project, monkeypatch):
    """A search that began on one index and was answered from the next one (a rebuild swapped it
    in meanwhile) is not stored under the first one's key: when the first content comes back (an
    entry removed, then added again), its own answer is computed, not the other index's."""
    index = project.index
    totals = []
    original = SearchIndex.search

    def swapping(self, q, *args, **kwargs):
        if q == "migration" and not totals:  # the index changes as the first search starts
            build_search_index(ENTRIES[:2], index, progress=False)
        found = original(self, q, *args, **kwargs)
        if q == "migration":
            totals.append(found["total"])
        return found

    monkeypatch.setattr(SearchIndex, "search", swapping)
    with TestClient(create_app(project)) as c:
        full = c.get("/api/search?q=recensement").json()["total"]
        during = c.get("/api/search?q=migration").json()
        build_search_index(ENTRIES, index, progress=False)  # the first content again
        after = c.get("/api/search?q=migration").json()
        assert len(totals) == 2 and after["total"] > during["total"]
        assert full == c.get("/api/search?q=recensement").json()["total"]
