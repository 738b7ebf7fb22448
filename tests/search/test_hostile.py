"""Whatever a user types, search() answers with results or a QueryError, never a crash.

One index is built for the module; the glossary for synonyms is a tiny one written here, with
names full of query syntax so that synonym expansion is attacked as well.
"""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_entry
from tools.search import engine as search_engine
from tools.search import glossary
from tools.search.engine import MAX_QUERY_CHARS, QueryError, SearchIndex, build_search_index

ENTRIES = [
    make_entry("ma-enquete-emploi", "fr", "Enquête nationale sur l'emploi",
               "Enquête trimestrielle du HCP sur l'emploi, le chômage et la migration.",
               body="## Contexte\n\nDonnées (AND OR NOT) sur les *travailleurs* « migrants » : title:(x) {a TO z}.",
               tags=("ENE",)),
    make_entry("ma-enquete-emploi", "en", "National employment survey",
               "Quarterly survey of employment, unemployment and migration.",
               body="## Context\n\nData on migrant workers, 10.7.1 and [a TO z] ranges."),
    make_entry("tn-hijra", "ar", "إحصاءات الهجرة في تونس", "تقرير عن الهجرة الدولية والمهاجرين في الخارج.",
               body="## السياق\n\nأعداد المهاجرين ٢٠١٨ <script>alert(1)</script>", countries=("TN",)),
    make_entry("dz-partage", "fr", "Partage des données « AND » ministères",
               "Pratique de partage \"entre\" ministères <b>gras</b> & autres.",
               body="## Description\n\n<script>alert('x')</script> NOT NOT OR", countries=("DZ",)),
]

HOSTILE_GLOSSARY = """\
terms:
  - id: tricky
    acronyms: [ENE, "A*"]
    fr: {term: 'travail (informel)', synonyms: ['"emploi" AND NOT', 'title:( {a TO z}', "l'OR"]}
    ar: {term: 'العمل غير المنظم', synonyms: ['"الهجرة" OR (']}
    en: {term: informal work, synonyms: ['NOT', '*', '\\\\']}
"""

SYNTAX = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "and", "title:(", "title:", "body_fr:", "*", "?", "a*", "{a TO z}",
          "[a TO z]", "(", ")", "((", "))", '"', "'", "«", "»", "\\", "^2", "~", "~2", ":", "-", "+", "!", "&&", "||",
          "<", ">", "<script>", "&amp;", "\x00", "\x01", "\x7f", "\n", "\t", "\u200f", "\u202e", "\ufeff", "ـ",
          "َ", "\u0654", "\u0301", "٢٠١٨", "10.7.1", "l'", "qu'", "’", "ENE", "travail informel", "emploi",
          "enquête", "الهجرة", "الهِجْرَة", "مهاجرون", "données", "migration", "NULL", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "😀"]

pytestmark = pytest.mark.usefixtures("word_lists")

hostile_text = st.one_of(
    st.text(max_size=MAX_QUERY_CHARS),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), max_size=80).map(" ".join),
    st.lists(st.sampled_from(SYNTAX), max_size=300).map("".join),
).map(lambda s: s[:MAX_QUERY_CHARS])


@pytest.fixture(scope="module", autouse=True)
def hostile_glossary(tmp_path_factory):
    path = tmp_path_factory.mktemp("glossary") / "glossary.yml"
    path.write_text(HOSTILE_GLOSSARY, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_engine, "expand", partial(glossary.expand, path=path))
        yield path


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchIndex:
    index_dir = tmp_path_factory.mktemp("kb") / "search-index"
    build_search_index(ENTRIES, index_dir, progress=False)
    return SearchIndex(index_dir)


def check_answer(found: dict) -> None:
    assert isinstance(found, dict)
    ids = [r["id"] for r in found["results"]]
    assert isinstance(found["total"], int) and found["total"] <= len({e.id for e in ENTRIES})
    # A page holds what is left of total after the earlier pages, at most page_size; one line per entry.
    before = (found["page"] - 1) * found["page_size"]
    assert len(ids) == max(0, min(found["page_size"], found["total"] - before))
    assert len(set(ids)) == len(ids)
    for r in found["results"]:
        assert "<script" not in r["snippet"]
        assert r["id"] in {e.id for e in ENTRIES}


@given(q=hostile_text)  # examples, deadline, health checks: the profile in tests/conftest.py
def test_any_text_is_answered(engine, q):
    check_answer(engine.search(q))


@given(q=hostile_text,
       countries=st.lists(st.sampled_from(["MA", "TN", "DZ", "FR", "", ",", "ma"]), max_size=3),
       lang=st.lists(st.sampled_from(["fr", "ar", "en", "xx"]), max_size=2),
       page=st.integers(1, 1000), page_size=st.integers(1, 50))
def test_any_text_with_filters_and_pages_is_answered(engine, q, countries, lang, page, page_size):
    found = engine.search(q, {"countries": countries, "lang": lang}, page=page, page_size=page_size)
    check_answer(found)
    assert found["page"] == page and found["page_size"] == page_size


@given(q=hostile_text)  # examples, deadline, health checks: the profile in tests/conftest.py
def test_any_text_is_completed(engine, q):
    got = engine.suggest(q)
    assert isinstance(got["titles"], list) and isinstance(got["terms"], list)


@pytest.mark.parametrize("q", [
    "title:(", '"unclosed', "AND", "OR OR", "NOT", "*", "a*", "{a TO z}", "[a TO z]", "\x00\x01",
    "(((((", ")))))", "((a OR b) AND (c", "a AND", "OR a", "NOT NOT NOT", "ANDNOT", "ANDMAYBE", '""', '" "',
    "title:enquete", "body_fr:emploi", "emploi^100", "emploi~2", "\\", "'", "l'", "«", "<script>alert(1)</script>",
    "ENE", "A*", "travail (informel)", "travail informel", "العمل غير المنظم", "informal work",
    "(" * 400 + "emploi" + ")" * 400, "a " * 500, "emploi " * 142, "x" * MAX_QUERY_CHARS,
    ("الهِجْرَة OR migration " * 50)[:MAX_QUERY_CHARS], " ".join(["AND", "OR", "NOT"] * 150)[:MAX_QUERY_CHARS],
    "\u202eemploi\u202c", "\ufeffenquête", "😀 emploi", "\u0654" * 100,
])
def test_hostile_query_is_answered(engine, q):
    check_answer(engine.search(q))
    engine.suggest(q)


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_browses_everything(engine, q):
    found = engine.search(q)
    assert found["total"] == len({e.id for e in ENTRIES})
    assert found["hint"] is None


@pytest.mark.parametrize("q", ["AND", "OR OR", "NOT", "*", "(((", '""', "@", "😀", "a", "l'", "de la", "في", "- _ -",
                               "\x00\x01"])
def test_query_without_words_is_an_empty_answer_with_a_hint(engine, q):
    found = engine.search(q)
    assert found["total"] == 0 and found["results"] == []
    assert found["hint"] and found["strong"] is False


def test_syntax_words_in_text_are_found_as_words(engine):
    # Field names and ranges are not query syntax here: 'title:(x)' searches the words.
    assert [r["id"] for r in engine.search("title:enquete")["results"]] == ["ma-enquete-emploi"]
    assert [r["id"] for r in engine.search("travailleurs")["results"]] == ["ma-enquete-emploi"]


def test_hostile_glossary_expansion_is_searched(engine):
    found = engine.search("travail (informel)")
    assert [e["concept"] for e in found["expansions"]] == ["tricky"]
    check_answer(found)


def test_ten_kilobyte_query_is_a_clear_query_error(engine):
    with pytest.raises(QueryError) as caught:
        engine.search("é" * 10_000)
    message = str(caught.value)
    assert "10000 characters" in message and str(MAX_QUERY_CHARS) in message
    with pytest.raises(QueryError, match="10000 characters"):
        engine.suggest("a" * 10_000)


def test_hostile_text_in_snippets_is_escaped(engine):
    # Each of these words is in an entry that holds raw HTML, so each must find it ('script' finds nothing).
    for q in ("ministeres", "gras", "autres", "partage", "alert"):
        results = engine.search(q)["results"]
        assert results, q
        for r in results:
            assert "<b>" not in r["snippet"] and "<script" not in r["snippet"], (q, r["snippet"])
    snippet = engine.search("autres")["results"][0]["snippet"]
    assert "&amp;" in snippet and "&lt;b&gt;" in snippet
