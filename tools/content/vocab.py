"""Controlled vocabularies (data/vocabulary.yml) and country codes, read for the schema and its kinds.

Kept apart from tools.content.schema so that the field kinds (tools.content.kinds) can read the
vocabularies and the schema can declare its fields with those kinds, without an import cycle.
"""

from __future__ import annotations

from functools import cache

import yaml
from babel import Locale

from tools.i18n import DATA_DIR, DEFAULT_LANG

# Codes babel knows that are not ISO 3166-1 alpha-2 assignments (regions, reserved, user-assigned).
_NOT_ISO = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
# ISO 639 codes of languages of the region that the CLDR (babel) does not list:
# Hassaniya Arabic (Mauritania) and the ISO 639-2 collective code for Berber languages.
EXTRA_LANGUAGE_CODES = frozenset({"mey", "ber"})

_DATA: dict[str, tuple[tuple[int, int], object]] = {}


def data_file(name: str) -> dict:
    """A YAML file of data/ (vocabulary, glossary, interface strings), parsed.

    Parsed once and re-read only when the file's modification time or size changes, so a
    long-running process (the live preview, the server) sees an edited vocabulary at once.
    Raises OSError if the file cannot be read, yaml.YAMLError if it is not YAML.
    """
    path = DATA_DIR / name
    st = path.stat()
    key = (st.st_mtime_ns, st.st_size)
    cached = _DATA.get(name)
    if cached is None or cached[0] != key:
        with open(path, encoding="utf-8") as fh:
            cached = _DATA[name] = (key, yaml.safe_load(fh))
    return cached[1]


def vocabulary() -> dict:
    """{'types': {term: {lang: {label, description}}}, 'themes': ..., 'folders': [...]}"""
    return data_file("vocabulary.yml")


def terms(vocab: str) -> tuple[str, ...]:
    """The terms of a vocabulary, in the file's order. Raises KeyError for an unknown vocabulary."""
    return tuple(vocabulary()[vocab])


def label(vocab: str, term: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a vocabulary term, or of a country code, in the interface language."""
    if vocab == "countries":
        return country_name(term, lang)
    entry = vocabulary()[vocab].get(term)
    return entry[lang]["label"] if entry else term


def description(vocab: str, term: str, lang: str = DEFAULT_LANG) -> str:
    """One-line description of a term in lang, or '' when it has none."""
    entry = vocabulary()[vocab].get(term) or {}
    return entry.get(lang, {}).get("description", "")


def proposed(vocab: str, term: str, lang: str) -> bool:
    """True when the term's label in lang is a proposal not yet checked against an official text
    (`proposed: true` under the language, as the glossary's ar_proposed)."""
    entry = vocabulary()[vocab].get(term) or {}
    return bool(entry.get(lang, {}).get("proposed"))


@cache
def _territories(lang: str) -> dict:
    return Locale(lang).territories


@cache
def country_codes() -> frozenset:
    """ISO 3166-1 alpha-2 codes (upper case) as the CLDR knows them, without regions and reserved codes."""
    return frozenset(c for c in _territories("en") if len(c) == 2 and c.isalpha() and c not in _NOT_ISO)


def country_name(code: str, lang: str = DEFAULT_LANG) -> str:
    """A country's name in lang (CLDR), or the code itself when unknown."""
    return _territories(lang).get(code, code)


@cache
def language_codes() -> frozenset:
    """ISO 639-1 (two letters) and 639-2/3 (three letters) codes: the CLDR's, plus EXTRA_LANGUAGE_CODES."""
    known = Locale("en").languages
    return frozenset(c for c in known if c.isalpha() and c.islower() and len(c) in (2, 3)) | EXTRA_LANGUAGE_CODES


def folders() -> tuple[str, ...]:
    """Entry folders under practices/: lower-case country codes and 'regional'."""
    return tuple(vocabulary()["folders"])
