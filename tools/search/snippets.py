"""The character ranges of every analysed token of each document's summary and body, as arrays
written when the index is built (SNIPPETS_DIR), for snippets.

A snippet needs the character ranges of the query's terms in one document's summary or body
(tools.search.engine.SearchIndex._snippet). Whoosh could keep them in the document's term
vector (the Characters format), decompressed and unpickled whole at every read: 0.1-0.5 ms a
document, ten documents a search, the largest part of a search at 10,000 entries (#10). Here the
build analyses each document's own-language summary and body (text_tokens: the terms are looked
up per word, cheaper than writing and reading back a vector, which the index no longer keeps) and
stores, per segment, every token as (hash of its term, start, end), in a vector's order. A full
build does it as its segment writer adds each document (SegmentRows, in the parallel writer's
sub-writers: tools.search.writer), whose summary and body fields then take their positions from
the same analysis; a segment written otherwise is read back from its stored texts
(write_snippets). A search then looks a document's tokens up in a slice of three arrays.

Terms are stored as 64-bit hashes (term_hash), not as text, so that a document's arrays need
no vocabulary and no merge when the index opens: two different terms of one document's field
share a hash with a probability of about 2**-64 per pair of terms.

The arrays are .npy files opened with np.load(mmap_mode="r"): opening an index generation
reads none of them, and server processes on the same machine share their pages through the
system's file cache. As for tools.search.postings, the files are per segment (a segment's
documents never change, only which of them are deleted): an incremental build, which adds a
small segment to a copy of the previous index, computes only the new segments' arrays. An index
without them (or with another index's) makes snippets by analysing the document's text
(tools.search.engine.SearchIndex._spans), with the same result.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from array import array
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh.reading import SegmentReader

SNIPPETS_DIR = "SNIPPETS"
SNIPPETS_FORMAT = 1  # bump when what the arrays mean or their layout changes
PARTS = ("summary", "body")  # tools.search.index.SNIPPET_PARTS, in the order of each document's rows
_ARRAYS = ("bounds", "hashes", "starts", "ends")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@lru_cache(maxsize=65536)
def term_hash(term: str | bytes) -> int:
    """A term's 64-bit hash (blake2b of its UTF-8 bytes), as an unsigned int."""
    raw = term.encode("utf-8") if isinstance(term, str) else term
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


def _folder_name(identity: str) -> str:
    """A segment identity (tools.search.postings.segment_identity) as a folder name."""
    return _UNSAFE.sub("-", identity)


def _segment_identity(seg) -> str:
    segment = getattr(seg, "_segment", None)
    return f"{segment.segment_id()}:{seg.doc_count_all()}" if segment is not None else ""


def text_tokens(analyzer, text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of each term of `text` as `analyzer` indexes it, in the order of the term
    vector Whoosh's Characters format would keep (and the index kept until #10): terms ascending,
    each term's character ranges in text order. Indexing with the field's analyzer, whose terms are
    looked up per word (tools.search.index._Chain), costs less than decoding a stored vector did."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    terms = getattr(analyzer, "index_terms", None)
    if terms is not None:
        for term, _pos, start, end in terms(text):
            found = ranges.get(term)
            if found is None:
                ranges[term] = [(start, end)]
            else:
                found.append((start, end))
    else:
        for t in analyzer(text, positions=True, chars=True, mode="index"):
            if not t.stopped:
                ranges.setdefault(t.text, []).append((t.startchar, t.endchar))
    return [(term, start, end) for term in sorted(ranges) for start, end in ranges[term]]


def part_text(stored: dict, part: str) -> str:
    """The text of a document's `part` (PARTS) as indexed: its stored summary, or its stored plain
    text for the body (tools.search.index.document)."""
    return stored.get("summary" if part == "summary" else "text") or ""


class SegmentRows:
    """A segment's arrays (_segment_arrays) made document by document, in number order: by the
    build's segment writer as it adds each document (tools.search.writer, so that they are made
    in the parallel writer's sub-writers, where the words' analyses are at hand, #10), or from a
    segment reader's stored fields."""

    def __init__(self, schema):
        self.schema = schema
        self._hash_of: dict[str, int] = {}
        self.hashes, self.starts, self.ends = array("Q"), array("I"), array("I")
        self.bounds = array("q", [0])

    def add(self, stored: dict | None) -> None:
        """The rows of the next document from its stored fields (None: a deleted document, no rows)."""
        self.append(self.tokens(stored))

    def tokens(self, stored: dict | None) -> list[list[tuple[str, int, int]]]:
        """A document's text_tokens per part (PARTS) from its stored fields (None: none), for append."""
        lang = stored.get("lang") if stored else None
        out = []
        for part in PARTS:
            field = f"{part}_{lang}"
            out.append(text_tokens(self.schema[field].analyzer, part_text(stored, part))
                       if lang and field in self.schema else [])
        return out

    def append(self, parts: list[list[tuple[str, int, int]]]) -> None:
        """The rows of the next document from its tokens (tokens())."""
        hash_of, hashes, starts, ends = self._hash_of, self.hashes, self.starts, self.ends
        for tokens in parts:
            for term, start, end in tokens:
                h = hash_of.get(term)
                if h is None:
                    h = hash_of[term] = term_hash(term)
                hashes.append(h)
                starts.append(start)
                ends.append(end)
            self.bounds.append(len(hashes))

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays of the documents added (see _segment_arrays)."""
        return {"bounds": np.asarray(self.bounds, dtype=np.int64), "hashes": np.asarray(self.hashes, dtype=np.uint64),
                "starts": np.asarray(self.starts, dtype=np.uint32), "ends": np.asarray(self.ends, dtype=np.uint32)}


def _segment_arrays(seg) -> dict[str, np.ndarray]:
    """One segment reader's arrays: bounds (int64; the tokens of document d's part k, PARTS,
    are rows bounds[2d + k]:bounds[2d + k + 1]), hashes (uint64), starts and ends (uint32,
    character offsets in the stored summary or text). Made from each live document's stored text,
    analysed by its own language's field (text_tokens)."""
    rows = SegmentRows(seg.schema)
    for num in range(seg.doc_count_all()):
        rows.add(None if seg.is_deleted(num) else (seg.stored_fields(num) or {}))
    return rows.arrays()


def save_segment_rows(index_dir: str, segment, rows: SegmentRows) -> None:
    """Save the arrays of `rows`, made as Whoosh segment `segment` of the index in index_dir was
    written, as write_snippets would (it then keeps them)."""
    identity = f"{segment.segment_id()}:{segment.doc_count_all()}"
    _save(Path(index_dir) / SNIPPETS_DIR / _folder_name(identity), rows.arrays(), identity)


def _arrays_of_segment(index_dir: str, i: int) -> dict[str, np.ndarray]:
    """_segment_arrays of segment i of the index in index_dir, opened here (in a worker process)."""
    from whoosh import index

    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    try:
        return _segment_arrays(searcher.reader().leaf_readers()[i][0])
    finally:
        searcher.close()
        ix.close()


def _complete(folder: Path) -> bool:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("format") == SNIPPETS_FORMAT and all((folder / f"{name}.npy").is_file() for name in _ARRAYS)


def _save(folder: Path, arrays: dict[str, np.ndarray], identity: str) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in _ARRAYS:
        np.save(tmp / f"{name}.npy", arrays[name], allow_pickle=False)
    (tmp / "meta.json").write_text(json.dumps({"format": SNIPPETS_FORMAT, "segment": identity}), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def write_snippets(index_dir: Path) -> dict:
    """Write SNIPPETS_DIR into index_dir: one folder of arrays per segment of the index
    (_segment_arrays). A segment's folder already there (an incremental build starts from a
    copy of the previous index) is kept; folders of segments no longer in the index are
    removed. Returns {segments, computed (segments read now), tokens (of those), seconds
    (wall)}; {segments: 0, ...} and no folder when a segment is not a Whoosh segment reader
    (snippets then come from analysing the text)."""
    from whoosh import index

    started = time.perf_counter()
    root = Path(index_dir) / SNIPPETS_DIR
    ix = index.open_dir(str(index_dir))
    searcher = ix.searcher()
    pool = None
    computed = tokens = 0
    try:
        leaves = searcher.reader().leaf_readers()
        identities = [_segment_identity(seg) for seg, _ in leaves]
        if any(type(seg) is not SegmentReader or not ident for (seg, _), ident in zip(leaves, identities, strict=True)):
            shutil.rmtree(root, ignore_errors=True)
            return {"segments": 0, "computed": 0, "tokens": 0, "seconds": round(time.perf_counter() - started, 3)}
        root.mkdir(exist_ok=True)
        keep = {_folder_name(ident) for ident in identities}
        for old in root.iterdir():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        todo = [i for i, ident in enumerate(identities) if not _complete(root / _folder_name(ident))]
        elsewhere = {}
        if len(todo) > 1 and (os.cpu_count() or 1) > 1 and hasattr(os, "fork"):
            # A full build's parallel writer leaves one segment per sub-writer: the others are
            # read in a forked process meanwhile (both cores), as tools.search.postings does.
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
            elsewhere = {i: pool.submit(_arrays_of_segment, str(index_dir), i) for i in todo[1:]}
        for i in todo:
            arrays = elsewhere[i].result() if i in elsewhere else _segment_arrays(leaves[i][0])
            _save(root / _folder_name(identities[i]), arrays, identities[i])
            computed += 1
            tokens += len(arrays["hashes"])
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        searcher.close()
        ix.close()
    return {"segments": len(identities), "computed": computed, "tokens": tokens,
            "seconds": round(time.perf_counter() - started, 3)}


class SnippetArrays:
    """The stored token ranges of every document of one opened index (load_snippets)."""

    def __init__(self, segments: list[tuple[int, dict[str, np.ndarray]]]):
        self._offsets = [offset for offset, _ in segments]
        self._arrays = [arrays for _, arrays in segments]

    def spans(self, num: int, part: str, wanted: list[str]) -> dict[tuple[int, int], str]:
        """{(start, end): term} of the `wanted` terms (sorted, as the field analyses them) in
        document `num`'s part ('summary' or 'body', its own language's field): what the term
        vector gives (a later term wins a range shared by two, as when read term by term)."""
        i = len(self._offsets) - 1
        while self._offsets[i] > num:
            i -= 1
        arrays, local = self._arrays[i], num - self._offsets[i]
        row = 2 * local + PARTS.index(part)
        bounds = arrays["bounds"]
        lo, hi = int(bounds[row]), int(bounds[row + 1])
        if lo == hi:
            return {}
        hashes = arrays["hashes"][lo:hi]
        starts, ends = arrays["starts"], arrays["ends"]
        spans: dict[tuple[int, int], str] = {}
        for term in wanted:
            at = np.flatnonzero(hashes == np.uint64(term_hash(term)))
            if len(at):
                at += lo
                for start, end in zip(starts[at].tolist(), ends[at].tolist(), strict=True):
                    spans[(start, end)] = term
        return spans


def load_snippets(index_dir: Path, reader) -> SnippetArrays | None:
    """The SnippetArrays of index_dir's SNIPPETS_DIR when it holds every segment of `reader`'s
    index (memory-mapped, read only); None otherwise (absent, incomplete, another index's)."""
    root = Path(index_dir) / SNIPPETS_DIR
    segments = []
    try:
        for seg, offset in reader.leaf_readers():
            ident = _segment_identity(seg)
            folder = root / _folder_name(ident) if ident else None
            if folder is None or not _complete(folder):
                return None
            # Plain arrays over the mapped pages: a memmap's slices cost a Python call each.
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
                      for name in _ARRAYS}
            if len(arrays["bounds"]) != 2 * seg.doc_count_all() + 1:
                return None
            segments.append((offset, arrays))
    except (OSError, ValueError):
        return None
    return SnippetArrays(segments) if segments else None
