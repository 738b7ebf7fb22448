"""Full-text search over entries: SearchIndex opens an index, scores a query, highlights.

Whoosh (whoosh-reloaded) is unmaintained: Whoosh-specific code stays in tools.search (index.py
writes, query.py builds queries, this module reads), so it can be replaced without touching
callers (tools.web, tools.cli, tools.bench, tools.pipeline).

Ranking formula. For a query q and an entry-language document d:

    score(d) = C(d) × K(d) × ( Σ_w Σ_f b_f · BM25F(w, f, d)     the words as typed
                              + Σ_g 1.0 · max_n (t_g/w_n)·S(n, d)  glossary concepts named in q
                              + Σ_r 0.8 · S(fix_r, d)            confident spelling repairs, and the
                                                                  names of a country typed wrong
                              + Σ_c 0.5 · S(parts_c, d)          phrase of a compound's parts
                              + 50 · [title of d = q] )          exact title (folded words)

- BM25F is Whoosh's, K1 = 1.2, B = 0.75, over the fields f: title_* (b_f = 4), summary_*
  (2), meta_* (1.5: vocabulary labels, country names, tags), neutral (1.2: folded, unstemmed
  names and acronyms), body_* (1). Each field of each language is analysed in its language;
  the query's words are analysed in all three, so a word counts in every field it matches.
- Words are OR-ed and added: an entry matching more words scores more. Whoosh's coordination
  (OrGroup.factory(0.9)) is not used: it multiplied one-term matches by 0. K(d) below rewards
  covering the query instead, and never goes below one half.
- S(x, d): the same sum for the phrase x; a concept counts once however many of its names
  (max over the names n, each scored on d alone: query.BestOf, as Whoosh's DisjunctionMax
  mixed in other documents' scores). A phrase scores the sum of its words, so each name n of
  w_n meaningful words is scaled by t_g/w_n, t_g the words typed for the concept: 'CIST'
  expanded to a four-word name weighs like the one word typed.
- C(d) = 1 + (COUNTRY_FACTOR - 1) × (countries named in q that d is about) / (countries named
  in q), COUNTRY_FACTOR = 3 (tools.search.query finds the countries): 3 for an entry about the
  one country named, 2 for an entry about one of two.
- K(d) = 1 - COVERAGE_WEIGHT (0.5) × (1 - covered / units): the share of the query's units (see
  below) that d covers; an entry matching every unit keeps its score, one matching half of them
  three quarters of it.
Then language versions collapse to the best one per entry (tools.search.results).

Relevance floor. The query's "units" are its meaningful words (not stop words, not single
letters), with a glossary concept or a country name of several words counting as one. An entry
is kept only if it covers at least half of the units (query.coverage_needed); the answer is
"strong" when the best entry covers all of up to three units, or three quarters of more
(query.strong_needed). Queries written with operators or quotes keep every match. A query with
no meaningful word answers nothing, with a hint; an empty query browses every entry by title.
"""

from __future__ import annotations

import os
import re
import threading
from functools import partial
from pathlib import Path

from whoosh import highlight, index

from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.errors import QueryError
from tools.search import query as qry
from tools.search import results as res
from tools.search.analysis import WORD_RE, meaningful, normalize, stem, strip_elision
from tools.search.glossary import expand

# build_search_index is re-exported for callers; _Fold and _Stem because indexes written before
# the split pickled them under this module's name (they open, then the build re-indexes).
from tools.search.index import LANG_PARTS, _Fold, _Stem, analyzer, build_search_index, exact_key  # noqa: F401
from tools.search.query import MAX_QUERY_TERMS

MAX_QUERY_CHARS = 1000
MAX_PAGE = 1000
MAX_PAGE_SIZE = 50
COUNTRY_FACTOR = 3.0  # an entry about a country the query names outranks one merely on the topic
COVERAGE_WEIGHT = 0.5  # share of the score that depends on covering every unit of the query
NO_TERMS_HINT = ("The query has no word to search for: only symbols, single letters or words such as "
                 "'the', 'de' or 'في'. Type a word of the subject, or leave the box empty to browse.")


class SearchIndex:
    """Reads one index directory; reopens it when a build swaps in a new one. One searcher and
    the derived tables (stored documents, versions per entry, folded titles) are kept per index
    generation. Thread-safe (one lock)."""

    def __init__(self, index_dir: Path, vocabs: Vocabularies | None = None):
        self.dir = Path(index_dir)
        self.vocabs = Vocabularies.ensure(vocabs)  # labels, country aliases, glossary: the app's
        self._lock = threading.Lock()
        self._stamp = None
        self._searcher = None
        self._docs: dict[int, dict] = {}
        self._by_id: dict[str, list[dict]] = {}
        self._titles: dict[int, str] = {}  # folded title words, for completion
        self._sort_keys: dict[int, str] = {}  # folded titles, to break score ties
        self._parser = qry.make_parser()
        # The word lists take a second or more to load: do it now, off the first query's time.
        threading.Thread(target=qry.dictionary_words, daemon=True).start()

    def available(self) -> bool:
        """Whether a complete index exists in the directory."""
        return (self.dir / "BUILD.json").exists()

    def _open(self):
        st = os.stat(self.dir / "BUILD.json")
        stamp = (st.st_ino, st.st_mtime_ns)
        if stamp != self._stamp:
            if self._searcher is not None:
                self._searcher.close()
            ix = index.open_dir(str(self.dir))
            searcher = ix.searcher()
            docs = {num: stored for num, stored in searcher.iter_docs()}
            # Derived once per opened index, not per query: versions of each entry and folded titles.
            by_id: dict[str, list[dict]] = {}
            for stored in docs.values():
                by_id.setdefault(stored["id"], []).append(stored)
            self._titles = {num: exact_key(stored["title"]) for num, stored in docs.items()}
            self._sort_keys = {num: normalize(stored["title"]) for num, stored in docs.items()}
            self._searcher, self._docs, self._by_id = searcher, docs, by_id
            self._stamp = stamp
        return self._searcher

    # -- vocabulary ----------------------------------------------------------------------------

    @staticmethod
    def _index_known(reader, word: str) -> bool:
        if reader.doc_frequency("neutral", word):
            return True
        return any(reader.doc_frequency(f"{part}_{lang}", stem(word, lang))
                   for lang in schema.LANGS for part in LANG_PARTS)

    @staticmethod
    def _near(reader, word: str, maxdist: int) -> list[tuple[int, int, str]]:
        """(distance, -document frequency, term) of neutral terms within maxdist of word, best first."""
        out = []
        for dist in range(1, maxdist + 1):
            for term in reader.terms_within("neutral", word, dist):
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                if term != word and meaningful(term) and not any(t == term for _, _, t in out):
                    out.append((dist, -reader.doc_frequency("neutral", term), term))
        return sorted(out)

    def _repair(self, reader, word: str) -> str | None:
        """A confident correction from the index's own vocabulary: the best term at distance 1,
        or the only one at distance 2 for a word of seven letters or more; else None."""
        near = self._near(reader, word, 2 if len(word) >= 7 else 1)
        if not near:
            return None
        if near[0][0] == 1:
            return near[0][2]
        return near[0][2] if len(near) == 1 else None

    # -- query ---------------------------------------------------------------------------------

    @staticmethod
    def check(q: str, page: int, page_size: int) -> str:
        """The query with control characters blanked and trimmed; QueryError when the query is
        longer than MAX_QUERY_CHARS or page/page_size are out of range."""
        if len(q) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(q)} characters long; at most {MAX_QUERY_CHARS} are searched")
        if not 1 <= page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}, got {page}")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise QueryError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        return re.sub(r"[\x00-\x1f\x7f]", " ", q).strip()

    def _score(self, searcher, plan: qry.Plan) -> tuple[dict[int, float], bool]:
        """({document number: score} of the documents above the relevance floor, strong)."""
        units = plan.units
        need = 0 if plan.syntax or not units else qry.coverage_needed(len(units))
        scored, best_cover = {}, 0
        for hit in searcher.search(plan.query, limit=None, terms=bool(units)):
            doc = self._docs[hit.docnum]
            countries = set(res.values(doc, "countries"))
            covered = 0
            if units:
                matched = {(f, t.decode("utf-8") if isinstance(t, bytes) else t) for f, t in hit.matched_terms()}
                covered = sum(1 for u in units if u.terms & matched or (u.country and u.country in countries))
            if covered < need:
                continue
            best_cover = max(best_cover, covered)
            # Each named country the entry is about adds its share: with 'Libya Niger', an entry on
            # both outranks one on Libya alone.
            factor = 1.0 + (COUNTRY_FACTOR - 1.0) * len(plan.countries & countries) / max(1, len(plan.countries))
            if units:
                factor *= 1.0 - COVERAGE_WEIGHT * (1.0 - covered / len(units))
            scored[hit.docnum] = hit.score * factor
        strong = bool(scored) and (plan.syntax or not units or best_cover >= qry.strong_needed(len(units)))
        return scored, strong

    def search(self, q: str = "", filters: dict | None = None, page: int = 1, page_size: int = 10) -> dict:
        """Returns {query, total, page, page_size, results[], facets{}, expansions[], did_you_mean,
        strong, hint}: `strong` is False when a text query found no entry matching most of it
        (or nothing); `hint` is a sentence when the query has nothing to search, else None.
        Raises QueryError (see check())."""
        q = self.check(q, page, page_size)
        filters = {k: set(v) for k, v in (filters or {}).items() if v}
        hint, did_you_mean, expansions, wq, strong = None, None, [], None, True
        with self._lock:
            searcher = self._open()
            if not q:
                scored = dict.fromkeys(self._docs, 0.0)
            elif not qry.has_meaningful_words(q):
                scored, hint, strong = {}, NO_TERMS_HINT, False
            else:
                reader = searcher.reader()
                # A word is the index's own when a title, summary, tag or institution holds it as
                # written (folded): stems are not enough, 'recensment' has the English stem of
                # 'recensement' and would never be repaired.
                plan = qry.build(self._parser, q, partial(expand, vocabs=self.vocabs),
                                 lambda w: bool(reader.doc_frequency("neutral", w)), lambda w: self._repair(reader, w),
                                 self.vocabs)
                wq, expansions = plan.query, plan.expansions
                scored, strong = self._score(searcher, plan)
            best, facets = res.collapse(scored, self._docs, filters, self.vocabs)
            items = res.ordered(best, self._sort_keys)
            results = [res.result(self._docs[num], score, sorted(d["lang"] for d in self._by_id[entry_id]),
                                  lambda doc: self._snippet(doc, wq))
                       for entry_id, num, score in res.page_of(items, page, page_size)]
            repaired = any(e["kind"] == "spelling" for e in expansions)
            if wq is not None and (len(best) < 3 or repaired or not (strong and best)):
                did_you_mean = self._did_you_mean(searcher, q)
        return {"query": q, "total": len(best), "page": page, "page_size": page_size, "results": results,
                "facets": facets, "expansions": expansions, "did_you_mean": did_you_mean,
                "strong": bool(strong and best), "hint": hint}

    def _snippet(self, doc: dict, wq) -> str:
        """HTML-escaped extract with the matched words in <mark>."""
        formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        if wq is not None:
            terms = wq.all_terms()
            for part, text in (("summary", doc["summary"]), ("body", doc["text"])):
                field = f"{part}_{doc['lang']}"
                wanted = {t for f, t in terms if f == field}
                if wanted:
                    out = highlight.highlight(text, frozenset(wanted), analyzer(doc["lang"]), fragmenter,
                                              formatter, top=2, mode="index")
                    if out:
                        return out
        return highlight.htmlescape(doc["summary"][:240], quote=False)

    def _did_you_mean(self, searcher, q: str) -> str | None:
        """The query with each word the index does not hold replaced by its closest indexed
        word (edit distance 2 at most); None when no word changes."""
        reader, out, changed = searcher.reader(), [], False
        for raw in WORD_RE.findall(q)[:MAX_QUERY_TERMS]:
            word = strip_elision(normalize(raw))
            fix = None
            if raw not in qry.OPERATORS and len(word) > 3 and meaningful(word) and not self._index_known(reader, word):
                near = self._near(reader, word, 2)
                fix = near[0][2] if near else None
            changed |= fix is not None
            out.append(raw if raw in qry.OPERATORS else fix or word)
        return " ".join(out) if changed else None

    # -- other reads ---------------------------------------------------------------------------

    def entry(self, entry_id: str) -> dict | None:
        """Every language version of one entry, as stored: {id, type, countries, themes,
        data_sources, versions[{lang, title, summary, url, status, period, updated,
        institutions}]}, or None when the id is unknown."""
        with self._lock:
            self._open()
            versions = list(self._by_id.get(entry_id, ()))
        return res.entry_versions(entry_id, versions)

    def suggest(self, q: str, limit: int = 8) -> dict:
        """Titles and index terms that complete what the user is typing:
        {query, titles[{id, lang, title, url}], terms[str]}. Raises QueryError for a too long q."""
        q = self.check(q, 1, 1)
        words = [strip_elision(normalize(w)) for w in WORD_RE.findall(q)][-MAX_QUERY_TERMS:]
        if not words:
            return {"query": q, "titles": [], "terms": []}
        last, rest = words[-1], words[:-1]
        with self._lock:
            searcher = self._open()
            titles = []
            for num, d in self._docs.items():
                tw = self._titles[num].split()
                if any(w.startswith(last) for w in tw) and all(r in tw for r in rest):
                    titles.append({"id": d["id"], "lang": d["lang"], "title": d["title"], "url": d["url"]})
            titles.sort(key=lambda t: (normalize(t["title"]), t["lang"]))
            reader = searcher.reader()
            terms = []
            for i, term in enumerate(reader.expand_prefix("neutral", last)):
                if i >= 500:
                    break
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                terms.append((reader.doc_frequency("neutral", text), text))
        terms.sort(key=lambda t: (-t[0], t[1]))
        return {"query": q, "titles": titles[:limit], "terms": [t for _, t in terms[:limit]]}
