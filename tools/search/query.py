"""The query side of search: parsing what the user typed, and what is searched besides it.

Whoosh query objects are built here, but nothing is scored: tools.search.engine runs the query.
Besides the words as typed, a query may search:
- glossary synonyms (tools.search.glossary): the other names of a concept the query names;
- the words a short form stands for (vocabulary.yml short_forms: 'stats' -> statistics,
  statistiques, إحصاءات), weighed as glossary synonyms and reported as kind "short_form"; a
  short form is a real word, never repaired;
- countries named in the query: whole words or names, with aliases and demonyms in French,
  Arabic and English, Arabic clitics (و ب ل ف ك) allowed, and an edit distance of 1 (2 from ten
  letters) for an unknown word of more than six letters ('Mauritana' → MR). Never a stem: البحري
  ('maritime') is not البحرين (Bahrain). A one-word name that the searched collection uses as a
  plain word ('دعم مالي', financial support, not Mali) names nothing (plain_country_word), nor do
  the words of a name holding a country's name that names a region ('المغرب العربي', the Arab
  Maghreb; 'اتحاد المغرب العربي': not_country_names). A name that matches no text ('Mauritanei') has the
  country's names searched in its place, weighed as a spelling repair;
- spelling repairs: only for a word unknown to the index, to the French, English and Arabic word
  lists (pyspellchecker's dictionaries), to the glossary and to the country names; and only when
  the repair is confident (edit distance 1, or 2 for a word of seven letters or more, with one
  best candidate, and the same first letter). Otherwise the word is searched as typed and a
  "did you mean" may be offered.
- glossary synonyms are weighed per word (see tools.search.engine), and a name that is the
  typed name inflected ('return migrant' for 'return migrants') is not searched again.
- for a hyphenated compound, a phrase of its parts (when none of them is a stop word), weaker
  than the compound itself;
- a word cut in two by a pasted space or zero-width space ('immatricu lation'), whose pieces are
  not both real words and whose whole is an index word, is searched whole (join_fragments),
  reported as a spelling expansion.
Each addition is reported to the user as an expansion {kind, matched, concept, added}.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
import re
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from rapidfuzz import process as fuzzy
from rapidfuzz.distance import OSA, Levenshtein
from whoosh import matching, qparser, query

from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.search import glossary
from tools.search.analysis import (
    ARABIC_RE,
    TOKEN_PATTERN,
    WORD_RE,
    analyse,
    arabic_prefix_strip,
    compound_parts,
    join_stopword_compounds,
    meaningful,
    normalize,
    question_words,
    strip_elision,
)
from tools.search.index import LANG_PARTS, exact_key, make_schema

MAX_QUERY_TERMS = 32  # words in a query
# Limits the API enforces (tools.web.limits) and the search page words its refusals with (kb/search-ui.js).
MAX_TERM_CHARS = 64  # letters in one word of q: the spelling repair's cost grows with a word's length
MAX_FILTER_VALUES = 30  # values over all facet parameters
TOKEN_RE_COMPOUND = re.compile(TOKEN_PATTERN)
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
FIELD_BOOSTS = {"title": 4.0, "summary": 2.0, "meta": 1.5, "neutral": 1.2, "body": 1.0}
SYNONYM_BOOST = 1.0
SPELLING_BOOST = 0.8
EXACT_TITLE_BOOST = 50.0
COMPOUND_PARTS_BOOST = 0.5
DICTIONARY_LANGS = ("fr", "en", "ar")
_AR_CLITICS = ("و", "ف", "ب", "ل", "ك")


def search_fields() -> list[str]:
    """The fields a query's words are searched in: every language field and the neutral one."""
    return [f"{p}_{lang}" for p in LANG_PARTS for lang in schema.LANGS] + ["neutral"]


def make_parser() -> qparser.MultifieldParser:
    """The query parser: words OR-ed without coordination (Whoosh's OrGroup.factory(0.9)
    multiplies the score of a one-term match by 0: relevant entries ended at score 0.0), field
    boosts FIELD_BOOSTS; wildcards, ranges, field prefixes and boosts are disabled (they can
    take minutes on a large index)."""
    fields_ = search_fields()
    boosts = {f: FIELD_BOOSTS[f.split("_")[0]] for f in fields_}
    parser = qparser.MultifieldParser(fields_, make_schema(), fieldboosts=boosts, group=qparser.OrGroup)
    for plugin in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.FieldsPlugin,
                   qparser.BoostPlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin):
        parser.remove_plugin_class(plugin)
    return parser


# What Whoosh's parser, as make_parser() leaves it, reads as syntax: quotes, brackets and its
# operator words (REQUIRE too, which OPERATORS does not list: users do not type it).
_PARSER_SYNTAX = re.compile(r'["()]')
_PARSER_OPERATORS = OPERATORS | {"REQUIRE"}
_SPACE = re.compile(r"\s+")


_FIELDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _parser_fields(parser) -> list[tuple[str, object, int, float]]:
    """(name, field, analyser group, boost) of each field a parser searches, in its order; the
    fields of one group have equal analysers (one language's title, summary, meta and body), so
    a word is analysed once per group. Worked out once per parser."""
    found = _FIELDS.get(parser)
    if found is None:
        plugin = next(p for p in parser.plugins if isinstance(p, qparser.MultifieldPlugin))
        firsts: list = []
        found = []
        for name in plugin.fieldnames:
            field = parser.schema[name]
            group = next((i for i, f in enumerate(firsts) if type(f) is type(field) and f.analyzer == field.analyzer), None)
            if group is None:
                group = len(firsts)
                firsts.append(field)
            found.append((name, field, group, plugin.boosts.get(name, 1.0)))
        _FIELDS[parser] = found
    return found


def plain_query(parser, text: str):
    """The query make_parser()'s parser gives for a text of plain words (no quotes, brackets or
    operators), built without its tagging, filtering and normalising passes: each word analysed
    for each field in the parser's order, with the field's boost, duplicates dropped; a single
    term alone, none: NullQuery. None when the text has syntax, or a word that a field's analyser
    cuts in several tokens (the parser then builds a group): the caller parses it."""
    if _PARSER_SYNTAX.search(text):
        return None
    words = [w for w in _SPACE.split(text) if w]
    if any(w in _PARSER_OPERATORS for w in words):
        return None
    fields = _parser_fields(parser)
    memo: dict = {}
    subs, seen = [], set()
    for word in words:
        for name, fieldobj, group, boost in fields:
            tokens = memo.get((group, word))
            if tokens is None:
                tokens = memo[group, word] = list(
                    fieldobj.process_text(word, mode="query", tokenize=True, removestops=True))
            if len(tokens) > 1:
                return None
            if tokens:
                term = query.Term(name, tokens[0], boost=boost)
                if term not in seen:
                    seen.add(term)
                    subs.append(term)
    if not subs:
        return query.NullQuery
    return subs[0] if len(subs) == 1 else query.Or(subs)


# Query syntax that this search does not take (make_parser switches Whoosh's wildcards, field names,
# ranges and boosts off) and an unbalanced quote: off_syntax takes it out and says so.
_FIELD_RE = re.compile(r"(?<![\w.:/])[^\W\d_]+:(?=[^\s:/])")  # 'title:emploi' (not '10:30', 'http://')
_RANGE_RE = re.compile(r"[\[\]{}]|(?<=\s)TO(?=\s)")  # '[a TO z]', '{2010 TO 2020}'
_BOOST_RE = re.compile(r"(?<=[\w\"])\^\d+(?:\.\d+)?")  # 'emploi^2'
_WILDCARD_RE = re.compile(r"[^\s*\"]*\*[^\s\"]*")  # 'emp*', 'em*loi', '*ploi'
MIN_PREFIX_CHARS = 3  # letters before a '*' for the word to be searched as a prefix
MAX_PREFIX_WORDS = 10  # index words, the most frequent, that a prefix stands for
# Letters a word shares with the index words of its family (build's `family`): the static index's
# prefix key length (static_index.PREFIX_LEN; tests/search/test_static_index.py checks they agree).
FAMILY_CHARS = 6


@dataclass
class Syntax:
    """What off_syntax found in a query: `text`, the query without the syntax (the words kept);
    `prefixes`, (word as typed, folded prefix) of each word ending in '*' with MIN_PREFIX_CHARS
    letters or more before it (searched as the index words starting with it); `ignored`, whether
    anything was taken out (the answer then carries the hint 'syntax_ignored'); `fragments`, the
    folded pieces of the other words cut by a '*' ('ploi' of '*ploi'): pieces of a word, not
    words typed wrong, so never repaired nor offered a "did you mean" ('*ploi' was offered 'loi')."""

    text: str
    prefixes: list[tuple[str, str]]
    ignored: bool
    fragments: frozenset[str] = frozenset()


def off_syntax(text: str) -> Syntax:
    """The query without the search syntax that this search does not take: field names ('title:'
    is dropped, its word kept), ranges ('[a TO z]': the brackets and TO dropped), boosts ('^2'),
    a quote left open (dropped; balanced quotes stay: a phrase), and wildcards: a word ending in
    '*' after at least MIN_PREFIX_CHARS letters is taken out and reported in `prefixes` (the
    caller searches the index words starting with it); any other '*' is dropped, the letters kept
    ('em*loi' -> 'em loi'; its pieces reported in `fragments`). Mirrored in kb-engine.js (offSyntax)."""
    out, ignored = text, False
    for pattern in (_FIELD_RE, _RANGE_RE, _BOOST_RE):
        out, n = pattern.subn(" ", out)
        ignored |= bool(n)
    if out.count('"') % 2:
        i = out.rindex('"')
        out, ignored = out[:i] + " " + out[i + 1:], True
    prefixes: list[tuple[str, str]] = []
    fragments: set[str] = set()

    def wildcard(m: re.Match) -> str:
        typed = m.group()
        head = typed[:-1] if typed.endswith("*") and "*" not in typed[:-1] else ""
        folded = strip_elision(normalize(head))
        if len(folded) >= MIN_PREFIX_CHARS and WORD_RE.fullmatch(folded):
            prefixes.append((typed, folded))
            return " "
        kept = typed.replace("*", " ")
        fragments.update(strip_elision(normalize(w)) for w in WORD_RE.findall(kept))
        return kept
    out, n = _WILDCARD_RE.subn(wildcard, out)
    ignored |= bool(n)
    return Syntax(_SPACE.sub(" ", out).strip() if ignored else text, prefixes, ignored, frozenset(fragments))


# A '-' that starts a word (at the start of the query or after a space) before a letter: web
# search's "without this word". Not one inside a word ('sous-emploi'), nor one standing alone
# ('emploi - migrants'), nor one before a digit or another character that is not a letter
# ('-10', '-²x', '-Ⅻ', '-①'). The spaces are these characters, the letters what str.isalpha
# takes (Unicode L*, JavaScript's \p{L}), the same in kb-engine.js: the regular expressions' own
# \s and \w are not (Python's \s takes \x1c-\x1f, JavaScript's \ufeff; Python's \w takes '²').
MINUS_SPACES = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_MINUS_WORD_RE = re.compile(f"(?<![^{MINUS_SPACES}])-([^{MINUS_SPACES}]*)")
# A '-' at the start of a line of a text of several lines (after spaces or tabs): a list's bullet.
_BULLET_RE = re.compile(r"(^|[\n\r])([ \t]*)-")


def minus_exclusions(text: str) -> str:
    """The text with each word written with a leading '-' outside quotes excluded as after NOT,
    as web search engines read it: 'emploi -migrants' -> 'emploi NOT migrants' (it found more
    entries than 'emploi' alone: the '-' was dropped and 'migrants' searched; breaker12). Not
    excluded, left as typed (the '-' is then ignored and the word searched): a word with no
    meaningful word ('-a', '-de'), one that the query also searches ('-emploi emploi' found
    nothing), and every word when none would be left to search ('-emploi'). In a text of several
    lines, a '-' starting a line is a list's bullet, taken out ('-recensement de la
    population\n-enquête emploi' is a pasted list). Mirrored in kb-engine.js (minusExclusions)."""
    if "-" not in text:
        return text
    if "\n" in text or "\r" in text:
        text = _BULLET_RE.sub(lambda m: m.group(1) + m.group(2) + " ", text)
    parts = text.split('"')
    outside = parts[::2]
    minus = [m for p in outside for m in _MINUS_WORD_RE.finditer(p) if m.group(1)[:1].isalpha()]
    if not minus:
        return text
    kept = " ".join(_MINUS_WORD_RE.sub(lambda m: " " if m.group(1)[:1].isalpha() else m.group(), p)
                    for p in outside) + " " + " ".join(parts[1::2])
    if not has_meaningful_words(kept):
        return text
    # The words searched, in order: a word excluded is searched when its words are among them,
    # in a row ('-emploi emploi'; 'emploi -sous-emploi' excludes the compound).
    searched = " " + " ".join(w for _, w in query_words(kept)) + " "

    def written(m: re.Match) -> str:
        words = [w for _, w in query_words(m.group(1))]
        if (m.group(1)[:1].isalpha() and any(meaningful(w) for w in words)
                and " " + " ".join(words) + " " not in searched):
            return "NOT " + m.group(1)
        return m.group()

    parts[::2] = [_MINUS_WORD_RE.sub(written, p) for p in outside]
    return '"'.join(parts)


def without_question_words(text: str) -> str:
    """The text without its question words outside quotes (analysis.question_words: 'what',
    'pourquoi', 'كيف'), which no entry is found by: 'what is the' has nothing left to search, 'how
    are remittances measured' searches its other words ('what is the' found four entries by
    'what', marked strong; breaker12). Unchanged when it has none. Mirrored in kb-engine.js
    (withoutQuestionWords, meta "question_words")."""
    asked = question_words()
    parts = text.split('"')
    found = False

    def drop(m: re.Match) -> str:
        nonlocal found
        if strip_elision(normalize(m.group())) in asked:
            found = True
            return " "
        return m.group()
    parts[::2] = [WORD_RE.sub(drop, p) for p in parts[::2]]
    return _SPACE.sub(" ", '"'.join(parts)).strip() if found else text


def completed_word(text: str) -> tuple[str, str] | None:
    """(token as typed, folded word: a compound's parts joined) of the query's last token when
    the query ends with it (no quote, bracket or operator after it) and it may be a word being
    typed: MIN_PREFIX_CHARS letters or more, meaningful, not a number, not an acronym typed in
    capitals (typed_acronym); else None. The caller searches the index words starting with it
    when the index does not hold the word itself (build's `complete`): typing 'donn' finds the
    entries on 'données'. Mirrored in kb-engine.js (completedWord)."""
    tokens = query_tokens(text)
    if not tokens or not text.rstrip().endswith(tokens[-1][0]):
        return None
    raw = tokens[-1][0]
    pieces = [strip_elision(normalize(p)) for p in compound_parts(raw)]
    word = "".join(pieces)
    if (len(word) < MIN_PREFIX_CHARS or not meaningful(word) or not any(meaningful(p) for p in pieces)
            or not WORD_RE.fullmatch(word) or any(c.isdigit() for c in word) or typed_acronym(raw)):
        return None
    return raw, word


def plain_terms(text: str) -> str:
    """The words of a text without operators, at most MAX_QUERY_TERMS, space-separated."""
    words = [w for w in WORD_RE.findall(text) if w not in OPERATORS]
    return " ".join(words[:MAX_QUERY_TERMS])


def query_words(text: str) -> list[tuple[str, str]]:
    """(word as typed, folded word) for each word of a query that is not an operator."""
    out = []
    for raw in WORD_RE.findall(text)[:MAX_QUERY_TERMS]:
        if raw not in OPERATORS:
            out.append((raw, strip_elision(normalize(raw))))
    return out


def name_terms(name: str) -> str:
    """The words of a glossary name to search as a phrase, space-separated (plain_terms), a
    hyphenated compound with a stop word among its parts kept as one word ('sous-emploi' ->
    'sousemploi', as the index holds it: its parts apart would be 'emploi' alone, the stop word
    dropped); other compounds are split into their parts."""
    return plain_terms(join_stopword_compounds(name))


def has_meaningful_words(text: str) -> bool:
    """Whether a query has a word that can be searched (not only symbols, emoji, single letters
    or stop words)."""
    return any(meaningful(word) for _, word in query_words(text))


class _ExcludingMatcher(matching.AndNotMatcher):
    """Whoosh's AndNotMatcher, checking its first document too: Whoosh's _find_first compares it
    with the excluded matcher's first document only, so when an excluded document came before
    it, the first match was kept however it was excluded ('migration ANDNOT emploi' kept the
    one entry holding both; 'NOT recensement' kept a census; whoosh-reloaded 2.7.5)."""

    def _find_first(self):
        a, b = self.a, self.b
        if a.is_active() and b.is_active() and b.id() < a.id():
            b.skip_to(a.id())
        if a.is_active() and b.is_active() and a.id() == b.id():
            self._find_next()


class Excluding(query.AndNot):
    """Whoosh's AndNot (documents of `a` without those of `b`), with a matcher that excludes
    the first document as well (_ExcludingMatcher)."""

    def matcher(self, searcher, context=None):
        """An _ExcludingMatcher of `a`'s matcher (scored in `context`) and `b`'s (boolean: only
        which documents it holds counts); `searcher` a whoosh.searching.Searcher."""
        return _ExcludingMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


def exclusions(q):
    """With OR between words, "a NOT b" parses as a OR (NOT b), which matches everything without b.
    Users mean "a, excluding b": rewrite every OR that holds a NOT into AndNot(rest, excluded).
    Every AndNot becomes an Excluding (Whoosh's kept its first document)."""
    if isinstance(q, query.AndNot):
        return Excluding(exclusions(q.a), exclusions(q.b))
    if isinstance(q, query.compound.CompoundQuery):
        q.subqueries = [exclusions(sub) for sub in q.subqueries]
        if isinstance(q, query.Or):
            nots = [sub for sub in q.subqueries if isinstance(sub, query.Not)]
            rest = [sub for sub in q.subqueries if not isinstance(sub, query.Not)]
            if nots:
                excluded = query.Or([n.query for n in nots])
                return Excluding(query.Or(rest) if rest else query.Every(), excluded)
    return q


def without_exclusions(q):
    """A copy of the parsed query `q` with what it excludes taken out: each AndNot (Excluding)
    replaced by its `a`, each Not inside an And dropped, any other Not (in an Or: 'NOT emploi'
    alone, every document without the word) replaced by Every() (each document, scored 1 as
    Whoosh's InverseMatcher scores it); `q` itself is left as it is. On a
    document matching none of excluded_queries(q) both match alike, with the same score (an
    AndNot scores its `a`), so a search that leaves out every entry matching an excluded part
    anyway (the engine's _score) can run this one: Or and BestOf trees go through the engine's
    arrays path instead of Whoosh's collector."""
    if isinstance(q, query.AndNot):
        return without_exclusions(q.a)
    if isinstance(q, query.Not):
        return query.Every()
    if isinstance(q, query.compound.CompoundQuery):
        out = copy.copy(q)
        out.subqueries = [without_exclusions(sub) for sub in q.subqueries
                          if not (isinstance(sub, query.Not) and isinstance(q, query.And))]
        return out
    return q


def excluded_queries(q) -> list:
    """What a parsed query excludes: the `b` of each AndNot and the query of each Not in it (the
    words a user wrote after NOT or ANDNOT), outermost first."""
    if isinstance(q, query.AndNot):
        return [q.b] + excluded_queries(q.a)
    if isinstance(q, query.Not):
        return [q.query]
    if isinstance(q, query.compound.CompoundQuery):
        return [found for sub in q.subqueries for found in excluded_queries(sub)]
    return []


MAX_BRACKET_DEPTH = 32  # deeper-nested brackets are read as plain words (drop_loose_operators)
_BINARY_OPERATORS = ("AND", "OR", "ANDNOT", "ANDMAYBE")  # in the order Whoosh (and kb-engine.js) applies them


def drop_loose_operators(text: str) -> str:
    """text without the operator words that have nothing to join: 'emploi NOT', 'AND emploi',
    'emploi AND', 'a AND OR b' (the OR), '(emploi OR)'. Whoosh's parser searched such a word as
    a plain word ('and', 'not': French fields keep them, and 'not' found 'note', 'notamment'),
    which the browser's engine (kb-engine.js parseSyntax) never does: 'emploi NOT' gave 54 entries
    from the API, 47 offline, as 'emploi'. Operators are placed as kb-engine.js places them (AND,
    OR, ANDNOT, ANDMAYBE between spaces; NOT at the start or after a space or '(' and before a
    space). The text comes back unchanged when nothing is dropped; otherwise rebuilt from its words,
    quoted phrases and brackets, one space apart."""
    if not any(w in OPERATORS for w in re.findall(r'[^\s()"]+', text)):
        return text
    depth = deepest = 0
    for c in text:
        if c == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif c == ")" and depth:
            depth -= 1
    if deepest > MAX_BRACKET_DEPTH:
        # The walk below recurses per bracket (a RecursionError, an API 500, at ~330 levels);
        # such nesting is no one's query: its plain words, as Whoosh's parser failing on it gave.
        return plain_terms(text)
    pos, n, dropped = 0, len(text), False

    def items(depth: int) -> list:
        nonlocal pos, dropped
        out: list = []
        while pos < n:
            c = text[pos]
            if c.isspace():
                pos += 1
            elif c == "(":
                pos += 1
                out.append(("group", items(depth + 1)))
            elif c == ")":
                pos += 1
                if depth:
                    return tidy(out)
            elif c == '"':
                end = text.find('"', pos + 1)
                end = n if end < 0 else end
                out.append(("phrase", text[pos:end + 1]))
                pos = end + 1
            else:
                start = pos
                while pos < n and not (text[pos].isspace() or text[pos] in '()"'):
                    pos += 1
                word, before, after = text[start:pos], text[start - 1:start], text[pos:pos + 1]
                if word in OPERATORS and word != "NOT" and before.isspace() and after.isspace():
                    out.append(("infix", word))
                elif word == "NOT" and (start == 0 or before.isspace() or before == "(") and after.isspace():
                    out.append(("prefix", word))
                elif word in OPERATORS:
                    dropped = True
                else:
                    out.append(("word", word))
        return tidy(out)

    def tidy(out: list) -> list:
        nonlocal dropped
        for i in range(len(out) - 1, -1, -1):
            if out[i][0] == "prefix" and not (i + 1 < len(out) and out[i + 1][0] not in ("infix", "prefix")):
                del out[i]
                dropped = True
        for op in _BINARY_OPERATORS:
            i = 0
            while i < len(out):
                if out[i] == ("infix", op) and (i == 0 or i == len(out) - 1 or out[i - 1][0] == "infix"
                                                or out[i + 1][0] == "infix"):
                    del out[i]
                    dropped = True
                else:
                    i += 1
        return out

    def text_of(out: list) -> str:
        return " ".join("(" + text_of(v) + ")" if kind == "group" else v for kind, v in out)

    tree = items(0)
    return text_of(tree) if dropped else text


def parse(parser, text: str):
    """The user's text as a Whoosh query (operators with nothing to join dropped:
    drop_loose_operators); on any parser failure, its plain words."""
    if len(WORD_RE.findall(text)) > MAX_QUERY_TERMS:
        text = plain_terms(text)
    text = drop_loose_operators(text)
    try:
        return exclusions(parser.parse(text))
    except Exception:  # noqa: BLE001 - any parser failure falls back to plain words
        return parser.parse(plain_terms(text))


# -- word lists ----------------------------------------------------------------------------------


@cache
def dictionary_words() -> frozenset[str]:
    """Folded words of the French, English and Arabic word lists shipped with pyspellchecker
    (about 440,000; loaded on first use, about a second)."""
    words: list[str] = []
    for lang in DICTIONARY_LANGS:
        data = (resources.files("spellchecker") / "resources" / f"{lang}.json.gz").read_bytes()
        words += json.loads(gzip.decompress(data))
    # Folding letter by letter through one table is what normalize() does to these words (no
    # decomposed or invisible characters in the lists) and is ten times faster.
    table = {ord(c): normalize(c) for c in set("".join(words))}
    return frozenset(w.translate(table) for w in words)


def _arabic_variants(word: str) -> list[str]:
    """The word, then without a leading conjunction/preposition (وال، بال، لل → ال)."""
    out = [word]
    if word[:1] in _AR_CLITICS and len(word) > 3:
        rest = word[1:]
        out.append(rest)
        if rest[:1] in _AR_CLITICS and len(rest) > 3:
            out.append(rest[1:])
    if word.startswith("لل") and len(word) > 4:
        out.append("ال" + word[2:])
    return out


def in_dictionary(word: str) -> bool:
    """Whether a folded word is a word of French, English or Arabic (word lists)."""
    words = dictionary_words()
    return any(v in words for v in _arabic_variants(word))


# -- countries -----------------------------------------------------------------------------------


def _country_table(vocabs: Vocabularies) -> dict[tuple[str, ...], str]:
    """Folded word tuples of country names (three languages), aliases and demonyms -> ISO code;
    built once per Vocabularies."""
    return vocabs.derived("query.country_table", lambda: _country_table_of(vocabs))


def _country_table_of(vocabs: Vocabularies) -> dict[tuple[str, ...], str]:
    table = {}
    aliases = vocabs.country_aliases()
    for code in schema.country_codes():
        names = [schema.country_name(code, lang) for lang in schema.LANGS] + list(aliases.get(code, ()))
        for name in names:
            words = tuple(strip_elision(normalize(w)) for w in WORD_RE.findall(name))
            if words:
                table.setdefault(words, code)
    return table


def country_words(vocabs: Vocabularies | None = None) -> frozenset[str]:
    """Every folded word of a country name or alias of `vocabs` (None: the shipped ones, read now),
    and of the names that name no country (not_country_names: 'المغاربي', Maghrebi, was "repaired"
    to المغاربه, Moroccans): real words, never repaired."""
    vocabs = Vocabularies.ensure(vocabs)
    return vocabs.derived("query.country_words", lambda: frozenset(
        [w for key in _country_table(vocabs) for w in key] + [w for name in not_country_names(vocabs) for w in name]))


def country_spellings(codes, vocabs: Vocabularies | None = None) -> list[str]:
    """The folded one-word names and aliases of the countries `codes` (those the collection's
    entries are about), sorted: what a "did you mean" may offer for an unknown word that no index
    word is near ('Lybian' -> 'libyan': the index's texts may not hold the demonym, and a word of
    six letters is not recognised as a misspelt name, fuzzy_limit). Mirrored in kb-engine.js
    (meta "country_spellings", static_index)."""
    wanted = set(codes)
    return sorted({key[0] for key, code in _country_table(Vocabularies.ensure(vocabs)).items()
                   if len(key) == 1 and code in wanted})


def near_country_spelling(word: str, limit: int, spellings: list[str]) -> str | None:
    """The country spelling (country_spellings) nearest to a folded word, within `limit` edits
    (Levenshtein's distance, as the index words of a "did you mean" are measured: engine._near)
    and starting with the same letter (same_start); ties: the first in alphabetical order. None:
    none near."""
    candidates = [c for c in spellings if c != word and same_start(word, c)]
    found = fuzzy.extract(word, candidates, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
    return min(found, key=lambda f: (f[1], f[2]))[0] if found else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance in its restricted form (optimal string alignment: an adjacent
    transposition counts 1, no substring edited twice); any value > limit is returned as limit + 1.
    rapidfuzz's OSA (C): the pure-Python loop it replaced was half of a 100-entry build's static
    export, measuring every capitalised glossary word against every country name (#10);
    tests/search/test_query.py keeps that loop as the reference, kb-engine.js mirrors it."""
    return OSA.distance(a, b, score_cutoff=limit)


def fuzzy_limit(word: str) -> int:
    """Edit distance allowed for a country name typed wrong: none up to six letters, 1 up to
    nine, 2 from ten."""
    return 0 if len(word) <= 6 else 1 if len(word) < 10 else 2


# "Did you mean": how far a suggestion may be from the word typed. A word of the languages (word
# lists, glossary, country names) is spelt right: another word near it is another word ('alert' ->
# 'alger', 'profit' -> 'profil', 'undocumented' -> 'documented'), so it is offered only when the two
# differ by one letter in seven ('harmonization' -> 'harmonisation'), the same word in another
# spelling. An unknown Latin word of four letters or fewer is offered one letter changed ('html'
# was offered 'hims'), longer ones two. Arabic writes no short vowels, so two letters of a short
# word are its root: 'تعقده' was offered 'تقدم', 'المتكبدة' 'المتحدة'; an Arabic word is measured
# without its article and prepositions, and offered two changes from nine letters.
REAL_WORD_SUGGEST_SHARE = 7  # letters per edit allowed for a real word
MAX_SUGGEST_DISTANCE = 2
ARABIC_TWO_EDITS_FROM = 9
ACRONYM_MAX_CHARS = 6


def typed_acronym(typed: str) -> bool:
    """Whether a word as typed is an acronym: in capitals, of at most ACRONYM_MAX_CHARS letters
    ('CATI', 'UNECA'). An acronym unknown to the index is never repaired nor offered as another
    ('CATI', telephone interviews, is not 'CAPI', face to face). Mirrored in kb-engine.js."""
    return typed.isupper() and len(typed) <= ACRONYM_MAX_CHARS


def typed_name(typed: str) -> bool:
    """Whether a word as typed starts with a capital letter, as a name does ('Mauretania'): the
    word lists are lower-cased, so a name they hold ('mauretania') looks like any other real word.
    Mirrored in kb-engine.js (typedName)."""
    return typed[:1].isupper()


def suggestion_limit(word: str, real: bool, typed: str = "") -> int:
    """The largest edit distance at which a folded `word` may be offered another word as "did you
    mean" (0: none). None for a word with a digit (a code such as 'C088' or 'bpm6' is not misspelt)
    or typed in capitals (`typed`, as written: an acronym of up to ACRONYM_MAX_CHARS letters,
    'CATI' is not 'CAPI'); one per REAL_WORD_SUGGEST_SHARE letters for a real word of the
    languages (`real`); else, for a Latin word, 1 up to four letters and MAX_SUGGEST_DISTANCE
    beyond; for an Arabic word (its letters counted after arabic_prefix_strip), 1 below
    ARABIC_TWO_EDITS_FROM letters, 2 from there."""
    if any(c.isdigit() for c in word) or typed_acronym(typed):
        return 0
    arabic = bool(ARABIC_RE.search(word))
    n = len(arabic_prefix_strip(word)) if arabic else len(word)
    if real:
        return min(MAX_SUGGEST_DISTANCE, n // REAL_WORD_SUGGEST_SHARE)
    if arabic:
        return 1 if n < ARABIC_TWO_EDITS_FROM else MAX_SUGGEST_DISTANCE
    return 1 if n <= 4 else MAX_SUGGEST_DISTANCE


def same_start(a: str, b: str) -> bool:
    """Whether two folded words start with the same letter, an Arabic word's after its article and
    prepositions (arabic_prefix_strip: 'الحقل' starts with ح): people seldom mistype a word's first
    letter, and a word that only shares the article is another word."""
    a, b = arabic_prefix_strip(a), arabic_prefix_strip(b)
    return a[:1] == b[:1]


# A one-word country name is a plain word of the searched collection when the entries whose text
# holds it, not about the country, outnumber those about it by more than this (see plain_country_word).
WORD_RATIO = 9


def plain_country_word(about: int, holding: int, both: int) -> bool:
    """Whether a one-word country name is used as a plain word in the searched collection, and so
    names no country there: 'مالي' (financial; Mali), 'عمان' (Oman; Amman), 'قطر' (diameter;
    Qatar), 'Chad' (a first name), 'French' (the language). The word lists cannot tell (they hold
    proper names too), nor can the name itself; the collection can: a country is named so that its
    entries come first, and a word that the collection mostly uses elsewhere does not pick them out.

    about: entries about the country; holding: entries whose text (titles, summaries, bodies, tags:
    not the country labels an entry carries) holds the word as the index analyses it; both: entries
    of both kinds. A plain word when no entry is about the country (naming it would change no
    ranking, only report a wrong expansion), or when the entries holding the word that are not about
    the country outnumber those about it more than WORD_RATIO to one (at least WORD_RATIO + 1 of
    them, so that a rare word is not judged on one or two entries). Measured on the shipped
    collection: 'French' 39 to 1, 'الفرنسية' 57 to 1, 'France' 17 to 1 (a destination many
    entries name) are plain words; 'المغرب' 21 to 15 (also 'the Maghreb'), 'Libye' 8 to 14,
    'Egypte' 2 to 1, 'Niger' 2 to 1 stay countries."""
    return about == 0 or holding - both > WORD_RATIO * max(both, 1)


def not_country_names(vocabs: Vocabularies | None = None) -> frozenset[tuple[str, ...]]:
    """Folded word tuples of the names that hold a country's name (or look like a demonym) but
    name something else, and so name no country: vocabulary.yml `not_countries` (المغرب العربي,
    the Arab Maghreb: Morocco is المغرب; المغاربي, Maghrebi, one letter from المغاربة, Moroccans),
    and each glossary name holding a country's name that none of the concept's names in its other
    languages names (اتحاد المغرب العربي: Union du Maghreb arabe, Arab Maghreb Union). A
    country-specific concept names its country in other languages too ('Office des Tunisiens à
    l'Etranger', ديوان التونسيين بالخارج, Office for Tunisians Abroad; 'transferts des MRE' does not,
    'remittances from Moroccans abroad' does) and keeps it. Of `vocabs`
    (None: the shipped data, read now), built once per Vocabularies. Exported to kb-engine.js
    (meta "not_countries")."""
    vocabs = Vocabularies.ensure(vocabs)
    return vocabs.derived("query.not_country_names", lambda: _not_country_names_of(vocabs))


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(strip_elision(normalize(w)) for w in WORD_RE.findall(name))


def _not_country_names_of(vocabs: Vocabularies) -> frozenset[tuple[str, ...]]:
    out = {_name_words(n) for n in vocabs.not_countries()}
    for concept in glossary.concepts(vocabs):
        named: dict[str, dict[str, set[str]]] = {}  # lang -> {name: codes its words name}
        for lang, t in concept.terms.items():
            for name in [t.get("term", "")] + list(t.get("synonyms") or []):
                if name:
                    named.setdefault(lang, {})[name] = {
                        c for c, _ in countries_named(name, lambda w: True, vocabs, regions=False)}
        for lang, names in named.items():
            others = set().union(*(c for other, found in named.items() if other != lang for c in found.values()))
            for name, codes in names.items():
                if codes - others:
                    out.add(_name_words(name))
    out.discard(())
    return frozenset(out)


def _region_at(words: list[str], i: int, regions: frozenset, longest: int) -> int:
    """The number of words of a not-country name (not_country_names) starting at words[i], its
    first word with or without an Arabic clitic ('بالمغرب العربي'); 0: none."""
    for n in range(min(longest, len(words) - i), 0, -1):
        rest = tuple(words[i + 1:i + n])
        if any((v, *rest) in regions for v in _arabic_variants(words[i])):
            return n
    return 0


def countries_named(text: str, known: Callable[[str], bool] = lambda w: False,
                    vocabs: Vocabularies | None = None,
                    plain: Callable[[str, str], bool] | None = None, regions: bool = True) -> list[tuple[str, str]]:
    """(code, words as typed) for each country a query names: 'Maroc', 'المغرب', 'بالمغرب',
    'Moroccan', 'Mauritana' (a near miss of an unknown word, see fuzzy_limit). `known(word)` says
    whether a folded word is a real word: such a word is not taken for a misspelt country
    ('franchise' is not France, 'المصرفية' not Egypt) unless typed with a capital (typed_name:
    'Mauretania', which the lower-cased word lists hold as a name).
    `plain(name, code)`: whether a one-word name (folded, clitics removed) is a plain word of the
    searched collection (plain_country_word), which then names nothing; None: never. The words of
    a name that holds a country's name but names a region (not_country_names: 'المغرب العربي',
    'اتحاد المغرب العربي') name nothing (`regions` False: they are not looked for).
    Country aliases from `vocabs` (None: the shipped vocabularies, read now)."""
    vocabs = Vocabularies.ensure(vocabs)
    table = _country_table(vocabs)
    others = not_country_names(vocabs) if regions else frozenset()
    longest = max(map(len, others), default=0)
    raw = [r for r, _ in query_words(text)]
    words = [w for _, w in query_words(text)]
    found, i = [], 0
    while i < len(words):
        skip = _region_at(words, i, others, longest) if others else 0
        if skip:
            i += skip
            continue
        for n in (3, 2, 1):
            chunk = words[i:i + n]
            if len(chunk) < n:
                continue
            code = None
            if n > 1:
                code = table.get(tuple(chunk))
            elif len(chunk[0]) > 2:
                hit = next(((v, table[(v,)]) for v in _arabic_variants(chunk[0]) if (v,) in table), None)
                code = hit[1] if hit else None
                if hit and plain is not None and plain(*hit):
                    code = None  # a name, written right, used as a word: not a misspelt other name either
                elif code is None and fuzzy_limit(chunk[0]) and not (known(chunk[0]) and not typed_name(raw[i])):
                    code = _near_country(table, chunk[0])
            if code:
                found.append((code, " ".join(raw[i:i + n])))
                i += n - 1
                break
        i += 1
    return list(dict.fromkeys(found))


def _near_country(table: dict, word: str) -> str | None:
    limit = fuzzy_limit(word)
    best = sorted((edit_distance(word, key[0], limit), key[0], code) for key, code in table.items()
                  if len(key) == 1 and len(key[0]) > 6)
    if best and best[0][0] <= limit and (len(best) == 1 or best[1][0] > best[0][0] or best[1][2] == best[0][2]):
        return best[0][2]
    return None


# -- the plan ------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One thing the user asked for: a word, or a glossary concept or country named in several
    words. An entry covers a unit when it matches one of `terms` ((field, text) pairs) or, for
    a country, is about `country`."""

    label: str
    terms: set = field(default_factory=set)
    country: str = ""


@dataclass
class Plan:
    """What will be searched for a query. `query`: the Whoosh query (None: nothing to search);
    `expansions`: what was added and why, for the user; `units`: what an entry should cover to
    be a strong match; `countries`: ISO codes named; `syntax`: the user wrote operators or
    quotes (every match is then wanted, however partial)."""

    query: object
    expansions: list[dict]
    units: list[Unit]
    countries: set[str]
    syntax: bool
    text: str = ""  # the text searched: as typed, with the words cut in two joined (join_fragments)
    # What the query excludes (the words after NOT or ANDNOT and the other names of their concept),
    # one Whoosh query, or None: an entry any of whose versions matches it is left out, whole.
    excluded: object = None


class _BestOfMatcher(matching.DisjunctionMaxMatcher):
    """Whoosh's DisjunctionMaxMatcher, scoring only the sub-matchers that are on the current
    document. Whoosh's own score() takes max(a.score(), b.score()) even when one of them already
    stands on a later document: an entry naming a concept once, in its body, was given the score
    of another entry's title match (whoosh-reloaded 2.7.5); and its replace() dropped both
    sides when one was exhausted."""

    def score(self):
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        if a.id() != b.id():
            return a.score() if a.id() < b.id() else b.score()
        return max(a.score(), b.score())

    def replace(self, minquality=0):
        a, b = self.a.replace(minquality), self.b.replace(minquality)
        if not a.is_active():
            return b
        if not b.is_active():
            return a
        if a is self.a and b is self.b:
            return self
        return self.__class__(a, b)


class BestOf(query.DisjunctionMax):
    """The best-scoring of its subqueries on each document (DisjunctionMax with a correct
    matcher, see _BestOfMatcher)."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(subs, _BestOfMatcher, searcher, context, lambda q: q.estimate_size(reader))


def weighted(alternatives: list, boost: float):
    """The best of `alternatives`, times `boost` (BestOf). Whoosh ignores the boost of a
    compound query with one subquery, so a single alternative carries the boost itself."""
    if len(alternatives) == 1:
        q = copy.copy(alternatives[0])  # the boost is the copy's own; its parts are shared, never changed
        q.boost *= boost
        return q
    return BestOf(alternatives, boost=boost)


def query_tokens(text: str) -> list[tuple[str, str]]:
    """(token as typed, folded) for each token of a query as the index tokenizer cuts it
    (a hyphenated compound is one token), operators left out."""
    out = []
    for raw in TOKEN_RE_COMPOUND.findall(text)[:MAX_QUERY_TERMS]:
        if raw not in OPERATORS:
            out.append((raw, strip_elision(normalize(raw))))
    return out


def _word_count(text: str) -> int:
    """Number of meaningful words of a text (stop words and single letters left out), at least 1."""
    return max(1, sum(1 for w in WORD_RE.findall(text) if meaningful(strip_elision(normalize(w)))))


def _same_name(name: str, typed: str) -> bool:
    """Whether a concept's name is the typed name in another inflection ('return migrant' for
    'return migrants'): the same terms once analysed in one of the languages. Such a name is
    not another name: counting it would score the typed words twice in the entries using them."""
    return any(analyse(name, lang) == analyse(typed, lang) for lang in schema.LANGS)


def _scaled(q, factor: float):
    """A copy of query q with its boost multiplied by factor."""
    # A shallow copy: only the boost changes, the parsed parts (kept by the parser's cache) are
    # shared and never changed; Whoosh's copy() deep-copies every field's subquery (0.5 ms).
    q = copy.copy(q)
    q.boost *= factor
    return q


def _terms_of(q) -> set:
    out = set()
    for fieldname, text in q.all_terms():
        out.add((fieldname, text.decode("utf-8") if isinstance(text, bytes) else text))
    return out


# A phrase's words, as a unit's terms, are kept apart from the same words searched alone by another
# unit: an entry covers a concept named by 'remittances of migrant workers' where the phrase
# matches, not where 'workers', typed as another word of the query, does (engine.SearchIndex._hits
# records a phrase's matches under these keys too; build keeps a phrase's word plain for its unit
# when no other unit searches it alone). Without it, 'remittances workers Libya' kept 19 entries holding only
# 'workers' (2 of 3 units covered), which the browser's engine, counting a name whole, did not.
PHRASE_FIELD = '"'


def _cover_terms(q) -> set:
    """A unit's terms of a query: (field, text) of its terms, (PHRASE_FIELD + field, text) of its
    phrases' words."""
    out = set()
    for leaf in ([q] if q.is_leaf() else q.leaves()):
        mark = PHRASE_FIELD if type(leaf) is query.Phrase else ""
        out |= {(mark + f, t) for f, t in _terms_of(leaf)}
    return out


# A spelling repair compares the word with the index's whole vocabulary (a few ms per word at
# 10,000 entries, more for longer words): only a few words of plausible length are repaired.
MAX_SPELLING_WORDS = 3
MAX_SPELLING_CHARS = 24


def build(parser, text: str, expand: Callable, index_known: Callable[[str], bool],
          repair: Callable[[str], str | None], vocabs: Vocabularies | None = None,
          plain_country: Callable[[str, str], bool] | None = None,
          prefixes: list[tuple[str, list[str]]] = (),
          complete: Callable[[str], list[str]] | None = None, fragments: frozenset[str] = frozenset(),
          family: Callable[[str], list[str]] | None = None) -> Plan:
    """The plan of a query. `expand(text)`: glossary expansions (tools.search.glossary.expand);
    `index_known(word)`: whether the index's vocabulary holds a folded word; `repair(word)`: a confident
    correction from the index's vocabulary, or None. `vocabs`: the run's Vocabularies (country
    aliases, glossary; None: the shipped data, read now). `plain_country(name, code)`: whether a
    one-word country name is a plain word of the index's collection (countries_named; None: never).
    `prefixes`: (word typed with a '*', the index words it stands for) of each wildcard word taken
    out of `text` (off_syntax): the best of those words is searched, as one unit of the query,
    reported as a "prefix" expansion. `complete(prefix)`: the index words starting with a folded
    prefix (as for a '*'); with it, the query's last word, when it may be a word being typed
    (completed_word) and the index does not hold it, also searches those words, at SYNONYM_BOOST,
    as one unit with the word and instead of a spelling repair (a "prefix" expansion), so that
    results follow the letters as they are typed ('donn', 'recenseme', 'sous-em').
    `fragments`: folded pieces of words cut by a '*' (off_syntax), never repaired. `family(word)`:
    for a word that no field of the index holds, even stemmed, the index words that begin with
    its first FAMILY_CHARS letters (else []); a word neither completed nor repaired searches them,
    as for `complete` ('agriculteurs' -> 'agriculture': the browser's engine finds them by the
    word's prefix key, and a user typing the word means that family)."""
    vocabs = Vocabularies.ensure(vocabs)
    syntax = '"' in text or any(w in OPERATORS for w in WORD_RE.findall(text))

    def known(word: str) -> bool:
        # A country's or region's word after a clitic is a real word too, as in_dictionary reads
        # one: 'والمغاربية' ('and Maghrebi') was "repaired" to والمغاربه ('and the Moroccans').
        return (word.replace(".", "").isdigit() or index_known(word) or in_dictionary(word)
                or word in _glossary_words(expand, vocabs)
                or any(v in country_words(vocabs) for v in _arabic_variants(word))
                or word in short_forms(vocabs))

    text, rejoined = join_fragments(text, known, index_known)
    expansions = [asdict(e) | {"kind": "glossary"} for e in expand(text)]
    expansions += short_form_expansions(text, expansions, vocabs)
    main = parse(parser, text)
    excluded = excluded_queries(main)
    negated = set().union(*map(_terms_of, excluded)) if excluded else set()

    def is_negated(typed: str) -> bool:
        terms = _terms_of(parse(parser, typed)) if negated else set()
        return bool(terms) and terms <= negated

    if negated:
        # A word after NOT is excluded, with the other names of its concept (its Arabic and
        # English versions hold the synonyms, not the word): its expansions and country were
        # searched as alternatives, so 'enquête NOT recensement' put the censuses first (breaker9).
        for exp in [e for e in expansions if is_negated(e["matched"])]:
            expansions.remove(exp)
            excluded += [parser.parse(f'"{w}"') for w in map(name_terms, exp["added"]) if w]
    parts = [main, query.Term("title_exact", exact_key(text), boost=EXACT_TITLE_BOOST)]
    units: list[Unit] = []
    claimed: set[str] = set()
    for exp in expansions:
        # A name counts as much as the words it stands for: 'CIST' expanded to the 4 words of
        # 'Conférence internationale des statisticiens du travail' weighs 1/4 per word (a phrase
        # scores the sum of its words, which made long names outweigh what was typed).
        typed = _word_count(exp["matched"])
        alternatives = [_scaled(parser.parse(f'"{w}"'), typed / _word_count(w))
                        for w in map(name_terms, exp["added"]) if w and not _same_name(w, exp["matched"])]
        unit = Unit(exp["matched"], _cover_terms(parse(parser, exp["matched"])))
        if alternatives:
            # One concept counts once, however many of its names an entry uses.
            synonyms = weighted(alternatives, SYNONYM_BOOST)
            parts.append(synonyms)
            unit.terms |= _cover_terms(synonyms)
        units.append(unit)
        claimed |= {normalize(w) for w in WORD_RE.findall(exp["matched"])}

    def real_word(word: str) -> bool:
        # Not the index's stems: 'mauritana' shares a French stem with 'mauritanie'.
        return in_dictionary(word) or word in _glossary_words(expand, vocabs) or word in short_forms(vocabs)

    repairs_left = MAX_SPELLING_WORDS
    countries = set()
    for code, typed in countries_named(text, real_word, vocabs, plain_country):
        if is_negated(typed):
            continue
        expansions.append({"kind": "country", "matched": typed, "concept": code, "added": [code]})
        countries.add(code)
        folded = {strip_elision(normalize(w)) for w in WORD_RE.findall(typed)}
        unit = Unit(typed, _cover_terms(parse(parser, typed)), country=code)
        if not all(index_known(w) for w in folded if meaningful(w)):
            # A near miss ('Mauritanei') matches no text: its country's names are searched
            # instead, as a repair, so that the country's entries are found.
            names = [plain_terms(schema.country_name(code, lang)) for lang in schema.LANGS]
            repaired = weighted([parser.parse(f'"{n}"') for n in dict.fromkeys(names) if n], SPELLING_BOOST)
            parts.append(repaired)
            unit.terms |= _cover_terms(repaired)
        if not folded <= claimed:
            units.append(unit)
            claimed |= folded
    tokens = query_tokens(text)
    typing = completed_word(text) if complete else None
    completions = []
    for i, (raw, word) in enumerate(tokens):
        pieces = [strip_elision(normalize(p)) for p in compound_parts(raw)]
        if not any(meaningful(p) for p in pieces) or all(p in claimed for p in pieces) or is_negated(raw):
            continue
        word = "".join(pieces) if len(pieces) > 1 else word
        unit = Unit(raw, _cover_terms(parse(parser, raw)))
        is_known = known(word) or (len(pieces) > 1 and all(known(p) for p in pieces if meaningful(p)))
        words = (complete(typing[1]) if typing and i == len(tokens) - 1 and not index_known(typing[1])
                 and typing[1] not in claimed else [])
        words = [w for w in words if w != typing[1]] if words else []
        if words:
            found = weighted([parser.parse(w) for w in words], SYNONYM_BOOST)
            parts.append(found)
            unit.terms |= _cover_terms(found)
            completions.append({"kind": "prefix", "matched": raw, "concept": "", "added": list(words)})
        fixed = None
        if (3 < len(word) <= MAX_SPELLING_CHARS and repairs_left and not is_known and not typed_acronym(raw)
                and not words and word not in fragments):
            repairs_left -= 1
            fixed = repair(word)
            if fixed and fixed[:1] != word[:1]:
                # Not confident: people seldom mistype a word's first letter, and such repairs turn
                # real words missing from the word lists into others ('stat' -> 'etat').
                fixed = None
        kin = family(word) if family is not None and not words and not fixed and len(pieces) == 1 else []
        if kin:
            # A word no field holds, even stemmed ('agriculteurs'): the index words beginning as it
            # does, as the browser's prefix key finds them ('agriculture'), reported as a prefix.
            found = weighted([parser.parse(w) for w in kin], SYNONYM_BOOST)
            parts.append(found)
            unit.terms |= _cover_terms(found)
            completions.append({"kind": "prefix", "matched": raw, "concept": "", "added": list(kin)})
        if fixed:
            fix_q = weighted([parser.parse(fixed)], SPELLING_BOOST)
            parts.append(fix_q)
            unit.terms |= _cover_terms(fix_q)
            expansions.append({"kind": "spelling", "matched": raw, "concept": "", "added": [fixed]})
        if len(pieces) > 1:
            if all(meaningful(p) for p in pieces):
                phrase = parser.parse('"' + " ".join(compound_parts(raw)) + '"')
                parts.append(weighted([phrase], COMPOUND_PARTS_BOOST))
                unit.terms |= _cover_terms(phrase)
        units.append(unit)
        claimed.add(word)
    expansions += [{"kind": "spelling", "matched": typed, "concept": "", "added": [whole]} for typed, whole in rejoined]
    wildcards = []
    for typed, words in prefixes:
        unit = Unit(typed)
        if words:
            found = weighted([parser.parse(w) for w in words], SYNONYM_BOOST)
            parts.append(found)
            unit.terms |= _cover_terms(found)
        units.append(unit)
        wildcards.append({"kind": "prefix", "matched": typed, "concept": "", "added": list(words)})
    wildcards += completions
    # Reported after the glossary's and short forms' expansions, as the browser's engine lists them.
    named = sum(1 for e in expansions if e["kind"] in ("glossary", "short_form"))
    expansions[named:named] = wildcards
    left_out = query.Or(excluded) if excluded else None
    searched = Excluding(query.Or(parts), left_out) if excluded else query.Or(parts)
    # A phrase's word counts alone for its unit unless another unit searches that word alone
    # (_cover_terms): 'sous-emploi' typed covers the concept whose name holds it.
    alone = [{t for t in u.terms if not t[0].startswith(PHRASE_FIELD)} for u in units]
    for i, u in enumerate(units):
        others = set().union(*(a for j, a in enumerate(alone) if j != i))
        u.terms |= {(f[1:], t) for f, t in u.terms if f.startswith(PHRASE_FIELD) and (f[1:], t) not in others}
    return Plan(searched, expansions, units, countries, syntax, text, left_out)


def short_forms(vocabs: Vocabularies | None = None) -> dict[str, tuple[str, ...]]:
    """{folded short form: (the words it stands for, as written)} of `vocabs` (vocabulary.yml
    short_forms; None: the shipped vocabularies, read now), built once per Vocabularies."""
    vocabs = Vocabularies.ensure(vocabs)
    return vocabs.derived("query.short_forms", lambda: {
        strip_elision(normalize(short)): tuple(str(w) for w in words)
        for short, words in vocabs.short_forms().items() if words})


def short_form_expansions(text: str, glossary_found: list[dict], vocabs: Vocabularies | None = None) -> list[dict]:
    """An expansion {kind: "short_form", matched: the word as typed, concept: "", added: [the
    words it stands for]} for each word of `text` that is a short form (short_forms) and is not
    part of a glossary name already found (`glossary_found`: expansions with their "matched")."""
    table = short_forms(vocabs)
    claimed = {strip_elision(normalize(w)) for e in glossary_found for w in WORD_RE.findall(e["matched"])}
    out = []
    for raw, word in query_words(text):
        if word in table and word not in claimed:
            claimed.add(word)
            out.append({"kind": "short_form", "matched": raw, "concept": "", "added": list(table[word])})
    return out


def join_fragments(text: str, known: Callable[[str], bool],
                   index_known: Callable[[str], bool]) -> tuple[str, list[tuple[str, str]]]:
    """The text with each word cut in two joined again: two neighbouring words (a space or a
    zero-width space between them, as text pasted from PDFs and web pages has), not both known
    words (`known`: the index, the word lists, the glossary, country names), whose concatenation
    is a word of the index (`index_known`): 'immatricu lation' -> 'immatriculation',
    'harmonisa tion' -> 'harmonisation' ('harmonisa' is a French verb form; 'tion' is no word).
    Returns (text, [(the two words as typed, the word joined)])."""
    found = [m for m in WORD_RE.finditer(text) if m.group() not in OPERATORS][:MAX_QUERY_TERMS]
    out, joined, last, i = [], [], 0, 0
    while i < len(found) - 1:
        a, b = found[i], found[i + 1]
        between = text[a.end():b.start()]
        wa, wb = strip_elision(normalize(a.group())), normalize(b.group())
        if (between and not between.replace("\u200b", " ").strip() and wa and wb and not wa.isdigit()
                and not wb.isdigit() and not (known(wa) and known(wb)) and index_known(wa + wb)):
            out += [text[last:a.start()], a.group() + b.group()]
            joined.append((f"{a.group()} {b.group()}", wa + wb))
            last, i = b.end(), i + 2
            continue
        i += 1
    out.append(text[last:])
    return "".join(out), joined


def _glossary_words(expand: Callable, vocabs: Vocabularies) -> frozenset[str]:
    """Folded words of every glossary name, for the glossary behind `expand` (a partial with a
    `path` keyword in tests, read now; the glossary of `vocabs` otherwise, once per Vocabularies)."""
    path = getattr(expand, "keywords", {}).get("path")
    if path is not None:
        return _glossary_words_of(glossary.load(Path(path)))
    return vocabs.derived("query.glossary_words", lambda: _glossary_words_of(glossary.concepts(vocabs)))


def glossary_words(vocabs: Vocabularies | None = None) -> frozenset[str]:
    """Folded words of every glossary name of `vocabs` (None: the shipped glossary, read now):
    real words, never repaired (build)."""
    vocabs = Vocabularies.ensure(vocabs)
    return vocabs.derived("query.glossary_words", lambda: _glossary_words_of(glossary.concepts(vocabs)))


def _glossary_words_of(concepts) -> frozenset[str]:
    return frozenset(normalize(w) for c in concepts for name in c.names() for w in WORD_RE.findall(name))


# The relevance floor, shipped to the static search too (tools.search.static_index meta "floor").
KEEP_SHARE = 0.5  # share of the query's units an entry must cover to be kept
STRONG_ALL_UP_TO = 3  # up to this many units, a strong match covers them all
STRONG_SHARE = 0.75  # beyond, the share of the units a strong match covers


def coverage_needed(units: int) -> int:
    """Units an entry must cover to be kept in the results (the relevance floor): at least half
    (1 → 1, 2 → 1, 3 → 2, 4 → 2, 5 → 3)."""
    return math.ceil(units * KEEP_SHARE)


def strong_needed(units: int) -> int:
    """Units the best entry must cover for the answer to count as a strong match: all up to
    three, then three quarters (4 → 3, 8 → 6)."""
    return units if units <= STRONG_ALL_UP_TO else math.ceil(units * STRONG_SHARE)
