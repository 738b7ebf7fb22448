"""The outer layer of the server: what every request and response goes through, API or page.

`Hardened` wraps the Starlette app (outside Starlette's own error middleware, so that a 500 gets
the same headers and JSON shape as everything else):

- only GET and HEAD: anything else is a 405 JSON error with `Allow: GET, HEAD` (a browser asking
  for a page, Accept: text/html, is redirected as below, with `?refused=method_not_allowed`);
- refuses, before any routing, a query string over MAX_QUERY_STRING bytes (414), more than
  MAX_PARAMS parameters (400) — a page (any path outside /api/) refused so is redirected (303) to
  its interface's search page with `?refused=<code>`, which shows the refusal in the interface's
  words (tools/data/ui.yml err_<code>), never a JSON body — and a path holding a NUL byte, a backslash or a `..` segment after
  percent-decoding (400: StaticFiles would refuse to leave site/ anyway; this refuses earlier and
  also catches double-encoded forms that a later decoding step could turn into `..`; a browser
  asking for a page is redirected as above, with `?refused=invalid_path`);
- adds the security headers (SECURITY_HEADERS and the site's Content-Security-Policy) to every
  response, errors included;
- turns an exception that escaped every handler into a 500 JSON error (tools.errors.error_body);
- writes one log line per request on the `tools.web` logger: method, path, status, milliseconds.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import unquote

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse, RedirectResponse, Response

from tools import i18n
from tools.errors import error_body
from tools.web.csp import SitePolicy
from tools.web.limits import MAX_PARAMS, MAX_QUERY_STRING

log = logging.getLogger("tools.web")

ALLOWED_METHODS = ("GET", "HEAD")
SEARCH_PAGE = "recherche"  # the search page's folder in every interface (docs/recherche.md)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    # Searches are in page addresses (?query=): never send them to the sites entries link to.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",  # frame-ancestors 'none' for browsers that predate CSP 2
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}

_NAMES = frozenset(name.encode("latin-1") for name in (*SECURITY_HEADERS, "content-security-policy"))


def json_error(status: int, message: str, headers: dict | None = None, code: str | None = None) -> JSONResponse:
    """A JSON error response of the one shape (tools.errors.error_body), with machine `code`."""
    return JSONResponse(error_body(status, message, code), status_code=status, headers=headers)


def _printable(text: str, limit: int = 200) -> str:
    """A path as it can go into a log line: no control characters (no forged lines), bounded."""
    clean = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:limit])
    return clean + ("…" if len(text) > limit else "")


def search_page_path(path: str) -> str:
    """The search page of the interface `path` belongs to: '/ar/recherche/' for '/ar/...', else
    the French root's '/recherche/' (the site's folder addresses, mkdocs.yml)."""
    first = path.lstrip("/").split("/", 1)[0]
    return f"/{first}/{SEARCH_PAGE}/" if first in i18n.OTHER_LANGS else f"/{SEARCH_PAGE}/"


def _query_refusal(path: str, status: int, code: str, message: str) -> Response:
    """An API request gets the JSON error; a page gets a 303 to its search page with ?refused=code,
    where the reader sees the refusal in the interface's language rather than raw JSON."""
    if path == "/api" or path.startswith("/api/"):
        return json_error(status, message, code=code)
    return RedirectResponse(f"{search_page_path(path)}?refused={code}", status_code=303)


def _asks_for_a_page(scope) -> bool:
    """A browser asking for a page: a path outside /api/ and an Accept header naming text/html."""
    path = scope["path"]
    if path == "/api" or path.startswith("/api/"):
        return False
    return any(name == b"accept" and b"text/html" in value.lower() for name, value in scope.get("headers", ()))


def refusal(scope) -> Response | None:
    """The error response for a request refused before routing, or None if it may go on.

    A refused query string of a page is redirected (303) to its search page whatever the
    client accepts; a refused method or path is too when a browser asks for a page
    (_asks_for_a_page), and is a JSON error (405 with Allow, or 400) otherwise."""
    method = scope["method"]
    if method not in ALLOWED_METHODS:
        if _asks_for_a_page(scope):
            return _query_refusal(scope["path"], 405, "method_not_allowed", "")
        return json_error(405, f"method {method[:20]} is not allowed: this server only reads (GET, HEAD)",
                          headers={"allow": ", ".join(ALLOWED_METHODS)})
    raw_query = scope.get("query_string", b"")
    if len(raw_query) > MAX_QUERY_STRING:
        return _query_refusal(scope["path"], 414, "query_string_too_long",
                              f"the query string is {len(raw_query)} bytes long: refused, at most {MAX_QUERY_STRING} are accepted")
    if raw_query and raw_query.count(b"&") + 1 > MAX_PARAMS:
        return _query_refusal(scope["path"], 400, "too_many_parameters",
                              f"too many parameters: refused, at most {MAX_PARAMS} are accepted")
    path = scope["path"]
    # scope["path"] is decoded once; decode again to catch %252e%252e (double encoding).
    for form in (path, unquote(path)):
        if "\x00" in form or "\\" in form or ".." in form.split("/"):
            if _asks_for_a_page(scope):
                return _query_refusal(path, 400, "invalid_path", "")
            return json_error(400, "invalid path: '..', backslashes and NUL bytes are not accepted")
    return None


class Hardened:
    """ASGI wrapper around the app; see the module docstring. `csp` gives the CSP header value."""

    def __init__(self, app, csp: SitePolicy):
        self.app = app
        self.csp = csp
        self._raw: tuple[str | None, list] = (None, [])

    def _extra(self) -> list[tuple[bytes, bytes]]:
        """The added headers as raw (name, value) pairs, made again only when the CSP changes."""
        value = self.csp.value()
        if value != self._raw[0]:
            headers = {**SECURITY_HEADERS, "content-security-policy": value}
            self._raw = (value, [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()])
        return self._raw[1]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 0}
        extra = self._extra()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                raw = message.setdefault("headers", [])
                # Appended when the response sets none of them (every response of this app): what
                # MutableHeaders' assignments give, without a scan of the list per header.
                if not isinstance(raw, list) or not _NAMES.isdisjoint(name.lower() for name, _ in raw):
                    headers = MutableHeaders(scope=message)
                    for name, value in extra:
                        headers[name.decode("latin-1")] = value.decode("latin-1")
                else:
                    raw.extend(extra)
            await send(message)

        try:
            refused = refusal(scope)
            await (refused or self.app)(scope, receive, send_with_headers)
        except Exception:  # noqa: BLE001 - the last line of defence: log it, answer JSON
            log.exception("unexpected error on %s %s", scope["method"], _printable(scope["path"]))
            if not state["status"]:
                await json_error(500, "internal error: the server could not answer this request")(
                    scope, receive, send_with_headers)
        finally:
            log.info("%s %s %d %.1f ms", scope["method"][:10], _printable(scope["path"]), state["status"],
                     (time.perf_counter() - started) * 1000)
