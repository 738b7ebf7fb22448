"""Related entries from an inverted index of data sources, themes, countries and types.

Scores, as on the entry pages since the first version: 3 per shared data source, 2 per shared
theme, 1 per shared country, 1 for the same type; an entry is related from a score of 4 (for
example one shared source and one country). Only these shared fields count, and translations
share them, so scores are computed per entry id; each title is folded once, not per comparison.
Work per entry is a few vector additions over the postings of its own values (numpy), so the
whole collection costs about N x (its values' posting lengths) machine operations, not N² Python
comparisons.
"""

from __future__ import annotations

import numpy as np

from tools.content.model import Entry
from tools.site.split import fold

WEIGHTS = {"data_sources": 3, "themes": 2, "countries": 1, "type": 1}
MIN_SCORE = 4


class RelatedIndex:
    """Candidates of related entries, indexed once; `of(entry)` answers for any entry.

    candidates: entry-language versions in any order; where an entry has no version in the asked
    language, the first of its versions in this order is shown.
    """

    def __init__(self, candidates: list[Entry]):
        self.ids: list[str] = []
        position: dict[str, int] = {}
        versions: list[dict[str, Entry]] = []
        first: list[Entry] = []
        for e in candidates:
            i = position.get(e.id)
            if i is None:
                i = position[e.id] = len(self.ids)
                self.ids.append(e.id)
                versions.append({})
                first.append(e)
            versions[i].setdefault(e.lang, e)
        self.position, self._versions, self._first = position, versions, first
        n = len(self.ids)
        self._postings: dict[tuple[str, str], np.ndarray] = {}
        lists: dict[tuple[str, str], list[int]] = {}
        for i, e in enumerate(first):  # shared fields: the same in every version
            for attr in WEIGHTS:
                for value in set(e.facet_values(attr)):
                    lists.setdefault((attr, value), []).append(i)
        self._postings = {k: np.fromiter(v, dtype=np.int32, count=len(v)) for k, v in lists.items()}
        self._folded: dict[int, str] = {}  # id(version) -> folded title, computed once per version
        self._rank: dict[str, np.ndarray] = {}
        # {(id(version), limit): (version, answer)}: a build asks for each version's related entries
        # twice (its page's list and, in the French interface, the list remembered for the next
        # build: tools.site.generate), the same answer.
        self._scored: dict[tuple[int, int], tuple[Entry, list]] = {}
        self._n = n

    def _title_key(self, e: Entry) -> str:
        key = self._folded.get(id(e))
        if key is None:
            key = self._folded[id(e)] = fold(e.title)
        return key

    def shown(self, i: int, lang: str) -> Entry:
        """The version of candidate i shown to a reader of `lang`."""
        return self._versions[i].get(lang) or self._first[i]

    def _ranks(self, lang: str) -> np.ndarray:
        """Order of the candidates' shown titles for `lang` (ties: first appearance), as ranks."""
        rank = self._rank.get(lang)
        if rank is None:
            order = sorted(range(self._n), key=lambda i: (self._title_key(self.shown(i, lang)), i))
            rank = np.empty(self._n, dtype=np.int64)
            rank[np.asarray(order, dtype=np.int64)] = np.arange(self._n, dtype=np.int64)
            self._rank[lang] = rank
        return rank

    def scores(self, entry: Entry) -> np.ndarray:
        """Score of every candidate id against `entry` (int32 vector, by first appearance)."""
        total = np.zeros(self._n, dtype=np.int32)
        for attr, weight in WEIGHTS.items():
            for value in set(entry.facet_values(attr)):
                post = self._postings.get((attr, value))
                if post is not None:
                    total[post] += weight
        return total

    def of(self, entry: Entry, limit: int = 5) -> list[Entry]:
        """Up to `limit` related entries, best first (score, then folded title), one version per
        entry, in this entry's language when there is one; never the entry or its translations."""
        return [e for e, _ in self.scored(entry, limit)]

    def scored(self, entry: Entry, limit: int = 5) -> list[tuple[Entry, int]]:
        """of(entry, limit) with each related entry's score: [(entry, score)], best first. Computed
        once per entry version and limit (a new list each time)."""
        known = self._scored.get((id(entry), limit))
        if known is not None and known[0] is entry:
            return list(known[1])
        answer = self._scored_now(entry, limit)
        self._scored[id(entry), limit] = (entry, answer)
        return list(answer)

    def _scored_now(self, entry: Entry, limit: int) -> list[tuple[Entry, int]]:
        if not self._n:
            return []
        total = self.scores(entry)
        own = self.position.get(entry.id)
        if own is not None:
            total[own] = 0
        hits = np.flatnonzero(total >= MIN_SCORE)
        if not hits.size:
            return []
        # One sort key: higher score first, then the title's rank (ranks are < n).
        key = -total[hits].astype(np.int64) * (self._n + 1) + self._ranks(entry.lang)[hits]
        if hits.size > limit:
            part = np.argpartition(key, limit - 1)[:limit]
            hits, key = hits[part], key[part]
        best = hits[np.argsort(key, kind="stable")]
        return [(self.shown(int(i), entry.lang), int(total[i])) for i in best[:limit]]
