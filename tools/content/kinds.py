"""Kinds of front-matter values, one small class each, in the style of MkDocs' config_options.

Every kind has two methods:

- ``check(value, key, context, vocabs)`` -> ``(cleaned, issues)``: ``value`` is what the YAML loader gave
  (strings, lists, mappings; numbers and dates arrive as the text written), ``key`` the field path
  used in messages (``"links"``, ``"instrument.rounds"``), ``context`` the entry's whole front
  matter (for the kinds that look at another field: link numbers, the entry type), ``vocabs`` the
  run's tools.content.vocab.Vocabularies (for the kinds that name a vocabulary; None reads the
  shipped ones anew at each call: for tests and one-off calls, the validator always passes its own). ``cleaned`` is
  the value the model receives (``None`` when nothing usable is left) and ``issues`` a list of
  ``Issue(key, message, hint, severity)`` whose keys are full paths (``links[2].url``,
  ``instrument.rounds[0]``); the validator adds the file and the line.
- ``json_schema(required, vocabs)`` -> the JSON Schema (draft 2020-12) of the value.

``sample(vocabs)`` gives a short YAML value for the scaffold's commented examples. Kinds never raise
on bad content and never print.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import ipaddress
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import idna

from tools.content.model import Link
from tools.content.problems import ERROR, WARNING
from tools.content.vocab import Vocabularies, country_codes, country_name, language_codes

# One way to match each character (no '\s*/?\s*', no '[^>]*' running over later '<'): linear
# on any text, e.g. '<' then 100,000 spaces, or '<a' repeated without '>'.
HTML_TAG_RE = re.compile(r"<\s*(?:/\s*)?[a-zA-Z][^<>]*>")
PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR_RE = re.compile(r"^\d{4}$")
INDEX_RE = re.compile(r"^\d+$")
URL_HINT = "links must start with https:// or http://"
DATE_HINT = 'write YYYY-MM-DD, e.g. "2026-11-29"'
TEXT = {"type": "string"}
URL_SCHEMA = {**TEXT, "format": "uri", "pattern": "^https?://"}
DATE_SCHEMA = {**TEXT, "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
# YAML editors read `2024` as a number, our loader as text: the schema accepts both.
YEAR_SCHEMA = {"anyOf": [{"type": "integer", "minimum": 1000, "maximum": 9999}, {**TEXT, "pattern": r"^\d{4}$"}]}
INDEX_SCHEMA = {"anyOf": [{"type": "integer", "minimum": 0}, {**TEXT, "pattern": r"^\d+$"}]}
# ISO alpha-3 codes people write by habit, for the hint only.
ALPHA3 = {"MAR": "MA", "TUN": "TN", "MRT": "MR", "LBY": "LY", "DZA": "DZ", "FRA": "FR", "ESP": "ES",
          "ITA": "IT", "DEU": "DE", "BEL": "BE", "NLD": "NL", "SEN": "SN", "MLI": "ML", "NER": "NE",
          "TCD": "TD", "EGY": "EG", "SDN": "SD", "NGA": "NG", "QAT": "QA", "SAU": "SA", "ARE": "AE",
          "CAN": "CA", "USA": "US", "GBR": "GB", "CHE": "CH", "PRT": "PT"}


@dataclass(frozen=True)
class Issue:
    """A problem in one value, before the validator places it in a file: key is the field path."""

    key: str
    message: str
    hint: str = ""
    severity: str = ERROR


def close(value, choices) -> str:
    """'did you mean ...?' for the closest of choices, or ''."""
    match = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(c))


_WORD_RE = re.compile(r"\w+")


# The field each vocabulary fills, to tell a term written in the wrong field where it belongs.
_VOCAB_FIELDS = {"types": "type", "themes": "themes", "data_sources": "data_sources"}


def _other_field_hint(value: str, vocab: str, vocabs: Vocabularies) -> str:
    """'...: move it to data_sources' when value is a term of another field's vocabulary than vocab
    ('work-permits' written in themes), else ''."""
    for other, field_name in _VOCAB_FIELDS.items():
        if other != vocab and vocab in _VOCAB_FIELDS and value in vocabs.terms(other):
            return f"'{value}' is a term of {field_name}, not of {_VOCAB_FIELDS[vocab]}: move it to {field_name}"
    return ""


def term_hint(value, vocab: str, vocabs: Vocabularies | None) -> str:
    """Hint for a value that is not a term of `vocab`: "did you mean 'tool'?" for a near spelling of a
    term, for a term's label in French, Arabic or English ('Outil', 'أداة', 'Migration de retour'), or
    for a few words of a term or label ('return' -> 'return-migration', 'enquête ménages' ->
    'household-survey'); else the list of terms. Raises KeyError for an unknown vocabulary."""
    vocabs = Vocabularies.ensure(vocabs)
    terms = vocabs.terms(vocab)
    if not isinstance(value, str) or not value.strip():
        return close(value, terms) or _one_of(terms)
    elsewhere = _other_field_hint(value.strip(), vocab, vocabs)
    if elsewhere:
        return elsewhere
    folded = _fold(value.strip())
    labels = {term: [_fold(vocabs.label(vocab, term, lang)) for lang in ("fr", "ar", "en")] for term in terms}
    exact = [term for term in terms if folded in labels[term]]
    if exact:
        return f"did you mean '{exact[0]}'? (write the term, not its label)"
    near = close(value, terms)
    if near:
        return near
    words = set(_WORD_RE.findall(folded))
    # Words of the value all among the words of a term or of one of its labels; short words
    # ('de', 'des', 'of') alone would match too much.
    partial = [term for term in terms if words and any(len(w) > 2 for w in words) and any(
        words <= set(_WORD_RE.findall(text)) for text in [term.replace("-", " "), *labels[term]])]
    if 1 <= len(partial) <= 4:
        return "did you mean " + " or ".join(f"'{term}'" for term in partial) + "?"
    return _one_of(terms)


def country_hint(value) -> str:
    """Hint for a value that is not an ISO 3166-1 alpha-2 code: "did you mean 'MA'?" for a lower-case
    code, an alpha-3 code (MAR) or a country name in French, English or Arabic, else how to write one."""
    text = str(value).strip()
    if text.upper() in country_codes():
        return f"did you mean '{text.upper()}'?"
    if text.upper() in ALPHA3:
        return f"did you mean '{ALPHA3[text.upper()]}'?"
    folded = _fold(text)
    for code in sorted(country_codes()):
        if any(_fold(country_name(code, lang)) == folded for lang in ("fr", "en", "ar")):
            return f"did you mean '{code}'?"
    return "use a two-letter upper-case code such as 'MA', 'TN', 'MR', 'LY' or 'DZ'"


def _name(key: str) -> str:
    """Last field name of a path: 'instrument.rounds' -> 'rounds'."""
    return key.rsplit(".", 1)[-1]


def _what(value) -> str:
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


def _as_text(value, key: str, issues: list) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        issues.append(Issue(key, f"must be text, got {_what(value)}", "write it on one line after the colon"))
        return None
    return str(value).strip()


def _visible(text: str) -> str:
    """text without the invisible format characters (Unicode category Cf: zero-width space and
    joiners, soft hyphen, word joiner, bidi marks) and trimmed: what a reader sees of it."""
    if text.isprintable():  # no character of a category C* (Cf among them) nor Z* but the space
        return text.strip()
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def _as_list(value, key: str, issues: list) -> list | None:
    if isinstance(value, (str, int)):
        issues.append(Issue(key, f"must be a list, got '{value}'", f"write {_name(key)}: [{value}]"))
        return None
    if not isinstance(value, list):
        issues.append(Issue(key, "must be a list", f"write {_name(key)}: [a, b]"))
        return None
    return value


def _http(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def _url_fault(url: str) -> tuple[str, str] | None:
    """(message, hint) when an http(s) address cannot be the page it names: a space, an invisible
    or control character (a bidi override shows 'exa\u202eelpmaxe.org' reversed; the page's
    sanitiser then drops the link, leaving a dead title), or a user name before '@', which
    makes 'https://www.hcp.ma@other.example/' lead to other.example. None when it is fine.
    Found by breaker9: each of these passed the check."""
    # isprintable(): no character of a category C* or Z* other than the space, looked for below.
    for char in url if " " in url or not url.isprintable() else ():
        if char == " ":
            return "contains a space", "write %20 for a space, or copy the address again from the browser's address bar"
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs"):
            return (f"contains the invisible character U+{ord(char):04X}",
                    "delete it, or copy the address again from the browser's address bar")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.username is not None:
        return (f"names a user before '@' ('{parts.netloc.rsplit('@', 1)[0][:40]}@'): the link leads to {parts.hostname}",
                "write the page's own address, with no user name or password before the site's name")
    return _host_fault(parts.hostname or "")


# WHATWG URL standard, "ends in a number": a host whose last label is decimal or 0x-hex is read as an
# IPv4 address in any of the legacy forms (https://url.spec.whatwg.org/#ends-in-a-number-checker).
def _browser_host(host: str) -> str:
    """The host as a browser reads it before connecting (WHATWG URL Standard, host parsing):
    percent-decoded, then mapped by UTS 46 (idna.uts46_remap: full-width '１２７' to '127', the
    ideographic full stop '。' to '.', upper to lower case). A host the mapping refuses is returned
    decoded only (no browser opens it; the other checks still read it)."""
    host = unquote(host)
    try:
        return idna.uts46_remap(host, std3_rules=False, transitional=False).lower()
    except (idna.IDNAError, ValueError):
        return host.lower()


def _ipv4_number(part: str) -> int | None:
    """One part of a dotted IPv4 host read as the URL Standard's IPv4 number parser does: '0x' or
    '0X' then hexadecimal (no digits: 0), a leading '0' then octal, else decimal; None if not a number."""
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not part:
        return 0
    try:
        return int(part, radix) if part.isascii() and part.isalnum() else None
    except ValueError:
        return None


def _ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a browser reaches for host (as urlsplit's hostname gives it), or None for a name
    or a host no browser opens. The host is first read as browsers do (_browser_host:
    '%31%32%37.0.0.1', '１２７.０.０.１' and '127。0。0。1' are 127.0.0.1; found by the reviewer); then,
    besides the usual forms, the IPv4 forms of the URL Standard's IPv4 parser: '127.1', '0x7f.1',
    '2130706433', '0177.0.0.1', '0x' (0.0.0.0): each part decimal, octal with a leading 0, or hex; the
    last one fills the remaining bytes; a trailing dot ignored. ipaddress takes only four decimal
    parts, so 'https://0x7f.1/' passed as a public page (found by breaker11)."""
    host = _browser_host(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not parts or len(parts) > 4 or _ipv4_number(parts[-1]) is None:
        return None  # a name (the last part is not a number), or not a host browsers open
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if None in numbers or any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1]))
    return ipaddress.IPv4Address(value)


@functools.lru_cache(maxsize=4096)  # a collection's links name a few hundred sites, each many times (#10)
def _host_fault(host: str) -> tuple[str, str] | None:
    """(message, hint) for a site name no reader can reach as the public source it claims to be:
    this computer or a private network ('localhost', '127.0.0.1', '192.168.1.10', '[::1]'), or a
    name mixing alphabets in one part ('аpple.com' with a Cyrillic 'а', shown as 'apple.com');
    None otherwise. Found by breaker10: both passed the check."""
    ip, name = _ip_of(host), _browser_host(host)
    if name in ("localhost", "localhost.") or name.rstrip(".").endswith(".localhost") or (ip is not None and not ip.is_global):
        return (f"leads to '{host}', this computer or a private network, not a public page",
                "link the source's public address, as readers open it")
    for label in host.split("."):
        scripts = {unicodedata.name(c, "?").split(" ")[0] for c in label if c.isalpha()}
        if len(scripts) > 1:
            odd = next(c for c in label if c.isalpha() and not c.isascii()) if any(not c.isascii() for c in label) else label[0]
            return (f"the site's name '{host}' mixes alphabets ({', '.join(sorted(s.title() for s in scripts))}): "
                    f"'{odd}' is U+{ord(odd):04X}, so the name only looks like another",
                    "copy the address again from the browser's address bar")
    return None


class Kind:
    """Base of the kinds. `empty_ok`: an empty list is a value, not a missing field."""

    empty_ok = False

    def check(self, value, key: str, context: dict | None = None, vocabs: Vocabularies | None = None) -> tuple[object, list[Issue]]:
        """(cleaned value or None when unusable, issues) for a field's raw YAML value at key path key
        ('countries', 'instrument.rounds[1]'); context is the whole front matter, for kinds whose check
        depends on another field (Cite reads the links); vocabs: the run's Vocabularies (None: the
        shipped files, read now). Never raises on a contributor's value."""
        raise NotImplementedError

    def json_schema(self, required: bool = False, vocabs: Vocabularies | None = None) -> dict:
        """The JSON Schema (draft 2020-12) of the field's value, as a dict; required adds what an empty
        value may not be (minLength, minItems); vocabs gives the allowed terms (None: the shipped files)."""
        raise NotImplementedError

    def json_conditions(self, key: str) -> list[dict]:
        """Constraints on the whole front matter that this field adds (JSON Schema `if`/`then`)."""
        return []

    def sample(self, vocabs: Vocabularies | None = None) -> str:
        """A valid value as raw YAML, for the commented skeleton of a new entry (tools.scaffold); vocabs
        gives the terms to sample from (None: the shipped files)."""
        return '""'


class ListKind(Kind):
    """A list value: `check` refuses anything but a list, then `check_items` cleans the items.

    check_items(items, key, context, issues, vocabs) returns the cleaned tuple and appends item problems
    (key paths like 'themes[2]') to `issues`."""

    def check(self, value, key, context=None, vocabs=None):
        issues: list[Issue] = []
        items = _as_list(value, key, issues)
        if items is None:
            return None, issues
        return self.check_items(items, key, context, issues, vocabs), issues

    def check_items(self, items: list, key, context, issues: list, vocabs=None) -> tuple:
        """The cleaned items of a list value, as a tuple; appends each item's problems to issues, with
        the item's path (key[i]); vocabs: the run's Vocabularies (None: the shipped files)."""
        raise NotImplementedError


class Text(Kind):
    """One line of plain text, `min_len` to `max_len` characters once trimmed; whitespace runs become one space."""

    def __init__(self, min_len: int | None = None, max_len: int | None = None):
        self.min_len, self.max_len = min_len, max_len

    def check(self, value, key, context=None, vocabs=None):
        issues: list[Issue] = []
        text = _as_text(value, key, issues)
        if text is None:
            return None, issues
        # Counted as seen: a title of zero-width spaces is empty on every page.
        shown = _visible(text)
        if not text:
            issues.append(Issue(key, "required field is empty"))
        elif not shown:
            issues.append(Issue(key, "holds only invisible characters (such as U+200B, zero-width space)",
                                "write the text itself; retype it if it was pasted"))
        elif self.min_len and len(shown) < self.min_len:
            issues.append(Issue(key, f"is {len(shown)} characters, at least {self.min_len} expected"))
        elif self.max_len and len(text) > self.max_len:
            issues.append(Issue(key, f"is {len(text)} characters, at most {self.max_len} allowed", "shorten it"))
        _no_html(text, key, issues)
        _no_bidi_override(text, key, issues)
        return " ".join(text.split()), issues

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        out = dict(TEXT)
        if self.min_len is not None:
            out["minLength"] = self.min_len
        if self.max_len is not None:
            out["maxLength"] = self.max_len
        return out


# Bidi overrides (LRO, RLO) reverse the letters that follow ('gnp.exe' shown as 'exe.png'); the
# isolates and marks that mixed Arabic/Latin text needs (U+2066-2069, U+200E/F) are not in this set.
BIDI_OVERRIDE_RE = re.compile("[\u202a-\u202e]")


def _no_bidi_override(text: str, key: str, issues: list[Issue]) -> None:
    """Add an error for a plain-text value holding a bidi embedding or override (U+202A-U+202E)."""
    found = BIDI_OVERRIDE_RE.search(text)
    if found:
        issues.append(Issue(key, f"contains the invisible direction control U+{ord(found.group()):04X}",
                            "delete it (it reorders the letters shown); for mixed Arabic/Latin text "
                            "the interface sets the direction itself"))


def _no_html(text: str, key: str, issues: list[Issue]) -> bool:
    """Add the 'contains HTML' error for a plain-text value holding a tag (shown as text on every
    page, escaped); True when it did."""
    if HTML_TAG_RE.search(text):
        issues.append(Issue(key, "contains HTML", "plain text only: remove the <...> tags"))
        return True
    return False


class Choice(Kind):
    """One term of the vocabulary `vocab` (data/vocabulary.yml)."""

    def __init__(self, vocab_name: str):
        self.vocab = vocab_name

    def check(self, value, key, context=None, vocabs=None):
        issues: list[Issue] = []
        allowed = Vocabularies.ensure(vocabs).terms(self.vocab)
        text = _as_text(value, key, issues)
        if text is None:
            return None, issues
        if text not in allowed:
            issues.append(Issue(key, f"'{text}' is not a known value", term_hint(text, self.vocab, vocabs)))
            return None, issues
        return text, issues

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return {"enum": list(Vocabularies.ensure(vocabs).terms(self.vocab))}

    def sample(self, vocabs: Vocabularies | None = None):
        return " | ".join(Vocabularies.ensure(vocabs).terms(self.vocab))


def _one_of(allowed) -> str:
    return "one of: " + ", ".join(allowed)


class ChoiceList(ListKind):
    """A list of terms of `vocab`; a repeated term is a warning and kept once."""

    def __init__(self, vocab_name: str):
        self.vocab = vocab_name

    def allowed(self, vocabs: Vocabularies | None) -> tuple[str, ...]:
        """The terms accepted, from `vocabs` (None: the shipped vocabularies, read now), in the
        vocabulary file's order. Raises KeyError for an unknown vocabulary."""
        return Vocabularies.ensure(vocabs).terms(self.vocab)

    def unknown(self, item, key: str, vocabs) -> Issue:
        """The error for an item that is not an allowed term, with the closest term as hint."""
        return Issue(key, f"'{item}' is not a known {_name(key).split('[')[0].replace('_', ' ')} term",
                     term_hint(item, self.vocab, vocabs))

    def check_items(self, items: list, key, context, issues: list, vocabs=None) -> tuple:
        vocabs = Vocabularies.ensure(vocabs) if self.vocab else vocabs
        allowed, out = self.allowed(vocabs), []
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(item, str) or item not in allowed:
                issues.append(self.unknown(item, where, vocabs))
            elif item in out:
                issues.append(Issue(where, f"'{item}' is listed twice", "remove one", WARNING))
            else:
                out.append(item)
        return tuple(out)

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        out = {"type": "array", "items": {"enum": list(self.allowed(vocabs))}, "uniqueItems": True}
        if required:
            out["minItems"] = 1
        return out

    def sample(self, vocabs: Vocabularies | None = None):
        return "[" + ", ".join(self.allowed(vocabs)[:2]) + "]"


class LanguageCodes(ChoiceList):
    """A list of ISO 639 language codes (lower case): 'ar', 'fr', 'tzm', 'mey' (Hassaniya)..."""

    def __init__(self):
        super().__init__("")

    def allowed(self, vocabs):
        return tuple(sorted(language_codes()))

    def unknown(self, item, key, vocabs=None):
        return Issue(key, f"'{item}' is not an ISO 639 language code",
                     close(item, ("ar", "fr", "en", "es", "tzm", "zgh", "mey", "ber"))
                     or "write a lower-case code such as 'ar', 'fr', 'en', 'tzm' (Tamazight) or 'mey' (Hassaniya)")

    def sample(self, vocabs: Vocabularies | None = None):
        return "[ar, fr]"


class Countries(ListKind):
    """ISO 3166-1 alpha-2 codes in upper case; `[]` is a value (a regional entry)."""

    empty_ok = True

    def check_items(self, items: list, key, context, issues: list, vocabs=None) -> tuple:
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or item not in country_codes():
                issues.append(Issue(f"{key}[{i}]", f"'{item}' is not an ISO 3166-1 alpha-2 code", country_hint(item)))
            elif item not in out:
                out.append(item)
        return tuple(out)

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return {"type": "array", "items": {"enum": sorted(country_codes())}, "uniqueItems": True}

    def sample(self, vocabs: Vocabularies | None = None):
        return "[MA]"


class StrList(ListKind):
    """A list of non-empty texts (institutions, tags, names)."""

    def check_items(self, items: list, key, context, issues: list, vocabs=None) -> tuple:
        out = []
        for i, item in enumerate(items):
            if isinstance(item, (dict, list)) or item is None or not _visible(str(item)):
                issues.append(Issue(f"{key}[{i}]", "must be non-empty text"))
            else:
                _no_html(str(item), f"{key}[{i}]", issues)
                _no_bidi_override(str(item), f"{key}[{i}]", issues)
                out.append(" ".join(str(item).split()))
        return tuple(out)

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return {"type": "array", "items": {**TEXT, "minLength": 1}}

    def sample(self, vocabs: Vocabularies | None = None):
        return "[]"


class Period(Kind):
    """YYYY or YYYY-YYYY, the end not before the start; kept as written."""

    def check(self, value, key, context=None, vocabs=None):
        m = PERIOD_RE.match(str(value).strip())
        if not m:
            return None, [Issue(key, f"'{value}' is not a period", 'write YYYY or YYYY-YYYY, e.g. "2018-2021"')]
        start, end = int(m[1]), int(m[2] or m[1])
        if end < start:
            return None, [Issue(key, f"period ends ({end}) before it starts ({start})", "write the earlier year first")]
        return str(value).strip(), []

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return {**TEXT, "pattern": r"^\d{4}(-\d{4})?$"}

    def sample(self, vocabs: Vocabularies | None = None):
        return '"2018-2021"'


# Answers that depend on today's date (a date "in the future") change on a later day: the days on
# which they change are collected here while date_horizon() is open, so that the check cache
# (tools.content.cached) forgets such a result on that day (it kept the error after the date had
# passed; found by the reviewer).
_horizons: list[list[dt.date]] = []


@contextmanager
def date_horizon():
    """Collects, while open, the days on which a date-relative answer given meanwhile would change
    (Date(not_future=True): the first day on which a refused date is no longer in the future).
    Yields a list of datetime.date, filled as values are checked (empty: no answer depends on the day)."""
    days: list[dt.date] = []
    _horizons.append(days)
    try:
        yield days
    finally:
        _horizons.remove(days)


class Date(Kind):
    """A calendar date YYYY-MM-DD, cleaned to ISO text. `not_future`: a date more than `slack_days`
    after today (the checking machine's date) is refused, with `hint`."""

    def __init__(self, not_future: bool = False, slack_days: int = 0,
                 hint: str = "write the date on which the page was opened"):
        self.not_future, self.slack_days, self.hint = not_future, slack_days, hint

    def check(self, value, key, context=None, vocabs=None):
        if isinstance(value, dt.datetime):
            value = value.date()
        try:
            if isinstance(value, dt.date):
                day = value
            else:
                if not DATE_RE.match(str(value).strip()):
                    raise ValueError
                day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            return None, [Issue(key, f"'{value}' is not a date", DATE_HINT)]
        if self.not_future and day > dt.date.today() + dt.timedelta(days=self.slack_days):
            for days in _horizons:
                days.append(day - dt.timedelta(days=self.slack_days))  # from then on, not in the future
            return None, [Issue(key, f"'{day.isoformat()}' is in the future", self.hint)]
        return day.isoformat(), []

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return dict(DATE_SCHEMA)

    def sample(self, vocabs: Vocabularies | None = None):
        return f'"{dt.date.today().isoformat()}"'


class Url(Kind):
    """An http(s) address with a host."""

    def check(self, value, key, context=None, vocabs=None):
        url = str(value or "").strip()
        if not _http(url):
            return None, [Issue(key, f"'{url}' is not an http(s) address", URL_HINT)]
        fault = _url_fault(url)
        if fault:
            return None, [Issue(key, *fault)]
        return url, []

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return dict(URL_SCHEMA)

    def sample(self, vocabs: Vocabularies | None = None):
        return "https://"


class Links(ListKind):
    """Public sources: a list of {title, url} with optional `accessed` (a date, not in the future)
    and `archive_url` (an http(s) address of an archived copy, e.g. on web.archive.org)."""

    accessed = Date(not_future=True)
    archive_url = Url()
    keys = ("title", "url", "accessed", "archive_url")

    def check_items(self, items: list, key, context, issues: list, vocabs=None) -> tuple:
        out = []
        for i, item in enumerate(items):
            link = self._link(item, f"{key}[{i}]", issues)
            if link is not None:
                out.append(link)
        return tuple(out)

    def _link(self, item, key: str, issues: list) -> Link | None:
        if not isinstance(item, dict):
            issues.append(Issue(key, "must be a {title, url} pair", "write '- title: ...' then 'url: https://...'"))
            return None
        title, url = str(item.get("title") or "").strip(), str(item.get("url") or "").strip()
        if not title:
            issues.append(Issue(f"{key}.title" if "title" in item else key, "link title is missing"))
        else:
            _no_html(title, f"{key}.title", issues)
            _no_bidi_override(title, f"{key}.title", issues)
        if not _http(url):
            issues.append(Issue(f"{key}.url" if "url" in item else key, f"'{url}' is not an http(s) address",
                                URL_HINT))
            return None
        fault = _url_fault(url)
        if fault:
            issues.append(Issue(f"{key}.url", *fault))
            return None
        extra = {}
        for name, kind in (("accessed", self.accessed), ("archive_url", self.archive_url)):
            if item.get(name) not in (None, ""):
                extra[name], found = kind.check(item[name], f"{key}.{name}")
                issues += found
        for name in item:
            if name not in self.keys:
                issues.append(Issue(f"{key}.{name}", "unknown field, ignored", close(name, self.keys), WARNING))
        if not title or len(extra) != sum(v is not None for v in extra.values()):
            return None
        return Link(title, url, **extra)

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return {"type": "array", "items": {"type": "object", "required": ["title", "url"], "properties": {
            "title": dict(TEXT), "url": dict(URL_SCHEMA), "accessed": dict(DATE_SCHEMA),
            "archive_url": dict(URL_SCHEMA)}}}


class Years(ListKind):
    """A list of years (four digits) from the oldest to the latest, each once; cleaned to ints."""

    def check_items(self, items: list, key, context, issues: list, vocabs=None) -> tuple:
        out: list[int] = []
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            text = str(item).strip() if isinstance(item, (str, int)) and not isinstance(item, bool) else ""
            if not YEAR_RE.match(text):
                issues.append(Issue(where, f"'{item}' is not a year", "write four digits, e.g. 2024"))
            elif out and int(text) == out[-1]:
                issues.append(Issue(where, f"{text} is listed twice", "remove one"))
            elif out and int(text) < out[-1]:
                issues.append(Issue(where, f"{text} comes after {out[-1]}", "list the years from the oldest to the latest"))
            else:
                out.append(int(text))
        return tuple(out)

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        return {"type": "array", "items": YEAR_SCHEMA, "uniqueItems": True}

    def sample(self, vocabs: Vocabularies | None = None):
        return "[2014, 2024]"


class Cite(Kind):
    """Which links support which values: {field name: [link numbers]}, a link number being the
    position in `links` counting from 0 (`cite: {rounds: [0], sample: [1]}`). Each number must
    point at an existing link; citing a field that the block does not give is a warning."""

    def __init__(self, names: tuple[str, ...], links_field: str = "links"):
        self.names, self.links_field = names, links_field

    def check(self, value, key, context=None, vocabs=None):
        context = context or {}
        if not isinstance(value, dict):
            return None, [Issue(key, f"must be a mapping of field: [link numbers], got {_what(value)}",
                                f"write e.g. '{_name(key)}: {{{self.names[0]}: [0]}}'")]
        links = context.get(self.links_field)
        count = len(links) if isinstance(links, list) else 0
        block = context.get("_block") or {}
        issues: list[Issue] = []
        out = []
        for name, refs in value.items():
            where = f"{key}.{name}"
            if name not in self.names:
                issues.append(Issue(where, f"'{name}' is not a field of this block",
                                    close(name, self.names) or _one_of(self.names)))
                continue
            if block and block.get(name) in (None, "", []):
                issues.append(Issue(where, f"cites '{name}', which is not given", f"give {name} or remove its citation",
                                    WARNING))
            numbers = self._numbers(refs, where, count, issues)
            if numbers:
                out.append((str(name), numbers))
        return tuple(out), issues

    def _numbers(self, refs, key: str, count: int, issues: list) -> tuple[int, ...]:
        refs = _as_list(refs, key, issues)
        numbers = []
        for j, ref in enumerate(refs or ()):
            where = f"{key}[{j}]"
            text = str(ref).strip() if isinstance(ref, (str, int)) and not isinstance(ref, bool) else ""
            if not INDEX_RE.match(text):
                issues.append(Issue(where, f"'{ref}' is not a link number",
                                    f"write the position of the link in {self.links_field}, counting from 0"))
            elif int(text) >= count:
                hint = (f"the entry has one link: {self.links_field}[0]" if count == 1
                        else f"the entry has {count} links: {self.links_field}[0] to {self.links_field}[{count - 1}]"
                        if count else f"add the source to {self.links_field} first")
                issues.append(Issue(where, f"{self.links_field}[{int(text)}] does not exist", hint))
            else:
                numbers.append(int(text))
        return tuple(numbers)

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        cited = {"type": "array", "items": INDEX_SCHEMA}
        return {"type": "object", "properties": {name: dict(cited) for name in self.names},
                "additionalProperties": False}

    def sample(self, vocabs: Vocabularies | None = None):
        return f"{{{self.names[0]}: [0]}}"


class Block(Kind):
    """A nested mapping of optional sub-fields (each a schema Field with its own kind).

    Absent or empty sub-fields stay unknown (not given); an unknown sub-key is a warning.
    `types`: the entry types allowed to carry the block (an error on another type).
    `record`: called with the cleaned sub-fields as keywords to build the model's value.
    """

    def __init__(self, fields: tuple, record=dict, types: tuple[str, ...] = ()):
        self.fields, self.record, self.types = fields, record, types
        self.by_name = {f.name: f for f in fields}

    def check(self, value, key, context=None, vocabs=None):
        context = context or {}
        kind = context.get("type")
        if self.types and kind in Vocabularies.ensure(vocabs).terms("types") and kind not in self.types:
            allowed = " or ".join(f"'{t}'" for t in self.types)
            return None, [Issue(key, f"only for entries of type {allowed}; this entry is '{kind}'",
                                f"remove the block, or set type: {self.types[0]}")]
        if not isinstance(value, dict):
            return None, [Issue(key, f"must be a mapping of sub-fields, got {_what(value)}",
                                f"write '{_name(key)}:' then one indented 'name: value' per line")]
        issues: list[Issue] = []
        cleaned = {}
        inner = {**context, "_block": value}
        for f in self.fields:
            sub = value.get(f.name)
            if sub is None or sub == "" or sub == []:
                if f.required:
                    issues.append(Issue(f"{key}.{f.name}", "required field is missing"))
                continue
            result, found = f.kind.check(sub, f"{key}.{f.name}", inner, vocabs)
            issues += found
            if result is not None:
                cleaned[f.name] = result
        for name in value:
            if name not in self.by_name:
                issues.append(Issue(f"{key}.{name}", "unknown field, ignored", close(name, self.by_name), WARNING))
        return self.record(**cleaned), issues

    def json_schema(self, required=False, vocabs: Vocabularies | None = None):
        out = {"type": "object", "properties": {f.name: f.json_schema(vocabs) for f in self.fields}}
        required = [f.name for f in self.fields if f.required]
        return {**out, "required": required} if required else out

    def json_conditions(self, key):
        if not self.types:
            return []
        return [{"if": {"required": [key]}, "then": {"properties": {"type": {"enum": list(self.types)}}}}]

    def sample(self, vocabs: Vocabularies | None = None):
        return ""
