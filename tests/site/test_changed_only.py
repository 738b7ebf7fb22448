"""The site builds hand MkDocs only the files a dirty build writes (tools/site/mkdocs_hooks.py,
changed_only, with KB_CHANGED_ONLY set as tools.site.mkdocs.run_dirty sets it): those whose output
is missing or older than their source. Looking a path up still finds every file, and the sitemap
still lists every page with the values MkDocs' own Page gives. The whole build, incremental
against clean, is tests/e2e/test_incremental.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from tools.site import mkdocs_hooks
from tools.site.mkdocs_dirty import PAGES_LEFT_ENV, PAGES_PER_PASS_ENV
from tools.site.mkdocs_hooks import CHANGED_ONLY_ENV

SOURCES = ("index.md", "guide.md", "kb/index.md", "kb/entries/a/fr.md", "kb/entries/b/fr.md", "kb/entries/b/fr.bib",
           "kb/entries/c/fr.md")


@pytest.fixture(autouse=True)
def _pass_env(monkeypatch):
    """changed_only writes PAGES_LEFT_ENV into os.environ: restored after each test."""
    monkeypatch.setenv(PAGES_LEFT_ENV, "0")
    monkeypatch.delenv(PAGES_PER_PASS_ENV, raising=False)


def config(tmp_path: Path, site_url: str = "https://example.org/kb/", extra: tuple[str, ...] = ()) -> MkDocsConfig:
    docs, site = tmp_path / "docs", tmp_path / "site"
    for rel in SOURCES + extra:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(f"# {rel}\n", encoding="utf-8")
    cfg = MkDocsConfig()
    cfg.load_dict({"site_name": "t", "docs_dir": str(docs), "site_dir": str(site), "site_url": site_url})
    errors, _warnings = cfg.validate()
    assert not errors, errors
    return cfg


def build_output(cfg: MkDocsConfig, dest: str, age: float) -> None:
    """An output at `dest` (relative to the site) whose modification time is `age` seconds after
    (negative: before) its newest source."""
    path = Path(cfg.site_dir) / dest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("built", encoding="utf-8")
    newest = max(os.stat(Path(cfg.docs_dir) / rel).st_mtime for rel in SOURCES)
    os.utime(path, (newest + age, newest + age))


def test_only_files_with_a_missing_or_older_output_are_handed_to_mkdocs(tmp_path):
    cfg = config(tmp_path)
    for dest in ("index.html", "guide/index.html", "kb/entries/a/fr/index.html", "kb/entries/b/fr.bib"):
        build_output(cfg, dest, +10)
    build_output(cfg, "kb/entries/b/fr/index.html", -10)  # source edited since
    files = get_files(cfg)
    changed = mkdocs_hooks.changed_only(files, cfg)
    # kb/index.md and kb/entries/c/fr.md were never built; b's page is older than its source.
    assert sorted(f.src_uri for f in changed) == ["kb/entries/b/fr.md", "kb/entries/c/fr.md", "kb/index.md"]
    assert sorted(f.src_uri for f in changed.documentation_pages()) == sorted(f.src_uri for f in changed)
    # MkDocs' own test agrees, file by file.
    assert {f.src_uri for f in files if f.is_modified()} == {f.src_uri for f in changed}


def test_every_file_is_still_found_by_path(tmp_path):
    cfg = config(tmp_path)
    build_output(cfg, "guide/index.html", +10)
    files = get_files(cfg)
    changed = mkdocs_hooks.changed_only(files, cfg)
    assert "guide.md" not in {f.src_uri for f in changed}
    assert changed.get_file_from_path("guide.md") is files.get_file_from_path("guide.md")
    assert changed.get_file_from_path("kb/entries/a/fr.md").url == "kb/entries/a/fr/"
    assert changed.get_file_from_path("kb/nothing.md") is None


# Names whose URL urljoin does not simply append to the site's address, or that MkDocs quotes.
ODD = ("kb/tags/été.md", "kb/a b.md", "kb/x:y.md", "kb/q?.md", "kb/h#.md", "kb/...md", "kb/w/../v.md")


@pytest.mark.parametrize("site_url", ["https://example.org/kb/", "http://127.0.0.1:8000", "https://e.org/a?b=1", ""])
def test_the_sitemap_lists_every_page_as_mkdocs_would(tmp_path, site_url):
    cfg = config(tmp_path, site_url, ODD)
    build_output(cfg, "index.html", +10)
    build_output(cfg, "kb/entries/a/fr/index.html", +10)
    files = get_files(cfg)
    mkdocs_hooks.changed_only(files, cfg)
    listed = mkdocs_hooks.sitemap_pages(files, cfg)
    assert len(listed) == len(files.documentation_pages()) >= 6 + len(ODD) - 1
    for item, file in zip(listed, files.documentation_pages(), strict=True):
        real = Page(None, file, cfg)  # what a full build's sitemap reads
        assert (item.page.is_link, item.page.canonical_url, item.page.abs_url, item.page.update_date) == (
            real.is_link, real.canonical_url, real.abs_url, real.update_date), file.src_uri
    if "?" not in site_url:
        assert listed[0].page.canonical_url == (f"{site_url.rstrip('/')}/" if site_url else None)


def test_the_hooks_hand_over_the_changed_files_and_the_sitemap_only_when_asked(tmp_path, monkeypatch):
    cfg = config(tmp_path)
    build_output(cfg, "index.html", +10)
    files = get_files(cfg)
    monkeypatch.delenv(CHANGED_ONLY_ENV, raising=False)
    assert mkdocs_hooks.on_files(files, cfg) is files
    context = {"pages": ["as given"]}
    assert mkdocs_hooks.on_template_context(context, "sitemap.xml", cfg)["pages"] == ["as given"]

    monkeypatch.setenv(CHANGED_ONLY_ENV, "1")
    handed = mkdocs_hooks.on_files(files, cfg)
    assert len(handed) == len(files) - 1
    assert len(mkdocs_hooks.on_template_context({"pages": []}, "sitemap.xml", cfg)["pages"]) == 6
    assert mkdocs_hooks.on_template_context({"pages": []}, "404.html", cfg)["pages"] == []
    mkdocs_hooks.on_post_build(cfg)
    assert mkdocs_hooks.on_template_context({"pages": []}, "sitemap.xml", cfg)["pages"] == []


def test_a_pass_takes_at_most_the_pages_asked_and_tells_how_many_are_left(tmp_path, monkeypatch):
    cfg = config(tmp_path)
    files = get_files(cfg)  # nothing built: every file is outdated
    monkeypatch.setenv(PAGES_PER_PASS_ENV, "2")
    changed = mkdocs_hooks.changed_only(files, cfg)
    assert len(changed.documentation_pages()) == 2
    assert "kb/entries/b/fr.bib" in {f.src_uri for f in changed}  # files that are not pages all go
    assert os.environ[PAGES_LEFT_ENV] == str(len(files.documentation_pages()) - 2)
    monkeypatch.setenv(PAGES_PER_PASS_ENV, "0")
    assert len(mkdocs_hooks.changed_only(files, cfg).documentation_pages()) == len(files.documentation_pages())
    assert os.environ[PAGES_LEFT_ENV] == "0"
