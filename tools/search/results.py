"""From scored language versions to the response: one result per entry, facet counts, order,
paging and the result dicts. No Whoosh here: inputs are plain dicts of stored fields.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.site.facets import BY_FIELD
from tools.site.facets import FIELDS as FACETS


def values(doc: dict, facet: str) -> list[str]:
    """The values of one facet in a stored document (comma lists split; others one value)."""
    raw = doc.get(facet, "")
    return [v for v in raw.split(",") if v] if BY_FIELD[facet].multi else [raw]


def passes(doc: dict, filters: dict, skip: str | None = None) -> bool:
    """Whether a stored document has, for every filtered facet but `skip`, one of the wanted values."""
    return all(f == skip or set(values(doc, f)) & wanted for f, wanted in filters.items())


def collapse(scored: dict[int, float], docs: dict[int, dict], filters: dict, vocabs: Vocabularies | None = None):
    """Best-scoring language version per entry, and facet counts of entries.

    scored: {document number: score}; docs: {document number: stored fields}; filters:
    {facet: set of values}. Returns ({entry id: (document number, score)}, {facet: [{value,
    count, selected, label{lang}}]}). A facet's counts apply every other facet's filter but not
    its own, so ticking one value still shows how many entries the other values of that facet
    would add (OR within a facet). Labels from `vocabs` (None: the shipped vocabularies, read now).
    """
    vocabs = Vocabularies.ensure(vocabs)
    best: dict[str, tuple[int, float]] = {}
    counts = {f: {} for f in FACETS}
    for num, score in scored.items():
        doc = docs[num]
        if passes(doc, filters):
            cur = best.get(doc["id"])
            if cur is None or score > cur[1]:
                best[doc["id"]] = (num, score)
        for facet in FACETS:
            if passes(doc, filters, skip=facet):
                for value in values(doc, facet):
                    counts[facet].setdefault(value, set()).add(doc["id"])
    facets = {}
    for facet, found in counts.items():
        facets[facet] = [
            {"value": v, "count": len(ids), "selected": v in filters.get(facet, ()),
             "label": {lang: BY_FIELD[facet].label(v, lang, vocabs) for lang in schema.LANGS}}
            for v, ids in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
    return best, facets


def ordered(best: dict[str, tuple[int, float]], sort_keys: dict[int, str]) -> list[tuple[str, int, float]]:
    """(entry id, document number, score), best score first; ties by folded title, then id."""
    items = sorted(best.items(), key=lambda kv: (-kv[1][1], sort_keys[kv[1][0]], kv[0]))
    return [(entry_id, num, score) for entry_id, (num, score) in items]


def page_of(items: list, page: int, page_size: int) -> list:
    """The items of one page (1-based)."""
    start = (page - 1) * page_size
    return items[start:start + page_size]


def result(doc: dict, score: float, languages: list[str], snippet: Callable[[dict], str]) -> dict:
    """One result of the response: display fields of a stored version, its score (4 decimals),
    every language the entry exists in, and snippet(doc) (HTML, escaped, <mark> around matches)."""
    return {
        "id": doc["id"], "lang": doc["lang"], "title": doc["title"], "url": doc["url"],
        "summary": doc["summary"], "snippet": snippet(doc), "type": doc["type"],
        "countries": values(doc, "countries"), "themes": values(doc, "themes"),
        "data_sources": values(doc, "data_sources"), "status": doc["status"],
        "period": doc["period"], "score": round(score, 4), "languages": languages,
    }


def entry_versions(entry_id: str, versions: list[dict]) -> dict | None:
    """Every language version of one entry, from stored documents; None when there is none."""
    if not versions:
        return None
    versions = sorted(versions, key=lambda d: schema.LANGS.index(d["lang"]) if d["lang"] in schema.LANGS else 9)
    first = versions[0]
    return {
        "id": entry_id, "type": first["type"], "countries": values(first, "countries"),
        "themes": values(first, "themes"), "data_sources": values(first, "data_sources"),
        "versions": [{k: d[k] for k in ("lang", "title", "summary", "url", "status", "period", "updated",
                                        "institutions")} for d in versions],
    }
