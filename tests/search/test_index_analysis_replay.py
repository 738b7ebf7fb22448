"""The index analyzer's indexing path (tools.search.index._Chain: terms looked up per token) gives
exactly the terms, positions and character ranges of Whoosh's chain of steps (index._chain), on
random and real texts, for every field kind; other uses (queries) go through the chain itself.
The text fields' postings (_Text.index) are Whoosh's, and the snippets' arrays, now taken from the
stored text (tools.search.snippets), are those the term vectors the index kept gave."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from tools.search import index as ix
from tools.search import snippets
from tools.search.snippets import text_tokens

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


def _vector_order(analyzer, text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of `text` as the Characters term vector the index kept held them, read in
    its order (terms sorted, then ranges as stored): Whoosh's own word_values, sorted as
    SegmentWriter.add_document sorted them, decoded."""
    fmt = ix.formats.Characters()
    items = sorted((term, value) for term, _, _, value in fmt.word_values(text, analyzer, mode="index"))
    return [(term, start, end) for term, value in items for _pos, start, end in fmt.decode_characters(value)]


def _same_as_chain(text: str) -> None:
    for lang in LANGS:
        fast, chain = ix.analyzer(lang), ix._chain(lang)
        for chars in (False, True):
            kwargs = {"positions": True, "chars": chars, "boosts": True, "mode": "index"}
            assert _tokens(fast(text, **kwargs), chars) == _tokens(chain(text, **kwargs), chars), (lang, text)
        # Without boosts asked (a Characters vector's call), and through text_tokens.
        again = {"positions": True, "chars": True, "mode": "index"}
        assert _tokens(fast(text, **again), True) == _tokens(chain(text, **again), True)
        assert text_tokens(fast, text) == _vector_order(chain, text)
        # A field's postings (term bytes, frequency, weight, encoded positions) are Whoosh's.
        assert list(ix._Text(analyzer=fast).index(text)) == list(ix.fields.TEXT(analyzer=chain).index(text))
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
            # Postings (terms, frequencies, weights, encoded positions), as
            # SegmentWriter.add_document asks for them; snippets' ranges as the vectors held them.
            assert list(fast.index(value)) == list(chain.index(value)), (entry.key, name)
            if name.split("_")[0] in ix.SNIPPET_PARTS:
                assert text_tokens(fast.analyzer, value) == _vector_order(chain.analyzer, value), (entry.key, name)
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
    # And so do a field's postings.
    field = ix._Text(analyzer=ix.analyzer("fr"))
    positions = {term: field.format.decode_positions(value) for term, _, _, value in field.index("la d-es emploi")}
    assert positions == {b"es": [2], b"emploi": [3]}
    assert list(field.index("la d-es emploi")) == list(ix.fields.TEXT(analyzer=ix._chain("fr")).index("la d-es emploi"))


def test_the_pickled_analyzer_equals_the_chain():
    fast = ix.analyzer("ar")
    list(fast("تحويلات المهاجرين secret-text", positions=True, mode="index"))
    back = pickle.loads(pickle.dumps(fast))
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
        reads = []

        class Counting:
            """The per-document reader, counting the lengths read from it."""

            def doc_field_length(self, num, field, default=0):
                reads.append((num, field, default))
                return pdr.doc_field_length(num, field, default)

            def doc_count_all(self):
                return pdr.doc_count_all()

        lengths = _Lengths(Counting())
        asked = [(field, default) for field in ("neutral", "body_fr", "title_en") for default in (0, 1)]
        for _ in range(3):  # add_postings asks once per posting: many times per document
            for field, default in asked:
                for num in range(3):
                    assert lengths.doc_field_length(num, field, default) == pdr.doc_field_length(num, field, default)
        # Each field's column read once: one read per document, whatever the number of questions.
        assert sorted(reads) == sorted((num, f, d) for f, d in asked for num in range(3))
        assert [lengths.doc_field_length(n, "body_fr") for n in range(3)] == [2, None, 20]


def test_snippet_arrays_from_the_stored_text_are_those_of_the_term_vectors(tmp_path):
    """The same index written with the term vectors the schema had (Characters on each summary and
    body): the arrays now made from the stored text are, row for row, those the vectors gave."""
    from whoosh import index as whoosh_index

    from tests.search.test_engine_fast import corpus

    schema = ix.make_schema()
    for name in schema.names():
        if name.split("_")[0] in ix.SNIPPET_PARTS and name != "summary":
            schema[name].vector = ix.formats.Characters()
    idx = whoosh_index.create_in(str(tmp_path), schema)
    with idx.writer() as writer:
        for entry in corpus(40):
            writer.add_document(**ix.document(entry))
        writer.delete_by_term("key", ix.document(corpus(40)[3])["key"])  # a deleted document has no rows
    with idx.searcher() as searcher:
        seg = searcher.reader().leaf_readers()[0][0]
        got = snippets._segment_arrays(seg)
        hashes, starts, ends, bounds = [], [], [], [0]
        for num in range(seg.doc_count_all()):
            lang = None if seg.is_deleted(num) else seg.stored_fields(num)["lang"]
            for part in snippets.PARTS:
                field = f"{part}_{lang}"
                if lang and seg.has_vector(num, field):
                    for term, chars in seg.vector(num, field).items_as("characters"):
                        for _pos, start, end in chars:
                            hashes.append(snippets.term_hash(term))
                            starts.append(start)
                            ends.append(end)
                bounds.append(len(hashes))
    assert len(hashes) > 1000
    assert got["bounds"].tolist() == bounds
    assert got["hashes"].tolist() == hashes
    assert got["starts"].tolist() == starts and got["ends"].tolist() == ends
