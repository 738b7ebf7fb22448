"""tools/site/pages.py: a source's `accessed` date and archived copy shown next to it on the entry
page, labelled in the entry's language from data/ui.yml, and escaped like every entry value."""

from __future__ import annotations

import html

import markdown
import pytest

from tests.conftest import entry_text, load
from tools.content import schema
from tools.content.vocab import Vocabularies
from tools.site import pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

ARCHIVE = "https://web.archive.org/web/20240501000000/https://www.hcp.ma/"
LINKS = ("\n  - title: Site du HCP\n    url: https://www.hcp.ma/\n    accessed: \"2024-05-01\"\n"
         f"    archive_url: {ARCHIVE}\n"
         "  - title: Seulement consulté\n    url: https://www.ins.tn/\n    accessed: \"2023-12-31\"\n"
         "  - title: Sans date\n    url: https://www.ons.dz/\n"
         "  - title: Seulement archivé\n    url: https://ansade.mr/\n"
         "    archive_url: \"https://web.archive.org/web/2023/https://ansade.mr/(a)\"")
SUMMARY = {"fr": "Enquête trimestrielle auprès des ménages sur l'emploi et la migration.",
           "ar": "مسح فصلي للأسر حول التشغيل والبطالة والهجرة في المغرب.",
           "en": "Quarterly household survey on employment, unemployment and migration."}


def render(md: str) -> str:
    return markdown.markdown(md, extensions=["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"])


@pytest.fixture(scope="module")
def entries(tmp_path_factory):
    files = {f"ma/ma-x.{lang}.md": entry_text(lang=lang, summary=f'"{SUMMARY[lang]}"', links=LINKS)
             for lang in ("fr", "ar", "en")}
    found, problems, _ = load(tmp_path_factory.mktemp("links"), files)
    assert [p.text() for p in problems if p.severity == "error"] == []
    return {e.lang: e for e in found}


def sources(entry) -> list[str]:
    """The entry page's list of sources, one Markdown line per link."""
    page = pages.entry_page(entry, [entry], vocabs=SHIPPED)
    head = f"**{pages.md_text(pages.t('links', entry.lang, vocabs=SHIPPED))}**\n\n"
    assert head in page
    return page.split(head, 1)[1].split("\n\n", 1)[0].split("\n")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_accessed_and_archived_copy_follow_their_source(entries, lang):
    accessed, archived = pages.t("accessed", lang, vocabs=SHIPPED), pages.t("archived_copy", lang, vocabs=SHIPPED)
    assert accessed and archived and accessed != archived
    assert sources(entries[lang]) == [
        f"- [Site du HCP](https://www.hcp.ma/) <small>{accessed} 2024-05-01 · [{archived}]({ARCHIVE})</small>",
        f"- [Seulement consulté](https://www.ins.tn/) <small>{accessed} 2023-12-31</small>",
        "- [Sans date](https://www.ons.dz/)",
        f"- [Seulement archivé](https://ansade.mr/) <small>[{archived}]"
        "(https://web.archive.org/web/2023/https://ansade.mr/%28a%29)</small>",
    ]


def test_labels_are_the_interface_strings_of_each_language():
    ui = SHIPPED.ui
    assert set(ui["accessed"]) == set(ui["archived_copy"]) == set(schema.LANGS)
    assert len({ui["accessed"][lang] for lang in schema.LANGS}) == 3


def test_the_rendered_page_links_the_archived_copy(entries):
    rendered = render(pages.entry_page(entries["fr"], [entries["fr"]], vocabs=SHIPPED).split("\n---\n", 1)[1])
    archived = html.escape(pages.t("archived_copy", "fr", vocabs=SHIPPED))
    assert (f'<a href="https://www.hcp.ma/">Site du HCP</a> <small>{html.escape(pages.t("accessed", "fr", vocabs=SHIPPED))} '
            f'2024-05-01 · <a href="{ARCHIVE}">{archived}</a></small>') in rendered
    assert '<a href="https://web.archive.org/web/2023/https://ansade.mr/%28a%29">' in rendered
