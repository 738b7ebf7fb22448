"""The index side of search: the Whoosh schema, the analyzers, one entry's indexed document,
and the writer that brings an index directory up to date.

Each entry's text is analysed with its own language only (title_fr, body_ar, ...); the
`neutral` field holds names, titles, summaries, institutions and tags folded but not stemmed,
for names and acronyms typed in any language. A hyphenated compound is indexed as one term
(sous-emploi → sousemploi) and as its parts (sous, emploi), so 'emploi' still finds it and
'sous-emploi' finds it first (tools.search.analysis).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from pathlib import Path

from tqdm import tqdm
from whoosh import fields, formats, index
from whoosh.analysis import CompositeAnalyzer, Filter, RegexTokenizer, StopFilter, Token
from whoosh.writing import PostingPool

from tools.content import schema
from tools.content.model import Entry, fingerprint
from tools.content.vocab import Vocabularies, read_yaml
from tools.errors import BuildError
from tools.fsutil import swap_dir, temp_dir_beside
from tools.i18n import DATA_DIR
from tools.search.analysis import (
    HYPHENS,
    TOKEN_PATTERN,
    WORD_RE,
    all_stopwords,
    arabic_prefix_strip,
    compound_parts,
    markdown_to_text,
    normalize,
    stem,
    stopwords,
    strip_elision,
    written_forms,
)
from tools.search.postings import capturing
from tools.search.writer import full_writer

LANG_PARTS = ("title", "summary", "meta", "body")
# A full index of this many documents or more is written by Whoosh's multisegment writer, one
# process per processor (at most 2), each writing its own segment: measured at 1,000 entries on a
# loaded 2-core machine, 12.0 s of CPU in one process against 13.5 s shared by two (wall 60 s
# against 41 s). Below it, starting processes costs more than it saves.
MULTIPROC_MIN_DOCS = 200
SNIPPET_PARTS = ("summary", "body")  # fields whose character ranges snippets take (tools.search.snippets)


_HYPHEN_IN = re.compile(f"[{HYPHENS}]").search  # what compound_parts splits at
_COMPOUND_FINDITER = re.compile(TOKEN_PATTERN).finditer  # the tokenizer of analyzer()
_COMPOUND_FINDALL = re.compile(TOKEN_PATTERN).findall  # its tokens' texts (the pattern has no group)


def _write_run_batched(self, f, items) -> None:
    """PostingPool._write_run writing its sorted postings as pickled lists of RUN_BATCH items:
    one pickle per posting cost ~10 us written and read back, once a writer's postings outgrow
    `limitmb` (#10). A full build no longer takes a PostingPool (tools.search.writer); an
    incremental build of some thousands of changed entries does."""
    dump, batch = pickle.dump, []
    for item in items:
        batch.append(item)
        if len(batch) >= RUN_BATCH:
            dump(batch, f, pickle.HIGHEST_PROTOCOL)
            batch = []
    if batch:
        dump(batch, f, pickle.HIGHEST_PROTOCOL)
    f.close()


def _read_run_batched(self, path):
    """The postings of a run written by _write_run_batched, in order; the run file is removed after."""
    f = self._open_run(path)
    try:
        while True:
            try:
                batch = pickle.load(f)
            except EOFError:
                return
            yield from batch
    finally:
        f.close()
        self._remove_run(path)


RUN_BATCH = 4096
# Runs are temporary files of one writer, written and read by the same code in the same process.
PostingPool._write_run, PostingPool._read_run = _write_run_batched, _read_run_batched


class _Compound(Filter):
    """A hyphenated token becomes, at index time, the joined compound then each part (at
    consecutive positions, with their own character offsets for highlighting); at query time,
    only the joined compound, so that the query asks for the compound and not for its parts."""

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            if not _HYPHEN_IN(t.text):
                # Nearly every token: no split to try (a third of the analysis' time at 1,000, #10).
                yield t
                continue
            parts = compound_parts(t.text)
            if len(parts) < 2:
                yield t
                continue
            if t.mode == "query":
                t.text = "".join(parts)
                yield t
                continue
            raw, base, start = t.text, t.pos if t.positions else 0, t.startchar if t.chars else 0
            whole = t.copy()
            whole.text = "".join(parts)
            yield whole
            offset = 0
            for i, part in enumerate(parts):
                at = raw.index(part, offset)
                offset = at + len(part)
                piece = t.copy()
                piece.text = part
                if t.positions:
                    piece.pos = base + i
                if t.chars:
                    piece.startchar, piece.endchar = start + at, start + at + len(part)
                yield piece
            shift += len(parts) - 1


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    # Words repeat (Zipf): folding each distinct token once speeds indexing and query parsing.
    return strip_elision(normalize(word))


class _Fold(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = _fold_word(t.text)
            if t.text:
                yield t


# The one table of the data files kept for the process's lifetime: the Arabic analyser is pickled
# into the Whoosh index with its schema and must fold a query as it folded the documents, so it
# cannot take the run's Vocabularies; an edited alias list changes the engine digest
# (tools.stamps.engine_files) and the index is rebuilt whole, by a new process.
@cache
def arabic_proper_nouns() -> frozenset[str]:
    """Folded Arabic country names and demonyms without their article (بحرين, جزائر...): kept
    whole by the Arabic stemmer, whose suffix rules would turn البحرين (Bahrain) into بحر, the
    stem of البحري ('maritime')."""
    aliases = (read_yaml(DATA_DIR / "vocabulary.yml", {}) or {}).get("country_aliases", {})
    names = [schema.country_name(code, "ar") for code in schema.country_codes()]
    names += [a for values in aliases.values() for a in values]
    out = set()
    for name in names:
        words = WORD_RE.findall(name)
        if len(words) == 1:
            folded = normalize(words[0])
            if any("\u0600" <= c <= "\u06ff" for c in folded):
                out.add(arabic_prefix_strip(folded))
    return frozenset(out)


class _Stem(Filter):
    def __init__(self, lang):
        self.lang = lang

    def __eq__(self, other):
        return type(other) is type(self) and other.lang == self.lang

    def __call__(self, tokens):
        lang = self.lang
        for t in tokens:
            if not t.stopped:
                t.text = _stem_word(t.text, lang)
            yield t


@lru_cache(maxsize=200_000)
def _stem_word(word: str, lang: str) -> str:
    # Once per distinct word and language (Zipf), as _Fold: the Arabic article check and the stemmer.
    keep = arabic_proper_nouns() if lang == "ar" else frozenset()
    base = arabic_prefix_strip(word) if keep else None
    return base if base in keep else stem(word, lang)


def _chain(lang: str | None) -> CompositeAnalyzer:
    """The analysis as Whoosh composes it, one generator per step: what _Chain does, token by token."""
    chain = RegexTokenizer(TOKEN_PATTERN) | _Compound() | _Fold()
    if lang is None:
        return chain | StopFilter(stoplist=all_stopwords(), minsize=2)
    return chain | StopFilter(stoplist=stopwords(lang), minsize=1) | _Stem(lang)


def analyzer(lang: str | None):
    """Whoosh analyzer: tokenise (compounds kept whole and split), fold (invisible characters,
    compatibility forms, case, accents, Arabic letters, elision), drop stop words, stem.

    lang None: the language-neutral analyzer (no stemming; stop words of every language and
    single letters dropped, so that a stray 'a' or 'la' does not match every entry)."""
    return _Chain(lang)


@cache
def _reference(lang: str | None) -> CompositeAnalyzer:
    return _chain(lang)


def _word_tokens(raw: str, lang: str | None) -> str | tuple[int, tuple[tuple[str, int, int, int], ...]]:
    """What the analysis makes of one token of the tokenizer, `raw`, wherever it stands: for a
    token that is one word (no hyphen), its term as a str ('' when the word is dropped: a stop
    word), the term taking the token's position and characters; otherwise (positions the token
    takes before stop words are dropped: its parts for a compound, else 1; the (term, position,
    start, end) of each term kept, position and characters counted from the token's start). Made
    by the chain itself (_chain), run on the token alone: each of its steps treats a token without
    looking at its neighbours, and the tokenizer's pattern finds the token alone as it found it in
    the text (it has no look-behind nor look-ahead), so the terms are those the chain gives in place.
    Kept per language in _WORDS (words repeat: Zipf), up to WORDS_KEPT words each; a word's term
    alone, as nearly every token is one word, takes half the memory of the tuples (the build's
    peak memory is while the index stage runs, #10)."""
    words = _WORDS.setdefault(lang, {})
    found = words.get(raw)
    if found is None:
        parts = compound_parts(raw) if _HYPHEN_IN(raw) else ()
        width = len(parts) if len(parts) >= 2 else 1
        terms = tuple((t.text, t.pos, t.startchar, t.endchar)
                      for t in _reference(lang)(raw, positions=True, chars=True, mode="index"))
        if width == 1 and not terms:
            found = ""
        elif width == 1 and len(terms) == 1 and terms[0][1:] == (0, 0, len(raw)) and terms[0][0]:
            found = terms[0][0]
        else:
            found = (width, terms)
        if len(words) >= WORDS_KEPT:
            words.clear()
        words[raw] = found
    return found


# {language (None: neutral): {token: _word_tokens(token)}}: plain dicts, as a look-up per token
# (a million at 3,000 entries) in an lru_cache cost a third of the indexing analysis.
_WORDS: dict[str | None, dict[str, tuple]] = {}
WORDS_KEPT = 100_000


class _Chain(CompositeAnalyzer):
    """The analyzer of analyzer(lang): Whoosh's chain of steps (_chain; equal to it, and run by it
    for queries and any other use), except for indexing, where each token's terms are looked up
    (_word_tokens: words repeat, Zipf) instead of going through five generators (the analysis was
    some 40% of the index stage's CPU time at 3,000 entries, #10). Gives the same terms, positions
    and character ranges as the chain (tests/search/test_index_analysis_replay.py)."""

    def __init__(self, lang: str | None):
        super().__init__(*_chain(lang).items)
        self.lang = lang
        self._last: tuple[str, list] | None = None  # (text, index_terms(text)) of the last call

    def __getstate__(self):
        # Pickled with the index's schema: the last text analysed is not part of the analyzer.
        return {**self.__dict__, "_last": None}

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if (mode != "index" or keeporiginal or not removestops or start_pos or start_char or not tokenize
                or not set(kwargs) <= {"boosts"} or not isinstance(value, str)):
            return super().__call__(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                    removestops=removestops, start_pos=start_pos, start_char=start_char,
                                    tokenize=tokenize, mode=mode, **kwargs)
        return self._replay(self.index_terms(value), Token(positions, chars, removestops=removestops, mode=mode,
                                                      **kwargs))

    @staticmethod
    def _replay(terms: list, t: Token):
        # One token object for all, as Whoosh's tokenizer does: its readers copy what they keep.
        positions, chars = t.positions, t.chars
        for text, pos, start, end in terms:
            t.text, t.boost, t.stopped = text, 1.0, False
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start, end
            yield t

    def index_positions(self, value: str) -> dict[str, list[int]]:
        """{term: its positions, ascending} of the text `value` as the chain indexes it: index_terms
        without the character ranges, which a field's postings do not keep (the tokens' texts
        only, not a match object each), or taken from index_terms' answer when it was last asked
        this text."""
        out: dict[str, list[int]] = {}
        last = getattr(self, "_last", None)  # an analyzer unpickled from an older index has none
        if last is not None and last[0] == value:
            # The text index_terms was last asked (the build's snippets analyse a document's
            # summary and body just before it is indexed: tools.search.writer): its terms in order.
            get = out.get
            for text, pos, _, _ in last[1]:
                at = get(text)
                if at is None:
                    out[text] = [pos]
                else:
                    at.append(pos)
            return out
        get, lang, base, first, n = out.get, self.lang, 0, -1, 0
        words = _WORDS.setdefault(lang, {})
        for raw in _COMPOUND_FINDALL(value):
            found = words.get(raw)
            if found is None:
                found = _word_tokens(raw, lang)
            if found.__class__ is str:  # nearly every token: one word, its term or '' (dropped)
                texts, shift, width = (found,) if found else (), 0, 1
            else:
                width, terms = found
                texts, shift = [t[0] for t in terms], terms[0][1] if terms else 0
            if texts:
                if first < 0:
                    # Whoosh's StopFilter numbers the terms kept from the first one's position on.
                    first = base + shift
                for text in texts:
                    at = get(text)
                    if at is None:
                        out[text] = [first + n]
                    else:
                        at.append(first + n)
                    n += 1
            base += width
        return out

    def index_terms(self, value: str) -> list[tuple[str, int, int, int]]:
        """(term, position, start, end) of each term of the text `value` as the chain indexes it
        (mode "index", positions and character offsets from 0), in text order. The last text and
        its terms are kept (one per analyzer), for index_positions of the same text; callers do
        not change the list returned."""
        out: list[tuple[str, int, int, int]] = []
        append, lang, base, first = out.append, self.lang, 0, -1
        words = _WORDS.setdefault(lang, {})
        for m in _COMPOUND_FINDITER(value):
            raw = m.group()
            found = words.get(raw)
            if found is None:
                found = _word_tokens(raw, lang)
            if found.__class__ is str:  # one word: its term takes the token's characters
                if found:
                    if first < 0:
                        first = base
                    start, end = m.span()
                    append((found, first + len(out), start, end))
                base += 1
                continue
            width, terms = found
            if terms:
                if first < 0:
                    # Whoosh's StopFilter numbers the terms kept from the first one's position on.
                    first = base + terms[0][1]
                start = m.start()
                for text, _, begin, end in terms:
                    append((text, first + len(out), start + begin, start + end))
            base += width
        self._last = (value, out)
        return out


# Whoosh's Positions.encode of a term found once in a field, by its position: most postings.
_ONE_POSITION: dict[int, bytes] = {}
_ONE_POSITION_MAX = 8192  # positions kept (a few hundred KB at most)


class _Text(fields.TEXT):
    """Whoosh's TEXT field, whose postings for a document (index()) are made from its analyzer's
    terms grouped by term (_Chain.index_positions), rather than from a token object per term through
    Positions.word_values: the same (term bytes, frequency, weight, encoded positions) in the same
    order, for a fraction of the time (#10). Anything else (another format or analyzer, options)
    is Whoosh's."""

    def index(self, value, **kwargs):
        ana, fmt = self.analyzer, self.format
        if (set(kwargs) - {"mode"} or kwargs.get("mode", "index") != "index" or type(fmt) is not formats.Positions
                or not isinstance(ana, _Chain) or not isinstance(value, str)):
            return super().index(value, **kwargs)
        poses = ana.index_positions(value)
        boost, encode, out = fmt.field_boost, fmt.encode, []
        for text, found in poses.items():
            if len(found) == 1:
                pos = found[0]
                value = _ONE_POSITION.get(pos)
                if value is None:
                    value = encode(found)
                    if pos < _ONE_POSITION_MAX:
                        _ONE_POSITION[pos] = value
                out.append((text.encode("utf-8"), 1, 1.0 * boost, value))
            else:
                # Positions.word_values sums a boost of 1.0 per occurrence: a float.
                out.append((text.encode("utf-8"), len(found), float(len(found)) * boost, encode(found)))
        return out


def make_schema() -> fields.Schema:
    """The index schema: stored display fields, facet keywords, the exact-title key, the
    language-neutral field and, per language, title/summary/meta/body fields. No field keeps a
    term vector: snippets' character ranges are taken by the build from the stored summary and
    text (tools.search.snippets), where a Characters vector on each summary and body cost a fifth
    of the index stage's time to write (#10)."""
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
        # The neutral field's words written otherwise than folded (analysis.written_forms): the
        # forms completions show (SearchIndex.suggest), taken from the entry's text at indexing.
        "written": fields.STORED(),
        "neutral": _Text(analyzer=analyzer(None), spelling=True),
    }
    for lang in schema.LANGS:
        for part in LANG_PARTS:
            f[f"{part}_{lang}"] = _Text(analyzer=analyzer(lang))
    return fields.Schema(**f)


def exact_key(text: str) -> str:
    """A title or query folded to its words joined by single spaces (punctuation and hyphens
    dropped): equal keys mean the query is the title."""
    return " ".join(normalize(w) for w in WORD_RE.findall(text))


def _labels(vocab: str, values, lang: str, vocabs: Vocabularies) -> list[str]:
    return [vocabs.label(vocab, v, lang) for v in values]


def _meta(entry: Entry, lang: str, vocabs: Vocabularies) -> str:
    """Vocabulary labels and country names in one language (so an Arabic query meets the Arabic
    labels of a French entry, stemmed as Arabic), plus the entry's own tags in its language."""
    words = [*_labels("types", [entry.type], lang, vocabs), *_labels("themes", entry.themes, lang, vocabs),
             *_labels("data_sources", entry.data_sources, lang, vocabs),
             *_labels("countries", entry.countries, lang, vocabs)]
    if lang == entry.lang:
        words += entry.tags
    return " ".join(words)


def document(entry: Entry, vocabs: Vocabularies | None = None,
             written: dict[str, dict[str, int]] | None = None) -> dict:
    """The indexed form of one entry-language file: {field name: value} for make_schema(), with the
    labels of `vocabs` (None: the shipped vocabularies, read now). `written`: the entry's
    analysis.written_forms when the caller has them (the build's static export made them), else
    made here."""
    vocabs = Vocabularies.ensure(vocabs)
    text = markdown_to_text(entry.body)
    doc = {
        "key": entry.key, "id": entry.id, "lang": entry.lang, "type": entry.type, "status": entry.status,
        "countries": ",".join(entry.countries), "themes": ",".join(entry.themes),
        "data_sources": ",".join(entry.data_sources), "title_exact": exact_key(entry.title),
        "title": entry.title, "summary": entry.summary, "text": text, "url": entry.url,
        "period": entry.period or "", "updated": entry.updated or "", "institutions": list(entry.institutions),
        "neutral": " ".join([entry.id, entry.title, entry.summary, *entry.institutions, *entry.tags]),
        "written": written if written is not None else written_forms(entry.title + ". " + entry.summary,
                                                                     [*entry.institutions, *entry.tags]),
        f"title_{entry.lang}": entry.title, f"summary_{entry.lang}": entry.summary, f"body_{entry.lang}": text,
    }
    for lang in schema.LANGS:
        doc[f"meta_{lang}"] = _meta(entry, lang, vocabs)
    return doc


def _fingerprint(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class _Documents(Mapping):
    """{entry key: document(entry)} of a full build, each document made when the writer asks for
    it rather than all of them first: the parallel writer's sub-writers start on the first
    batches while this process makes the next ones (at 1,000 entries the documents cost some 2 s
    of CPU, half of it written_forms, spent before any sub-writer started, #10). `hashes` {key: _fingerprint of
    its document} is filled as documents are made. Keys in the entries' order (the last of a
    repeated key's entries, as a dict of them). `written`: see WrittenForms.of."""

    def __init__(self, entries: list[Entry], vocabs: Vocabularies, written=None):
        self.by_key = {e.key: e for e in entries}
        self.vocabs = vocabs
        self.written = written or (lambda entry: None)
        self.hashes: dict[str, str] = {}

    def __getitem__(self, key: str) -> dict:
        entry = self.by_key[key]
        doc = document(entry, self.vocabs, self.written(entry))
        self.hashes[key] = _fingerprint(doc)
        return doc

    def __iter__(self):
        return iter(self.by_key)

    def __len__(self) -> int:
        return len(self.by_key)


class WrittenForms:
    """The entries' analysis.written_forms handed from the pages stage, whose static search export
    makes them (tools.site.generate), to the index documents, which hold them too: made once per
    build rather than twice (#10). Kept pickled, {entry fingerprint: bytes} (about 0.3 KB an entry
    against 5 KB as dicts), held by the build while the index stage runs."""

    def __init__(self):
        self.packed: dict[str, bytes] = {}

    def keep(self, print_of: str, forms: dict[str, dict[str, int]]) -> None:
        """Keep the written forms of the entry whose model.fingerprint is `print_of`."""
        self.packed[print_of] = pickle.dumps(forms, pickle.HIGHEST_PROTOCOL)

    def of(self, entry: Entry, print_of: str | None = None) -> dict[str, dict[str, int]] | None:
        """The written forms kept for `entry` (`print_of`: its fingerprint when known), None when
        none were kept (the caller makes them)."""
        packed = self.packed.get(print_of or fingerprint(entry))
        return pickle.loads(packed) if packed is not None else None


def _read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(ix, docs: dict, changed: list[str], removed: list[str], full: bool, procs: int, progress: bool,
           alongside: Callable[[], None] | None = None) -> None:
    """Add (full) or update the `changed` documents and delete the `removed` keys, then commit and
    close `ix`. procs > 1: Whoosh's multisegment writer, one process per processor, each writing
    its own segment; the segments are not merged (the scoring statistics are the index's,
    whatever the segments). `alongside`: work of the caller's run while the sub-writers index
    (in a thread, once every sub-writer is started: no fork while it runs); not run otherwise."""
    # A new index written whole takes the writer whose postings are grouped by term in memory
    # (tools.search.writer); an incremental build, which merges small segments, Whoosh's.
    writer = full_writer(ix, procs) if full else ix.writer(limitmb=128)
    try:
        for key in removed:
            writer.delete_by_term("key", key)
        for key in tqdm(changed, desc="index", unit="doc", disable=None if progress else True, leave=False):
            (writer.add_document if full else writer.update_document)(**docs[key])
    except BaseException:
        writer.cancel()  # a parallel writer's sub-writers stop too
        raise
    worker, failed = None, []
    if alongside is not None and procs > 1 and len(getattr(writer, "tasks", ())) >= procs:
        def run() -> None:
            try:
                alongside()
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread below
                failed.append(exc)
        # The parent only waits on its sub-writers during the commit: its own CPU time is free then.
        # Every sub-writer is started already (the commit starts none when all are running).
        worker = threading.Thread(target=run, name="index-alongside", daemon=True)
        worker.start()
    try:
        writer.commit()
    finally:
        if worker is not None:
            worker.join()
    ix.close()
    if failed:
        raise failed[0]


def _written_of(written: WrittenForms | None, prints: dict[str, str]):
    """entry -> its written forms kept in `written` (None: none kept, document() makes them)."""
    if written is None or not written.packed:
        return lambda entry: None
    return lambda entry: written.of(entry, prints[entry.key])


def _doc_count(index_dir: Path) -> int:
    """Documents (not deleted) in the index at index_dir; -1 when it cannot be opened."""
    try:
        ix = index.open_dir(str(index_dir))
    except Exception:  # noqa: BLE001 - a broken index counts as a wrong count, handled by the caller
        return -1
    try:
        return ix.doc_count()
    finally:
        ix.close()


def link_copy(src: Path, dst: Path) -> dict:
    """Make the existing empty folder `dst` hold every file of the index folder `src` (sub-folders
    included) as a hard link of it, where an incremental build used to copy every byte (at
    10,000 entries 174 MB of index and 46 MB of SNIPPETS/ per change). Returns {"linked": files
    linked, "copied": files copied because no link could be made (another file system)}.

    Safe because no writer of the new generation changes a file of the previous one in place,
    which readers (the server) keep reading until the swap: Whoosh writes each segment once under
    a new name, and the segment list with its deletions to a new TOC (a temporary name renamed);
    postings, phrase matches and snippets (tools.search.postings, engine, snippets) are written to
    temporary names and renamed, or a segment's folder replaced whole; MANIFEST.json and
    BUILD.json are replaced (build_search_index). Whoosh's lock files (*LOCK) and temporary files
    (*.tmp) are not carried over: a writer of the new generation makes its own."""
    linked = copied = 0
    root = os.fspath(src)
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        target = os.fspath(dst) if rel == "." else os.path.join(os.fspath(dst), rel)
        if rel != ".":
            os.makedirs(target, exist_ok=True)
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(("LOCK", ".tmp")):
                continue
            source, dest = os.path.join(dirpath, name), os.path.join(target, name)
            try:
                os.link(source, dest)
                linked += 1
            except OSError:
                shutil.copy2(source, dest)
                copied += 1
    return {"linked": linked, "copied": copied}


def _replace_file(path: Path, text: str) -> None:
    """Write `text` to `path` as a new file (the old name unlinked first): `path` may be a hard
    link of the previous generation's file (link_copy), which must keep its bytes."""
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")


def build_search_index(entries: list[Entry], index_dir: Path, progress: bool = True, engine: str = "",
                       full: bool = False, vocabs: Vocabularies | None = None,
                       before_swap: Callable[[Path], dict] | None = None,
                       alongside: Callable[[], None] | None = None,
                       postings_fields: list[str] | None = None, written: WrittenForms | None = None,
                       into: Path | None = None) -> dict:
    """Bring index_dir up to date with `entries`, in a copy that is then swapped in (an incremental
    build's copy is made of hard links of the previous files: link_copy; info["copy"] says how).

    `engine` identifies the analysis (code, vocabularies, glossary): when it is unchanged, only the
    documents that changed are rewritten (a few ms each); otherwise everything is indexed afresh.
    `vocabs`: the run's Vocabularies, for the labels indexed with each entry (None: the shipped
    data, read now). Returns {documents, added_or_changed, removed, full, seconds} (and
    parallel_fallback: True when the parallel writer lost documents and one process wrote them).
    `before_swap(folder)`: called on the finished copy before it is swapped in (files derived
    from the index: tools.search.engine.write_phrase_matches); what it returns is info["derived"].
    `alongside()`: work of the caller's done while a parallel writer indexes (see _write); not
    called when the index is written in this process (an incremental build, a small collection).
    `postings_fields`: fields whose postings each segment written keeps as arrays beside it, taken
    while it is written (tools.search.postings.capturing), for before_swap's write_postings.
    `written`: the entries' written forms made by the pages stage (WrittenForms), None: made here.
    `into`: an empty folder beside index_dir (fsutil.temp_dir_beside) that receives the new
    generation instead of index_dir, for the caller to swap in later (tools.pipeline, whose other
    stage may still fail); left empty when nothing changed.
    Raises BuildError, index_dir left as it was, when the index written does not hold one document
    per entry."""
    started = time.perf_counter()
    vocabs = Vocabularies.ensure(vocabs)
    old = _read_manifest(index_dir)
    full = full or old is None or old.get("engine") != engine or not (index_dir / "BUILD.json").exists()
    previous = {} if full else old["documents"]
    # An entry equal to the one indexed last time (same fingerprint, same engine) has the same
    # document: only the others are analysed again.
    seen = {} if full else old.get("entries", {})
    prints = {e.key: fingerprint(e) for e in entries}
    if full:
        # Every document is written: each is made as the writer takes it (_Documents).
        docs = _Documents(entries, vocabs, _written_of(written, prints))
        hashes, changed = docs.hashes, list(docs)
    else:
        written_of = _written_of(written, prints)
        docs = {e.key: document(e, vocabs, written_of(e)) for e in entries
                if seen.get(e.key) != prints[e.key] or e.key not in previous}
        hashes = {key: previous[key] for key in prints if key not in docs}
        hashes.update({key: _fingerprint(doc) for key, doc in docs.items()})
        changed = [k for k in docs if previous.get(k) != hashes[k]]
    removed = [k for k in previous if k not in prints]
    info = {"documents": len(prints), "added_or_changed": len(changed), "removed": len(removed), "full": full}
    if not full and not changed and not removed:
        info["seconds"] = round(time.perf_counter() - started, 3)
        return info
    tmp = temp_dir_beside(index_dir)
    if full:
        ix = index.create_in(str(tmp), make_schema())
    else:
        info["copy"] = link_copy(index_dir, tmp)
        ix = index.open_dir(str(tmp))
    procs = min(2, os.cpu_count() or 1)
    parallel = full and procs > 1 and len(changed) >= MULTIPROC_MIN_DOCS
    capture = capturing(postings_fields) if postings_fields else contextlib.nullcontext()
    with capture:
        _write(ix, docs, changed, removed, full, procs if parallel else 1, progress, alongside)
    written = _doc_count(tmp)
    if parallel and written != len(prints):
        # Whoosh's sub-writers share one temporary folder that the first to finish deletes, so a
        # slower one can lose its files and its segment, which the parent then silently leaves
        # out: the index would miss documents while the build says it is fine. Written again in
        # one process, which has no such race.
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        ix = index.create_in(str(tmp), make_schema())
        with capturing(postings_fields) if postings_fields else contextlib.nullcontext():
            _write(ix, docs, changed, removed, full, 1, progress)
        info["parallel_fallback"] = True
        written = _doc_count(tmp)
    if written != len(prints):
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"search index: {written} documents written for {len(prints)} entries; "
                           "the previous index is kept")
    if full:
        hashes = {key: hashes[key] for key in changed}  # every document was made by the writer's loop
    _replace_file(tmp / "MANIFEST.json", json.dumps({"engine": engine, "documents": hashes, "entries": prints}))
    _replace_file(tmp / "BUILD.json", json.dumps({"documents": len(prints), "built": time.time()}))
    if before_swap is not None:
        try:
            info["derived"] = before_swap(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    swap_dir(tmp, into or index_dir)
    info["seconds"] = round(time.perf_counter() - started, 3)
    return info
