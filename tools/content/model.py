"""The entry record that every stage after validation receives, so later stages can trust it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Entry:
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

    @property
    def key(self) -> str:
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
        value = getattr(self, facet)
        return tuple(value) if isinstance(value, tuple) else (value,)
