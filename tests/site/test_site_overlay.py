"""An incremental site build finds the changed sources from a manifest of sizes and modification
times, and hands MkDocs an overlay docs folder holding only those (tools/site/mkdocs.py); the hooks
then find every other file of the real docs tree on demand, as MkDocs' own walk would have made it,
and list every page in the sitemap in MkDocs' order (tools/site/mkdocs_hooks.py: walk_key,
page_url, SourceFiles). The whole build, incremental against clean, is tests/e2e/test_incremental.py."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import get_files

from tools import stamps
from tools.site import mkdocs as site_mkdocs
from tools.site import mkdocs_hooks

SOURCES = ("index.md", "guide.md", "README.md", "zeta.md", "assets/x.css", "kb/index.md", "kb/a.md", "kb/b/index.md",
           "kb/b/README.md", "kb/b/c.md", "kb/b/c/d.md", "kb/tags/été.md", "kb/a b.md", "kb/x:y.md", "kb/q?.md",
           "kb/h#.md", "kb/...md", "kb/Z.md", "kb/_u.md", "kb/entries/e1/fr.md", "kb/entries/e1/fr.bib",
           "kb/entries/e10/fr.md", "kb/entries/e2/ar.md", "ar/index.md", ".hidden.md", "kb/.h/x.md")


def config(tmp_path: Path, use_directory_urls: bool = True, exclude: str = "") -> MkDocsConfig:
    docs, site = tmp_path / "docs", tmp_path / "site"
    for rel in SOURCES:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(f"# {rel}\n", encoding="utf-8")
    cfg = MkDocsConfig()
    cfg.load_dict({"site_name": "t", "docs_dir": str(docs), "site_dir": str(site), "site_url": "https://e.org/kb/",
                   "use_directory_urls": use_directory_urls, "exclude_docs": exclude})
    errors, _warnings = cfg.validate()
    assert not errors, errors
    return cfg


def test_walk_key_puts_pages_in_the_order_of_mkdocs_walk(tmp_path):
    cfg = config(tmp_path)
    walked = [f.src_uri for f in get_files(cfg)]
    shuffled = walked[:]
    random.Random(3).shuffle(shuffled)
    assert sorted(shuffled, key=mkdocs_hooks.walk_key) == walked


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_page_url_is_the_url_mkdocs_gives(tmp_path, use_directory_urls):
    cfg = config(tmp_path, use_directory_urls)
    pages = get_files(cfg).documentation_pages()
    assert len(pages) > 15
    for f in pages:
        assert mkdocs_hooks.page_url(f.src_uri, use_directory_urls) == f.url, f.src_uri


def test_source_files_make_the_file_mkdocs_walk_makes(tmp_path):
    cfg = config(tmp_path, exclude="/ar/")
    walked = get_files(cfg)
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    listed = get_files(config_for(cfg, overlay))  # an empty overlay: nothing listed
    found = mkdocs_hooks.SourceFiles(str(cfg.docs_dir), [], cfg, listed)
    for f in walked:
        made = found.get_file_from_path(f.src_uri)
        assert made is not None, f.src_uri
        assert (made.src_uri, made.dest_uri, made.url, made.abs_src_path, made.inclusion) == (
            f.src_uri, f.dest_uri, f.url, f.abs_src_path, f.inclusion), f.src_uri
        assert found.get_file_from_path(f.src_uri) is made  # made once
    assert found.get_file_from_path("kb/nothing.md") is None
    assert found.get_file_from_path("kb/b") is None  # a folder
    assert found.get_file_from_path("../site/x.md") is None
    assert found.known("kb/a.md") is found.get_file_from_path("kb/a.md")


def config_for(cfg: MkDocsConfig, docs: Path) -> MkDocsConfig:
    new = MkDocsConfig()
    new.load_dict({"site_name": "t", "docs_dir": str(docs), "site_dir": cfg.site_dir, "site_url": cfg.site_url})
    errors, _warnings = new.validate()
    assert not errors
    return new


def test_a_file_of_the_overlay_is_found_there_first(tmp_path):
    cfg = config(tmp_path)
    overlay = tmp_path / "overlay" / "kb"
    overlay.mkdir(parents=True)
    os.link(Path(cfg.docs_dir) / "kb" / "a.md", overlay / "a.md")
    listed = get_files(config_for(cfg, overlay.parent))
    found = mkdocs_hooks.SourceFiles(str(cfg.docs_dir), [], cfg, listed)
    assert found.get_file_from_path("kb/a.md") is listed.get_file_from_path("kb/a.md")
    assert found.get_file_from_path("kb/b/c.md").abs_src_path == str(Path(cfg.docs_dir) / "kb" / "b" / "c.md")


def test_the_sitemap_of_an_overlay_build_lists_every_page_as_mkdocs_would(tmp_path):
    cfg = config(tmp_path)
    walked = get_files(cfg)
    order = [f.src_uri for f in walked.documentation_pages()]
    (tmp_path / "empty").mkdir()
    found = mkdocs_hooks.SourceFiles(str(cfg.docs_dir), order, cfg, get_files(config_for(cfg, tmp_path / "empty")))
    changed = mkdocs_hooks.changed_only(found.listed, cfg, found)
    listed = mkdocs_hooks.sitemap_pages(changed, cfg)
    full = mkdocs_hooks.sitemap_pages(walked, cfg)
    assert [(x.page.canonical_url, x.page.abs_url) for x in listed] == [(x.page.canonical_url, x.page.abs_url)
                                                                         for x in full]
    assert len(listed) == len(order) > 15


def test_pages_kept_in_walk_order_as_pages_come_and_go():
    rng = random.Random(5)
    names = [f"kb/{d}/{n}.md" for d in ("a", "b", "b/c", "entries/e1", "entries/e10") for n in ("index", "fr", "z", "A")]
    before_set = rng.sample(names, 12)
    before = sorted(before_set, key=mkdocs_hooks.walk_key)
    now = {rel: "1\0" for rel in rng.sample(names, 12) + ["kb/a/x.css"]}
    assert site_mkdocs._pages_in_walk_order(now, before) == sorted(
        (rel for rel in now if rel.endswith(".md")), key=mkdocs_hooks.walk_key)


def test_sources_from_the_pipeline_listing_equal_a_walk(tmp_path):
    cfg = config(tmp_path)
    docs = Path(cfg.docs_dir)
    listing = stamps.TreeListing(docs / "kb")
    walked = site_mkdocs._sources(docs, ("ar",))
    assert walked == site_mkdocs._sources(docs, ("ar",), listing.lines)
    assert "kb/a.md" in walked and "ar/index.md" not in walked and not any("/." in "/" + r for r in walked)
    st = os.stat(docs / "kb" / "a.md")
    assert walked["kb/a.md"] == f"{st.st_size}\0{st.st_mtime_ns}"


def test_a_changed_or_new_source_is_rebuilt_and_an_unchanged_one_is_not(tmp_path):
    cfg = config(tmp_path)
    docs, site = Path(cfg.docs_dir), Path(cfg.site_dir)
    before = site_mkdocs._sources(docs, ())
    (docs / "kb" / "a.md").write_text("# changed\n", encoding="utf-8")  # size changes
    b = docs / "kb" / "b" / "c.md"
    st = b.stat()
    b.write_text("# kb/b/c.XY\n", encoding="utf-8")  # same size, other time
    os.utime(b, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    (docs / "kb" / "new.md").write_text("# new\n", encoding="utf-8")
    (docs / "kb" / "entries" / "e1" / "fr.bib").unlink()
    now = site_mkdocs._sources(docs, ())
    changed = site_mkdocs._changed(_project(tmp_path), docs, site, now, before)
    assert sorted(changed) == ["kb/a.md", "kb/b/c.md", "kb/new.md"]
    assert "kb/b/index.md" not in changed


def test_a_hand_written_page_is_rebuilt_when_a_file_it_includes_changed(tmp_path):
    cfg = config(tmp_path)
    docs, site = Path(cfg.docs_dir), Path(cfg.site_dir)
    (docs / "index.md").write_text('# Home\n\n--8<-- "docs/kb/home.txt"\n', encoding="utf-8")
    (docs / "kb" / "home.txt").write_text("latest\n", encoding="utf-8")
    for rel in SOURCES:
        out = site / site_mkdocs.output_path(rel)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("built", encoding="utf-8")
    before = site_mkdocs._sources(docs, ())
    assert site_mkdocs._changed(_project(tmp_path), docs, site, before, before) == []
    home = docs / "kb" / "home.txt"
    home.write_text("later\n", encoding="utf-8")
    later = (site / "index.html").stat().st_mtime_ns + 10**9
    os.utime(home, ns=(later, later))
    now = site_mkdocs._sources(docs, ())
    assert sorted(site_mkdocs._changed(_project(tmp_path), docs, site, now, before)) == ["index.md", "kb/home.txt"]


def _project(root: Path):
    from tools.project import Project

    return Project(root)


def test_the_previous_sitemap_is_kept_only_when_made_the_same_day(tmp_path, monkeypatch):
    from mkdocs.utils import get_build_date

    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "sitemap.xml").write_text(
        f'<?xml version="1.0"?>\n<urlset>\n<url>\n<loc>https://e.org/</loc>\n<lastmod>{get_build_date()}</lastmod>\n'
        "</url>\n</urlset>\n", encoding="utf-8")
    assert mkdocs_hooks.keeps_sitemap({"sitemap_from": str(previous)}) == str(previous)
    assert mkdocs_hooks.keeps_sitemap({}) is None and mkdocs_hooks.keeps_sitemap(None) is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # another day (1970-01-02)
    assert mkdocs_hooks.keeps_sitemap({"sitemap_from": str(previous)}) is None
    (previous / "sitemap.xml").write_text("<urlset></urlset>", encoding="utf-8")  # no page: no day
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert mkdocs_hooks.keeps_sitemap({"sitemap_from": str(previous)}) is None
