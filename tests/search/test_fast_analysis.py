"""The analysers' fast paths (a token without a hyphen, stemming kept per word) give the tokens
the plain steps give."""

from __future__ import annotations

from tools.search import index as ix
from tools.search import static_index
from tools.search.analysis import arabic_prefix_strip, compound_parts, meaningful, normalize, stem, strip_elision

WORDS = ["sous-emploi", "main-d'œuvre", "emploi", "l'emploi", "Données", "البحرين", "البحري", "الهجرة",
         "recensements", "labour-force", "10.c.1", "2024", "co\u2010operation", "non\u2011salariés", "Tunisie"]


def _slow_compound_key(raw: str) -> str:
    pieces = [strip_elision(normalize(p)) for p in compound_parts(raw)]
    pieces = [p for p in pieces if p] if len(pieces) > 1 else []
    if not all(meaningful(p) for p in pieces):
        return static_index.key("".join(pieces))
    return "-".join(static_index.key(p) for p in pieces)


def test_compound_key_is_the_plain_computation():
    for word in WORDS:
        assert static_index.compound_key(word) == _slow_compound_key(word), word
    assert static_index.compound_key("sous-emploi") != ""
    assert static_index.compound_key("emploi") == ""


def _slow_stem(word: str, lang: str) -> str:
    keep = ix.arabic_proper_nouns() if lang == "ar" else frozenset()
    base = arabic_prefix_strip(word) if keep else None
    return base if base in keep else stem(word, lang)


def test_stem_word_is_the_plain_computation():
    for lang in ("fr", "ar", "en"):
        for word in WORDS:
            folded = strip_elision(normalize(word))
            assert ix._stem_word(folded, lang) == _slow_stem(folded, lang), (word, lang)
    # Bahrain keeps its name; 'maritime' is stemmed (the point of the names check).
    assert ix._stem_word(normalize("البحرين"), "ar") != ix._stem_word(normalize("البحري"), "ar")


def test_analyzer_splits_compounds_and_passes_plain_tokens():
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in ix.analyzer("fr")("le sous-emploi des femmes", positions=True, chars=True)]
    # The compound whole, then its parts ('sous' is a stop word), then the plain word after it,
    # stemmed, at its own position and characters.
    assert tokens == [("sousemploi", 1, 3, 14), ("emploi", 2, 8, 14), ("femm", 3, 19, 25)]
