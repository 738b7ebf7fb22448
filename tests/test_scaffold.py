"""tools/new.py: the scaffold that starts an entry (or a translation) from a valid skeleton.

Every test points Project() at tmp_path through KB_ROOT, so the repository's practices/ is never
written; the skeleton is then read back with the real checker (tools.content.validate, build_index.py).
"""

from __future__ import annotations

import builtins
import sys

import pytest

import build_index
from tests.conftest import entry_text, make_corpus
from tools import cli
from tools.content.loader import load_file
from tools.content.validate import load_collection
from tools.project import Project
from tools.scaffold import Refused, new_entry, translate

HEADINGS = {
    "fr": ["Contexte", "Description", "Méthode", "Enseignements", "Références"],
    "ar": ["السياق", "الوصف", "المنهجية", "الدروس المستفادة", "المراجع"],
    "en": ["Context", "Description", "Method", "Lessons", "References"],
}
TITLE = "Enquête sur les saisonniers agricoles"
SLUG = "ma-enquete-sur-les-saisonniers-agricoles"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    (tmp_path / "practices").mkdir()
    return Project()


def no_input(prompt=""):
    raise AssertionError(f"input() must not be called, it was asked {prompt!r}")


def headings(text: str) -> list[str]:
    return [line[3:] for line in text.split("\n") if line.startswith("## ")]


def entry_files(project: Project) -> list[str]:
    return sorted(p.relative_to(project.root).as_posix() for p in project.practices.rglob("*") if p.is_file())


def collection(project: Project):
    entries, problems, files = load_collection(project.practices, project.root)
    return entries, problems, files


def errors_of(problems) -> list[str]:
    return [p.text() for p in problems if p.severity == "error"]


# --- new_entry ----------------------------------------------------------------------------------

def test_project_follows_kb_root(project, tmp_path):
    assert project.root == tmp_path
    assert project.practices == tmp_path / "practices"


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_skeleton_lands_at_folder_id_lang_with_the_language_headings(project, lang):
    path = new_entry(project, "ma", "tool", lang, TITLE, ["stocks", "immigration"])
    assert path == project.practices / "ma" / f"{SLUG}.{lang}.md"
    assert entry_files(project) == [f"practices/ma/{SLUG}.{lang}.md"]
    text = path.read_text(encoding="utf-8")
    assert headings(text) == HEADINGS[lang]
    meta = load_file(path).meta
    assert meta["title"] == TITLE
    assert (meta["type"], meta["lang"], meta["countries"], meta["themes"]) == ("tool", lang, ["MA"],
                                                                                ["stocks", "immigration"])
    assert meta["status"] == "draft"
    assert meta["links"][0]["url"].startswith("https://")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_skeleton_has_no_error_and_a_todo_warning_on_every_todo_line(project, lang):
    path = new_entry(project, "tn", "practice", lang, "Partage des données entre ministères", [])
    text = path.read_text(encoding="utf-8")
    entries, problems, files = collection(project)
    assert files == 1
    assert errors_of(problems) == []
    assert [(e.id, e.lang) for e in entries] == [("tn-partage-des-donnees-entre-ministeres", lang)]
    assert entries[0].themes == ("harmonisation",)  # the default when no theme is given
    todo_lines = [n for n, line in enumerate(text.split("\n"), start=1) if "TODO" in line]
    assert len(todo_lines) >= 5 + 2  # five sections, the summary and the link at least
    placeholders = [p for p in problems if p.field == "placeholder"]
    assert [p.line for p in placeholders] == todo_lines
    assert all(p.severity == "warning" and p.message == "TODO left from the skeleton" for p in placeholders)


def test_skeleton_passes_check_but_fails_strict(project, capsys):
    new_entry(project, "ma", "tool", "fr", TITLE, [])
    assert build_index.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert f"practices/ma/{SLUG}.fr.md:" in out and "placeholder: TODO left from the skeleton" in out
    assert "0 errors" in out
    assert build_index.main(["--check", "--strict"]) == 1


def test_regional_folder_gives_no_country_and_no_prefix(project):
    path = new_entry(project, "regional", "methodology", "en", "ILO guidelines on labour migration", ["harmonisation"])
    assert path == project.practices / "regional" / "ilo-guidelines-on-labour-migration.en.md"
    assert load_file(path).meta["countries"] == []
    assert "countries: []" in path.read_text(encoding="utf-8")
    entries, problems, _ = collection(project)
    assert errors_of(problems) == []
    assert entries[0].countries == ()


def test_title_starting_with_the_country_code_is_not_prefixed_twice(project):
    path = new_entry(project, "dz", "resource", "fr", "DZ : bulletin des transferts", [])
    assert path.name == "dz-bulletin-des-transferts.fr.md"


def test_second_call_is_refused_and_leaves_the_file_byte_identical(project):
    path = new_entry(project, "ma", "tool", "fr", TITLE, [])
    path.write_text(path.read_text(encoding="utf-8") + "\nTexte ajouté par la contributrice.\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(Refused, match="already exists: it was not changed"):
        new_entry(project, "ma", "practice", "fr", TITLE, ["gender"])
    assert path.read_bytes() == before
    assert entry_files(project) == [f"practices/ma/{SLUG}.fr.md"]


def test_main_refuses_an_existing_file_with_exit_1(project, capsys):
    path = new_entry(project, "ma", "tool", "fr", TITLE, [])
    before = path.read_bytes()
    assert cli.main(["new", "--folder", "ma", "--type", "tool", "--lang", "fr", TITLE]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and "already exists" in err and out == ""
    assert path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (("xx", "tool", "fr", TITLE, []), "folder must be one of ma, tn, mr, ly, dz, regional"),
    (("ma", "outil", "fr", TITLE, []), "type must be one of tool, methodology, practice, resource"),
    (("ma", "tool", "de", TITLE, []), "lang one of fr, ar, en"),
    (("ma", "tool", "fr", TITLE, ["stocks", "flow"]), "unknown theme(s) flow: choose from stocks, flows, "),
    (("ma", "tool", "fr", "  ab ", []), "the title needs 3 to 200 characters"),
])
def test_bad_arguments_are_refused_with_a_clear_message(project, args, message):
    with pytest.raises(Refused) as exc:
        new_entry(project, *args)
    assert message in str(exc.value)
    assert entry_files(project) == []


@pytest.mark.parametrize("title", ["x" * 201, "Enquête <b>emploi</b> au Maroc"], ids=["too-long", "html"])
def test_a_title_the_checker_rejects_is_refused_by_the_scaffold(project, title):
    """The scaffold promises a skeleton that passes --check: a title the checker refuses must be refused
    here too (as a title under 3 characters is), not written into a file that fails the check."""
    try:
        path = new_entry(project, "ma", "tool", "fr", title, [])
    except Refused:
        assert entry_files(project) == []
        return
    _, problems, _ = collection(project)
    assert errors_of(problems) == [], f"the scaffold wrote {path.name}, which fails the check"


def test_two_entries_with_arabic_titles_get_two_files(project):
    """Titles in the file's language are what the scaffold asks for; an Arabic title has no Latin letters."""
    first = new_entry(project, "ma", "tool", "ar", "المسح الوطني حول التشغيل", [])
    second = new_entry(project, "ma", "tool", "ar", "سجل عقود العمل الأجنبية", [])
    assert first != second
    assert len(entry_files(project)) == 2


def test_main_with_a_bad_theme_exits_1_and_writes_nothing(project, capsys):
    assert cli.main(["new", "--folder", "ma", "--type", "tool", "--lang", "fr", "--theme", "flow", TITLE]) == 1
    err = capsys.readouterr().err
    assert "error: unknown theme(s) flow" in err
    assert entry_files(project) == []


def test_main_with_a_bad_folder_is_an_argparse_error(project, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["new", "--folder", "xx", "--type", "tool", "--lang", "fr", TITLE])
    assert exc.value.code == 2
    assert "invalid choice: 'xx'" in capsys.readouterr().err
    assert entry_files(project) == []


def test_main_with_all_arguments_creates_the_entry(project, capsys, monkeypatch):
    monkeypatch.setattr(builtins, "input", no_input)
    assert cli.main(["new", "--folder", "ma", "--type", "tool", "--lang", "fr", "--theme", "stocks", "--theme", "flows",
                     TITLE]) == 0
    out = capsys.readouterr().out
    assert out == f"Created practices/ma/{SLUG}.fr.md: replace every TODO, then run 'make check'.\n"
    assert load_file(project.practices / "ma" / f"{SLUG}.fr.md").meta["themes"] == ["stocks", "flows"]


# --- translate ----------------------------------------------------------------------------------

FRENCH = entry_text(countries="[MA, ES]", themes="[stocks, flows]", data_sources="[labour-force-survey, population-census]",
                    institutions="[Haut-Commissariat au Plan (HCP)]",
                    links="\n  - title: Site du HCP\n    url: https://www.hcp.ma/\n"
                          "  - title: Note ILOSTAT\n    url: https://ilostat.ilo.org/ma")


def test_translate_copies_what_translations_share(project):
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH, "ma/ma-x.en.md": entry_text(
        lang="en", title="National employment survey", countries="[MA, ES]",
        data_sources="[labour-force-survey, population-census]")})
    path = translate(project, "ma-x", "ar")
    assert path == project.practices / "ma" / "ma-x.ar.md"
    french, arabic = load_file(project.practices / "ma" / "ma-x.fr.md").meta, load_file(path).meta
    for name in ("type", "countries", "themes", "data_sources", "links"):
        assert arabic[name] == french[name], name
    assert arabic["lang"] == "ar" and arabic["status"] == "draft"
    assert arabic["title"] == "TODO: Enquête nationale sur l'emploi"
    assert headings(path.read_text(encoding="utf-8")) == HEADINGS["ar"]


def test_translated_pair_validates_with_no_translation_mismatch(project):
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH})
    translate(project, "ma-x", "ar")
    entries, problems, files = collection(project)
    assert files == 2
    assert errors_of(problems) == []
    assert not [p for p in problems if "differs from its translation" in p.message]
    assert sorted((e.id, e.lang) for e in entries) == [("ma-x", "ar"), ("ma-x", "fr")]
    assert {p.field for p in problems if p.path.endswith(".ar.md")} <= {"placeholder", "body"}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_translation_skeleton_says_the_shared_fields_stay_identical(project, lang):
    # Differing themes between versions are an error: the skeleton may not ask to "check the themes".
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH})
    text = translate(project, "ma-x", lang).read_text(encoding="utf-8")
    assert "check the themes" not in text
    note = next(line for line in text.split("\n") if line.startswith("# ") and "data_sources" in line)
    assert text.index(note) < text.index("\ntype:")
    assert all(name in note for name in ("type", "countries", "themes", "data_sources"))
    assert "TODO" not in note  # nothing to do there: no placeholder warning
    assert ("every version" in note) if lang == "en" else ("كل النسخ" in note)
    _, problems, _ = collection(project)
    assert [p for p in problems if p.line == text.split("\n").index(note) + 1] == []


def test_translate_of_a_regional_entry_keeps_no_country(project):
    make_corpus(project.root, {"regional/oit-x.fr.md": entry_text(countries="[]", data_sources="[]")})
    path = translate(project, "oit-x", "en")
    assert path == project.practices / "regional" / "oit-x.en.md"
    assert load_file(path).meta["countries"] == []
    _, problems, _ = collection(project)
    assert errors_of(problems) == []


def test_translate_refuses_an_unknown_id_and_an_existing_language(project):
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH, "ma/ma-x.en.md": entry_text(lang="en", countries="[MA, ES]")})
    english = (project.practices / "ma" / "ma-x.en.md").read_bytes()
    with pytest.raises(Refused, match="no entry with id 'ma-y'"):
        translate(project, "ma-y", "ar")
    with pytest.raises(Refused, match="already exists"):
        translate(project, "ma-x", "en")
    assert (project.practices / "ma" / "ma-x.en.md").read_bytes() == english
    assert entry_files(project) == ["practices/ma/ma-x.en.md", "practices/ma/ma-x.fr.md"]


def test_main_translate(project, capsys):
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH})
    assert cli.main(["new", "--translate", "ma-x", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Created practices/ma/ma-x.en.md:")
    assert cli.main(["new", "--translate", "ma-nothing", "--lang", "en"]) == 1
    assert "error: no entry with id 'ma-nothing'" in capsys.readouterr().err


# --- missing arguments: argparse error without a terminal, questions with one ---------------------

@pytest.mark.parametrize("argv, missing", [
    ([], "missing --folder, --type, --lang, title"),
    (["--folder", "ma", "--type", "tool"], "missing --lang, title"),
    (["--folder", "ma", "--type", "tool", "--lang", "fr"], "missing title"),
    (["--translate", "ma-x"], "--translate needs --lang"),
])
def test_missing_arguments_without_a_terminal_exit_2(project, monkeypatch, capsys, argv, missing):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    monkeypatch.setattr(builtins, "input", no_input)
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH})
    with pytest.raises(SystemExit) as exc:
        cli.main(["new", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m tools new") and f"error: {missing}" in err
    assert entry_files(project) == ["practices/ma/ma-x.fr.md"]


class Script:
    """input() replacement: answers in order, and remembers every prompt."""

    def __init__(self, answers):
        self.answers, self.prompts = list(answers), []

    def __call__(self, prompt=""):
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"unexpected question {prompt!r}")
        return self.answers.pop(0)


def test_interactive_mode_asks_again_after_an_invalid_answer(project, monkeypatch, capsys):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    script = Script(["maroc", " ma ", "tool", "fr", "", TITLE])
    monkeypatch.setattr(builtins, "input", script)
    assert cli.main(["new"]) == 0
    assert script.answers == []
    assert script.prompts == [
        "Folder (maintaining country) [ma/tn/mr/ly/dz/regional]: ",
        "Folder (maintaining country) [ma/tn/mr/ly/dz/regional]: ",
        "Type [tool/methodology/practice/resource]: ",
        "Language [fr/ar/en]: ",
        "Title: ",
        "Title: ",
    ]
    out = capsys.readouterr().out
    assert "choose one of: ma, tn, mr, ly, dz, regional" in out and "please answer" in out
    assert f"Created practices/ma/{SLUG}.fr.md" in out
    path = project.practices / "ma" / f"{SLUG}.fr.md"
    meta = load_file(path).meta
    assert (meta["title"], meta["type"], meta["lang"], meta["countries"]) == (TITLE, "tool", "fr", ["MA"])
    assert errors_of(collection(project)[1]) == []


def test_interactive_mode_asks_only_what_is_missing(project, monkeypatch, capsys):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    script = Script(["en", "Data sharing between ministries"])
    monkeypatch.setattr(builtins, "input", script)
    assert cli.main(["new", "--folder", "tn", "--type", "practice", "--theme", "data-sharing"]) == 0
    assert script.prompts == ["Language [fr/ar/en]: ", "Title: "]
    meta = load_file(project.practices / "tn" / "tn-data-sharing-between-ministries.en.md").meta
    assert (meta["type"], meta["lang"], meta["countries"], meta["themes"]) == ("practice", "en", ["TN"], ["data-sharing"])


def test_interactive_translate_asks_for_the_language(project, monkeypatch, capsys):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    make_corpus(project.root, {"ma/ma-x.fr.md": FRENCH})
    script = Script(["de", "ar"])
    monkeypatch.setattr(builtins, "input", script)
    assert cli.main(["new", "--translate", "ma-x"]) == 0
    assert script.prompts == ["Language of the translation [fr/ar/en]: "] * 2
    assert (project.practices / "ma" / "ma-x.ar.md").is_file()


def test_an_id_made_from_the_type_is_said_with_how_to_choose_one(project, capsys):
    """An Arabic title has no Latin letters: the id ('ma-tool') comes from the type, and ids never
    change once published. The command said only "Created practices/ma/ma-tool.ar.md"."""
    assert cli.main(["new", "--folder", "ma", "--type", "tool", "--lang", "ar", "المسح الوطني حول التشغيل"]) == 0
    out = capsys.readouterr().out
    assert "Created practices/ma/ma-tool.ar.md" in out
    assert "'ma-tool'" in out and "--id ma-" in out
    assert cli.main(["new", "--folder", "ma", "--type", "tool", "--lang", "fr", TITLE]) == 0
    assert "--id" not in capsys.readouterr().out  # an id made from the title's words: nothing to add


@pytest.mark.parametrize("guide", ["CONTRIBUTING.md", "CONTRIBUTING.ar.md", "CONTRIBUTING.en.md"])
def test_the_guides_new_entry_command_gives_an_id_that_is_kept(project, guide, monkeypatch, capsys):
    # The Arabic guide's example had an Arabic title and no --id: the scaffold wrote ma-tool.ar.md
    # and told the reader to delete it and start again with --id.
    import shlex
    from pathlib import Path

    monkeypatch.setattr(builtins, "input", no_input)
    text = (Path(__file__).resolve().parent.parent / guide).read_text(encoding="utf-8")
    commands = [line for line in text.splitlines() if line.startswith("python -m tools new --folder")]
    assert commands, guide
    for line in commands:
        assert cli.main(shlex.split(line)[3:]) == 0, line
        out = capsys.readouterr().out
        assert "was made from the type" not in out, (guide, line, out)
    written = [p.name for p in project.practices.rglob("*.md")]
    assert written and not any(name.startswith("ma-tool.") for name in written), written


def test_translate_copies_institutions_and_keywords_marked_to_translate(project):
    # The guides say the new version keeps the original's metadata, its institutions and keywords
    # to translate; they were left out, so a translation lost them unless retyped from the original.
    make_corpus(project.root, {"ma/ma-x.fr.md": entry_text(institutions="[Haut-Commissariat au Plan (HCP), OIT]",
                                                           tags="[ENE, enquête emploi]")})
    path = translate(project, "ma-x", "en")
    meta = load_file(path).meta
    assert meta["institutions"] == ["TODO: Haut-Commissariat au Plan (HCP)", "TODO: OIT"]
    assert meta["tags"] == ["TODO: ENE", "TODO: enquête emploi"]
    entries, problems, _ = collection(project)
    assert errors_of(problems) == []
    assert {p.line for p in problems if p.field == "placeholder" and p.path.endswith(".en.md")} >= {
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "TODO: ENE" in line}
