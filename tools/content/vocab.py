"""Controlled vocabularies (data/vocabulary.yml), the glossary (data/glossary.yml), the interface
strings (data/ui.yml) and country codes, as one immutable object read once per run.

`Vocabularies.load()` reads the data folder; whoever starts a run (the pipeline, the preview at
each rebuild, the API factory, the command line) loads one and hands it down to the validator,
the page generators, the facets, the search analysers and the API. Nothing here is cached at
module level except the CLDR tables of babel, which are package data and never change while a
process runs: a long-running preview loads a fresh `Vocabularies` on each rebuild, so a theme
added to vocabulary.yml is accepted at the next save.

Kept apart from tools.content.schema so that the field kinds (tools.content.kinds) can read the
vocabularies and the schema can declare its fields with those kinds, without an import cycle.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml
from babel import Locale

from tools.content.problems import Problem
from tools.i18n import DATA_DIR, DEFAULT_LANG

# Codes babel knows that are not ISO 3166-1 alpha-2 assignments (regions, reserved, user-assigned).
_NOT_ISO = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
# ISO 639 codes of languages of the region that the CLDR (babel) does not list:
# Hassaniya Arabic (Mauritania) and the ISO 639-2 collective code for Berber languages.
EXTRA_LANGUAGE_CODES = frozenset({"mey", "ber"})
# libyaml's parser when PyYAML was built with it (ten times faster on glossary.yml), else Python's;
# both are the safe loader.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, missing=None):
    """A YAML file of the data folder, parsed with the safe loader; `missing` when it does not exist.
    Raises OSError if it exists but cannot be read, yaml.YAMLError if it is not YAML."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        return missing


def _broader_lines(path: Path) -> dict[str, int]:
    """{concept id: 1-based line of its `broader:`} in the glossary file at `path` (read as text:
    the parsed YAML keeps no lines); {} when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out, concept = {}, None
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(?:-\s+)?(id|broader):\s*['\"]?([^'\"#]*?)['\"]?\s*(?:#.*)?$", line)
        if m and m.group(1) == "id":
            concept = m.group(2)
        elif m and concept is not None:
            out.setdefault(concept, number)
    return out


@cache
def _territories(lang: str) -> dict:
    return Locale(lang).territories


@cache
def _country_codes() -> frozenset:
    return frozenset(c for c in _territories("en") if len(c) == 2 and c.isalpha() and c not in _NOT_ISO)


@cache
def _language_codes() -> frozenset:
    known = Locale("en").languages
    return frozenset(c for c in known if c.isalpha() and c.islower() and len(c) in (2, 3)) | EXTRA_LANGUAGE_CODES


@dataclass(frozen=True, eq=False)
class Vocabularies:
    """The data files of one run, read once: treat them as read-only.

    data: the folder they were read from (tools/data/).
    vocabulary: vocabulary.yml as parsed: {'types': {term: {lang: {label, description, proposed?}}},
        'themes': ..., 'folders': [...], 'focus_countries': [...], 'country_aliases': {code: [names]},
        'short_forms': {short form: [words]}, 'not_countries': [names]}.
    ui: ui.yml as parsed: {key: {lang: text}} and nested tables ('nav', 'search', 'harmonisation'...).
    glossary_terms (read on first use): glossary.yml's list of concepts, each {id, acronyms, fr/ar/en:
        {term, synonyms, definition}, source, ar_proposed, broader (the id of the concept it is a
        kind of, optional)}; [] when the file does not exist. problems() lists what is wrong in it.

    Values computed from the data (the search glossary's phrase table, country name tables) are kept
    by `derived()` on this object, so they live as long as the run that loaded it.
    """

    data: Path
    vocabulary: dict
    ui: dict
    _derived: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, data: Path = DATA_DIR) -> Vocabularies:
        """Read vocabulary.yml and ui.yml of `data` (glossary.yml is read when first needed).
        Raises OSError if a file cannot be read, yaml.YAMLError if it is not YAML."""
        vocabulary = read_yaml(data / "vocabulary.yml")
        ui = read_yaml(data / "ui.yml")
        if vocabulary is None or ui is None:
            missing = "vocabulary.yml" if vocabulary is None else "ui.yml"
            raise FileNotFoundError(f"{data / missing}: missing")
        return cls(data, vocabulary, ui)

    @classmethod
    def ensure(cls, vocabs: Vocabularies | None) -> Vocabularies:
        """`vocabs` itself, or the shipped data read now when None (for one-off calls and tests; a run
        loads one and passes it down). Raises as load()."""
        return vocabs if vocabs is not None else cls.load()

    @cached_property
    def glossary_terms(self) -> list:
        """The concepts of glossary.yml (see the class docstring); [] when there is no glossary."""
        return (read_yaml(self.data / "glossary.yml", {}) or {}).get("terms", [])

    def problems(self, base: Path | None = None) -> list[Problem]:
        """What the glossary holds that the tools would silently ignore, as the check reports an
        entry's problems (path shown relative to `base` when under it, line, field, message,
        hint): a `broader` naming no concept of the file (its names would not be searched)."""
        path = self.data / "glossary.yml"
        try:
            shown = str(path.relative_to(base)) if base else str(path)
        except ValueError:
            shown = str(path)
        terms = [t for t in self.glossary_terms if isinstance(t, dict)]
        ids = [str(t.get("id")) for t in terms if t.get("id")]
        wrong = [(str(t.get("id")), str(t["broader"])) for t in terms
                 if t.get("broader") and str(t["broader"]) not in ids]
        if not wrong:
            return []
        lines = _broader_lines(path)
        found = []
        for concept, broader in wrong:
            near = difflib.get_close_matches(broader, ids, n=1)
            hint = (f"did you mean '{near[0]}'?" if near else "write the id of another concept of glossary.yml") + \
                " (or remove broader)"
            found.append(Problem(shown, lines.get(concept, 1), f"terms[{concept}].broader",
                                 f"'{broader}' is not the id of a concept of the glossary", hint))
        return found

    def derived(self, key: str, make: Callable[[], object]):
        """The value of make() computed once for this object and `key`, then reused (for tables
        built from the data by other packages, e.g. the search glossary's phrase map)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def terms(self, vocab: str) -> tuple[str, ...]:
        """The terms of a vocabulary, in the file's order. Raises KeyError for an unknown vocabulary."""
        return tuple(self.vocabulary[vocab])

    def label(self, vocab: str, term: str, lang: str = DEFAULT_LANG) -> str:
        """Label of a vocabulary term, or of a country code (vocab 'countries'), in lang; the
        term itself when it has none. Raises KeyError for an unknown vocabulary."""
        if vocab == "countries":
            return self.country_name(term, lang)
        entry = self.vocabulary[vocab].get(term)
        return entry[lang]["label"] if entry else term

    def description(self, vocab: str, term: str, lang: str = DEFAULT_LANG) -> str:
        """One-line description of a term in lang, or '' when it has none."""
        entry = self.vocabulary[vocab].get(term) or {}
        return entry.get(lang, {}).get("description", "")

    def proposed(self, vocab: str, term: str, lang: str) -> bool:
        """True when the term's label in lang is a proposal not yet checked against an official text
        (`proposed: true` under the language, as the glossary's ar_proposed)."""
        entry = self.vocabulary[vocab].get(term) or {}
        return bool(entry.get(lang, {}).get("proposed"))

    def folders(self) -> tuple[str, ...]:
        """Entry folders under practices/: lower-case country codes and 'regional'."""
        return tuple(self.vocabulary["folders"])

    def focus_countries(self) -> tuple[str, ...]:
        """The countries the site compares side by side (ISO codes, in the file's order); () if none."""
        return tuple(self.vocabulary.get("focus_countries", ()))

    def country_aliases(self) -> dict:
        """{ISO code: [other names and demonyms]} of vocabulary.yml; {} if none."""
        return self.vocabulary.get("country_aliases", {})

    def not_countries(self) -> list[str]:
        """Names of vocabulary.yml `not_countries`: regions whose names hold a country's name or
        look like a demonym ('المغرب العربي', the Arab Maghreb); [] if none."""
        return [str(n) for n in self.vocabulary.get("not_countries") or []]

    def short_forms(self) -> dict:
        """{short form: [the words it stands for]} of vocabulary.yml ('stats': statistics,
        statistiques, إحصاءات); {} if none."""
        return self.vocabulary.get("short_forms", {}) or {}

    def text(self, key: str, lang: str) -> str:
        """One interface string of ui.yml in lang. Raises KeyError for an unknown key or language."""
        return self.ui[key][lang]

    @staticmethod
    def country_codes() -> frozenset:
        """ISO 3166-1 alpha-2 codes (upper case) as the CLDR knows them, without regions and reserved codes."""
        return _country_codes()

    @staticmethod
    def country_name(code: str, lang: str = DEFAULT_LANG) -> str:
        """A country's name in lang (CLDR), or the code itself when unknown."""
        return _territories(lang).get(code, code)

    @staticmethod
    def language_codes() -> frozenset:
        """ISO 639-1 (two letters) and 639-2/3 (three letters) codes: the CLDR's, plus EXTRA_LANGUAGE_CODES."""
        return _language_codes()


def country_codes() -> frozenset:
    """ISO 3166-1 alpha-2 codes (CLDR data, the same for every run): see Vocabularies.country_codes."""
    return _country_codes()


def country_name(code: str, lang: str = DEFAULT_LANG) -> str:
    """A country's name in lang (CLDR), or the code itself when unknown."""
    return _territories(lang).get(code, code)


def language_codes() -> frozenset:
    """ISO 639 codes (CLDR data plus EXTRA_LANGUAGE_CODES): see Vocabularies.language_codes."""
    return _language_codes()
