"""The search index for hosting without the API (static copies, the offline zip): this project's
own analysis, exported as small script files that the browser loads piece by piece.

Files under kb/search/ (each a script calling ``window.KBSearchChunk(name, data)``, so that it
loads from file:// too, where fetch() of JSON is refused):

- ``meta.js``: {version, shards, doc_shard, k (prefix length), n (documents), weight_scale, langs, stop[] (analysis.all_stopwords), question_words[],
  operators[], max_query_chars, max_query_terms, phrases{}, concepts[], countries{}, fuzzy{},
  fuzzy_limits[], country_names{}, country_held{}, country_words[], country_spellings[], not_countries[], proper[] (arabic_key), short_forms{}, boosts{}, floor{}, spell{}}: what the browser needs before the first query (a few kB).
- ``t<n>.js``: {key: [gap, weight, gap, weight, ...], "": {key with a tail: its document count},
  "=": {long word: its stems (lexicon_value)}} for the keys whose hash falls in shard n (``shards``, a power of two): each key's HEAD
  best-weighted documents, in document order, each given by its gap from the previous one. A doc
  number is entry number * 4 + language index (fr 0, ar 1, en 2), so the browser collapses
  language versions without a table; entry numbers come from a hash of the id (entry_numbers). A
  weight is the length-normalised BM25F term weight x WEIGHT_SCALE (integer), on field averages
  quantised to steps of about 4 % (quantised_average); the browser multiplies it by the key's idf,
  from its document count (the list's length, or its "" count) and meta ``n``. So a weight depends
  on its document alone, and one changed entry changes only the files of its keys: a build patches
  the last export (export's `print_of`). Ranking the top results needs only the heads (the header box).
- ``x<n>.js``: the same for the rest of each long list (the search page, for exact totals and
  facet counts), so that a common word costs a few kB, not its whole list, at 10,000 entries.
  Keys "@c:MA", "@type:tool", "@theme:x", "@ds:x", "@lang:fr" list the docs of a facet value
  (a country's with each entry's number of countries as its weight, the others with 0);
  "@t:<folded title>" lists the docs of an exact title.
- ``d<n>.js``: [[doc, id, lang, title, url, summary, type, countries, themes, data_sources, status], ...]
  for the entries numbered n * doc_shard to (n + 1) * doc_shard - 1 (1 to 2 entries).
- ``facets.js``: {values: {facet: [value, ...]}, docs: [[doc, type, countries, themes, sources], ...]}
  (indexes of the sorted values; rows in doc order): the search page's facet counts. A build
  patches the rows of the changed documents (the indexes move only when a facet's set of values does).
- ``filters.js``: the filter values the API accepts (filter_table), read when a search has filters,
  so that an address typed by hand (``?country=ma``) is read, or refused, as the API reads it.
- ``r<n>.js``: block n of the real-word filter (base64 of SPELL_BLOCK_BITS bits): a Bloom filter of
  the word lists' words (query.dictionary_words), glossary words and country names, each word's
  bits in one block (bloom_bits), so that telling whether a typed word is a real one reads one
  file of about 5 kB. ``v<n>.js``: {"<first letter>:<length>": [word, documents, ...]}: the
  index's neutral words (spelling_words), the candidates of a repair. With meta.spell, the
  browser repairs a word as query.build does (kb-engine.js spellRepairs): only a word that is
  neither a real word nor an index word, into an index word of the same first letter at
  Levenshtein distance 1 (the most frequent), or the only one at distance 2 from seven letters.
  Each word is also listed under "~<second letter>:<length>" (spelling_groups), for "did you mean"
  to reach a word whose first letter was typed wrong without reading every group.
  A v<n> file also holds, under "=<first letter>:<length>", {word: form to show} for the group's
  words that entries write otherwise than folded (written_table): completions show 'enquête',
  'الهجرة', 'HIMS' (a form per language where they differ: {"": all, "fr": ...}).

Keys: text is folded exactly as the server folds it (analysis.normalize, elision), then Arabic
words are light-stemmed (Light10) and other words cut to their first PREFIX_LEN letters. Prefixes
stand in for the Snowball stemmers, whose rules would otherwise have to be ported to JavaScript
(docs/assets/javascripts/kb-engine.js mirrors key()). A hyphenated compound has its whole key
('sous-emploi' -> key('sousemploi')) besides its parts' keys, and a query asks for the whole key
(query_plan), as the API does. An English agent noun ('employer', 'employers') has its own key
besides its prefix key (agent_key), as analysis.stem keeps it apart from 'employment' for the API;
the browser searches it in English versions when they alone hold it. Measured with `python -m tools.bench`.
A long word (more than PREFIX_LEN ASCII letters) also has its stem's key in its text's language,
'~fr:informel' (stem_key; a label's every word, in each label's language), placed in the file of
the stem's prefix key, and the file of the word's prefix key lists the collection's long words with
their French and English stems under "=" (lexicon_value): the browser searches a query word the
lexicon holds by its stem keys (which versions hold it) and its prefix key (their weights), so that
'informel' no longer finds 'information' (kb-engine.js ownKeys); the prefix key stays for the
words the lexicon does not hold, for short words and for completions. Each two keys in a row of a
field (stop words left out, as the API's phrases skip them) that are both keys of glossary or
country words (pair_words) have a pair key, '+' and a hash of 'travai migrat' (pair_key), in the
file its hash picks: the browser matches a compound's parts and a quoted phrase where they follow
one another, as the API's phrases, and two other words in a row as both present (a superset;
pairs of any words more than doubled the export and its memory at 3,000 synthetic versions).
Measured on the shipped collection: the index 1.62 -> 1.78 MB, 303 files; per query median 79 ->
90 kB, max 131 -> 148 kB gzipped, against 92 and 159 kB before either; word positions would cost
every posting its positions in the files every query reads. Stem, pair and
name phrase keys only say which documents hold them: their postings weigh 1.

Known difference from the API: a prefix is not a Snowball stem, so a few weak matches differ
(a word whose stem is no longer than PREFIX_LEN, or that the collection does not hold, is still
searched by its prefix key in that language). For
'recensment migrants' the API counts 65 entries and the browser 63: French Snowball stems
'migrants' to 'migr', which also matches 'migrer' and the name 'Migra' in two entries (ranked 59th
and 62nd, scores about 1), where the browser's key 'migran' matches neither. Porting the stemmers
would make them agree at the cost of a larger engine; the two are weak matches either way.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path

import numpy as np

from tools.content import schema
from tools.content.model import Entry
from tools.content.vocab import Vocabularies
from tools.fsutil import write_atomic
from tools.search.analysis import (
    ARABIC_RE,
    TOKEN_PATTERN,
    TOKEN_RE,
    WORD_RE,
    all_stopwords,
    arabic_light_stem,
    arabic_prefix_strip,
    compound_parts,
    id_words,
    join_stopword_compounds,
    markdown_to_text,
    meaningful,
    normalize,
    question_words,
    stem,
    stopwords,
    strip_elision,
    written_form,
    written_forms,
)
from tools.search.engine import (
    COUNTRY_FACTOR,
    COUNTRY_SPECIFICITY,
    COVERAGE_WEIGHT,
    MAX_QUERY_CHARS,
    NO_TERMS_HINT,
    SYNTAX_HINT,
)
from tools.search.glossary import concepts as glossary_concepts
from tools.search.glossary import search_names
from tools.search.index import exact_key
from tools.search.query import (
    COMPOUND_PARTS_BOOST,
    DICTIONARY_LANGS,
    EXACT_TITLE_BOOST,
    FIELD_BOOSTS,
    KEEP_SHARE,
    MAX_FILTER_VALUES,
    MAX_PREFIX_WORDS,
    MAX_QUERY_TERMS,
    MAX_SPELLING_CHARS,
    MAX_SPELLING_WORDS,
    MAX_TERM_CHARS,
    MIN_PREFIX_CHARS,
    OPERATORS,
    SPELLING_BOOST,
    STRONG_ALL_UP_TO,
    STRONG_SHARE,
    SYNONYM_BOOST,
    country_spellings,
    country_words,
    dictionary_words,
    fuzzy_limit,
    glossary_words,
    not_country_names,
    plain_country_word,
    query_tokens,
    query_words,
    short_forms,
)

PREFIX_LEN = 6
LANG_SLOTS = 4  # doc number = entry number * LANG_SLOTS + index in schema.LANGS
# Entry numbers per docs file (1 to 2 entries, entry_numbers' space being 2 to 4 times the
# entries): ten results fetch about ten files whatever their size, so the smaller the less a
# query reads (#10, 1,000 synthetic entries: 8 numbers 12.1 kB of docs files per query, 4: 8.2 kB).
DOC_SHARD = 4
HEAD = 400  # postings per key in the t<n>.js files, the best-weighted ones
SHARD_BYTES = 12_000  # target size of a terms file, before compression
SUMMARY_CHARS = 220  # of a summary shown offline (meta.summary_chars; the API's snippets are 240)
K1, B = 1.2, 0.75
WEIGHT_SCALE = 1000  # a posting's stored weight: round(WEIGHT_SCALE x w / (K1 + w)), w its BM25F term weight
AVG_STEPS = 16  # field-length averages rounded to 2 ** (k / AVG_STEPS) (quantised_average)
EXPORT_STATE = ("static-export-state", 2)  # export()'s key in `remember` for what the next export patches
CALLBACK = "KBSearchChunk"
# Spelling repair in the browser (kb-engine.js spellRepairs): a Bloom filter of the real words
# (word lists, glossary, country names) in blocks of SPELL_BLOCK_BITS bits, each word's
# SPELL_HASHES bits in the one block its first hash picks, so a word costs one small file; and
# the index's own words grouped by first letter and length, the candidates of a repair.
SPELL_BLOCK_BITS = 1 << 15
SPELL_BITS_PER_WORD = 10  # about 1 % false positives: a misspelt word then taken for a real one, not repaired
SPELL_HASHES = 7
SPELL_BASES = (0x811C9DC5, 0x9747B28C)  # FNV-1a offset bases of the two hashes
SPELL_MIN_CHARS = 4  # query.build repairs words of more than three letters
# The real-word filter holds words from one letter: the browser tells whether a short fragment of a
# word cut in two is a real word, as query.join_fragments does ('chô\u200bmage': 'cho' is none,
# so the two are joined into 'chomage'; counted as known, the browser left them apart and found nothing).
REAL_MIN_CHARS = 1
_FIELDS = ("title", "summary", "meta", "body")
_COMPOUND_RE = re.compile(TOKEN_PATTERN)


def key(token: str) -> str:
    """Index key of one folded token (already through normalize and strip_elision)."""
    if token.isdigit() or "." in token:
        return token
    if ARABIC_RE.search(token):
        return arabic_key(token)
    return token[:PREFIX_LEN]


def arabic_key(token: str) -> str:
    """The key of a folded Arabic token: its Light10 stem, except for a country's one-word name
    (arabic_country_names: البحرين, not the stem بحر of البحري 'maritime'), which only loses its
    article or preposition, as the API's analyser keeps it (kb-engine.js keyOf, meta.proper).
    Demonyms keep their stem, unlike the API's (index.arabic_proper_nouns): the stem of المغربية is
    مغرب, the key of المغرب, which found Moroccan entries for 'الهجره الدوليه المغرب' (measured:
    keyed whole as in the API, static arabic-variant nDCG@10 0.834 -> 0.821)."""
    base = arabic_prefix_strip(token)
    return base if base in arabic_country_names() else arabic_light_stem(token)


@cache
def arabic_country_names() -> frozenset[str]:
    """Folded Arabic one-word country names without their article or preposition (بحرين, مغرب)."""
    out = set()
    for code in schema.country_codes():
        words = WORD_RE.findall(schema.country_name(code, "ar"))
        if len(words) == 1:
            out.add(arabic_prefix_strip(normalize(words[0])))
    return frozenset(out)


_AGENT_RE = re.compile(r"[a-z]+(?:er|ee|or)s?")


def agent_key(token: str) -> str:
    """The extra key of an English agent noun whose prefix key would merge it with its activity
    ('employer', 'employers' -> 'employer', not only 'employ' as 'employment'), as
    analysis.stem keeps the -er, -ee and -or ending of such a noun for the API; '' for any other
    token (a word of at most PREFIX_LEN + 1 letters once singular keeps its ending in its key).
    Texts hold it besides the prefix key (entry_keys); the browser searches it in place of the
    prefix key only when the index holds it in English versions alone (kb-engine.js agentKey), so
    that a French word of that shape ('travailler', 'étranger') keeps its prefix key."""
    if not _AGENT_RE.fullmatch(token):
        return ""
    single = token[:-1] if token.endswith(("ers", "ees", "ors")) else token
    return single if single.endswith(("er", "ee", "or")) and len(single) > PREFIX_LEN + 1 else ""


STEM_LANGS = ("fr", "en")  # the languages whose Snowball stems the lexicon gives (Arabic's: the word itself)


@lru_cache(maxsize=200_000)
def stem_key(token: str, lang: str) -> str:
    """The own key of a long word (more than PREFIX_LEN letters, ASCII once folded) in a text of
    language `lang`: its stem as the API's analyser of that language makes it (analysis.stem;
    Light10 leaves a Latin word whole) behind the language, '~fr:statistiqu', when the stem is
    longer than PREFIX_LEN; '' otherwise (a stem that short is its prefix key's, or near it). The
    prefix key stays beside it (prefix and typing completion, short words): 'informel' and
    'information' share 'inform', and found each other's entries (parity: 'informel' 11 entries in
    the API, 43 offline); their stems 'informel' and 'inform' do not. The browser asks for it
    through the lexicon (lexicon_value), as the API stems the query word in each language."""
    if len(token) <= PREFIX_LEN or not token.isascii() or not token.isalpha():
        return ""
    s = stem(token, lang)
    return f"~{lang}:{s}" if len(s) > PREFIX_LEN else ""


def _stem_item(form: str, s: str) -> int | str:
    return len(s) if form[:len(s)] == s else s


@lru_cache(maxsize=200_000)
def lexicon_value(form: str) -> int | str | list | None:
    """A long word's entry in the lexicon of its prefix key's terms file ("=": {form: value}): its
    French and English stems (analysis.stem), each as its length when it is the word's beginning
    ('informelle' -> 8 for 'informel'), else written out ('travaux' -> 'traval'); one value when
    both are the same, else [French, English]. None for a word with no stem key in either language
    (stem_key: a short stem, a word of other letters). kb-engine.js ownKeys reads it: a query word
    the lexicon holds is searched by its stem keys (~fr:, ~en:, and ~ar: the word itself, as
    Light10 keeps a Latin word) in place of its prefix key; any other by its prefix key."""
    if len(form) <= PREFIX_LEN or not form.isascii() or not form.isalpha():
        return None
    stems = [stem(form, lang) for lang in STEM_LANGS]
    if all(len(x) <= PREFIX_LEN for x in stems):
        return None
    items = [_stem_item(form, x) for x in stems]
    return items[0] if stems[0] == stems[1] else items


def _lexicon_size(form: str) -> int:
    """A lexicon form's part of the terms files' size estimate (as _head_size)."""
    return len(form) + 8


def country_word_keys(vocabs: Vocabularies, codes=None) -> dict[str, str]:
    """{folded word: its own key} for the words of country names and aliases (French, Arabic and
    English names, demonyms; of `codes`, None: every country) that a prefix key would mix with
    other words ('morocc' is also 'moroccan', 'tunisi' 'tunisien'): longer than PREFIX_LEN, of
    ASCII letters once folded (an Arabic word's key is already a light stem of the whole word).
    The key is the word itself. Texts hold these keys beside the prefix keys (country_keys); the
    browser searches a typed country word by its own key in place of its prefix key
    (kb-engine.js), as the API's stemmers keep 'Morocco' apart from 'Moroccans'. (Measured: one
    key for a country's names in every language, 'Morocco' = 'Maroc', did worse on the judged
    queries' typos.)"""
    folded = vocabs.derived("static_index.country_names", lambda: _country_names(vocabs))
    chosen = sorted(schema.country_codes() if codes is None else set(codes) & schema.country_codes())
    return {w: w for code in chosen for words in folded.get(code, ()) for w in words
            if len(w) > PREFIX_LEN and w.isascii() and w.isalpha()}


def country_keys(text: str, words: dict[str, str]) -> list[str]:
    """The country words' own keys of a text (`words`: country_word_keys), one per occurrence."""
    return [words[t] for t in (_folded_key(raw)[0] for raw in TOKEN_RE.findall(text)) if t in words]


def agent_keys(text: str) -> list[str]:
    """The agent keys (agent_key) of a text's tokens, one per occurrence."""
    return [k for k in (agent_key(_folded_key(raw)[0]) for raw in TOKEN_RE.findall(text)) if k]


@lru_cache(maxsize=200_000)
def _folded_key(raw: str) -> tuple[str, str]:
    token = strip_elision(normalize(raw))
    return token, key(token) if token else ""


@lru_cache(maxsize=200_000)
def _word_keys(raw: str) -> tuple[str, str, str]:
    """(folded token, key, agent key) of one word as TOKEN_RE finds it (_folded_key, agent_key)."""
    token, k = _folded_key(raw)
    return token, k, agent_key(token)


def _text_keys(text: str, lang: str | None, countries: dict[str, str], names=None, forms=None,
               pairs: frozenset[str] | None = None) -> list[str]:
    """keys(text, lang) + compound_keys(text) + agent_keys(text) + country_keys(text, countries)
    (+ phrase_keys of the first, with `names`: _name_phrases) + the long words' stem keys in
    `lang` (stem_key), in that order, from one pass over the text's words: each of them tokenised
    and looked up the whole text again, most of the export's analysis of an entry (#10). `forms`:
    a set the long words with a lexicon value (lexicon_value) are added to. `pairs`: with the pair
    keys of its keys in a row made of these keys (pair_keys, pair_words)."""
    words = list(map(_word_keys, TOKEN_RE.findall(text)))
    stop = _stop(lang)
    plain = [k for token, k, _ in words if token and token not in stop]
    return (plain + compound_keys(text) + _extra_keys(words, countries) + (phrase_keys(plain, names) if names else [])
            + _stem_keys(words, lang, stop, forms) + (pair_keys(plain, pairs) if pairs else []))


def pair_words(vocabs: Vocabularies) -> frozenset[str]:
    """The keys a pair key is made of (pair_keys): those of the glossary's words (glossary_words:
    the words of the field's concepts, 'marché' 'travail', 'enquête' 'emploi') and of the country
    names (country_words: 'Morocco-Algeria'), shipped in meta "pair_words". Pairs of
    any two words were 82 % of them in bodies, one document each mostly: on 3,000 synthetic
    versions they made the export 10.5 -> 25.2 MB and its peak memory 380 -> 760 MB. The browser
    matches a pair of other words as both words present (kb-engine.js compoundPairs), a superset
    of the API's answer."""
    return vocabs.derived("static_index.pair_words",
                          lambda: frozenset(_word_keys(w)[1] for w in glossary_words(vocabs) | country_words(vocabs))
                          - {""})


def pair_keys(field_keys: list[str], words: frozenset[str] | None = None) -> list[str]:
    """The pair key (pair_key) of each two keys that follow one another in a field's keys (stop
    words are not keys, as the API's phrases skip them), one per occurrence: where the API's
    phrase of a compound's parts matches ('travail-migration' in a text saying 'travail,
    migrations'), which the browser otherwise knew only where the text writes the compound.
    `words`: only the pairs of two of these keys (pair_words), when given."""
    return [pair_key(a, b) for a, b in zip(field_keys, field_keys[1:], strict=False)
            if words is None or (a in words and b in words)]


@lru_cache(maxsize=200_000)
def pair_key(first: str, second: str) -> str:
    """The key of two keys in a row: '+' and fnv1a of 'first second' in base 36 ('+1x2y3z'), a
    few letters where the two keys written out cost three times more (most pairs are in one
    document: the names were 18.5 of the 26 MB that pairs added to 3,000 synthetic entries'
    export). Two pairs of one hash (about one in 4 x 10^9) are taken for each other.
    kb-engine.js pairKey mirrors it."""
    return "+" + np.base_repr(fnv1a(f"{first} {second}"), 36).lower()


def _stem_keys(words: list[tuple[str, str, str]], lang: str | None, stop, forms: set | None,
               labels: bool = False) -> list[str]:
    """The stem keys (stem_key) of a text's words (_word_keys) in `lang`, one per occurrence; the
    long words with a lexicon value added to `forms` (when not None). With `labels`, every word
    of ASCII letters has its stem's key ('~en:census'), however short (label_stem_key)."""
    if labels:
        found = [label_stem_key(token, lang) for token, _, _ in words if token and token not in stop]
        if forms is not None:
            forms.update(t for t, _, _ in words if lexicon_value(t) is not None)
        return [k for k in found if k]
    long = [token for token, k, _ in words if len(token) > PREFIX_LEN and token not in stop and k == token[:PREFIX_LEN]]
    if forms is not None:
        forms.update(t for t in long if lexicon_value(t) is not None)
    return [k for k in (stem_key(t, lang) for t in long) if k] if lang else []


def stem_keys(text: str, lang: str | None) -> list[str]:
    """The stem keys (stem_key) of a text's long words in `lang`, one per occurrence, stop words of
    `lang` dropped; none with lang None."""
    return _stem_keys(list(map(_word_keys, TOKEN_RE.findall(text))), lang, _stop(lang), None)


@lru_cache(maxsize=20_000)
def label_stem_key(token: str, lang: str) -> str:
    """The stem key of a vocabulary label's word, whatever its length ('~en:census'; '' for a word
    not all ASCII letters): a version holds the labels of every language (the API's meta_<lang>)."""
    return f"~{lang}:{stem(token, lang)}" if token.isascii() and token.isalpha() else ""


def _extra_keys(words: list[tuple[str, str, str]], countries: dict[str, str]) -> list[str]:
    """agent_keys + country_keys of a text from its _word_keys."""
    return [a for _, _, a in words if a] + [countries[token] for token, _, _ in words if token in countries]


@lru_cache(maxsize=8)
def _stop(lang: str | None) -> frozenset:
    return stopwords(lang) if lang else frozenset().union(*(stopwords(x) for x in schema.LANGS))


def keys(text: str, lang: str | None) -> list[str]:
    """Keys of a text; stop words of `lang` dropped (of every language when lang is None)."""
    stop, out = _stop(lang), []
    for raw in TOKEN_RE.findall(text):
        token, k = _folded_key(raw)
        if token and token not in stop:
            out.append(k)
    return out


@lru_cache(maxsize=200_000)
def compound_key(raw: str) -> str:
    """Key of a hyphenated compound as one term, as tools.search.query.build searches it: its
    folded parts' keys joined by a hyphen ('franco-algériens' -> 'franco-algeri', 'Tunisia-HIMS'
    -> 'tunisi-hims'); a compound with a stop word or a single letter among its parts is one word
    (analysis.join_stopword_compounds, as glossary names are keyed): 'sous-emploi' ->
    key('sousemploi'). "" for a token without a hyphen. Not the joined word's prefix key otherwise:
    cut at PREFIX_LEN, 'tunisiahims' was 'tunisi', the key of 'Tunisia' and 'Tunisiens', and the
    compound matched every text naming Tunisia (the hyphen also keeps the key out of _is_agent_key)."""
    parts = compound_parts(raw)
    if len(parts) < 2:
        # Most tokens of a body: folding them only to drop the result cost most of entry_terms (#10).
        return ""
    pieces = [p for p in (strip_elision(normalize(p)) for p in parts) if p]
    if not all(meaningful(p) for p in pieces):
        return key("".join(pieces)) if pieces else ""
    return "-".join(key(p) for p in pieces)


def compound_keys(text: str) -> list[str]:
    """Keys of the hyphenated compounds of a text, each as one term (the index's _Compound filter
    holds the whole compound besides its parts; keys() gives the parts)."""
    # Only a token that is not all letters and digits can hold a hyphen (compound_key is "" for
    # the others): str.isalnum in C passes over most tokens of a body without a call (#10).
    return [k for k in map(compound_key, [t for t in _COMPOUND_RE.findall(text) if not t.isalnum()]) if k]


def query_plan(text: str) -> dict:
    """What the browser searches for a query (kb-engine.js queryPlan mirrors it, checked against
    tests/search/fold_cases.json): {"meaningful": bool (query.has_meaningful_words), "keys":
    [key of each meaningful token; a compound as its joined key], "parts": [[part keys] of each
    compound whose parts are all meaningful (searched as a weaker group, like the API's phrase)]}."""
    has_words = any(meaningful(w) for _, w in query_words(text))
    out: dict = {"meaningful": has_words, "keys": [], "parts": []}
    if not has_words:
        return out
    for raw, word in query_tokens(text):
        pieces = [strip_elision(normalize(p)) for p in compound_parts(raw)]
        if not any(meaningful(p) for p in pieces):
            continue
        k = compound_key(raw) if len(pieces) > 1 else key(word)
        if k not in out["keys"]:
            out["keys"].append(k)
        if len(pieces) > 1 and all(meaningful(p) for p in pieces):
            out["parts"].append([key(p) for p in pieces])
    return out


_title_key = lru_cache(maxsize=100_000)(exact_key)  # every title, in every export of a process


def fnv1a(term: str, basis: int = 0x811C9DC5) -> int:
    """FNV-1a (32 bits) over the code points of `term`, from the offset basis `basis`."""
    h = basis
    for ch in term:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


@lru_cache(maxsize=200_000)
def shard_of(term: str, shards: int) -> int:
    """FNV-1a (32 bits) over the code points of `term`, modulo `shards` (mirrored in kb-engine.js)."""
    return fnv1a(term) % shards


def shards_of(terms: list[str], shards: int) -> list[int]:
    """[shard_of(term, shards) for term in terms], hashed together with numpy (_fnv_arrays): the
    export places every key of the collection, tens of thousands at 10,000 entries, where a Python
    loop per letter cost most of a rebuild's export (#10)."""
    if not terms:
        return []
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    order = np.argsort(-lengths, kind="stable")
    (hashes,) = _fnv_arrays([terms[i] for i in order], lengths[order], (0x811C9DC5,))
    out = np.empty(len(terms), dtype=np.int64)
    out[order] = (hashes % np.uint64(shards)).astype(np.int64)
    return out.tolist()


def bloom_bits(word: str, blocks: int) -> tuple[int, list[int]]:
    """(block, bit positions in the block) of a folded word in the real-word filter of `blocks`
    blocks: block = h1 mod blocks, bit i = (h2 + i x ((h1 >> 7) | 1)) mod SPELL_BLOCK_BITS, h1 and
    h2 FNV-1a from SPELL_BASES (kb-engine.js realWord mirrors it; _bloom computes it for arrays)."""
    h1, h2 = fnv1a(word, SPELL_BASES[0]), fnv1a(word, SPELL_BASES[1])
    step = (h1 >> 7) | 1
    return h1 % blocks, [(h2 + i * step) & (SPELL_BLOCK_BITS - 1) for i in range(SPELL_HASHES)]


def _fnv_arrays(words: list[str], lengths: np.ndarray, bases: tuple[int, ...]) -> list[np.ndarray]:
    """fnv1a of each word from each offset basis (uint64 arrays), computed letter position by
    letter position over the words' code points; `words` sorted by decreasing length (`lengths`),
    so that position j concerns a leading slice of them."""
    flat = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    prime = np.uint32(0x01000193)
    out = []
    for basis in bases:
        h = np.full(len(words), basis, dtype=np.uint32)
        for j in range(int(lengths[0]) if len(words) else 0):
            n = int(np.searchsorted(-lengths, -j, side="left"))  # words longer than j
            h[:n] = (h[:n] ^ flat[starts[:n] + j]) * prime  # uint32 arithmetic wraps modulo 2**32, as FNV's
        out.append(h.astype(np.uint64))
    return out


# _dictionary_bloom's answer, kept where the word lists are installed (the environment's share/
# folder): it depends on them and on this code alone, not on a project, and each build otherwise
# read the lists and hashed their ~440,000 words again (about 0.6 s of CPU, a quarter of a
# 100-entry build's own stages, #10). `make install` makes it (warm_bloom).
BLOOM_PATH = Path(sys.prefix) / "share" / "kb-maghreb" / "dictionary-bloom.npz"


def warm_bloom() -> Path:
    """Make (or check) the kept filter of the word lists (BLOOM_PATH). Returns its path."""
    _dictionary_bloom()
    return BLOOM_PATH


def _bloom_key() -> str:
    """SHA-256 (hex) of what the filter depends on: the word lists' bytes, the code that folds and
    hashes them (this module, tools.search.query and analysis) and the filter's constants."""
    from tools.search import analysis, query

    digest = hashlib.sha256(repr((SPELL_BLOCK_BITS, SPELL_BITS_PER_WORD, SPELL_HASHES, SPELL_BASES, REAL_MIN_CHARS,
                                  MAX_SPELLING_CHARS, DICTIONARY_LANGS)).encode())
    for module in (__file__, query.__file__, analysis.__file__):
        digest.update(Path(module).read_bytes())
    for lang in DICTIONARY_LANGS:
        digest.update((resources.files("spellchecker") / "resources" / f"{lang}.json.gz").read_bytes())
    return digest.hexdigest()


@cache
def _dictionary_bloom() -> tuple[int, np.ndarray]:
    """(blocks, bits: uint8 array of blocks x SPELL_BLOCK_BITS / 8) of the word lists' words that
    a repair or a join of fragments could touch (REAL_MIN_CHARS to MAX_SPELLING_CHARS letters);
    once per process (the lists take about a second to read, the hashing as long), and read from
    BLOOM_PATH when made there for the same lists and code (a file unreadable, of other lists or
    code, is made again and replaced; a folder not writable: made each time)."""
    key = _bloom_key()
    try:
        with np.load(BLOOM_PATH, allow_pickle=False) as kept:
            bits = kept["bits"]
            if str(kept["key"]) == key and bits.ndim == 2 and bits.dtype == np.uint8 \
                    and bits.shape[1] == SPELL_BLOCK_BITS // 8:
                return bits.shape[0], bits
    except (OSError, ValueError, KeyError, EOFError):
        pass  # made again below
    blocks, bits = _make_dictionary_bloom()
    with contextlib.suppress(OSError):
        buffer = io.BytesIO()
        np.savez(buffer, key=np.array(key), bits=bits)
        write_atomic(BLOOM_PATH, buffer.getvalue())
    return blocks, bits


def _make_dictionary_bloom() -> tuple[int, np.ndarray]:
    words = [w for w in dictionary_words() if REAL_MIN_CHARS <= len(w) <= MAX_SPELLING_CHARS]
    # The filter is the same in any order of the words: by decreasing length for _fnv_arrays.
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    order = np.argsort(-lengths, kind="stable")
    words, lengths = [words[i] for i in order], lengths[order]
    blocks = max(1, math.ceil(len(words) * SPELL_BITS_PER_WORD / SPELL_BLOCK_BITS))
    bits = np.zeros((blocks, SPELL_BLOCK_BITS // 8), dtype=np.uint8)
    if words:
        h1, h2 = _fnv_arrays(words, lengths, SPELL_BASES)
        block = (h1 % blocks).astype(np.int64)
        step = (h1 >> np.uint64(7)) | np.uint64(1)
        for i in range(SPELL_HASHES):
            pos = ((h2 + np.uint64(i) * step) & np.uint64(SPELL_BLOCK_BITS - 1)).astype(np.int64)
            np.bitwise_or.at(bits, (block, pos >> 3), (1 << (pos & 7)).astype(np.uint8))
    return blocks, bits


def real_word_filter(extra) -> tuple[int, list[str]]:
    """(blocks, [base64 of each block]) of the real-word filter: the word lists' words
    (query.dictionary_words) and the folded words `extra` (glossary and country names)."""
    blocks, shared = _dictionary_bloom()
    bits = shared.copy()
    for word in extra:
        if REAL_MIN_CHARS <= len(word) <= MAX_SPELLING_CHARS:
            block, positions = bloom_bits(word, blocks)
            for pos in positions:
                bits[block, pos >> 3] |= 1 << (pos & 7)
    return blocks, [base64.b64encode(row.tobytes()).decode("ascii") for row in bits]


def spelling_group(word: str) -> str:
    """The group of the index's words a word belongs to for the browser's repair: its first letter
    and its length ('recensement' -> 'r:11')."""
    return f"{word[:1]}:{len(word)}"


def spelling_groups(word: str) -> tuple[str, ...]:
    """The groups a word of the index is listed in: its spelling_group, and by its second letter
    and length ('recensement' -> '~e:11'), so that the browser's "did you mean" reaches a word
    whose first letter was typed wrong ('eichier' -> 'fichier', as the API's _did_you_mean) by
    reading a few groups, never the whole vocabulary (kb-engine.js didYouMean)."""
    return (spelling_group(word), f"~{word[1:2]}:{len(word)}") if len(word) > 1 else (spelling_group(word),)


def entry_spelling_words(e: Entry) -> frozenset[str]:
    """The words of one language version in the index's neutral field (id, title, summary,
    institutions, tags; folded, not stemmed; a compound whole and in parts) that the API can repair
    a word into (engine.SearchIndex._near)."""
    stop = all_stopwords()
    text = " ".join([e.id, e.title, e.summary, *e.institutions, *e.tags])
    seen = set()
    for raw in _COMPOUND_RE.findall(text):
        parts = compound_parts(raw)
        for piece in (["".join(parts)] if len(parts) > 1 else []) + parts:
            word = strip_elision(normalize(piece))
            if 2 <= len(word) <= MAX_SPELLING_CHARS + 2 and word not in stop and meaningful(word):
                seen.add(word)
    return frozenset(seen)


def entry_written_forms(e: Entry) -> dict[str, dict[str, int]]:
    """The written forms of one language version's neutral words (analysis.written_forms of its
    title, summary, institutions and tags), as the API's index stores them (index.document)."""
    return written_forms(e.title + ". " + e.summary, [*e.institutions, *e.tags])


def written_table(entries: list[Entry], words_of=None, written_of=None) -> dict[str, str | dict[str, str]]:
    """{folded word: form to show} for completions (analysis.written_form over the entries'
    written forms), as SearchIndex.suggest shows them: a plain string when every language's
    entries write it the same way, else {"": form over all entries, lang: that language's form
    where it differs}. Words every entry writes as they fold are left out. A version that holds a
    word (its spelling words, its id's left out: id_words) without written forms for it writes it as
    it folds, once. `words_of`
    and `written_of`: functions entry -> entry_spelling_words / entry_written_forms, memoised by a build."""
    counts = WrittenCounts()
    for e in entries:
        counts.add(*_written_part(e, words_of, written_of))
    return counts.table()


def _written_part(e: Entry, words_of, written_of) -> tuple[str, dict[str, dict[str, int]], frozenset[str]]:
    """(language, written forms, held words) of one version for WrittenCounts: its written forms
    (entry_written_forms) and its spelling words but its id's (id_words: a slug casts no vote)."""
    forms = written_of(e) if written_of is not None else entry_written_forms(e)
    words = words_of(e) if words_of is not None else entry_spelling_words(e)
    return e.lang, forms, frozenset(words - id_words(e.id))


class WrittenCounts:
    """The counts written_table is made of, kept so that an export adds and takes out the versions
    of a change and makes again only the forms of their words (work in proportion to the change,
    not to the collection): `recorded` {folded: {lang: {form: occurrences}}}, `docs` {(folded,
    lang): versions with written forms for it}, `held` {(word, lang): versions holding it}."""

    def __init__(self) -> None:
        self.recorded: dict[str, dict[str, dict[str, int]]] = {}
        self.docs: Counter = Counter()
        self.held: Counter = Counter()

    def add(self, lang: str, forms: dict[str, dict[str, int]], held: frozenset[str], sign: int = 1) -> set[str]:
        """Counts one version in (sign 1) or out (-1); returns the folded words it touches."""
        for folded, found in forms.items():
            per_lang = self.recorded.setdefault(folded, {})
            counts = per_lang.setdefault(lang, {})
            for form, n in found.items():
                left = counts.get(form, 0) + sign * n
                if left:
                    counts[form] = left
                else:
                    counts.pop(form, None)
            if not counts:
                del per_lang[lang]
                if not per_lang:
                    del self.recorded[folded]
            self.docs[folded, lang] += sign
            if not self.docs[folded, lang]:
                del self.docs[folded, lang]
        for w in held:
            self.held[w, lang] += sign
            if not self.held[w, lang]:
                del self.held[w, lang]
        return set(forms) | set(held)

    def shown(self, folded: str) -> str | dict[str, str] | None:
        """written_table's value for one folded word (None: left out)."""
        per_lang = self.recorded.get(folded)
        if not per_lang:
            return None
        shown: dict[str, str] = {}
        total: dict[str, int] = {}
        for lang in schema.LANGS:
            counts = dict(per_lang.get(lang, {}))
            plain = self.held[folded, lang] - self.docs[folded, lang]
            if plain > 0:
                counts[folded] = counts.get(folded, 0) + plain
            if not counts:
                continue
            shown[lang] = written_form(folded, counts)
            for form, n in counts.items():
                total[form] = total.get(form, 0) + n
        best = written_form(folded, total)
        differ = {lang: form for lang, form in shown.items() if form != best}
        if differ:
            return {"": best, **differ}
        return best if best != folded else None

    def table(self) -> dict[str, str | dict[str, str]]:
        """written_table of the versions counted in."""
        out = {}
        for folded in self.recorded:
            value = self.shown(folded)
            if value is not None:
                out[folded] = value
        return out


def spelling_words(entries: list[Entry], words_of=None) -> dict[str, dict[str, int]]:
    """{group: {word: documents holding it}}: entry_spelling_words counted per language version.
    `words_of`: a function entry -> its words, replacing entry_spelling_words (a build passes one
    that reuses the words of entries unchanged since the last build)."""
    df: Counter = Counter()
    for e in entries:
        df.update(words_of(e) if words_of is not None else entry_spelling_words(e))
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for word, n in sorted(df.items()):
        out[spelling_group(word)][word] = n
    return out


def entry_keys(entry: Entry, vocabs: Vocabularies | None = None) -> dict[str, list[str]]:
    """An entry's keys per field ({"title", "summary", "meta", "body": [key, ...]}); the labels in
    "meta" come from `vocabs` (None: the shipped data, read now)."""
    return _entry_keys(entry, vocabs)[0]


def _entry_keys(entry: Entry, vocabs: Vocabularies | None = None) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """(entry_keys, its long words with a lexicon value (lexicon_value), sorted)."""
    vocabs = Vocabularies.ensure(vocabs)
    labels, label_texts, label_pairs = [], [], []
    paired = pair_words(vocabs)
    for lang in schema.LANGS:
        words = [vocabs.label("types", entry.type, lang), *(vocabs.label("themes", t, lang) for t in entry.themes),
                 *(vocabs.label("data_sources", d, lang) for d in entry.data_sources),
                 *(schema.country_name(c, lang) for c in entry.countries if c in schema.country_codes())]
        labels += keys(" ".join(words), lang)
        label_texts.append((lang, " ".join(words)))
        # The API's meta_<lang> field: these labels, then the tags in the entry's language; its
        # phrases match across them ('travail' 'migration' of two labels).
        label_pairs += pair_keys(keys(" ".join(words + (list(entry.tags) if lang == entry.lang else [])), lang), paired)
    meta = labels + keys(" ".join([*entry.tags, *entry.institutions, entry.id.replace("-", " ")]), entry.lang)
    body = markdown_to_text(entry.body)
    # An agent noun's key is added besides its prefix key (agent_key), in every language: the
    # browser uses it only for a word that English texts alone hold.
    # A country word's own key (country_keys) stands beside its prefix key, in the country labels too.
    countries = vocabs.derived("static_index.country_word_keys", lambda: country_word_keys(vocabs))
    tags = " ".join(entry.tags)
    names = vocabs.derived("static_index.name_phrases", lambda: _name_phrases(vocabs))
    # Long words' stem keys (stem_key): the labels in each language stemmed in that language, as
    # the API's meta_<lang> fields; the tags in the entry's language; the words in the lexicon.
    # A label's every word has its stem key, a short stem too: the browser searches a long word
    # whose stem is short by its prefix key in the versions of that language (kb-engine.js
    # ownKeys), and by the label's stem key in the others, as the API's meta_<lang> fields.
    forms: set[str] = set()
    stems = [k for lang, text in label_texts for k in
             _stem_keys(list(map(_word_keys, TOKEN_RE.findall(text))), lang, _stop(lang), forms, labels=True)]
    named = " ".join([*entry.tags, *entry.institutions, entry.id.replace("-", " ")])
    stems += _stem_keys(list(map(_word_keys, TOKEN_RE.findall(named))), entry.lang, _stop(entry.lang), forms)
    # A compound's key is added besides its parts' keys, as the index's _Compound filter does
    # (_text_keys: keys, compound keys, agent keys, country words' keys), and a glossary name's
    # phrase key besides its words' keys (phrase_keys).
    return {"title": _text_keys(entry.title, entry.lang, countries, names, forms, paired),
            "summary": _text_keys(entry.summary, entry.lang, countries, names, forms, paired),
            "meta": meta + compound_keys(tags) + _extra_keys(list(map(_word_keys, TOKEN_RE.findall(tags))), countries)
            + country_keys(" ".join(schema.country_name(c, lang) for lang in schema.LANGS for c in entry.countries
                                    if c in schema.country_codes()), countries) + phrase_keys(meta, names) + stems
            + label_pairs,
            "body": _text_keys(body, entry.lang, countries, names, forms, paired)}, tuple(sorted(forms))


def phrase_key(name_keys: list[str]) -> str:
    """The key of a name of several words held as a phrase: its words' keys between double quotes
    ('"enquet national migrat international"'); kb-engine.js phraseKey mirrors it."""
    return '"' + " ".join(name_keys) + '"'


def placed_term(key: str) -> str:
    """The term whose shard holds a key: a phrase key's first word key ('"enquet national"' ->
    'enquet'), a stem key's stem's prefix key ('~fr:informel' -> 'inform': in the file of the
    word's prefix key, which holds its lexicon value), any other key itself. kb-engine.js
    placedTerm mirrors it."""
    if key[:1] == "~":
        return key[key.index(":") + 1:][:PREFIX_LEN]
    return key[1:].split(" ", 1)[0] if key[:1] == '"' else key


def _name_phrases(vocabs: Vocabularies) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """{first key: [(keys in a row, phrase key)]} of the glossary's names and the short forms'
    words of two keys or more: each name as _synonyms and meta "short_forms" key it (a compound
    with a stop word among its parts as one key, 'sous-emploi' -> 'sousem'), and as a text's keys
    hold it (its parts, the stop word dropped: 'emploi'), both under the name's phrase key."""
    _, concepts = vocabs.derived("static_index.synonyms", lambda: _synonyms(vocabs=vocabs))
    named = [(name, ks) for c in concepts for name, ks in c["names"]]
    named += [(w, keys(join_stopword_compounds(w), None)) for words in short_forms(vocabs).values() for w in words]
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, ks in named:
        if len(ks) < 2:
            continue
        for seq in (tuple(ks), tuple(keys(name, None))):
            row = (seq, phrase_key(ks))
            if len(seq) > 1 and row not in table.get(seq[0], ()):
                table.setdefault(seq[0], []).append(row)
    return table


def phrase_keys(field_keys: list[str], names: dict[str, list[tuple[tuple[str, ...], str]]]) -> list[str]:
    """The phrase key (phrase_key) of each glossary name (`names`: _name_phrases) whose keys follow
    one another in a field's keys (stop words are not keys), one per occurrence. The API searches a
    concept's other names as phrases (query.build); the browser matched them as bags of keys, so
    that 'HIMS' found every entry holding 'enquête', 'spécialisée' and 'migration' anywhere (42
    entries offline, 14 in the API): it now asks for the phrase key."""
    out = []
    for i, k in enumerate(field_keys):
        for seq, phrase in names.get(k, ()):
            if tuple(field_keys[i:i + len(seq)]) == seq:
                out.append(phrase)
    return out


def _gaps(pairs) -> list[int]:
    """[(doc, weight), ...] in doc order -> [gap, weight, ...], each doc as its gap from the last."""
    out, last = [], 0
    for doc, weight in pairs:
        out += [doc - last, weight]
        last = doc
    return out


def _array_gaps(docs: np.ndarray, weights: np.ndarray) -> list[int]:
    """_gaps of postings given as arrays of docs (increasing) and weights."""
    return np.column_stack((np.diff(docs, prepend=0), weights)).ravel().tolist()


def _encode(name: str, data) -> str:
    return f"{CALLBACK}({json.dumps(name)},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def _synonyms(vocabs: Vocabularies | None = None) -> tuple[dict, list]:
    """Glossary phrases (folded words, and '~' + keys) -> [concept, is_acronym], and each concept's
    names as [name as written, [keys]], for the browser's expansion (mirrors glossary.expand)."""
    vocabs = Vocabularies.ensure(vocabs)
    phrases: dict[str, list] = {}
    concepts = []
    found = glossary_concepts(vocabs)
    for number, concept in enumerate(found):
        names = []
        own = set(concept.names())
        # A broader concept's names are searched too (glossary.search_names), but name this one in no query.
        for name in search_names(concept, found):
            # 'sous-emploi' is one key ('sousemploi'), as the API searches it: its parts without
            # the stop word would be 'emploi' (analysis.join_stopword_compounds).
            name_keys = keys(join_stopword_compounds(name), None)
            names.append([name, name_keys])
            if name not in own:
                continue
            is_acronym = name in concept.acronyms
            folded = " ".join(strip_elision(normalize(w)) for w in TOKEN_RE.findall(name))
            if folded:
                phrases.setdefault(folded, [number, int(is_acronym)])
            if not is_acronym:
                stemmed = name_keys
                if len(stemmed) > 1:
                    phrases.setdefault("~" + " ".join(stemmed), [number, 0])
        concepts.append({"id": concept.id, "names": names, "acronyms": list(concept.acronyms)})
    return phrases, concepts


def _country_names(vocabs: Vocabularies) -> dict[str, list[list[str]]]:
    """{code: [folded words of each of its names and aliases]} for every country code (of `vocabs`)."""
    aliases = vocabs.country_aliases()
    return {code: [[strip_elision(normalize(w)) for w in TOKEN_RE.findall(name)]
                   for name in [schema.country_name(code, lang) for lang in schema.LANGS] + list(aliases.get(code, ()))]
            for code in schema.country_codes()}


def _countries(codes: set[str], vocabs: Vocabularies | None = None, plain=None) -> dict[str, str]:
    """Folded names (and keys) of the countries that entries are about -> code. `plain(key,
    code)`: whether a one-word name of that key is a plain word of the collection
    (query.plain_country_word), left out then; None: none is."""
    vocabs = Vocabularies.ensure(vocabs)
    table = {}
    folded = vocabs.derived("static_index.country_names", lambda: _country_names(vocabs))
    for code in sorted(codes & schema.country_codes()):
        for words in folded[code]:
            if len(words) == 1 and plain is not None and plain(key(words[0]), code):
                continue
            if words:
                table.setdefault(" ".join(words), code)
                table.setdefault(" ".join(key(w) for w in words), code)
    return table


def _fuzzy_countries(codes: set[str], vocabs: Vocabularies | None = None) -> tuple[dict[str, str], dict[str, list]]:
    """({folded one-word name longer than six letters: code}, {code: [keys of its name in each
    language]}) of the countries entries are about: the browser recognises a misspelt name within
    query.fuzzy_limit of one of them, as query.countries_named does, and searches the country's
    names in its place (the API's repair of a name that matches no text)."""
    vocabs = Vocabularies.ensure(vocabs)
    aliases = vocabs.country_aliases()
    near, names = {}, {}
    for code in sorted(codes & schema.country_codes()):
        written = [schema.country_name(code, lang) for lang in schema.LANGS]
        names[code] = [k for k in dict.fromkeys(tuple(keys(n, None)) for n in written) if k]
        for name in written + list(aliases.get(code, ())):
            words = [strip_elision(normalize(w)) for w in TOKEN_RE.findall(name)]
            if len(words) == 1 and fuzzy_limit(words[0]):
                near.setdefault(words[0], code)
    return near, {code: [list(k) for k in ks] for code, ks in names.items()}


def _country_words(vocabs: Vocabularies) -> frozenset[str]:
    """Keys of the words of every country's names and aliases (of `vocabs`)."""
    aliases = vocabs.country_aliases()
    return frozenset(key(w) for code in schema.country_codes()
                     for name in [schema.country_name(code, lang) for lang in schema.LANGS] + list(aliases.get(code, ()))
                     for w in [strip_elision(normalize(x)) for x in TOKEN_RE.findall(name)])


_TEXT_COLUMNS = [_FIELDS.index(f) for f in ("title", "summary", "body")]


@dataclass(frozen=True)
class Terms:
    """One document's keys as export() weighs them: `lengths`, the number of keys of each field of
    _FIELDS; `words`, its distinct keys; `counts`, an int32 array (len(words), len(_FIELDS)) of how
    often each occurs in each field. Depends on the document alone (a build keeps it per entry)."""

    lengths: tuple[int, ...]
    words: tuple[str, ...]
    counts: np.ndarray
    forms: tuple[str, ...] = ()  # its long words with a lexicon value (lexicon_value), sorted


def terms(by_field: dict[str, list[str]], forms: tuple[str, ...] = ()) -> Terms:
    """Terms of a document from its keys per field ({field of _FIELDS: [key, ...]}, entry_keys) and
    its long words with a lexicon value (`forms`, sorted)."""
    rows: dict[str, list[int]] = {}
    for column, f in enumerate(_FIELDS):
        for word, count in Counter(by_field.get(f, ())).items():
            rows.setdefault(word, [0] * len(_FIELDS))[column] = count
    counts = np.array(list(rows.values()), dtype=np.int32).reshape(len(rows), len(_FIELDS))
    # Agent keys (agent_key) and country words' keys (country_keys) stand beside a word's prefix
    # key: not counted in the field's length,
    # so that adding them leaves every other key's weight as it was.
    # Phrase keys (phrase_keys) likewise.
    # (Counted from the distinct keys' counts: a test per key occurrence cost a third of terms().)
    extra = np.fromiter(map(_beside_key, rows), dtype=bool, count=len(rows))
    beside = counts[extra].sum(axis=0).tolist() if extra.any() else [0] * len(_FIELDS)
    lengths = tuple(len(by_field.get(f, ())) - int(beside[i]) for i, f in enumerate(_FIELDS))
    return Terms(lengths, tuple(rows), counts, tuple(forms))


def _beside_key(k: str) -> bool:
    """Whether a key stands beside a word's key, not counted in a field's length: an agent or
    country word's key (_is_agent_key), a phrase key (phrase_keys: between double quotes), a stem
    key (stem_key: '~' and its language), a pair key (pair_key: '+')."""
    return k[:1] in ('"', "~", "+") or _is_agent_key(k)


def _is_agent_key(k: str) -> bool:
    # Only agent keys and country words' keys are ASCII letters beyond PREFIX_LEN (prefix keys are
    # cut there; Arabic stems and numbers are not ASCII letters).
    return len(k) > PREFIX_LEN and k.isascii() and k.isalpha()


def entry_terms(entry: Entry, vocabs: Vocabularies | None = None) -> Terms:
    """terms(entry_keys(entry, vocabs), its lexicon words): what export() needs of one entry version."""
    return terms(*_entry_keys(entry, vocabs))


def quantised_average(total: int, count: int) -> float:
    """A field's average length as the export weighs it: total / count rounded to the nearest
    2 ** (k / AVG_STEPS) (k an integer: steps of about 4.4 %), 1.0 for a field empty everywhere.
    A function of the collection, which one edit moves across a step only rarely, so that the
    stored weights of other entries stay as they are (#10)."""
    if not count or not total:
        return 1.0
    return 2.0 ** (round(AVG_STEPS * math.log2(total / count)) / AVG_STEPS)


def _pow2(x: float) -> int:
    """The least power of two >= x (1 for x <= 1)."""
    n = 1
    while n < x:
        n *= 2
    return n


@lru_cache(maxsize=100_000)
def _id_hash(entry_id: str) -> int:
    return fnv1a(entry_id)


def entry_numbers(ids) -> tuple[int, dict[str, int]]:
    """(space, {entry id: number}) of a collection's entry ids: space is the least power of two
    >= 2 x the number of ids (16 at least); an id's number is its home fnv1a(id) mod space, or
    the next free one after the number of the id before it in (home, id) order (linear probing,
    in an order that depends on the set alone). A function of the set of ids, in which adding or
    removing an id moves only the ids after it in its run of consecutive numbers (about two, the
    space being at most half full), where numbering the sorted ids moved every later one. A doc
    number is number * LANG_SLOTS + index of the language in schema.LANGS."""
    ids = set(ids)
    space = max(16, _pow2(2 * len(ids)))
    out, last = {}, -1
    for home, entry_id in sorted((_id_hash(i) % space, i) for i in ids):
        last = max(home, last + 1)
        out[entry_id] = last
    return space, out


def _postings(docs: list[int], per_doc: list[Terms], avg: tuple[float, ...] | None = None
              ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Postings of every key: (words, word number, doc, weight, whether the key is in the title,
    summary or body) of each posting, sorted by word number then doc; words in order of first
    appearance. A weight is the length-normalised term weight of BM25F without its idf: max(1,
    round(WEIGHT_SCALE x w / (K1 + w))) with w the sum over fields of boost x count / (1 - B + B x
    length / average length), the averages `avg` (quantised_average of each field of _FIELDS;
    None: those of `per_doc`), computed in float64 in the same order as a plain loop over fields.
    The browser multiplies it by the key's idf (from its document count and meta "n"), so that a
    weight depends on its document and the averages alone. A stem key's postings weigh 1 (stem_key)."""
    # map() over C-level lookups: one Python step per posting would cost most of the export.
    vocab = {w: i for i, w in enumerate(dict.fromkeys(chain.from_iterable(t.words for t in per_doc)))}
    sizes = np.array([len(t.words) for t in per_doc], dtype=np.int64)
    word_col = np.fromiter(map(vocab.__getitem__, chain.from_iterable(t.words for t in per_doc)), dtype=np.int64,
                           count=int(sizes.sum()))
    doc_col = np.repeat(np.array(docs, dtype=np.int64), sizes)
    counts = (np.concatenate([t.counts for t in per_doc]) if per_doc
              else np.zeros((0, len(_FIELDS)), dtype=np.int32)).astype(np.float64)
    lengths = np.array([t.lengths for t in per_doc], dtype=np.float64).reshape(len(per_doc), len(_FIELDS))
    if avg is None:
        avg = averages(per_doc)
    norm = (1 - B) + (B * lengths) / np.array(avg)
    boosts = np.array([FIELD_BOOSTS[f] for f in _FIELDS])
    parts = (boosts * counts) / np.repeat(norm, sizes, axis=0)
    weighted = np.zeros(len(word_col))
    for column in range(len(_FIELDS)):
        weighted = weighted + parts[:, column]
    weight = np.maximum(1, np.rint(WEIGHT_SCALE * weighted / (K1 + weighted))).astype(np.int64)
    # A stem key says which documents hold a word, their prefix key's weight ranks them (kb-engine.js
    # ownKeys): weighed 1, it costs one digit a posting, not three.
    stems = np.fromiter((w[:1] in ("~", '"', "+") for w in vocab), dtype=bool, count=len(vocab))
    if stems.any():
        weight[stems[word_col]] = 1
    order = np.lexsort((doc_col, word_col))
    in_text = counts[:, _TEXT_COLUMNS].any(axis=1)
    return list(vocab), word_col[order], doc_col[order], weight[order], in_text[order]


def averages(per_doc: list[Terms]) -> tuple[float, ...]:
    """quantised_average of each field of _FIELDS over documents' Terms."""
    return tuple(quantised_average(sum(t.lengths[i] for t in per_doc), len(per_doc)) for i in range(len(_FIELDS)))


def _split(docs: np.ndarray, weights: np.ndarray, whole: bool) -> tuple[list[int], list[int] | None]:
    """(head, tail) of one key's postings (docs increasing, weights): [gap, weight, ...] each, in
    doc order; the head holds the HEAD best-weighted postings (ties by doc), the tail the rest
    (None when there is none: `whole`, a facet key, or a list of at most HEAD postings)."""
    if whole or len(docs) <= HEAD:
        return _array_gaps(docs, weights), None
    # One numpy sort per long list, where a Python sort of its pairs cost most of the export (#10).
    best = np.lexsort((docs, -weights))
    head, tail = np.sort(best[:HEAD]), np.sort(best[HEAD:])
    return _array_gaps(docs[head], weights[head]), _array_gaps(docs[tail], weights[tail])


def _head_size(key: str, head: list[int]) -> int:
    """A key's part of the terms files' size estimate (the number of t<n> files: _pow2 of the sum
    over SHARD_BYTES)."""
    return len(key) + 6 * len(head)


def _terms_file(name: str, heads: dict[str, list[int]], counts: dict[str, int], lexicon=()) -> str:
    """A t<n> file: {"": {key with a tail: its document count}, "=": {long word: lexicon_value}
    (the words of `lexicon` whose prefix key the file holds), key: head, ...}, keys sorted."""
    data: dict = {"": {k: counts[k] for k in sorted(counts)}} if counts else {}
    if lexicon:
        data["="] = {w: lexicon_value(w) for w in sorted(lexicon)}
    for k in sorted(heads):
        data[k] = heads[k]
    return _encode(name, data)


def _tails_file(name: str, tails: dict[str, list[int]]) -> str:
    return _encode(name, {k: tails[k] for k in sorted(tails)})


def _doc_row(doc: int, e: Entry) -> list:
    # The whole summary (at most 500 characters, schema): the browser shows SUMMARY_CHARS of it,
    # from its start or around its first word matching the query (kb-search.js markedSummary).
    return [doc, e.id, e.lang, e.title, e.url, e.summary, e.type, list(e.countries), list(e.themes),
            list(e.data_sources), e.status]


_FACET_KEYS = {"countries": "@c:", "type": "@type:", "themes": "@theme:", "data_sources": "@ds:", "lang": "@lang:"}


def _facet_postings(e: Entry, title_key) -> list[tuple[str, int]]:
    """(key, weight) of a document's facet keys and exact-title key. A country's list carries, for
    each entry, how many countries it is about (the country factor's specificity,
    engine.COUNTRY_SPECIFICITY); other facets' weigh 0."""
    out = []
    for facet, prefix in _FACET_KEYS.items():
        weight = max(1, len(e.countries)) if facet == "countries" else 0
        out += [(prefix + value, weight) for value in e.facet_values(facet)]
    out.append(("@t:" + title_key(e.title), 0))
    return out


def _spell_file(name: str, groups: dict[str, dict[str, int]], names, shown: dict) -> str:
    """A v<n> file: each group of `names` as [word, documents, ...], and under "=" + group the
    forms to show of its words written otherwise than folded (`shown`: written_table)."""
    data: dict = {}
    for g in sorted(names):
        data[g] = [x for w in sorted(groups[g]) for x in (w, groups[g][w])]
        # The forms to show go with the first-letter group only (completions read that one).
        forms = {w: shown[w] for w in sorted(groups[g]) if w in shown} if not g.startswith("~") else None
        if forms:
            data["=" + g] = forms
    return _encode(name, data)


def _decode(text: str):
    """The data of a file made by _encode."""
    return json.loads(text[text.index(",") + 1:-3])


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


# The facets' address parameters (tools.site.facets FACETS: param -> vocabulary), which the search
# layer may not import; tests/search/test_static_filters.py checks they are the same.
FILTER_VOCABULARIES = {"country": "countries", "type": "types", "theme": "themes", "data_source": "data_sources",
                       "lang": "languages"}


def filter_table(vocabs: Vocabularies) -> dict:
    """filters.js: what the API accepts as filter values (tools.web.api.parse_filters), for the
    browser to read a search page's address as it does: {"max": MAX_FILTER_VALUES, "facets":
    {param: {"upper": country codes are upper-cased (others lower-cased), "values": [accepted
    values]}}}: any ISO 3166-1 alpha-2 code for countries, the languages, the vocabularies' terms."""
    facets = {}
    for param, vocabulary in FILTER_VOCABULARIES.items():
        if vocabulary == "countries":
            values = sorted(schema.country_codes())
        elif vocabulary == "languages":
            values = list(schema.LANGS)
        else:
            values = list(vocabs.terms(vocabulary))
        facets[param] = {"upper": vocabulary == "countries", "values": values}
    return {"max": MAX_FILTER_VALUES, "facets": facets}


def export(entries: list[Entry], vocabs: Vocabularies | None = None, fields_of=None, words_of=None,
           remember=None, print_of=None, written_of=None) -> dict[str, str]:
    """Every file of the static index, as {path under kb/search/: script text}; labels, country
    aliases and glossary synonyms from `vocabs` (None: the shipped data, read now). `fields_of`: a
    function entry -> its Terms (entry_terms), replacing the analysis of each entry (a build passes
    one that reuses the terms of entries unchanged since the last build). `words_of`: the same for
    each entry's spelling words (entry_spelling_words), and `written_of` for its written forms
    (entry_written_forms). `remember(key, make)`: make()'s result, or
    the one kept by an earlier build with the same vocabularies, code and word lists (the
    real-word filter, about 2 s of CPU to make in a fresh process at any collection size).

    With `remember` and `print_of` (entry -> a fingerprint of every field, model.fingerprint),
    the export keeps its files and what they were made of there (under EXPORT_STATE) and the next
    export with the same `remember` patches them: only the files holding a key, a document or a
    spelling word of a changed, added or removed entry are made again (and meta.js), the others
    are returned as they were. The files are the same as a fresh export's, byte for byte: every
    weight depends on its document and the quantised field averages alone (_postings), document
    numbers on the set of ids (entry_numbers), file counts on powers of two (_pow2); when one of
    those moves (rarely: an average crossing a step, the collection doubling) everything is made
    again."""
    vocabs = Vocabularies.ensure(vocabs)
    state = remember(EXPORT_STATE, dict) if remember is not None and print_of is not None else None
    title_key = _title_key
    if remember is not None:  # folding every title cost ~0.2 ms each in a fresh process
        def title_key(title: str) -> str:
            return remember(("static-title-key", title), lambda: _title_key(title))
    space, number = entry_numbers(e.id for e in entries)
    docs = {number[e.id] * LANG_SLOTS + schema.LANGS.index(e.lang): e for e in entries if e.lang in schema.LANGS}
    docs = dict(sorted(docs.items()))
    fields = {doc: fields_of(e) if fields_of is not None else entry_terms(e, vocabs) for doc, e in docs.items()}
    avg = averages(list(fields.values()))
    prints = {doc: print_of(e) for doc, e in docs.items()} if state is not None else None
    try:
        files = None
        if state and state.get("space") == space and state.get("avg") == avg:
            files = _patch(state, docs, fields, prints, avg, words_of, written_of, title_key, vocabs)
        if files is None:
            files = _full(docs, fields, avg, words_of, written_of, title_key, vocabs, state, prints)
            if state is not None:
                state.update(space=space, avg=avg)
    except BaseException:
        if state is not None:
            state.clear()  # half patched: the next export makes everything again
        raise
    def real_words() -> tuple[int, list[str]]:
        return real_word_filter(glossary_words(vocabs) | country_words(vocabs) | set(short_forms(vocabs)))

    blocks, bloom = remember(("static-real-words",), real_words) if remember is not None else real_words()
    for n, data in enumerate(bloom):
        # The same in every export of one context (vocabularies, code, word lists): kept as made.
        name = f"r{n}.js"
        if name not in files.texts:
            files.texts[name] = _encode(f"r{n}", data)
            files.digests[name] = _digest(files.texts[name])
    out = dict(files.texts)
    out["meta.js"] = _meta(files, docs, blocks, vocabs)
    return out


@dataclass
class _Files:
    """The files of an export but meta.js, and what meta.js is made of: `texts` {name: text},
    `digests` {name: _digest(text)}, `shards` and `vshards` (numbers of t<n> and v<n> files),
    `holding` {country word's key: {doc}} (the documents holding it in a title, summary or body)."""

    texts: dict[str, str]
    digests: dict[str, str]
    shards: int
    vshards: int
    holding: dict[str, set[int]]


def _wanted_keys(vocabs: Vocabularies) -> frozenset[str]:
    return vocabs.derived("static_index.country_words", lambda: _country_words(vocabs))


def _full(docs: dict[int, Entry], fields: dict[int, Terms], avg: tuple[float, ...], words_of, written_of,
          title_key, vocabs: Vocabularies, state: dict | None, prints: dict[int, str] | None) -> _Files:
    """Every file made from the documents (`docs`, in doc order; their Terms `fields`), the state
    of the next _patch kept in `state` (when not None)."""
    words, word_col, doc_col, weight_col, in_text = _postings(list(fields), list(fields.values()), avg)
    bounds = np.flatnonzero(np.diff(word_col)) + 1
    starts = np.concatenate(([0], bounds)).tolist() if len(word_col) else []
    ends = np.concatenate((bounds, [len(word_col)])).tolist() if len(word_col) else []
    heads: dict[str, list[int]] = {}
    tails: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    gaps = np.diff(doc_col, prepend=0)
    if len(gaps):
        gaps[starts] = doc_col[starts]
    # The [gap, weight, ...] lists of the keys of at most HEAD postings, as Python ints at once;
    # a longer key's postings are split from the arrays (_split): not made into ints here too
    # (#10: they were most of the list, ~190 MB of the forked export's peak at 10,000 files).
    sizes = np.asarray(ends, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
    short = np.repeat(sizes <= HEAD, sizes) if len(sizes) else np.zeros(0, dtype=bool)
    flat = np.column_stack((gaps[short], weight_col[short])).ravel().tolist()
    word_of = word_col[starts].tolist() if starts else []
    at = 0  # where the next short key's postings start in flat
    for w, start, end in zip(word_of, starts, ends, strict=True):
        if end - start > HEAD:
            heads[words[w]], tails[words[w]] = _split(doc_col[start:end], weight_col[start:end], False)
            counts[words[w]] = end - start
        else:
            heads[words[w]] = flat[at:at + 2 * (end - start)]
            at += 2 * (end - start)
    del flat, short
    facet_lists: dict[str, list[tuple[int, int]]] = {}
    facet_keys: dict[int, tuple[tuple[str, int], ...]] = {}
    for doc, e in docs.items():
        pairs = _facet_postings(e, title_key)
        facet_keys[doc] = tuple(pairs)
        for k, weight in pairs:
            facet_lists.setdefault(k, []).append((doc, weight))
    for k, pairs in facet_lists.items():
        heads[k] = _gaps(pairs)
    # The lexicon (lexicon_value): the long words of the collection, each in its prefix key's file.
    form_counts = Counter(chain.from_iterable(t.forms for t in fields.values()))
    lexicon = sorted(form_counts)
    size = sum(_head_size(k, v) for k, v in heads.items()) + sum(map(_lexicon_size, lexicon))
    shards = _pow2(size / SHARD_BYTES)
    by_shard: dict[int, dict] = defaultdict(dict)
    ordered = list(heads)
    # A phrase key goes with its first word's key (placed_term): the browser fetches that shard anyway.
    for word, n in zip(ordered, shards_of([placed_term(w) for w in ordered], shards), strict=True):
        by_shard[n][word] = heads[word]
    lex_of: dict[int, list[str]] = defaultdict(list)
    for form, n in zip(lexicon, shards_of([key(w) for w in lexicon], shards), strict=True):
        lex_of[n].append(form)
    del ordered
    texts = {}
    for s in range(shards):
        in_shard = by_shard.pop(s, {})
        texts[f"t{s}.js"] = _terms_file(f"t{s}", in_shard, {k: counts[k] for k in in_shard if k in counts},
                                        lex_of.get(s, ()))
        with_tail = {k: tails.pop(k) for k in in_shard if k in tails}
        if with_tail:
            texts[f"x{s}.js"] = _tails_file(f"x{s}", with_tail)
        # A shard's posting lists let go once its files are written (nothing else reads them):
        # not held beside the texts of all the others (#10: the forked export's peak memory).
        for k in in_shard:
            del heads[k]
        del in_shard, with_tail
    doc_files: dict[int, list] = defaultdict(list)
    for doc, e in docs.items():
        doc_files[doc // LANG_SLOTS // DOC_SHARD].append(_doc_row(doc, e))
    for s, rows in doc_files.items():
        texts[f"d{s}.js"] = _encode(f"d{s}", rows)
    texts["facets.js"] = _facets_file(docs, facet_state := {})
    texts["filters.js"] = _encode("filters", vocabs.derived("static_index.filter_table", lambda: filter_table(vocabs)))
    spell = {doc: words_of(e) if words_of is not None else entry_spelling_words(e) for doc, e in docs.items()}
    df: Counter = Counter()
    for found in spell.values():
        df.update(found)
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for word, n in sorted(df.items()):
        for group in spelling_groups(word):
            groups[group][word] = n
    vsize = sum((len(w) + 4) * len(spelling_groups(w)) for w in df)
    vshards = _pow2(vsize / SHARD_BYTES)
    by_vshard: dict[int, list[str]] = defaultdict(list)
    for group in groups:
        by_vshard[shard_of(group, vshards)].append(group)
    written = WrittenCounts()
    parts = {doc: _written_part(e, words_of, written_of) for doc, e in docs.items()}
    for part in parts.values():
        written.add(*part)
    shown = written.table()
    for n, names in by_vshard.items():
        texts[f"v{n}.js"] = _spell_file(f"v{n}", groups, names, shown)
    wanted = _wanted_keys(vocabs)
    mask = np.isin(word_col, [i for i, w in enumerate(words) if w in wanted]) & in_text
    ckeys: dict[int, set[str]] = defaultdict(set)
    for w, doc in zip(word_col[mask].tolist(), doc_col[mask].tolist(), strict=True):
        ckeys[doc].add(words[w])
    holding: dict[str, set[int]] = defaultdict(set)
    for doc, found in ckeys.items():
        for k in found:
            holding[k].add(doc)
    digests = {name: _digest(text) for name, text in texts.items()}
    if state is not None:
        state.clear()
        state.update(texts=texts, digests=digests, shards=shards, vshards=vshards, size=size, vsize=vsize, forms=form_counts,
                     prints=prints, keys={doc: (fields[doc], facet_keys[doc]) for doc in docs},
                     spell=spell, groups=dict(groups), ckeys={doc: tuple(sorted(v)) for doc, v in ckeys.items()},
                     holding=dict(holding), shown=shown, written=written, written_parts=parts, **facet_state)
    return _Files(texts, digests, shards, vshards, holding)


def _facet_raw(e: Entry) -> tuple[tuple[str, ...], ...]:
    """A document's values of the facets of facets.js (FACET_FIELDS, in order)."""
    return (e.type,), tuple(e.countries), tuple(e.themes), tuple(e.data_sources)


FACET_FIELDS = ("type", "countries", "themes", "data_sources")


def _facet_row(doc: int, raw: tuple, index: list[dict[str, int]]) -> list:
    kind, countries, themes, sources = ([index[i][v] for v in values] for i, values in enumerate(raw))
    return [doc, kind[0], countries, themes, sources]


def _facets_file(docs: dict[int, Entry], state: dict | None = None) -> str:
    """facets.js: each facet's values, sorted, and each document's row of value indexes (in doc
    order). With `state` (the export's), what _patch_facets needs to patch it is kept there."""
    raw = {doc: _facet_raw(e) for doc, e in docs.items()}
    counts = tuple(Counter(chain.from_iterable(r[i] for r in raw.values())) for i in range(len(FACET_FIELDS)))
    values = [sorted(c) for c in counts]
    index = [{v: i for i, v in enumerate(vs)} for vs in values]
    rows = {doc: _facet_row(doc, r, index) for doc, r in raw.items()}
    if state is not None:
        state.update(facet_raw=raw, facet_counts=counts, facet_values=values, facet_rows=rows)
    return _facets_text(values, rows)


def _facets_text(values: list[list[str]], rows: dict[int, list]) -> str:
    return _encode("facets", {"values": dict(zip(FACET_FIELDS, values, strict=True)), "docs": list(rows.values())})


def _patch_facets(state: dict, docs: dict[int, Entry], gone: set[int], came: list[int]) -> str:
    """facets.js as _facets_file makes it for `docs`, from the last export's (`state`): the rows of
    the documents `gone` out are dropped and those that `came` in are made; every row is made again
    only when a facet's set of values changed (its indexes moved)."""
    if "facet_raw" not in state:  # a state kept before facets.js was patched
        return _facets_file(docs, state)
    raw, counts, values, rows = state["facet_raw"], state["facet_counts"], state["facet_values"], state["facet_rows"]
    for doc in gone:
        rows.pop(doc, None)
        for count, found in zip(counts, raw.pop(doc), strict=True):
            count.subtract(found)
    for doc in came:
        raw[doc] = _facet_raw(docs[doc])
        for count, found in zip(counts, raw[doc], strict=True):
            count.update(found)
    for count in counts:
        for value in [v for v, n in count.items() if n <= 0]:
            del count[value]
    now = [sorted(c) for c in counts]
    index = [{v: i for i, v in enumerate(vs)} for vs in now]
    if now != values:
        state["facet_values"] = values = now
        changed = list(raw)
    else:
        changed = came
    for doc in changed:
        rows[doc] = _facet_row(doc, raw[doc], index)
    if gone or came:  # in doc order, as _facets_file has them
        state["facet_rows"] = rows = {doc: rows[doc] for doc in docs}
    return _facets_text(values, rows)


def _patch(state: dict, docs: dict[int, Entry], fields: dict[int, Terms], prints: dict[int, str],
           avg: tuple[float, ...], words_of, written_of, title_key, vocabs: Vocabularies) -> _Files | None:
    """The last export's files (`state`, made by _full or _patch with the same averages and
    number space) brought up to date with `docs`: the documents whose print or number changed
    are taken out of the lists, files and counts that hold them and put back as they are now.
    None when the number of t<n> or v<n> files would change (the caller makes everything again);
    `state` may then be half updated."""
    before: dict[int, str] = state["prints"]
    gone = {doc for doc, p in before.items() if prints.get(doc) != p}
    came = sorted(doc for doc, p in prints.items() if before.get(doc) != p)
    texts, digests = state["texts"], state["digests"]
    if not gone and not came:
        return _Files(texts, digests, state["shards"], state["vshards"], state["holding"])
    changed: set[str] = set()
    # The postings of the documents that came, as _full computes them.
    words, word_col, doc_col, weight_col, in_text = _postings(came, [fields[d] for d in came], avg)
    new_lists: dict[str, list[tuple[int, int]]] = defaultdict(list)
    new_of: dict[int, dict[str, int]] = defaultdict(dict)
    for w, doc, weight in zip(word_col.tolist(), doc_col.tolist(), weight_col.tolist(), strict=True):
        new_lists[words[w]].append((doc, weight))
        new_of[doc][words[w]] = weight
    facet_keys = {}
    for doc in came:
        pairs = _facet_postings(docs[doc], title_key)
        facet_keys[doc] = tuple(pairs)
        for k, weight in pairs:
            new_lists[k].append((doc, weight))
            new_of[doc][k] = weight
    keys_of = state["keys"]
    # A document changed in place (same number): only the keys whose posting it changed are
    # dirty, its old postings made again from its old Terms (the averages are the same).
    same = sorted(gone.intersection(came))
    same_set = set(same)
    old_of: dict[int, dict[str, int]] = defaultdict(dict)
    if same:
        old_words, old_word_col, old_doc_col, old_weight_col, _ = _postings(same, [keys_of[d][0] for d in same], avg)
        for w, doc, weight in zip(old_word_col.tolist(), old_doc_col.tolist(), old_weight_col.tolist(), strict=True):
            old_of[doc][old_words[w]] = weight
    dirty: set[str] = set()
    # The lexicon's words whose count goes from 0 or to 0: their prefix key's file is made again.
    form_counts: Counter = state["forms"]
    relexed: set[str] = set()
    for doc in gone:
        for form in keys_of[doc][0].forms:
            form_counts[form] -= 1
            if not form_counts[form]:
                del form_counts[form]
                relexed.add(form)
    for doc in came:
        for form in fields[doc].forms:
            if not form_counts[form]:
                relexed.add(form)
            form_counts[form] += 1
    for doc in gone:
        terms_before, facets = keys_of.pop(doc)
        if doc in same_set:
            old = old_of[doc]
            old.update(facets)
            new = new_of[doc]
            dirty.update(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        else:
            dirty.update(terms_before.words)
            dirty.update(k for k, _ in facets)
    for doc in came:
        keys_of[doc] = (fields[doc], facet_keys[doc])
        if doc not in gone:
            dirty.update(new_of[doc])
    shards = state["shards"]
    ordered = sorted(dirty)
    by_shard: dict[int, list[str]] = defaultdict(list)
    for k, n in zip(ordered, shards_of([placed_term(k) for k in ordered], shards), strict=True):
        by_shard[n].append(k)
    size = state["size"]
    relexed_of: dict[int, set[str]] = defaultdict(set)
    for form, n in zip(sorted(relexed), shards_of([key(f) for f in sorted(relexed)], shards), strict=True):
        relexed_of[n].add(form)
        by_shard.setdefault(n, [])
    gone_arr = np.array(sorted(gone), dtype=np.int64)
    for s, in_shard in by_shard.items():
        name, tail_name = f"t{s}.js", f"x{s}.js"
        heads = _decode(texts[name]) if name in texts else {}
        counts = heads.pop("", {})
        lexicon = set(heads.pop("=", {}))
        for form in relexed_of.get(s, ()):
            if form_counts[form] and form not in lexicon:
                lexicon.add(form)
                size += _lexicon_size(form)
            elif not form_counts[form] and form in lexicon:
                lexicon.discard(form)
                size -= _lexicon_size(form)
        tails = _decode(texts[tail_name]) if tail_name in texts else {}
        for k in in_shard:
            head_flat = heads.pop(k, None)
            if head_flat is not None:
                size -= _head_size(k, head_flat)
            tail_flat = tails.pop(k, None)
            counts.pop(k, None)
            docs_of, weights = _undo_gaps(head_flat or [])
            if tail_flat:
                # The head's and the tail's gaps each start from 0: decoded apart, then merged.
                more_docs, more_weights = _undo_gaps(tail_flat)
                docs_of, weights = np.concatenate((docs_of, more_docs)), np.concatenate((weights, more_weights))
                order = np.argsort(docs_of, kind="stable")
                docs_of, weights = docs_of[order], weights[order]
            keep = ~np.isin(docs_of, gone_arr)
            docs_of, weights = docs_of[keep], weights[keep]
            added = new_lists.get(k)
            if added:
                docs_of = np.concatenate((docs_of, np.array([d for d, _ in added], dtype=np.int64)))
                weights = np.concatenate((weights, np.array([w for _, w in added], dtype=np.int64)))
                order = np.argsort(docs_of, kind="stable")
                docs_of, weights = docs_of[order], weights[order]
            if not len(docs_of):
                continue
            head, tail = _split(docs_of, weights, k.startswith("@"))
            heads[k] = head
            size += _head_size(k, head)
            if tail is not None:
                tails[k] = tail
                counts[k] = len(docs_of)
        texts[name] = _terms_file(f"t{s}", heads, counts, lexicon)
        changed.add(name)
        if tails:
            texts[tail_name] = _tails_file(f"x{s}", tails)
            changed.add(tail_name)
        elif tail_name in texts:
            del texts[tail_name]
            changed.add(tail_name)
    if _pow2(size / SHARD_BYTES) != shards:
        return None
    state["size"] = size
    # Docs files: the rows of the documents gone out, of those that came in.
    by_file: dict[int, list[int]] = defaultdict(list)
    for doc in sorted(gone | set(came)):
        by_file[doc // LANG_SLOTS // DOC_SHARD].append(doc)
    came_set = set(came)
    for s, in_file in by_file.items():
        name = f"d{s}.js"
        rows = [r for r in (_decode(texts[name]) if name in texts else []) if r[0] not in gone]
        rows += [_doc_row(doc, docs[doc]) for doc in in_file if doc in came_set]
        rows.sort(key=lambda r: r[0])
        changed.add(name)
        if rows:
            texts[name] = _encode(f"d{s}", rows)
        else:
            texts.pop(name, None)
    texts["facets.js"] = _patch_facets(state, docs, gone, came)
    changed.add("facets.js")
    # Spelling words: the counts of the words of the documents gone out and come in.
    spell, groups, vsize = state["spell"], state["groups"], state["vsize"]
    touched: set[str] = set()
    for doc in gone:
        for word in spell.pop(doc):
            for group in spelling_groups(word):
                in_group = groups[group]
                in_group[word] -= 1
                if not in_group[word]:
                    del in_group[word]
                    vsize -= len(word) + 4
                    if not in_group:
                        del groups[group]
                touched.add(group)
    for doc in came:
        e = docs[doc]
        found = spell[doc] = words_of(e) if words_of is not None else entry_spelling_words(e)
        for word in found:
            for group in spelling_groups(word):
                in_group = groups.setdefault(group, {})
                if word not in in_group:
                    vsize += len(word) + 4
                in_group[word] = in_group.get(word, 0) + 1
                touched.add(group)
    vshards = state["vshards"]
    if _pow2(vsize / SHARD_BYTES) != vshards:
        return None
    state["vsize"] = vsize
    # The forms to show: the counts of the versions gone out and come in (WrittenCounts), then the
    # forms of their words made again, and the groups of those whose form moved.
    written, parts, shown = state["written"], state["written_parts"], state["shown"]
    respelt: set[str] = set()
    for doc in gone:
        respelt |= written.add(*parts.pop(doc), sign=-1)
    for doc in came:
        parts[doc] = _written_part(docs[doc], words_of, written_of)
        respelt |= written.add(*parts[doc])
    for w in respelt:
        value = written.shown(w)
        if value != shown.get(w):
            touched.add(spelling_group(w))
            if value is None:
                del shown[w]
            else:
                shown[w] = value
    by_vshard: dict[int, set[str]] = defaultdict(set)
    for group in touched:
        by_vshard[shard_of(group, vshards)].add(group)
    for n, names in by_vshard.items():
        name = f"v{n}.js"
        present = set(_decode(texts[name])) if name in texts else set()
        names = {g for g in present | names if g in groups}
        changed.add(name)
        if names:
            texts[name] = _spell_file(f"v{n}", groups, names, shown)
        else:
            texts.pop(name, None)
    # Country words held in texts (meta "countries", _countries' `plain`).
    ckeys, holding = state["ckeys"], state["holding"]
    for doc in gone:
        for k in ckeys.pop(doc, ()):
            holding[k].discard(doc)
            if not holding[k]:
                del holding[k]
    wanted = _wanted_keys(vocabs)
    mask = np.isin(word_col, [i for i, w in enumerate(words) if w in wanted]) & in_text
    found_keys: dict[int, set[str]] = defaultdict(set)
    for w, doc in zip(word_col[mask].tolist(), doc_col[mask].tolist(), strict=True):
        found_keys[doc].add(words[w])
    for doc, found in found_keys.items():
        ckeys[doc] = tuple(sorted(found))
        for k in found:
            holding.setdefault(k, set()).add(doc)
    for name in changed:
        if name in texts:
            digests[name] = _digest(texts[name])
        else:
            digests.pop(name, None)
    state["prints"] = prints
    return _Files(texts, digests, shards, vshards, holding)


def _undo_gaps(flat: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(docs, weights) of a [gap, weight, ...] list (_array_gaps undone)."""
    pairs = np.array(flat, dtype=np.int64).reshape(-1, 2)
    return np.cumsum(pairs[:, 0]), pairs[:, 1]


def _plain(docs: dict[int, Entry], holding: dict[str, set[int]]):
    """plain(key, code) for _countries: query.plain_country_word over entries, with the documents
    holding each country word's key in a title, summary or body (`holding`; not "meta", which
    holds their country labels)."""
    about_of: dict[str, set[str]] = defaultdict(set)
    for e in docs.values():  # one pass for every country, not one per country asked
        for code in e.countries:
            about_of[code].add(e.id)
    held_of: dict[str, set[str]] = {}

    def plain(k: str, code: str) -> bool:
        about = about_of.get(code, set())
        held = held_of.get(k)
        if held is None:
            held = held_of[k] = {docs[d].id for d in holding.get(k, ())}
        return plain_country_word(len(about), len(held), len(held & about))
    return plain


def _country_held(files: _Files, codes, vocabs: Vocabularies) -> dict[str, int]:
    """{folded word of the names and aliases of the countries `codes`: 1 when the export's index
    words (its v<n> files: the API's neutral words) hold it, else 0}."""
    folded = vocabs.derived("static_index.country_names", lambda: _country_names(vocabs))
    words = sorted({w for code in codes if code in folded for name in folded[code] for w in name})
    read: dict[str, dict] = {}
    out = {}
    for w in words:
        group = spelling_group(w)
        name = f"v{shard_of(group, files.vshards)}.js"
        if name not in read:
            read[name] = _decode(files.texts[name]) if name in files.texts else {}
        out[w] = int(w in read[name].get(group, ())[::2])
    return out


def _meta(files: _Files, docs: dict[int, Entry], blocks: int, vocabs: Vocabularies) -> str:
    """meta.js of an export's other files: what the browser needs before the first query."""
    # Tables of the vocabularies alone, made once per Vocabularies (a build makes one per run).
    phrases, concepts = vocabs.derived("static_index.synonyms", lambda: _synonyms(vocabs=vocabs))
    codes = frozenset(c for e in docs.values() for c in e.countries)
    fuzzy, country_names = vocabs.derived(f"static_index.fuzzy:{','.join(sorted(codes))}",
                                          lambda: _fuzzy_countries(set(codes), vocabs=vocabs))
    # The words the API's analysis treats as meaningless (analysis.all_stopwords) and its query
    # limits, from the same constants, so that the browser answers the same queries the same way.
    meta = {"shards": files.shards, "doc_shard": DOC_SHARD, "slots": LANG_SLOTS, "k": PREFIX_LEN,
            "n": len(docs), "weight_scale": WEIGHT_SCALE,
            "langs": list(schema.LANGS), "stop": sorted(all_stopwords()), "operators": sorted(OPERATORS),
            "question_words": sorted(question_words()),
            "max_query_chars": MAX_QUERY_CHARS, "max_query_terms": MAX_QUERY_TERMS, "max_term_chars": MAX_TERM_CHARS,
            "summary_chars": SUMMARY_CHARS,
            "phrases": phrases, "concepts": concepts,
            "countries": _countries(set(codes), vocabs=vocabs, plain=_plain(docs, files.holding)),
            "boosts": {"synonym": SYNONYM_BOOST, "spelling": SPELLING_BOOST, "country": COUNTRY_FACTOR,
                       "country_specificity": COUNTRY_SPECIFICITY, "title": EXACT_TITLE_BOOST,
                       "compound_parts": COMPOUND_PARTS_BOOST},
            "no_terms_hint": NO_TERMS_HINT, "syntax_hint": SYNTAX_HINT,
            # A word ending in '*' (query.off_syntax): its least letters, and the index words it stands for.
            "min_prefix_chars": MIN_PREFIX_CHARS, "max_prefix_words": MAX_PREFIX_WORDS,
            # Country words with a key of their own (country_keys), of every country: a text may
            # name a country no entry is about (1.4 kB gzipped).
            "proper": sorted(arabic_country_names()),
            # The keys pair keys are made of (pair_words): a compound's or phrase's other pairs
            # are matched as both words present.
            "pair_words": sorted(pair_words(vocabs)),
            "country_words": sorted(vocabs.derived("static_index.country_word_keys", lambda: country_word_keys(vocabs))),
            # Short forms and the words they stand for, each as [word, [keys]] (query.short_forms).
            "short_forms": {short: [[w, keys(join_stopword_compounds(w), None)] for w in words]
                            for short, words in short_forms(vocabs).items()},
            # The API's relevance floor (engine module docstring): units an entry must cover to be
            # kept, when the answer counts as a strong match, and the weight of coverage in a score.
            "fuzzy": fuzzy, "fuzzy_limits": [fuzzy_limit("x" * n) for n in range(13)], "country_names": country_names,
            # What a "did you mean" offers an unknown word no index word is near (query.country_spellings).
            "country_spellings": country_spellings(codes, vocabs),
            # Names holding a country's name that name a region (query.not_country_names), folded,
            # and by their keys for a name of several words (a one-word name's key may be a
            # demonym's: المغاربي, Maghrebi, and المغاربة, Moroccans, share مغارب).
            "not_countries": sorted({" ".join(w) for w in not_country_names(vocabs)}
                                    | {" ".join(key(x) for x in w) for w in not_country_names(vocabs) if len(w) > 1}),
            # {word of a country's names: 1 when the index's words (v<n> files) hold it, else 0}: the
            # browser tells whether a country named must also be searched by its names
            # (kb-engine.js countryRepairs) without reading a v<n> file.
            "country_held": _country_held(files, codes, vocabs),
            # Spelling repair (query.build's rule): words of min..max letters, at most max_words of
            # them; real-word filter in `blocks` files r<n>, index words by group in `vshards` files v<n>.
            "spell": {"blocks": blocks, "block_bits": SPELL_BLOCK_BITS, "hashes": SPELL_HASHES,
                      "bases": list(SPELL_BASES), "vshards": files.vshards, "min_chars": SPELL_MIN_CHARS,
                      "max_chars": MAX_SPELLING_CHARS, "max_words": MAX_SPELLING_WORDS},
            "floor": {"keep": KEEP_SHARE, "strong_all": STRONG_ALL_UP_TO, "strong_share": STRONG_SHARE,
                      "coverage_weight": COVERAGE_WEIGHT}}
    # The version (the browser's ?v= on every other file) from the files' digests: a change of
    # any file changes it, without hashing every file again.
    body = json.dumps(meta, ensure_ascii=False, sort_keys=True) + "".join(
        f"\n{name} {files.digests[name]}" for name in sorted(files.digests))
    meta["version"] = hashlib.sha256(body.encode()).hexdigest()[:12]
    return _encode("meta", meta)
