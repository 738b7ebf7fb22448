"""Listings as raw HTML (tools.site.pages.entry_list) and their links made page URLs by the MkDocs
hook (tools.site.mkdocs_hooks.md_links_to_urls): the same HTML as the Markdown list they replace,
untrusted titles escaped, links to the pages MkDocs builds with either URL style."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from types import SimpleNamespace

import markdown
import pytest
from mkdocs.structure.files import File, Files

from tools.content.sanitize import clean
from tools.content.vocab import Vocabularies
from tools.site import mkdocs_hooks, pages

SHIPPED = Vocabularies.load()
MD_EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"]
HOSTILE = ('<script>alert(1)</script> *gras* [x](javascript:alert(1)) & "q" \'a\' `c` _u_ | '
           '</bdi></a></li></ul><img src=x onerror=alert(1)> \\ &amp; --8<-- "secret"')


@pytest.fixture(scope="module")
def entries(shipped_collection):
    found, problems, _ = shipped_collection
    assert found and not [p for p in problems if p.severity == "error"]
    return found


def variants(entries):
    """Shipped entries plus hostile and edge-case titles, a draft and a reviewed one, each language."""
    base = {e.lang: e for e in entries}
    out = list(entries[:20])
    for _, e in sorted(base.items()):
        out += [replace(e, title=HOSTILE, status="draft"), replace(e, title="Titre عربي 10.c.1", status="reviewed"),
                replace(e, countries=())]
    return out


@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_items_are_the_html_markdown_made_of_the_lines(entries, ui):
    source = "kb/themes/stocks.md"
    for e in variants(entries):
        from_markdown = markdown.markdown(pages.entry_line(e, source, ui, vocabs=SHIPPED), extensions=MD_EXTENSIONS)
        raw = markdown.markdown("<ul>\n" + pages.entry_item(e, source, ui, vocabs=SHIPPED) + "\n</ul>",
                                extensions=MD_EXTENSIONS)
        assert raw == from_markdown, e.title
        assert clean(raw) == clean(from_markdown)


def render(md: str) -> str:
    """Markdown's HTML of a generated page's text with its deferred HTML opened, as in the build."""
    return mkdocs_hooks.open_deferred(markdown.markdown(md, extensions=MD_EXTENSIONS))


def test_hostile_title_stays_text(entries):
    e = replace(entries[0], title=HOSTILE)
    item = pages.entry_item(e, "kb/index.md", "fr", vocabs=SHIPPED)
    html = render(pages.entry_list([e], "kb/index.md", "fr", vocabs=SHIPPED))
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in item
    assert html.count("<li>") == 1 and html.count("</ul>") == 1 and html.count("<a ") == 1
    assert '--8&lt;-- "secret"' in item  # shown as written, nothing included


def test_list_is_one_raw_block_sorted_by_title(entries):
    ui = "fr"
    listing = pages.entry_list(entries, "kb/index.md", ui, vocabs=SHIPPED)
    shown = pages.one_per_entry(entries, ui)
    assert listing.startswith(mkdocs_hooks.DEFERRED_OPEN + "<ul>\n") and listing.endswith("</ul>\n-->\n")
    assert listing.count("<li>") == len(shown) > 10
    html = render("# T\n\n" + listing + "\nnext")
    block = listing[len(mkdocs_hooks.DEFERRED_OPEN):-len("-->\n")]
    assert block in html and "<!--" not in html and html.endswith("<p>next</p>")  # passed through whole
    assert pages.entry_list([], "kb/index.md", ui, vocabs=SHIPPED) == ""


def files_of(paths, use_directory_urls):
    return Files([File(p, "/docs", "/site", use_directory_urls) for p in paths])


@pytest.mark.parametrize(("directory_urls", "expected"), [
    (True, ['href="../../entries/x-1/fr/"', 'href="../../entries/x-1/ar/#top"', 'href="../../"', 'href="../ma/"']),
    (False, ['href="../entries/x-1/fr.html"', 'href="../entries/x-1/ar.html#top"', 'href="../index.html"',
             'href="ma.html"']),
])
def test_hook_makes_md_links_page_urls(directory_urls, expected):
    files = files_of(["kb/entries/x-1/fr.md", "kb/entries/x-1/ar.md", "kb/index.md", "kb/countries/ma.md",
                      "kb/countries/tn.md"], directory_urls)
    page = SimpleNamespace(file=files.get_file_from_path("kb/countries/tn.md"))
    text = ('<li><a href="../entries/x-1/fr.md">a</a></li><li><a href="../entries/x-1/ar.md#top">b</a></li>'
            '<a href="../index.md">c</a><a href="ma.md">d</a><a href="https://example.org/x.md">e</a>')
    out = mkdocs_hooks.md_links_to_urls(text, page, files)
    for href in expected:
        assert href in out
    assert ".md" not in out.replace("https://example.org/x.md", "")


def test_hook_warns_about_a_missing_target_and_leaves_it(caplog):
    files = files_of(["kb/index.md"], True)
    page = SimpleNamespace(file=files.get_file_from_path("kb/index.md"))
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        out = mkdocs_hooks.md_links_to_urls('<a href="entries/gone/fr.md">x</a>', page, files)
    assert out == '<a href="entries/gone/fr.md">x</a>'
    assert any("kb/entries/gone/fr.md" in r.getMessage() for r in caplog.records)


def test_html_table_is_what_markdown_makes_of_the_table():
    head = ["", '<a href="countries/ma.md">Maroc</a>', '<a href="countries/tn.md">Tunisie</a>']
    rows = [['<a href="themes/x.md">X</a>', '• <a href="e/a.md">A &amp; *b*</a><br>• <a href="e/c.md">C</a>',
             '<span class="kb-empty">—</span>']]
    table = "| | [Maroc](countries/ma.md) | [Tunisie](countries/tn.md) |\n|---|---|---|\n" \
            "| [X](themes/x.md) | • [A &amp; \\*b\\*](e/a.md)<br>• [C](e/c.md) | <span class=\"kb-empty\">—</span> |\n"
    assert markdown.markdown(pages.html_table(head, rows), extensions=MD_EXTENSIONS) == \
        markdown.markdown(table, extensions=MD_EXTENSIONS)


def test_comparison_cells_escape_titles(entries):
    hostile = [replace(e, title=HOSTILE) for e in entries]
    page = pages.comparison_page(hostile, "kb/comparaison.md", "fr", vocabs=SHIPPED)
    html = clean(render(page.split("\n---\n", 1)[1]))
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert html.count("<table>") == 2 and html.count("</table>") == 2



def test_comparison_marks_titles_in_another_language_than_the_page(entries):
    """The English comparison shows entries with no English version by their French title: that
    title carries lang="fr" (read and hyphenated as French), an English one none; hostile text stays
    escaped inside the mark."""
    page = pages.comparison_page(entries, "kb/comparaison.md", "en", vocabs=SHIPPED)
    html = clean(render(page.split("\n---\n", 1)[1]))
    marked = re.findall(r'<a href="[^"]+"><bdi lang="(\w+)" dir="(\w+)">', html)
    plain = re.findall(r'<a href="[^"]+/en\.md">(?!<bdi)', html)
    assert marked and plain and all((lang, d) in {("fr", "ltr"), ("ar", "rtl")} for lang, d in marked)
    assert not re.search(r'<a href="[^"]+/en\.md"><bdi', html)
    hostile = pages.comparison_page([replace(e, title=HOSTILE) for e in entries if e.lang == "fr"],
                                    "kb/comparaison.md", "en", vocabs=SHIPPED)
    out = clean(render(hostile.split("\n---\n", 1)[1]))
    assert '<bdi lang="fr" dir="ltr">&lt;script&gt;' in out and "<script" not in out and "<img" not in out


def test_deferred_block_cannot_be_closed_early():
    wrapped = pages.deferred_html("<p>a --> b</p>\n")
    assert wrapped.count("-->") == 1 and re.sub(r"\n+", "\n", render(wrapped + "\nafter")) == "<p>a --&gt; b</p>\n<p>after</p>"


@pytest.mark.parametrize(("directory_urls", "expected"), [
    (True, 'href="../../recherche/?country=MA&amp;theme=stocks"'),
    (False, 'href="../recherche.html?country=MA&amp;theme=stocks"'),
])
def test_hook_keeps_the_query_of_a_link_to_the_search_page(directory_urls, expected):
    files = files_of(["recherche.md", "kb/comparaison.md"], directory_urls)
    page = SimpleNamespace(file=files.get_file_from_path("kb/comparaison.md"))
    link = pages.search_link("kb/comparaison.md", {"theme": "stocks", "country": "MA"})
    out = mkdocs_hooks.md_links_to_urls(pages._html_link(link, "x"), page, files)
    assert expected in out
