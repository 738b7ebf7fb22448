"""The search API and the static site, in one Starlette app served by uvicorn.

The app only reads: the built site (site/) and the search index (build/search-index/).
Every error is JSON of one shape: {"ok": false, "status": 400, "error": "..."}.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tools import i18n
from tools.errors import KBError, QueryError, error_body
from tools.project import Project
from tools.search.engine import SearchIndex
from tools.web.openapi import OPENAPI

# Query parameter -> facet of the index.
FILTER_PARAMS = {"country": "countries", "type": "type", "theme": "themes", "data_source": "data_sources",
                 "lang": "lang"}


def error(status: int, message: str) -> JSONResponse:
    """A JSON error response of the one shape (tools.errors.error_body)."""
    return JSONResponse(error_body(status, message), status_code=status)


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, got '{raw[:40]}'") from None


def _filters(request: Request) -> dict:
    """?country=MA&country=TN and ?country=MA,TN both mean MA or TN."""
    out = {}
    for param, facet in FILTER_PARAMS.items():
        values = [v.strip() for raw in request.query_params.getlist(param) for v in raw.split(",") if v.strip()]
        if values:
            out[facet] = [v.upper() if facet == "countries" else v for v in values]
    return out


def create_app(project: Project | None = None) -> Starlette:
    """The app for one project: the search API under /api/ and the built site at /.

    Built by a factory (uvicorn --factory), never at import, so tests and servers choose the
    project. Every error answers with error_body(), including an unexpected exception (500)."""
    project = project or Project()
    engine = SearchIndex(project.index)

    def need_index():
        if not engine.available():
            raise HTTPException(503, "the search index is not built yet: run 'make build'")

    def search(request: Request):
        need_index()
        q = request.query_params.get("q", "")
        body = engine.search(q, _filters(request), page=_int(request, "page", 1),
                             page_size=_int(request, "page_size", 10))
        return JSONResponse({"ok": True, **body})

    def entry(request: Request):
        need_index()
        found = engine.entry(request.path_params["entry_id"])
        if found is None:
            raise HTTPException(404, f"no entry with id '{request.path_params['entry_id'][:80]}'")
        return JSONResponse({"ok": True, **found})

    def suggest(request: Request):
        need_index()
        return JSONResponse({"ok": True, **engine.suggest(request.query_params.get("q", ""),
                                                          limit=min(max(_int(request, "limit", 8), 1), 20))})

    def openapi(request: Request):
        return JSONResponse(OPENAPI)

    def health(request: Request):
        return JSONResponse({"ok": True, "index": engine.available(), "site": project.site.exists()})

    def not_found(request: Request):
        raise HTTPException(404, f"no API endpoint at {request.url.path[:100]}")

    async def http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            return error(exc.status_code, exc.detail)
        page = project.site / "404.html"
        if exc.status_code == 404 and page.exists():
            return HTMLResponse(page.read_text(encoding="utf-8"), status_code=404)
        return error(exc.status_code, exc.detail)

    async def kb_error(request: Request, exc: KBError):
        return error(exc.http_status, str(exc))

    async def unexpected(request: Request, exc: Exception):
        return error(500, "internal error: the server could not answer this request")

    routes = [
        Route("/api/search", search), Route("/api/suggest", suggest),
        Route("/api/entries/{entry_id}", entry), Route("/api/openapi.json", openapi),
        Route("/api/health", health), Route("/api/{rest:path}", not_found),
    ]
    if project.site.exists():
        # Each interface answers a missing page with its own 404 page (site/ar/404.html...), in its language.
        routes += [Mount(f"/{lang}", StaticFiles(directory=project.site / lang, html=True))
                   for lang in i18n.OTHER_LANGS if (project.site / lang).is_dir()]
        routes.append(Mount("/", StaticFiles(directory=project.site, html=True), name="site"))
    # Compression matters on the slow links of workshop rooms: Material's search index shrinks ~5x.
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error, KBError: kb_error,
                                                         Exception: unexpected},
                     middleware=[Middleware(GZipMiddleware, minimum_size=1024)])
