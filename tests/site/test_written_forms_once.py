"""The written forms of the entries' words (analysis.written_forms) are made once per build (#10):
by the pages stage's static search export, whose forms the index stage's documents then take
(index.WrittenForms), whether the export ran in a forked process or in the build's own. Not for a
collection whose index is written beside the pages (pipeline.INDEX_BESIDE_PAGES_UNDER: its forked
process makes them, tests/test_pipeline_index_beside.py): these tests build after the pages."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from tests.conftest import make_corpus, make_entry, mini_corpus
from tests.sitebuild import copy_project
from tools import pipeline
from tools.pipeline import run
from tools.search import index as index_module
from tools.search import static_index
from tools.site import generate


@pytest.mark.parametrize("forked", [False, True])
def test_the_index_documents_take_the_written_forms_the_pages_stage_made(tmp_path, monkeypatch, forked):
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, mini_corpus())
    monkeypatch.setattr(pipeline, "INDEX_BESIDE_PAGES_UNDER", 0)
    monkeypatch.setattr(generate, "FORK_EXPORT_MIN", 0 if forked else 10**9)
    made_by_index = []
    real = index_module.written_forms

    def counted(*a, **kw):
        made_by_index.append(a)
        return real(*a, **kw)

    monkeypatch.setattr(index_module, "written_forms", counted)
    report = run(project, site=False, force=True, progress=False)
    assert report.ok and report.entries
    assert made_by_index == []
    ix = whoosh_index.open_dir(str(project.index))
    try:
        with ix.searcher() as searcher:
            stored = {doc["key"]: doc["written"] for doc in searcher.all_stored_fields()}
    finally:
        ix.close()
    assert stored == {e.key: static_index.entry_written_forms(e) for e in report.entries}
    assert any(stored.values())  # the corpus has words written otherwise than folded


def test_written_forms_kept_by_fingerprint_and_none_for_an_entry_not_kept():
    kept, other = make_entry("a", "fr", "Enquête nationale", "L'Enquête"), make_entry("b", "fr", "Autre", "Texte")
    forms = index_module.WrittenForms()
    forms.keep(index_module.fingerprint(kept), static_index.entry_written_forms(kept))
    assert forms.of(kept) == static_index.entry_written_forms(kept) != {}
    assert forms.of(other) is None
    assert index_module.document(other, written=None)["written"] == static_index.entry_written_forms(other)
    assert index_module.document(other, written={"x": {"X": 1}})["written"] == {"x": {"X": 1}}


def test_an_incremental_build_hands_no_written_forms_over_and_the_index_makes_the_changed_ones(tmp_path, monkeypatch):
    """A rebuild's index makes only the changed documents: their forms are made there, and the
    pages stage does not pack every entry's forms on each rebuild."""
    monkeypatch.setattr(pipeline, "INDEX_BESIDE_PAGES_UNDER", 0)
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, mini_corpus())
    assert run(project, site=False, force=True, progress=False).ok
    entry = sorted(project.practices.glob("*/*.fr.md"))[0]
    entry.write_text(entry.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Zqxw ", 1), encoding="utf-8")
    kept = []
    real_keep = index_module.WrittenForms.keep
    monkeypatch.setattr(index_module.WrittenForms, "keep", lambda self, *a: (kept.append(a), real_keep(self, *a)))
    made_by_index = []
    real = index_module.written_forms
    monkeypatch.setattr(index_module, "written_forms", lambda *a: (made_by_index.append(a), real(*a))[1])
    report = run(project, site=False, progress=False)
    assert report.ok and report.details["index"]["added_or_changed"] == 1
    assert kept == []
    [(prose, _)] = made_by_index
    assert prose.startswith("Zqxw ")
