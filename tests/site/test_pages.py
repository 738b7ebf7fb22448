"""tools/pages.py: escaping helpers, entry pages and the whole set of generated pages.

Entries come from a small practices/ folder written with the conftest helpers and validated by
the real loader, so the pages are those a contributor's files would give. Where it matters, the
generated Markdown is rendered with Python-Markdown and the extensions MkDocs uses for this site.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import replace

import markdown
import pytest
import yaml

from tests.conftest import MA_AR, entry_text, load
from tools.content import schema
from tools.content.model import Entry
from tools.content.vocab import Vocabularies
from tools.search import glossary as glossary_data
from tools.site import harmonisation, pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

# MkDocs always adds toc, tables and fenced_code; the rest comes from mkdocs.yml.
MD_EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"]


def render(md: str) -> str:
    return markdown.markdown(md, extensions=MD_EXTENSIONS)



FR_ID, TN_ID, REG_ID = "ma-enquete-emploi", "tn-recensement-general", "oit-directives-migration"
TN_TITLE = "Recensement *général* [RGPH] | ménages_2014"
CORPUS = {
    f"ma/{FR_ID}.fr.md": entry_text(tags='[Emploi, سوق العمل, "Données *brutes* | [x]"]'),
    f"ma/{FR_ID}.ar.md": entry_text(
        **MA_AR, tags="[سوق العمل]",
        links="\n  - title: موقع المندوبية السامية للتخطيط\n    url: https://www.hcp.ma/ar/"),
    f"tn/{TN_ID}.fr.md": entry_text(
        title=f'"{TN_TITLE}"', countries="[TN, FR]", themes="[stocks]", data_sources="[population-census]",
        institutions="[INS]", tags="[Recensement]", status="reviewed", reviewed_by="[Point focal TN]",
        reviewed_on='"2024-06-01"',
        links="\n  - title: Institut national de la statistique\n    url: https://www.ins.tn/"),
    f"regional/{REG_ID}.fr.md": entry_text(
        title="Directives de l'OIT sur la migration de main-d'œuvre", countries="[]", type="methodology",
        themes="[flows, harmonisation]", data_sources="[]", tags="[Emploi]"),
}


@pytest.fixture(scope="module")
def entries(tmp_path_factory) -> list[Entry]:
    found, problems, files = load(tmp_path_factory.mktemp("pages"), CORPUS)
    assert files == len(CORPUS)
    assert [p.text() for p in problems if p.severity == "error"] == []
    assert len(found) == len(CORPUS)
    return found


@pytest.fixture(scope="module")
def generated(entries) -> dict[str, str]:
    return pages.generate(entries, vocabs=SHIPPED)


def by_key(entries: list[Entry], key: str) -> Entry:
    return next(e for e in entries if e.key == key)


def front(page: str) -> dict:
    assert page.startswith("---\n")
    meta, _, _ = page[4:].partition("\n---\n")
    return yaml.safe_load(meta)


def body_of(page: str) -> str:
    return page[4:].partition("\n---\n")[2]


# -- md_text ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, escaped", [
    ("a*b*", r"a\*b\*"),
    ("snake_case_name", r"snake\_case\_name"),
    ("[lien](x)", r"\[lien\](x)"),
    ("a | b", r"a \| b"),
    ("# titre", r"\# titre"),
    ("`code`", r"\`code\`"),
])
def test_md_text_escapes_markdown_syntax(raw, escaped):
    assert pages.md_text(raw) == escaped


def test_md_text_escapes_html():
    out = pages.md_text("<script>alert(1)</script> & <b>")
    assert "<" not in out and ">" not in out
    assert out.startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&amp;" in out


def test_md_text_renders_as_the_literal_text():
    raw = "*gras* _it_ [lien](https://x.org) | <script>alert(1)</script> `c`"
    out = render(pages.md_text(raw))
    for tag in ("<em", "<strong", "<a ", "<script", "<code"):
        assert tag not in out
    assert html.unescape(re.sub(r"</?p>", "", out)) == raw


# -- safe_body ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, tag", [
    ("<script>alert(1)</script>", "<script"),
    ("Voir <img src=x onerror=alert(1)> ici.", "<img"),
    ('<a href="javascript:alert(1)">clic</a>', "<a "),
])
def test_safe_body_shows_raw_html_as_text(raw, tag):
    out = pages.safe_body("Intro.\n\n" + raw + "\n")
    assert tag not in out
    assert "&lt;" in out
    rendered = render(out)
    assert tag not in rendered
    assert html.escape(tag, quote=False) in rendered


@pytest.mark.parametrize("fence", ["```", "~~~", "```html"])
def test_safe_body_leaves_fenced_code_unchanged(fence):
    closing = fence[:3]
    block = f"{fence}\n<script>alert(1)</script>\n<b>gras</b>\n{closing}"
    body = f"Avant <b>.\n\n{block}\n\nAprès <i>."
    out = pages.safe_body(body)
    assert block in out
    assert out.startswith("Avant &lt;b>.") and out.endswith("Après &lt;i>.")
    # Python-Markdown escapes the code itself: still no live tag.
    assert "<script" not in render(out)


def test_safe_body_leaves_inline_code_unchanged():
    out = pages.safe_body("Écrire `<br>` ou `a < b` mais pas <br> seul.")
    assert out == "Écrire `<br>` ou `a < b` mais pas &lt;br> seul."
    rendered = render(out)
    assert "<code>&lt;br&gt;</code>" in rendered and "<br" not in rendered


def test_safe_body_escapes_html_even_in_indented_lines():
    # Whether an indented line is code or a list continuation depends on context that a
    # line scanner gets wrong (that was an XSS); every indented line is escaped instead, at
    # the cost of showing '&lt;' in the rare indented code block. Fenced code stays as written.
    body = "Exemple :\n\n    <div class=\"x\">code</div>\n\nFin."
    assert pages.safe_body(body) == "Exemple :\n\n    &lt;div class=\"x\">code&lt;/div>\n\nFin."
    fenced = "```\n<div>code</div>\n```"
    assert pages.safe_body(fenced) == fenced


def test_safe_body_keeps_ordinary_markdown():
    body = "## Titre\n\n- un [lien](https://www.hcp.ma/) et **gras**\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    assert pages.safe_body(body) == body


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))",
    "[x]( JavaScript:alert(1))",
    "[x](JAVASCRIPT:alert(document.cookie))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "![image](javascript:alert(1))",
])
def test_safe_body_disables_script_links(link):
    out = pages.safe_body(f"Voir {link} pour détails.")
    assert "(#lien-desactive)" in out
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert scheme not in out.lower()
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', render(out))
    assert hrefs == ["#lien-desactive"]


@pytest.mark.parametrize("ref", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x"])
def test_safe_body_disables_reference_links(ref):
    out = pages.safe_body(f"Voir [la source][r].\n\n[r]: {ref}\n")
    assert "[r]: #lien-desactive" in out
    assert ref.lower() not in out.lower()
    assert re.findall(r'href="([^"]*)"', render(out)) == ["#lien-desactive"]


def test_safe_body_keeps_safe_links():
    body = "Voir [HCP](https://www.hcp.ma/) et [la note][n].\n\n[n]: https://www.ilo.org/note.pdf"
    assert pages.safe_body(body) == body


@pytest.mark.parametrize("body", [
    # an indented line right after a paragraph line continues the paragraph: it is not code
    "Un paragraphe qui continue\n    <img src=x onerror=alert(1)>\n",
    # a second paragraph inside a list item is indented by four spaces
    "- un élément\n\n    <img src=x onerror=alert(1)> suite\n",
])
def test_safe_body_indented_html_that_is_not_code_becomes_text(body):
    """Lines indented by 4 spaces are only code after a blank line outside lists; elsewhere the
    raw HTML they carry is rendered live, so safe_body must escape it too."""
    out = pages.safe_body(body)
    assert "<img" not in render(out), out


@pytest.mark.parametrize("link", [
    "[x](java&#115;cript:alert(1))",   # character reference, decoded by the browser in href
    "[x](&#106;avascript:alert(1))",
    "[x](jav\tascript:alert(1))",       # browsers drop tabs inside URLs
])
def test_safe_body_disables_obfuscated_script_links(link):
    for href in re.findall(r'href="([^"]*)"', render(pages.safe_body(link))):
        decoded = re.sub(r"[\t\n\r ]", "", html.unescape(href)).lower()
        assert not decoded.startswith("javascript:"), href


def test_safe_body_leaves_link_syntax_inside_code_unchanged():
    """'code stays as written': a code block that shows an unsafe link is documentation, not a link."""
    block = "```\n[x](data:text/html,bonjour)\n```"
    assert block in pages.safe_body("Exemple :\n\n" + block)
    assert pages.safe_body("Ne pas écrire `[x](javascript:void(0))`.") == "Ne pas écrire `[x](javascript:void(0))`."


# -- entry pages --------------------------------------------------------------------------------

def test_entry_page_front_matter(entries, generated):
    fr, ar = generated[f"kb/entries/{FR_ID}/fr.md"], generated[f"kb/entries/{FR_ID}/ar.md"]
    meta_fr, meta_ar = front(fr), front(ar)
    assert meta_fr["lang"] == "fr" and meta_fr["dir"] == "ltr"
    assert meta_ar["lang"] == "ar" and meta_ar["dir"] == "rtl"
    assert meta_fr["title"] == "Enquête nationale sur l'emploi"
    assert meta_ar["title"] == MA_AR["title"]
    assert meta_fr["entry_id"] == meta_ar["entry_id"] == FR_ID
    assert meta_fr["description"] == by_key(entries, f"{FR_ID}.fr").summary
    assert front(generated[f"kb/entries/{TN_ID}/fr.md"])["title"] == TN_TITLE


def test_entry_page_title_is_the_h1_escaped(generated):
    lines = body_of(generated[f"kb/entries/{TN_ID}/fr.md"]).split("\n")
    h1 = [ln for ln in lines if ln.startswith("# ")]
    assert h1 == ["# " + pages.md_text(TN_TITLE)]
    heading = render(h1[0])
    assert "<em>" not in heading and "<a " not in heading
    assert html.unescape(re.sub(r"<[^>]+>", "", heading)) == TN_TITLE
    assert body_of(generated[f"kb/entries/{FR_ID}/ar.md"]).lstrip().startswith(f"# {MA_AR['title']}\n")


def test_entry_page_draft_warning_only_for_drafts(generated):
    fr, ar = generated[f"kb/entries/{FR_ID}/fr.md"], generated[f"kb/entries/{FR_ID}/ar.md"]
    reviewed = generated[f"kb/entries/{TN_ID}/fr.md"]
    draft = {lang: SHIPPED.label("statuses", "draft", lang) for lang in ("fr", "ar")}
    assert f'!!! warning "{draft["fr"]}"' in fr and label("draft_notice") in fr
    assert f'!!! warning "{draft["ar"]}"' in ar and label("draft_notice", "ar") in ar
    assert "!!!" not in reviewed
    assert "admonition" in render(body_of(fr)) and "admonition" not in render(body_of(reviewed))


def card_rows(page: str) -> dict[str, str]:
    card = page.split('<div class="kb-card" markdown>', 1)[1].split("</div>", 1)[0]
    rows = {}
    for line in card.strip().split("\n")[2:]:
        m = re.match(r"^\| (.+?) \| (.*) \|$", line)
        assert m, line
        rows[m[1]] = m[2]
    return rows


def label(key: str, lang: str = "fr") -> str:
    """An interface string of tools/data/ui.yml."""
    return pages.ui(vocabs=SHIPPED)[key][lang]


def test_entry_card_labels_in_the_entry_language(generated):
    fr = card_rows(generated[f"kb/entries/{FR_ID}/fr.md"])
    ar = card_rows(generated[f"kb/entries/{FR_ID}/ar.md"])
    assert {label(k) for k in ("type", "countries", "themes", "data_sources", "status", "tags")} <= set(fr)
    assert {label(k, "ar") for k in ("type", "countries", "themes", "data_sources", "status")} <= set(ar)
    assert label("countries") not in ar and label("countries", "ar") not in fr
    assert fr[label("countries")] == "[Maroc](../../countries/ma.md)"
    assert ar[label("countries", "ar")] == f"[{schema.country_name('MA', 'ar')}](../../countries/ma.md)"
    assert ar[label("type", "ar")] == f"[{SHIPPED.label('types', 'tool', 'ar')}](../../types/tool.md)"
    assert fr[label("status")] == SHIPPED.label("statuses", "draft", "fr")
    assert ar[label("status", "ar")] == SHIPPED.label("statuses", "draft", "ar")


def test_entry_card_regional_and_multi_country(generated):
    regional = card_rows(generated[f"kb/entries/{REG_ID}/fr.md"])
    assert regional[label("countries")] == label("regional")
    tn = card_rows(generated[f"kb/entries/{TN_ID}/fr.md"])
    assert tn[label("countries")] == "[Tunisie](../../countries/tn.md), [France](../../countries/fr.md)"
    assert tn[label("institutions")] == "<bdi>INS</bdi>"
    assert tn[label("status")] == SHIPPED.label("statuses", "reviewed", "fr")


def test_entry_card_links_to_other_language_versions(generated):
    fr = card_rows(generated[f"kb/entries/{FR_ID}/fr.md"])
    ar = card_rows(generated[f"kb/entries/{FR_ID}/ar.md"])
    assert fr[label("languages")] == "[العربية](ar.md)"
    assert ar[label("languages", "ar")] == "[Français](fr.md)"
    assert label("languages") not in card_rows(generated[f"kb/entries/{TN_ID}/fr.md"])


def test_entry_card_tags_are_escaped_links(generated):
    fr = card_rows(generated[f"kb/entries/{FR_ID}/fr.md"])
    tags = fr[label("tags")]
    assert "[<bdi>Emploi</bdi>](../../tags/emploi.md)" in tags
    assert "[<bdi>سوق العمل</bdi>](../../tags/سوق-العمل.md)" in tags
    assert r"[<bdi>Données \*brutes\* \| \[x\]</bdi>](../../tags/donnees-brutes-x.md)" in tags


def test_entry_page_source_links_once_when_the_body_has_references(generated):
    fr = generated[f"kb/entries/{FR_ID}/fr.md"]
    ar = generated[f"kb/entries/{FR_ID}/ar.md"]
    # Both bodies have their own references section (Références, المراجع): no second list.
    assert "## Références" in fr and "**Sources**" not in fr and "https://www.hcp.ma/)" not in fr
    assert "## المراجع" in ar and "**المصادر**" not in ar


def test_entry_page_source_links_when_the_body_has_no_references(entries):
    tn = replace(by_key(entries, f"{TN_ID}.fr"), body="## Contexte\n\nTexte.\n")
    page = pages.entry_page(tn, [tn], [tn], vocabs=SHIPPED)
    assert "**Sources**\n\n- [Institut national de la statistique](https://www.ins.tn/)\n" in page
    assert '<a href="https://www.ins.tn/">Institut national de la statistique</a>' in render(body_of(page))


def test_entry_page_body_follows_the_card(generated):
    fr = generated[f"kb/entries/{FR_ID}/fr.md"]
    assert fr.index("</div>") < fr.index("## Contexte") < fr.index("## Références")
    assert "## السياق" in generated[f"kb/entries/{FR_ID}/ar.md"]


# -- the whole set --------------------------------------------------------------------------------

def test_one_page_per_entry_language(entries, generated):
    entry_pages = {p for p in generated if p.startswith("kb/entries/") and p.endswith(".md")}
    assert entry_pages == {f"kb/entries/{e.id}/{e.lang}.md" for e in entries}
    assert len(entry_pages) == 4
    citations = {p for p in generated if p.startswith("kb/entries/") and not p.endswith(".md")}
    assert citations == {f"kb/entries/{e.id}/{e.lang}.{ext}" for e in entries for ext in ("bib", "ris")}
    for e in entries:
        assert front(generated[e.page])["lang"] == e.lang


@pytest.mark.parametrize("vocab, folder", [("themes", "themes"), ("data_sources", "sources"), ("types", "types")])
def test_one_page_per_vocabulary_term(entries, generated, vocab, folder):
    term_pages = {p for p in generated if p.startswith(f"kb/{folder}/")}
    assert term_pages == {f"kb/{folder}/{t}.md" for t in SHIPPED.terms(vocab)} | {f"kb/{folder}/index.md"}
    attr = "type" if vocab == "types" else vocab
    for term in SHIPPED.terms(vocab):
        page = generated[f"kb/{folder}/{term}.md"]
        members = [e for e in entries if term in e.facet_values(attr)]
        assert front(page)["title"] == SHIPPED.label(vocab, term)
        assert f'<p class="kb-count">{pages.n_entries(len({e.id for e in members}), "fr", vocabs=SHIPPED)}</p>' in page
        for e in members:  # one line per entry, the French version when there is one
            assert page.count(f'href="../entries/{e.id}/') == 1
            assert f'href="../entries/{e.id}/{e.lang}.md"' in page or e.lang != "fr"


def test_terms_without_entries_still_have_a_page(entries, generated):
    used = {t for e in entries for t in e.themes}
    unused = [t for t in SHIPPED.terms("themes") if t not in used]
    assert unused
    for term in unused:
        page = generated[f"kb/themes/{term}.md"]
        assert f'<p class="kb-count">{pages.n_entries(0, "fr", vocabs=SHIPPED)}</p>' in page and "../entries/" not in page


def test_country_pages_for_named_countries_and_regional(entries, generated):
    country_pages = {p for p in generated if p.startswith("kb/countries/")}
    # The five focus countries always have a page (the comparison page links them), others when named.
    assert country_pages == {"kb/countries/ma.md", "kb/countries/tn.md", "kb/countries/mr.md", "kb/countries/ly.md",
                             "kb/countries/dz.md", "kb/countries/fr.md", "kb/countries/regional.md",
                             "kb/countries/index.md"}
    ma = generated["kb/countries/ma.md"]
    assert front(ma)["title"] == "Maroc"
    assert f'href="../entries/{FR_ID}/fr.md"' in ma and f'href="../entries/{FR_ID}/ar.md"' not in ma
    assert TN_ID not in ma and REG_ID not in ma
    regional = generated["kb/countries/regional.md"]
    assert f'href="../entries/{REG_ID}/fr.md"' in regional
    assert FR_ID not in regional and TN_ID not in regional
    assert f'href="../entries/{TN_ID}/fr.md"' in generated["kb/countries/fr.md"]


def test_an_empty_regional_page_without_regional_entries(entries):
    # The home pages link kb/countries/regional.md: without it, MkDocs' strict build of a
    # collection with no regional entry failed (found by breaker9). The countries index leaves it out.
    generated = pages.generate([e for e in entries if e.countries], vocabs=SHIPPED)
    regional = generated["kb/countries/regional.md"]
    assert pages.n_entries(0, "fr", vocabs=SHIPPED) in regional and "../entries/" not in regional
    assert "regional.md" not in generated["kb/countries/index.md"]


def test_one_tag_page_per_free_tag(entries, generated):
    tags = {t for e in entries for t in e.tags}
    tag_pages = {p for p in generated if p.startswith("kb/tags/") and p != "kb/tags/index.md"}
    assert tag_pages == {pages.tag_page(t, vocabs=SHIPPED) for t in tags}
    assert len(tag_pages) == len(tags) == 4
    emploi = generated["kb/tags/emploi.md"]
    assert f'href="../entries/{FR_ID}/fr.md"' in emploi and f'href="../entries/{REG_ID}/fr.md"' in emploi
    assert f'<p class="kb-count">{pages.n_entries(2, "fr", vocabs=SHIPPED)}</p>' in emploi


def test_arabic_tags_give_valid_file_names(generated, tmp_path):
    path = pages.tag_page("سوق العمل", vocabs=SHIPPED)
    assert path == "kb/tags/سوق-العمل.md"
    name = posixpath.basename(path)
    assert re.fullmatch(r"[\w-]+\.md", name) and not name.startswith(("-", "."))
    page = generated[path]
    assert front(page)["title"] == "سوق العمل"
    assert f'href="../entries/{FR_ID}/fr.md"' in page and f'href="../entries/{FR_ID}/ar.md"' not in page
    pages.write_pages({path: page}, tmp_path)
    assert (tmp_path / "kb" / "tags" / "سوق-العمل.md").read_text(encoding="utf-8") == page


@pytest.mark.parametrize("tag", ["(( ))", "...", "C++", "Emploi / chômage", "الهِجْرَة"])
def test_tag_slugs_are_plain_file_names(tag):
    name = posixpath.basename(pages.tag_page(tag, vocabs=SHIPPED))
    assert re.fullmatch(r"[\w-]+\.md", name)
    assert not name.startswith(("-", "_", "."))


def test_tag_named_index_keeps_its_own_page(entries):
    """A free tag 'Index' must get a tag page listing its entries, not be replaced by kb/tags/index.md."""
    tagged = replace(by_key(entries, f"{TN_ID}.fr"), tags=("Index",))
    generated = pages.generate([tagged], vocabs=SHIPPED)
    tag_pages = [p for p, text in generated.items()
                 if p.startswith("kb/tags/") and f"../entries/{TN_ID}/fr.md" in text]
    assert tag_pages, "no tag page lists the entry tagged 'Index'"


def index_rows(page: str) -> dict[str, int]:
    rows = re.findall(r"^\| \[.+?\]\((.+?)\) \| (\d+) \|$", page, re.M)
    rows += re.findall(r"^- \[.+?\]\((.+?)\) <small>(\d+)</small>$", page, re.M)  # the tags' index
    return {target: int(count) for target, count in rows}


def ids_where(entries, keep) -> int:
    return len({e.id for e in entries if keep(e)})


def test_index_pages_with_counts(entries, generated):
    themes = index_rows(generated["kb/themes/index.md"])
    # Counts are of entries (ids): the French and Arabic versions of FR_ID count once.
    assert themes == {f"{t}.md": ids_where(entries, lambda e, t=t: t in e.themes) for t in SHIPPED.terms("themes")}
    assert themes["stocks.md"] == 2 and themes["flows.md"] == 2
    sources = index_rows(generated["kb/sources/index.md"])
    assert sources == {f"{t}.md": ids_where(entries, lambda e, t=t: t in e.data_sources)
                       for t in SHIPPED.terms("data_sources")}
    types = index_rows(generated["kb/types/index.md"])
    assert types == {f"{t}.md": ids_where(entries, lambda e, t=t: e.type == t) for t in SHIPPED.terms("types")}
    assert types["tool.md"] == 2 and types["methodology.md"] == 1 and types["practice.md"] == 0
    countries = index_rows(generated["kb/countries/index.md"])
    assert countries == {"ma.md": 1, "tn.md": 1, "fr.md": 1, "regional.md": 1, "mr.md": 0, "ly.md": 0, "dz.md": 0}
    tags = index_rows(generated["kb/tags/index.md"])
    assert tags == {pages.tag_page(t, vocabs=SHIPPED)[len("kb/tags/"):]: n
                    for t, n in (("Emploi", 2), ("سوق العمل", 1), ("Données *brutes* | [x]", 1), ("Recensement", 1))}


@pytest.mark.parametrize(("lang", "n", "category"), [
    ("fr", 0, "one"), ("fr", 1, "one"), ("fr", 2, "other"),  # French counts 0 as singular
    ("en", 0, "other"), ("en", 1, "one"),
    ("ar", 0, "zero"), ("ar", 1, "one"), ("ar", 2, "two"), ("ar", 3, "few"), ("ar", 11, "many"), ("ar", 100, "other"),
])
def test_entry_counts_take_the_language_plural_form(lang, n, category):
    assert pages.n_entries(n, lang, vocabs=SHIPPED) == pages.ui(vocabs=SHIPPED)["n_entries"][lang][category].format(n=n)


def test_all_entries_index_and_glossary(entries, generated):
    index = generated["kb/index.md"]
    assert front(index)["title"] == label("all_entries")
    assert f'<p class="kb-count">{pages.n_entries(len({e.id for e in entries}), "fr", vocabs=SHIPPED)}</p>' in index
    for e in entries:
        assert index.count(f'href="entries/{e.id}/') == 1
    glossary = generated["kb/glossaire.md"]
    assert front(glossary)["title"] == label("glossary")
    assert f"\n# {label('glossary')}\n" in glossary
    concepts = [p for p in generated if p.startswith("kb/glossaire/")]
    assert len(concepts) == len(glossary_data.load()) >= 3
    # The index links every concept page once, under its letter's anchor.
    linked = re.findall(r"\]\((glossaire/[^)#]+\.md)\)", glossary)
    assert sorted("kb/" + t for t in linked) == sorted(concepts)
    assert re.search(r"^## M \{#lettre-m\}$", glossary, re.M)
    assert all('## Arabe\n\n<div lang="ar" dir="rtl" markdown>' in generated[p] for p in concepts
               if "## Arabe" in generated[p])
    assert any("## Arabe" in generated[p] for p in concepts)


def test_relative_links_point_to_generated_pages(generated):
    checked = 0
    for path, text in generated.items():
        # Home-page snippets are included into index.md at the docs root: links start from there.
        base = "" if path.endswith(".txt") else posixpath.dirname(path)
        # Markdown links and the listings' raw-HTML links (made URLs by tools.site.mkdocs_hooks).
        found = re.findall(r'\]\(([^)\s]+?\.md)(?:#[^)]*)?\)|href="([^":#]+?\.md)(?:#[^"]*)?"', text)
        for target in (md or raw for md, raw in found):
            resolved = posixpath.normpath(posixpath.join(base, target))
            if resolved.startswith("kb/contribuer/"):
                continue  # the contributor guides come from CONTRIBUTING*.md, in the build stage
            assert resolved in generated, f"{path} links to {target} ({resolved}), which was not generated"
            checked += 1
    assert checked > 100


def test_every_generated_page_is_under_kb_and_has_front_matter(generated):
    assert sum(path.endswith(".md") for path in generated) > 20
    for path, text in generated.items():
        assert path.startswith("kb/")
        if path.endswith(".md"):
            assert front(text)["title"]
        else:
            assert path.endswith((".bib", ".ris")) or path in ("kb/search-ui.js", "kb/home-countries.txt",
                                                               "kb/home-latest.txt") or path in harmonisation.EXPORTS


def test_edit_link_only_when_the_repository_address_is_set(entries):
    entry = entries[0]
    without = pages.entry_page(entry, [entry], entries, vocabs=SHIPPED)
    assert "/edit/main/" not in without and f"`{entry.path}`" in without
    with_repo = pages.entry_page(entry, [entry], entries, edit_base="https://github.com/org/kb/edit/main/", vocabs=SHIPPED)
    assert f"(https://github.com/org/kb/edit/main/{entry.path})" in with_repo


def test_country_institutions_are_named_in_the_interface_language_where_some_entry_translates_them():
    """An entry with no English version is shown in French on the English country page; its
    institutions take the English names that entries with both versions give them (parallel
    lists) or that the glossary gives as the same concept, merge with those, and the ones nobody
    translated keep their language as lang."""
    from tests.conftest import make_entry

    both = dict(countries=("MA",), institutions=())
    a_fr = make_entry("ma-a", "fr", "Enquête A", "Résumé de la fiche A en français.", **{
        **both, "institutions": ("Haut-Commissariat au Plan (HCP)", "Organisation internationale du Travail (OIT)")})
    a_en = make_entry("ma-a", "en", "Survey A", "Summary of entry A in English.", **{
        **both, "institutions": ("High Commission for Planning (HCP)", "International Labour Organization (ILO)")})
    b_fr = make_entry("ma-b", "fr", "Registre B", "Résumé de la fiche B en français.", **{
        **both, "institutions": ("Haut-Commissariat au Plan (HCP)", "Caisse nationale de sécurité sociale (CNSS)",
                                 "Bureau international du Travail (BIT)")})  # the glossary's synonym of the ILO
    page = pages.country_profile("MA", [a_fr, a_en, b_fr], "kb/countries/ma.md", "en", vocabs=SHIPPED)
    section = page.partition("## " + pages.t("institutions", "en", vocabs=SHIPPED))[2].partition("\n## ")[0]
    assert re.findall(r"^- (.+)$", section, re.M) == [
        '<bdi lang="fr" dir="ltr">Caisse nationale de sécurité sociale (CNSS)</bdi>',
        "<bdi>High Commission for Planning (HCP)</bdi>",
        "<bdi>International Labour Organization (ILO)</bdi>"]
    french = pages.country_profile("MA", [a_fr, a_en, b_fr], "kb/countries/ma.md", "fr", vocabs=SHIPPED)
    assert "High Commission" not in french and "<bdi>Haut-Commissariat au Plan (HCP)</bdi>" in french
