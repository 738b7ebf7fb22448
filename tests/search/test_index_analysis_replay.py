"""The index analyzer's indexing path (tools.search.index._Chain: terms looked up per token, the
last text's terms kept for its term vector) gives exactly the terms, positions and character
ranges of Whoosh's chain of steps (index._chain), on random and real texts, for every field kind;
other uses (queries) go through the chain itself."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from tools.search import index as ix

LANGS = (None, "fr", "en", "ar")
# Pieces that exercise each step: compounds (with stop words and single letters as parts), elisions,
# accents and ligatures, Arabic with article, vowel marks and tatweel, invisible characters,
# numbers with dots, stop words of each language, punctuation and spaces.
PIECES = ["sous-emploi", "main-d'œuvre", "l'emploi", "qu'il", "Données", "ÉMIGRÉS", "ﬁchier", "a", "la",
          "le", "of", "the", "l-a", "d-", "x-y-z", "a-u", "d-es", "the-m", "co\u2010operation", "non\u2011salariés", "em\u00adploi",
          "\u200b", "\u200d", "10.7.1", "2024", "١٠٫٧٫١", "البحرين", "الهِجْرَة", "العمـــل", "في", "و",
          "recensements", "employers", "labour-force", "Tunisie", "ma-", "-", "'", "’", " ", "  ", "\n",
          ",", ".", "(", ")", "«", "»", "ء"]

texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=40).map(
    lambda pieces: "".join(p if i % 3 else p + " " for i, p in enumerate(pieces)))


def _tokens(gen, chars: bool) -> list[tuple]:
    """What Whoosh's formats read of each token (stopped ones are skipped by formats.tokens)."""
    return [(t.text, t.pos, t.boost) + ((t.startchar, t.endchar) if chars else ())
            for t in gen if not t.stopped]


def _same_as_chain(text: str) -> None:
    for lang in LANGS:
        fast, chain = ix.analyzer(lang), ix._chain(lang)
        for chars in (False, True):
            kwargs = {"positions": True, "chars": chars, "boosts": True, "mode": "index"}
            assert _tokens(fast(text, **kwargs), chars) == _tokens(chain(text, **kwargs), chars), (lang, text)
        # Twice in a row (the term vector after the postings) gives the same terms again.
        again = {"positions": True, "chars": True, "mode": "index"}
        assert _tokens(fast(text, **again), True) == _tokens(chain(text, **again), True)
        # Queries and other modes are the chain's.
        for mode in ("query", ""):
            assert ([t.text for t in fast(text, mode=mode)] == [t.text for t in chain(text, mode=mode)])


@given(texts)
def test_indexing_analysis_is_the_chains_on_random_texts(text):
    _same_as_chain(text)


def test_indexing_analysis_is_the_chains_on_every_field_of_the_shipped_entries(shipped_collection):
    entries = shipped_collection[0]
    assert entries
    fast_schema, chain_schema = ix.make_schema(), ix.make_schema()
    for name in chain_schema.names():
        field = chain_schema[name]
        if isinstance(getattr(field, "analyzer", None), ix._Chain):
            field.analyzer = ix._chain(field.analyzer.lang)
    kinds = set()
    for entry in entries:
        doc = ix.document(entry)
        for name, value in doc.items():
            fast, chain = fast_schema[name], chain_schema[name]
            if not isinstance(fast, ix.fields.TEXT):
                continue
            kinds.add(name.split("_")[0])
            # Postings (terms, frequencies, weights, encoded positions) and term vectors, as
            # SegmentWriter.add_document asks for them.
            assert list(fast.index(value)) == list(chain.index(value)), (entry.key, name)
            if fast.vector:
                assert (list(fast.vector.word_values(value, fast.analyzer, mode="index"))
                        == list(chain.vector.word_values(value, chain.analyzer, mode="index"))), (entry.key, name)
    assert kinds == {"neutral", *ix.LANG_PARTS}


def test_positions_follow_whooshs_renumbering_after_stop_words():
    # Whoosh's StopFilter numbers the kept terms from the first kept one's position: a leading stop
    # word shifts them all, a compound's whole and parts take consecutive positions.
    got = [(t.text, t.pos, t.startchar, t.endchar)
           for t in ix.analyzer("fr")("le la sous-emploi et l'emploi", positions=True, chars=True, mode="index")]
    assert got == [("sousemploi", 2, 6, 17), ("emploi", 3, 11, 17), ("emploi", 4, 21, 29)]
    # A compound whose whole ('des') and first part are stop words: the numbering starts at the
    # position of the part kept, not at the compound's.
    got = [(t.text, t.pos, t.startchar, t.endchar)
           for t in ix.analyzer("fr")("la d-es emploi", positions=True, chars=True, mode="index")]
    assert got == [("es", 2, 5, 7), ("emploi", 3, 8, 14)]


def test_a_new_text_is_analysed_afresh():
    fast = ix.analyzer("en")
    first = [t.text for t in fast("migrant workers", positions=True, mode="index")]
    second = [t.text for t in fast("remittances", positions=True, mode="index")]
    assert first == ["migrant", "worker"] and second == ["remitt"]


def test_the_pickled_analyzer_holds_no_text_and_equals_the_chain():
    fast = ix.analyzer("ar")
    list(fast("تحويلات المهاجرين secret-text", positions=True, mode="index"))
    data = pickle.dumps(fast)
    assert b"secret" not in data
    back = pickle.loads(data)
    assert back == fast == ix.analyzer("ar") and back != ix.analyzer("fr")
    assert ([t.text for t in back("تحويلات", positions=True, mode="index")]
            == [t.text for t in ix._chain("ar")("تحويلات", positions=True, mode="index")])


def test_segment_lengths_are_read_once_with_the_readers_answers(tmp_path):
    from whoosh import index as whoosh_index

    from tools.search.postings import _Lengths

    schema = ix.make_schema()
    idx = whoosh_index.create_in(str(tmp_path), schema)
    with idx.writer() as writer:
        for i, text in enumerate(["migrant workers", "", "sous-emploi des femmes et des hommes " * 5]):
            writer.add_document(key=f"k{i}", lang="fr", neutral=text, body_fr=text)
    with idx.reader() as reader:
        seg = reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader
        pdr = seg._perdoc
        lengths = _Lengths(pdr)
        for field in ("neutral", "body_fr", "title_en"):
            for default in (0, 1):
                for num in range(3):
                    assert lengths.doc_field_length(num, field, default) == pdr.doc_field_length(num, field, default)
        assert [lengths.doc_field_length(n, "body_fr") for n in range(3)] == [2, None, 20]
