"""From scored language versions to the response: one result per entry, facet counts, order,
paging and the result dicts. No Whoosh here: inputs are plain dicts of stored fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

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


class Ranked(Sequence):
    """The entries of a search, best first, as (entry id, document number, score) tuples: equal
    to ordered()'s list, but a tuple is made only when asked for, and only the entries up to
    the last one asked for are sorted (a search answers one page of thousands of entries).

    ids: entry ids by entry index; entry, rank: entry index and tie-break rank per document
    number (Table); nums, scores: the chosen version and score of each entry, in any order."""

    def __init__(self, ids: np.ndarray, entry: np.ndarray, rank: np.ndarray, nums: np.ndarray, scores: np.ndarray):
        self._ids, self._entry, self._rank = ids, entry, rank
        self._nums, self._scores = nums, scores
        self._order: np.ndarray | None = None  # positions of the first len(_order) entries, in order

    def __len__(self) -> int:
        return len(self._nums)

    def _first(self, n: int) -> np.ndarray:
        """Positions (into nums) of the n best entries, best first: higher score, then rank."""
        n = min(n, len(self._nums))
        if self._order is None or len(self._order) < n:
            nums, scores = self._nums, self._scores
            if n < len(nums) // 4:
                # Only the entries scoring at least the n-th best score can be among the first n.
                kth = -np.partition(-scores, n - 1)[n - 1]
                pool = np.flatnonzero(scores >= kth)
            else:
                pool = np.arange(len(nums))
            # Every entry outside the pool scores below every entry in it: the pool, sorted, is
            # the beginning of the whole order.
            self._order = pool[np.lexsort((self._rank[nums[pool]], -scores[pool]))]
        return self._order[:n]

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if start >= stop:
                return []
            at = self._first(stop)[start:stop:step]
            o_nums = self._nums[at]
            return list(zip(self._ids[self._entry[o_nums]].tolist(), o_nums.tolist(), self._scores[at].tolist(),
                            strict=True))
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        return self[i % n:i % n + 1][0]

    def __iter__(self):
        return iter(self[:])

    def __eq__(self, other) -> bool:
        if isinstance(other, (Ranked, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable cache inside, compared by value

    def __repr__(self) -> str:
        return f"Ranked({self[:5]!r}{'...' if len(self) > 5 else ''}, {len(self)} entries)"


class Table:
    """The facet values, entries and tie-break order of every stored document of one index, as
    numpy arrays, derived once per opened index so that a query collapses versions and counts
    facets in a few vectorised steps instead of a Python loop over its hits. Same results as
    collapse() and ordered() (the brute-force reference).

    docs: {document number: stored fields}; size: the index's document count including deleted
    numbers (arrays are indexed by document number); sort_keys: {document number: folded title}.
    """

    def __init__(self, docs: dict[int, dict], size: int, sort_keys: dict[int, str],
                 vocabs: Vocabularies | None = None):
        self.size = size
        self.vocabs = Vocabularies.ensure(vocabs)  # facet labels (None: the shipped vocabularies)
        self.ids = sorted({d["id"] for d in docs.values()})
        self._id_array = np.array(self.ids, dtype=object)  # entry ids by entry index, for collapse()
        at = {entry_id: i for i, entry_id in enumerate(self.ids)}
        self.entry = np.full(size, -1, dtype=np.int64)  # entry index of each document (-1: deleted)
        for num, doc in docs.items():
            self.entry[num] = at[doc["id"]]
        # Ties of score: folded title, then entry id (as ordered()), as one rank per document.
        order = sorted(docs, key=lambda num: (sort_keys[num], docs[num]["id"]))
        self.rank = np.zeros(size, dtype=np.int64)
        self.rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
        # Hits of equal scores (tools.search.engine.SearchIndex._hits): by entry id, an entry's
        # versions in the order of schema.LANGS, as the browser's engine numbers them, so that
        # of an entry's versions scoring alike the same one stands for it (collapse: the earlier
        # hit) whatever the document numbers, which depend on which of the parallel writer's
        # segments came first and on what an incremental build rewrote.
        slot = {lang: i for i, lang in enumerate(schema.LANGS)}
        self.hit_rank = np.zeros(size, dtype=np.int64)
        for num, doc in docs.items():
            self.hit_rank[num] = self.entry[num] * (len(slot) + 1) + slot.get(doc["lang"], len(slot))
        self.values: dict[str, list[str]] = {}  # facet -> its values in this index
        self.has: dict[str, np.ndarray] = {}  # facet -> bool (documents x values)
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # facet -> (documents, value indexes)
        for facet in FACETS:
            per_doc = {num: values(doc, facet) for num, doc in docs.items()}
            vals = sorted({v for vs in per_doc.values() for v in vs})
            index = {v: i for i, v in enumerate(vals)}
            nums = [num for num, vs in per_doc.items() for _ in vs]
            cols = [index[v] for vs in per_doc.values() for v in vs]
            has = np.zeros((size, len(vals)), dtype=bool)
            has[nums, cols] = True
            self.values[facet], self.has[facet] = vals, has
            self.pairs[facet] = (np.asarray(nums, dtype=np.int64), np.asarray(cols, dtype=np.int64))
        # Each (document, value) pair as one (value, entry) cell of a values x entries grid, so
        # that a query counts an entry once per value by marking cells and counting each value's
        # row (no sort, no hashing: a tenth of np.unique's time on a few thousand hits).
        self.cells = {facet: cols_ * len(self.ids) + self.entry[docs_] for facet, (docs_, cols_) in self.pairs.items()}
        self._labels: dict[tuple[str, str], dict[str, str]] = {}

    def having(self, facet: str, wanted) -> np.ndarray:
        """bool array (documents): those that hold one of the `wanted` values of `facet`."""
        cols = [i for i, v in enumerate(self.values[facet]) if v in wanted]
        return self.has[facet][:, cols].any(axis=1) if cols else np.zeros(self.size, dtype=bool)

    def label(self, facet: str, value: str) -> dict[str, str]:
        """{lang: label} of one facet value (computed once per index)."""
        key = (facet, value)
        if key not in self._labels:
            self._labels[key] = {lang: BY_FIELD[facet].label(value, lang, self.vocabs) for lang in schema.LANGS}
        return self._labels[key]

    def collapse(self, nums: np.ndarray, scores: np.ndarray, filters: dict):
        """As collapse() then ordered(), for hits given as arrays in hit order (equal scores:
        the earlier hit wins): nums (document numbers), scores (float). Returns ([(entry id,
        document number, score)] best first (a Ranked: the tuples of the slices asked for are
        made then), {facet: [{value, count, selected, label{lang}}]})."""
        nums = np.asarray(nums, dtype=np.int64)
        scores = np.asarray(scores, dtype=np.float64)
        passing = {f: self.having(f, wanted)[nums] for f, wanted in filters.items()}
        keep = np.ones(len(nums), dtype=bool)
        for mask in passing.values():
            keep &= mask
        k_nums, k_scores = nums[keep], scores[keep]
        # Best version of each entry: highest score, then earliest hit (a stable sort keeps the
        # hits of equal scores in hit order, as lexsort((position, -score)) does).
        by_best = np.argsort(-k_scores, kind="stable")
        entries = self.entry[k_nums[by_best]]
        if len(self.ids) <= 1 << 16:
            # np.unique's first occurrences, with numpy's radix sort for small integers.
            entries = entries.astype(np.uint16)
        by_entry = np.argsort(entries, kind="stable")
        starts = np.ones(len(by_entry), dtype=bool)
        sorted_entries = entries[by_entry]
        starts[1:] = sorted_entries[1:] != sorted_entries[:-1]
        chosen = by_best[by_entry[starts]]
        b_nums, b_scores = k_nums[chosen], k_scores[chosen]
        items = Ranked(self._id_array, self.entry, self.rank, b_nums, b_scores)
        facets = {}
        hits: dict[tuple, np.ndarray] = {}  # the filters applied -> bool (documents) of the hits they keep
        for facet in FACETS:
            applied = tuple(f for f in passing if f != facet)
            hit = hits.get(applied)
            if hit is None:
                mask = np.ones(len(nums), dtype=bool)
                for f in applied:
                    mask &= passing[f]
                hit = hits[applied] = np.zeros(self.size, dtype=bool)
                hit[nums[mask]] = True
            pair_docs, _ = self.pairs[facet]
            n_vals = len(self.values[facet])
            # Distinct (entry, value) pairs among the documents kept: entries counted once per value.
            cells = np.zeros((n_vals, len(self.ids)), dtype=bool)
            cells.reshape(-1)[self.cells[facet][hit[pair_docs]]] = True
            # Row by row: count_nonzero over an axis sums bools cast to integers, three times slower.
            counts = [np.count_nonzero(row) for row in cells]
            wanted = filters.get(facet, ())
            rows = sorted(((int(c), self.values[facet][i]) for i, c in enumerate(counts) if c),
                          key=lambda cv: (-cv[0], cv[1]))
            facets[facet] = [{"value": v, "count": c, "selected": v in wanted, "label": self.label(facet, v)}
                             for c, v in rows]
        return items, facets
