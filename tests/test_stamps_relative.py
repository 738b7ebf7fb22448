"""Stamps name project files relative to the project root and code files relative to the code's
folder (tools.stamps.shown), so a project moved or copied with its build/ folder (times kept, as
`cp -a` or `mv` do) keeps its stamps, while any change of a file's bytes still changes them."""

from __future__ import annotations

import os
import shutil

from tests.conftest import entry_text, make_corpus
from tools import stamps
from tools.content.cached import load_collection
from tools.project import Project, Settings


def _project(tmp_path, name: str) -> Project:
    root = tmp_path / name
    root.mkdir()
    make_corpus(root, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha"), "ma/_notes.md": "x"})
    (root / "docs" / "assets").mkdir(parents=True)
    (root / "docs" / "assets" / "kb.css").write_text("body{}", encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Accueil\n", encoding="utf-8")
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    for tree in ("docs/kb/entries/ma-a", "build/i18n/ar/kb"):
        (root / tree).mkdir(parents=True)
        (root / tree / "fr.md").write_text("page", encoding="utf-8")
    return Project(root)


def _prints(project: Project) -> dict[str, str]:
    stats: dict = {}
    load_collection(project.practices, project.root, cache=project.build / "c.pickle", workers=1, stats=stats)
    settings = Settings()
    trees = [project.generated, project.build / "i18n" / "ar"]
    return {**stamps.stage_inputs(project, settings, [], stats["collection_key"]),
            "site_config": stamps.site_config(project, settings),
            "handwritten": stamps.handwritten_docs(project),
            "docs": stamps.TreeListing(*trees, base=project.root).print(),
            "tree_print": stamps.tree_print(*trees, base=project.root)}


def test_paths_are_shown_relative_to_the_project_or_the_code(tmp_path):
    assert stamps.shown(tmp_path / "p" / "docs" / "a.md", tmp_path / "p") == "project:docs/a.md"
    assert stamps.shown(tmp_path / "p", tmp_path / "p") == "project:."
    assert stamps.shown(tmp_path / "pp" / "a.md", tmp_path / "p") == str(tmp_path / "pp" / "a.md")  # not under it
    assert stamps.shown(stamps.TOOLS / "stamps.py") == "code:tools/stamps.py"
    assert stamps.shown(tmp_path / "x.md") == str(tmp_path / "x.md")


def test_a_project_copied_with_its_times_keeps_its_stamps(tmp_path):
    project = _project(tmp_path, "one")
    first = _prints(project)
    assert first["docs"] == first["tree_print"]
    shutil.copytree(project.root, tmp_path / "elsewhere" / "two", symlinks=True)  # copy2: times kept, like cp -a
    copy = Project(tmp_path / "elsewhere" / "two")
    assert _prints(copy) == first
    os.rename(project.root, tmp_path / "moved")
    assert _prints(Project(tmp_path / "moved")) == first


def test_a_changed_file_still_changes_the_stamps_of_a_copy(tmp_path):
    project = _project(tmp_path, "one")
    first = _prints(project)
    shutil.copytree(project.root, tmp_path / "two", symlinks=True)
    copy = Project(tmp_path / "two")
    entry = copy.practices / "ma" / "ma-a.fr.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("Alpha", "Gamma"), encoding="utf-8")
    (copy.root / "overrides" / "main.html").write_text("{% extends 'base.html' %}{# x #}", encoding="utf-8")
    (copy.generated / "entries" / "ma-a" / "fr.md").write_text("other", encoding="utf-8")
    now = _prints(copy)
    assert now["pages"] != first["pages"] and now["index"] != first["index"]
    assert now["site_config"] != first["site_config"] and now["docs"] != first["docs"]
    assert now["engine"] == first["engine"] and now["handwritten"] == first["handwritten"]
