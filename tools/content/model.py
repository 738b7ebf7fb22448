"""The entry record that every stage after validation receives, so later stages can trust it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """A public source. accessed: the day it was read, 'YYYY-MM-DD'; archive_url: an archived copy."""

    title: str
    url: str
    accessed: str | None = None
    archive_url: str | None = None


@dataclass(frozen=True)
class Instrument:
    """What a data-collection instrument (an entry of type 'tool') can measure; every field is
    optional and an absent one is unknown, never guessed.

    rounds: years of the rounds, oldest first (ints). cite: ((field name, (link index, ...)), ...),
    the link indexes pointing into the entry's `links` (0-based), in the order written.
    """

    population: str | None = None
    migrant_identification: tuple[str, ...] = ()
    reference_period: str | None = None
    periodicity: str | None = None
    rounds: tuple[int, ...] = ()
    sample: str | None = None
    collection_modes: tuple[str, ...] = ()
    microdata_access: str | None = None
    questionnaire_languages: tuple[str, ...] = ()
    icls_concepts: tuple[str, ...] = ()
    cite: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def latest_round(self) -> int | None:
        """Year of the latest round, or None when no round is given."""
        return max(self.rounds) if self.rounds else None

    def sources(self, name: str) -> tuple[int, ...]:
        """Indexes into the entry's links that support the field `name` (empty when none is cited)."""
        return dict(self.cite).get(name, ())


@dataclass(frozen=True)
class Entry:
    """One language version of a validated entry (built by tools.content.validate.check_entry).

    id is the slug shared by the language versions; lang its ISO 639-1 code (fr, ar, en); folder the
    folder under practices/ (a lower-case country code or 'regional'); path the file as shown to
    contributors; list fields are tuples of vocabulary terms or ISO 3166-1 alpha-2 codes; dates are
    'YYYY-MM-DD' strings; body is the Markdown after the front matter.
    """

    id: str
    lang: str
    folder: str
    path: str
    title: str
    type: str
    countries: tuple[str, ...]
    summary: str
    themes: tuple[str, ...]
    data_sources: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    period: str | None = None
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "draft"
    updated: str | None = None
    reviewed_by: tuple[str, ...] = ()
    reviewed_on: str | None = None
    body: str = ""
    instrument: Instrument | None = None

    @property
    def key(self) -> str:
        """'<id>.<lang>', unique in a collection (one file per id and language)."""
        return f"{self.id}.{self.lang}"

    @property
    def page(self) -> str:
        """Generated page path under the docs folder; the id is in the address so titles can change."""
        return f"kb/entries/{self.id}/{self.lang}.md"

    @property
    def url(self) -> str:
        """Site-relative address of the page (directory URLs)."""
        return f"kb/entries/{self.id}/{self.lang}/"

    def facet_values(self, facet: str) -> tuple[str, ...]:
        """The values of an attribute as a tuple ('type' -> ('tool',), 'themes' -> the themes).
        Raises AttributeError for a name that is not a field."""
        value = getattr(self, facet)
        return tuple(value) if isinstance(value, tuple) else (value,)


def fingerprint(entry: Entry) -> str:
    """SHA-256 (hex) of every field of the entry (its repr: nested records included, in field
    order): equal fingerprints mean equal entries, so what a stage derived from one entry can be
    reused while the code and data that derive it are unchanged.

    Kept on the entry once computed (an Entry never changes; the value is not a field, so equality,
    hashing and repr ignore it, and dataclasses.replace makes an entry without it), and pickled
    with it: the entries the check reuses from its cache (tools.content.cached) come with theirs,
    so the stages that each ask for every entry's fingerprint (pages, index) hash only the entries
    that changed, not the whole collection on every build (#10)."""
    found = entry.__dict__.get(_PRINT)
    if found is None:
        found = hashlib.sha256(repr(entry).encode("utf-8")).hexdigest()
        object.__setattr__(entry, _PRINT, found)  # frozen: the memo is set past the dataclass's guard
    return found


_PRINT = "_fingerprint"  # the attribute fingerprint() keeps its value in
