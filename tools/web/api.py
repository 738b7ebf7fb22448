"""The search API and the static site, in one Starlette app served by uvicorn.

The app only reads: the built site (site/) and the search index (build/search-index/).
Every error is JSON of one shape (tools.errors.error_body): {"ok": false, "status": 400, "code": "query_too_long", "error": "..."};
a missing site page is the site's own 404 page. tools.web.middleware adds the security headers,
the method check, the request-size limits and the log line.

Facets follow tools.site.facets. In /api/search each facet is
    {"name": "country", "param": "country", "label": "Pays",
     "results": [{"value": "MA", "label": "Maroc", "count": 12, "selected": true,
                  "toggle_url": "/api/search?q=enquete"}, ...]}
with labels in the interface language `?ui=` (fr, ar or en; default fr) and `toggle_url` the same
search with that value added to or removed from the filters (page reset), as in Datasette.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import threading
import time
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote_plus, urlencode

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tools import i18n
from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.errors import KBError, QueryError, TimedOut, Unavailable
from tools.project import Project
from tools.search.analysis import TOKEN_RE
from tools.search.engine import MAX_QUERY_CHARS, MAX_SUGGEST_LIMIT, SearchIndex
from tools.site.facets import FACETS, Facet
from tools.web.csp import SitePolicy
from tools.web.limits import (
    MAX_FILTER_VALUES,
    MAX_QUERY_TERMS,
    MAX_TERM_CHARS,
    MAX_WAITING,
    SEARCH_SECONDS,
    SEARCH_THREADS,
    SWAP_GRACE,
)
from tools.web.middleware import Hardened, json_error
from tools.web.openapi import openapi

SEARCH_PARAMS = frozenset({"q", "page", "page_size", "ui"} | {f.param for f in FACETS})
SUGGEST_PARAMS = frozenset({"q", "limit", "ui"})
# /api/entries/{id}, /api/health and /api/openapi.json take none: README and the OpenAPI description
# promise that an unknown parameter is a 400 on every endpoint (health?x=1 answered 200; found by
# breaker11). A monitor that adds a cache-busting parameter gets a 400 that names the fault.
NO_PARAMS: frozenset = frozenset()


class IndexMissing(Unavailable):
    """No search index to read (never built, or being swapped in): HTTP 503."""

    code = "no_index"


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, got '{raw[:40]}'", code="not_a_number") from None


def _known_params(request: Request, accepted: frozenset) -> None:
    unknown = sorted({k for k in request.query_params if k not in accepted})
    if unknown:
        accepted_text = f"accepted are {', '.join(sorted(accepted))}" if accepted else "this endpoint takes none"
        raise QueryError(f"unknown parameter '{unknown[0][:40]}': {accepted_text}", code="unknown_parameter")


def query_words(request: Request) -> str:
    """The `q` parameter: every q= of the URL, in order, joined by a space (a link holding q= twice
    searches the words of both, as the search page and `python -m tools search a b` do)."""
    return " ".join(v for v in request.query_params.getlist("q") if v)


def interface_lang(request: Request) -> str:
    """The `ui` parameter: the language of labels (fr, ar or en; default fr). Raises QueryError."""
    ui = request.query_params.get("ui") or schema.DEFAULT_LANG
    if ui not in schema.LANGS:
        raise QueryError(f"unknown ui '{ui[:20]}': accepted values are {', '.join(schema.LANGS)}", code="unknown_ui")
    return ui


def check_words(q: str) -> None:
    """Limits on the query's words (its length is checked by the engine). Raises QueryError."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(q)} characters long: refused, at most {MAX_QUERY_CHARS} are accepted",
                         code="query_too_long")
    words = TOKEN_RE.findall(q)
    if len(words) > MAX_QUERY_TERMS:
        raise QueryError(f"query has {len(words)} words: refused, at most {MAX_QUERY_TERMS} are accepted",
                         code="too_many_words")
    long = next((w for w in words if len(w) > MAX_TERM_CHARS), None)
    if long:
        raise QueryError(f"a word of the query is {len(long)} letters long: refused, at most {MAX_TERM_CHARS} are accepted",
                         code="word_too_long")


def _bad_value(facet: Facet, value: str, vocabs: Vocabularies) -> QueryError:
    if facet.vocabulary == "countries":
        return QueryError(f"{facet.param} '{value[:40]}' is not an ISO 3166-1 alpha-2 country code "
                          "(two letters, e.g. MA, TN, DZ, MR, LY)", code="unknown_filter_value")
    return QueryError(f"unknown {facet.param} '{value[:40]}': accepted values are {', '.join(facet.values(vocabs))}",
                      code="unknown_filter_value")


def parse_filters(request: Request, vocabs: Vocabularies) -> dict[Facet, list[str]]:
    """{facet: [values]} from the query parameters. ?country=MA&country=TN and ?country=MA,TN both
    mean MA or TN; values are checked against the facet's vocabulary in `vocabs` (any ISO code for
    countries). Raises QueryError naming the accepted values."""
    out: dict[Facet, list[str]] = {}
    count = 0
    for facet in FACETS:
        values = []
        for raw in request.query_params.getlist(facet.param):
            for part in raw.split(","):
                value = facet.clean(part)
                if not value:
                    continue
                count += 1
                if count > MAX_FILTER_VALUES:
                    raise QueryError(f"too many filter values: at most {MAX_FILTER_VALUES}",
                                     code="too_many_filters")
                if not facet.accepts(value, vocabs):
                    raise _bad_value(facet, part.strip(), vocabs)
                if value not in values:
                    values.append(value)
        if values:
            out[facet] = values
    return out


def toggle_url(q: str, filters: dict[Facet, list[str]], facet: Facet, value: str, ui: str | None) -> str:
    """/api/search with the same words and filters, `value` added to or removed from `facet`, page 1."""
    params = [("q", q)] if q else []
    for f in FACETS:
        values = list(filters.get(f, ()))
        if f is facet:
            values = [v for v in values if v != value] if value in values else values + [value]
        params += [(f.param, v) for v in values]
    if ui:
        params.append(("ui", ui))
    return "/api/search" + ("?" + urlencode(params) if params else "")


def toggle_urls(q: str, filters: dict[Facet, list[str]], ui: str | None):
    """A function (facet, value) -> toggle_url(q, filters, facet, value, ui), the same string,
    for many values of one request: the words, filters and ui are escaped once, not once per
    value (a search answers with some fifty facet values)."""
    head = "/api/search?"
    start = [urlencode([("q", q)])] if q else []
    end = [urlencode([("ui", ui)])] if ui else []
    # Keyed by facet name: a Facet (a frozen dataclass) hashes all its fields at every look-up.
    encoded = {f.name: [(v, _param(f.param, v)) for v in filters.get(f, ())] for f in FACETS}
    # An unselected value is added after its facet's selected ones: the parameters before it and
    # after it are the same for every value of a facet, joined once per facet, not once per value.
    around: dict = {}
    for i, f in enumerate(FACETS):
        before = start + [e for g in FACETS[:i + 1] for _, e in encoded[g.name]]
        after = [e for g in FACETS[i + 1:] for _, e in encoded[g.name]] + end
        around[f.name] = (head + "&".join(before) + "&" if before else head, "&" + "&".join(after) if after else "")

    def url(facet: Facet, value: str) -> str:
        pairs = encoded[facet.name]
        if not pairs or not any(v == value for v, _ in pairs):
            before, after = around[facet.name]
            return before + _param(facet.param, value) + after
        parts = list(start)
        for f in FACETS:
            parts += [e for v, e in encoded[f.name] if f is not facet or v != value]
        parts += end
        return head + "&".join(parts) if parts else "/api/search"

    return url


@functools.lru_cache(maxsize=4096)
def _param(name: str, value: str) -> str:
    """name=value as urlencode writes a pair (facet values repeat in every answer: escaped once)."""
    return f"{quote_plus(name)}={quote_plus(value)}"


def facet_results(found: dict, q: str, filters: dict[Facet, list[str]], lang: str, ui_param: str | None,
                  vocabs: Vocabularies | None = None) -> dict:
    """The engine's facet counts ({field: [{value, count, selected, label: {lang: str}}]}) in the
    API's shape (module docstring), labelled from `vocabs` (None: the shipped data, read now). A
    selected value with no entry still appears, with count 0."""
    vocabs = Vocabularies.ensure(vocabs)
    toggle = toggle_urls(q, filters, ui_param)
    # Labels are the same in every answer: looked up once per value and language (country names
    # go through Babel), kept with the vocabularies they come from.
    labels = vocabs.derived("api.facet_labels", dict)
    out = {}
    for facet in FACETS:
        rows = {row["value"]: row["count"] for row in found.get(facet.field, ())}
        for value in filters.get(facet, ()):
            rows.setdefault(value, 0)
        selected = set(filters.get(facet, ()))
        results = []
        for v, n in rows.items():
            label = labels.get((facet.name, v, lang))
            if label is None:
                label = labels[facet.name, v, lang] = facet.label(v, lang, vocabs)
            results.append({"value": v, "label": label, "count": n, "selected": v in selected,
                            "toggle_url": toggle(facet, v)})
        out[facet.name] = {"name": facet.name, "param": facet.param, "label": facet.title(lang, vocabs),
                           "results": results}
    return out


def notes(facets: dict, filters: dict[Facet, list[str]], lang: str, vocabs: Vocabularies | None = None) -> list[str]:
    """Explanations for filters that cannot match: a valid country code that no entry (matching
    the other criteria) is about gives 0 results and says so, rather than a 400. Labels from
    `vocabs` (None: the shipped data, read now)."""
    vocabs = Vocabularies.ensure(vocabs)
    out = []
    for facet, values in filters.items():
        counts = {r["value"]: r["count"] for r in facets[facet.name]["results"]}
        for value in values:
            if not counts.get(value):
                out.append(f"no entry matching the other criteria has {facet.param} {value} "
                           f"({facet.label(value, lang, vocabs)})")
    return out


class Searches:
    """Runs engine calls in a bounded thread pool with a time limit, so one slow query cannot hold
    the event loop or make every other request wait without end.

    `run(fn, *args)` returns fn's result; raises tools.errors.Unavailable (503) when MAX_WAITING
    calls already wait, TimedOut (504) when the call took more than SEARCH_SECONDS (the thread
    finishes on its own), IndexMissing (503) when no index can be read within SWAP_GRACE seconds."""

    def __init__(self, engine: SearchIndex):
        self.engine = engine
        self.pool = ThreadPoolExecutor(max_workers=SEARCH_THREADS, thread_name_prefix="search")
        self.waiting = 0
        self._count_lock = threading.Lock()

    def _stamp(self):
        try:
            st = os.stat(self.engine.dir / "BUILD.json")
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def _call(self, fn, *args):
        # A rebuild swaps the index folder with two renames: a read that falls between them (no
        # folder, or a reader on files being replaced) is retried briefly instead of failing. An
        # error while the same index stays in place is a real one and is raised at once.
        deadline = time.monotonic() + SWAP_GRACE
        while True:
            before = self._stamp()
            try:
                if before is None:
                    raise IndexMissing("the search index is not built yet: run 'make build'")
                return fn(*args)
            except Exception as exc:  # noqa: BLE001 - see above
                swapped = before is None or self._stamp() != before
                if isinstance(exc, KBError) and not isinstance(exc, IndexMissing) or not swapped \
                        or time.monotonic() > deadline:
                    raise
            time.sleep(0.02)

    def warm_up(self, thorough: bool = False) -> None:
        """One search and one completion, so the index and glossary are loaded; `thorough`: then
        the engine's warm-up too (SearchIndex.warm: field lengths, the glossary's names and their
        scores; seconds of CPU at 10,000 entries). Errors ignored (no index yet: the first
        request says so)."""
        try:
            if self.engine.available():
                self.engine.search("migration emploi")
                self.engine.suggest("mig")
                if thorough:
                    self.engine.warm()
        except Exception:  # noqa: BLE001 - a warm-up must never stop the server
            pass

    async def run(self, fn, *args):
        """fn(*args) computed in the pool and awaited; raises Unavailable, TimedOut or IndexMissing
        as the class says, or what fn raises (QueryError for a bad query)."""
        with self._count_lock:
            if self.waiting >= MAX_WAITING:
                raise Unavailable("the server is busy: try again in a moment", code="busy")
            self.waiting += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self.pool, self._call, fn, *args)
            return await asyncio.wait_for(future, SEARCH_SECONDS)
        except TimeoutError:
            raise TimedOut(f"the search took longer than {SEARCH_SECONDS:g} s and was abandoned") from None
        finally:
            with self._count_lock:
                self.waiting -= 1


GZIP_MINIMUM = 1024  # bytes: smaller answers go uncompressed (GZipMiddleware's minimum_size below)
GZIP_LEVEL = 6  # zlib's default; Starlette's 9 takes ~1.7x the time for 1 % less on a 17 kB answer


def gzip_body(body: bytes) -> bytes:
    """`body` gzip-compressed as Starlette's GZipMiddleware compresses a whole response (level
    GZIP_LEVEL, gzip header with mtime 0): the same bytes, so an answer compressed once and kept
    is what the middleware would have sent."""
    c = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return c.compress(body) + c.flush()


class Answer:
    """One API answer: its JSON bytes (`body`) and, when it is at least GZIP_MINIMUM bytes long,
    their gzip form (`gzipped`, gzip_body: compressed once, sent to every client accepting it);
    `nbytes` counts both."""

    __slots__ = ("body", "gzipped", "nbytes")

    def __init__(self, body: bytes):
        self.body = body
        self.gzipped = gzip_body(body) if len(body) >= GZIP_MINIMUM else None
        self.nbytes = len(body) + len(self.gzipped or b"")

    def response(self, request: Request) -> Response:
        """The response for `request`, headers and bytes as GZipMiddleware (GZIP_MINIMUM, level
        GZIP_LEVEL) would give them: gzip-compressed when the request accepts it and the answer
        is large enough (the middleware passes an encoded response through as it is), else the
        plain JSON for the middleware to finish."""
        if self.gzipped is None or "gzip" not in request.headers.get("accept-encoding", ""):
            return Response(self.body, media_type="application/json")
        response = Response(self.gzipped, media_type="application/json")
        # The middleware's order: vary added, then content-encoding (content-length already first).
        response.raw_headers += [(b"vary", b"Accept-Encoding"), (b"content-encoding", b"gzip")]
        return response


class AnswerCache:
    """Recent API answers (Answer: JSON bytes and their gzip form), keyed by the content of the
    index they were computed from and the request's checked, canonical parameters: popular
    searches and facet toggles are answered without running the engine, building the JSON or
    compressing it again.

    The index's identity (token()) is a digest of its MANIFEST.json (the fingerprint of every
    indexed document and of the analysis) with the (inode, mtime) of the BUILD.json it was read
    with: a rebuild that changed an entry makes every old key miss, one that changed nothing
    keeps the cache warm. An answer is stored only when the engine answered from that same
    build (put's `generation`: SearchIndex.generation after the call), so that an answer of
    another generation, computed while a rebuild swapped the index in, never enters under
    this one's key; errors are raised, never stored.

    Bounded: at most `size` answers and `max_bytes` bytes of bodies (JSON plus gzip; default
    2,048 answers and 32 MiB per server process, plus their keys: the query's words and
    filters, some hundred bytes each), least recently used dropped first; an answer larger than max_bytes / 16 is not
    kept. Used from the event loop only (not thread-safe)."""

    def __init__(self, index_dir, size: int = 2048, max_bytes: int = 32 * 2**20):
        self.build_file = os.path.join(index_dir, "BUILD.json")
        self.manifest_file = os.path.join(index_dir, "MANIFEST.json")
        self.size = size
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._items: OrderedDict = OrderedDict()
        self._seen: tuple | None = None
        self._digest: str | None = None

    def _build(self) -> tuple | None:
        try:
            st = os.stat(self.build_file)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def token(self) -> tuple[str, tuple] | None:
        """(digest of the index's content, (inode, mtime) of its BUILD.json) for the index now
        in place, or None without an index or while one is being swapped in (then nothing is
        looked up or stored)."""
        seen = self._build()
        if seen is None:
            return None
        if seen != self._seen:
            try:
                with open(self.manifest_file, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            except OSError:
                return None
            # The folder may have been swapped between the stat and the read: the manifest read
            # belongs to the build seen only if BUILD.json is still that one.
            if self._build() != seen:
                return None
            self._seen, self._digest = seen, digest
        return self._digest, seen

    def get(self, token, key: tuple) -> Answer | None:
        """The answer stored under (token's digest, *key), or None; marks it recent."""
        if token is None:
            return None
        answer = self._items.get((token[0], *key))
        if answer is not None:
            self._items.move_to_end((token[0], *key))
        return answer

    def put(self, token, key: tuple, answer: Answer, generation) -> bool:
        """Store `answer` under (token's digest, *key) if the engine computed it from the build
        of `token` (`generation` == token's (inode, mtime)); returns whether it was stored.
        Drops the least recently used answers beyond `size` answers or `max_bytes`."""
        if token is None or generation != token[1] or answer.nbytes > self.max_bytes // 16:
            return False
        full = (token[0], *key)
        old = self._items.pop(full, None)
        if old is not None:
            self.nbytes -= old.nbytes
        self._items[full] = answer
        self.nbytes += answer.nbytes
        while len(self._items) > self.size or self.nbytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.nbytes -= dropped.nbytes
        return True

    def __len__(self) -> int:
        return len(self._items)


def _json_bytes(body: dict) -> bytes:
    """An answer as compact UTF-8 JSON: orjson's bytes, those of json.dumps(ensure_ascii=False,
    separators=(",", ":")) for these answers (a tenth of its time on a 17 kB answer), except
    that orjson writes a float under 1e-4 in decimals (scores are rounded to 4 decimals)."""
    return orjson.dumps(body)


def _and_generation(engine: SearchIndex, fn, *args) -> tuple:
    """(fn(*args), the engine's generation just after): the generation an answer may be cached
    under (AnswerCache.put)."""
    return fn(*args), engine.generation


def served_app() -> Hardened:
    """The app of a server process (`python -m tools serve`: uvicorn's factory): create_app() for
    the project of KB_ROOT, its engine long-lived (SearchIndex freeze_gc: the opened index is kept
    out of the garbage collector's full passes)."""
    return create_app(served=True)


def create_app(project: Project | None = None, vocabs: Vocabularies | None = None, *,
               served: bool = False) -> Hardened:
    """The app for one project: the search API under /api/ and the built site at /, wrapped in
    tools.web.middleware.Hardened (an ASGI app).

    Built by a factory (uvicorn --factory), never at import, so tests and servers choose the
    project. Every error answers with error_body(), including an unexpected exception (500).
    `vocabs`: the vocabularies, glossary and labels the app answers with, for its lifetime
    (default: the project's, read now; a restarted server reads them again). `served`: the app of
    a server process (served_app), whose engine lives as long as it: its generation is frozen
    (SearchIndex freeze_gc) and the app starts answering only once warmed up (Searches.warm_up
    thorough); otherwise a first search is warmed in the background."""
    project = project or Project()
    vocabs = vocabs or project.vocabularies()
    engine = SearchIndex(project.index, vocabs, freeze_gc=served)
    searches = Searches(engine)
    cache = AnswerCache(project.index)
    spec = openapi(vocabs)

    async def search(request: Request):
        _known_params(request, SEARCH_PARAMS)
        lang = interface_lang(request)
        q = query_words(request)
        check_words(q)
        filters = parse_filters(request, vocabs)
        page, page_size = _int(request, "page", 1), _int(request, "page_size", 10)
        SearchIndex.check(q, page, page_size)
        ui_param = request.query_params.get("ui")
        # Everything the answer depends on, in a canonical form (the order of a facet's values
        # stays: the toggle URLs keep it).
        key = ("search", q, tuple((f.name, tuple(v)) for f, v in filters.items()), page, page_size, lang, ui_param)
        token = cache.token()
        answer = cache.get(token, key)
        if answer is None:
            # The page's interface asks for its language's versions (ui=), as its offline engine does.
            found, generation = await searches.run(
                _and_generation, engine, engine.search, q, {f.field: v for f, v in filters.items()}, page, page_size,
                lang if ui_param else None)
            facets = facet_results(found["facets"], q, filters, lang, ui_param, vocabs)
            answer = Answer(_json_bytes({"ok": True, **found, "facets": facets, "ui": lang,
                                         "notes": notes(facets, filters, lang, vocabs) if not found["total"] else []}))
            cache.put(token, key, answer, generation)
        return answer.response(request)

    async def entry(request: Request):
        _known_params(request, NO_PARAMS)
        entry_id = request.path_params["entry_id"]
        found = await searches.run(engine.entry, entry_id[:200])
        if found is None:
            raise HTTPException(404, f"no entry with id '{entry_id[:80]}'")
        return JSONResponse({"ok": True, **found})

    async def suggest(request: Request):
        _known_params(request, SUGGEST_PARAMS)
        # Titles are in every language; terms are shown as the interface's entries write them (ui=).
        lang = interface_lang(request) if request.query_params.get("ui") else None
        q = query_words(request)
        check_words(q)
        limit = _int(request, "limit", 8)
        if not 1 <= limit <= MAX_SUGGEST_LIMIT:
            # Refused as /api/search refuses a page_size out of range, not clamped (breaker12).
            raise QueryError(f"limit must be between 1 and {MAX_SUGGEST_LIMIT}, got {limit}", code="limit_out_of_range")
        key = ("suggest", q, limit, lang)
        token = cache.token()
        answer = cache.get(token, key)
        if answer is None:
            found, generation = await searches.run(_and_generation, engine, engine.suggest, q, limit, lang)
            answer = Answer(_json_bytes({"ok": True, **found}))
            cache.put(token, key, answer, generation)
        return answer.response(request)

    async def openapi_doc(request: Request):
        _known_params(request, NO_PARAMS)
        return JSONResponse(spec)

    async def health(request: Request):
        _known_params(request, NO_PARAMS)
        return JSONResponse({"ok": True, "index": engine.available(), "site": project.site.exists()})

    async def not_found(request: Request):
        raise HTTPException(404, f"no API endpoint at {request.url.path[:100]}; "
                                 "the endpoints are described at /api/openapi.json")

    def not_found_page(request: Request):
        raise HTTPException(404, "no such page")

    async def http_error(request: Request, exc: HTTPException):
        if request.url.path == "/api" or request.url.path.startswith("/api/"):
            return json_error(exc.status_code, exc.detail, headers=exc.headers)
        page = project.site / "404.html"
        if exc.status_code == 404 and page.exists():
            return HTMLResponse(page.read_text(encoding="utf-8"), status_code=404)
        return json_error(exc.status_code, exc.detail, headers=exc.headers)

    async def kb_error(request: Request, exc: KBError):
        headers = {"retry-after": "1"} if exc.http_status in (503, 504) else None
        return json_error(exc.http_status, str(exc), headers=headers, code=exc.code)

    async def unexpected(request: Request, exc: Exception):
        return json_error(500, "internal error: the server could not answer this request")

    routes = [
        Route("/api/search", search), Route("/api/suggest", suggest),
        Route("/api/entries/{entry_id}", entry), Route("/api/openapi.json", openapi_doc),
        Route("/api/health", health), Route("/api/{rest:path}", not_found), Route("/api", not_found),
    ]
    if project.site.exists():
        # Each interface answers a missing page with its own 404 page (site/ar/404.html...), in its language.
        routes += [Mount(f"/{lang}", StaticFiles(directory=project.site / lang, html=True))
                   for lang in i18n.OTHER_LANGS if (project.site / lang).is_dir()]
        # Browsers ask /favicon.ico whatever icon the page names (Chromium did on about one entry
        # page load in twenty): the site's own icon, rather than a 404 in the reader's console.
        icon = project.site / "assets" / "images" / "favicon.png"
        routes.append(Route("/favicon.ico", lambda request: FileResponse(icon, media_type="image/png")
                            if icon.is_file() else not_found_page(request)))
        routes.append(Mount("/", StaticFiles(directory=project.site, html=True), name="site"))
    # Compression matters on the slow links of workshop rooms: Material's search index shrinks ~5x.
    # Level 6 (zlib's default) instead of Starlette's 9: a 17 kB answer compresses in ~60 % of
    # the time to within 1 % of the size.
    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Open the index and load the glossary before the first visitor's search pays for it
        # (seconds on a busy machine). A served process answers once warm (uvicorn accepts
        # connections after this startup: with several workers, the warm ones answer); a test's
        # app warms in the pool and answers at once.
        if served:
            await asyncio.get_running_loop().run_in_executor(searches.pool, searches.warm_up, True)
        else:
            searches.pool.submit(searches.warm_up)
        yield
        searches.pool.shutdown(wait=False, cancel_futures=True)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, KBError: kb_error,
                                                        Exception: unexpected},
                    middleware=[Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=GZIP_LEVEL)],
                    lifespan=lifespan)
    csp = SitePolicy(project.site)
    csp.refresh()
    return Hardened(app, csp)
