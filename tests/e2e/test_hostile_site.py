"""The hostile corpus (tests/hostile.py) built into a real site, then every built page scanned for
anything executable: on* attributes, script/data/vbscript addresses, scripts that are not the
site's own, frames, forms, refresh redirects. The entries are made directly from the corpus files
(bodies as written) and the hostile values, so the build is tested even for what the check refuses.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.conftest import make_entry
from tests.hostile import CASES, HOSTILE_TEXT
from tests.sitebuild import copy_project
from tools.content.loader import load_file
from tools.content.model import Link
from tools.project import Settings
from tools.site.generate import generate_docs
from tools.site.mkdocs import build_site

MARKER = "pwn"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcdoc", "xlink:href", "data", "poster", "background"}
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "applet"}


class Scan(HTMLParser):
    """Collects what could run in one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.script_type: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS or MARKER in tag:
            self.bad.append(f"<{tag}>")
        if tag == "form" and MARKER in (values.get("action") or ""):  # the site's own forms have no address
            self.bad.append(f"<form action={values['action']!r}>")
        # The site's own short-address pages (tools.site.redirects) refresh to a fixed version
        # folder or the list; anything else sending the reader away is an injection.
        if tag == "meta" and "http-equiv" in values and not (
                values["http-equiv"] == "refresh" and re.fullmatch(r"0; url=(?:fr|ar|en|\.\.)/", values.get("content") or "")):
            self.bad.append(f"<meta http-equiv={values['http-equiv']}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or MARKER in name:
                self.bad.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                plain = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value)).lower()
                if plain.startswith(("javascript:", "vbscript:", "data:")):
                    self.bad.append(f"<{tag} {name}={value!r}>")
            if name == "style" and MARKER in value:
                self.bad.append(f"<{tag} style={value!r}>")
        if tag == "script":
            self.script_type = values.get("type") or "text/javascript"
            if MARKER in (values.get("src") or ""):
                self.bad.append(f"<script src={values['src']!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.script_type = None

    def handle_data(self, data):
        if self.script_type == "application/ld+json":
            json.loads(data)  # still one JSON document, whatever the values held
            if "<" in data:
                self.bad.append("'<' inside JSON-LD")
        elif self.script_type and MARKER in data:
            self.bad.append(f"script: {data[:80]!r}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    project = copy_project(root, with_practices=False)
    entries = []
    for i, (name, (text, _)) in enumerate(sorted(CASES.items())):
        path = root / f"{name}.fr.md"
        path.write_text(text, encoding="utf-8")
        raw = load_file(path)
        value = HOSTILE_TEXT[i % len(HOSTILE_TEXT)]
        entries.append(make_entry(f"ma-hostile-{i}", "fr", title=f"{value} {i}", summary=f"Résumé {value}",
                                  body=raw.body, tags=(value, f"tag {MARKER} {i}"), institutions=(value,),
                                  links=(Link(value, "https://www.hcp.ma/?q=\"'<>" + MARKER),), updated="2024-01-01",
                                  period="2018-2020"))
    settings = Settings.load(project)
    generate_docs(entries, project, settings)
    # A generated page that skipped the generator's escaping (as a future bug might): the MkDocs
    # hook must still sanitise it, since it sits under docs/kb/.
    (project.generated / "hook-probe.md").write_text(
        f'# Probe\n\n<p onclick="{MARKER}()">raw</p>\n\nPara\n{{: onmouseover="{MARKER}()" }}\n\n'
        f'[a](javascript:{MARKER}()) <a href="data:text/html,{MARKER}">b</a>\n', encoding="utf-8")
    build_site(project, settings, strict=False, progress=False)
    return project, entries


def test_no_built_page_holds_anything_executable(hostile_site):
    project, _ = hostile_site
    pages = sorted(project.site.rglob("*.html"))
    bad, reached = {}, 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        reached += MARKER in text
        scan = Scan()
        scan.feed(text)
        scan.close()
        if scan.bad:
            bad[str(page.relative_to(project.site))] = scan.bad
    assert bad == {}
    assert reached >= 3 * len(CASES)  # the payloads did reach the pages (as text), in all three interfaces


def test_hook_sanitises_a_generated_page_that_escaped_nothing(hostile_site):
    project, _ = hostile_site
    page = (project.site / "kb" / "hook-probe" / "index.html").read_text(encoding="utf-8")
    assert ">raw</p>" in page and "Para" in page
    scan = Scan()
    scan.feed(page)
    assert scan.bad == []


def test_entry_page_shows_hostile_values_as_text(hostile_site):
    project, entries = hostile_site
    page = (project.site / entries[0].url / "index.html").read_text(encoding="utf-8")
    title = page.split("<title>")[1].split("</title>")[0]
    assert html.unescape(title).startswith(entries[0].title)
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert html.unescape(description) == entries[0].summary


def test_feed_and_citations_keep_hostile_values_inert(hostile_site):
    project, entries = hostile_site
    feed = ET.parse(project.site / "kb" / "feed.xml").getroot()
    ns = "{http://www.w3.org/2005/Atom}"
    assert {e.findtext(f"{ns}title") for e in feed.iter(f"{ns}entry")} == {e.title for e in entries}
    for entry in entries:
        stem = project.site / "kb" / "entries" / entry.id / entry.lang
        ris = (stem.parent / f"{entry.lang}.ris").read_text(encoding="utf-8")
        assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in ris.split("\r\n") if line)
        bib = (stem.parent / f"{entry.lang}.bib").read_text(encoding="utf-8")
        assert bib.count("{") == bib.count("}") + bib.count("\\{") - bib.count("\\}")


def test_list_right_after_a_paragraph_is_a_list_on_the_built_page(hostile_site):
    project, entries = hostile_site
    index = sorted(CASES).index("list-after-paragraph")
    page = (project.site / entries[index].url / "index.html").read_text(encoding="utf-8")
    assert "<p>Les sources :</p>\n<ul>\n<li>enquête</li>\n<li>recensement</li>\n</ul>" in page
