"""Short entry addresses (kb/entries/<id>/, without the language part) lead to the entry."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import make_entry
from tools.site import redirects
from tools.site.offline import offline_exclude


class _Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.refresh, self.links, self.canonical, self.html_attrs, self.scripts = None, [], None, {}, 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "refresh":
            self.refresh = attrs["content"]
        elif tag == "a":
            self.links.append((attrs["href"], attrs["lang"]))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "html":
            self.html_attrs = attrs
        elif tag == "script":
            self.scripts += 1


def versions(id_, *langs, title='Titre "<b>"'):
    return [make_entry(id_, lang, f"{title} {lang}", "Résumé.") for lang in langs]


@pytest.mark.parametrize("ui, langs, target", [
    ("fr", ("fr", "ar", "en"), "fr/"),
    ("en", ("fr", "ar", "en"), "en/"),
    ("ar", ("fr", "ar", "en"), "ar/"),
    ("en", ("ar", "fr"), "fr/"),  # no English version: the French one
    ("fr", ("ar", "en"), "ar/"),  # no French version: the first there is
    ("ar", ("en",), "en/"),
])
def test_short_address_opens_the_interface_language_version(ui, langs, target):
    pages = redirects.entry_redirects(versions("ma-enquete", *langs), ui, vocabs=None)
    page = _Page(pages["entries/ma-enquete/index.html"])
    assert page.refresh == f"0; url={target}"
    assert page.links[0] == (target, target[:2])
    assert sorted(href for href, _ in page.links) == sorted(f"{lang}/" for lang in langs)
    assert page.scripts == 0  # the server's CSP allows no inline script: a refresh and links only
    assert page.html_attrs["dir"] == ("rtl" if target == "ar/" else "ltr")


def test_every_entry_gets_one_and_the_entries_folder_leads_to_the_list():
    entries = versions("ma-a", "fr", "en") + versions("tn-b", "ar")
    pages = redirects.entry_redirects(entries, "en", "https://example.org/kb-site/en/")
    assert set(pages) == {"entries/ma-a/index.html", "entries/tn-b/index.html", "entries/index.html"}
    assert _Page(pages["entries/ma-a/index.html"]).canonical == "https://example.org/kb-site/en/kb/entries/ma-a/en/"
    listing = _Page(pages["entries/index.html"])
    assert listing.refresh == "0; url=../" and listing.canonical == "https://example.org/kb-site/en/kb/"


def test_titles_are_escaped():
    hostile = '"><script>alert(1)</script><meta http-equiv="refresh" content="0; url=https://evil.example/">'
    text = redirects.entry_redirects(versions("ma-x", "fr", title=hostile), "fr")["entries/ma-x/index.html"]
    assert "<script" not in text and "evil.example/\">" not in text
    page = _Page(text)
    assert page.refresh == "0; url=fr/" and page.scripts == 0
    assert len(re.findall(r"<meta http-equiv", text)) == 1


def test_the_offline_zip_leaves_them_out():
    """From file:// (pages as .html files) a folder address opens nothing: no page points there."""
    for lang, inherited in (("fr", ["/ar/", "/en/"]), ("en", [])):
        patterns = offline_exclude(lang)
        assert patterns[:len(inherited)] == inherited
        assert set(redirects.OFFLINE_EXCLUDE) <= set(patterns)
