"""What the pages stage reuses between builds to cost what a change costs (#10): listing keys from
per-entry line digests (pages.TextMemo.lines), comparison rows remembered by their cells' lines,
the glossary's pages, folded titles kept in the pages memo (split.Folding), and unchanged entries'
files found in the memo's record of the trees. Each test fails if a stale text or value is reused."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import replace

from tests.conftest import entry_text, load, make_corpus, mini_corpus
from tests.sitebuild import copy_project
from tools.content.vocab import Vocabularies
from tools.pipeline import PAGES_MEMO, run
from tools.project import ROOT, Settings
from tools.search.analysis import normalize
from tools.site import generate, pages, split

SHIPPED = Vocabularies.load()


def test_line_digests_follow_what_a_line_shows(tmp_path):
    entries, _, _ = load(tmp_path, mini_corpus())
    memo = pages.TextMemo()
    base = memo.lines(entries)
    assert memo.lines(entries[::-1]) == base  # a set, by default
    assert memo.lines(entries[::-1], ordered=True) != memo.lines(entries, ordered=True)
    e = entries[0]
    # A new Entry under the same key is digested again, not taken from the first one's.
    for changed in (replace(e, title=e.title + " bis"), replace(e, type="study" if e.type != "study" else "tool"),
                    replace(e, status="draft" if e.status != "draft" else "validated"), replace(e, countries=("DZ",))):
        assert memo.lines([changed, *entries[1:]]) != base, changed
    assert memo.lines([replace(e, body=e.body + "\n\nAutre."), *entries[1:]]) == base  # the body is no line's
    dated = memo.lines(entries, dated=True)
    assert memo.lines([replace(e, updated="1999-01-01"), *entries[1:]], dated=True) != dated
    assert memo.lines([replace(e, updated="1999-01-01"), *entries[1:]]) == base


def test_comparison_rows_are_made_again_for_the_changed_entrys_sources_and_themes_only(shipped_collection, monkeypatch):
    entries = list(shipped_collection[0])
    memo = pages.TextMemo()
    path = "kb/comparaison.md"
    first = pages.comparison_page(entries, path, "fr", vocabs=SHIPPED, memo=memo)
    assert first == pages.comparison_page(entries, path, "fr", vocabs=SHIPPED)
    i = next(i for i, e in enumerate(entries) if e.lang == "fr" and e.countries and e.data_sources and e.themes)
    changed = list(entries)
    changed[i] = replace(entries[i], title="Zzz titre changé " + entries[i].title)
    made = []
    row = pages._comparison_row
    monkeypatch.setattr(pages, "_comparison_row", lambda term, *a: made.append(term) or row(term, *a))
    again = pages.comparison_page(changed, path, "fr", vocabs=SHIPPED, memo=pages.TextMemo(memo.kept()))
    assert sorted(made) == sorted(set(changed[i].data_sources) | set(changed[i].themes))
    assert again == pages.comparison_page(changed, path, "fr", vocabs=SHIPPED)  # no stale row
    assert "Zzz titre changé" in again and again != first


def test_the_glossary_pages_are_remembered_and_made_again_when_the_glossary_changes(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tools" / "data", data)
    project.data_dir = data
    make_corpus(project.root, {"ma/ma-emploi.fr.md": entry_text()})
    assert run(project, site=False, progress=False).ok
    with (project.build / PAGES_MEMO).open("rb") as fh:
        assert any(k[0] == "glossary" for k in pickle.load(fh)["texts"])  # remembered
    glossary = data / "glossary.yml"
    text = glossary.read_text(encoding="utf-8")
    old = "C'est un concept de stock."
    assert old in text
    glossary.write_text(text.replace(old, "QZX concept de stock."), encoding="utf-8")
    assert run(project, site=False, progress=False).ok
    shown = "\n".join(p.read_text(encoding="utf-8") for p in (project.generated / "glossaire").glob("*.md"))
    assert "QZX concept de stock." in shown


def test_folding_hands_the_folds_used_to_the_next_build():
    fold = split.Folding()
    assert fold("Été") == normalize("Été")
    fold.begin({"Zèbre": "fold remembered"})
    assert fold("Zèbre") == "fold remembered"  # taken from the earlier build, not folded again
    assert fold("Été") == normalize("Été")  # this process's own folds stay known
    assert fold("Ânes") == normalize("Ânes")
    assert fold.used() == {"Zèbre": "fold remembered", "Été": normalize("Été"), "Ânes": normalize("Ânes")}


def _project(tmp_path):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, {"ma/ma-emploi.fr.md": entry_text(),
                               "ma/ma-autre.fr.md": entry_text(title="Recensement général de la population")})
    return project


def test_folds_of_another_context_are_not_used(tmp_path):
    project = _project(tmp_path)
    assert run(project, site=False, progress=False).ok
    memo_path = project.build / PAGES_MEMO
    with memo_path.open("rb") as fh:
        data = pickle.load(fh)
    title = "Recensement général de la population"
    assert data["folds"].get(title) == normalize(title)  # the build kept its folds
    # A wrong fold would file the title under 'a' and sort it first: a build of the same context
    # trusts the memo (what makes the folds worth keeping) ...
    memo = generate.EntryMemo.load(memo_path, data["context"])
    memo.folds[title] = "aaa wrong fold"
    memo.texts = {}  # every listing made again from the folds
    memo.save(memo_path)
    entries = run(project, site=False, progress=False).entries
    settings = Settings.load(project)
    split.fold.begin({})
    split.fold.table.clear()
    generate.generate_docs(entries, project, settings, memo=memo_path, context=data["context"])
    assert "aaa wrong fold" in split.fold.used().values()
    # ... but one of another context (other code, data or settings) is not read at all.
    memo = generate.EntryMemo.load(memo_path, data["context"])
    memo.folds[title] = "aaa wrong fold"
    memo.save(memo_path)
    split.fold.begin({})
    split.fold.table.clear()
    split.fold.known.clear()
    generate.generate_docs(entries, project, settings, memo=memo_path, context="another context")
    assert split.fold.used().get(title) == normalize(title)
    split.fold.begin({})
    split.fold.known.clear()


def test_an_entry_file_the_record_does_not_list_is_made_again(tmp_path):
    project = _project(tmp_path)
    assert run(project, site=False, progress=False).ok
    page = project.generated / "entries" / "ma-emploi" / "fr.md"
    text = page.read_text(encoding="utf-8")
    memo_path = project.build / PAGES_MEMO
    with memo_path.open("rb") as fh:
        context = pickle.load(fh)["context"]
    memo = generate.EntryMemo.load(memo_path, context)
    del memo.written[str(project.generated)]["entries/ma-emploi/fr.md"]
    memo.save(memo_path)
    page.unlink()
    entries = run(project, site=False, progress=False).entries
    generate.generate_docs(entries, project, Settings.load(project), memo=memo_path, context=context)
    assert page.read_text(encoding="utf-8") == text


def test_the_home_snippets_follow_a_changed_date(tmp_path):
    entries, _, _ = load(tmp_path, mini_corpus())
    memo = pages.TextMemo()
    first = pages.generate(entries, "", "fr", vocabs=SHIPPED, memo=memo)
    assert any(k[0] == "home" for k in memo.kept())
    oldest = min(pages.one_per_entry(entries, "fr"), key=lambda e: (e.updated or "", e.id))
    changed = [replace(e, updated="2099-12-31") if e is oldest else e for e in entries]
    again = pages.generate(changed, "", "fr", vocabs=SHIPPED, memo=pages.TextMemo(memo.kept()))
    assert again == pages.generate(changed, "", "fr", vocabs=SHIPPED)  # no stale snippet
    latest = again["kb/home-latest.txt"]
    assert latest != first["kb/home-latest.txt"] and oldest.page[3:] in latest.splitlines()[0]
