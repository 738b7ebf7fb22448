"""The bench's synthetic entries are valid as a contributor's would be: no error and no warning, so
the check's timings at scale measure a clean collection (tools.bench.synthetic)."""

from __future__ import annotations

from tools.bench.synthetic import make_project, new_entry
from tools.content.cached import load_collection


def test_synthetic_entries_draw_no_problem(tmp_path):
    root = make_project(tmp_path / "p", 40, seed=3)
    new_entry(root, 1)
    entries, problems, files = load_collection(root / "practices", root)
    assert files == 41
    assert [str(p) for p in problems] == []
    assert len(entries) == 41
    # Ids carry their country folder's code (CONTRIBUTING), the check's id-prefix rule.
    folders = {e.id: e.path.split("/")[-2] for e in entries}
    assert all(i.startswith(f + "-") for i, f in folders.items() if f != "regional"), folders
