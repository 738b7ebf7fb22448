"""A build for a deployment (KB_SITE_URL set, as the publish workflow does) points at that address
and never at the local default (http://127.0.0.1:8000/); links between pages stay relative."""

from __future__ import annotations

import re

import pytest

from tests.sitebuild import build_copy

ADDRESS = "https://example.org/kb-maghreb/"
ENTRY = "kb/entries/ma-enquete-nationale-migration-internationale"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KB_SITE_URL", ADDRESS)
        yield build_copy(tmp_path_factory.mktemp("deployed")).site


def test_no_local_address_anywhere_in_the_site(site):
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 500
    # Material's JavaScript source maps mention 127.0.0.1 in a comment of its own code (about
    # `mkdocs serve`); they are the theme's, not an address the site uses.
    offenders = [str(p.relative_to(site)) for p in files
                 if b"127.0.0.1" in p.read_bytes() and not re.fullmatch(r"bundle\.\w+\.min\.js\.map", p.name)]
    assert offenders == []


def test_citations_feed_and_sitemap_use_the_deployment_address(site):
    for prefix in ("", "ar/", "en/"):
        assert f"<id>{ADDRESS}{prefix}kb/entries/" in (site / prefix / "kb" / "feed.xml").read_text(encoding="utf-8")
        assert f"<loc>{ADDRESS}{prefix}" in (site / prefix / "sitemap.xml").read_text(encoding="utf-8")
    # A version is cited at its page in the interface of its own language (#10).
    bib = (site / ENTRY / "ar.bib").read_text(encoding="utf-8")
    assert f"\\url{{{ADDRESS}ar/{ENTRY}/ar/}}" in bib
    # In Arabic the address is isolated left to right, so its trailing slash stays at its end.
    page = (site / "ar" / ENTRY / "ar" / "index.html").read_text(encoding="utf-8")
    assert f'<bdi dir="ltr">{ADDRESS}ar/{ENTRY}/ar/</bdi>' in page


def test_links_between_pages_stay_relative(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    absolute = [h for h in re.findall(r'<a [^>]*href="([^"]+)"', home) if h.startswith(ADDRESS)]
    assert absolute == []
    assert re.search(r'<a [^>]*href="kb/countries/ma/"', home)
