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
sub-writers: _MpWriter, whose sub-writers are fresh processes, tools.search.subwriter): the pool holds the segment's postings in memory, in typed arrays (at
10,000 entries the largest child process peaked at 393 MB resident, against 538 MB with
Whoosh's pool and the snippets made after the commit; bench/results/index13-2026-12-01-notes.md);
an incremental build, which may merge small segments, keeps Whoosh's writer. Also makes each segment's
snippets arrays as the documents are added (tools.search.snippets.SegmentRows) when the build
captures its postings (tools.search.postings.capturing).
"""

from __future__ import annotations

import json
import os
import pickle
import select
import subprocess
import sys
from array import array

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.multiproc import MpWriter
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from tools.search import postings as _postings
from tools.search.snippets import SegmentRows, save_segment_rows
from tools.search.subwriter import DONE, END
from tools.subprocesses import die_with_parent, with_code_path

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


class _SubWriter:
    """One sub-writer of _MpWriter: `python -m tools.search.subwriter` (see there) writing one
    segment of the index in `folder`, started fresh rather than forked, so that it does not start
    as large as the build (#10: 450 MB at 10,000 entries, counted again in each sub-writer)."""

    def __init__(self, folder: str, indexname: str):
        self.proc = subprocess.Popen(
            [sys.executable, *SUBWRITER, folder, indexname, json.dumps(_postings.captured_fields())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=with_code_path(dict(os.environ)),
            preexec_fn=die_with_parent())
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)  # its answers to jobs are read as they come (take_done)
        self.pending = 0  # jobs sent and not yet answered
        self.answer = bytearray()  # what it wrote after the answers to jobs
        self.alive = True  # False once it cannot be sent more (it ended or its stdin broke)

    def send(self, line: bytes) -> bool:
        """Send one line (a job, or subwriter.END); False when the process takes no more."""
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            self.alive = False
            return False
        return True

    def take_done(self) -> None:
        """Count the jobs it has answered since last asked (without waiting)."""
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return
        if not data:  # ended (it failed: its jobs are lost, and the index is written again whole)
            self.alive = False
            self.pending = 0
            return
        self._take(data)

    def _take(self, data: bytes) -> None:
        if not self.answer:  # still answers to jobs (the segment's pickle starts with another byte)
            done = len(data) - len(data.lstrip(DONE))
            self.pending -= done
            data = data[done:]
        self.answer += data

    def result(self) -> tuple | None:
        """(field names, segment) once the process has ended; None when it gave no answer."""
        if self.alive and self.send(END):
            self.proc.stdin.close()
        os.set_blocking(self.fd, True)
        self._take(self.proc.stdout.read())
        self.proc.wait()
        if self.proc.returncode != 0 or not self.answer:
            return None
        try:
            return pickle.loads(self.answer)
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
            return None

    def cancel(self) -> None:
        """Stop the process (its segment is not wanted)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for fh in (self.proc.stdin, self.proc.stdout):
            try:
                fh.close()
            except OSError:
                pass


SUBWRITER = ("-m", "tools.search.subwriter")  # the sub-writers' program (python arguments)
PENDING_JOBS = 4  # jobs sent to a sub-writer and not yet answered, at most: Whoosh's bound (4 per process)


class _MpWriter(MpWriter):
    """Whoosh's parallel writer (multisegment: each sub-writer's segment kept as it is), its
    sub-writers being fresh processes (_SubWriter) instead of forks of this one: each job file of
    documents goes to the one with the fewest jobs pending, and the writer waits when each has
    PENDING_JOBS (as Whoosh's job queue holds 4 per process)."""

    def __init__(self, ix, procs: int, batchsize: int = 100):
        # Not MpWriter.__init__: its job and result queues are multiprocessing's, for forked tasks.
        SegmentWriter.__init__(self, ix)
        self.procs, self.batchsize, self.subargs, self.multisegment = procs, batchsize, {}, True
        self.tasks: list[_SubWriter] = []
        self.docbuffer: list = []
        self._grouping = 0
        self._added_sub = False

    def _enqueue(self) -> None:
        # As MpWriter._enqueue: the buffered documents pickled into a job file of the temporary storage.
        name = f"{random_name()}.doclist"
        with self.temp_storage().create_file(name).raw_file() as fh:
            for item in self.docbuffer:
                pickle.dump(item, fh, 2)
        if len(self.tasks) < self.procs:
            self.tasks.append(_SubWriter(os.path.abspath(self.storage.folder), self.indexname))
        self._dispatch(f"{name}\t{len(self.docbuffer)}\n".encode())
        self.docbuffer = []

    def _dispatch(self, job: bytes) -> None:
        """Send `job` to the live sub-writer with the fewest jobs pending, waiting while each has
        PENDING_JOBS. With none left the job is dropped: the index then misses its documents,
        which tools.search.index finds, and writes the index again in one process."""
        while True:
            for task in self.tasks:
                if task.alive:
                    task.take_done()
            alive = [task for task in self.tasks if task.alive]
            if not alive:
                return
            task = min(alive, key=lambda t: t.pending)
            if task.pending < PENDING_JOBS:
                if task.send(job):
                    task.pending += 1
                    return
                continue
            select.select([t.fd for t in alive], [], [])

    def _commit(self, mergetype, optimize, merge):
        # MpWriter._commit for a multisegment writer, its results taken from the sub-writers' answers.
        if self.docbuffer:
            self._enqueue()
        for task in self.tasks:  # each ends its segment while this one merges its own
            if task.alive and task.send(END):
                task.proc.stdin.close()
                task.alive = False
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        finalsegments += [answer[1] for answer in (task.result() for task in self.tasks) if answer is not None]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        assert self.perdocwriter.is_closed
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self):
        try:
            for task in self.tasks:
                task.cancel()
        finally:
            SegmentWriter.cancel(self)


def full_writer(ix, procs: int):
    """The writer of a new index written whole: _MpWriter with `procs` sub-writers when procs > 1,
    else a _GroupedWriter in this process."""
    return _MpWriter(ix, procs=procs) if procs > 1 else _GroupedWriter(ix)
