"""A build after a preview session: the preview regenerates the docs trees the site is built from
(tools.site.preview.refresh, what it runs on every save), so the next build's pages stage may
write nothing; the site must still be rebuilt from those trees, and an edit the preview showed
but that was undone before the build must not stay in the pages or the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.bench.synthetic import make_project
from tools.pipeline import run
from tools.project import Project
from tools.search.engine import SearchIndex
from tools.site.preview import refresh

pytestmark = pytest.mark.e2e
PREVIEW_TITLE = "Titre vu dans la prévisualisation QZX77"
UNDONE_TITLE = "Titre annulé avant la construction QZV88"


def built(report):
    assert report.ok, [p for p in report.problems if p.severity == "error"][:3]
    return report


def retitle(path: Path, title: str) -> str:
    """Give the entry file at `path` the title `title`; returns the file's previous text."""
    text = path.read_text(encoding="utf-8")
    edited, n = re.subn(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)
    assert n == 1
    path.write_text(edited, encoding="utf-8")
    return text


def pages_of(project: Project, entry_id: str) -> dict[str, str]:
    """The entry's French-version pages in the built site, in each interface: {path: html}."""
    out = {}
    for prefix in ("", "ar/", "en/"):
        path = project.site / f"{prefix}kb/entries/{entry_id}/fr/index.html"
        out[str(path.relative_to(project.site))] = path.read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    project = Project(make_project(tmp_path_factory.mktemp("after-preview"), 24, seed=5))
    built(run(project, progress=False, force=True))
    entries = sorted(project.practices.glob("*/*.fr.md"))
    shown, undone = entries[1], entries[4]

    # A preview session shows a new title; the preview is stopped, then the site is built.
    retitle(shown, PREVIEW_TITLE)
    assert refresh(project)
    after = built(run(project, progress=False))
    shown_pages = pages_of(project, shown.name.split(".")[0])
    # Another session: a title changed, previewed, then undone (the undo not previewed).
    original = retitle(undone, UNDONE_TITLE)
    assert refresh(project)
    undone.write_text(original, encoding="utf-8")
    built(run(project, progress=False))
    return {"project": project, "after": after, "shown_pages": shown_pages, "again": built(run(project, progress=False)),
            "shown": shown.name.split(".")[0], "undone": undone.name.split(".")[0]}


def test_the_site_shows_what_the_preview_showed(session):
    assert session["after"].timings["site"] != "up to date"
    for path, html in session["shown_pages"].items():
        assert PREVIEW_TITLE in html, path


def test_an_edit_undone_after_the_preview_leaves_no_trace(session):
    project = session["project"]
    for path, html in pages_of(project, session["undone"]).items():
        assert UNDONE_TITLE not in html, path
    for tree in (project.generated, project.build / "i18n"):
        stale = [p for p in tree.rglob("*") if p.is_file() and UNDONE_TITLE in p.read_text(encoding="utf-8")]
        assert stale == []


def test_the_search_index_agrees_with_the_site(session):
    index = SearchIndex(session["project"].index)
    assert session["shown"] in [hit["id"] for hit in index.search("QZX77")["results"]]
    assert index.search("QZV88")["results"] == []


def test_the_next_build_has_nothing_to_do(session):
    timings = session["again"].timings
    assert [timings[stage] for stage in ("pages", "index", "site")] == ["up to date"] * 3
