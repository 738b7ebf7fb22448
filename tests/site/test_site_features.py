"""Site features made by page generation alone (no MkDocs): related entries, the citation and
"propose a change" sections of entry pages, the country comparison, country profiles, the
Arabic and English interface labels, and the navigation and language switcher of each interface.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import markdown
import pytest
import yaml

from tests.conftest import MA_AR, ROOT, entry_text, load
from tools.content import schema
from tools.content.model import Entry
from tools.content.vocab import Vocabularies
from tools.project import Project, Settings
from tools.site import languages as interfaces
from tools.site import mkdocs_hooks, pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

FOCUS = ("MA", "TN", "MR", "LY", "DZ")

MA_ID, TN_ID, REG_ID, DZ_ID = "ma-enquete-emploi", "tn-enquete-emploi", "recensements-maghreb", "dz-transferts-fonds"
ILO_ID = "oit-directives-migration"
CORPUS = {
    f"ma/{MA_ID}.fr.md": entry_text(institutions="[Haut-Commissariat au Plan]"),
    f"ma/{MA_ID}.ar.md": entry_text(
        **MA_AR, institutions="[المندوبية السامية للتخطيط]",
        links="\n  - title: موقع المندوبية السامية للتخطيط\n    url: https://www.hcp.ma/ar/"),
    f"tn/{TN_ID}.fr.md": entry_text(
        title="Enquête nationale sur la population et l'emploi", countries="[TN]", themes="[stocks]",
        institutions="[Institut national de la statistique]",
        links="\n  - title: INS\n    url: https://www.ins.tn/"),
    f"regional/{REG_ID}.fr.md": entry_text(
        title="Recensements de la population au Maghreb", countries="[MA, TN]", type="resource",
        themes="[flows]", data_sources="[population-census]"),
    f"dz/{DZ_ID}.fr.md": entry_text(
        title="Transferts de fonds de la Banque d'Algérie", countries="[DZ]", type="resource",
        themes="[remittances]", data_sources="[remittance-records]"),
    f"regional/{ILO_ID}.fr.md": entry_text(
        title="Directives de l'OIT sur les statistiques de migration de main-d'œuvre", countries="[]",
        type="methodology", themes="[harmonisation]", data_sources="[]"),
}


@pytest.fixture(scope="module")
def entries(tmp_path_factory) -> list[Entry]:
    found, problems, files = load(tmp_path_factory.mktemp("features"), CORPUS)
    assert [p.text() for p in problems if p.severity == "error"] == []
    assert len(found) == len(CORPUS) == files
    return found


@pytest.fixture(scope="module")
def generated(entries) -> dict[str, dict[str, str]]:
    return {ui: pages.generate(entries, "https://example.org/", ui, vocabs=SHIPPED) for ui in schema.LANGS}


def by_key(entries: list[Entry], key: str) -> Entry:
    return next(e for e in entries if e.key == key)


def front(page: str) -> dict:
    assert page.startswith("---\n")
    return yaml.safe_load(page[4:].partition("\n---\n")[0])


def section(page: str, heading: str) -> str:
    """Text of a '## heading' section, up to the next '## '."""
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    assert m, f"no section {heading!r}"
    return m.group(1)


# -- related() ------------------------------------------------------------------------------------

def make(id: str, title: str, lang: str = "fr", **fields) -> Entry:
    base = {"type": "practice", "countries": (), "themes": (), "data_sources": ()}
    return Entry(id=id, lang=lang, folder="regional", path=f"practices/regional/{id}.{lang}.md", title=title,
                 summary="Un résumé suffisamment long pour une fiche.", **{**base, **fields})


SUBJECT = make("sujet", "Sujet", type="tool", countries=("MA", "TN"), themes=("stocks", "flows"),
               data_sources=("labour-force-survey", "population-census"))


def test_related_data_sources_outrank_themes():
    # Titles sort against the expected order, so only the scores can put them right.
    by_source = make("par-source", "Zz par source", data_sources=("labour-force-survey", "population-census"))
    by_theme = make("par-theme", "Aa par theme", themes=("stocks", "flows"))
    assert pages.related(SUBJECT, [by_theme, by_source]) == [by_source, by_theme]


def test_related_themes_outrank_countries():
    by_theme = make("par-theme", "Zz par theme", themes=("stocks", "flows"))
    by_country = make("par-pays", "Aa par pays", countries=("MA", "TN"))
    # Countries alone are too weak a link to list (score under the minimum); themes are not.
    assert pages.related(SUBJECT, [by_country, by_theme]) == [by_theme]
    # One theme weighs two countries: a tie, settled by title.
    one_theme = make("un-theme", "Zz un theme", themes=("stocks",), countries=("MA", "TN"))
    two_themes = make("deux-themes", "Aa deux themes", themes=("stocks", "flows"))
    assert pages.related(SUBJECT, [one_theme, two_themes]) == [two_themes, one_theme]


def test_related_ranks_more_shared_values_first():
    one = make("une-source", "Aa", data_sources=("labour-force-survey",), themes=("stocks",))
    two = make("deux-sources", "Zz", data_sources=("labour-force-survey", "population-census"), themes=("stocks",))
    assert pages.related(SUBJECT, [one, two]) == [two, one]


def test_related_excludes_the_entry_itself_and_its_translations():
    twin_ar = replace(SUBJECT, lang="ar", title="موضوع")
    other = make("autre", "Autre", data_sources=("labour-force-survey",), themes=("stocks",))
    assert pages.related(SUBJECT, [SUBJECT, twin_ar, other]) == [other]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_related_one_version_per_entry_in_the_same_language(lang):
    subject = replace(SUBJECT, lang=lang)
    versions = [make("voisin", f"Voisin {v}", lang=v, data_sources=("labour-force-survey",), themes=("stocks",))
                for v in ("fr", "ar", "en")]
    for candidates in (versions, versions[::-1]):
        assert pages.related(subject, candidates) == [versions[["fr", "ar", "en"].index(lang)]]


def test_related_falls_back_to_another_language_when_none_matches():
    fr_only = make("voisin", "Voisin", lang="fr", data_sources=("labour-force-survey",), themes=("stocks",))
    assert pages.related(replace(SUBJECT, lang="ar"), [fr_only]) == [fr_only]


def test_related_requires_a_minimum_score():
    weak = [
        make("rien", "Rien en commun", type="resource", countries=("DZ",), themes=("gender",)),
        make("meme-type", "Même type seulement", type="tool"),
        make("un-pays", "Un pays et le type", type="tool", countries=("MA",)),
        make("un-theme", "Un thème et le type", type="tool", themes=("stocks",)),
        make("une-source", "Une source seulement", data_sources=("labour-force-survey",)),
    ]
    strong = make("fort", "Deux thèmes", themes=("stocks", "flows"))
    assert pages.related(SUBJECT, weak) == []
    assert pages.related(SUBJECT, [*weak, strong]) == [strong]


def test_related_is_limited():
    many = [make(f"voisin-{i}", f"Voisin {i:02d}", data_sources=("labour-force-survey",), themes=("stocks",))
            for i in range(9)]
    assert len(pages.related(SUBJECT, many)) == 5
    assert len(pages.related(SUBJECT, many, limit=3)) == 3


# -- entry pages --------------------------------------------------------------------------------

SECTIONS = {lang: tuple(pages.ui(vocabs=SHIPPED)[key][lang] for key in ("related", "cite", "propose_change"))
            for lang in ("fr", "ar", "en")}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_entry_page_sections_in_the_entry_language(generated, lang):
    page = generated["fr"][f"kb/entries/{MA_ID}/{lang}.md"]
    headings = re.findall(r"^## (.+)$", page, re.M)
    assert headings[-3:] == list(SECTIONS[lang])
    other = SECTIONS["ar" if lang == "fr" else "fr"]
    assert not any(h in other for h in headings)


def test_entry_page_sections_do_not_depend_on_the_interface(generated):
    for lang in ("fr", "ar"):
        path = f"kb/entries/{MA_ID}/{lang}.md"
        assert generated["fr"][path] == generated["ar"][path] == generated["en"][path]


def test_entry_page_related_section_links_related_entries(generated):
    related = section(generated["fr"][f"kb/entries/{MA_ID}/fr.md"], pages.ui(vocabs=SHIPPED)["related"]["fr"])
    assert f"(../{TN_ID}/fr.md)" in related
    assert f"{DZ_ID}" not in related
    assert f"../{MA_ID}/" not in related and "(ar.md)" not in related


def test_entry_page_without_related_entries_has_no_related_section(generated):
    page = generated["fr"][f"kb/entries/{DZ_ID}/fr.md"]
    related, cite, propose = SECTIONS["fr"]
    assert f"## {related}" not in page
    assert f"## {cite}" in page and f"## {propose}" in page


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_entry_page_links_its_bibtex_and_ris(entries, generated, lang):
    stem = f"kb/entries/{MA_ID}/{lang}"
    # The version's page in the interface of its own language, in every interface (#10).
    cited = f"https://example.org/{'' if lang == 'fr' else lang + '/'}kb/entries/{MA_ID}/{lang}/"
    for ui in schema.LANGS:
        cite = section(generated[ui][f"{stem}.md"], SECTIONS[lang][1])
        # The one copy at the site's root (the default interface's tree), linked from each interface.
        assert f"[BibTeX](kb-site:{stem}.bib)" in cite
        assert f"[RIS](kb-site:{stem}.ris)" in cite
        assert f'<bdi dir="ltr">{cited}</bdi>' in cite
    assert generated["fr"][f"{stem}.bib"].startswith(f"@misc{{{MA_ID}-{lang},")
    assert f"\\url{{{cited}}}" in generated["fr"][f"{stem}.bib"]
    assert generated["fr"][f"{stem}.ris"].startswith("TY  - ELEC\r\n")
    assert f"UR  - {cited}\r\n" in generated["fr"][f"{stem}.ris"]


def test_citation_files_are_made_for_the_default_interface_only(entries, generated):
    made = {ui: sorted(p for p in generated[ui] if p.endswith((".bib", ".ris"))) for ui in schema.LANGS}
    assert made["fr"] == sorted(f"kb/entries/{e.id}/{e.lang}.{ext}" for e in entries for ext in ("bib", "ris"))
    assert made["ar"] == made["en"] == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_entry_page_propose_a_change_names_the_file_and_the_guide(entries, generated, lang):
    entry = by_key(entries, f"{MA_ID}.{lang}")
    text = section(generated["fr"][entry.page], SECTIONS[lang][2])
    assert f"`{entry.path}`" in text
    assert f"(../../contribuer/{lang}.md)" in text


# -- comparison page ------------------------------------------------------------------------------

class Tables(HTMLParser):
    """Tables of rendered HTML as rows of cells: {"html": inner HTML, "hrefs": [...], "classes": [...]}."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[dict]]] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = {"html": "", "hrefs": [], "classes": []}
            self.tables[-1][-1].append(self.cell)
        elif self.cell is not None:
            if tag == "a":
                self.cell["hrefs"].append(attrs.get("href"))
            if attrs.get("class"):
                self.cell["classes"] += attrs["class"].split()

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["html"] += data


def comparison_tables(page: str) -> list[list[list[dict]]]:
    html = markdown.markdown(page[4:].partition("\n---\n")[2], extensions=["tables", "md_in_html", "attr_list"])
    parser = Tables()
    html = mkdocs_hooks.open_deferred(html)  # the tables' HTML, as the build's hook opens it
    parser.feed(html)
    return parser.tables


@pytest.fixture(scope="module")
def comparison(generated) -> list[list[list[dict]]]:
    tables = comparison_tables(generated["fr"]["kb/comparaison.md"])
    assert len(tables) == 2
    return tables


def test_comparison_one_row_per_data_source_and_per_theme(comparison):
    by_source, by_theme = comparison
    assert len(by_source) == 1 + len(SHIPPED.terms("data_sources"))
    assert len(by_theme) == 1 + len(SHIPPED.terms("themes"))
    for table, vocab, folder in ((by_source, "data_sources", "sources"), (by_theme, "themes", "themes")):
        assert [row[0]["hrefs"] for row in table[1:]] == [[f"{folder}/{t}.md"] for t in SHIPPED.terms(vocab)]
        assert [row[0]["html"] for row in table[1:]] == [SHIPPED.label(vocab, t, "fr") for t in SHIPPED.terms(vocab)]


def test_comparison_one_column_per_focus_country(comparison):
    assert tuple(SHIPPED.vocabulary["focus_countries"]) == FOCUS
    for table in comparison:
        header = table[0]
        assert len(header) == 1 + len(FOCUS)
        assert [c["hrefs"] for c in header[1:]] == [[f"countries/{c.lower()}.md"] for c in FOCUS]
        assert [c["html"] for c in header[1:]] == [schema.country_name(c, "fr") for c in FOCUS]
        assert all(len(row) == 1 + len(FOCUS) for row in table)


def cells(table, term_href: str) -> dict[str, dict]:
    row = next(r for r in table[1:] if r[0]["hrefs"] == [term_href])
    return dict(zip(FOCUS, row[1:], strict=True))


def test_comparison_links_entries_in_the_right_cells(comparison):
    by_source, by_theme = comparison
    lfs = cells(by_source, "sources/labour-force-survey.md")
    assert lfs["MA"]["hrefs"] == [f"entries/{MA_ID}/fr.md"]
    assert lfs["TN"]["hrefs"] == [f"entries/{TN_ID}/fr.md"]
    census = cells(by_source, "sources/population-census.md")
    assert census["MA"]["hrefs"] == census["TN"]["hrefs"] == [f"entries/{REG_ID}/fr.md"]
    assert cells(by_source, "sources/remittance-records.md")["DZ"]["hrefs"] == [f"entries/{DZ_ID}/fr.md"]
    flows = cells(by_theme, "themes/flows.md")
    # Sorted by title: "Enquête nationale…" before "Recensements…".
    assert flows["MA"]["hrefs"] == [f"entries/{MA_ID}/fr.md", f"entries/{REG_ID}/fr.md"]
    assert flows["TN"]["hrefs"] == [f"entries/{REG_ID}/fr.md"]
    assert cells(by_theme, "themes/stocks.md")["TN"]["hrefs"] == [f"entries/{TN_ID}/fr.md"]


def test_comparison_marks_empty_cells(comparison):
    linked = empty = 0
    for table in comparison:
        for row in table[1:]:
            for cell in row[1:]:
                if cell["hrefs"]:
                    linked += 1
                    assert "kb-empty" not in cell["classes"]
                else:
                    empty += 1
                    assert cell["classes"] == ["kb-empty"]
    assert linked == 10  # 5 cells by data source, 5 by theme
    assert empty == (len(SHIPPED.terms("data_sources")) + len(SHIPPED.terms("themes"))) * len(FOCUS) - linked
    by_source, _ = comparison
    assert all("kb-empty" in c["classes"] for c in cells(by_source, "sources/work-permits.md").values())
    assert all("kb-empty" in row[1 + FOCUS.index("LY")]["classes"] for table in comparison for row in table[1:])


def test_comparison_lists_one_version_per_entry_in_the_interface_language(generated):
    fr = generated["fr"]["kb/comparaison.md"]
    ar = generated["ar"]["kb/comparaison.md"]
    assert f"entries/{MA_ID}/fr.md" in fr and f"entries/{MA_ID}/ar.md" not in fr
    assert f"entries/{MA_ID}/ar.md" in ar and f"entries/{MA_ID}/fr.md" not in ar
    assert f"entries/{TN_ID}/fr.md" in ar  # no Arabic version: the French one
    ar_tables = comparison_tables(ar)
    assert cells(ar_tables[0], "sources/labour-force-survey.md")["MA"]["hrefs"] == [f"entries/{MA_ID}/ar.md"]


# -- interface languages --------------------------------------------------------------------------

def title_of(page: str) -> str:
    return front(page)["title"]


def test_arabic_interface_labels(generated):
    ar, ui = generated["ar"], pages.ui(vocabs=SHIPPED)
    assert title_of(ar["kb/themes/index.md"]) == ui["themes"]["ar"]
    assert f"# {ui['themes']['ar']}" in ar["kb/themes/index.md"]
    assert title_of(ar["kb/countries/index.md"]) == ui["countries"]["ar"]
    assert title_of(ar["kb/index.md"]) == ui["all_entries"]["ar"]
    assert title_of(ar["kb/sources/index.md"]) == ui["data_sources"]["ar"]
    assert title_of(ar["kb/comparaison.md"]) == ui["comparison"]["ar"]
    assert title_of(ar["kb/countries/ma.md"]) == "المغرب"
    assert title_of(ar["kb/themes/stocks.md"]) == SHIPPED.label("themes", "stocks", "ar")
    assert title_of(ar["kb/countries/regional.md"]) == ui["regional"]["ar"]
    assert title_of(ar["kb/types/methodology.md"]) == SHIPPED.label("types", "methodology", "ar")
    countries = ar["kb/countries/index.md"]
    for name in ("المغرب", "تونس", "الجزائر", "ليبيا", "موريتانيا", ui["regional"]["ar"]):
        assert name in countries
    assert "Maroc" not in countries and "Tunisie" not in countries
    assert ui["count"]["ar"] in ar["kb/themes/index.md"]
    listing = ar["kb/index.md"]
    # type and country of each listed entry
    assert SHIPPED.label("types", "tool", "ar") in listing and "المغرب" in listing
    assert SHIPPED.label("types", "tool", "fr") not in listing and "Maroc" not in listing
    assert "المغرب" in ar["kb/comparaison.md"] and "Maroc" not in ar["kb/comparaison.md"]


def test_english_interface_labels(generated):
    en, ui = generated["en"], pages.ui(vocabs=SHIPPED)
    assert title_of(en["kb/themes/index.md"]) == ui["themes"]["en"]
    assert title_of(en["kb/countries/index.md"]) == ui["countries"]["en"]
    assert title_of(en["kb/index.md"]) == ui["all_entries"]["en"]
    assert title_of(en["kb/types/index.md"]) == ui["type"]["en"]
    assert title_of(en["kb/countries/ma.md"]) == "Morocco"
    assert title_of(en["kb/themes/stocks.md"]) == SHIPPED.label("themes", "stocks", "en")
    assert title_of(en["kb/countries/regional.md"]) == ui["regional"]["en"]
    assert title_of(en["kb/comparaison.md"]) == ui["comparison"]["en"]
    countries = en["kb/countries/index.md"]
    for name in ("Morocco", "Tunisia", "Algeria", "Libya", "Mauritania", ui["regional"]["en"]):
        assert name in countries
    assert "Maroc" not in countries
    listing = en["kb/index.md"]
    tool = {lang: SHIPPED.label("types", "tool", lang) for lang in ("fr", "en")}
    assert tool["en"] in listing and "Morocco" in listing and tool["fr"] not in listing


def test_french_interface_labels_stay_french(generated):
    fr = generated["fr"]
    assert title_of(fr["kb/themes/index.md"]) == pages.ui(vocabs=SHIPPED)["themes"]["fr"]
    assert title_of(fr["kb/countries/ma.md"]) == "Maroc"
    assert pages.ui(vocabs=SHIPPED)["themes"]["ar"] not in fr["kb/themes/index.md"]


def test_interface_languages_keep_the_same_pages(generated):
    # Every file but the citation files, which only the default interface holds (#10).
    same = {ui: {p for p in generated[ui] if not p.endswith((".bib", ".ris"))} for ui in generated}
    assert same["fr"] == set(generated["ar"]) == set(generated["en"])


# -- country profiles -----------------------------------------------------------------------------

MISSING = {lang: pages.ui(vocabs=SHIPPED)["not_documented"][lang] for lang in ("fr", "ar", "en")}


def missing_sources(page: str, ui: str) -> list[str]:
    m = re.search(rf"^### {re.escape(MISSING[ui])}\n\n((?:- .+\n)+)", page, re.M)
    assert m, "no missing-sources list"
    return [line[2:] for line in m.group(1).splitlines()]


@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_country_profile_lists_missing_data_sources(generated, ui):
    page = generated[ui]["kb/countries/ma.md"]
    covered = {"labour-force-survey", "population-census"}  # the MA entry and the regional one
    expected = [SHIPPED.label("data_sources", s, ui) for s in SHIPPED.terms("data_sources") if s not in covered]
    assert missing_sources(page, ui) == [pages.md_text(x) for x in expected]


def test_country_profile_without_entries_misses_every_source(generated):
    page = generated["fr"]["kb/countries/ly.md"]
    assert missing_sources(page, "fr") == [pages.md_text(SHIPPED.label("data_sources", s, "fr"))
                                           for s in SHIPPED.terms("data_sources")]
    assert f'<p class="kb-count">{pages.n_entries(0, "fr", vocabs=SHIPPED)}</p>' in page


def test_country_profile_counts_entries_and_lists_institutions(generated):
    page = generated["fr"]["kb/countries/ma.md"]
    assert f'<p class="kb-count">{pages.n_entries(2, "fr", vocabs=SHIPPED)}' in page  # one entry in two languages, plus the regional one
    # Institutions come from the country's own entries, once, in the interface language.
    assert "- <bdi>Haut-Commissariat au Plan</bdi>" in page
    assert "المندوبية السامية للتخطيط" not in page
    assert "(../sources/labour-force-survey.md)" in page
    ar = generated["ar"]["kb/countries/ma.md"]
    assert "- <bdi>المندوبية السامية للتخطيط</bdi>" in ar and "Haut-Commissariat" not in ar


# -- navigation and language switcher -----------------------------------------------------------

@pytest.fixture(scope="module")
def french_nav() -> list:
    return list(Settings.load(Project(ROOT)).nav)


def flatten(nav: list) -> list[tuple[str, str]]:
    """(label, page) of every page, in order; sections give (label, '')."""
    out = []
    for item in nav:
        ((label, value),) = item.items()
        if isinstance(value, list):
            out.append((label, ""))
            out += flatten(value)
        else:
            out.append((label, value))
    return out


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_translate_nav_keeps_pages_and_order(french_nav, lang):
    translated = interfaces.translate_nav(french_nav, lang)
    assert [p for _, p in flatten(translated)] == [p for _, p in flatten(french_nav)]
    shape = [(isinstance(list(i.values())[0], list)) for i in translated]
    assert shape == [(isinstance(list(i.values())[0], list)) for i in french_nav]


def test_translate_nav_arabic_labels(french_nav):
    nav = pages.ui(vocabs=SHIPPED)["nav"]
    labels = dict((p, label) for label, p in flatten(interfaces.translate_nav(french_nav, "ar")) if p)
    for page in ("recherche.md", "index.md", "kb/themes/index.md", "kb/glossaire.md"):
        assert labels[page] == nav[page]["ar"], page
    sections = [label for label, p in flatten(interfaces.translate_nav(french_nav, "ar")) if not p]
    assert sections == [nav[s]["ar"] for s in ("Parcourir", "Le projet", "Contribuer")]


def test_translate_nav_english_labels_and_french_untouched(french_nav):
    before = repr(french_nav)
    nav = pages.ui(vocabs=SHIPPED)["nav"]
    labels = dict((p, label) for label, p in flatten(interfaces.translate_nav(french_nav, "en")) if p)
    assert labels["recherche.md"] == nav["recherche.md"]["en"]
    assert labels["kb/countries/index.md"] == nav["kb/countries/index.md"]["en"]
    assert repr(french_nav) == before
    assert dict((p, label) for label, p in flatten(french_nav) if p)["recherche.md"] == "Recherche"


def test_translate_nav_every_label_is_translated(french_nav):
    table = pages.ui(vocabs=SHIPPED)["nav"]
    for label, page in flatten(french_nav):
        assert (page or label) in table, f"no translation for {page or label!r}"
    for lang in ("ar", "en"):
        labels = [label for label, _ in flatten(interfaces.translate_nav(french_nav, lang))]
        assert labels == [table[p or lbl][lang] for lbl, p in flatten(french_nav)]


def test_translate_nav_keeps_unknown_labels():
    nav = [{"Page inconnue": "inconnue.md"}, {"Section inconnue": [{"Recherche": "recherche.md"}]}]
    search_ar = pages.ui()["nav"]["recherche.md"]["ar"]
    assert interfaces.translate_nav(nav, "ar") == [{"Page inconnue": "inconnue.md"},
                                                  {"Section inconnue": [{search_ar: "recherche.md"}]}]


def links_of(lang: str) -> dict[str, str]:
    return {a["lang"]: a["link"] for a in interfaces.alternates(lang)}


def test_alternates_from_the_arabic_interface():
    assert links_of("ar") == {"fr": "../", "ar": "./", "en": "../en/"}


def test_alternates_from_the_english_interface():
    assert links_of("en") == {"fr": "../", "ar": "../ar/", "en": "./"}


def test_alternates_from_the_french_interface():
    assert links_of("fr") == {"fr": "./", "ar": "ar/", "en": "en/"}
    names = [a["name"] for a in interfaces.alternates("fr")]
    assert names == [SHIPPED.label("languages", lang, lang) for lang in ("fr", "ar", "en")]  # each in itself


def test_french_alternates_match_mkdocs_yml():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config["extra"]["alternate"] == interfaces.alternates("fr")


# -- per-interface config and docs tree -----------------------------------------------------------

def test_config_inherits_mkdocs_yml_with_the_interface_settings(tmp_path):
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings.load(Project(ROOT))
    path = interfaces.config(tmp_path, "ar", tmp_path / "site" / "ar", settings)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["INHERIT"] == str(tmp_path / "mkdocs.yml")
    assert data["theme"]["language"] == "ar" and data["theme"]["direction"] == "rtl"
    assert data["site_dir"] == str(tmp_path / "site" / "ar")
    assert data["docs_dir"] == str(interfaces.tree(tmp_path, "ar"))
    assert data["extra"]["alternate"] == interfaces.alternates("ar")
    assert data["nav"] == interfaces.translate_nav(list(settings.nav), "ar")
    assert data["site_name"] == pages.ui(vocabs=SHIPPED)["site_name"]["ar"]
    en = yaml.safe_load(interfaces.config(tmp_path, "en", tmp_path / "site" / "en", settings).read_text(encoding="utf-8"))
    assert en["theme"]["direction"] == "ltr"
    # Canonical links, sitemap and 404 links of an interface point into its own folder.
    assert data["site_url"] == "http://127.0.0.1:8000/ar/" and en["site_url"] == "http://127.0.0.1:8000/en/"


def test_assemble_builds_the_interface_docs_tree(tmp_path):
    (tmp_path / "docs" / "assets" / "stylesheets").mkdir(parents=True)
    (tmp_path / "docs" / "assets" / "stylesheets" / "extra.css").write_text("body{}", encoding="utf-8")
    (tmp_path / "docs" / "ar").mkdir()
    (tmp_path / "docs" / "ar" / "index.md").write_text("# الرئيسية\n", encoding="utf-8")
    (tmp_path / "docs" / "en" / "x").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "x" / "index.md").write_text("# Home\n", encoding="utf-8")
    interfaces.assemble(tmp_path, "ar", {"themes/index.md": "---\ntitle: المحاور\n---\n"})
    tree = interfaces.tree(tmp_path, "ar")
    files = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert files == ["assets/stylesheets/extra.css", "index.md", "kb/themes/index.md"]
    interfaces.assemble(tmp_path, "ar", {"index.md": "---\ntitle: x\n---\n"})  # replaces the whole tree
    files = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert files == ["assets/stylesheets/extra.css", "index.md", "kb/index.md"]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_search_page_words_come_from_the_interface_data(lang):
    import json

    from tools.site.pages import search_words, ui

    text = search_words(lang)
    assert text.startswith("window.KB_UI = ") and text.endswith(";\n")
    words = json.loads(text[len("window.KB_UI = "):-2])
    labels = words.pop("labels")
    facets = words.pop("facets")
    from tools.search.engine import MAX_QUERY_CHARS

    assert words.pop("max_query_chars") == MAX_QUERY_CHARS  # the API's limit, the inputs' maxlength
    assert words.pop("limits")["query_too_long"] == MAX_QUERY_CHARS  # tests/site/test_search_limits_words.py
    assert words.pop("n_entries") == ui()["n_entries"][lang]  # the count's plural forms
    assert words == {key: value[lang] for key, value in ui()["search"].items()}
    # The facets of the registry (tools/site/facets.py), titled in the interface language.
    assert [(f["name"], f["param"], f["field"]) for f in facets] == [
        ("country", "country", "countries"), ("type", "type", "type"), ("theme", "theme", "themes"),
        ("data_source", "data_source", "data_sources"), ("lang", "lang", "lang")]
    assert facets[0]["title"] == ui()["search"]["facet_country"][lang]
    assert labels["type:tool"] == SHIPPED.label("types", "tool", lang)
    assert words["facet_country"] == ui()["search"]["facet_country"][lang]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_interface_config_describes_the_site_in_its_language(tmp_path, lang):
    """The <meta name="description"> of pages without their own (home, country, tag, search pages)
    comes from site_description: the Arabic and English interfaces had mkdocs.yml's French one."""
    data = interfaces.config_data(ROOT, lang, tmp_path, Settings.load(Project(ROOT)), SHIPPED)
    (line,) = [x for x in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
               if x.startswith("site_description:")]
    french = yaml.safe_load(line)["site_description"]
    assert data["site_description"] == SHIPPED.ui["site_description"][lang] != french
    assert SHIPPED.ui["site_description"]["fr"] == french  # one text, said in three languages
