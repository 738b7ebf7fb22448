"""'Did you mean' in both engines: the browser's engine offers the API's suggestion
(engine.SearchIndex._did_you_mean: a poor answer, a word the index does not hold, its nearest
index word within query.suggestion_limit) instead of only echoing its own confident repairs:
'Lybia' (two edits from 'libya', too far for a repair) got 'did you mean libya' from the API and
nothing offline."""

from __future__ import annotations

import pytest

from tests.conftest import make_entry
from tests.search.test_static_index import both_engines, run

pytestmark = pytest.mark.usefixtures("word_lists", "empty_glossary")

ENTRIES = [
    make_entry("ly-migration", "en", "Labour migration in Libya",
               "Migrant workers in Libya and their remittances.", countries=("LY",)),
    make_entry("ma-fichier", "fr", "Fichier des travailleurs",
               "Un fichier administratif des travailleurs étrangers.", countries=("MA",)),
    make_entry("tn-survey", "en", "Labour force survey", "Quarterly survey of employment.", countries=("TN",)),
]
QUERIES = ["Lybia", "Lybia workers", "remitances", "CATI", "survey", "employment"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    api, folder = both_engines(tmp_path_factory, "kb-dym", ENTRIES)
    return api, run(folder, *QUERIES)


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_offer_the_same_did_you_mean(engines, q):
    api, static = engines
    assert static[q]["did_you_mean"] == api.search(q)["did_you_mean"], q


def test_a_word_two_edits_away_is_offered_offline(engines):
    _, static = engines
    assert static["Lybia"]["did_you_mean"] == "libya"
    assert static["Lybia workers"]["did_you_mean"] == "libya workers"
    assert static["survey"]["did_you_mean"] is None
