"""Full-text search over entries: SearchIndex opens an index, scores a query, highlights.

Whoosh (whoosh-reloaded) is unmaintained: Whoosh-specific code stays in tools.search (index.py
writes, query.py builds queries, this module reads), so it can be replaced without touching
callers (tools.web, tools.cli, tools.bench, tools.pipeline).

Ranking formula. For a query q and an entry-language document d:

    score(d) = C(d) × K(d) × ( Σ_w Σ_f b_f · BM25F(w, f, d)     the words as typed
                              + Σ_g 1.0 · max_n (t_g/w_n)·S(n, d)  glossary concepts named in q
                              + Σ_p 1.0 · max_v S(v, d)          index words v a prefix stands for:
                                                                  'emp*', or a last word being typed
                              + Σ_r 0.8 · S(fix_r, d)            confident spelling repairs, and the
                                                                  names of a country typed wrong
                              + Σ_c 0.5 · S(parts_c, d)          phrase of a compound's parts
                              + 50 · [title of d = q] )          exact title (folded words)

- BM25F is Whoosh's, K1 = 1.2, B = 0.75, over the fields f: title_* (b_f = 4), summary_*
  (2), meta_* (1.5: vocabulary labels, country names, tags), neutral (1.2: folded, unstemmed
  names and acronyms), body_* (1). Each field of each language is analysed in its language;
  the query's words are analysed in all three, so a word counts in every field it matches.
  Its statistics (document count, a term's document frequency, average field lengths) are
  those of the live documents (_Generation.idf, avg_field_length), for Whoosh's own matchers
  too (_LiveBM25F): Whoosh's count the documents an incremental build replaced or removed,
  kept in their segments until a merge, so a rebuilt index scored otherwise than a clean build.
- Words are OR-ed and added: an entry matching more words scores more. Whoosh's coordination
  (OrGroup.factory(0.9)) is not used: it multiplied one-term matches by 0. K(d) below rewards
  covering the query instead, and never goes below one half.
- S(x, d): the same sum for the phrase x; a concept counts once however many of its names
  (max over the names n, each scored on d alone: query.BestOf, as Whoosh's DisjunctionMax
  mixed in other documents' scores). A phrase scores the sum of its words, so each name n of
  w_n meaningful words is scaled by t_g/w_n, t_g the words typed for the concept: 'CIST'
  expanded to a four-word name weighs like the one word typed.
- C(d) = 1 + (COUNTRY_FACTOR - 1) × (a / m) × min(1, a / n_d) ** COUNTRY_SPECIFICITY, with a
  the countries named in q that d is about, m the countries named in q, n_d the countries d is
  about; COUNTRY_FACTOR = 3, COUNTRY_SPECIFICITY = 0.25 (tools.search.query finds the countries):
  3 for an entry about the one country named and no other, 2 for an entry about one of two
  named, 1 + 2 × 0.2 ** 0.25 = 2.34 for a regional entry about five countries, one of them named.
- K(d) = 1 - COVERAGE_WEIGHT (0.5) × (1 - covered / units): the share of the query's units (see
  below) that d covers; an entry matching every unit keeps its score, one matching half of them
  three quarters of it.
Then language versions collapse to the best one per entry (tools.search.results); of versions
scoring alike, the one in the first language of schema.LANGS, and entries scoring alike by folded
title then id: never by document number, which differs between two builds of the same entries.

NOT and ANDNOT (and a word written with a leading '-', read as after NOT: query.minus_exclusions)
are about entries, not versions: an entry is shown once whatever its versions,
so it is left out when any of its versions matches what follows NOT or ANDNOT (or another name
of a glossary concept named there), even if another version, a translation without that word,
matches the rest of the query (_score; kb-engine.js syntaxExcluded applies the same rule).
A prefix p is a word typed with '*', or the query's last word when the index does not hold it
and it may be unfinished (query.completed_word: 'donn', 'sous-em'; the header box searches at
each keystroke); its words v are the query.MAX_PREFIX_WORDS index words starting with it held
by the most documents (_prefix_words), and they make one unit with the word. An operator with
nothing to act on yet ('emploi NOT') is dropped (query.drop_loose_operators).

Relevance floor. The query's "units" are its meaningful words (not stop words, not single
letters), with a glossary concept or a country name of several words counting as one. An entry
covers a unit where one of its words matches, or one of its phrases (a concept's other name, a
compound's parts) matches whole: a phrase's word matching alone, as another unit's word, does not
cover it (query._cover_terms). An entry is kept only if it covers at least half of the units (query.coverage_needed); the answer is
"strong" when the best entry covers all of up to three units, or three quarters of more
(query.strong_needed). Queries written with operators or quotes keep every match. A query with
no meaningful word answers nothing, with a hint (its question words, 'what', 'pourquoi', 'كيف', are
taken out first: query.without_question_words); an empty query browses every entry by title.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import json
import math
import os
import pickle
import re
import threading
import time
import unicodedata
import weakref
from collections import OrderedDict, deque
from functools import partial
from itertools import accumulate, chain
from pathlib import Path

import numpy as np
from rapidfuzz import process as fuzzy
from rapidfuzz.distance import Levenshtein
from whoosh import formats, highlight, index, query, scoring
from whoosh.analysis import Token
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.matching import FilterMatcher, MultiMatcher
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.system import _INT_SIZE

from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.errors import QueryError
from tools.search import glossary
from tools.search import query as qry
from tools.search import results as res
from tools.search.analysis import (
    ARABIC_RE,
    HYPHENS,
    TOKEN_PATTERN,
    WORD_RE,
    compound_parts,
    id_words,
    meaningful,
    normalize,
    stem,
    strip_elision,
    written_form,
)
from tools.search.glossary import expand

# _Fold and _Stem are re-exported because indexes written before the split pickled them under
# this module's name (they open, then the build re-indexes).
from tools.search.index import (  # noqa: F401
    LANG_PARTS,
    _Compound,
    _doc_count,
    _Fold,
    _Stem,
    analyzer,
    exact_key,
    make_schema,
)
from tools.search.index import build_search_index as _build_index
from tools.search.postings import _segment_arrays, load_postings, segment_term_docs, write_postings
from tools.search.postings import postings as _postings
from tools.search.query import MAX_QUERY_TERMS
from tools.search.snippets import load_snippets, part_text, text_tokens, write_snippets

MAX_QUERY_CHARS = 1000
MAX_PAGE = 1000
MAX_PAGE_SIZE = 50
MAX_SUGGEST_LIMIT = 20  # titles and terms /api/suggest returns at most (its `limit`)
COUNTRY_FACTOR = 3.0  # an entry about a country the query names outranks one merely on the topic
# An entry about many countries is less about each: its country boost is scaled by (share of its
# countries that the query names) ** COUNTRY_SPECIFICITY (measured 0.25: four judged queries up,
# none down; 0.5 lost 'DTM Libya' and an assessment of Mauritania to regional entries).
COUNTRY_SPECIFICITY = 0.25
COVERAGE_WEIGHT = 0.5  # share of the score that depends on covering every unit of the query
# Leaf queries (a term in a field, a phrase) whose scores are kept per index generation: the
# glossary's names alone are some 11,000 at 10,000 entries (SearchIndex.warm), queries add theirs.
TERM_CACHE = 40_000
# SearchIndex.warm scores ahead the terms held by at least this share of the documents (and this
# many): at 10,000 entries some 3,000 terms of the search fields, 2.2 million postings, 35 MB.
WARM_SHARE, WARM_MIN_DOCS = 0.01, 50
SCORED_CACHE = 1024  # queries whose scored documents are kept per index generation
WORD_CACHE = 20_000  # words whose look-ups (known, near) are kept per index generation
NO_TERMS_HINT = ("The query has no word to search for: only symbols, single letters or words such as "
                 "'the', 'de' or 'في'. Type a word of the subject, or leave the box empty to browse.")
SYNTAX_HINT = ("Wildcards, field names (title:), ranges ([a TO z]), boosts (^2) and unclosed quotes are not "
               "search syntax here: the words were searched as plain words, and a word ending in * as the "
               "most frequent index words starting with it.")
# A search's hints by their machine name (hint_code), which clients translate (ui.yml search).
HINTS = {"no_terms": NO_TERMS_HINT, "syntax_ignored": SYNTAX_HINT}


# Characters tokenised before and after each match for its snippet. ContextFragmenter(maxchars=240,
# surround=60) starts a fragment at most 60 characters of words before a match and ends it 60
# characters of words after the last match it holds (every match has its own region), so the
# fragments are those cut from the whole text.
SNIPPET_BEFORE, SNIPPET_AFTER = 100, 160
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_HYPHEN_RE = re.compile(f"[{HYPHENS}]")
_SPAN = re.Match.span


def _context_triples(text: str, spans: dict[tuple[int, int], str]) -> list[tuple[int, int, str | None]]:
    """The tokens of the text around the matches, cut as the index cuts them (a hyphenated
    compound whole, then each part: tools.search.index._Compound), as (start, end, term)
    character ranges, term the matched term where `spans` ({(start, end): term}) says so, else
    None: the token stream Whoosh's fragmenters read, without folding or stemming."""
    regions: list[list[int]] = []
    for start, end in sorted(spans):
        lo, hi = max(0, start - SNIPPET_BEFORE), end + SNIPPET_AFTER
        if regions and lo <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], hi)
        else:
            regions.append([lo, hi])
    get = spans.get
    out: list[tuple[int, int, str | None]] = []
    for lo, hi in regions:
        if _HYPHEN_RE.search(text, lo, hi) is None:
            # No compound in the region (nearly always): its tokens as the regex cuts them.
            out += [(span[0], span[1], get(span)) for span in map(_SPAN, _TOKEN_RE.finditer(text, lo, hi))]
            continue
        for m in _TOKEN_RE.finditer(text, lo, hi):
            start, end = m.span()
            out.append((start, end, get((start, end))))
            word = m.group()
            if _HYPHEN_RE.search(word):
                parts = compound_parts(word)
                offset = 0
                for part in parts if len(parts) > 1 else ():
                    at = word.index(part, offset)
                    offset = at + len(part)
                    out.append((start + at, start + at + len(part), get((start + at, start + at + len(part)))))
    return out


def _context_fragments(text: str, spans: dict[tuple[int, int], str], maxchars: int = 240, surround: int = 60,
                       charlimit: int = highlight.DEFAULT_CHARLIMIT):
    """The fragments (whoosh.highlight.Fragment) that ContextFragmenter(maxchars, surround,
    charlimit).fragment_tokens cuts from the tokens of _context_triples(text, spans): its loop,
    kept as it is, over plain triples; a Token (as a tokenizer's, copied) is made only for each
    match a fragment holds, instead of one update of a shared Token per word of the context."""
    first = None  # startchar of the first token of the fragment
    firsts: deque = deque()  # startchars of the words before a match, within `surround`
    countdown = -1  # < 0: not in a fragment
    tks: list = []
    endchar = None
    currentlen = 0
    for startchar, endchar, term in _context_triples(text, spans):
        tlength = endchar - startchar
        if charlimit and endchar > charlimit:
            break
        if countdown < 0 and term is None:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif term is not None:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            t = Token(chars=True)
            t.startchar, t.endchar, t.matched, t.text = startchar, endchar, True, term
            tks.append(t)
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)
                tks = []
                firsts = deque()
                first = None
                currentlen = 0
    if tks:
        yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)


def shown_language(q: str, prefer: str | None) -> str | None:
    """The language whose version of an entry a result shows (SearchIndex.search's `prefer`): the
    interface's, `prefer`, except for a query written in Arabic letters on another interface, whose
    reader reads Arabic and is shown each entry's best-matching version (None). Mirrored in
    kb-engine.js (search)."""
    if prefer and prefer != "ar" and ARABIC_RE.search(normalize(q)):
        return None
    return prefer


class _Generation:
    """One opened index and what is derived from it once: the searcher, stored documents,
    versions per entry, folded titles, the facet table (tools.search.results.Table), and caches
    of term scores and of answers. A rebuild swaps in a new index: a new generation is made and
    the old one, caches included, is dropped."""

    def __init__(self, searcher, vocabs: Vocabularies, index_dir: Path | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        # (field, words) -> documents matching the phrase, computed by the build (PHRASES_FILE)
        self.phrases = _load_phrases(index_dir, self.reader) if index_dir is not None else {}
        # field -> its postings as arrays, computed by the build (tools.search.postings); a field
        # missing here is read through Whoosh, with the same scores.
        self.postings = load_postings(index_dir, self.reader, qry.search_fields()) if index_dir is not None else {}
        # Each document's summary and body tokens' character ranges, computed by the build
        # (tools.search.snippets, memory-mapped); None: snippets read the term vectors.
        self.snippets = load_snippets(index_dir, self.reader) if index_dir is not None else None
        self.docs = {num: stored for num, stored in searcher.iter_docs()}
        # Each document's written forms (index.make_schema "written"), taken out of the stored
        # documents and made into a table on first use (written_form): only completions need them.
        self._written_docs = [(stored["lang"], stored.pop("written", None) or {}) for stored in self.docs.values()]
        self._written: dict[str, dict[str, tuple[dict[str, int], int]]] | None = None
        self.shown = _LRU(WORD_CACHE)  # (folded term, language) -> written_form
        self.by_id: dict[str, list[dict]] = {}
        self.version: dict[tuple[str, str], int] = {}  # (entry id, language) -> document number
        for num, stored in self.docs.items():
            self.by_id.setdefault(stored["id"], []).append(stored)
            self.version[stored["id"], stored["lang"]] = num
        self.titles = {num: exact_key(stored["title"]) for num, stored in self.docs.items()}  # for completion
        self.sort_keys = {num: normalize(stored["title"]) for num, stored in self.docs.items()}  # score ties
        self.size = self.reader.doc_count_all()
        # The collection statistics that scores and choices by document frequency read are the
        # live documents' (doc_frequency, idf, avg_field_length): Whoosh's own count the documents
        # an incremental build replaced or removed, kept in their segments marked deleted until a
        # merge, so that a rebuilt index scored otherwise than a clean build of the same entries.
        self.live = self.reader.doc_count()
        self._avgfl: dict[str, float] = {}
        self._deleted_lengths: dict[str, float] = {}  # read from Whoosh's postings: no arrays
        if isinstance(searcher.weighting, _LiveBM25F):
            # Whoosh's matchers (operators) score with the same; a weak reference, so that no
            # cycle keeps a replaced generation's arrays until the collector runs.
            searcher.weighting.stats = weakref.proxy(self)
        # Countries each document is about (at least 1, so that a share never divides by 0).
        self.country_counts = np.ones(self.size)
        for num, stored in self.docs.items():
            self.country_counts[num] = max(1, len([c for c in (stored.get("countries") or "").split(",") if c]))
        self.table = res.Table(self.docs, self.size, self.sort_keys, vocabs)
        self.leaves = _LRU(TERM_CACHE)  # (field, text) or (Phrase, query) -> (document numbers, scores)
        self.scored = _LRU(SCORED_CACHE)  # (q, glossary) -> scored documents (SearchIndex._scored)
        self.known = _LRU(WORD_CACHE)  # folded word -> whether the index holds it (neutral field)
        self.near = _LRU(WORD_CACHE)  # (folded word, distance) -> SearchIndex._near
        self.plain = _LRU(WORD_CACHE)  # (one-word country name, code) -> SearchIndex._plain_country
        self.did_you_mean = _LRU(SCORED_CACHE)  # (q, fragments) -> SearchIndex._did_you_mean
        self._lengths: dict[str, np.ndarray] = {}
        words: dict[str, set[int]] = {}
        for num, key in self.titles.items():
            for word in key.split():
                words.setdefault(word, set()).add(num)
        self._title_words = sorted(words)
        self._title_docs = [words[w] for w in self._title_words]
        # Every term of the neutral field, for spelling look-ups (SearchIndex._near): read once
        # here, so that a look-up compares the word with a list in C instead of walking the
        # term dictionary with Whoosh's Levenshtein automaton in Python (0.05-0.7 s a word).
        # Only terms some live document holds: Whoosh keeps a deleted document's terms in its
        # segment until a merge, so a word an incremental build took out would still be offered.
        stored = self.postings.get("neutral")
        self.neutral_terms = [t.decode("utf-8") if isinstance(t, bytes) else t
                              for t in (stored.terms if stored is not None else self.reader.lexicon("neutral"))]
        if stored is not None:
            live = np.diff(stored.bounds) > 0
            self.neutral_terms = [t for t, keep in zip(self.neutral_terms, live.tolist(), strict=True) if keep]
        elif self.reader.has_deletions():
            self.neutral_terms = [t for t in self.neutral_terms if self.held("neutral", t)]

    def held(self, fieldname: str, text: str) -> bool:
        """Whether a live (not deleted) document holds the term `text` of `fieldname`."""
        stored = self.postings.get(fieldname)
        if stored is not None:
            return stored.holds(text.encode("utf-8"))
        if not self.reader.has_deletions():
            return self.reader.doc_frequency(fieldname, text) > 0
        try:
            return self.reader.postings(fieldname, text).is_active()
        except TermNotFound:
            return False

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        """How many live (not deleted) documents hold the term `text` of `fieldname`: what
        Whoosh's reader.doc_frequency answers for an index without deletions."""
        btext = text.encode("utf-8") if isinstance(text, str) else text
        stored = self.postings.get(fieldname)
        if stored is not None:
            return stored.frequency(btext)
        if not self.reader.has_deletions():
            return self.reader.doc_frequency(fieldname, text)
        try:
            return len(_term_docs(self.reader, fieldname, btext))
        except TermNotFound:
            return 0

    def idf(self, df: int) -> float:
        """Whoosh's inverse document frequency (WeightingModel.idf: log(N / (df + 1)) + 1) of a
        term held by `df` live documents, N the live documents (at least 1: an index whose every
        document was removed matches nothing, but Whoosh's matchers still ask)."""
        return math.log(max(self.live, 1) / (df + 1)) + 1

    def avg_field_length(self, fieldname: str) -> float:
        """The live documents' average length in a field, as BM25F reads it (Whoosh's
        Searcher.avg_field_length: total length / documents, 1 where that is 0). The total is
        Whoosh's (exact, summed as documents are written) less the deleted documents' exact
        lengths: those of FieldPostings, or, when the build's arrays are missing (a fallback),
        read once from the postings of the segments holding deleted documents (_deleted_lengths)."""
        found = self._avgfl.get(fieldname)
        if found is None:
            total = self.reader.field_length(fieldname)
            if self.reader.has_deletions():
                stored = self.postings.get(fieldname)
                if stored is not None:
                    total -= stored.deleted_length
                else:
                    if fieldname not in self._deleted_lengths:  # every search field in one pass
                        wanted = [f for f in dict.fromkeys([fieldname, *qry.search_fields()]) if f not in self.postings]
                        self._deleted_lengths.update(_deleted_lengths(self.reader, wanted))
                    total -= self._deleted_lengths[fieldname]
            found = self._avgfl[fieldname] = total / (self.live or 1) or 1
        return found

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in a field (Whoosh's stored, rounded lengths), as BM25F reads
        them; computed on first use."""
        found = self._lengths.get(fieldname)
        if found is None and fieldname in self.postings:
            found = self._lengths[fieldname] = self.postings[fieldname].lengths
        if found is None:
            found = np.asarray([self.searcher.doc_field_length(n, fieldname, 1) or 0 for n in range(self.size)],
                               dtype=np.float64)
            self._lengths[fieldname] = found
        return found

    def written_form(self, term: str, lang: str | None = None) -> str:
        """The form to show for a folded neutral term (analysis.written_form): the most frequent way
        the entries of language `lang` write it, or all entries' when `lang` is None or none of
        its entries holds it; `term` itself when every entry writes it as it folds.

        The table (every document's written forms, index.make_schema) holds a word only in the
        documents that write it otherwise at least once; the documents that hold it and are not in
        the table write it as it folds, and count once each for that form."""
        found = self.shown.get((term, lang))
        if found is not None:
            return found
        if self._written is None:
            table: dict[str, dict[str, tuple[dict[str, int], int]]] = {}
            for doc_lang, forms_of in self._written_docs:
                for folded, forms in forms_of.items():
                    per_lang = table.setdefault(folded, {})
                    counts, docs = per_lang.get(doc_lang, ({}, 0))
                    for form, n in forms.items():
                        counts[form] = counts.get(form, 0) + n
                    per_lang[doc_lang] = (counts, docs + 1)
            self._written, self._written_docs = table, []
        per_lang = self._written.get(term)
        shown = term
        if per_lang:
            held: dict[str, int] = {}
            for num in _term_docs(self.reader, "neutral", term.encode("utf-8")).tolist():
                d = self.docs.get(num)
                # A word of the entry's id (a slug) is no vote for its plain spelling.
                if d is not None and term not in id_words(d["id"]):
                    held[d["lang"]] = held.get(d["lang"], 0) + 1
            langs = [lang] if lang in per_lang or (lang and held.get(lang)) else list(held) or list(per_lang)
            counts: dict[str, int] = {}
            for each in langs:
                recorded, docs = per_lang.get(each, ({}, 0))
                for form, n in recorded.items():
                    counts[form] = counts.get(form, 0) + n
                plain = held.get(each, 0) - docs
                if plain > 0:
                    counts[term] = counts.get(term, 0) + plain
            shown = written_form(term, counts)
        self.shown.put((term, lang), shown)
        return shown

    def title_prefix(self, prefix: str) -> set[int]:
        """Document numbers whose folded title has a word starting with `prefix`."""
        out: set[int] = set()
        i = bisect.bisect_left(self._title_words, prefix)
        while i < len(self._title_words) and self._title_words[i].startswith(prefix):
            out |= self._title_docs[i]
            i += 1
        return out


def _term_scores(gen, q) -> tuple[np.ndarray, np.ndarray] | None:
    """(document numbers, BM25F scores) of one term, as Whoosh's BM25FScorer computes them with
    _LiveBM25F (same idf and average field length, those of the live documents; the same
    per-document field lengths, B and K1), for all its postings at once;
    None when the searcher does not weigh with BM25F (the caller then asks Whoosh)."""
    searcher, weighting = gen.searcher, gen.searcher.weighting
    if not isinstance(weighting, scoring.BM25F) or q.fieldname not in searcher.schema:
        return None
    field = searcher.schema[q.fieldname]
    if not field.scorable:
        return None
    try:
        text = field.to_bytes(q.text)
    except ValueError:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    stored = gen.postings.get(q.fieldname)
    if stored is not None:  # the arrays the build wrote
        held = stored.get(text)
        if held is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids, tf, _ = held
    elif (parts := _segment_postings(gen.reader, q.fieldname, text)) is None:  # not Whoosh 3 segments
        if (q.fieldname, text) not in gen.reader:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids, tf = _postings(gen.reader.postings(q.fieldname, text))
    else:
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        read = [(_postings(m), offset) for m, offset in parts]
        ids = np.concatenate([i + offset for (i, _), offset in read])
        tf = np.concatenate([w for (_, w), _ in read])
    if not len(ids):  # only deleted documents hold it
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    # Whoosh's idf and average field length over the live documents (the postings hold no
    # deleted one: the term's live document frequency is their count).
    idf = gen.idf(len(ids))
    avgfl = gen.avg_field_length(q.fieldname)
    b = weighting._field_B.get(q.fieldname, weighting.B)
    k1 = weighting.K1
    fl = gen.lengths(q.fieldname)[ids]
    return ids, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


class _LiveBM25F(scoring.BM25F):
    """Whoosh's BM25F (same B, K1 and formula) reading the collection statistics of the live
    documents from `stats` (the _Generation: its idf and avg_field_length), as _term_scores
    does, where Whoosh's count the documents an incremental build deleted until their segment
    is merged: Whoosh's matchers (queries with operators, SearchIndex._hits) then score as a
    clean build of the same entries. Until `stats` is set, Whoosh's BM25F."""

    stats: _Generation | None = None

    def idf(self, searcher, fieldname, text):
        if self.stats is None:
            return super().idf(searcher, fieldname, text)
        return self.stats.idf(self.stats.doc_frequency(fieldname, text))

    def scorer(self, searcher, fieldname, text, qf=1):
        if self.stats is None or not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return _LiveBM25FScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf,
                                self.stats.avg_field_length(fieldname))


class _LiveBM25FScorer(scoring.BM25FScorer):
    """BM25FScorer with the average field length given (_LiveBM25F), set before its setup()
    computes the scorer's best quality from it."""

    def __init__(self, searcher, fieldname, text, B, K1, qf, avgfl):  # noqa: N803 - Whoosh's names
        self.idf = searcher.get_parent().idf(fieldname, text)  # cached per searcher; _LiveBM25F.idf
        self.avgfl = avgfl
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


def _deleted_lengths(reader, fields: list[str]) -> dict[str, float]:
    """{field: total length of the reader's deleted documents in it}: the sum of their postings'
    frequencies, read from each segment holding deleted documents (all its postings of the
    fields: for an index without the build's arrays only, 3 s of CPU for the search fields
    of a 10,000-entry index); the stored, rounded lengths for a segment that is not Whoosh 3's."""
    totals = dict.fromkeys(fields, 0.0)
    for seg, _ in reader.leaf_readers():
        deleted = sorted(getattr(seg, "deleted_docs_set", None) or ())
        if not deleted:
            continue
        arrays = _segment_arrays(seg, fields)
        for j, name in enumerate(fields):
            if arrays is None:
                totals[name] += sum(seg.doc_field_length(n, name, 0) for n in deleted)
            else:
                gone = np.isin(arrays[f"ids{j}"], np.asarray(deleted, dtype=np.int64))
                totals[name] += float(arrays[f"tf{j}"][gone].sum(dtype=np.float64))
    return totals


def _segment_postings(reader, fieldname: str, text: bytes):
    """[(postings matcher without deleted documents, document number offset)] of a term in each
    segment holding it, in segment order, as reader.postings() gives them, with one
    term-dictionary look-up per segment (Whoosh's own calls look the term up several times:
    whether the index holds it, then per segment whether it holds it, its postings). None when a
    segment is not a Whoosh 3 segment reader. (No document frequency: Whoosh's counts deleted
    documents; the live one is the postings' length, _Generation.doc_frequency.)"""
    parts = []
    fmt = reader.schema[fieldname].format
    for seg, offset in reader.leaf_readers():
        terms = getattr(seg, "_terms", None)
        if type(seg) is not SegmentReader or type(terms) is not W3TermsReader:
            return None
        try:
            info = terms.term_info(fieldname, text)
        except TermNotFound:
            continue
        m = terms._codec.postings_reader(terms._postfile, info, fmt, term=(fieldname, text), scorer=None)
        deleted = seg.deleted_docs_set
        if deleted:
            m = FilterMatcher(m, deleted, exclude=True)
        parts.append((m, offset))
    return parts


def _positions(m, wanted: np.ndarray) -> list[list[int]]:
    """Positions of a term in each of the `wanted` documents (ascending document numbers, all in
    the postings), in that order, from a fresh postings matcher: blocks without a wanted document
    are skipped unread, and only the wanted postings' positions are decoded."""
    if isinstance(m, MultiMatcher):  # several segments: document numbers shifted by offsets
        out: list = []
        offsets = list(m.offsets)
        for i in range(m.current, len(m.matchers)):
            lo = offsets[i]
            hi = offsets[i + 1] if i + 1 < len(offsets) else None
            sel = wanted[(wanted >= lo) & (wanted < hi)] if hi is not None else wanted[wanted >= lo]
            if len(sel):
                out += _positions(m.matchers[i], sel - lo)
        return out
    if isinstance(m, FilterMatcher):  # the wanted documents are never deleted ones
        return _positions(m.child, wanted)
    out = []
    if isinstance(m, W3LeafMatcher):
        decode = _decode_positions if type(m.format) is formats.Positions else m.format.decoder("positions")
        k = 0
        while m.is_active() and k < len(wanted):
            if wanted[k] > m.block_max_id():
                m._next_block()
                continue
            if m._ids is None:
                m._read_ids()
            if m._values is None:
                m._read_values()
            ids, values, i = m._ids, m._values, m._i
            while k < len(wanted) and wanted[k] <= ids[-1]:
                i = bisect.bisect_left(ids, int(wanted[k]), i)
                out.append(decode(values[i]))
                k += 1
            m._next_block()
        return out
    for doc in wanted:
        m.skip_to(int(doc))
        out.append(m.value_as("positions"))
    return out


def _decode_positions(value: bytes) -> list[int]:
    """Whoosh's Positions.decode_positions (a pickled list of gaps after the count), without
    its per-call look-ups: one term's positions in one document, ascending."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(pickle.loads(value[_INT_SIZE:])))


def _flat(lists: list[list[int]], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row of each item, item) of lists of ints, the i-th list's items on row rows[i]."""
    lengths = [len(x) for x in lists]
    items = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=sum(lengths))
    return np.repeat(rows, lengths), items


def _all_terms(q) -> set:
    """q.all_terms() (every (field, text) of its leaves, a phrase's words included), walked
    directly for a tree of Or, BestOf, Term and Phrase (Whoosh's walk nests a generator per node)."""
    out, stack = set(), [q]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is query.Term:
            out.add((node.fieldname, node.text))
        elif kind is query.Phrase:
            out.update((node.fieldname, word) for word in node.words)
        elif kind in (query.Or, qry.BestOf):
            stack.extend(node.subqueries)
        else:
            return q.all_terms()
    return out


def _holds(ids: np.ndarray, num: int) -> bool:
    """Whether sorted document numbers `ids` hold `num`."""
    i = int(np.searchsorted(ids, num))
    return i < len(ids) and int(ids[i]) == num


_ROW = 1 << 32  # positions in one field of one document stay below this


def _tree_sum(parts: list[np.ndarray]) -> np.ndarray:
    """Sum of arrays in the order of Whoosh's binary tree of matchers (make_binary_tree: the
    first half's sum plus the second half's), so that floating-point sums are the same."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


def _phrase_docs(reader, fieldname: str, words: list[tuple[bytes, np.ndarray]]) -> np.ndarray:
    """Document numbers (ascending) holding a phrase's words at consecutive positions, in order
    (Whoosh's Phrase with slop 1), from [(word as the field's bytes, document numbers holding
    it)] for two words or more: only the documents holding every word have positions read."""
    cand = words[0][1]
    for _, ids in words[1:]:
        cand = np.intersect1d(cand, ids, assume_unique=True)
    if len(cand):
        # A start p matches when word i is at p + i for every i. Each word's positions are
        # read only for the documents still matching after the words before it. A start is
        # one number, (candidate's row) * _ROW + p, so that words are matched by sorted
        # array intersections.
        rows = np.arange(len(cand), dtype=np.int64)
        row, pos = _flat(_positions(reader.postings(fieldname, words[0][0]), cand), rows)
        starts = np.unique(row * _ROW + pos)
        for i, (text, _) in enumerate(words[1:], 1):
            row, pos = _flat(_positions(reader.postings(fieldname, text), cand[rows]), rows)
            keep = pos >= i
            starts = np.intersect1d(starts, np.unique(row[keep] * _ROW + pos[keep] - i), assume_unique=True)
            rows = np.unique(starts // _ROW)
            if not len(rows):
                break
        cand = cand[rows]
    return cand


# Phrase matches of the glossary's names, computed when the index is built (write_phrase_matches)
# so that no query pays for reading positions (0.2 s for a common concept at 10,000 entries).
# They are kept per segment (document numbers within the segment), so that an incremental build,
# which adds a small segment to the previous index's, computes only the new segments' matches.
PHRASES_FILE = "PHRASES.npz"
PHRASES_FORMAT = 2  # bump when what a match means or the file's layout changes
# Below this many documents the file is not written: parsing the glossary's names costs a second
# or two per build (every test's), while matching a phrase at query time costs a few ms.
PHRASES_MIN_DOCS = 1000


def _segments(reader) -> list[tuple]:
    """[(segment reader, document number offset, segment identity, deleted document numbers
    within the segment as a sorted int64 array)] of an index reader, in segment order. The
    identity is Whoosh's segment id (random, new for every segment written or merged) and the
    segment's size; a segment's documents never change, only which of them are deleted."""
    out = []
    for seg, offset in reader.leaf_readers():
        segment = getattr(seg, "_segment", None)
        segid = segment.segment_id() if segment is not None else ""
        deleted = np.asarray(sorted(getattr(seg, "deleted_docs_set", None) or ()), dtype=np.int64)
        out.append((seg, offset, f"{segid}:{seg.doc_count_all()}" if segid else "", deleted))
    return out


def _glossary_phrases(parser, concepts):
    """Every Phrase leaf a query naming one of the glossary `concepts` may search: each name
    parsed as query.build() parses it (query.name_terms, quoted), in every field."""
    seen = set()
    for concept in concepts:
        for name in concept.names():
            words = qry.name_terms(name)
            if not words or words in seen:
                continue
            seen.add(words)
            stack = [parser.parse(f'"{words}"')]
            while stack:
                q = stack.pop()
                if type(q) is query.Phrase:
                    yield q
                stack.extend(getattr(q, "subqueries", ()) or ())


def _phrase_keys(schema_, concepts) -> list[tuple[str, tuple[str, ...], list[bytes]]]:
    """[(field, words, words as the field's bytes)] of every phrase of two words or more, in a
    positional field, that the glossary `concepts` are searched as (_glossary_phrases)."""
    keys, seen = [], set()
    for q in _glossary_phrases(_CachedParser(qry.make_parser()), concepts):
        key = (q.fieldname, tuple(q.words))
        if key in seen or len(q.words) < 2 or q.slop != 1 or q.fieldname not in schema_:
            continue
        seen.add(key)
        field = schema_[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            continue
        try:
            texts = [field.to_bytes(word) for word in q.words]
        except ValueError:
            continue  # no document holds a word that cannot be indexed: nothing to store
        keys.append((q.fieldname, key[1], texts))
    return keys


def _segment_matches(seg, keys: list, docs_of=None) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers within the segment, bounds): the documents of one segment reader
    matching keys[i] (a _phrase_keys item) are nums[bounds[i]:bounds[i + 1]], ascending,
    deleted ones left out. `docs_of(field, text)`: the documents holding a term, from the build's
    postings arrays (postings.segment_term_docs; None for a field they lack), in place of
    decoding Whoosh's postings (a third of the matching's time, #10)."""
    arrays, term_docs = [], {}
    empty = np.zeros(0, dtype=np.int64)
    for fieldname, _, texts in keys:
        words = []
        for text in texts:
            docs = term_docs.get((fieldname, text))
            if docs is None:  # names share words: each word's postings are read once
                docs = docs_of(fieldname, text) if docs_of is not None else None
                if docs is None:
                    docs = empty if (fieldname, text) not in seg else _term_docs(seg, fieldname, text)
                term_docs[fieldname, text] = docs
            if not len(docs):
                break
            words.append((text, docs))
        arrays.append(_phrase_docs(seg, fieldname, words) if len(words) == len(texts) else empty)
    nums = np.concatenate(arrays).astype(np.int64) if arrays else empty
    return nums, np.cumsum([0] + [len(a) for a in arrays]).astype(np.int64)


def _names_digest(concepts) -> str:
    """A digest of the glossary names the phrase keys are parsed from (_phrase_keys)."""
    names = json.dumps([PHRASES_FORMAT, [c.names() for c in concepts]], ensure_ascii=False)
    return hashlib.sha256(names.encode("utf-8")).hexdigest()


def _read_phrases(path: Path) -> tuple[str, dict[str, tuple], str] | None:
    """(keys as JSON, {segment identity: (nums, bounds, deleted)}, names digest) of a
    PHRASES_FILE; None when it is absent, unreadable or of another format."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != PHRASES_FORMAT:
                return None
            keys, names = str(data["keys"]), str(data["names"])
            segments = json.loads(str(data["segments"]))
            stored = {segid: (data[f"nums{i}"], data[f"bounds{i}"], data[f"deleted{i}"])
                      for i, segid in enumerate(segments)}
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None
    return keys, stored, names


def _reusable(found: tuple | None, n_keys: int, deleted: np.ndarray) -> bool:
    """Whether a segment's stored (nums, bounds, deleted then) still holds for it now: as many
    keys, and its documents deleted then are still deleted (deletions only add)."""
    if found is None:
        return False
    nums, bounds, then = found
    return (len(bounds) == n_keys + 1 and int(bounds[-1]) == len(nums)
            and bool(np.isin(then, deleted, assume_unique=True).all()))


def write_phrase_matches(index_dir: Path, vocabs: Vocabularies | None = None, concepts=None,
                         parsed_keys: tuple | None = None) -> dict:
    """Write PHRASES_FILE into index_dir: for each segment of the index, the documents matching
    each phrase of two words or more that a glossary concept's names are searched as
    (_phrase_keys). A segment already in index_dir's previous PHRASES_FILE (an incremental build
    starts from a copy of the previous index), for the same phrases, keeps its stored matches;
    only the others are computed. `concepts`: glossary Concepts (None: those of `vocabs`, the
    shipped glossary when None). Returns {phrases, segments, computed (segments whose matches
    were computed), parsed (whether the names were parsed: not when the previous file is for
    the same names), seconds (wall)}. Called by build_search_index before the swap; a phrase not
    in the file is matched at query time. `parsed_keys`: (names digest, _phrase_keys of this
    index's schema and those names) parsed beforehand, used when the names must be parsed."""
    started = time.perf_counter()
    if concepts is None:
        concepts = glossary.concepts(Vocabularies.ensure(vocabs))
    path = Path(index_dir) / PHRASES_FILE
    previous = _read_phrases(path)
    ix = index.open_dir(str(index_dir))
    searcher = ix.searcher()
    try:
        reader = searcher.reader()
        names = _names_digest(concepts)
        parsed = previous is None or previous[2] != names
        if not parsed:
            # Parsing the names costs 1.3 s: the keys are those of the previous build when its
            # glossary names are the same (a change of the parser's or the schema's code changes
            # the build's engine, hence a full build, which starts without the file).
            keys = [(field, tuple(words), [searcher.schema[field].to_bytes(w) for w in words])
                    for field, words in json.loads(previous[0])]
        elif parsed_keys is not None and parsed_keys[0] == names:
            keys = parsed_keys[1]
        else:
            keys = _phrase_keys(searcher.schema, concepts)
        keys_json = json.dumps([[field, list(words)] for field, words, _ in keys])
        stored = previous[1] if not parsed and previous[0] == keys_json else {}
        arrays, segids, computed = {}, [], 0
        segments = _segments(reader)
        todo = [i for i, (_, _, segid, deleted) in enumerate(segments)
                if not _reusable(stored.get(segid) if segid else None, len(keys), deleted)]
        elsewhere = _matches_elsewhere(index_dir, todo[1:], keys) if len(todo) > 1 else None
        try:
            for i, (seg, _, segid, deleted) in enumerate(segments):
                if i not in todo:
                    nums, bounds, _ = stored[segid]
                elif elsewhere is not None and i in elsewhere.futures:
                    nums, bounds = elsewhere.result(i)
                    computed += 1
                else:
                    nums, bounds = _segment_matches(seg, keys, segment_term_docs(index_dir, seg, deleted))
                    computed += 1
                segids.append(segid)
                arrays.update({f"nums{i}": nums, f"bounds{i}": bounds, f"deleted{i}": deleted})
        finally:
            if elsewhere is not None:
                elsewhere.close()
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as out:
            np.savez(out, format=np.asarray(PHRASES_FORMAT), keys=np.asarray(keys_json), names=np.asarray(names),
                     segments=np.asarray(json.dumps(segids)), **arrays)
        os.replace(tmp, path)
    finally:
        searcher.close()
    return {"phrases": len(keys), "segments": len(segids), "computed": computed, "parsed": parsed,
            "seconds": round(time.perf_counter() - started, 3)}


def _matches_of_segment(index_dir: str, i: int, keys: list) -> tuple[np.ndarray, np.ndarray]:
    """_segment_matches of segment i of the index in index_dir, opened here (in a worker process)."""
    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    try:
        seg, _, _, deleted = _segments(searcher.reader())[i]
        return _segment_matches(seg, keys, segment_term_docs(Path(index_dir), seg, deleted))
    finally:
        searcher.close()
        ix.close()


class _Elsewhere:
    """Segments' phrase matches computed in a forked worker while this process computes another's
    (a full build's parallel writer leaves one segment per sub-writer: both cores, #10)."""

    def __init__(self, index_dir: Path, segments: list[int], keys: list):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
        self.futures = {i: self.pool.submit(_matches_of_segment, str(index_dir), i, keys) for i in segments}

    def result(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.futures[i].result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _matches_elsewhere(index_dir: Path, segments: list[int], keys: list) -> _Elsewhere | None:
    """An _Elsewhere for `segments` when there are two processors and fork is available; None
    (every segment computed here) otherwise."""
    if (os.cpu_count() or 1) < 2 or not segments or not hasattr(os, "fork"):
        return None
    try:
        return _Elsewhere(index_dir, segments, keys)
    except (OSError, ValueError):
        return None


def _load_phrases(index_dir: Path, reader) -> dict:
    """{(field, words): document numbers (ascending, deleted ones left out)} from index_dir's
    PHRASES_FILE when it holds every segment of `reader`'s index; {} otherwise (absent,
    unreadable, another index's)."""
    found = _read_phrases(Path(index_dir) / PHRASES_FILE)
    if found is None:
        return {}
    keys_json, stored, _ = found
    try:
        keys = [(field, tuple(words)) for field, words in json.loads(keys_json)]
    except (ValueError, TypeError):
        return {}
    key_parts, num_parts = [], []
    for _, offset, segid, deleted in _segments(reader):
        seg_found = stored.get(segid) if segid else None
        if not _reusable(seg_found, len(keys), deleted):
            return {}
        nums, bounds, _ = seg_found
        which = np.repeat(np.arange(len(keys), dtype=np.int64), np.diff(bounds))
        if len(deleted):
            keep = ~np.isin(nums, deleted)
            nums, which = nums[keep], which[keep]
        key_parts.append(which)
        num_parts.append(nums.astype(np.int64) + offset)
    if not key_parts:
        return {}
    # Segments come in offset order and each one's numbers ascend, so a stable sort by key
    # leaves every key's numbers ascending.
    which, nums = np.concatenate(key_parts), np.concatenate(num_parts)
    order = np.argsort(which, kind="stable")
    which, nums = which[order], nums[order]
    bounds = np.searchsorted(which, np.arange(len(keys) + 1))
    return {key: nums[bounds[i]:bounds[i + 1]] for i, key in enumerate(keys)}


def _term_docs(reader, fieldname: str, text: bytes) -> np.ndarray:
    """Document numbers holding a term (deleted ones left out), as _term_scores reads them."""
    parts = _segment_postings(reader, fieldname, text)
    if parts is None:
        return _postings(reader.postings(fieldname, text))[0]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([_postings(m)[0] + offset for m, offset in parts])


def build_search_index(entries: list, index_dir: Path, progress: bool = True, engine: str = "",
                       full: bool = False, vocabs: Vocabularies | None = None, written=None,
                       into: Path | None = None) -> dict:
    """tools.search.index.build_search_index (same arguments, answer and errors), with the
    glossary's phrase matches written into the new index before it is swapped in
    (write_phrase_matches; info["derived"] = {phrases, seconds})."""
    vocabs = Vocabularies.ensure(vocabs)
    early: dict = {}
    concepts = glossary.concepts(vocabs) if len(entries) >= PHRASES_MIN_DOCS else None

    def parse_keys() -> None:
        # While the sub-writers of a full build index (only then does the parent idle), the
        # glossary names are parsed once, for write_phrase_matches (about 1.3 s otherwise after them).
        early["keys"] = (_names_digest(concepts), _phrase_keys(make_schema(), concepts))
    return _build_index(entries, index_dir, progress=progress, engine=engine, full=full, vocabs=vocabs,
                        before_swap=partial(_derive, vocabs=vocabs, early=early, concepts=concepts),
                        alongside=parse_keys if len(entries) >= PHRASES_MIN_DOCS else None,
                        postings_fields=qry.search_fields(), written=written, into=into)


def _derive(folder: Path, vocabs: Vocabularies | None, early: dict | None = None, concepts=None) -> dict:
    """The files build_search_index derives from a new index in `folder`: every search field's
    postings as arrays (tools.search.postings, info["postings"]), and the phrase matches from
    PHRASES_MIN_DOCS documents on (a previous build's copy is removed below it). `early`:
    {"keys": (names digest, keys)} when the phrase keys were parsed during the build."""
    stored = write_postings(folder, qry.search_fields())
    write_snippets(folder)
    if _doc_count(folder) < PHRASES_MIN_DOCS:
        (folder / PHRASES_FILE).unlink(missing_ok=True)
        return {"phrases": 0, "segments": 0, "computed": 0, "parsed": False, "seconds": 0.0, "postings": stored}
    return write_phrase_matches(folder, vocabs, concepts, parsed_keys=(early or {}).get("keys")) | {"postings": stored}


class _CachedParser:
    """The query parser with its queries kept: the same words are parsed for the 13 fields once.
    Plain words are turned into the parser's query directly (tools.search.query.plain_query).
    Queries are shared, not copied: tools.search.query copies one before changing its boost, and
    only rewrites queries with NOT in place (those are parsed afresh each time)."""

    def __init__(self, parser, size: int = 4096):
        self.parser, self._cache = parser, _LRU(size)

    def parse(self, text: str, normalize: bool = True, debug: bool = False):
        if debug or any(w in qry.OPERATORS for w in WORD_RE.findall(text)):
            return self.parser.parse(text, normalize=normalize, debug=debug)
        q = self._cache.get((text, normalize))
        if q is None:
            q = qry.plain_query(self.parser, text) if normalize else None
            if q is None:
                q = self.parser.parse(text, normalize=normalize)
            self._cache.put((text, normalize), q)
        return q

    def __getattr__(self, name):
        return getattr(self.parser, name)


def _fresh(expansions: list[dict]) -> list[dict]:
    """A copy of a kept answer's expansions that the caller may change: new dicts and lists (their
    other values are strings and tuples of strings), as copy.deepcopy gives at a fifth of its cost."""
    return [{k: list(v) if isinstance(v, list) else v for k, v in e.items()} for e in expansions]


class _LRU:
    """A small least-recently-used mapping (not thread-safe: used under SearchIndex's lock)."""

    def __init__(self, size: int):
        self.size, self.items = size, OrderedDict()

    def get(self, key):
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key, value) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


# What a search box left blank may hold: the characters JavaScript's String.prototype.trim()
# removes (ECMAScript WhiteSpace and LineTerminator), so that both engines read the same query as
# empty (browse) or as holding something (here: only control characters, answered with no_terms).
BLANK_RE = re.compile("[ \t\n\r\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*")


class SearchIndex:
    """Reads one index directory; reopens it when a build swaps in a new one. One searcher and
    the derived tables (stored documents, versions per entry, folded titles, facet table) are
    kept per index generation, with caches of term scores and answers. Thread-safe (one lock)."""

    def __init__(self, index_dir: Path, vocabs: Vocabularies | None = None, freeze_gc: bool = False):
        self.dir = Path(index_dir)
        self.vocabs = Vocabularies.ensure(vocabs)  # labels, country aliases, glossary: the app's
        # A server's long-lived engine: what an opened generation holds (hundreds of thousands of
        # objects at 10,000 entries) is kept out of the cyclic garbage collector's full passes
        # (gc.freeze), which otherwise took 130 ms of one query in every few hundred.
        self.freeze_gc = freeze_gc
        self._lock = threading.Lock()
        self._stamp = None
        self._gen: _Generation | None = None
        self._parser = _CachedParser(qry.make_parser())
        # The word lists take a second or more to load: do it now, off the first query's time.
        threading.Thread(target=qry.dictionary_words, daemon=True).start()

    def available(self) -> bool:
        """Whether a complete index exists in the directory."""
        return (self.dir / "BUILD.json").exists()

    @property
    def generation(self) -> tuple | None:
        """The identity of the index generation now open ((inode, mtime) of BUILD.json), or None."""
        return self._stamp

    def _open(self) -> _Generation:
        st = os.stat(self.dir / "BUILD.json")
        stamp = (st.st_ino, st.st_mtime_ns)
        if stamp != self._stamp:
            if self._gen is not None:
                self._gen.searcher.close()
                self._gen = None
            if self.freeze_gc:
                # The previous generation was frozen with the rest: its cycles can go now.
                gc.unfreeze()
                gc.collect()
            ix = index.open_dir(str(self.dir))
            self._gen = _Generation(ix.searcher(weighting=_LiveBM25F()), self.vocabs, self.dir)
            self._stamp = stamp
            if self.freeze_gc:
                gc.freeze()
        return self._gen

    def warm(self) -> dict:
        """Open the index now and compute what first queries would otherwise pay for (a server
        calls it at start): every search field's document lengths, the word lists, the
        glossary's names parsed as query.build parses them, the scores of every term and phrase
        those names are searched as, and, for an index without stored postings arrays
        (tools.search.postings), those of every term of a search field held by at least
        WARM_SHARE of the documents (kept for the generation, as a query would keep them). The
        lock is taken per concept, so that searches go on meanwhile. With
        freeze_gc, what was computed is then frozen (gc.freeze). Returns {leaves (kept leaf
        scores), seconds (CPU of this thread)}. Raises what opening the index raises."""
        started = time.thread_time()
        qry.dictionary_words()
        with self._lock:
            gen = self._open()
            for fieldname in qry.search_fields():
                gen.lengths(fieldname)
        for concept in glossary.concepts(self.vocabs):
            with self._lock:
                if self._gen is not gen:  # a rebuild was swapped in meanwhile: its queries warm it
                    break
                for name in concept.names():
                    words = qry.name_terms(name)
                    if not words:
                        continue
                    stack = [self._parser.parse(f'"{words}"')]
                    while stack:
                        q = stack.pop()
                        if type(q) is query.Term:
                            self._leaf(gen, query.Term(q.fieldname, q.text))
                        elif type(q) is query.Phrase:
                            self._leaf(gen, q)
                        stack.extend(getattr(q, "subqueries", ()) or ())
        # The terms that many documents hold: reading their postings from Whoosh is what a new
        # query pays most for (decompressed and unpickled block by block), a rare term's cost
        # little. Not when the build stored them as arrays (gen.postings): a slice each then.
        least = max(WARM_MIN_DOCS, int(WARM_SHARE * gen.size))
        for fieldname in qry.search_fields() if not gen.postings else ():
            with self._lock:
                if self._gen is not gen:
                    break
                common = [text for text, info in gen.reader.iter_field(fieldname) if info.doc_frequency() >= least]
                for text in common:
                    self._leaf(gen, query.Term(fieldname, text.decode("utf-8") if isinstance(text, bytes) else text))
        with self._lock:
            if self.freeze_gc:
                gc.collect()
                gc.freeze()
            kept = len(gen.leaves.items)
        return {"leaves": kept, "seconds": round(time.thread_time() - started, 3)}

    # -- vocabulary ----------------------------------------------------------------------------

    @staticmethod
    def _index_known(gen: _Generation, word: str) -> bool:
        """Whether a live document holds the word, folded (neutral field) or stemmed in a field
        of a language."""
        if gen.held("neutral", word):
            return True
        return any(gen.held(f"{part}_{lang}", stem(word, lang)) for lang in schema.LANGS for part in LANG_PARTS)

    @staticmethod
    def _near(gen: _Generation, word: str, maxdist: int) -> list[tuple[int, int, str]]:
        """(distance, -document frequency, term) of neutral terms within maxdist of word, best
        first; the distance is Levenshtein's (insertions, deletions, substitutions), as Whoosh's
        terms_within automaton measures it. Kept per generation."""
        found = gen.near.get((word, maxdist))
        if found is not None:
            return found
        out = []
        for term, dist, _ in fuzzy.extract(word, gen.neutral_terms, scorer=Levenshtein.distance,
                                           score_cutoff=maxdist, limit=None):
            if term != word and meaningful(term):
                out.append((int(dist), -gen.doc_frequency("neutral", term), term))
        out.sort()
        gen.near.put((word, maxdist), out)
        return out

    def _repair(self, gen: _Generation, word: str) -> str | None:
        """A confident correction from the index's own vocabulary: the best term at distance 1,
        or the only one at distance 2 for a word of seven letters or more; else None."""
        near = self._near(gen, word, 2 if len(word) >= 7 else 1)
        if not near:
            return None
        if near[0][0] == 1:
            return near[0][2]
        return near[0][2] if len(near) == 1 else None

    # -- query ---------------------------------------------------------------------------------

    @staticmethod
    def check(q: str, page: int, page_size: int) -> str:
        """The query with control characters blanked, compatibility characters in their plain
        form (NFKC, as analysis.normalize folds each word: here before the query is cut into
        words, so that 'Ⓜigrants' is one word, 'Migrants', not the word 'igrants' after a symbol)
        and trimmed; QueryError when the query is longer than MAX_QUERY_CHARS or page/page_size
        are out of range. kb-engine.js search() does the same."""
        if len(q) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(q)} characters long: refused, at most {MAX_QUERY_CHARS} are accepted",
                             code="query_too_long")
        if not 1 <= page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}, got {page}", code="page_out_of_range")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise QueryError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}", code="page_size_out_of_range")
        return unicodedata.normalize("NFKC", re.sub(r"[\x00-\x1f\x7f]", " ", q)).strip()

    # -- scoring -------------------------------------------------------------------------------

    def _leaf(self, gen: _Generation, q) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, scores) of a query that _combine does not take apart, kept for the
        generation: a term's BM25F scores are computed from its postings once (vectorised,
        Whoosh's formula and statistics), a phrase's by Whoosh's matcher. A term is kept under
        (field, text), whose hash Python keeps, not under Whoosh's Term (hashed in Python at each
        of some 170 look-ups a query); a phrase under (Phrase, the query)."""
        key = (q.fieldname, q.text) if type(q) is query.Term else (type(q), q)
        found = gen.leaves.get(key)
        if found is None:
            if type(q) is query.Term:
                found = _term_scores(gen, q)
            elif type(q) is query.Phrase:
                found = self._phrase_scores(gen, q)
            if found is None:
                m = q.matcher(gen.searcher)
                nums, scores = [], []
                while m.is_active():
                    nums.append(m.id())
                    scores.append(m.score())
                    m.next()
                found = (np.asarray(nums, dtype=np.int64), np.asarray(scores, dtype=np.float64))
            gen.leaves.put(key, found)
        return found

    def _phrase_scores(self, gen: _Generation, q) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers, scores) of a phrase as Whoosh's Phrase matcher gives them: the
        documents holding its words at consecutive positions, in order (SpanNear2 with slop 1),
        each scored as the sum of its words' BM25F scores (an intersection of term matchers),
        times the phrase's boost. The words' scores come from _leaf (vectorised, kept); only
        the documents holding every word have their positions read. None when the phrase has
        another slop or a word cannot be scored here (the caller then asks Whoosh)."""
        if q.slop != 1 or not q.words or q.fieldname not in gen.searcher.schema:
            return None
        field = gen.searcher.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            return None  # Whoosh raises its own error for such a phrase
        none = (np.zeros(0, dtype=np.int64), np.zeros(0))
        words = []
        for word in q.words:
            if not isinstance(gen.searcher.weighting, scoring.BM25F) or not field.scorable:
                return None
            try:
                text = field.to_bytes(word)
            except ValueError:
                return none
            if (q.fieldname, text) not in gen.reader:
                return none
            ids, scores = self._leaf(gen, query.Term(q.fieldname, word))
            words.append((text, ids, scores))
        if len(words) > 1:
            cand = gen.phrases.get((q.fieldname, tuple(q.words)))
            if cand is None:
                cand = _phrase_docs(gen.reader, q.fieldname, [(text, ids) for text, ids, _ in words])
        else:
            cand = words[0][1]
        if not len(cand):
            return none
        scores = _tree_sum([sc[np.searchsorted(ids, cand)] for _, ids, sc in words])
        if q.boost != 1.0:
            scores = scores * q.boost
        return cand, scores

    def _combine(self, gen: _Generation, q, leaves: list) -> tuple[np.ndarray, np.ndarray]:
        """(bool mask, scores) over every document number for a tree of Or, query.BestOf and
        leaves (Term, Phrase), summing as Whoosh's UnionMatcher does and taking each document's
        best as BestOf's matcher does, boosts included (a compound of one subquery drops its
        boost, as in Whoosh). Appends (leaf, its document numbers) to `leaves`."""
        dense, found, scores = self._parts(gen, q, leaves)
        if dense:
            return found, scores
        mask, spread = np.zeros(gen.size, dtype=bool), np.zeros(gen.size)
        mask[found] = True
        spread[found] = scores
        return mask, spread

    def _parts(self, gen: _Generation, q, leaves: list) -> tuple[bool, np.ndarray, np.ndarray]:
        """_combine's work: (True, mask, scores) over every document for Or and BestOf, (False,
        document numbers, scores) for a leaf, which its parent adds or compares in place at its
        documents only: the same floats as adding (or comparing with) 0.0 everywhere else."""
        subs = getattr(q, "subqueries", None)
        if isinstance(q, (query.Or, qry.BestOf)):
            mask, scores = np.zeros(gen.size, dtype=bool), np.zeros(gen.size)
            add = isinstance(q, query.Or)
            for sub in subs:
                dense, found, sc = self._parts(gen, sub, leaves)
                if dense:
                    mask |= found
                    if add:
                        scores += sc
                    else:
                        np.maximum(scores, sc, out=scores)
                elif len(found):
                    mask[found] = True
                    if add:
                        scores[found] += sc
                    else:
                        scores[found] = np.maximum(scores[found], sc)
            if len(subs) > 1 and q.boost != 1.0:
                scores *= q.boost
            return True, mask, scores
        if type(q) is query.Every:
            # 'NOT recensement' alone searches every document (query.exclusions), each scored as
            # Whoosh's ListMatcher does: the boost; deleted documents are not among them.
            nums = np.fromiter(gen.searcher.reader().all_doc_ids(), dtype=np.int64)
            return False, nums, np.full(len(nums), float(q.boost))
        if isinstance(q, query.Term):
            if q.boost != 1.0:
                nums, base = self._leaf(gen, query.Term(q.fieldname, q.text))
                scores = base * q.boost
            else:
                nums, scores = self._leaf(gen, q)
        else:
            nums, scores = self._leaf(gen, q)
        leaves.append((q, nums))
        return False, nums, scores

    @staticmethod
    def _simple(q) -> bool:
        """Whether _combine can score q: Or (no coordination), query.BestOf (no tie-break) and
        Term, Phrase or Every (every document) leaves; other queries (operators typed by the user, Whoosh's own
        DisjunctionMax, whose matcher may give a document another one's score) go through
        Whoosh's collector."""
        if type(q) in (query.Or, qry.BestOf):
            ok = not getattr(q, "scale", None) and not getattr(q, "minmatch", 0) and not getattr(q, "tiebreak", 0)
            return ok and all(SearchIndex._simple(sub) for sub in q.subqueries)
        if type(q) is query.Every:
            return q.fieldname is None
        return type(q) in (query.Term, query.Phrase)

    def _hits(self, gen: _Generation, plan: qry.Plan):
        """(document numbers, scores, {(field, text): [arrays of the document numbers where a leaf
        holding that term matched]}) of the plan's query, in hit order: score, then entry id and
        language (results.Table.hit_rank: not the document numbers, which differ between two
        builds of the same entries). On the arrays path a phrase's terms count as matched only where the
        phrase matched; Whoosh's collector (operators) may also report a phrase's word whose
        matcher was left standing on a document (bench/results/search-speed-2026-11-30-notes.md)."""
        searched = plan.query
        if plan.excluded is not None:
            # Entries matching what is excluded are left out whole afterwards (_score): the rest
            # of the query alone, without Whoosh's AndNot matchers (which ran each excluded
            # phrase's span matcher again for every hit), gives the same documents and scores.
            positive = qry.without_exclusions(plan.query)
            if self._simple(positive):
                searched = positive
        if self._simple(searched):
            leaves: list = []
            mask, scores = self._combine(gen, searched, leaves)
            nums = np.flatnonzero(mask)
            raw = scores[nums]
            order = np.lexsort((gen.table.hit_rank[nums], -raw))
            matched: dict = {}
            for leaf, found in leaves:
                if not len(found):
                    continue
                if type(leaf) is query.Term and isinstance(leaf.text, str):  # its one term, without Whoosh's walk
                    matched.setdefault((leaf.fieldname, leaf.text), []).append(found)
                    continue
                phrase = type(leaf) is query.Phrase
                for term in leaf.terms(phrases=True):
                    key = (term[0], term[1].decode("utf-8") if isinstance(term[1], bytes) else term[1])
                    matched.setdefault(key, []).append(found)
                    if phrase:  # also as a phrase's word (query._cover_terms)
                        matched.setdefault((qry.PHRASE_FIELD + key[0], key[1]), []).append(found)
            return nums[order], raw[order], matched
        # Operators: Whoosh's collector, which reports the terms each hit matched.
        nums, raw, per_doc = [], [], []
        for hit in gen.searcher.search(plan.query, limit=None, terms=bool(plan.units)):
            nums.append(hit.docnum)
            raw.append(hit.score)
            if plan.units:
                per_doc.append({(f, t.decode("utf-8") if isinstance(t, bytes) else t) for f, t in hit.matched_terms()})
        holding: dict = {}
        for num, terms in zip(nums, per_doc, strict=False):
            for key in terms:
                holding.setdefault(key, []).append(num)
                # The collector does not say whether a phrase or the word alone matched: both.
                holding.setdefault((qry.PHRASE_FIELD + key[0], key[1]), []).append(num)
        matched = {key: [np.asarray(found, dtype=np.int64)] for key, found in holding.items()}
        nums, raw = np.asarray(nums, dtype=np.int64), np.asarray(raw, dtype=np.float64)
        order = np.lexsort((gen.table.hit_rank[nums], -raw))  # Whoosh's ties go by document number
        return nums[order], raw[order], matched

    def _documents(self, gen: _Generation, q) -> np.ndarray:
        """The document numbers (int64 array) matching the query `q`, unscored: for an Or tree of
        terms and phrases the union of its leaves' documents, each leaf's kept for the generation
        (_leaf: a phrase's positions are read once, not again for every query that names it);
        otherwise Whoosh's docs_for_query."""
        if type(q) is query.Or:
            found = [self._documents(gen, sub) for sub in q.subqueries]
            return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        if type(q) in (query.Term, query.Phrase):
            return self._leaf(gen, q)[0]
        return np.fromiter(gen.searcher.docs_for_query(q), dtype=np.int64)

    def _score(self, gen: _Generation, plan: qry.Plan) -> tuple[np.ndarray, np.ndarray, bool]:
        """(document numbers in hit order, scores, strong) of the documents above the relevance
        floor (see the module docstring: coverage of the query's units and country factor)."""
        units = plan.units
        need = 0 if plan.syntax or not units else qry.coverage_needed(len(units))
        nums, raw, matched = self._hits(gen, plan)
        table = gen.table
        if plan.excluded is not None and len(nums):
            # NOT is about the entry, shown once whatever its versions: a version without the word
            # does not bring back an entry whose other version holds it (the module docstring).
            gone = np.zeros(len(table.ids), dtype=bool)
            gone[table.entry[self._documents(gen, plan.excluded)]] = True
            keep = ~gone[table.entry[nums]]
            nums, raw = nums[keep], raw[keep]
        factor = np.ones(len(nums))
        best_cover = 0
        if units:
            covered = np.zeros(len(nums), dtype=np.int64)
            for u in units:
                m = np.zeros(gen.size, dtype=bool)
                for term in u.terms:
                    for found in matched.get(term, ()):
                        m[found] = True
                if u.country:
                    m |= table.having("countries", {u.country})
                covered += m[nums]
            keep = covered >= need
            nums, raw, covered, factor = nums[keep], raw[keep], covered[keep], factor[keep]
            best_cover = int(covered.max()) if len(covered) else 0
        if plan.countries:
            # Each named country the entry is about adds its share: with 'Libya Niger', an entry on
            # both outranks one on Libya alone.
            about = sum(table.having("countries", {c})[nums].astype(np.float64) for c in plan.countries)
            share = np.minimum(1.0, about / gen.country_counts[nums])
            factor = 1.0 + (COUNTRY_FACTOR - 1.0) * about / len(plan.countries) * share ** COUNTRY_SPECIFICITY
        if units:
            factor = factor * (1.0 - COVERAGE_WEIGHT * (1.0 - covered / len(units)))
        scores = raw * factor
        strong = bool(len(nums)) and (plan.syntax or not units or best_cover >= qry.strong_needed(len(units)))
        return nums, scores, strong

    def search(self, q: str = "", filters: dict | None = None, page: int = 1, page_size: int = 10,
               prefer: str | None = None) -> dict:
        """Returns {query, total, page, page_size, results[], facets{}, expansions[], did_you_mean,
        strong, hint, hint_code}: `strong` is False when a text query found no entry matching most
        of it (or nothing); `hint` is an English sentence, else None, and `hint_code` its machine
        name, which clients translate: 'no_terms' when the query has nothing to search (no
        results), 'syntax_ignored' when search syntax this engine does not take (wildcards,
        field names, ranges, boosts, an unclosed quote: query.off_syntax) was taken out and the
        words searched (a word ending in '*' as the index words starting with it, reported as a
        "prefix" expansion).
        `prefer` (a language of schema.LANGS, or None): an entry that has a version in it is shown
        in that version (title, summary, snippet), as the browser's engine does for the page's
        interface; its rank and score stay those of its best-matching version (a query in Arabic
        letters on another interface: the best-matching version, shown_language).
        Raises QueryError (see check()). The scored documents of a query are kept per index
        generation: other filters or pages of the same words only collapse, count and cut."""
        typed = q
        q = self.check(q, page, page_size)
        filters = {k: set(v) for k, v in (filters or {}).items() if v}
        with self._lock:
            gen = self._open()
            if not q and not BLANK_RE.fullmatch(typed):
                # Only control characters ('%00', '%1C', '%C2%85'): something was sent, so not a
                # request to browse (str.strip() takes \x1c-\x1f and \x85 for spaces; JavaScript's
                # trim(), which the offline engine uses, does not).
                scored = (np.zeros(0, dtype=np.int64), np.zeros(0), False, "no_terms", [], None, q, frozenset())
            else:
                key = q  # the glossary is the engine's own (self.vocabs), fixed for its life
                scored = gen.scored.get(key)
                if scored is None:
                    scored = self._scored(gen, q)
                    gen.scored.put(key, scored)
            nums, scores, strong, hint_code, expansions, wq, searched, fragments = scored
            items, facets = gen.table.collapse(nums, scores, filters)
            terms = self._snippet_terms(gen, _all_terms(wq) if wq is not None else ())
            prefer = shown_language(q, prefer)
            shown = [(entry_id, gen.version.get((entry_id, prefer), num) if prefer else num, score)
                     for entry_id, num, score in res.page_of(items, page, page_size)]
            results = [res.result(gen.docs[num], score, sorted(d["lang"] for d in gen.by_id[entry_id]),
                                  lambda doc, num=num: self._snippet(gen, num, doc, terms))
                       for entry_id, num, score in shown]
            repaired = any(e["kind"] == "spelling" for e in expansions)
            did_you_mean = None
            if wq is not None and (len(items) < 3 or repaired or not (strong and items)):
                did_you_mean = self._did_you_mean(gen, searched, fragments)
            if wq is not None and not items and did_you_mean is None:
                did_you_mean = self._apart(gen, searched)
        return {"query": q, "total": len(items), "page": page, "page_size": page_size, "results": results,
                "facets": facets, "expansions": _fresh(expansions), "did_you_mean": did_you_mean,
                "strong": bool(strong and items), "hint": HINTS.get(hint_code), "hint_code": hint_code}

    def _scored(self, gen: _Generation, q: str) -> tuple:
        """(document numbers, scores, strong, hint code or None, expansions, Whoosh query or None,
        text searched: q without the syntax it ignores, with words cut in two joined, the folded
        pieces of words cut by a '*': query.Syntax.fragments) of a checked query, before filters."""
        if not q:
            # Browsing scores every version alike and the earlier hit stands for its entry: list
            # each entry by its version in the first language of schema.LANGS that it has
            # (French, the base's reference language, then Arabic, then English).
            rank = {lang: i for i, lang in enumerate(schema.LANGS)}
            nums = np.asarray(sorted(gen.docs, key=lambda n: (rank.get(gen.docs[n]["lang"], len(rank)), n)),
                              dtype=np.int64)
            return nums, np.zeros(len(nums)), True, None, [], None, q, frozenset()
        syntax = qry.off_syntax(q)
        text = qry.drop_loose_operators(qry.minus_exclusions(qry.without_question_words(syntax.text))).strip()
        if not (qry.has_meaningful_words(text) or syntax.prefixes):
            return np.zeros(0, dtype=np.int64), np.zeros(0), False, "no_terms", [], None, q, frozenset()
        prefixes = [(typed, self._prefix_words(gen, prefix)) for typed, prefix in syntax.prefixes]
        # A word is the index's own when a title, summary, tag or institution holds it as
        # written (folded): stems are not enough, 'recensment' has the English stem of
        # 'recensement' and would never be repaired.
        plan = qry.build(self._parser, text, partial(expand, vocabs=self.vocabs), lambda w: self._known(gen, w),
                         lambda w: self._repair(gen, w), self.vocabs, lambda w, c: self._plain_country(gen, w, c),
                         prefixes=prefixes, complete=lambda w: self._prefix_words(gen, w), fragments=syntax.fragments,
                         family=lambda w: self._family(gen, w))
        nums, scores, strong = self._score(gen, plan)
        hint = "syntax_ignored" if syntax.ignored else None
        return nums, scores, strong, hint, plan.expansions, plan.query, plan.text or text, syntax.fragments

    @staticmethod
    def _prefix_words(gen: _Generation, prefix: str) -> list[str]:
        """The index words that a word typed with a '*' stands for: the neutral field's meaningful
        terms starting with `prefix` (folded), of at most MAX_SPELLING_CHARS + 2 letters (the
        static index's spelling words, so that the browser picks the same), the
        query.MAX_PREFIX_WORDS held by the most documents (ties: alphabetical order)."""
        reader, found = gen.reader, []
        for i, term in enumerate(reader.expand_prefix("neutral", prefix)):
            if i >= 20_000:  # a bound on the walk; a prefix of three letters has far fewer words
                break
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            if meaningful(word) and len(word) <= qry.MAX_SPELLING_CHARS + 2:
                df = gen.doc_frequency("neutral", word)
                if df:  # not a word that only deleted documents held
                    found.append((-df, word))
        return [w for _, w in sorted(found)[:qry.MAX_PREFIX_WORDS]]

    def _family(self, gen: _Generation, word: str) -> list[str]:
        """The index words of a word's family when no field holds the word, even stemmed (query.build's
        `family`): for a word of more than query.FAMILY_CHARS ASCII letters, the _prefix_words of its
        first FAMILY_CHARS letters, as the browser's prefix key matches them; [] otherwise."""
        if len(word) <= qry.FAMILY_CHARS or not word.isascii() or not word.isalpha() or self._index_known(gen, word):
            return []
        return [w for w in self._prefix_words(gen, word[:qry.FAMILY_CHARS]) if w != word]

    def _plain_country(self, gen: _Generation, word: str, code: str) -> bool:
        """Whether a one-word country name is a plain word of this index's collection
        (query.plain_country_word): entries about `code`, and entries whose text fields (not the
        meta fields, which carry each entry's country labels) match the word as the parser
        analyses it."""
        key = (word, code)
        found = gen.plain.get(key)
        if found is None:
            terms = sorted((f, t) for f, t in qry._terms_of(qry.parse(self._parser, word)) if not f.startswith("meta_"))
            # Entries as the facet table numbers them (-1: a deleted document), from each term's
            # postings kept for scoring (_leaf): no walk of Whoosh's matchers, no set of ids
            # built in Python (46 ms a name at 10,000 entries).
            entry = gen.table.entry
            nums = [self._leaf(gen, query.Term(f, t))[0] for f, t in terms]
            holding = np.unique(entry[np.concatenate(nums)]) if nums else np.zeros(0, dtype=np.int64)
            about = np.unique(entry[gen.table.having("countries", {code})])
            holding, about = holding[holding >= 0], about[about >= 0]
            both = np.intersect1d(holding, about, assume_unique=True)
            found = qry.plain_country_word(len(about), len(holding), len(both))
            gen.plain.put(key, found)
        return found

    @staticmethod
    def _known(gen: _Generation, word: str) -> bool:
        found = gen.known.get(word)
        if found is None:
            found = gen.held("neutral", word)  # not a word that only deleted documents held
            gen.known.put(word, found)
        return found

    @staticmethod
    def _snippet_terms(gen: _Generation, terms) -> dict[str, list[tuple[str, np.ndarray | None]]]:
        """{field: [(term, document numbers holding it, or None)]} of a query's (field, term)
        pairs, terms sorted: the document numbers are the term's postings kept from scoring
        (_leaf), None when they are not kept."""
        out: dict[str, list] = {}
        for field, term in terms:
            out.setdefault(field, set()).add(term.decode("utf-8") if isinstance(term, bytes) else term)
        for field, found in out.items():
            rows = []
            for term in sorted(found):
                kept = gen.leaves.items.get((field, term))
                rows.append((term, None if kept is None else kept[0]))
            out[field] = rows
        return out

    def _snippet(self, gen: _Generation, num: int, doc: dict, terms: dict) -> str:
        """HTML-escaped extract with the matched words in <mark>: the summary's best passage
        when it holds a query term, else the body's. `terms`: the query's terms per field
        (_snippet_terms). The matched words' character ranges come from the build's arrays
        (tools.search.snippets; no re-analysis); their context is cut as Whoosh's ContextFragmenter does, on
        the text's tokens."""
        formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        for part, text in (("summary", doc["summary"]), ("body", doc["text"])):
            field = f"{part}_{doc['lang']}"
            # Terms whose postings, kept from scoring, lack this document are not looked for in
            # it, and a field holding none of them is not read at all.
            wanted = [t for t, ids in terms.get(field, ()) if ids is None or _holds(ids, num)]
            if not wanted:
                continue
            spans = (gen.snippets.spans(num, part, wanted) if gen.snippets is not None
                     else self._spans(gen, num, field, wanted))
            if not spans:
                continue
            fragments = highlight.top_fragments(_context_fragments(text, spans, maxchars=240, surround=60), 2,
                                                highlight.BasicFragmentScorer(), highlight.FIRST)
            out = formatter(text, fragments)
            if out:
                return out
        return highlight.htmlescape(doc["summary"][:240], quote=False)

    @staticmethod
    def _spans(gen: _Generation, num: int, field: str, wanted: list[str]) -> dict[tuple[int, int], str]:
        """{(start, end) character range: term} of the wanted terms in one document's field
        ('summary_fr', 'body_ar'...), from its stored text analysed again (snippets.text_tokens),
        when the build's arrays are missing: what gen.snippets.spans gives."""
        if field not in gen.searcher.schema:
            return {}
        todo, spans = set(wanted), {}
        text = part_text(gen.docs.get(num) or {}, field.split("_")[0])
        for term, start, end in text_tokens(gen.searcher.schema[field].analyzer, text):
            if term in todo:
                spans[(start, end)] = term
        return spans

    def _real_word(self, word: str) -> bool:
        """Whether a folded word is a word of the languages: the French, English and Arabic word
        lists, the glossary's names, the country names."""
        return (qry.in_dictionary(word) or word in qry.glossary_words(self.vocabs)
                or word in qry.country_words(self.vocabs))

    def _did_you_mean(self, gen: _Generation, q: str, fragments: frozenset[str] = frozenset()) -> str | None:
        """The query with each word the index does not hold replaced by its closest indexed
        word within query.suggestion_limit (a real word of the languages only by another spelling
        of it, starting with the same letter: query.same_start), or, when no index word is near an
        unknown word, by the nearest name or demonym of a country the entries are about
        (query.near_country_spelling); None when no word changes.
        `fragments`: folded pieces of words cut by a '*' (query.Syntax.fragments), never changed."""
        key = (q, fragments)
        found = gen.did_you_mean.get(key)
        if found is not None:
            return found or None
        out, changed = [], False
        for raw in WORD_RE.findall(q)[:MAX_QUERY_TERMS]:
            word = strip_elision(normalize(raw))
            fix = None
            # A number is not misspelt: walking the vocabulary for one would only cost time.
            # Nor is a short form ('stats'): the words it stands for are searched (query.short_forms).
            if (raw not in qry.OPERATORS and len(word) > 3 and meaningful(word) and not word.replace(".", "").isdigit()
                    and word not in fragments
                    and word not in qry.short_forms(self.vocabs) and not self._index_known(gen, word)):
                real = self._real_word(word)
                limit = qry.suggestion_limit(word, real, raw)
                # A misspelt word may start wrong ('eichier': 'fichier'); a real word, only another spelling of it.
                near = [n for n in self._near(gen, word, limit) if not real or qry.same_start(word, n[2])] if limit else []
                fix = near[0][2] if near else None
                if fix is None and limit and not real:
                    # No index word near: a country's name or demonym may be ('Lybian' -> 'libyan').
                    spellings = qry.country_spellings(gen.table.values["countries"], self.vocabs)
                    fix = qry.near_country_spelling(word, limit, spellings)
            changed |= fix is not None
            out.append(raw if raw in qry.OPERATORS else fix or word)
        found = " ".join(out) if changed else ""
        gen.did_you_mean.put(key, found)
        return found or None

    def _apart(self, gen: _Generation, q: str) -> str | None:
        """"Did you mean" for a query that found nothing because of a compound the collection does
        not hold ('auto-entrepreneur', 'cross-border'; issue #12): the query's words with the
        compound's parts apart ('auto entrepreneur'), as _did_you_mean writes them, when a
        compound of two or more meaningful parts has every part held by the index; else None.
        A compound with a stop word or single letter among its parts ('sous-emploi', 'e-mail') is
        one word, not offered apart. kb-engine.js didYouMean does the same."""
        for raw in qry.TOKEN_RE_COMPOUND.findall(q)[:MAX_QUERY_TERMS]:
            parts = [strip_elision(normalize(p)) for p in compound_parts(raw)]
            if len(parts) > 1 and all(meaningful(p) and self._index_known(gen, p) for p in parts):
                words = WORD_RE.findall(q)[:MAX_QUERY_TERMS]
                return " ".join(w if w in qry.OPERATORS else strip_elision(normalize(w)) for w in words)
        return None

    # -- other reads ---------------------------------------------------------------------------

    def entry(self, entry_id: str) -> dict | None:
        """Every language version of one entry, as stored: {id, type, countries, themes,
        data_sources, versions[{lang, title, summary, url, status, period, updated,
        institutions}]}, or None when the id is unknown."""
        with self._lock:
            versions = list(self._open().by_id.get(entry_id, ()))
        return res.entry_versions(entry_id, versions)

    def suggest(self, q: str, limit: int = 8, prefer: str | None = None) -> dict:
        """Titles and index terms that complete what the user is typing:
        {query, titles[{id, lang, title, url}], terms[str]}; the terms as the entries write them
        (_Generation.written_form), those of language `prefer` (the interface's) when its entries
        hold the term. Raises QueryError for a too long q."""
        q = self.check(q, 1, 1)
        words = [strip_elision(normalize(w)) for w in WORD_RE.findall(q)]
        # A word of only invisible characters (soft hyphen, bidi marks) folds to '', a prefix of everything.
        words = [w for w in words if w][-MAX_QUERY_TERMS:]
        if not words:
            return {"query": q, "titles": [], "terms": []}
        last, rest = words[-1], words[:-1]
        with self._lock:
            gen = self._open()
            titles = []
            for num in gen.title_prefix(last):
                d, tw = gen.docs[num], gen.titles[num].split()
                if all(r in tw for r in rest):
                    titles.append((gen.sort_keys[num], d["lang"], d["id"], {"id": d["id"], "lang": d["lang"],
                                                                            "title": d["title"], "url": d["url"]}))
            # Equal titles by entry id: not in the set's order, which follows the document numbers.
            titles = [t for *_, t in sorted(titles, key=lambda t: t[:3])]
            reader = gen.reader
            terms = []
            # A hyphenated compound being typed ('sous-em') completes as the index holds it whole.
            typed = _TOKEN_RE.findall(q)
            whole = strip_elision(normalize("".join(compound_parts(typed[-1])))) if typed else ""
            prefix = whole if whole.endswith(last) else last
            for i, term in enumerate(reader.expand_prefix("neutral", prefix)):
                if i >= 500:
                    break
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                df = gen.doc_frequency("neutral", text)
                if df:  # not a word only deleted documents held
                    terms.append((df, text))
            terms.sort(key=lambda t: (-t[0], t[1]))
            # Shown as the entries write them ('enquête', 'الهجرة', 'HIMS'), not folded.
            shown = list(dict.fromkeys(gen.written_form(t, prefer) for _, t in terms[:limit]))
        return {"query": q, "titles": titles[:limit], "terms": shown}
