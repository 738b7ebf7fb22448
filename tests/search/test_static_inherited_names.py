"""Query words that are names of JavaScript's Object.prototype ('constructor', '__proto__') in the
browser's static search (kb-engine.js, run by node): searched as any other word. They were read
from the objects' prototype: 'constructor emploi' made the offline search fail ("the search could not
answer") and 'constructor' alone was called a query with nothing to search."""

from __future__ import annotations

import pytest

from tests.search.test_engine import ENTRIES
from tests.search.test_static_index import exported, run


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported(tmp_path_factory, "kb-search-inherited", ENTRIES)


@pytest.mark.parametrize("word", ["constructor", "__proto__", "tostring", "hasOwnProperty", "valueOf"])
def test_an_inherited_name_in_the_query_is_a_word_like_another(folder, word):
    hits = run(folder, "enquete", f"{word} enquete", f"enquete {word}", word)
    plain = hits["enquete"]
    assert plain["total"] > 0
    for q in (f"{word} enquete", f"enquete {word}"):
        assert hits[q]["code"] is None and hits[q]["hint_code"] is None, hits[q]
        # The word is in no entry: the entries found are those of 'enquete' (said to be weak matches).
        assert hits[q]["total"] > 0 and set(hits[q]["ids"]) <= set(plain["ids"])
        assert hits[q]["strong"] is False
    alone = hits[word]
    assert (alone["total"], alone["hint_code"], alone["code"]) == (0, None, None), alone
