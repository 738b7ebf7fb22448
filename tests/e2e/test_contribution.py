"""A contribution from start to finish, and the live-preview machinery behind `make preview`.

Everything happens in a temporary copy of the project (tests.sitebuild.copy_project) that KB_ROOT
points Project() at: scaffold → fill → check --strict → build → search → the page in the site.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import build_index
from tests.conftest import ROOT, entry_text, make_corpus
from tests.sitebuild import copy_project
from tools import cli
from tools.content.validate import load_collection
from tools.content.vocab import Vocabularies
from tools.pipeline import run
from tools.project import Project, Settings
from tools.search.engine import SearchIndex
from tools.site import pages
from tools.site.generate import sync_docs
from tools.site.preview import refresh

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

TITLE = "Recrutement des ouvrières oléicoles saisonnières"
NEW_ID = "ma-recrutement-des-ouvrieres-oleicoles-saisonnieres"
URL = "https://www.anapec.org/recrutement-saisonnier-oleicole"
SECTIONS = [
    "Chaque automne, les exploitations oléicoles de la région de Fès-Meknès recrutent des ouvrières "
    "saisonnières pour la récolte des olives. Ce recrutement passe surtout par des intermédiaires "
    "informels, et les registres publics en donnent une image partielle.",
    "L'agence nationale de promotion de l'emploi tient un registre des offres saisonnières déposées par "
    "les exploitations oléicoles. Chaque offre indique le nombre de postes, la durée du contrat, la "
    "commune de travail et le salaire journalier proposé aux ouvrières.",
    "Les agents comparent les offres enregistrées avec les contrats signés en fin de campagne. Ils "
    "séparent les ouvrières venues d'autres provinces de celles qui résident sur place, afin de suivre "
    "la mobilité interne avant tout départ vers l'étranger.",
    "Le registre montre que les mêmes ouvrières reviennent d'une campagne à l'autre. Un identifiant stable "
    "permettrait de suivre leurs parcours, y compris lorsqu'elles partent ensuite pour des récoltes en "
    "Espagne dans le cadre de programmes de migration circulaire.",
    f"- [Note de l'agence sur le recrutement saisonnier oléicole]({URL})",
]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    """A copy of the whole project, shipped entries included, that Project() points at."""
    copy_project(tmp_path)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    return Project()


def fill_skeleton(path: Path) -> None:
    """What a contributor does in an editor: every TODO replaced by real text and a real source."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("# TODO: check the themes (see CONTRIBUTING)\n", "")
    text = text.replace("summary: 'TODO : résumé en une ou deux phrases (20 à 500 caractères).'",
                        "summary: Registre des offres et contrats saisonniers des ouvrières oléicoles "
                        "recrutées pour la récolte des olives dans la région de Fès-Meknès.")
    text = text.replace("title: 'TODO : titre de la source publique'",
                        "title: Note de l'agence sur le recrutement saisonnier oléicole")
    text = text.replace("https://example.org/TODO", URL)
    for section in SECTIONS:
        assert "TODO : à rédiger." in text
        text = text.replace("TODO : à rédiger.", section, 1)
    assert "TODO" not in text
    path.write_text(text, encoding="utf-8")


def test_project_honours_kb_root(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    assert Project().root == tmp_path
    assert (Project().practices, Project().generated) == (tmp_path / "practices", tmp_path / "docs" / "kb")
    assert Project().index == tmp_path / "build" / "search-index"
    monkeypatch.delenv("KB_ROOT")
    assert Project().root == ROOT


def test_a_scripted_contribution_from_scaffold_to_site(project, capsys):
    shipped = len(list(project.practices.glob("*/*.md")))
    assert cli.main(["new", "--folder", "ma", "--type", "practice", "--lang", "fr", "--theme", "recruitment",
                     "--theme", "working-conditions", TITLE]) == 0
    path = project.practices / "ma" / f"{NEW_ID}.fr.md"
    assert capsys.readouterr().out.startswith(f"Created practices/ma/{NEW_ID}.fr.md:")
    assert build_index.main(["--check", "--strict"]) == 1  # the TODO placeholders are still there
    capsys.readouterr()

    fill_skeleton(path)
    assert build_index.main(["--check", "--strict"]) == 0
    assert capsys.readouterr().out == f"{shipped + 1} files checked: no problems.\n"

    report = run(Project(project.root), progress=False)
    assert report.ok, [p.text() for p in report.problems]
    [entry] = [e for e in report.entries if e.id == NEW_ID]
    assert (entry.lang, entry.type, entry.countries, entry.status) == ("fr", "practice", ("MA",), "draft")
    assert entry.themes == ("recruitment", "working-conditions")

    results = SearchIndex(Project(project.root).index).search("oleicoles")["results"]
    assert results and results[0]["id"] == NEW_ID
    assert results[0]["title"] == TITLE

    page = project.site / "kb" / "entries" / NEW_ID / "fr" / "index.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert "Brouillon" in html
    assert "Recrutement des ouvrières oléicoles saisonnières" in html
    assert f'href="{URL}"' in html
    assert f"entries/{NEW_ID}/fr/" in (project.site / "kb" / "countries" / "ma" / "index.html").read_text(
        encoding="utf-8")


# --- sync_docs and refresh: the live preview --------------------------------------------------------

CORPUS = {
    "ma/ma-a.fr.md": entry_text(tags="[ENE]"),
    "tn/tn-b.fr.md": entry_text(
        title="Registre des autorisations de travail", type="practice", countries="[TN]", themes="[immigration]",
        data_sources="[work-permits]", tags="[permis]",
        summary="Registre administratif des autorisations de travail délivrées aux salariés étrangers."),
    "regional/oit-c.fr.md": entry_text(
        title="Directives de l'OIT sur les statistiques", type="methodology", countries="[]",
        themes="[harmonisation]", data_sources="[]", tags=None,
        summary="Les directives adoptées par la 20e Conférence internationale des statisticiens du travail."),
}
UNRELATED = ["entries/tn-b/fr.md", "entries/oit-c/fr.md", "countries/tn.md", "countries/regional.md",
             "themes/immigration.md", "themes/harmonisation.md", "themes/gender.md", "sources/work-permits.md",
             "types/practice.md", "types/methodology.md", "tags/permis.md", "glossaire.md", "contribuer/fr.md",
             "contribuer/ar.md", "entry.schema.json"]


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small(tmp_path) -> Project:
    project = copy_project(tmp_path, with_practices=False)
    make_corpus(tmp_path, CORPUS)
    return project


def synced(project: Project) -> list[str]:
    entries, problems, _ = load_collection(project.practices, project.root)
    assert not [p for p in problems if p.severity == "error"]
    return sync_docs(entries, project, Settings.load(project))


# The tag's page: its glossary concept's when the glossary knows the acronym (tags are grouped).
ENE_TAG = pages.tag_page("ENE", vocabs=SHIPPED).removeprefix("kb/")


def test_first_sync_writes_every_generated_file(small):
    touched = synced(small)
    assert sorted(touched) == sorted(snapshot(small.generated))
    for rel in ("entries/ma-a/fr.md", "entries/tn-b/fr.md", "index.md", "countries/ma.md", ENE_TAG,
                "contribuer/fr.md", "entry.schema.json", ".generated"):
        assert rel in touched


def test_sync_with_nothing_changed_touches_nothing(small):
    synced(small)
    before = snapshot(small.generated)
    assert synced(small) == []
    assert snapshot(small.generated) == before


def test_sync_after_a_title_edit_touches_that_entry_and_its_listings_only(small):
    synced(small)
    before = snapshot(small.generated)
    make_corpus(small.root, {"ma/ma-a.fr.md": entry_text(tags="[ENE]", title="Panorama quinquennal des ménages")})

    touched = synced(small)
    for rel in ("entries/ma-a/fr.md", "index.md", "countries/ma.md", "themes/stocks.md", "themes/flows.md",
                "sources/labour-force-survey.md", "types/tool.md", ENE_TAG, "entries.json"):
        assert rel in touched, rel
        assert "Panorama quinquennal des ménages" in (small.generated / rel).read_text(encoding="utf-8"), rel
    assert [rel for rel in UNRELATED if rel in touched] == []
    # Untouched means not rewritten at all: same modification time, same bytes.
    after = snapshot(small.generated)
    assert {rel: after[rel] for rel in UNRELATED} == {rel: before[rel] for rel in UNRELATED}
    assert sorted(after) == sorted(before)


def test_sync_removes_stale_files(small):
    synced(small)
    stray = small.generated / "old" / "page.md"
    stray.parent.mkdir()
    stray.write_text("# left over\n", encoding="utf-8")
    (small.practices / "tn" / "tn-b.fr.md").unlink()

    touched = synced(small)
    for rel in ("entries/tn-b/fr.md", "tags/permis.md", "old/page.md"):
        assert rel in touched, rel
        assert not (small.generated / rel).exists(), rel
    assert list((small.generated / "entries" / "tn-b").glob("*")) == []
    assert "entries/ma-a/fr.md" not in touched
    for rel in ("index.md", "countries/tn.md"):  # a focus country keeps its (now empty) page
        assert rel in touched, rel
        assert "tn-b" not in (small.generated / rel).read_text(encoding="utf-8"), rel


def test_refresh_writes_the_generated_pages(small, capsys):
    assert not small.generated.exists()
    assert refresh(small) is True
    assert (small.generated / "entries" / "ma-a" / "fr.md").is_file()
    assert "Updated " in capsys.readouterr().out


def test_refresh_with_a_broken_entry_returns_false_and_leaves_docs_untouched(small, capsys):
    assert refresh(small) is True
    before = snapshot(small.generated)
    broken = entry_text(title="Registre des autorisations de travail", countries="[TN", themes="[immigration]")
    make_corpus(small.root, {"tn/tn-b.fr.md": broken,
                             "ma/ma-a.fr.md": entry_text(tags="[ENE]", title="Panorama quinquennal des ménages")})
    capsys.readouterr()

    assert refresh(small) is False
    out = capsys.readouterr().out
    assert "practices/tn/tn-b.fr.md:" in out and "invalid YAML" in out
    assert "Preview not updated: fix the errors above and save again." in out
    assert snapshot(small.generated) == before
    assert "Panorama" not in (small.generated / "entries" / "ma-a" / "fr.md").read_text(encoding="utf-8")


def test_refresh_with_a_broken_entry_creates_nothing(small):
    make_corpus(small.root, {"ma/ma-a.fr.md": entry_text(countries="[MAR]")})
    assert refresh(small) is False
    assert not small.generated.exists()
