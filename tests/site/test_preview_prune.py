"""The preview's MkDocs servers rebuild with --dirty, which never removes a built page: the hooks
(tools/site/mkdocs_hooks.py, with KB_PRUNE_REMOVED set as tools.site.mkdocs.serve_mkdocs sets it)
remove the generated pages' outputs that no docs file produces any more, and nothing else. The
preview itself is tests/e2e/test_preview.py."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tools.site import mkdocs_hooks
from tools.site.mkdocs_hooks import PRUNE_ENV


def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    for rel in ("index.html", "search/search_index.json", "kb/entries/kept/fr/index.html", "kb/entries/kept/fr.bib",
                "kb/entries/gone/fr/index.html", "kb/entries/gone/fr.bib", "kb/entries/half/fr/index.html",
                "kb/entries/half/en/index.html", "old/index.html"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel, encoding="utf-8")
    return out


PRODUCED = ["index.html", "kb/entries/kept/fr/index.html", "kb/entries/kept/fr.bib", "kb/entries/half/en/index.html"]


def left(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def build(out: Path) -> None:
    """What MkDocs does around a build, for the hooks: on_files, then on_post_build."""
    config = SimpleNamespace(site_dir=str(out))
    files = [SimpleNamespace(dest_uri=rel) for rel in PRODUCED]
    assert mkdocs_hooks.on_files(files, config) is files
    mkdocs_hooks.on_post_build(config)


def test_the_preview_removes_the_pages_of_removed_entries(tmp_path, monkeypatch):
    monkeypatch.setenv(PRUNE_ENV, "1")
    out = site(tmp_path)
    build(out)
    # Outside kb/ (the theme's, the plugins' and hand-written pages' outputs) nothing is touched.
    assert left(out) == ["index.html", "kb/entries/half/en/index.html", "kb/entries/kept/fr.bib",
                         "kb/entries/kept/fr/index.html", "old/index.html", "search/search_index.json"]
    assert not (out / "kb/entries/gone").exists()
    assert not (out / "kb/entries/half/fr").exists()


def test_builds_other_than_the_preview_remove_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(PRUNE_ENV, raising=False)
    out = site(tmp_path)
    before = left(out)
    build(out)
    assert left(out) == before


def test_prune_reports_what_it_removed(tmp_path):
    out = site(tmp_path)
    assert mkdocs_hooks.prune(out, set(PRODUCED)) == ["kb/entries/gone/fr.bib", "kb/entries/gone/fr/index.html",
                                                      "kb/entries/half/fr/index.html"]
