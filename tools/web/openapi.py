"""The OpenAPI 3.1 description of the search API (served at /api/openapi.json), built from the
facet registry (tools.site.facets) and the limits of tools.web.api, so it cannot drift from them."""

from __future__ import annotations

from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.search.engine import MAX_PAGE, MAX_PAGE_SIZE, MAX_QUERY_CHARS, MAX_SUGGEST_LIMIT
from tools.site.facets import FACETS, Facet
from tools.web.limits import MAX_QUERY_TERMS, MAX_TERM_CHARS

_ERROR = {"description": "Error (one shape for every status)",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _filter_parameter(facet: Facet, vocabs: Vocabularies) -> dict:
    if facet.vocabulary == "countries":
        items = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
        doc = ("ISO 3166-1 alpha-2 code, any case. A valid code that no entry is about gives 0 results "
               "and a note; anything else is a 400")
    else:
        items = {"type": "string", "enum": list(facet.values(vocabs))}
        doc = f"one of: {', '.join(facet.values(vocabs))} (anything else is a 400 naming these)"
    return {"name": facet.param, "in": "query", "style": "form", "explode": True,
            "schema": {"type": "array", "items": items},
            "description": f"{facet.title('en', vocabs)}: {doc}. Repeat the parameter or separate values by commas "
                           "for OR within the facet; different facets combine with AND."}


def _facet_schema() -> dict:
    value = {"type": "object", "required": ["value", "label", "count", "selected", "toggle_url"], "properties": {
        "value": {"type": "string"}, "label": {"type": "string", "description": "in the language of ?ui="},
        "count": {"type": "integer", "description": "entries (not language versions)"},
        "selected": {"type": "boolean"},
        "toggle_url": {"type": "string", "description": "this search with the value added or removed, page 1"}}}
    return {"type": "object", "required": ["name", "param", "label", "results"], "properties": {
        "name": {"enum": [f.name for f in FACETS]}, "param": {"type": "string"},
        "label": {"type": "string"}, "results": {"type": "array", "items": value}}}


def openapi(vocabs: Vocabularies | None = None) -> dict:
    """The OpenAPI document (a JSON-ready dict), with the facet values of `vocabs` (None: the
    shipped vocabularies, read now)."""
    vocabs = Vocabularies.ensure(vocabs)
    ui = {"name": "ui", "in": "query", "schema": {"enum": list(schema.LANGS), "default": schema.DEFAULT_LANG},
          "description": "language of the labels in the response"}
    q = {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
         "description": f"words, \"phrases\", AND/OR/NOT (NOT leaves out an entry any of whose language versions "
                        f"holds the word); empty to browse by facets; at most {MAX_QUERY_TERMS} "
                        f"words of at most {MAX_TERM_CHARS} letters; repeated, the values are joined by a space"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Maghreb labour-migration data knowledge base: search API", "version": "2",
                 "description": "Read-only: GET and HEAD only. Unknown parameters and values are 400 errors. "
                                "Clients should ignore keys they do not know."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Full-text search in French, Arabic and English, with facets",
                "parameters": [
                    q, *[_filter_parameter(f, vocabs) for f in FACETS],
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                    {"name": "page_size", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
                    {**ui, "description": "language of the labels in the response; given, an entry that has a "
                                          "version in this language is shown in it (its rank stays that of its "
                                          "best-matching version)"},
                ],
                "responses": {"200": {"description": "results", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["ok", "total", "results", "facets"], "properties": {
                        "ok": {"const": True}, "query": {"type": "string"}, "total": {"type": "integer"},
                        "page": {"type": "integer"}, "page_size": {"type": "integer"},
                        "results": {"type": "array", "items": {"type": "object", "description":
                                    "id, lang, title, url, summary, snippet (HTML, matches in <mark>), type, "
                                    "countries, themes, data_sources, status, period, score, languages"}},
                        "facets": {"type": "object", "properties": {f.name: _facet_schema() for f in FACETS}},
                        "expansions": {"type": "array", "description":
                                       "what was searched besides the words typed, each {kind, matched, concept, added}: "
                                       "kind glossary (a concept's other names), short_form (the words a short form "
                                       "such as 'stats' stands for), prefix (the index words a word ending in * stands "
                                       "for), country, spelling"},
                        "did_you_mean": {"type": ["string", "null"]},
                        "notes": {"type": "array", "items": {"type": "string"}},
                        "strong": {"type": "boolean", "description": "false: no entry matches most of the query"},
                        "hint": {"type": ["string", "null"], "description":
                                 "an English sentence: the query has no searchable word (only symbols, stop words...), "
                                 "or search syntax it does not take was taken out"},
                        "hint_code": {"enum": ["no_terms", "syntax_ignored", None], "description":
                                      "the hint's machine name, to translate: no_terms (nothing searched, no results); "
                                      "syntax_ignored (wildcards, field names such as title:, ranges [a TO z], boosts ^2 "
                                      "and an unclosed quote are not search syntax: the words were searched as plain "
                                      "words, a word ending in * as the most frequent index words starting with it, "
                                      "listed in expansions as kind prefix; results follow)"},
                        "ui": {"enum": list(schema.LANGS)}}}}}},
                    "400": _ERROR, "414": _ERROR, "503": _ERROR, "504": _ERROR}}},
            "/api/suggest": {"get": {
                "summary": "Completion of titles and index terms",
                "description": "Terms are shown as the entries write them (accents, capitals, Arabic "
                               "letters as written), those of the ui language's entries when given.",
                "parameters": [q, {"name": "limit", "in": "query",
                                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SUGGEST_LIMIT, "default": 8}}, ui],
                "responses": {"200": {"description": "titles and terms"}, "400": _ERROR, "503": _ERROR}}},
            "/api/entries/{entry_id}": {"get": {
                "summary": "One entry with all its language versions",
                "parameters": [{"name": "entry_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the entry"}, "400": _ERROR, "404": _ERROR, "503": _ERROR}}},
            "/api/health": {"get": {"summary": "Whether the index and the site are there",
                                    "responses": {"200": {"description": "{ok, index: bool, site: bool}"},
                                                  "400": _ERROR}}},
        },
        "components": {"schemas": {"Error": {"type": "object", "required": ["ok", "status", "code", "error"], "properties": {
            "ok": {"const": False}, "status": {"type": "integer"},
            "code": {"type": "string", "description": "stable machine name of the error (e.g. query_too_long), to translate"},
            "error": {"type": "string", "description": "English message"}}}}},
    }
