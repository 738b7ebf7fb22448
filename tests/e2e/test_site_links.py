"""The built site, all three interfaces: no broken internal link, JSON-LD on every entry page,
well-formed feeds.

The shipped collection is built once into a temporary project (the repository's own site/ is
left alone) and every HTML file under site/ is crawled.
"""

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools.project import Settings

EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "#")
INTERFACES = ("", "ar", "en")


@pytest.fixture(scope="module")
def project(shipped_site):
    return shipped_site  # built once per session, shared with the browser tests (read only)


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project.site


class Links(HTMLParser):
    """href and src values of a page, and the text of its JSON-LD scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.languages: dict[str, str] = {}  # hreflang -> href of the language switcher
        self.jsonld: list[str] = []
        self.refresh: str | None = None  # a short-address page's <meta http-equiv="refresh"> target
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))
        attrs = dict(attrs)
        if tag == "a" and attrs.get("hreflang") and attrs.get("href") is not None:
            self.languages[attrs["hreflang"]] = attrs["href"]
        if tag == "meta" and attrs.get("http-equiv") == "refresh":
            self.refresh = (attrs.get("content") or "").partition("url=")[2]
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def parse(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def page_url(site: Path, page: Path) -> str:
    """The URL a file is served at: site/x/y/index.html is /x/y/, site/404.html is /404.html."""
    rel = page.relative_to(site).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def is_internal(link: str) -> bool:
    low = link.strip().lower()
    return not (low.startswith(EXTERNAL) or low.startswith("//"))


def resolve(site: Path, base_url: str, link: str) -> Path:
    """The file a link from the page at base_url points to. Dot segments are removed as browsers
    do (RFC 3986 5.2): '..' never climbs above the site root."""
    path = unquote(urlsplit(link.strip()).path)
    joined = path if path.startswith("/") else posixpath.dirname(base_url) + "/" + (path or posixpath.basename(base_url))
    segments: list[str] = []
    for segment in joined.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    target = site.joinpath(*segments)
    return target / "index.html" if target.is_dir() else target


def test_resolve_follows_directory_urls(tmp_path):
    (tmp_path / "kb" / "a").mkdir(parents=True)
    (tmp_path / "kb" / "a" / "index.html").write_text("", encoding="utf-8")
    (tmp_path / "kb" / "a.bib").write_text("", encoding="utf-8")
    base = "/kb/b/"
    assert resolve(tmp_path, base, "../a/") == tmp_path / "kb" / "a" / "index.html"
    assert resolve(tmp_path, base, "../a/#x") == tmp_path / "kb" / "a" / "index.html"
    assert resolve(tmp_path, base, "../a?q=1#f") == tmp_path / "kb" / "a" / "index.html"
    assert resolve(tmp_path, base, "/kb/a.bib") == tmp_path / "kb" / "a.bib"
    assert resolve(tmp_path, base, "../../../kb/a/") == tmp_path / "kb" / "a" / "index.html"
    assert resolve(tmp_path, "/", "./") == resolve(tmp_path, "/", "") == tmp_path / "index.html"
    assert resolve(tmp_path, "/kb/a/", "?q=x") == tmp_path / "kb" / "a" / "index.html"
    assert resolve(tmp_path, "/kb/a.bib", "") == tmp_path / "kb" / "a.bib"
    assert resolve(tmp_path, "/404.html", "kb/a.bib") == tmp_path / "kb" / "a.bib"
    assert not resolve(tmp_path, base, "../missing/").exists()


@pytest.fixture(scope="module")
def parsed(site) -> dict[Path, Links]:
    return {page: parse(page) for page in sorted(site.rglob("*.html"))}


def test_every_interface_was_built(site):
    for lang in INTERFACES:
        root = site / lang if lang else site
        assert (root / "index.html").is_file()
        assert (root / "kb" / "comparaison" / "index.html").is_file()
        assert len(list((root / "kb" / "entries").glob("*/*/index.html"))) > 50


def test_internal_links_resolve(site, parsed):
    checked, broken = 0, []
    assert len(parsed) > 300
    for page, found in parsed.items():
        base = page_url(site, page)
        for tag, link in found.links:
            if not is_internal(link):
                continue
            checked += 1
            if not resolve(site, base, link).is_file():
                broken.append(f"{page.relative_to(site)}: <{tag}> {link}")
    assert broken == [], f"{len(broken)} broken of {checked} internal links:\n" + "\n".join(broken[:40])
    assert checked > 1000, f"only {checked} internal links checked"


def test_entry_pages_link_their_citation_files(site, parsed):
    # One copy of each version's files, at the site's root (the default interface's), linked from
    # every interface (#10); each link climbs exactly to the site's root ('..' is never clamped).
    folder = site / "kb" / "entries" / "ma-enquete-nationale-emploi"
    for lang in INTERFACES:
        page = (site / lang if lang else site) / "kb" / "entries" / "ma-enquete-nationale-emploi" / "ar" / "index.html"
        links = [link for _, link in parsed[page].links]
        depth = len(page.parent.relative_to(site).parts)
        for name in ("ar.bib", "ar.ris"):
            (link,) = [a for a in links if a.endswith(name)]
            assert link == "../" * depth + f"kb/entries/ma-enquete-nationale-emploi/{name}"
            target = resolve(site, page_url(site, page), link)
            assert target == folder / name
            assert target.read_text(encoding="utf-8").strip()
    assert list((site / "ar" / "kb" / "entries").glob("*/*.bib")) == []
    assert list((site / "en" / "kb" / "entries").glob("*/*.ris")) == []
    assert len(list((site / "kb" / "entries").glob("*/*.bib"))) == len(list((site / "kb" / "entries").glob("*/*/")))


def counterpart(site: Path, page: Path, lang: str) -> Path:
    """The page the switcher should open in interface lang: the same page under that interface's
    root; for an entry, its version in lang when there is one, else the same version."""
    parts = page.relative_to(site).parts
    if parts[0] in ("ar", "en"):
        parts = parts[1:]
    root = site / lang if lang != "fr" else site
    if parts[:2] == ("kb", "entries") and len(parts) == 5:
        own = root / "kb" / "entries" / parts[2] / lang / "index.html"
        if own.exists():
            return own
    return root.joinpath(*parts)


def test_language_switcher_keeps_the_page_in_each_interface(site, parsed):
    checked = 0
    for page, found in parsed.items():
        if page.name == "404.html" or found.refresh is not None:  # served for any address; short addresses
            continue
        expected = {lang: counterpart(site, page, lang) for lang in ("fr", "ar", "en")}
        assert {lang: resolve(site, page_url(site, page), link) for lang, link in found.languages.items()} == expected, page
        assert all(target.exists() for target in expected.values()), page
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("lang", INTERFACES, ids=["fr-ui", "ar-ui", "en-ui"])
def test_an_entry_address_without_its_language_leads_to_the_entry(site, parsed, lang):
    """kb/entries/<id>/ (what readers type or share) sends them on to a version of the entry: the
    one in the interface's language when there is one, else French, else the first there is."""
    root = site / lang if lang else site
    ui = lang or "fr"
    folders = sorted(p for p in (root / "kb" / "entries").iterdir() if p.is_dir())
    assert len(folders) > 50
    for folder in folders:
        found = parsed[folder / "index.html"]
        versions = sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file())
        wanted = next(v for v in (ui, "fr", *versions) if v in versions)
        assert found.refresh == f"{wanted}/", folder
        assert resolve(site, page_url(site, folder / "index.html"), found.refresh) == folder / wanted / "index.html"
        # Every version is offered by a link, for a browser that does not follow the refresh.
        assert sorted(link for _, link in found.links if link.endswith("/") and "://" not in link) == \
            sorted(f"{v}/" for v in versions)
    listing = parsed[root / "kb" / "entries" / "index.html"]
    assert resolve(site, page_url(site, root / "kb" / "entries" / "index.html"), listing.refresh) == root / "kb" / "index.html"


def entry_pages(site: Path, lang: str) -> list[Path]:
    root = site / lang if lang else site
    return sorted((root / "kb" / "entries").glob("*/*/index.html"))


@pytest.mark.parametrize("lang", INTERFACES, ids=["fr-ui", "ar-ui", "en-ui"])
def test_each_entry_page_has_one_creative_work_jsonld(project, site, parsed, lang):
    found = entry_pages(site, lang)
    assert len(found) > 50
    prefix = Settings.load(project).site_url.rstrip("/") + "/" + (lang + "/" if lang else "")
    for page in found:
        scripts = parsed[page].jsonld
        assert len(scripts) == 1, f"{page.relative_to(site)}: {len(scripts)} JSON-LD scripts"
        data = json.loads(scripts[0])
        assert data["@type"] == "CreativeWork", page
        entry_id, entry_lang = page.parent.parent.name, page.parent.name
        assert data["identifier"] == entry_id
        assert data["inLanguage"] == entry_lang
        assert data["url"] == f"{prefix}kb/entries/{entry_id}/{entry_lang}/"


def test_pages_other_than_entries_have_no_jsonld(site, parsed):
    entries = {p for lang in INTERFACES for p in entry_pages(site, lang)}
    assert [p for p, found in parsed.items() if found.jsonld and p not in entries] == []


@pytest.mark.parametrize("lang", INTERFACES, ids=["fr-ui", "ar-ui", "en-ui"])
def test_feed_is_well_formed_and_links_built_pages(project, site, lang):
    root = site / lang if lang else site
    feed = ET.parse(root / "kb" / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    items = feed.findall("a:entry", ns)
    assert 0 < len(items) <= 50
    prefix = Settings.load(project).site_url.rstrip("/") + "/" + (lang + "/" if lang else "")
    for item in items:
        href = item.find("a:link", ns).get("href")
        assert href.startswith(prefix + "kb/entries/"), href
        assert (root / href[len(prefix):] / "index.html").is_file(), href
