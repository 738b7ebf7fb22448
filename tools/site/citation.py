"""How to cite an entry (plain text, BibTeX, RIS) and its schema.org JSON-LD.

Every value comes from a contributor's file: each format escapes it by its own rules.

A citation (plain, bibtex, ris) names one address per entry version, whichever interface it is
read in: the version's page in the interface of its own language (`address`), so that the line
shown on the page and the files downloaded from any interface name the same reference. The
JSON-LD describes the page it is on: its address is that interface's (`absolute`).
"""

from __future__ import annotations

import json
import re

from tools import i18n
from tools.content.model import Entry
from tools.content.vocab import Vocabularies

SITE_NAME = {
    "fr": "Base de connaissances — Données de migration de main-d'œuvre au Maghreb",
    "ar": "قاعدة المعارف — بيانات هجرة اليد العاملة في المغرب العربي",
    "en": "Knowledge base — Labour-migration data in the Maghreb",
}
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}",
                   **{c: "\\" + c for c in "{}%&$#_"}}


def absolute(site_url: str, entry: Entry) -> str:
    """Address of the entry's page: `site_url` (trailing slashes dropped) joined to entry.url
    ('kb/entries/<id>/<lang>/'); the site-relative entry.url alone when site_url is ''."""
    return site_url.rstrip("/") + "/" + entry.url if site_url else entry.url


def address(site_url: str, entry: Entry) -> str:
    """The address a citation of `entry` names: the version's page in the interface of its own
    language ('<site_url>ar/kb/entries/<id>/ar/' for an Arabic version, '<site_url>kb/entries/<id>/fr/'
    for a French one), where the page's words and the site's name (SITE_NAME) are in the language
    cited. `site_url`: the site's public address, the default interface's (Settings.site_url);
    '' gives a site-relative address ('ar/kb/entries/<id>/ar/')."""
    prefix = "" if entry.lang == i18n.DEFAULT_LANG else entry.lang + "/"
    return (site_url.rstrip("/") + "/" if site_url else "") + prefix + entry.url


def author(entry: Entry) -> str:
    """The entry's institutions joined by '; ', as one corporate author; 'AMEM' (the project) when the
    entry names none."""
    return "; ".join(entry.institutions) or "AMEM"


def year(entry: Entry) -> str:
    """Year of the citation: the first four characters of entry.updated ('YYYY-MM-DD', the date the
    entry was last updated, as validated), '' when the entry has no date."""
    return (entry.updated or "")[:4]


def plain(entry: Entry, site_url: str) -> str:
    """One-line plain-text citation: 'author (year) « title ». site name. address', the year left out
    when unknown. The site name is in the entry's language (SITE_NAME); the French guillemets are
    used in every language; the address is `address` (`site_url`: the site's address). Not escaped:
    callers escape for their context (cite_line for Markdown)."""
    parts = [author(entry), f"({year(entry)})" if year(entry) else "", f"« {entry.title} ».",
             SITE_NAME[entry.lang] + ".", address(site_url, entry)]
    return " ".join(p for p in parts if p)


# Only the special characters are looked at: a join over every character took most of a .bib
# file's making (#10); str.translate is as slow on text outside ASCII.
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_BIBTEX_ESCAPES)) + "]")


def _bib(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], " ".join(value.split()))


def bibtex(entry: Entry, site_url: str) -> str:
    r"""A BibTeX @misc record (key '<id>-<lang>'), newline-terminated: title, author (the institutions
    in double braces, so that BibTeX takes them as one corporate name rather than splitting
    personal names), year when known, howpublished = \url{address} (the url package's command, as
    web pages are cited with the classic styles such as plain and alpha, which have no url field;
    the address is `address`, `site_url` the site's address), note = the site's name,
    language = the entry's language code. Values have whitespace collapsed to single spaces and
    LaTeX's special characters (\ { } % & $ # _ ^ ~) escaped."""
    # Double braces keep a corporate author ("Haut-Commissariat au Plan") from being split into names.
    lines = [f"  title = {{{_bib(entry.title)}}}", f"  author = {{{{{_bib(author(entry))}}}}}"]
    if year(entry):
        lines.append(f"  year = {{{year(entry)}}}")
    lines += [f"  howpublished = {{\\url{{{_bib(address(site_url, entry))}}}}}",
              f"  note = {{{_bib(SITE_NAME[entry.lang])}}}", f"  language = {{{entry.lang}}}"]
    return f"@misc{{{entry.id}-{entry.lang},\n" + ",\n".join(lines) + "\n}\n"


def ris(entry: Entry, site_url: str) -> str:
    """An RIS record (the Research Information Systems tagged format read by Zotero, EndNote and
    Mendeley): lines 'TAG  - value' ended by CRLF, as the format requires, and closed by 'ER  - '.
    Tags: TY ELEC (electronic citation: a web page), TI title, one AU per institution ('AMEM' when
    none), PY year when known, AB summary, UR address (`address`, `site_url` the site's address), LA language code, T2 the site's name, one KW
    per free tag. Whitespace in values (line breaks included) is collapsed, so no value can start a
    new tag."""
    def line(tag: str, value: str) -> str:
        return f"{tag}  - {' '.join(value.split())}"

    lines = [line("TY", "ELEC"), line("TI", entry.title)]
    lines += [line("AU", i) for i in entry.institutions] or [line("AU", "AMEM")]
    if year(entry):
        lines.append(line("PY", year(entry)))
    lines += [line("AB", entry.summary), line("UR", address(site_url, entry)), line("LA", entry.lang),
              line("T2", SITE_NAME[entry.lang])]
    lines += [line("KW", k) for k in entry.tags]
    return "\r\n".join(lines + ["ER  - ", ""])


def jsonld(entry: Entry, site_url: str, vocabs: Vocabularies | None = None) -> str:
    """schema.org JSON-LD, safe to put inside a <script> element; labels from `vocabs` (None: the
    shipped vocabularies, read now)."""
    vocabs = Vocabularies.ensure(vocabs)
    data = {
        "@context": "https://schema.org", "@type": "CreativeWork", "identifier": entry.id,
        "name": entry.title, "description": entry.summary, "inLanguage": entry.lang,
        "url": absolute(site_url, entry), "genre": vocabs.label("types", entry.type, "en"),
        "keywords": [vocabs.label("themes", t, entry.lang) for t in entry.themes] + list(entry.tags),
        "spatialCoverage": [{"@type": "Country", "name": vocabs.country_name(c, "en"), "identifier": c}
                            for c in entry.countries],
        "creator": [{"@type": "Organization", "name": i} for i in entry.institutions],
        "citation": [link.url for link in entry.links],
        "creativeWorkStatus": entry.status,
    }
    if entry.updated:
        data["dateModified"] = entry.updated
    if entry.period:
        data["temporalCoverage"] = entry.period.replace("-", "/")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # '</script>' or '<!--' in a value must not end or alter the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
