"""The OpenAPI 3.1 description of the search API (served at /api/openapi.json)."""

from __future__ import annotations

from tools.search.engine import MAX_PAGE, MAX_PAGE_SIZE, MAX_QUERY_CHARS

_FILTER_DOC = {
    "country": "ISO 3166-1 alpha-2 code; repeat or separate by commas for OR",
    "type": "tool, methodology, practice or resource",
    "theme": "a theme of the vocabulary", "data_source": "a data source of the vocabulary",
    "lang": "fr, ar or en",
}
_ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Maghreb labour-migration data knowledge base: search API", "version": "1"},
    "paths": {
        "/api/search": {"get": {
            "summary": "Full-text search in French, Arabic and English, with facets",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
                 "description": "words, \"phrases\", AND/OR/NOT; empty to browse by facets"},
                *[{"name": n, "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                   "style": "form", "explode": True, "description": d} for n, d in _FILTER_DOC.items()],
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                {"name": "page_size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
            ],
            "responses": {"200": {"description": "results: total, results (id, title, url, summary, snippet with "
                                                 "<mark>), facets, expansions, did_you_mean, strong (false: no entry "
                                                 "matches most of the query), hint (a sentence when the query has "
                                                 "nothing to search: only symbols, single letters or stop words)"},
                          "400": _ERROR, "503": _ERROR}}},
        "/api/suggest": {"get": {"summary": "Completion of titles and index terms",
                                 "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                                 "responses": {"200": {"description": "titles and terms"}, "400": _ERROR}}},
        "/api/entries/{entry_id}": {"get": {
            "summary": "One entry with all its language versions",
            "parameters": [{"name": "entry_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the entry"}, "404": _ERROR}}},
    },
    "components": {"schemas": {"Error": {"type": "object", "required": ["ok", "status", "error"], "properties": {
        "ok": {"const": False}, "status": {"type": "integer"}, "error": {"type": "string"}}}}},
}
