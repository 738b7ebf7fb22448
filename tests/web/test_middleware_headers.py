"""tools.web.middleware.Hardened: the security headers added to every response, once each."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from tools.web.csp import SitePolicy
from tools.web.middleware import SECURITY_HEADERS, Hardened


def respond(headers):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})
    return app


def sent_headers(app, tmp_path) -> list[tuple[bytes, bytes]]:
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/api/search", "query_string": b"q=a", "headers": []}
    # A thread of its own: in a pytest process that also ran Playwright's browser tests, this
    # thread may already have a running event loop, where asyncio.run() is refused.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, Hardened(app, SitePolicy(tmp_path / "site"))(scope, receive, send)).result(30)
    return list(sent[0]["headers"])


def test_every_security_header_is_added_once_after_the_responses_own(tmp_path):
    headers = sent_headers(respond([(b"content-type", b"application/json"), (b"content-length", b"2")]), tmp_path)
    names = [name for name, _ in headers]
    assert names[:2] == [b"content-type", b"content-length"]
    assert sorted(names[2:]) == sorted(n.encode() for n in (*SECURITY_HEADERS, "content-security-policy"))
    assert dict(headers)[b"x-frame-options"] == b"DENY"


def test_a_header_the_response_set_itself_is_replaced_not_doubled(tmp_path):
    # Lower-case names, as Starlette writes them (MutableHeaders matches names as stored).
    headers = sent_headers(respond([(b"x-frame-options", b"SAMEORIGIN"), (b"content-length", b"2")]), tmp_path)
    frames = [(n, v) for n, v in headers if n == b"x-frame-options"]
    assert frames == [(b"x-frame-options", b"DENY")]
    assert len(headers) == 2 + len(SECURITY_HEADERS)
