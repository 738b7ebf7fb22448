"""static_index's BM25F weights, computed with numpy over each entry's Terms (kept between builds),
against the plain loop they replaced; and the export with remembered Terms equal to one without.
Stored weights are the length-normalised part (x WEIGHT_SCALE) on quantised field averages; the
browser multiplies them by the key's idf."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from tests.conftest import make_entry, shipped_vocabs
from tests.search.test_engine import ENTRIES
from tools.content import schema
from tools.search import static_index
from tools.search.query import FIELD_BOOSTS


def reference_weights(entries) -> dict[str, list[tuple[int, int]]]:
    """{key: [(doc, weight), ...] in doc order}: the former export's loop, field by field."""
    _, number = static_index.entry_numbers(e.id for e in entries)
    docs = {number[e.id] * static_index.LANG_SLOTS + schema.LANGS.index(e.lang): e for e in entries}
    fields = {doc: static_index.entry_keys(e, shipped_vocabs()) for doc, e in docs.items()}

    def length(words: list[str]) -> int:
        # An agent key (static_index.agent_key: ASCII letters beyond the prefix length) stands
        # beside its word's prefix key and is not counted in the field's length; nor is a glossary
        # name's phrase key (static_index.phrase_keys: between double quotes).
        return sum(1 for w in words if not (len(w) > static_index.PREFIX_LEN and w.isascii() and w.isalpha())
                   and not w.startswith(('"', "~", "+")))

    avg = {f: static_index.quantised_average(sum(length(v[f]) for v in fields.values()), len(fields))
           for f in static_index._FIELDS}
    tf: dict[str, dict[int, float]] = defaultdict(dict)
    for doc, by_field in fields.items():
        weighted: Counter = Counter()
        for f, words in by_field.items():
            norm = 1 - static_index.B + static_index.B * length(words) / avg[f]
            for word, count in Counter(words).items():
                weighted[word] += FIELD_BOOSTS[f] * count / norm
        for word, w in weighted.items():
            tf[word][doc] = w
    out = {}
    for word, per_doc in tf.items():
        # A stem key (static_index.stem_key: '~' and a language), a phrase key (between double
        # quotes) and a pair key ('+') only say which documents hold a word or words in a row:
        # their postings weigh 1.
        out[word] = [(doc, 1 if word.startswith(("~", '"', "+")) else
                      max(1, round(static_index.WEIGHT_SCALE * per_doc[doc] / (static_index.K1 + per_doc[doc]))))
                     for doc in sorted(per_doc)]
    return out


def many_entries(n: int = 450):
    """Entries sharing common words (lists longer than static_index.HEAD) in varied lengths."""
    rng = random.Random(5)
    words = ["emploi", "migration", "recensement", "enquête", "registre", "frontière", "salaire", "ménage"]
    out = []
    for i in range(n):
        title = " ".join(rng.choices(words, k=rng.randint(1, 6)))
        summary = " ".join(rng.choices(words, k=rng.randint(3, 30)))
        out.append(make_entry(f"e-{i:04d}", rng.choice(["fr", "en"]), title, summary,
                              body=" ".join(rng.choices(words, k=rng.randint(0, 80)))))
    return out


def test_terms_count_each_key_per_field():
    t = static_index.terms({"title": ["a", "b", "a"], "summary": [], "meta": ["b"], "body": ["c", "a"]})
    assert t.lengths == (3, 0, 1, 2)
    got = {w: tuple(int(c) for c in row) for w, row in zip(t.words, t.counts, strict=True)}
    assert got == {"a": (2, 0, 0, 1), "b": (1, 0, 1, 0), "c": (0, 0, 0, 1)}


def test_numpy_weights_equal_the_plain_loop():
    for entries in (ENTRIES, many_entries()):
        _, number = static_index.entry_numbers(e.id for e in entries)
        docs = {number[e.id] * static_index.LANG_SLOTS + schema.LANGS.index(e.lang): e for e in entries}
        words, word_col, doc_col, weight_col, _ = static_index._postings(
            list(docs), [static_index.entry_terms(e, shipped_vocabs()) for e in docs.values()])
        got: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for w, doc, weight in zip(word_col.tolist(), doc_col.tolist(), weight_col.tolist(), strict=True):
            got[words[w]].append((doc, weight))
        expected = reference_weights(entries)
        assert max(len(v) for v in expected.values()) > static_index.HEAD or entries is ENTRIES
        assert dict(got) == expected


def test_remembered_terms_give_the_same_files():
    entries = many_entries(120) + list(ENTRIES)
    remembered = {e.key: static_index.entry_terms(e, shipped_vocabs()) for e in entries}
    calls = []

    def fields_of(e):
        calls.append(e.key)
        return remembered[e.key]

    vocabs = shipped_vocabs()
    assert static_index.export(entries, vocabs, fields_of) == static_index.export(entries, vocabs)
    assert sorted(calls) == sorted(e.key for e in entries)


def test_shards_of_places_every_key_as_shard_of():
    from tools.search.static_index import shard_of, shards_of
    words = ["emploi", "@t:recensement general", "تعداد", "x" * 40, "@c:MA", "a", "e\u0301té", "😀ab"]
    for shards in (1, 7, 61):
        assert shards_of(words, shards) == [shard_of(w, shards) for w in words]
    assert len(set(shards_of(words, 61))) > 1
    assert shards_of([], 5) == []


def test_long_lists_keep_their_best_postings_in_the_head_and_the_rest_in_the_tail():
    import json
    import re

    entries = many_entries()
    expected = reference_weights(entries)
    long = {w: p for w, p in expected.items() if len(p) > static_index.HEAD}
    assert long
    files = static_index.export(entries, shipped_vocabs())
    found: dict[str, dict] = {}
    for name, text in files.items():
        if re.fullmatch(r"[tx]\d+\.js", name):
            data = json.loads(re.match(r"KBSearchChunk\(\"\w+\",(.*)\);\n$", text, re.S).group(1))
            for word, flat in data.items():
                if word in long:
                    found.setdefault(word, {})[name[0]] = flat

    def pairs(flat: list[int]) -> list[tuple[int, int]]:
        docs = [sum(flat[0:i + 1:2]) for i in range(0, len(flat), 2)]
        return list(zip(docs, flat[1::2], strict=True))

    for word, postings in long.items():
        best = sorted(postings, key=lambda p: (-p[1], p[0]))
        assert pairs(found[word]["t"]) == sorted(best[:static_index.HEAD])
        assert pairs(found[word]["x"]) == sorted(best[static_index.HEAD:])


def test_one_pass_keys_are_the_four_passes_keys():
    """entry_keys' one pass over a text's words (static_index._text_keys) gives the keys, in order,
    of keys + compound_keys + agent_keys + country_keys + stem_keys + pair_keys, each of which
    tokenises the text again."""
    vocabs = shipped_vocabs()
    countries = static_index.country_word_keys(vocabs)
    paired = static_index.pair_words(vocabs)
    texts = ["Les employeurs et les travailleurs étrangers au Maroc, sous-emploi et main-d'œuvre",
             "Employers and employees of Moroccan firms; Tunisia-HIMS survey 10.7.1 and SDG 10.c.1",
             "L'enquête nationale sur l'emploi (ENE) de l'Algérie: 2019-2020, travailleurs",
             "إحصاءات الهجرة الدولية في المغرب وتونس والجزائر، العمال المهاجرون",
             "Mauritania, Mauritanie, Morocco's migrants - a the of le la", "", "-- ' ’ 1 a"]
    for text in texts:
        for lang in (*schema.LANGS, None):
            four = (static_index.keys(text, lang) + static_index.compound_keys(text)
                    + static_index.agent_keys(text) + static_index.country_keys(text, countries)
                    + static_index.stem_keys(text, lang) + static_index.pair_keys(static_index.keys(text, lang), paired))
            assert static_index._text_keys(text, lang, countries, pairs=paired) == four, (text, lang)
    entry = make_entry("ma-employers", "en", "Employers of Moroccan workers in Tunisia",
                       "Employers and employees, Morocco.", body="The employers' survey in Morocco-Tunisia.",
                       tags=("employers", "sous-emploi"), countries=("MA", "TN"))
    found = static_index.entry_keys(entry, vocabs)
    assert "employer" in found["title"] and "employer" in found["body"] and "employer" in found["meta"]
    assert "morocco" in found["summary"] and "tunisia" in found["title"]
