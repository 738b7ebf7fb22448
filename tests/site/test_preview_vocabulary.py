"""tools/site/preview.py: each rebuild of the live preview reads the vocabularies anew.

Runs the preview's rebuild (refresh) twice in one process, as `make preview` does between two
saves, on a project copy whose data folder is a copy of tools/data/: a theme unknown at the first
rebuild is added to vocabulary.yml, and the second rebuild accepts it and writes its page.
"""

from __future__ import annotations

import shutil

from tests.conftest import entry_text, make_corpus
from tests.sitebuild import copy_project
from tools.project import ROOT
from tools.site.preview import refresh

THEME = "seasonal-work-qzx"
LABELS = {"fr": "Travail saisonnier QZX", "ar": "العمل الموسمي QZX", "en": "Seasonal work QZX"}


def _add_theme(vocabulary_yml) -> None:
    text = vocabulary_yml.read_text(encoding="utf-8")
    entry = f"  {THEME}:\n" + "".join(
        f'    {lang}: {{label: {label}, description: "Une description de test."}}\n' for lang, label in LABELS.items())
    assert "\nthemes:\n" in text
    vocabulary_yml.write_text(text.replace("\nthemes:\n", "\nthemes:\n" + entry, 1), encoding="utf-8")


def test_a_theme_added_during_the_preview_is_accepted_at_the_next_rebuild(tmp_path, capsys):
    project = copy_project(tmp_path / "kb", with_practices=False)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tools" / "data", data)
    project.data_dir = data
    make_corpus(project.root, {"ma/ma-saisonniers.fr.md": entry_text(themes=f"[stocks, {THEME}]")})
    page = project.generated / "themes" / f"{THEME}.md"

    assert refresh(project) is False
    first = capsys.readouterr().out
    assert f"'{THEME}' is not a known themes term" in first
    assert "Preview not updated" in first
    assert not page.exists()

    _add_theme(data / "vocabulary.yml")
    assert refresh(project) is True
    second = capsys.readouterr().out
    assert "is not a known" not in second and "Preview not updated" not in second
    assert f"# {LABELS['fr']}" in page.read_text(encoding="utf-8")
    entry_page = (project.generated / "entries" / "ma-saisonniers" / "fr.md").read_text(encoding="utf-8")
    assert f"[{LABELS['fr']}](../../themes/{THEME}.md)" in entry_page
