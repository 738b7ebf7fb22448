"""tools/citation.py: plain citation, BibTeX, RIS and the schema.org JSON-LD of an entry.

Entries are built directly (stages after validation trust the Entry record), with the awkward
characters a contributor's title, summary or institution could hold.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
import yaml

from tools.content.model import Entry, Link
from tools.content.vocab import Vocabularies
from tools.site import citation, pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

SITE = "https://example.org/kb-site/"
ENTRY = Entry(
    id="ma-enquete-emploi", lang="fr", folder="ma", path="practices/ma/ma-enquete-emploi.fr.md",
    title="Enquête nationale sur l'emploi", type="tool", countries=("MA", "TN"),
    summary="Enquête trimestrielle auprès des ménages sur l'emploi, le chômage et la migration.",
    themes=("stocks", "flows"), data_sources=("labour-force-survey",),
    institutions=("Haut-Commissariat au Plan", "Organisation internationale du Travail"),
    period="2018-2021", links=(Link("Site du HCP", "https://www.hcp.ma/"),), tags=("ENE", "enquête emploi", "BIT"),
    status="draft", updated="2024-05-01",
)
URL = SITE + "kb/entries/ma-enquete-emploi/fr/"
HOSTILE = "Titre </script><script>alert(1)</script> <!-- & fin"


def unescaped(text: str, chars: str) -> list[str]:
    """Characters of `chars` in text that no backslash escapes."""
    return re.findall(r"(?<!\\)[" + re.escape(chars) + "]", text)


def bib_field(bib: str, name: str) -> str:
    m = re.search(rf"^  {name} = \{{(.*)\}},?$", bib, re.M)
    assert m, f"no {name} field in {bib!r}"
    return m.group(1)


# -- BibTeX ---------------------------------------------------------------------------------------

def test_bibtex_escapes_special_characters_in_titles():
    title = "Coût {total} : 50 % & taux $ #1 du_fichier"
    bib = citation.bibtex(replace(ENTRY, title=title), SITE)
    value = bib_field(bib, "title")
    for fragment in (r"\{total\}", r"50 \%", r"\&", r"\$", r"\#1", r"du\_fichier"):
        assert fragment in value
    assert unescaped(value, "{}%&$#_") == []


def test_bibtex_braces_balance_whatever_the_title():
    bib = citation.bibtex(replace(ENTRY, title="}{ fermer } trop {{ ouvrir % _ # & $"), SITE)
    assert len(unescaped(bib, "{")) == len(unescaped(bib, "}"))
    assert bib.startswith("@misc{ma-enquete-emploi-fr,\n")
    assert bib.rstrip().endswith("}")


def test_bibtex_keeps_a_corporate_author_in_double_braces():
    bib = citation.bibtex(replace(ENTRY, institutions=("Haut-Commissariat au Plan",)), SITE)
    assert "  author = {{Haut-Commissariat au Plan}}," in bib


def test_bibtex_escapes_the_corporate_author_too():
    bib = citation.bibtex(replace(ENTRY, institutions=("Office des changes & Co_op",)), SITE)
    assert r"  author = {{Office des changes \& Co\_op}}," in bib


def test_bibtex_year_url_and_language():
    bib = citation.bibtex(ENTRY, SITE)
    assert bib_field(bib, "year") == "2024"
    assert URL in bib_field(bib, "howpublished")
    assert bib_field(bib, "language") == "fr"
    assert "year =" not in citation.bibtex(replace(ENTRY, updated=None), SITE)


# -- RIS ------------------------------------------------------------------------------------------

def ris_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def test_ris_starts_with_ty_ends_with_er_and_uses_crlf():
    text = citation.ris(ENTRY, SITE)
    lines = ris_lines(text)
    assert lines[0] == "TY  - ELEC"
    assert lines[-1].startswith("ER  -")
    assert [ln for ln in lines if ln.startswith("TY  -")] == [lines[0]]
    assert [ln for ln in lines if ln.startswith("ER  -")] == [lines[-1]]
    assert text.count("\n") == text.count("\r\n")
    assert text.count("\r") == text.count("\r\n")


def test_ris_every_line_is_a_tag_even_with_multiline_values():
    text = citation.ris(replace(ENTRY, summary="Première ligne\nseconde ligne\r\ntroisième", title="Un\ntitre"), SITE)
    for line in ris_lines(text):
        assert re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    assert "TI  - Un titre" in ris_lines(text)


def test_ris_one_au_per_institution():
    lines = ris_lines(citation.ris(ENTRY, SITE))
    assert [ln for ln in lines if ln.startswith("AU  -")] == [
        "AU  - Haut-Commissariat au Plan", "AU  - Organisation internationale du Travail"]
    none = ris_lines(citation.ris(replace(ENTRY, institutions=()), SITE))
    assert [ln for ln in none if ln.startswith("AU  -")] == ["AU  - AMEM"]


def test_ris_one_kw_per_tag():
    lines = ris_lines(citation.ris(ENTRY, SITE))
    assert [ln for ln in lines if ln.startswith("KW  -")] == ["KW  - ENE", "KW  - enquête emploi", "KW  - BIT"]
    assert not [ln for ln in ris_lines(citation.ris(replace(ENTRY, tags=()), SITE)) if ln.startswith("KW  -")]


def test_ris_title_year_url():
    lines = ris_lines(citation.ris(ENTRY, SITE))
    assert "TI  - Enquête nationale sur l'emploi" in lines
    assert "PY  - 2024" in lines
    assert f"UR  - {URL}" in lines
    assert "LA  - fr" in lines


# -- plain ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("site_url", [SITE, SITE.rstrip("/")])
def test_plain_citation_has_title_year_and_absolute_url(site_url):
    text = citation.plain(ENTRY, site_url)
    assert ENTRY.title in text
    assert "2024" in text
    assert URL in text
    assert "//kb" not in text.replace("https://", "")


def test_plain_citation_names_the_institutions_and_the_site():
    text = citation.plain(ENTRY, SITE)
    assert "Haut-Commissariat au Plan" in text and "Organisation internationale du Travail" in text
    assert citation.SITE_NAME["fr"] in text
    ar = citation.plain(replace(ENTRY, lang="ar", title="المسح الوطني حول التشغيل"), SITE)
    assert citation.SITE_NAME["ar"] in ar and "kb/entries/ma-enquete-emploi/ar/" in ar


def test_plain_citation_without_date_or_site_url():
    text = citation.plain(replace(ENTRY, updated=None), "")
    assert "()" not in text
    assert not re.search(r"\(\d{4}\)", text)
    assert text.endswith("kb/entries/ma-enquete-emploi/fr/")


# -- the address cited ----------------------------------------------------------------------------

AR = replace(ENTRY, lang="ar", title="المسح الوطني حول التشغيل")


@pytest.mark.parametrize("entry, cited", [(ENTRY, URL), (AR, SITE + "ar/kb/entries/ma-enquete-emploi/ar/"),
                                          (replace(ENTRY, lang="en"), SITE + "en/kb/entries/ma-enquete-emploi/en/")])
def test_every_citation_names_the_version_page_in_the_interface_of_its_language(entry, cited):
    # One address per version, whichever interface the citation is read or downloaded from (#10):
    # the BibTeX and RIS files are made once for the whole site.
    assert citation.address(SITE, entry) == cited
    assert citation.plain(entry, SITE).endswith(" " + cited)
    assert bib_field(citation.bibtex(entry, SITE), "howpublished") == f"\\url{{{cited}}}"
    assert f"UR  - {cited}" in ris_lines(citation.ris(entry, SITE))


def test_address_without_site_url_is_relative_to_the_site_root():
    assert citation.address("", ENTRY) == "kb/entries/ma-enquete-emploi/fr/"
    assert citation.address("", AR) == "ar/kb/entries/ma-enquete-emploi/ar/"
    assert citation.address(SITE.rstrip("/"), AR) == SITE + "ar/kb/entries/ma-enquete-emploi/ar/"


def test_jsonld_keeps_the_address_of_the_interface_it_is_read_in():
    assert json.loads(citation.jsonld(AR, SITE, vocabs=SHIPPED))["url"] == SITE + "kb/entries/ma-enquete-emploi/ar/"
    assert json.loads(citation.jsonld(AR, SITE + "en/", vocabs=SHIPPED))["url"] == \
        SITE + "en/kb/entries/ma-enquete-emploi/ar/"


# -- JSON-LD --------------------------------------------------------------------------------------

def test_jsonld_parses_as_schema_org_json():
    data = json.loads(citation.jsonld(ENTRY, SITE, vocabs=SHIPPED))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "CreativeWork"
    assert data["name"] == ENTRY.title
    assert data["description"] == ENTRY.summary
    assert data["inLanguage"] == "fr"
    assert data["url"] == URL
    assert data["identifier"] == ENTRY.id
    assert [c["name"] for c in data["creator"]] == list(ENTRY.institutions)
    assert data["citation"] == ["https://www.hcp.ma/"]
    assert {"ENE", "enquête emploi", "BIT"} <= set(data["keywords"])


def test_jsonld_hostile_title_cannot_close_the_script_element():
    entry = replace(ENTRY, title=HOSTILE, summary="Résumé <b>gras</b> & </SCRIPT > <!-- commentaire -->",
                    tags=("</script>",), institutions=("A&B <i>",))
    text = citation.jsonld(entry, SITE, vocabs=SHIPPED)
    assert "<" not in text
    assert ">" not in text
    assert "</script" not in text.lower()
    assert "<!--" not in text
    data = json.loads(text)  # \u003c and friends are valid JSON escapes
    assert data["name"] == HOSTILE
    assert data["description"] == entry.summary
    assert "</script>" in data["keywords"]
    assert data["creator"] == [{"@type": "Organization", "name": "A&B <i>"}]


def test_jsonld_survives_the_yaml_front_matter_of_the_entry_page():
    """The page template reads the JSON-LD back from the front matter: it must come out intact."""
    entry = replace(ENTRY, title=HOSTILE + " \"guillemets\" \\ barre: deux-points # dièse")
    page = pages.entry_page(entry, [entry], [], SITE, vocabs=SHIPPED)
    meta = yaml.safe_load(page[4:].partition("\n---\n")[0])
    assert meta["jsonld"] == citation.jsonld(entry, SITE, vocabs=SHIPPED)
    assert json.loads(meta["jsonld"])["name"] == entry.title


def test_jsonld_spatial_coverage_lists_the_countries():
    data = json.loads(citation.jsonld(ENTRY, SITE, vocabs=SHIPPED))
    assert [c["identifier"] for c in data["spatialCoverage"]] == ["MA", "TN"]
    assert [c["name"] for c in data["spatialCoverage"]] == ["Morocco", "Tunisia"]
    assert all(c["@type"] == "Country" for c in data["spatialCoverage"])
    regional = json.loads(citation.jsonld(replace(ENTRY, countries=()), SITE, vocabs=SHIPPED))
    assert regional["spatialCoverage"] == []


def test_jsonld_dates_when_updated_and_period_are_given():
    data = json.loads(citation.jsonld(ENTRY, SITE, vocabs=SHIPPED))
    assert data["dateModified"] == "2024-05-01"
    assert data["temporalCoverage"] == "2018/2021"
    single = json.loads(citation.jsonld(replace(ENTRY, period="2019"), SITE, vocabs=SHIPPED))
    assert single["temporalCoverage"] == "2019"


def test_jsonld_no_dates_when_updated_and_period_are_missing():
    data = json.loads(citation.jsonld(replace(ENTRY, updated=None, period=None), SITE, vocabs=SHIPPED))
    assert "dateModified" not in data
    assert "temporalCoverage" not in data
