"""The segment writer of a full build: Whoosh's SegmentWriter with its postings grouped by field
and term as documents are added, instead of Whoosh's external sort (PostingPool), and written
term by term.

Whoosh's writer puts every posting, a (field, term, document, weight, value) tuple, into a
sorting pool that spills sorted runs to temporary files (pickled), merges them back with a heap
when the segment is written, then hands the merged postings one at a time to the field writer,
which reads each one's field length and appends it to the current block. At 10,000 entries
that is some 1.6 million postings per sub-writer of the parallel writer, and the sort, the runs,
the merge and the per-posting calls took more than half of each sub-writer's time (cProfile),
on the index stage's critical path (#10). Here a document's postings are appended to their term's arrays
(a segment's documents are numbered in the order they are added, so each term's document
numbers ascend), and the segment is written field by field, term by term (sorted as Whoosh
sorts them), each term's blocks filled from slices of its arrays: the same segment files, byte
for byte, as Whoosh's writer when its pool does not spill (tests/search/test_index_writer.py; a
spilled pool's values come back from its pickled runs as separate objects, which the blocks'
pickles then write out in full: other bytes, the same postings).

Only for a new index written whole (a full build, in one process or in the parallel writer's
sub-writers: _MpWriter): the pool holds the segment's postings in memory, in typed arrays (at
10,000 entries the largest child process peaked at 393 MB resident, against 538 MB with
Whoosh's pool and the snippets made after the commit; bench/results/index13-2026-12-01-notes.md);
an incremental build, which may merge small segments, keeps Whoosh's writer. Also makes each segment's
snippets arrays as the documents are added (tools.search.snippets.SegmentRows) when the build
captures its postings (tools.search.postings.capturing).
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from tools.search import postings as _postings
from tools.search.snippets import SegmentRows, save_segment_rows

SNIPPET_STORED = ("lang", "summary", "text")  # the stored fields snippets.SegmentRows.add reads


class _TermPool:
    """Stands for Whoosh's PostingPool in a _GroupedWriter: {field: {term bytes: (document
    numbers, weights, values)}}, in the order added. Takes the PostingPool's calls a writer makes
    (add, iter_postings, save, cleanup, fieldnames)."""

    def __init__(self):
        self.fieldnames: set[str] = set()
        self.fields: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        # Whether no posting came with a lower document number than one before it: then each
        # term's postings are in order as added (a writer adds documents in number order).
        self.ordered = True
        self._last = -1

    def add(self, item: tuple) -> None:
        """Add one posting (field name, term bytes, document number, weight, value bytes or None)."""
        fieldname, btext, docnum, weight, value = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        rows = terms.get(btext)
        if rows is None:
            rows = terms[btext] = (array("i"), array("d"), [])
        rows[0].append(docnum)
        rows[1].append(weight)
        rows[2].append(value)
        if docnum < self._last:
            self.ordered = False
        self._last = docnum

    def terms(self, fieldname: str):
        """(term bytes, document numbers, weights, values) of each term of a field, terms ascending
        and each term's postings in the order PostingPool sorts them (document number, then
        weight and value: already so when the documents were added in order)."""
        terms = self.fields.get(fieldname, {})
        for btext in sorted(terms):
            ids, weights, values = terms[btext]
            if not self.ordered and any(ids[i] >= ids[i + 1] for i in range(len(ids) - 1)):
                rows = sorted(zip(ids, weights, values, strict=True),
                              key=lambda row: (row[0], row[1], row[2] or b""))
                ids, weights = array("i", [r[0] for r in rows]), array("d", [r[1] for r in rows])
                values = [r[2] for r in rows]
            yield btext, ids, weights, values

    def iter_postings(self):
        """Every posting as PostingPool.iter_postings gives them: sorted by field, term, document."""
        for fieldname in sorted(self.fields):
            for btext, ids, weights, values in self.terms(fieldname):
                for docnum, weight, value in zip(ids, weights, values, strict=True):
                    yield fieldname, btext, docnum, weight, value

    def save(self) -> None:
        """Nothing to spill: the postings stay in memory."""

    def cleanup(self) -> None:
        self.fields.clear()


def _fill_term(pw: W3PostingsWriter, ids: array, weights: array, values: list, lengths: list[int] | None) -> None:
    """Put one term's postings into W3PostingsWriter `pw` (started on the term) as its add_posting
    would, one posting at a time: a block written each time blocklimit postings are buffered and
    another comes, the last left for finish_postings; each block's ids, weights (float32),
    non-empty values, highest weight (from 0) and shortest and longest non-zero field length."""
    limit, n = pw._blocklimit, len(ids)
    for a in range(0, n, limit):
        if a:
            pw._write_block()
        b = a + limit
        chunk = ids[a:b]
        pw._ids = array("I", chunk)
        w = weights[a:b]
        pw._weights = array("f", w)
        pw._values = [v for v in values[a:b] if v]
        top = max(w)
        pw._maxweight = top if top > 0 else 0
        if lengths is not None:
            found = [x for x in (lengths[d] for d in chunk) if x]
            pw._minlength = min(found) if found else None
            pw._maxlength = max(found) if found else 0


class _GroupedWriter(SegmentWriter):
    """SegmentWriter with a _TermPool; its segment's postings written term by term (_flush_segment),
    and the captured fields' arrays (tools.search.postings.capturing) taken from the same terms."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = _TermPool()
        # The snippets' arrays of the segment, made as documents are added when the build captures
        # the postings (tools.search.postings.capturing: the build that writes the derived files).
        self.snippet_rows = SegmentRows(self.schema) if _postings.captured_fields() else None

    def add_document(self, **fields):
        rows = self.snippet_rows
        if rows is None:
            return super().add_document(**fields)
        schema = self.schema
        # The stored fields the snippets' rows are made from (snippets.part_text), as stored.
        stored = {name: fields.get(f"_stored_{name}", fields.get(name)) for name in SNIPPET_STORED
                  if name in schema and schema[name].stored}
        # Analysed before the document is indexed: the summary's and body's fields then take their
        # positions from the same analysis (index._Chain.index_positions).
        parts = rows.tokens({name: value for name, value in stored.items() if value is not None})
        super().add_document(**fields)
        rows.append(parts)

    def _flush_segment(self) -> None:
        fw = self.fieldwriter
        if type(fw) is not W3FieldWriter:  # another codec: postings one at a time, as Whoosh does
            return SegmentWriter._flush_segment(self)
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        n_docs = self.docnum
        capture = _postings.captured_fields()
        taken = _postings.Taken(capture) if capture else None
        try:
            for fieldname in sorted(self.pool.fields):
                fieldobj = self.schema[fieldname]
                lengths = [pdr.doc_field_length(n, fieldname) for n in range(n_docs)] if pdr is not None else None
                fw.start_field(fieldname, fieldobj)
                pw = fw._postwriter
                fast = type(pw) is W3PostingsWriter and not pw._byteids
                for btext, ids, weights, values in self.pool.terms(fieldname):
                    if ids[0] == -1:  # -1: a word for the spelling graph, not a posting (as add_postings)
                        keep = [i for i, d in enumerate(ids) if d != -1]
                        if not keep:
                            continue
                        ids = array("i", [ids[i] for i in keep])
                        weights = array("d", [weights[i] for i in keep])
                        values = [values[i] for i in keep]
                    values = [b"" if v is None else v for v in values]
                    fw.start_term(btext)
                    if fast and (lengths is None or ids[-1] < n_docs):
                        _fill_term(pw, ids, weights, values, lengths)
                    else:
                        for docnum, weight, value in zip(ids, weights, values, strict=True):
                            fw.add(docnum, weight, value, pdr.doc_field_length(docnum, fieldname) if pdr else 0)
                    fw.finish_term()
                    if taken is not None:
                        taken.add(fieldname, btext, ids, weights)
                fw.finish_field()
            fw.close()
            if taken is not None:
                _postings.save_captured(self, taken, pdr)
            folder = getattr(self.storage, "folder", None)
            if self.snippet_rows is not None and folder is not None:
                save_segment_rows(folder, self.get_segment(), self.snippet_rows)
        finally:
            if pdr is not None:
                pdr.close()


class _SubWriterTask(SubWriterTask):
    """Whoosh's sub-writer process, writing with a _GroupedWriter (its run(), but the writer)."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = _GroupedWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
        else:
            fieldnames = writer.pool.fieldnames
            segment = writer._finalize_segment()
            self.resultqueue.put((None, fieldnames, segment), timeout=5)


class _MpWriter(MpWriter):
    """Whoosh's parallel writer (multisegment: each sub-writer's segment kept as it is), its
    sub-writers being _SubWriterTask processes."""

    def __init__(self, ix, procs: int, **kwargs):
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _new_task(self):
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


def full_writer(ix, procs: int):
    """The writer of a new index written whole: _MpWriter with `procs` sub-writers when procs > 1,
    else a _GroupedWriter in this process."""
    return _MpWriter(ix, procs=procs) if procs > 1 else _GroupedWriter(ix)
