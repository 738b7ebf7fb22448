"""tools/build.py end to end: entries → pages, exports, search index → the real MkDocs site.

Each project is a copy of the site's inputs (docs/, overrides/, mkdocs.yml) in a temporary
folder with a few entries of its own; the repository's outputs are never touched. One built
project is shared by the read-only tests; tests that edit entries build their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import BODY, entry_text, make_corpus
from tests.sitebuild import copy_project
from tools.pipeline import run
from tools.project import Project
from tools.search.engine import SearchIndex
from tools.site import pages
from tools.web.api import create_app

MA, TN, REG = "ma-enquete-emploi", "tn-registre-travailleurs-etrangers", "oit-directives-migration"
AR_BODY = "".join(f"\n## {h}\n\nفقرة نصية عن {h} في المسح الوطني للتشغيل.\n"
                  for h in ("السياق", "الوصف", "المنهجية", "الدروس المستفادة", "المراجع"))
HOSTILE = ("\n## Annexe\n\n<script>alert(1728)</script>\n\n"
           "Un paragraphe qui continue\n    <img src=x onerror=alert(1729)>\n")
STAGES = ("pages", "index", "site")


def corpus(ma_title: str = "Enquête nationale sur l'emploi", ma_body: str = BODY) -> dict[str, str]:
    return {
        f"ma/{MA}.fr.md": entry_text(title=f'"{ma_title}"', body=ma_body, tags="[Emploi, سوق العمل]"),
        f"ma/{MA}.ar.md": entry_text(
            lang="ar", title="المسح الوطني حول التشغيل", body=AR_BODY, tags="[سوق العمل]",
            summary="مسح فصلي للأسر حول التشغيل والبطالة والهجرة في المغرب."),
        f"tn/{TN}.fr.md": entry_text(
            title="Registre des travailleurs étrangers", countries="[TN]", themes="[immigration]",
            data_sources="[work-permits]", status="reviewed", reviewed_by="[Point focal TN]",
            reviewed_on='"2024-06-01"',
            summary="Registre administratif des autorisations de travail délivrées aux salariés venus d'ailleurs."),
        f"regional/{REG}.fr.md": entry_text(
            title="Directives de l'OIT sur la migration de main-d'œuvre", countries="[]", type="methodology",
            themes="[harmonisation]", data_sources="[]"),
    }


def new_project(root: Path, **kw) -> Project:
    project = copy_project(root, with_practices=False)
    make_corpus(root, corpus(**kw))
    return project


def built(root: Path, **kw) -> Project:
    project = new_project(root, **kw)
    report = run(project, progress=False)
    assert report.ok, [p.text() for p in report.problems]
    return project


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file and folder under folder: modification time and content hash."""
    assert folder.is_dir()
    out = {".": (folder.stat().st_mtime_ns, "")}
    for p in sorted(folder.rglob("*")):
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        out[str(p.relative_to(folder))] = (p.stat().st_mtime_ns, digest)
    return out


def leftovers(root: Path) -> list[str]:
    # os.walk, not rglob: the previous site is being deleted in the background (fsutil.discard_later).
    return [os.path.relpath(os.path.join(d, name), root) for d, dirs, files in os.walk(root)
            for name in dirs + files if ".tmp-" in name or ".old-" in name]


def page(project: Project, url: str) -> str:
    return (project.site / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root = tmp_path_factory.mktemp("built")
    project = new_project(root, ma_body=BODY + HOSTILE)
    report = run(project, progress=False)
    return project, report


@pytest.fixture(scope="module")
def project(shared) -> Project:
    return shared[0]


def test_first_build_reports_ok(shared):
    project, report = shared
    assert report.ok, [p.text() for p in report.problems]
    assert report.files == 4
    assert sorted((e.id, e.lang) for e in report.entries) == sorted(
        [(MA, "ar"), (MA, "fr"), (REG, "fr"), (TN, "fr")])
    for stage in STAGES:
        assert isinstance(report.timings[stage], float), report.timings
    assert "Built 3 entries (language versions: 1 ar, 3 fr) from 4 files" in report.line()


def test_site_files_exist(project):
    site = project.site
    for path in ("index.html", f"kb/entries/{MA}/fr/index.html", f"kb/entries/{MA}/ar/index.html",
                 f"kb/entries/{TN}/fr/index.html", "kb/entries.json", "kb/entries.csv", "kb/catalog.json",
                 "kb/countries/regional/index.html", "kb/countries/ma/index.html", "kb/glossaire/index.html",
                 "kb/tags/سوق-العمل/index.html", "kb/themes/immigration/index.html"):
        assert (site / path).is_file(), path
    assert (project.index).is_dir() and any(project.index.iterdir())
    data = json.loads((site / "kb" / "entries.json").read_text(encoding="utf-8"))
    assert sorted((r["id"], r["lang"]) for r in data) == sorted([(MA, "ar"), (MA, "fr"), (REG, "fr"), (TN, "fr")])


def test_entry_pages_in_the_site(project):
    fr = page(project, f"kb/entries/{MA}/fr")
    assert "Enquête nationale sur l&#39;emploi" in fr or "Enquête nationale sur l'emploi" in fr
    assert 'dir="ltr"' in fr and 'dir="rtl"' not in fr
    assert 'href="../ar/"' in fr  # link to the Arabic version
    ar = page(project, f"kb/entries/{MA}/ar")
    assert 'dir="rtl"' in ar and 'lang="ar"' in ar
    assert "المسح الوطني حول التشغيل" in ar and pages.ui()["countries"]["ar"] in ar
    assert "admonition warning" in fr
    assert "admonition" not in page(project, f"kb/entries/{TN}/fr")


def test_listing_pages_in_the_site(project):
    regional = page(project, "kb/countries/regional")
    assert f"../../entries/{REG}/fr/" in regional and MA not in regional
    all_entries = page(project, "kb")
    # One line per entry, the French version in the French interface.
    for entry_id, lang in ((MA, "fr"), (TN, "fr"), (REG, "fr")):
        assert all_entries.count(f"entries/{entry_id}/") == 1
        assert f"entries/{entry_id}/{lang}/" in all_entries
    assert f"entries/{MA}/ar/" not in all_entries


def test_body_html_is_text_in_the_site(project):
    fr = page(project, f"kb/entries/{MA}/fr")
    assert "<script>alert(1728)" not in fr
    assert "&lt;script&gt;alert(1728)&lt;/script&gt;" in fr


def test_indented_body_html_is_text_in_the_site(project):
    """An indented line that continues a paragraph is not code: its <img onerror> must not be live."""
    fr = page(project, f"kb/entries/{MA}/fr")
    assert "alert(1729)" in fr
    assert not re.search(r"<img[^>]*onerror", fr), "raw <img onerror> from the entry body reached the site"


def test_second_run_is_up_to_date(project):
    before = snapshot(project.site)
    report = run(project, progress=False)
    assert report.ok
    for stage in STAGES:
        assert report.timings[stage] == "up to date", report.timings
    assert snapshot(project.site) == before


def test_no_temporary_folders_left(project):
    assert leftovers(project.root) == []
    assert sorted(p.name for p in project.root.iterdir() if not p.name.startswith("CONTRIBUTING")) == [
        "build", "docs", "mkdocs.yml", "overrides", "practices", "site"]


def test_api_searches_and_serves_the_site(project, word_lists):
    # word_lists: loaded before the first search, not inside its time limit (a 504 on a loaded machine).
    with TestClient(create_app(project)) as client:
        found = client.get("/api/search", params={"q": "etrangers"})
        assert found.status_code == 200
        body = found.json()
        assert body["ok"] is True
        assert [r["id"] for r in body["results"]][:1] == [TN]
        assert MA not in {r["id"] for r in body["results"]}
        for word in ("enquete", "main-d'oeuvre"):
            ids = [r["id"] for r in client.get("/api/search", params={"q": word}).json()["results"]]
            assert ids[:1] == [MA if word == "enquete" else REG], (word, ids)
        home = client.get("/")
        assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
        assert home.text == (project.site / "index.html").read_text(encoding="utf-8")
        ar = client.get(f"/kb/entries/{MA}/ar/")
        assert ar.status_code == 200 and 'dir="rtl"' in ar.text
        health = client.get("/api/health").json()
        assert health == {"ok": True, "index": True, "site": True}


def broken_entry_leaves_outputs_untouched(project: Project, tmp_path: Path) -> None:
    outputs = (project.site, project.index, project.generated)
    before = [snapshot(folder) for folder in outputs]
    stamps = project.stamps.read_bytes()
    broken = entry_text(title="Registre des travailleurs étrangers", countries="[TN", themes="[immigration]")
    make_corpus(tmp_path, {f"tn/{TN}.fr.md": broken, f"ma/{MA}.fr.md": corpus(ma_title="Titre modifié")[f"ma/{MA}.fr.md"]})

    report = run(project, progress=False)
    assert report.ok is False
    errors = [p for p in report.problems if p.severity == "error"]
    assert errors and all(p.path == f"practices/tn/{TN}.fr.md" for p in errors)
    assert any("YAML" in p.message for p in errors)
    assert set(report.timings) == {"check"}
    assert [snapshot(folder) for folder in outputs] == before
    assert project.stamps.read_bytes() == stamps
    assert "Titre modifié" not in page(project, f"kb/entries/{MA}/fr")
    assert leftovers(tmp_path) == []


def editing_a_hand_written_page_rebuilds_only_the_site(project: Project) -> None:
    index_before = snapshot(project.index)
    home = project.docs / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n\nPhrase ajoutée pour le test.\n", encoding="utf-8")
    report = run(project, progress=False)
    assert report.ok
    assert report.timings["pages"] == "up to date" and report.timings["index"] == "up to date"
    assert isinstance(report.timings["site"], float)
    assert "Phrase ajoutée pour le test." in (project.site / "index.html").read_text(encoding="utf-8")
    assert snapshot(project.index) == index_before


def editing_a_title_rebuilds_pages_index_and_site(project: Project, tmp_path: Path) -> None:
    entry_page = project.site / "kb" / "entries" / MA / "fr" / "index.html"
    assert "Enquête nationale sur l" in entry_page.read_text(encoding="utf-8")
    make_corpus(tmp_path, {f"ma/{MA}.fr.md": corpus(ma_title="Panorama quinquennal des ménages")[f"ma/{MA}.fr.md"]})

    report = run(project, progress=False)
    assert report.ok
    for stage in STAGES:
        assert isinstance(report.timings[stage], float), report.timings
    html = entry_page.read_text(encoding="utf-8")
    assert "Panorama quinquennal des ménages" in html and "Enquête nationale sur l" not in html
    assert "Panorama quinquennal des ménages" in page(project, "kb")
    records = json.loads((project.site / "kb" / "entries.json").read_text(encoding="utf-8"))
    assert {r["title"] for r in records if r["id"] == MA and r["lang"] == "fr"} == {"Panorama quinquennal des ménages"}
    results = SearchIndex(project.index).search("quinquennal")["results"]
    assert [r["id"] for r in results] == [MA]
    assert leftovers(tmp_path) == []

    again = run(project, progress=False)
    assert [again.timings[s] for s in STAGES] == ["up to date"] * 3


def test_edits_after_a_build_each_redo_what_they_change(tmp_path):
    """One built project edited three times in turn (each initial build costs as much as the
    edits): a broken entry changes no output; once fixed, an edited hand-written page rebuilds
    only the site; an edited title rebuilds pages, index and site."""
    project = built(tmp_path)
    broken_entry_leaves_outputs_untouched(project, tmp_path)
    make_corpus(tmp_path, {name: text for name, text in corpus().items() if name in (f"tn/{TN}.fr.md", f"ma/{MA}.fr.md")})
    fixed = run(project, progress=False)  # back to the built entries: nothing left to redo but the check
    assert fixed.ok and [fixed.timings[s] for s in STAGES] == ["up to date"] * 3, fixed.timings
    editing_a_hand_written_page_rebuilds_only_the_site(project)
    editing_a_title_rebuilds_pages_index_and_site(project, tmp_path)
