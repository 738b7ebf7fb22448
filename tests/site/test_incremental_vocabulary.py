"""An incremental build (tools.pipeline with the pages memo of tools.site.generate) after a
vocabulary label changed and no entry did: the pages of the (unchanged) entries show the new label, as
the memo's context stamp covers the data files the run's Vocabularies are read from."""

from __future__ import annotations

import shutil

from tests.conftest import entry_text, make_corpus
from tests.sitebuild import copy_project
from tools.pipeline import PAGES_MEMO, run
from tools.project import ROOT

OLD, NEW = "Stocks de migrants", "Effectifs de migrants QZX"


def test_a_changed_label_reaches_unchanged_entries_pages_on_an_incremental_build(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tools" / "data", data)
    project.data_dir = data
    make_corpus(project.root, {"ma/ma-emploi.fr.md": entry_text(),
                               "ma/ma-autre.fr.md": entry_text(title="Recensement général de la population")})
    kept = project.generated / "entries" / "ma-emploi" / "fr.md"
    listing = project.generated / "themes" / "stocks.md"

    assert run(project, site=False, progress=False).ok
    assert (project.build / PAGES_MEMO).is_file()  # the next build is an incremental one
    assert f"[{OLD}](../../themes/stocks.md)" in kept.read_text(encoding="utf-8")
    assert f"# {OLD}" in listing.read_text(encoding="utf-8")

    vocabulary = data / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    assert f"fr: {{label: {OLD}," in text
    vocabulary.write_text(text.replace(f"fr: {{label: {OLD},", f"fr: {{label: {NEW},", 1), encoding="utf-8")

    report = run(project, site=False, progress=False)
    assert report.ok
    assert report.timings["pages"] != "up to date"
    page = kept.read_text(encoding="utf-8")
    assert f"[{NEW}](../../themes/stocks.md)" in page and OLD not in page
    assert f"# {NEW}" in listing.read_text(encoding="utf-8")
