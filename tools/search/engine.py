"""Full-text search over entries. The only module that imports Whoosh.

Whoosh (whoosh-reloaded) is unmaintained: everything Whoosh-specific stays here, behind
build_search_index() and SearchIndex, so it can be replaced without touching callers.

Each entry's text is analysed with its own language only (title_fr, body_ar, ...); a query is
analysed with all three, plus a folded language-neutral field for names and acronyms.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from tqdm import tqdm
from whoosh import fields, highlight, index, qparser, query
from whoosh.analysis import Filter, RegexTokenizer, StopFilter

from tools.content import schema
from tools.content.model import Entry
from tools.errors import QueryError
from tools.fsutil import swap_dir, temp_dir_beside
from tools.search.analysis import TOKEN_PATTERN, TOKEN_RE, markdown_to_text, normalize, stem, stopwords, strip_elision
from tools.search.glossary import expand
from tools.site.facets import BY_FIELD
from tools.site.facets import FIELDS as FACETS

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 32
MAX_PAGE = 1000
MAX_PAGE_SIZE = 50
FIELD_BOOSTS = {"title": 4.0, "summary": 2.0, "meta": 1.5, "neutral": 1.2, "body": 1.0}
SYNONYM_BOOST = 1.0
COUNTRY_FACTOR = 3.0  # an entry about a country the query names outranks one merely on the topic
SPELLING_BOOST = 0.8
# A spelling repair costs ~0.05-0.7 s per word (Levenshtein automaton over the vocabulary, longer
# words cost more): only the first few words of a query, of plausible length, are repaired.
MAX_SPELLING_WORDS = 3
MAX_SPELLING_CHARS = 24
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


class _Fold(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = strip_elision(normalize(t.text))
            if t.text:
                yield t


class _Stem(Filter):
    def __init__(self, lang):
        self.lang = lang

    def __eq__(self, other):
        return type(other) is type(self) and other.lang == self.lang

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text, self.lang)
            yield t


def analyzer(lang: str | None):
    """Tokenise, fold (case, accents, Arabic letters, elision), drop stop words, stem per language."""
    chain = RegexTokenizer(TOKEN_PATTERN) | _Fold()
    if lang is None:
        return chain
    return chain | StopFilter(stoplist=stopwords(lang), minsize=1) | _Stem(lang)


def make_schema() -> fields.Schema:
    f = {
        "key": fields.ID(stored=True, unique=True),
        "id": fields.ID(stored=True),
        "lang": fields.ID(stored=True),
        "type": fields.ID(stored=True),
        "status": fields.ID(stored=True),
        "countries": fields.KEYWORD(stored=True, commas=True),
        "themes": fields.KEYWORD(stored=True, commas=True),
        "data_sources": fields.KEYWORD(stored=True, commas=True),
        "title_exact": fields.ID(),
        "title": fields.STORED(),
        "summary": fields.STORED(),
        "text": fields.STORED(),
        "url": fields.STORED(),
        "period": fields.STORED(),
        "updated": fields.STORED(),
        "institutions": fields.STORED(),
        "neutral": fields.TEXT(analyzer=analyzer(None), spelling=True),
    }
    for lang in schema.LANGS:
        for part in ("title", "summary", "meta", "body"):
            f[f"{part}_{lang}"] = fields.TEXT(analyzer=analyzer(lang))
    return fields.Schema(**f)


def exact_key(text: str) -> str:
    return " ".join(normalize(w) for w in TOKEN_RE.findall(text))


def _labels(vocab: str, values, lang: str) -> list[str]:
    return [schema.label(vocab, v, lang) for v in values]


def _meta(entry: Entry, lang: str) -> str:
    """Vocabulary labels and country names in one language (so an Arabic query meets the Arabic
    labels of a French entry, stemmed as Arabic), plus the entry's own tags in its language."""
    words = [*_labels("types", [entry.type], lang), *_labels("themes", entry.themes, lang),
             *_labels("data_sources", entry.data_sources, lang), *_labels("countries", entry.countries, lang)]
    if lang == entry.lang:
        words += entry.tags
    return " ".join(words)


def document(entry: Entry) -> dict:
    """The indexed form of one entry-language file."""
    text = markdown_to_text(entry.body)
    doc = {
        "key": entry.key, "id": entry.id, "lang": entry.lang, "type": entry.type, "status": entry.status,
        "countries": ",".join(entry.countries), "themes": ",".join(entry.themes),
        "data_sources": ",".join(entry.data_sources), "title_exact": exact_key(entry.title),
        "title": entry.title, "summary": entry.summary, "text": text, "url": entry.url,
        "period": entry.period or "", "updated": entry.updated or "", "institutions": list(entry.institutions),
        "neutral": " ".join([entry.id, entry.title, entry.summary, *entry.institutions, *entry.tags]),
        f"title_{entry.lang}": entry.title, f"summary_{entry.lang}": entry.summary, f"body_{entry.lang}": text,
    }
    for lang in schema.LANGS:
        doc[f"meta_{lang}"] = _meta(entry, lang)
    return doc


def _fingerprint(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build_search_index(entries: list[Entry], index_dir: Path, progress: bool = True, engine: str = "",
                       full: bool = False) -> dict:
    """Bring index_dir up to date with `entries`, in a copy that is then swapped in.

    `engine` identifies the analysis (code, vocabularies, glossary): when it is unchanged, only the
    documents that changed are rewritten (a few ms each); otherwise everything is indexed afresh.
    Returns {documents, added_or_changed, removed, full, seconds}."""
    started = time.perf_counter()
    docs = {e.key: document(e) for e in entries}
    hashes = {key: _fingerprint(doc) for key, doc in docs.items()}
    old = _read_manifest(index_dir)
    full = full or old is None or old.get("engine") != engine or not (index_dir / "BUILD.json").exists()
    previous = {} if full else old["documents"]
    changed = [k for k in docs if previous.get(k) != hashes[k]]
    removed = [k for k in previous if k not in docs]
    info = {"documents": len(docs), "added_or_changed": len(changed), "removed": len(removed), "full": full}
    if not full and not changed and not removed:
        info["seconds"] = round(time.perf_counter() - started, 3)
        return info
    tmp = temp_dir_beside(index_dir)
    if full:
        ix = index.create_in(str(tmp), make_schema())
    else:
        shutil.copytree(index_dir, tmp, dirs_exist_ok=True)
        ix = index.open_dir(str(tmp))
    writer = ix.writer(limitmb=128)
    for key in removed:
        writer.delete_by_term("key", key)
    for key in tqdm(changed, desc="index", unit="doc", disable=None if progress else True, leave=False):
        (writer.add_document if full else writer.update_document)(**docs[key])
    writer.commit()
    ix.close()
    (tmp / "MANIFEST.json").write_text(json.dumps({"engine": engine, "documents": hashes}), encoding="utf-8")
    (tmp / "BUILD.json").write_text(json.dumps({"documents": len(docs), "built": time.time()}), encoding="utf-8")
    swap_dir(tmp, index_dir)
    info["seconds"] = round(time.perf_counter() - started, 3)
    return info


@lru_cache(maxsize=1)
def _country_names() -> dict[tuple[str, ...], str]:
    """Folded (and Arabic-stemmed) word tuples of country names and aliases -> ISO code."""
    table = {}
    aliases = schema.vocabulary().get("country_aliases", {})
    for code in schema.country_codes():
        names = [schema.country_name(code, lang) for lang in schema.LANGS] + list(aliases.get(code, ()))
        for name in names:
            words = [strip_elision(normalize(w)) for w in TOKEN_RE.findall(name)]
            if words:
                table.setdefault(tuple(words), code)
                table.setdefault(tuple(stem(w, "ar") for w in words), code)
    return table


def countries_named(text: str) -> list[tuple[str, str]]:
    """(code, words as typed) for each country a query names, e.g. 'Maroc', 'المغرب', 'Moroccan'."""
    table, raw = _country_names(), TOKEN_RE.findall(text)[:MAX_QUERY_TERMS]
    words = [strip_elision(normalize(w)) for w in raw]
    found, i = [], 0
    while i < len(words):
        for n in (3, 2, 1):
            chunk = tuple(words[i:i + n])
            if len(chunk) < n:
                continue
            code = table.get(chunk) or table.get(tuple(stem(w, "ar") for w in chunk))
            if code and (n > 1 or len(chunk[0]) > 2):
                found.append((code, " ".join(raw[i:i + n])))
                i += n - 1
                break
        i += 1
    return list(dict.fromkeys(found))


def _exclusions(q):
    """With OR between words, "a NOT b" parses as a OR (NOT b), which matches everything without b.
    Users mean "a, excluding b": rewrite every OR that holds a NOT into AndNot(rest, excluded)."""
    if isinstance(q, query.compound.CompoundQuery):
        q.subqueries = [_exclusions(sub) for sub in q.subqueries]
        if isinstance(q, query.Or):
            nots = [sub for sub in q.subqueries if isinstance(sub, query.Not)]
            rest = [sub for sub in q.subqueries if not isinstance(sub, query.Not)]
            if nots:
                excluded = query.Or([n.query for n in nots])
                return query.AndNot(query.Or(rest) if rest else query.Every(), excluded)
    return q


def _plain_terms(text: str) -> str:
    words = [w for w in TOKEN_RE.findall(text) if w not in _OPERATORS]
    return " ".join(words[:MAX_QUERY_TERMS])


class SearchIndex:
    """Reads one index directory; reopens it when a build swaps in a new one."""

    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self._lock = threading.Lock()
        self._stamp = None
        self._searcher = None
        self._docs: dict[int, dict] = {}
        self._by_id: dict[str, list[dict]] = {}
        self._titles: dict[int, str] = {}  # folded title words, for completion
        self._sort_keys: dict[int, str] = {}  # folded titles, to break score ties
        fields_ = [f"{p}_{lang}" for p in ("title", "summary", "meta", "body") for lang in schema.LANGS] + ["neutral"]
        boosts = {f: FIELD_BOOSTS[f.split("_")[0]] for f in fields_}
        self._parser = qparser.MultifieldParser(fields_, make_schema(), fieldboosts=boosts,
                                                group=qparser.OrGroup.factory(0.9))
        # Wildcards, ranges and field prefixes can take minutes on a large index; plain words,
        # phrases, groups and AND/OR/NOT are enough here (completion covers prefixes).
        for plugin in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.FieldsPlugin,
                       qparser.BoostPlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin):
            self._parser.remove_plugin_class(plugin)

    def available(self) -> bool:
        return (self.dir / "BUILD.json").exists()

    def _open(self):
        st = os.stat(self.dir / "BUILD.json")
        stamp = (st.st_ino, st.st_mtime_ns)
        if stamp != self._stamp:
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

    # -- query -------------------------------------------------------------------------------

    def _parse(self, text: str):
        if len(TOKEN_RE.findall(text)) > MAX_QUERY_TERMS:
            text = _plain_terms(text)
        try:
            return _exclusions(self._parser.parse(text))
        except Exception:  # noqa: BLE001 - any parser failure falls back to plain words
            return self._parser.parse(_plain_terms(text))

    def _query(self, searcher, text: str):
        """The user's words, plus glossary synonyms, named countries and spelling repairs.

        Returns (query, expansions); each expansion says what was added and why, for the user."""
        expansions = [asdict(e) | {"kind": "glossary"} for e in expand(text)]
        parts = [self._parse(text), query.Term("title_exact", exact_key(text), boost=50.0)]
        for exp in expansions:
            alternatives = [self._parser.parse(f'"{w}"') for w in map(_plain_terms, exp["added"]) if w]
            if alternatives:
                # One concept counts once, however many of its names an entry uses.
                parts.append(query.DisjunctionMax(alternatives, boost=SYNONYM_BOOST))
        for code, typed in countries_named(text):
            expansions.append({"kind": "country", "matched": typed, "concept": code, "added": [code]})
        for typed, fixed in self._repairs(searcher, text):
            parts.append(query.DisjunctionMax([self._parser.parse(fixed)], boost=SPELLING_BOOST))
            expansions.append({"kind": "spelling", "matched": typed, "concept": "", "added": [fixed]})
        return query.Or(parts), expansions

    def _known(self, reader, word: str) -> bool:
        if reader.doc_frequency("neutral", word):
            return True
        return any(reader.doc_frequency(f"{part}_{lang}", stem(word, lang))
                   for lang in schema.LANGS for part in ("body", "meta"))

    def _corrections(self, searcher, text: str, known) -> list[tuple[str, str, str | None]]:
        """(word as typed, folded word, closest indexed word or None) for each query word; only
        the first MAX_SPELLING_WORDS words of 4 to MAX_SPELLING_CHARS letters that
        `known(reader, word)` rejects are corrected."""
        reader, corrector, out, tries = searcher.reader(), searcher.corrector("neutral"), [], 0
        for raw in TOKEN_RE.findall(text)[:MAX_QUERY_TERMS]:
            word, fix = strip_elision(normalize(raw)), None
            if (raw not in _OPERATORS and 3 < len(word) <= MAX_SPELLING_CHARS and tries < MAX_SPELLING_WORDS
                    and not known(reader, word)):
                tries += 1
                fixes = corrector.suggest(word, limit=1, maxdist=2)
                fix = fixes[0] if fixes else None
            out.append((raw, word, fix))
        return out

    def _repairs(self, searcher, text: str) -> list[tuple[str, str]]:
        """Words found nowhere in the index, with the closest word that is (edit distance 2)."""
        known = lambda reader, word: word.isdigit() or self._known(reader, word)  # noqa: E731
        return [(raw, fix) for raw, _, fix in self._corrections(searcher, text, known) if fix]

    @staticmethod
    def check(q: str, page: int, page_size: int) -> str:
        if len(q) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(q)} characters long; at most {MAX_QUERY_CHARS} are searched")
        if not 1 <= page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}, got {page}")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise QueryError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        return re.sub(r"[\x00-\x1f\x7f]", " ", q).strip()

    def search(self, q: str = "", filters: dict | None = None, page: int = 1, page_size: int = 10) -> dict:
        """Returns {query, total, page, page_size, results[], facets{}, expansions[], did_you_mean}."""
        q = self.check(q, page, page_size)
        filters = {k: set(v) for k, v in (filters or {}).items() if v}
        with self._lock:
            searcher = self._open()
            expansions, wq = [], None
            if q and _plain_terms(q):
                wq, expansions = self._query(searcher, q)
                scored = {hit.docnum: hit.score for hit in searcher.search(wq, limit=None)}
                named = {e["concept"] for e in expansions if e["kind"] == "country"}
                if named:
                    scored = {n: sc * (COUNTRY_FACTOR if named & set(self._values(n, "countries")) else 1.0)
                              for n, sc in scored.items()}
            else:
                scored = dict.fromkeys(self._docs, 0.0)
            best, facets = self._collapse(scored, filters)
            ordered = sorted(best.items(), key=lambda kv: (-kv[1][1], self._sort_keys[kv[1][0]], kv[0]))
            start = (page - 1) * page_size
            results = [self._result(num, score, wq) for _, (num, score) in ordered[start:start + page_size]]
            repaired = any(e["kind"] == "spelling" for e in expansions)
            did_you_mean = self._did_you_mean(searcher, q) if q and (len(best) < 3 or repaired) else None
        return {"query": q, "total": len(best), "page": page, "page_size": page_size, "results": results,
                "facets": facets, "expansions": expansions, "did_you_mean": did_you_mean}

    def _values(self, num: int, facet: str) -> list[str]:
        raw = self._docs[num].get(facet, "")
        return [v for v in raw.split(",") if v] if BY_FIELD[facet].multi else [raw]

    def _passes(self, num: int, filters: dict, skip: str | None = None) -> bool:
        return all(f == skip or set(self._values(num, f)) & wanted for f, wanted in filters.items())

    def _collapse(self, scored: dict, filters: dict):
        """Best-scoring language version per entry, and facet counts of entries.

        A facet's counts apply every other facet's filter but not its own, so ticking one value
        still shows how many entries the other values of that facet would add (OR within a facet).
        """
        best: dict[str, tuple[int, float]] = {}
        counts = {f: {} for f in FACETS}
        for num, score in scored.items():
            doc = self._docs[num]
            if self._passes(num, filters):
                cur = best.get(doc["id"])
                if cur is None or score > cur[1]:
                    best[doc["id"]] = (num, score)
            for facet in FACETS:
                if self._passes(num, filters, skip=facet):
                    for value in self._values(num, facet):
                        counts[facet].setdefault(value, set()).add(doc["id"])
        facets = {}
        for facet, values in counts.items():
            facets[facet] = [
                {"value": v, "count": len(ids), "selected": v in filters.get(facet, ()),
                 "label": {lang: BY_FIELD[facet].label(v, lang) for lang in schema.LANGS}}
                for v, ids in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            ]
        return best, facets

    def _result(self, num: int, score: float, wq) -> dict:
        doc = self._docs[num]
        return {
            "id": doc["id"], "lang": doc["lang"], "title": doc["title"], "url": doc["url"],
            "summary": doc["summary"], "snippet": self._snippet(doc, wq), "type": doc["type"],
            "countries": self._values(num, "countries"), "themes": self._values(num, "themes"),
            "data_sources": self._values(num, "data_sources"), "status": doc["status"],
            "period": doc["period"], "score": round(score, 4),
            "languages": sorted(d["lang"] for d in self._by_id[doc["id"]]),
        }

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
                    out = highlight.highlight(text, frozenset(wanted), analyzer(doc["lang"]), fragmenter, formatter, top=2)
                    if out:
                        return out
        return highlight.htmlescape(doc["summary"][:240], quote=False)

    def _did_you_mean(self, searcher, q: str) -> str | None:
        """The query with each word that no title or summary contains replaced by its closest one."""
        known = lambda reader, word: bool(reader.doc_frequency("neutral", word))  # noqa: E731
        corrected = self._corrections(searcher, q, known)
        if not any(fix for _, _, fix in corrected):
            return None
        return " ".join(raw if raw in _OPERATORS else fix or word for raw, word, fix in corrected)

    # -- other reads ---------------------------------------------------------------------------

    def entry(self, entry_id: str) -> dict | None:
        """Every language version of one entry, as stored."""
        with self._lock:
            self._open()
            versions = list(self._by_id.get(entry_id, ()))
        if not versions:
            return None
        versions.sort(key=lambda d: schema.LANGS.index(d["lang"]) if d["lang"] in schema.LANGS else 9)
        first = versions[0]
        return {
            "id": entry_id, "type": first["type"], "countries": [c for c in first["countries"].split(",") if c],
            "themes": [t for t in first["themes"].split(",") if t],
            "data_sources": [t for t in first["data_sources"].split(",") if t],
            "versions": [{k: d[k] for k in ("lang", "title", "summary", "url", "status", "period", "updated",
                                            "institutions")} for d in versions],
        }

    def suggest(self, q: str, limit: int = 8) -> dict:
        """Titles and index terms that complete what the user is typing."""
        q = self.check(q, 1, 1)
        words = [strip_elision(normalize(w)) for w in TOKEN_RE.findall(q)][-MAX_QUERY_TERMS:]
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
