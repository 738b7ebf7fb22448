"""tools/search/engine.py's fast paths give what Whoosh itself gives: term scores computed from
postings at once, Or/BestOf trees combined in arrays, snippets cut from term vectors,
and the caches kept per index generation. Each is compared with Whoosh's own answer."""

from __future__ import annotations

import random
from dataclasses import replace
from functools import partial

import numpy as np
import pytest
from whoosh import highlight, query

from tests.conftest import make_entry
from tools.search import engine as search_engine
from tools.search import glossary
from tools.search import query as qry
from tools.search.engine import SearchIndex, _term_scores, build_search_index
from tools.search.index import analyzer

pytestmark = pytest.mark.usefixtures("empty_glossary")

WORDS = {
    "fr": "enquête emploi ménages migration retour recensement population travailleurs données sous-emploi "
          "main-d'œuvre transferts fonds registres consulaires statistiques frontières harmonisation".split(),
    "en": "survey employment household migration return census population workers data remittances "
          "consular registers statistics borders harmonisation labour-force".split(),
    "ar": "الهجرة المهاجرين سوق العمل التحويلات الإحصاء التعداد السكان العمال البيانات الحدود".split(),
}


def corpus(n: int, seed: int = 3) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = rng.choice(["fr", "fr", "en", "ar"])
        words = WORDS[lang]

        def text(k, words=words):
            return " ".join(rng.choices(words, k=k))

        out.append(make_entry(
            f"e-{i:03d}", lang, text(rng.randint(2, 5)).capitalize() + f" {i}", text(rng.randint(8, 20)) + ".",
            countries=tuple(sorted(rng.sample(["MA", "TN", "DZ", "FR"], rng.randint(1, 2)))),
            themes=tuple(sorted(rng.sample(["stocks", "flows", "remittances"], rng.randint(1, 2)))),
            type=rng.choice(["tool", "resource", "practice"]),
            body="## Contexte\n\n" + ". ".join(text(rng.randint(5, 15)) for _ in range(rng.randint(3, 12))) + "."))
    return out


QUERIES = ["migration", "enquête emploi", "sous-emploi", "main-d'œuvre", "الهجرة سوق العمل", "census population",
           "remittances Maroc", "travailleurs migration Tunisie", "recensment", "données registres consulaires",
           "migration NOT retour", '"enquête emploi"', "labour-force survey", "emploi AND ménages", ""]


@pytest.fixture(scope="module", params=["fresh", "incremental"])
def engine(request, tmp_path_factory) -> SearchIndex:
    """A fresh index (one segment), and one updated in place (several segments, deleted documents)."""
    entries = corpus(80)
    index_dir = tmp_path_factory.mktemp("kb") / "search-index"
    build_search_index(entries, index_dir, progress=False)
    if request.param == "incremental":
        entries = [replace(e, title=e.title + " emploi") if i % 7 == 0 else e for i, e in enumerate(entries[:-3])]
        info = build_search_index(entries, index_dir, progress=False)
        assert not info["full"] and info["removed"] == 3
    return SearchIndex(index_dir)


def whoosh_scores(gen, q) -> dict[int, float]:
    m = q.matcher(gen.searcher)
    out = {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def test_term_scores_equal_whooshs_bm25f(engine):
    gen = engine._open()
    checked = 0
    for field in ("title_fr", "body_fr", "summary_en", "body_ar", "neutral", "meta_fr"):
        for term in list(gen.reader.lexicon(field))[:40]:
            text = term.decode("utf-8")
            nums, scores = _term_scores(gen, query.Term(field, text))
            expected = whoosh_scores(gen, query.Term(field, text))
            assert list(nums) == sorted(expected), (field, text)
            assert np.allclose(scores, [expected[n] for n in nums], rtol=1e-12, atol=0), (field, text)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("q", QUERIES)
def test_combined_scores_equal_whooshs_collector(engine, q, monkeypatch):
    """The arrays path (_combine) and Whoosh's collector path find the same documents with the
    same scores, the same coverage of the query's units and the same answer."""
    gen = engine._open()
    if not q:
        return
    plan = qry.build(engine._parser, q, search_engine.expand, lambda w: engine._known(gen, w), lambda w: engine._repair(gen, w), vocabs=engine.vocabs)
    fast = engine._score(gen, plan)
    with monkeypatch.context() as mp:
        mp.setattr(SearchIndex, "_simple", staticmethod(lambda q: False))
        slow = engine._score(gen, plan)
    assert sorted(fast[0]) == sorted(slow[0])
    by_doc = dict(zip(slow[0], slow[1], strict=True))
    assert np.allclose(fast[1], [by_doc[n] for n in fast[0]], rtol=1e-9)
    assert fast[2] == slow[2]


def test_the_fast_path_is_taken_for_plain_words(engine):
    plan = qry.build(engine._parser, "enquête emploi", search_engine.expand, lambda w: True, lambda w: None, vocabs=engine.vocabs)
    assert SearchIndex._simple(plan.query)
    plan = qry.build(engine._parser, "migration NOT retour", search_engine.expand, lambda w: True, lambda w: None, vocabs=engine.vocabs)
    assert not SearchIndex._simple(plan.query)


@pytest.mark.parametrize("q", ["migration", "enquête emploi", "sous-emploi", "الهجرة العمل", "census workers"])
def test_snippets_equal_whooshs_highlighter(engine, q):
    """A snippet cut from the term vectors is the one Whoosh's highlighter makes by analysing
    the whole text again."""
    found = engine.search(q, page_size=20)
    assert found["results"]
    gen = engine._open()
    terms = qry.build(engine._parser, q, search_engine.expand, lambda w: engine._known(gen, w),
                      lambda w: engine._repair(gen, w), vocabs=engine.vocabs).query.all_terms()
    for r in found["results"]:
        doc = next(d for d in gen.by_id[r["id"]] if d["lang"] == r["lang"])
        expected = None
        for part, text in (("summary", doc["summary"]), ("body", doc["text"])):
            wanted = {t for f, t in terms if f == f"{part}_{doc['lang']}"}
            if wanted and expected is None:
                expected = highlight.highlight(
                    text, frozenset(wanted), analyzer(doc["lang"]), highlight.ContextFragmenter(maxchars=240, surround=60),
                    highlight.HtmlFormatter(tagname="mark", between=" … "), top=2, mode="index") or None
        expected = expected or highlight.htmlescape(doc["summary"][:240], quote=False)
        assert r["snippet"] == expected, (q, r["id"])


def test_a_rebuild_opens_a_new_generation_and_drops_the_caches(tmp_path):
    entries = corpus(20)
    index_dir = tmp_path / "search-index"
    build_search_index(entries, index_dir, progress=False)
    engine = SearchIndex(index_dir)
    before = engine.search("zanzibar")
    assert before["total"] == 0
    first = engine._open()
    assert first.scored.items  # the answer's scores are kept for this generation
    changed = [replace(entries[0], title="Zanzibar " + entries[0].title), *entries[1:]]
    build_search_index(changed, index_dir, progress=False)
    after = engine.search("zanzibar")
    assert [r["id"] for r in after["results"]] == [entries[0].id]
    assert engine._open() is not first


def test_filters_and_pages_reuse_the_scored_query(engine):
    gen = engine._open()
    whole = engine.search("migration", page_size=50)
    every = whole["results"] + engine.search("migration", page=2, page_size=50)["results"]
    assert len(every) == whole["total"]
    key = "migration"  # answers are kept per query text (the glossary is the engine's own)
    assert key in gen.scored.items
    kept = gen.scored.items[key]
    filtered = engine.search("migration", {"countries": ["MA"]}, page_size=50)
    assert gen.scored.items[key] is kept
    expected = [r["id"] for r in every if "MA" in r["countries"]]
    assert [r["id"] for r in filtered["results"]] == expected[:50]
    counts = {v["value"]: v["count"] for v in whole["facets"]["countries"]}
    assert filtered["total"] == counts["MA"]


DISMAX_GLOSSARY = """\
terms:
  - id: census
    acronyms: []
    fr: {term: recensement}
    ar: {term: التعداد}
    en: {term: census}
"""


@pytest.fixture(scope="module")
def census_index(tmp_path_factory):
    """(glossary file, index folder) of 60 entries and two naming the census concept in several
    languages, built once for the module: the glossary is read at query time, not when indexing."""
    folder = tmp_path_factory.mktemp("census")
    path = folder / "glossary.yml"
    path.write_text(DISMAX_GLOSSARY, encoding="utf-8")
    index_dir = folder / "search-index"
    # Entries naming the concept in several languages: a document where several names score.
    mixed = [make_entry(f"x-{i}", "en", f"Census data {i}", "census recensement " * i + "التعداد population.",
                        body="## Context\n\nThe recensement (التعداد) is the census. " * (3 - i)) for i in (1, 2)]
    build_search_index(corpus(60) + mixed, index_dir, progress=False)
    return path, index_dir


@pytest.fixture()
def census_engine(census_index, monkeypatch) -> SearchIndex:
    """A new SearchIndex on census_index (no cache carried between tests), its glossary in use."""
    path, index_dir = census_index
    monkeypatch.setattr(search_engine, "expand", partial(glossary.expand, path=path))
    return SearchIndex(index_dir)


def bestof_of(q):
    """The first query.BestOf in a query tree (a glossary concept's names, or a mistyped
    country's names), else None."""
    if isinstance(q, qry.BestOf):
        return q
    for sub in getattr(q, "subqueries", ()):
        found = bestof_of(sub)
        if found is not None:
            return found
    return None


def test_a_concept_scores_its_best_name_per_document(census_engine):
    """The names of one concept (query.BestOf) count once per document: the best of them, as
    documented in tools.search.engine, and as BestOf's own Whoosh matcher scores them."""
    engine = census_engine
    gen = engine._open()
    plan = qry.build(engine._parser, "census", search_engine.expand, lambda w: True, lambda w: None, vocabs=engine.vocabs)
    best_of = bestof_of(plan.query)
    assert best_of is not None and SearchIndex._simple(plan.query)
    mask, scores = engine._combine(gen, best_of, [])
    alone = [whoosh_scores(gen, sub) for sub in best_of.subqueries]
    several = [num for num in np.flatnonzero(mask) if sum(num in s for s in alone) >= 2]
    assert several  # documents where several names of the concept score
    for num in np.flatnonzero(mask):
        best = max(s.get(num, 0.0) for s in alone)
        assert scores[num] == pytest.approx(best * best_of.boost, rel=1e-12)
    assert mask.sum() == len(set().union(*alone))
    expected = whoosh_scores(gen, best_of)
    assert sorted(np.flatnonzero(mask)) == sorted(expected)
    assert all(scores[n] == pytest.approx(s, rel=1e-12) for n, s in expected.items())


@pytest.mark.parametrize("q", ["census", "census workers", "recensement population", "التعداد العمال",
                               "census Tunisiaa", "recensement Morrocco migration", "Tunisie Maroc census",
                               "census NOT workers"])
def test_queries_with_concepts_equal_whooshs_collector(census_engine, q, monkeypatch):
    """Plans holding query.BestOf (a concept's names, a mistyped country's names) take the
    arrays path, and give the documents, scores and strength of Whoosh's collector on the same
    query tree."""
    engine = census_engine
    gen = engine._open()
    plan = qry.build(engine._parser, q, search_engine.expand, lambda w: engine._known(gen, w),
                     lambda w: engine._repair(gen, w), vocabs=engine.vocabs)
    assert bestof_of(plan.query) is not None
    assert SearchIndex._simple(plan.query) == ("NOT" not in q)
    fast = engine._score(gen, plan)
    with monkeypatch.context() as mp:
        mp.setattr(SearchIndex, "_simple", staticmethod(lambda q: False))
        slow = engine._score(gen, plan)
    assert len(slow[0])
    by_doc = dict(zip(slow[0], slow[1], strict=True))
    assert sorted(fast[0]) == sorted(by_doc) and fast[2] == slow[2]
    assert np.allclose(fast[1], [by_doc[n] for n in fast[0]], rtol=1e-9)


def test_whooshs_own_disjunction_max_is_left_to_whoosh(census_engine):
    """Whoosh's DisjunctionMax (whose matcher may give a document another one's score) is not
    taken for a BestOf: a tree holding one goes through Whoosh's collector."""
    engine = census_engine
    plan = qry.build(engine._parser, "census", search_engine.expand, lambda w: True, lambda w: None, vocabs=engine.vocabs)
    best_of = bestof_of(plan.query)
    plain = query.DisjunctionMax(best_of.subqueries, boost=best_of.boost)
    assert not SearchIndex._simple(query.Or([plain, query.Term("neutral", "census")]))


SDG_GLOSSARY = """\
terms:
  - id: sdg
    acronyms: [SDG]
    fr: {term: objectifs de développement durable}
    ar: {term: أهداف التنمية المستدامة}
    en: {term: sustainable development goals}
"""


def test_a_name_covers_its_concept_only_where_the_phrase_matches(tmp_path, monkeypatch):
    """A concept's unit is covered by an entry holding one of its names as a phrase, not by one
    holding a word of a name alone (the coverage of the engine's docstring). Whoosh's collector
    may count such a word as matched when its matcher is left standing on the entry; the arrays
    path does not."""
    path = tmp_path / "glossary.yml"
    path.write_text(SDG_GLOSSARY, encoding="utf-8")
    monkeypatch.setattr(search_engine, "expand", partial(glossary.expand, path=path))
    entries = [make_entry("goals", "en", "Sustainable development goals report", "Remittances towards the goals."),
               make_entry("word", "en", "Development of remittances data", "Remittances and their development."),
               make_entry("other", "en", "Labour survey", "Household employment questions.")]
    build_search_index(entries, tmp_path / "search-index", progress=False)
    engine = SearchIndex(tmp_path / "search-index")
    gen = engine._open()
    plan = qry.build(engine._parser, "SDG remittances", search_engine.expand, lambda w: engine._known(gen, w),
                     lambda w: engine._repair(gen, w), vocabs=engine.vocabs)
    assert SearchIndex._simple(plan.query) and [u.label for u in plan.units] == ["SDG", "remittances"]
    hits, raw, _ = engine._hits(gen, plan)
    raw_of = dict(zip((gen.docs[n]["id"] for n in hits), raw, strict=True))
    nums, scores, _ = engine._score(gen, plan)
    score_of = dict(zip((gen.docs[n]["id"] for n in nums), scores, strict=True))
    assert set(score_of) == {"goals", "word"}
    assert score_of["goals"] == pytest.approx(raw_of["goals"])  # both units covered
    assert score_of["word"] == pytest.approx(raw_of["word"] * 0.75)  # 'development' alone: one unit of two


@pytest.mark.parametrize("q", [q for q in QUERIES if q] + ["census Tunisiaa", "recensement Morrocco migration"])
def test_the_terms_walked_for_snippets_are_whooshs(engine, q):
    """engine._all_terms (a direct walk of Or/BestOf/Term/Phrase trees) gives Whoosh's all_terms(),
    operators included (those go through Whoosh's own walk)."""
    gen = engine._open()
    plan = qry.build(engine._parser, q, search_engine.expand, lambda w: engine._known(gen, w),
                     lambda w: engine._repair(gen, w), vocabs=engine.vocabs)
    assert plan.query.all_terms()
    assert search_engine._all_terms(plan.query) == plan.query.all_terms()
