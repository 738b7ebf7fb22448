"""Every search field's postings as numpy arrays, written when the index is built (POSTINGS_FILE).

A query's term is scored from its postings (document numbers and term frequencies) and the
documents' field lengths (tools.search.engine._term_scores, Whoosh's BM25F formula, over the
live documents' statistics: FieldPostings.frequency, deleted_length). Whoosh keeps
postings in pickled, compressed blocks that are decoded in Python on every read: 0.1-1 ms a
common term at 10,000 entries, which made a cold query slow and the server's warm-up long
(13-15 s of CPU per process, #10). Here they are taken once, by the build, as Whoosh writes each
segment (capturing: in the parallel writer's sub-writers, so not read back afterwards on the
build's critical path; a segment written otherwise is read back), and stored per segment
(document numbers within the segment, deleted ones included: a segment's postings never change,
only which of its documents are deleted), so that an incremental build, which adds a small
segment to a copy of the previous index, computes only the new segments' arrays. Opening the
index merges the segments' arrays per field (deleted documents left out) into one table:
a term's postings are then a slice of two arrays.

The file is an optimisation only: an index without it (or with one of another index) is read
through Whoosh, with the same scores.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from array import array
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.matching import FilterMatcher, MultiMatcher
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

POSTINGS_FILE = "POSTINGS.npz"
POSTINGS_FORMAT = 1  # bump when what the arrays mean or the file's layout changes
_ARRAY_NAME = re.compile(r"s(\d+)_(\w+)")  # segment i's arrays are s<i>_<name> in the file


def postings(m) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a fresh postings matcher, read block by block where the
    matcher is Whoosh 3's leaf (a segment's postings), through its public calls otherwise."""
    if isinstance(m, MultiMatcher):  # several segments: document numbers shifted by offsets
        parts = [postings(sub) for sub in m.matchers[m.current:]]
        offsets = m.offsets[m.current:]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return (np.concatenate([ids + off for (ids, _), off in zip(parts, offsets, strict=True)]),
                np.concatenate([w for _, w in parts]))
    if isinstance(m, FilterMatcher):  # deleted documents left out
        ids, weights = postings(m.child)
        keep = np.isin(ids, np.fromiter(m._ids, dtype=np.int64), invert=m._exclude)
        return ids[keep], weights[keep]
    ids: list = []
    weights: list = []
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            if m._weights is None:
                m._read_weights()
            ids.extend(m._ids[m._i:])
            weights.extend(m._weights[m._i:])
            m._next_block()
    else:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


# Segments' arrays taken while Whoosh writes them (capturing): a file per segment beside it, named
# so that Whoosh neither folds it into the segment's compound file nor deletes it as a stray
# segment file (both go by the "<index name>_<segment>." prefix); write_postings consumes them.
CAPTURED_PREFIX = "kbpostings-"
_CAPTURE: dict = {}  # {"fields": [...]} while capturing() is active (handed to the sub-writers: tools.search.writer)
_flush_segment = SegmentWriter._flush_segment


@contextlib.contextmanager
def capturing(fields: list[str]) -> Iterator[None]:
    """While active, every segment that Whoosh writes in this process or in the parallel writer's
    sub-writers (tools.search.writer._MpWriter, which hands them `fields`) also leaves the arrays of _segment_arrays for `fields`,
    taken from the postings as they are written (no reading back), in a file beside the segment
    (CAPTURED_PREFIX + segment id + ".npz"), which write_postings then uses instead of reading the
    segment: the sub-writers do the work in parallel, off the build's critical path (#10)."""
    _CAPTURE["fields"] = list(fields)
    try:
        yield
    finally:
        _CAPTURE.pop("fields", None)


class _Lengths:
    """A segment's per-document reader as SegmentWriter._flush_segment hands it to add_postings, which
    asks it each posting's document length in its field (doc_field_length, for the terms' length
    statistics): each field's lengths are read from the column once, into a list, where Whoosh read
    the column again for every posting (a million at 3,000 entries, #10). Same answers."""

    def __init__(self, reader):
        self.reader = reader
        self._fields: dict[tuple[str, int], list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        """reader.doc_field_length(docnum, fieldname, default)."""
        lengths = self._fields.get((fieldname, default))
        if lengths is None:
            length = self.reader.doc_field_length
            lengths = [length(n, fieldname, default) for n in range(self.reader.doc_count_all())]
            self._fields[(fieldname, default)] = lengths
        return lengths[docnum] if 0 <= docnum < len(lengths) else self.reader.doc_field_length(docnum, fieldname,
                                                                                               default)

    def close(self) -> None:
        self.reader.close()


def captured_fields() -> list[str] | None:
    """The fields whose arrays capturing() asks of each segment written now; None when not capturing."""
    return _CAPTURE.get("fields")


class Taken:
    """The captured fields' postings of one segment as they are written: per field j of `fields`,
    [terms (bytes), starts (index of each term's first posting), ids, weights], numbers in typed
    arrays, not lists of Python numbers: 8 bytes a posting, not ~40 (memory of the sub-writers at
    10,000 entries, #10)."""

    def __init__(self, fields: list[str]):
        self.wanted = {name: j for j, name in enumerate(fields)}
        self.rows: dict[int, tuple] = {j: ([], array("q"), array("i"), array("d")) for j in self.wanted.values()}

    def add(self, fieldname: str, btext: bytes, ids: array, weights: array) -> None:
        """One term's postings (ids an array("i"), weights an array("d")), terms added in order."""
        j = self.wanted.get(fieldname)
        if j is not None:
            rows = self.rows[j]
            rows[0].append(btext)
            rows[1].append(len(rows[2]))
            rows[2].extend(ids)
            rows[3].extend(weights)


def save_captured(writer, taken: Taken, pdr) -> None:
    """Save the arrays `taken` from segment writer `writer`'s postings (its field writer closed)
    beside its segment, as _segment_arrays would read them back; `pdr`: the segment's
    per-document reader (None when the codec keeps no lengths)."""
    segment = writer.get_segment()
    n_docs = segment.doc_count_all()
    out: dict[str, np.ndarray] = {}
    for name, j in taken.wanted.items():
        texts, starts, ids, weights = taken.rows[j]
        out[f"terms{j}"] = np.frombuffer(b"".join(texts), dtype=np.uint8)
        out[f"ends{j}"] = np.cumsum([len(t) for t in texts], dtype=np.int64)
        starts.append(len(ids))
        out[f"bounds{j}"] = np.frombuffer(starts, dtype=np.int64).copy()
        out[f"ids{j}"] = np.frombuffer(ids, dtype=np.int32).copy()
        # Whoosh stores weights as float32 (the arrays _segment_arrays reads back)
        out[f"tf{j}"] = np.frombuffer(weights, dtype=np.float64).astype(np.float32)
        lengths = [pdr.doc_field_length(n, name, 1) if pdr is not None and name in writer.schema else 1
                   for n in range(n_docs)]
        out[f"lengths{j}"] = np.asarray([n or 0 for n in lengths], dtype=np.int64)
    identity = f"{segment.segment_id()}:{n_docs}"
    folder = getattr(writer.storage, "folder", None)
    if folder is not None:
        path = Path(folder) / f"{CAPTURED_PREFIX}{segment.segment_id()}.npz"
        with open(path, "wb") as f:
            np.savez(f, identity=np.asarray(identity), fields=np.asarray(json.dumps(list(taken.wanted))), **out)


def _flush_segment_capturing(self) -> None:
    """SegmentWriter._flush_segment, with the postings of the captured fields collected on their
    way to the segment's field writer (same order: by field, term, document) and saved
    (save_captured)."""
    fields = _CAPTURE.get("fields")
    if not fields:
        return _flush_segment(self)
    self.perdocwriter.close()
    pdr = _Lengths(self.per_document_reader()) if self.codec.length_stats else None
    taken = Taken(fields)

    def tee(items):
        last_field, last_text, rows = None, None, None
        for item in items:
            fieldname, btext, docnum = item[0], item[1], item[2]
            if fieldname != last_field:
                last_field, last_text = fieldname, None
                j = taken.wanted.get(fieldname)
                rows = taken.rows[j] if j is not None else None
            # docnum -1: a word for the spelling graph, not a posting (skipped by add_postings too)
            if rows is not None and docnum >= 0:
                if btext != last_text:
                    last_text = btext
                    rows[0].append(btext)
                    rows[1].append(len(rows[2]))
                rows[2].append(docnum)
                rows[3].append(item[3])
            yield item

    try:
        self.fieldwriter.add_postings(self.schema, pdr, tee(self.pool.iter_postings()))
        self.fieldwriter.close()
        save_captured(self, taken, pdr)
    finally:
        if pdr is not None:
            pdr.close()


SegmentWriter._flush_segment = _flush_segment_capturing


def _captured(index_dir: Path, seg, fields: list[str]) -> dict[str, np.ndarray] | None:
    """The arrays captured for segment reader `seg` when it was written (capturing), for
    `fields`; None when there is no such file or it is another segment's or fields'."""
    segment = getattr(seg, "_segment", None)
    if segment is None:
        return None
    path = Path(index_dir) / f"{CAPTURED_PREFIX}{segment.segment_id()}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["identity"]) != segment_identity(seg) or json.loads(str(data["fields"])) != list(fields):
                return None
            return {name: data[name] for name in data.files if name not in ("identity", "fields")}
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def segment_identity(seg) -> str:
    """Whoosh's segment id (random, new for every segment written or merged) and the segment's
    size; '' when the reader has no segment."""
    segment = getattr(seg, "_segment", None)
    return f"{segment.segment_id()}:{seg.doc_count_all()}" if segment is not None else ""


def _segment_arrays(seg, fields: list[str]) -> dict[str, np.ndarray] | None:
    """The arrays of one segment reader, per field j of `fields`: terms{j} (the terms' UTF-8
    bytes end to end, uint8), ends{j} (where each term's bytes end), bounds{j} (term i's
    postings are ids{j}[bounds[i]:bounds[i + 1]]), ids{j} (document numbers within the segment,
    ascending per term, deleted ones included), tf{j} (Whoosh's weights: the term's frequency in
    the document, float32 as Whoosh stores them) and lengths{j} (each document's length in the
    field as BM25F reads it: Whoosh's stored, rounded length). None when the segment is not a
    Whoosh 3 segment."""
    terms_reader = getattr(seg, "_terms", None)
    if type(seg) is not SegmentReader or type(terms_reader) is not W3TermsReader:
        return None
    out: dict[str, np.ndarray] = {}
    wanted = {name: j for j, name in enumerate(fields)}
    per_field: dict[int, list] = {j: [] for j in wanted.values()}
    for (fieldname, text), info in terms_reader.items():
        j = wanted.get(fieldname)
        if j is not None:
            per_field[j].append((text, info))
    codec, postfile = terms_reader._codec, terms_reader._postfile
    n_docs = seg.doc_count_all()
    for name, j in wanted.items():
        rows = sorted(per_field[j], key=lambda row: row[0])
        fmt = seg.schema[name].format if name in seg.schema else None
        ids_parts, tf_parts, counts, blob = [], [], [], []
        for text, info in rows:
            ids, tf = postings(codec.postings_reader(postfile, info, fmt))
            ids_parts.append(ids)
            tf_parts.append(tf)
            counts.append(len(ids))
            blob.append(text)
        ids = np.concatenate(ids_parts).astype(np.int32) if ids_parts else np.zeros(0, dtype=np.int32)
        tf = np.concatenate(tf_parts) if tf_parts else np.zeros(0)
        tf32 = tf.astype(np.float32)
        out[f"terms{j}"] = np.frombuffer(b"".join(blob), dtype=np.uint8)
        out[f"ends{j}"] = np.cumsum([len(t) for t in blob], dtype=np.int64)
        out[f"bounds{j}"] = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)
        out[f"ids{j}"] = ids
        # Whoosh stores weights as float32: kept as they are, wider only if some were not.
        out[f"tf{j}"] = tf32 if np.array_equal(tf32.astype(np.float64), tf) else tf
        out[f"lengths{j}"] = np.asarray([seg.doc_field_length(n, name, 1) or 0 for n in range(n_docs)], dtype=np.int64)
    return out


def _read(path: Path) -> tuple[list[str], dict[str, dict]] | None:
    """(fields, {segment identity: {array name: array}}) of a POSTINGS_FILE; None when it is
    absent, unreadable or of another format."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != POSTINGS_FORMAT:
                return None
            fields = json.loads(str(data["fields"]))
            segments = json.loads(str(data["segments"]))
            stored: dict[str, dict] = {segid: {} for segid in segments}
            for name in data.files:
                found = _ARRAY_NAME.fullmatch(name)
                if found:
                    stored[segments[int(found[1])]][found[2]] = data[name]
    except (OSError, ValueError, KeyError, TypeError, EOFError, IndexError):
        return None
    return fields, stored


def write_postings(index_dir: Path, fields: list[str]) -> dict:
    """Write POSTINGS_FILE into index_dir: the postings of each segment of the index in `fields`
    (_segment_arrays). A segment already in index_dir's previous file (an incremental build
    starts from a copy of the previous index), for the same fields, keeps its arrays; only the
    others are read. Returns {segments, computed (segments read now), postings (of the segments
    read now), seconds (wall)}; {segments: 0, ...} and no file when a segment is not Whoosh 3's
    (the engine then reads Whoosh's postings). A segment written while capturing() was active
    has its arrays beside it already: they are taken (and counted as computed), not read; those
    files are removed."""
    from whoosh import index

    started = time.perf_counter()
    path = Path(index_dir) / POSTINGS_FILE
    previous = _read(path)
    stored = previous[1] if previous is not None and previous[0] == list(fields) else {}
    ix = index.open_dir(str(index_dir))
    searcher = ix.searcher()
    arrays: dict[str, np.ndarray] = {}
    segids: list[str] = []
    computed = read = 0
    pool = None
    try:
        leaves = searcher.reader().leaf_readers()
        todo = [i for i, (seg, _) in enumerate(leaves) if not _complete(stored.get(segment_identity(seg)), fields)]
        # Segments written while capturing() was active come with their arrays: not read again.
        captured = {i: found for i in todo if (found := _captured(index_dir, leaves[i][0], list(fields))) is not None}
        todo = [i for i in todo if i not in captured]
        if len(todo) > 1 and (os.cpu_count() or 1) > 1 and hasattr(os, "fork"):
            # A full build's parallel writer leaves one segment per sub-writer: the others are
            # read in a forked process meanwhile (both cores).
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
            elsewhere = {i: pool.submit(_arrays_of_segment, str(index_dir), i, list(fields)) for i in todo[1:]}
        else:
            elsewhere = {}
        for i, (seg, _) in enumerate(leaves):
            segid = segment_identity(seg)
            found = stored.get(segid) if segid else None
            if i in captured:
                found = captured[i]
                computed += 1
                read += sum(len(found[f"ids{j}"]) for j in range(len(fields)))
            elif i in elsewhere or not _complete(found, fields):
                found = elsewhere[i].result() if i in elsewhere else _segment_arrays(seg, list(fields))
                if found is None:
                    path.unlink(missing_ok=True)
                    return {"segments": 0, "computed": 0, "postings": 0,
                            "seconds": round(time.perf_counter() - started, 3)}
                computed += 1
                read += sum(len(found[f"ids{j}"]) for j in range(len(fields)))
            segids.append(segid)
            arrays.update({f"s{i}_{name}": array for name, array in found.items()})
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        searcher.close()
        ix.close()
        for leftover in Path(index_dir).glob(CAPTURED_PREFIX + "*"):
            leftover.unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        np.savez(out, format=np.asarray(POSTINGS_FORMAT), fields=np.asarray(json.dumps(list(fields))),
                 segments=np.asarray(json.dumps(segids)), **arrays)
    os.replace(tmp, path)
    return {"segments": len(segids), "computed": computed, "postings": read,
            "seconds": round(time.perf_counter() - started, 3)}


def _complete(found: dict | None, fields) -> bool:
    """Whether a segment's stored arrays (None: none) hold every one of the fields."""
    return found is not None and all(f"ids{j}" in found for j in range(len(fields)))


def _arrays_of_segment(index_dir: str, i: int, fields: list[str]) -> dict[str, np.ndarray] | None:
    """_segment_arrays of segment i of the index in index_dir, opened here (in a worker process)."""
    from whoosh import index

    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    try:
        return _segment_arrays(searcher.reader().leaf_readers()[i][0], fields)
    finally:
        searcher.close()
        ix.close()


def segment_term_docs(index_dir: Path, seg, deleted: np.ndarray):
    """A look-up (field name, term bytes) -> document numbers within segment reader `seg` holding
    the term (int64, ascending, `deleted` numbers left out; empty for a term the segment lacks),
    or None for a field the file does not store, from index_dir's POSTINGS_FILE; None when the
    file does not hold that segment. For the build's phrase matches (engine._segment_matches),
    which read the same postings through Whoosh otherwise."""
    identity = segment_identity(seg)
    try:
        with np.load(Path(index_dir) / POSTINGS_FILE, allow_pickle=False) as data:
            if int(data["format"]) != POSTINGS_FORMAT:
                return None
            fields = json.loads(str(data["fields"]))
            segments = json.loads(str(data["segments"]))
            if not identity or identity not in segments:
                return None
            prefix = f"s{segments.index(identity)}_"
            arrays = {name[len(prefix):]: data[name] for name in data.files if name.startswith(prefix)}
    except (OSError, ValueError, KeyError, TypeError, EOFError, IndexError):
        return None
    column = {name: j for j, name in enumerate(fields)}
    tables: dict[int, dict[bytes, int]] = {}
    empty = np.zeros(0, dtype=np.int64)

    def docs_of(fieldname: str, text: bytes) -> np.ndarray | None:
        j = column.get(fieldname)
        if j is None or f"ids{j}" not in arrays:
            return None
        if j not in tables:
            blob, ends = arrays[f"terms{j}"].tobytes(), arrays[f"ends{j}"].tolist()
            starts = [0, *ends[:-1]] if ends else []
            tables[j] = {blob[a:b]: i for i, (a, b) in enumerate(zip(starts, ends, strict=True))}
        i = tables[j].get(text)
        if i is None:
            return empty
        bounds = arrays[f"bounds{j}"]
        ids = arrays[f"ids{j}"][bounds[i]:bounds[i + 1]].astype(np.int64)
        return ids[~np.isin(ids, deleted)] if len(deleted) else ids
    return docs_of


class FieldPostings:
    """One field's postings over the whole index (segments merged, deleted documents left out):
    look-ups of a term's (document numbers, term frequencies, document frequency)."""

    def __init__(self, terms: list[bytes], bounds: np.ndarray, ids: np.ndarray, tf: np.ndarray, df: np.ndarray,
                 lengths: np.ndarray, deleted_length: float = 0.0):
        self.terms = terms  # every term of the field (bytes), ascending
        self._at = {t: i for i, t in enumerate(terms)}
        self.bounds, self.ids, self.tf, self.df = bounds, ids, tf, df
        self.lengths = lengths  # float64 per document number of the index
        # The deleted documents' total length in the field, exact: the sum of their postings'
        # frequencies (Whoosh counts a document's length as the sum of its terms' frequencies,
        # SegmentWriter.add_document), which Whoosh's field_length still includes.
        self.deleted_length = deleted_length

    def get(self, text: bytes) -> tuple[np.ndarray, np.ndarray, int] | None:
        """(document numbers ascending, int64; weights, float64; document frequency as Whoosh
        counts it: deleted documents included) of a term; None when no segment holds it."""
        i = self._at.get(text)
        if i is None:
            return None
        lo, hi = self.bounds[i], self.bounds[i + 1]
        return self.ids[lo:hi].astype(np.int64), self.tf[lo:hi].astype(np.float64), int(self.df[i])

    def __contains__(self, text: bytes) -> bool:
        return text in self._at

    def frequency(self, text: bytes) -> int:
        """How many live (not deleted) documents hold the term: 0 for a term no segment holds."""
        i = self._at.get(text)
        return 0 if i is None else int(self.bounds[i + 1] - self.bounds[i])

    def holds(self, text: bytes) -> bool:
        """Whether a live document holds the term (a deleted one's terms stay in `terms`)."""
        i = self._at.get(text)
        return i is not None and bool(self.bounds[i + 1] > self.bounds[i])


def load_postings(index_dir: Path, reader, fields: list[str]) -> dict[str, FieldPostings]:
    """{field: FieldPostings} for each of `fields` from index_dir's POSTINGS_FILE when it holds
    every segment of `reader`'s index for those fields; {} otherwise (absent, unreadable, another
    index's or other fields)."""
    found = _read(Path(index_dir) / POSTINGS_FILE)
    if found is None:
        return {}
    stored_fields, stored = found
    column = {name: j for j, name in enumerate(stored_fields)}
    if any(name not in column for name in fields):
        return {}
    segments = []
    for seg, offset in reader.leaf_readers():
        segid = segment_identity(seg)
        arrays = stored.get(segid) if segid else None
        if arrays is None:
            return {}
        deleted = np.asarray(sorted(getattr(seg, "deleted_docs_set", None) or ()), dtype=np.int64)
        segments.append((arrays, offset, seg.doc_count_all(), deleted))
    if not segments:  # an empty index: nothing to look up
        return {}
    size = reader.doc_count_all()
    out = {}
    for name in fields:
        j = column[name]
        try:
            out[name] = _merge(segments, j, size)
        except KeyError:
            return {}
    return out


def _merge(segments: list[tuple], j: int, size: int) -> FieldPostings:
    """One field's FieldPostings from each segment's arrays (column j), in segment order."""
    term_lists, term_parts, ids_parts, tf_parts, df_parts = [], [], [], [], []
    lengths = np.zeros(size, dtype=np.float64)
    deleted_length = 0.0
    for arrays, offset, n_docs, deleted in segments:
        blob = arrays[f"terms{j}"].tobytes()
        ends = arrays[f"ends{j}"].tolist()
        starts = [0, *ends[:-1]] if ends else []
        term_lists.append([blob[a:b] for a, b in zip(starts, ends, strict=True)])
        bounds = arrays[f"bounds{j}"]
        counts = np.diff(bounds)
        which = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        ids = arrays[f"ids{j}"].astype(np.int64)
        tf = arrays[f"tf{j}"]
        df_parts.append(counts)
        if len(deleted):
            keep = ~np.isin(ids, deleted)
            deleted_length += float(tf[~keep].sum(dtype=np.float64))
            which, ids, tf = which[keep], ids[keep], tf[keep]
        term_parts.append(which)
        ids_parts.append(ids + offset)
        tf_parts.append(tf)
        lengths[offset:offset + n_docs] = arrays[f"lengths{j}"]
    if len(segments) == 1:
        terms, bounds_all = term_lists[0], None
        which, ids, tf, df = term_parts[0], ids_parts[0], tf_parts[0], df_parts[0]
    else:
        # Each segment's terms numbered in the union of the segments' terms (sorted, as bytes).
        terms = sorted(set().union(*term_lists))
        at = {t: i for i, t in enumerate(terms)}
        maps = [np.asarray([at[t] for t in tl], dtype=np.int64) for tl in term_lists]
        which = np.concatenate([m[w] for m, w in zip(maps, term_parts, strict=True)])
        ids, tf = np.concatenate(ids_parts), np.concatenate(tf_parts)
        df = np.zeros(len(terms), dtype=np.int64)
        for m, counts in zip(maps, df_parts, strict=True):
            np.add.at(df, m, counts)
        # Segments come in offset order and each one's numbers ascend per term, so a stable sort
        # by term leaves every term's numbers ascending.
        order = np.argsort(which, kind="stable")
        which, ids, tf = which[order], ids[order], tf[order]
    bounds_all = np.searchsorted(which, np.arange(len(terms) + 1)).astype(np.int64)
    return FieldPostings(terms, bounds_all, ids.astype(np.int32) if size < 2**31 else ids, tf, np.asarray(df),
                         lengths, deleted_length)
