"""`python -m tools.search.subwriter FOLDER INDEXNAME FIELDS`: one sub-writer of a full build's
parallel index writer (tools.search.writer._MpWriter), a fresh process rather than a fork of the
build, which holds some 450 MB at 10,000 entries when the index stage starts: each forked
sub-writer started that large, and the index stage made the build's peak memory (#10).

Writes one segment of the index in FOLDER (Whoosh's index name INDEXNAME) with a _GroupedWriter,
as Whoosh's SubWriterTask does: stdin gives one job a line, `<file name>\\t<documents>\\n`, a file
of pickled (0, fields) pairs in the index's temporary storage (Whoosh's MpWriter job files),
deleted once indexed; this process answers each job with one byte b"." on stdout. An empty line
ends the work: the segment is written and (field names, segment) pickled to stdout. FIELDS: the
JSON list of fields whose postings are captured as the segment is written
(tools.search.postings.capturing), or null. Exit status 0 once answered, 1 when stdin closes
before the empty line (the writer gave up: nothing written)."""

from __future__ import annotations

import json
import pickle
import sys
from contextlib import nullcontext

DONE = b"."  # written after each job
END = b"\n"  # the line that ends the work


def main(argv: list[str]) -> int:
    """The command line (see the module docstring). Returns the exit status."""
    from whoosh.filedb.filestore import FileStorage

    from tools.search import postings
    from tools.search.writer import _GroupedWriter

    folder, indexname, fields = argv[0], argv[1], json.loads(argv[2])
    out = sys.stdout.buffer
    with postings.capturing(fields) if fields else nullcontext():
        writer = _GroupedWriter(FileStorage(folder).open_index(indexname), _lk=False)
        temp = writer.temp_storage()
        for line in sys.stdin.buffer:
            if line == END:
                fieldnames = writer.pool.fieldnames
                segment = writer._finalize_segment()
                pickle.dump((fieldnames, segment), out, pickle.HIGHEST_PROTOCOL)
                out.flush()
                return 0
            name, count = line.decode("utf-8").rstrip("\n").split("\t")
            with temp.open_file(name).raw_file() as fh:
                for _ in range(int(count)):
                    code, fields_of_doc = pickle.load(fh)
                    assert code == 0  # Whoosh's only job code: add_document
                    writer.add_document(**fields_of_doc)
            temp.delete_file(name)
            out.write(DONE)
            out.flush()
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
