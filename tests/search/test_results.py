"""tools/search/results.py: versions collapsed, facet counts, order, pages (no index needed)."""

from __future__ import annotations

from tools.content.vocab import Vocabularies
from tools.search import results as res

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module


def doc(id_, lang, title, countries="MA", type_="tool"):
    return {"id": id_, "lang": lang, "title": title, "url": f"/{id_}/{lang}/", "summary": "s", "type": type_,
            "countries": countries, "themes": "stocks", "data_sources": "", "status": "draft", "period": "",
            "updated": "", "institutions": []}


DOCS = {0: doc("a", "fr", "Alpha"), 1: doc("a", "en", "Alpha"), 2: doc("b", "fr", "Beta", "TN"),
        3: doc("c", "ar", "Gamma", "MA,TN", "resource")}


def test_collapse_keeps_the_best_version_of_each_entry():
    best, _ = res.collapse({0: 1.0, 1: 3.0, 2: 2.0}, DOCS, {})
    assert best == {"a": (1, 3.0), "b": (2, 2.0)}


def test_facets_count_entries_and_ignore_their_own_filter():
    _, facets = res.collapse({0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0}, DOCS, {"countries": {"TN"}})
    counts = {v["value"]: (v["count"], v["selected"]) for v in facets["countries"]}
    assert counts == {"MA": (2, False), "TN": (2, True)}
    types = {v["value"]: v["count"] for v in facets["type"]}
    assert types == {"tool": 1, "resource": 1}  # with the country filter: b and c


def test_order_is_score_then_title_then_id():
    items = res.ordered({"b": (2, 1.0), "a": (0, 1.0), "c": (3, 5.0)}, {0: "alpha", 2: "beta", 3: "gamma"})
    assert [i for i, _, _ in items] == ["c", "a", "b"]


def test_pages_do_not_overlap():
    items = list(range(25))
    assert res.page_of(items, 1, 10) == list(range(10))
    assert res.page_of(items, 3, 10) == [20, 21, 22, 23, 24]
    assert res.page_of(items, 4, 10) == []


def test_result_dict():
    r = res.result(DOCS[3], 1.234567, ["ar"], lambda d: "<mark>x</mark>")
    assert r["countries"] == ["MA", "TN"] and r["score"] == 1.2346 and r["snippet"] == "<mark>x</mark>"
    assert r["languages"] == ["ar"] and r["data_sources"] == []


def test_entry_versions_in_language_order():
    out = res.entry_versions("a", [DOCS[1], DOCS[0]])
    assert [v["lang"] for v in out["versions"]] == ["fr", "en"]
    assert res.entry_versions("zz", []) is None


def _random_docs(rng, n):
    countries, types, themes = ["MA", "TN", "DZ", "FR"], ["tool", "resource", "practice"], ["stocks", "flows", "remittances"]
    docs = {}
    for num in range(n):
        entry = f"e{rng.randrange(n // 2 + 1):03d}"
        docs[num] = doc(entry, rng.choice(["fr", "ar", "en"]), rng.choice(["Alpha", "Beta", "Gamma", "Delta"]),
                        ",".join(sorted(rng.sample(countries, rng.randint(0, 2)))), rng.choice(types))
        docs[num]["themes"] = ",".join(sorted(rng.sample(themes, rng.randint(1, 2))))
    return docs


def test_table_collapse_equals_the_brute_force_count():
    import random

    import numpy as np

    from tools.search.analysis import normalize

    rng = random.Random(5)
    for trial in range(40):
        docs = _random_docs(rng, 30)
        del docs[rng.randrange(30)]  # a deleted document number leaves a gap
        sort_keys = {num: normalize(d["title"]) for num, d in docs.items()}
        table = res.Table(docs, 30, sort_keys, vocabs=SHIPPED)
        hits = rng.sample(sorted(docs), rng.randint(0, len(docs)))
        # Whole-number scores: ties between versions and between entries are frequent.
        scored = {num: float(rng.randint(0, 3)) for num in hits}
        filters = {}
        if trial % 2:
            filters["countries"] = {rng.choice(["MA", "TN", "XX"])}
        if trial % 3 == 0:
            filters["type"] = {rng.choice(["tool", "resource"]), "practice"}
        best, facets = res.collapse(scored, docs, filters, vocabs=SHIPPED)
        expected = res.ordered(best, sort_keys)
        items, fast = table.collapse(np.asarray(list(scored), dtype=np.int64), np.asarray(list(scored.values())),
                                     filters)
        assert items == expected, trial
        assert fast == facets, trial


def test_ranked_slices_are_those_of_the_whole_order():
    """Ranked sorts only the beginning of the order that a slice needs: every slice equals the
    same slice of the whole order (ties of score broken by rank), for small and large pages."""
    import random

    import numpy as np

    rng = random.Random(9)
    for trial in range(30):
        n = rng.randint(0, 300)
        ids = np.array([f"e{i}" for i in range(n)], dtype=object)
        entry, rank = np.arange(n), np.asarray(rng.sample(range(n), n), dtype=np.int64)
        nums = np.asarray(rng.sample(range(n), n), dtype=np.int64)
        scores = np.asarray([float(rng.randint(0, 5)) for _ in range(n)])
        whole = sorted(((ids[k], int(k), float(s)) for k, s in zip(nums, scores, strict=True)),
                       key=lambda t: (-t[2], rank[t[1]]))
        ranked = res.Ranked(ids, entry, rank, nums, scores)
        assert len(ranked) == n
        for start, stop in ((0, 10), (10, 20), (0, 3), (n - 5, n), (40, 60), (0, n), (n, n + 10)):
            assert ranked[max(start, 0):stop] == whole[max(start, 0):stop], (trial, start, stop)
        assert ranked == whole and list(ranked) == whole
        if n:
            assert ranked[0] == whole[0] and ranked[-1] == whole[-1]
