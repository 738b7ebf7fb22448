"""The pages and index stamps take the entry files' digest from the check (its collection key)
instead of reading every entry again (tools.stamps.stage_inputs): the other files under
practices/ are still read, and any change of an entry file changes both stamps."""

from __future__ import annotations

from tests.conftest import entry_text, make_corpus
from tools import stamps
from tools.content.cached import load_collection
from tools.project import Project, Settings


def inputs(project: Project) -> dict[str, str]:
    stats: dict = {}
    load_collection(project.practices, project.root, cache=project.build / "c.pickle", workers=1, stats=stats)
    return stamps.stage_inputs(project, Settings(), [], stats["collection_key"])


def test_helper_files_are_read_and_entry_files_left_to_the_check(tmp_path):
    practices = make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(), "ma/_notes.md": "x", "ma/README.md": "r",
                                       "README.md": "top", "ma/sub/x.md": "deep", "ma/.hidden.md": "h"})
    found = sorted(p.relative_to(practices).as_posix() for p in stamps.other_practices_files(practices))
    assert found == ["README.md", "ma/README.md", "ma/_notes.md", "ma/sub/x.md"]


def test_a_change_of_an_entry_or_of_a_helper_file_changes_the_stamps(tmp_path):
    make_corpus(tmp_path, {"ma/ma-a.fr.md": entry_text(title="Enquête Alpha"), "ma/_notes.md": "x"})
    project = Project(tmp_path)
    first = inputs(project)
    assert inputs(project) == first
    entry = project.practices / "ma" / "ma-a.fr.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("Alpha", "Gamma"), encoding="utf-8")
    second = inputs(project)
    assert second["pages"] != first["pages"] and second["index"] != first["index"]
    assert second["pages_context"] == first["pages_context"] and second["engine"] == first["engine"]
    (project.practices / "ma" / "_notes.md").write_text("y", encoding="utf-8")
    third = inputs(project)
    assert third["pages"] != second["pages"] and third["index"] != second["index"]
