"""Arabic country names in the browser's engine: the API's analyser keeps a country name or
demonym whole (index.arabic_proper_nouns), the static index and kb-engine.js now key it the same
way (static_index.arabic_key, keyOf with meta.proper). Light10 stems البحرين (Bahrain) to بحر,
the stem of البحري ('maritime'): offline, 'البحرين' listed the entry on maritime interceptions."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run
from tools.search import static_index

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("dz-maritime", "ar", "اعتراض المهاجرين في البحر",
               "إحصاءات خفر السواحل عن الصيد البحري والهجرة البحرية.", countries=("DZ",)),
    make_entry("ma-transferts", "ar", "تحويلات المغاربة",
               "تحويلات العمال المغاربة المقيمين بالخارج إلى المغرب.", countries=("MA",)),
]
QUERIES = ["البحرين", "بالبحرين", "البحري", "الصيد البحري", "المغرب", "بالمغرب", "المغاربة"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-proper", ENTRIES)
    return api, run(folder, *QUERIES)


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_find_the_same_entries_for_an_arabic_country_word(engines, q):
    api, static = engines
    assert set(static[q]["ids"]) == {r["id"] for r in api.search(q, page_size=20)["results"]}, q


def test_bahrain_is_not_maritime_offline(engines):
    _, static = engines
    assert static["البحرين"]["ids"] == [] and static["بالبحرين"]["ids"] == []
    assert static["البحري"]["ids"] == ["dz-maritime"]
    assert static["المغرب"]["ids"] == ["ma-transferts"]


def test_a_country_name_is_keyed_without_its_article_only():
    assert static_index.key("البحرين") == "بحرين"
    assert static_index.key("البحري") == static_index.key("البحر")
    assert static_index.key("بالمغرب") == static_index.key("المغرب")
