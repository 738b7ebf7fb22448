"""tools/search/index.py: analyzers, the indexed document, the writer."""

from __future__ import annotations

from tests.conftest import make_entry
from tools.search.index import analyzer, document, exact_key, make_schema


def terms(lang, text, mode="index"):
    return [t.text for t in analyzer(lang)(text, mode=mode)]


def test_compound_is_indexed_whole_and_as_parts():
    assert terms("fr", "le sous-emploi des jeunes") == ["sousemploi", "emploi", "jeun"]  # 'sous' is a stop word
    assert terms(None, "MED-HIMS") == ["medhims", "med", "hims"]


def test_query_for_a_compound_asks_for_the_compound_only():
    assert terms("fr", "sous-emploi", mode="query") == ["sousemploi"]
    assert terms(None, "MED-HIMS", mode="query") == ["medhims"]


def test_compound_parts_keep_their_own_positions_and_offsets():
    text = "un sous-emploi net"
    tokens = [(t.text, t.startchar, t.endchar) for t in analyzer(None)(text, chars=True, positions=True)]
    assert ("sousemploi", 3, 14) in tokens
    assert ("emploi", 8, 14) in tokens and text[8:14] == "emploi"
    assert ("net", 15, 18) in tokens


def test_soft_hyphen_does_not_split_a_word_and_offsets_cover_it():
    text = "em\u00adploi"
    tokens = [(t.text, t.startchar, t.endchar) for t in analyzer("fr")(text, chars=True)]
    assert tokens == [("emploi", 0, len(text))]


def test_neutral_field_drops_stop_words_and_single_letters():
    assert terms(None, "indice des prix a la consommation ENE") == ["indice", "prix", "consommation", "ene"]


def test_document_has_every_language_field_and_the_exact_title():
    entry = make_entry("ma-x", "fr", "Le sous-emploi au Maroc", "Résumé.", tags=("ENE",))
    doc = document(entry)
    assert set(doc) <= set(make_schema().names())
    assert doc["title_fr"] == "Le sous-emploi au Maroc" and "title_ar" not in doc
    assert doc["title_exact"] == exact_key("le SOUS emploi au maroc") == "le sous emploi au maroc"
    assert all(f"meta_{lang}" in doc for lang in ("fr", "ar", "en"))


def _entries(n):
    return [make_entry(f"e{i:03d}", "fr", f"Enquête numéro {i}", f"Résumé de l'enquête {i} sur l'emploi")
            for i in range(n)]


def _count(index_dir):
    from whoosh import index

    ix = index.open_dir(str(index_dir))
    try:
        return ix.doc_count()
    finally:
        ix.close()


def test_parallel_writer_indexes_every_entry(tmp_path, monkeypatch):
    from tools.search import index as index_module

    monkeypatch.setattr(index_module, "MULTIPROC_MIN_DOCS", 2)
    info = index_module.build_search_index(_entries(12), tmp_path / "ix", progress=False, full=True)
    assert _count(tmp_path / "ix") == 12
    assert not info.get("parallel_fallback")


def test_a_lost_parallel_segment_is_written_again_in_one_process(tmp_path, monkeypatch):
    """Whoosh's sub-writers can lose their files (a shared temporary folder); a sub-writer that
    dies here stands for it (it takes its first job and exits): its segment is missing, and the
    index must still hold every entry."""
    from tools.search import index as index_module
    from tools.search import writer

    monkeypatch.setattr(index_module, "MULTIPROC_MIN_DOCS", 2)
    monkeypatch.setattr(writer, "SUBWRITER", ("-c", "import sys; sys.stdin.readline(); sys.exit(1)"))
    info = index_module.build_search_index(_entries(12), tmp_path / "ix", progress=False, full=True)
    assert info["parallel_fallback"] is True
    assert _count(tmp_path / "ix") == 12


def test_an_index_missing_documents_is_refused_and_the_previous_one_kept(tmp_path, monkeypatch):
    import pytest

    from tools.errors import BuildError
    from tools.search import index as index_module

    index_module.build_search_index(_entries(3), tmp_path / "ix", progress=False, full=True)
    monkeypatch.setattr(index_module, "_doc_count", lambda path: 0)
    with pytest.raises(BuildError, match="0 documents written for 5 entries"):
        index_module.build_search_index(_entries(5), tmp_path / "ix", progress=False, full=True)
    monkeypatch.undo()
    assert _count(tmp_path / "ix") == 3
    assert [p.name for p in tmp_path.iterdir()] == ["ix"]
