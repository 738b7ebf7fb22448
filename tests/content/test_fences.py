"""Fenced code blocks (``` or ~~~) in entry bodies: one definition of a fence for the check, the page
(safe_body then the site's own Markdown configuration, then the sanitiser) and the search's text.

Contributors write SQL, Stata or R for indicator calculations: the page must show it as code,
whitespace kept, and whatever HTML it holds as text.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import markdown
import pytest

from tools.content.markdown import code_free_lines, fences, safe_body
from tools.content.sanitize import clean
from tools.search.analysis import markdown_to_text

REPO = Path(__file__).resolve().parents[2]

SQL = ("SELECT statut,\n"
       "       SUM(CASE WHEN chomeur = 1 THEN poids END) / SUM(poids) AS taux\n"
       "FROM   enquete_emploi\n"
       "GROUP  BY statut;\n")


@pytest.fixture(scope="module")
def site_markdown():
    """A Markdown renderer with the extensions and settings MkDocs gives the site (mkdocs.yml read by
    MkDocs' load_config, its built-in extensions included): what entry pages are rendered with."""
    from mkdocs.config import load_config

    from tools.project import HOOKS_ENV

    for name, value in HOOKS_ENV.items():
        os.environ.setdefault(name, value)
    config = load_config(str(REPO / "mkdocs.yml"))
    return lambda text: markdown.Markdown(extensions=config.markdown_extensions,
                                          extension_configs=config.mdx_configs).convert(text)


def page_html(site_markdown, body: str) -> str:
    """The HTML an entry body becomes on its page: safe_body, the site's Markdown, the sanitiser."""
    return clean(site_markdown(safe_body(body)))


def code_blocks(page: str) -> list[str]:
    """The text of each <pre><code> block of a page, unescaped."""
    return [html.unescape(m) for m in re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", page, re.S)]


def test_the_site_renders_fences_with_fenced_code(site_markdown):
    """safe_body writes blocks in fenced_code's form: the site's configuration must load it (MkDocs
    adds it to mkdocs.yml's list) and not replace it by another reading of fences."""
    from mkdocs.config import load_config

    names = load_config(str(REPO / "mkdocs.yml")).markdown_extensions
    assert "fenced_code" in names
    assert not any("superfences" in str(name) for name in names)


@pytest.mark.parametrize("body, code", [
    ("Le calcul :\n\n```sql\n" + SQL + "```\n\nFin.", SQL),
    ("Le calcul :\n```sql\n" + SQL + "```\nFin.", SQL),  # right after a paragraph line, as GitHub allows
    ("~~~stata\n* taux\nsvy: mean chomeur if actif == 1, over(migrant)\n~~~\n",
     "* taux\nsvy: mean chomeur if actif == 1, over(migrant)\n"),
    ("  ```r\n  x <- c(1, 2)\n    y <- x\n  ```\n", "x <- c(1, 2)\n  y <- x\n"),  # indented 1-3 spaces
    ("````\n```\ninner\n```\n````\n", "```\ninner\n```\n"),  # a longer fence holds a shorter one
    ("```\nSELECT 1;\n`````\n", "SELECT 1;\n"),  # closed by a longer fence
    ("```sql title=\"taux\"\nSELECT 1;\n```\n", "SELECT 1;\n"),  # more than a language word
    ("```{.sql}\nSELECT 1;\n```\n", "SELECT 1;\n"),
    ("Texte.\n\n```sql\nSELECT 1;\n-- pas de fin\n", "SELECT 1;\n-- pas de fin\n"),  # unclosed: to the end
])
def test_every_fence_the_check_sees_is_a_code_block_on_the_page(site_markdown, body, code):
    page = page_html(site_markdown, body)
    assert code_blocks(page) == [code]
    # The check reads the same lines as code: none of them is among its prose lines.
    prose = {text.strip() for _, text in code_free_lines(body)}
    assert not prose & {line.strip() for line in code.splitlines() if line.strip()}


def test_the_language_word_becomes_the_code_class(site_markdown):
    page = page_html(site_markdown, "```{.sql}\nSELECT 1;\n```\n\n~~~r foo\nx\n~~~\n")
    assert re.findall(r'<pre><code class="([^"]*)"', page) == ["language-sql", "language-r"]


@pytest.mark.parametrize("body", [
    "```html\n<script>alert(1)</script>\n<b onclick=\"alert(1)\">gras</b>\n<img src=x onerror=alert(1)>\n```\n",
    "~~~\n<script>alert(1)</script>\n<b onclick=\"alert(1)\">gras</b>\n<img src=x onerror=alert(1)>\n",  # unclosed
    "  ```\n  <script>alert(1)</script>\n  <b onclick=\"alert(1)\">gras</b>\n  <img src=x onerror=alert(1)>\n  ```",
])
def test_html_in_a_fence_shows_as_text(site_markdown, body):
    page = page_html(site_markdown, body)
    assert code_blocks(page) == ['<script>alert(1)</script>\n<b onclick="alert(1)">gras</b>\n'
                                 '<img src=x onerror=alert(1)>\n']
    assert "<script" not in page and "<b" not in page and "<img" not in page


def test_attributes_on_a_fence_do_not_reach_the_page(site_markdown):
    page = page_html(site_markdown, '```{.sql onclick="alert(1)" style="color:red"}\nSELECT 1;\n```\n')
    assert code_blocks(page) == ["SELECT 1;\n"]
    assert "onclick" not in page and "style" not in page


def test_the_sanitiser_keeps_code_blocks_and_drops_what_is_not_allowed():
    rendered = ('<pre onclick="x()" style="a"><code class="language-sql" data-x="1" onmouseover="y()">'
                'SELECT  a\n  FROM t</code></pre><script>alert(1)</script>')
    assert clean(rendered) == '<pre><code class="language-sql" data-x="1">SELECT  a\n  FROM t</code></pre>'


@pytest.mark.parametrize("text", [
    "```a`b\nnot code\n```",  # a backtick in a backtick fence's info string: inline code, not a fence
    "    ```\n    indented code, not a fence\n    ```",
    "Texte sans code.",
])
def test_what_is_not_a_fence(text):
    assert fences(text) == [] or fences(text)[0].start > 0


def test_fence_offsets_and_closing():
    body = "Intro\n\n ~~~~ r  extra\n  x <- 1\n ~~~\n ~~~~~ \nAfter"
    (block,) = fences(body)
    assert body[block.start:block.end] == " ~~~~ r  extra\n  x <- 1\n ~~~\n ~~~~~ "
    assert (block.indent, block.fence, block.info, block.language, block.closed) == (1, "~~~~", "r  extra", "r", True)
    assert block.code == " x <- 1\n~~~\n"


def test_safe_body_is_stable_on_its_own_output():
    body = "Texte.\n  ```sql\n  SELECT 1;\n  ```\n- a\n- b\n\n~~~\nopen <b>\n"
    once = safe_body(body)
    assert safe_body(once) == once


def test_search_text_keeps_code_as_written():
    body = "## Méthode\n\nLe *taux* :\n\n```sql\nSELECT taux_chomage, a <> b\n# commentaire R\n```\n\nFin **ici**."
    text = markdown_to_text(body)
    assert "SELECT taux_chomage, a <> b\n# commentaire R" in text
    assert "```" not in text and "sql" not in text.split()
    assert "Le taux :" in text and "Fin ici." in text


def test_search_text_of_a_body_without_fences_is_unchanged():
    from tools.search.analysis import _prose_text

    body = "## Titre\n\n- *un* `code` [lien](https://x.org) <b>gras</b>\n\n1. deux"
    assert markdown_to_text(body) == _prose_text(body) == "Titre\nun code lien gras \ndeux"


def test_a_fence_inside_a_list_item_is_a_warning_at_its_line(tmp_path, site_markdown):
    """GitHub shows a block inside the item; the site shows inline code: the author is told where."""
    from tests.conftest import BODY, entry_text, line_of, load
    from tools.content.problems import WARNING

    nested = "- Étape 1 :\n\n    ```stata\n    gen x = 1\n    ```\n\n- Étape 2.\n"
    assert "<pre>" not in page_html(site_markdown, nested)  # what the warning says
    text = entry_text(body=BODY + "\n" + nested + "\nFin de la liste.\n\n    ```\n    indented code, not in a list\n    ```\n")
    _, problems, _ = load(tmp_path, {"ma/ma-x.fr.md": text})
    found = [p for p in problems if "list item" in p.message]
    assert [(p.line, p.severity) for p in found] == [(line_of(text, "    ```stata"), WARNING)]
