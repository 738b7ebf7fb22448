"""tools/content/vocab.py: the data files of a run, read once into one Vocabularies object."""

from __future__ import annotations

import shutil

import pytest

from tools.content.vocab import Vocabularies
from tools.i18n import DATA_DIR


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_lookups_read_the_loaded_files(data):
    vocabs = Vocabularies.load(data)
    assert vocabs.data == data
    assert vocabs.terms("statuses") == ("draft", "reviewed")
    assert vocabs.label("themes", "stocks", "en") == "Migrant stocks"
    assert vocabs.label("themes", "no-such-theme", "en") == "no-such-theme"
    assert vocabs.label("countries", "MA", "fr") == "Maroc"
    assert vocabs.text("glossary", "en") == vocabs.ui["glossary"]["en"] != ""
    assert "regional" in vocabs.folders() and "MA" in vocabs.focus_countries()
    assert [t["id"] for t in vocabs.glossary_terms][:1] == ["international-migrant"]
    with pytest.raises(KeyError):
        vocabs.terms("no-such-vocabulary")


def test_an_edit_is_seen_by_the_next_load_only(data):
    before = Vocabularies.load(data)
    path = data / "vocabulary.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  stocks:\n", "  stocks-renamed:\n", 1), encoding="utf-8")
    after = Vocabularies.load(data)
    assert "stocks" in before.terms("themes") and "stocks-renamed" not in before.terms("themes")
    assert "stocks-renamed" in after.terms("themes") and "stocks" not in after.terms("themes")


def test_derived_values_belong_to_one_object(data):
    first, second = Vocabularies.load(data), Vocabularies.load(data)
    calls = []

    def make():
        calls.append(1)
        return len(calls)

    assert first.derived("k", make) == first.derived("k", make) == 1
    assert second.derived("k", make) == 2  # another run's object builds its own


def test_missing_files(data):
    (data / "glossary.yml").unlink()
    assert Vocabularies.load(data).glossary_terms == []
    (data / "ui.yml").unlink()
    with pytest.raises(FileNotFoundError, match="ui.yml"):
        Vocabularies.load(data)


def test_ensure_keeps_the_given_object_and_reads_the_shipped_data_otherwise(data):
    vocabs = Vocabularies.load(data)
    assert Vocabularies.ensure(vocabs) is vocabs
    assert Vocabularies.ensure(None).data == DATA_DIR


def test_a_broader_naming_no_concept_is_reported_where_it_is_written(data, tmp_path):
    """glossary.yml's `broader` naming an unknown concept id was silently ignored (its names never
    searched; review of session 12): the check reports it as path:line: field: message; hint."""
    from tools.content.validate import load_collection

    path = data / "glossary.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "broader: diaspora")
    concept = next(line.split("id:")[1].strip() for line in reversed(lines[:at]) if line.strip().startswith("- id:"))
    lines[at] = lines[at].replace("diaspora", "diaspra")
    path.write_text("".join(lines), encoding="utf-8")
    vocabs = Vocabularies.load(data)
    found = vocabs.problems(tmp_path)
    assert [p.text() for p in found] == [
        f"data/glossary.yml:{at + 1}: terms[{concept}].broader: 'diaspra' is not the id of a concept of the "
        "glossary; did you mean 'diaspora'? (or remove broader)"]
    (tmp_path / "practices").mkdir()
    _, problems, _ = load_collection(tmp_path / "practices", tmp_path, vocabs=vocabs)
    assert [p.text() for p in problems] == [p.text() for p in found]


def test_the_shipped_glossary_names_known_broader_concepts():
    assert Vocabularies.load(DATA_DIR).problems() == []
