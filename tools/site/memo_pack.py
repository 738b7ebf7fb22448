"""The pages memo's page texts kept out of its pickle, by their digest (#10).

A remembered listing, country page or keyword index is only needed when the docs tree does not
already hold it: most of them are reused as they are on every change. They are kept in one
append-only file beside the memo (`Pack`, build/pages-memo.pack), each text under its content
digest (tools.fsutil.content_digest of its UTF-8 bytes, the digest the memo's record of the trees
holds for each file); the pickle keeps, for such a record, only the digests (`Stored`). A record
used by a build comes back as `Blob`s: the pages stage compares a Blob's digest with the one the
tree's record holds and reads the text only when they differ (tools.site.generate).

Every text read is checked against its digest: a pack that is not the one the pickle was written
with (another build's, one changed or cut by hand) is never taken for it (`StaleMemo`).

The same pack holds records too (`RecordPickler`, `Lazy`): objects of the types the memo names
(each entry's static-index Terms, tools.site.generate.LAZY_RECORDS) each pickled apart, kept in the
memo's pickle as their digest and the few attributes every build reads, unpickled when another is
asked: a change reads the records of the changed entries alone and saves the others unread.
"""

from __future__ import annotations

import os
import pickle
import secrets

from tools.fsutil import content_digest

# Kinds of pages.TextMemo keys (their first item) whose value is final page texts: a page's text
# (str), {path: text} of pages, or a section's (that dict, inner keys). Every caller puts such a
# value into the generated files as it is, never into another text: they can be Blobs.
PAGE_KINDS = frozenset({"listing", "split-listing", "split-part", "tag-index", "harmonisation", "country",
                        "glossary", "home"})
MAGIC = b"KB-pages-pack-1\n"
ID_BYTES = 16
HEAD = len(MAGIC) + ID_BYTES
# Dead texts (no longer referenced) are dropped by copying the live ones to a new pack when they
# outweigh the live ones and this many bytes.
COMPACT_MIN = 8 << 20


class StaleMemo(Exception):
    """A remembered text could not be read as remembered (pack missing, replaced or changed): the
    memo must not be used; the caller regenerates everything."""


class Blob:
    """A remembered page text not read yet: `digest` (16 bytes, fsutil.content_digest of its UTF-8
    bytes) and the pack holding it. `text()` reads it (raises StaleMemo if the bytes read do not
    have that digest)."""

    __slots__ = ("digest", "pack")

    def __init__(self, digest: bytes, pack: Pack | None):
        self.digest = digest
        self.pack = pack

    def text(self) -> str:
        """The text, read from the pack and checked against the digest. Raises StaleMemo."""
        if self.pack is None:
            raise StaleMemo("no pack to read a remembered text from")
        return self.pack.read(self.digest).decode("utf-8")

    def __repr__(self) -> str:
        return f"Blob({self.digest.hex()})"


class Stored:
    """A TextMemo record as pickled: `shape` is a digest (bytes) for one text, {path: digest} for
    pages, or (that, inner keys) for a section. `open` gives the record with Blobs."""

    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape

    def __reduce__(self):
        return (Stored, (self.shape,))

    def open(self, pack: Pack | None):
        """The record with a Blob for each digest (read from `pack` when asked)."""
        def blobs(value):
            if isinstance(value, bytes):
                return Blob(value, pack)
            return {path: Blob(d, pack) for path, d in value.items()}
        if isinstance(self.shape, tuple):
            value, inner = self.shape
            return blobs(value), inner
        return blobs(self.shape)


class Pack:
    """An append-only file of texts keyed by digest: a header (MAGIC, a random id), then the texts'
    bytes. `index` {digest: (offset, length)} and the length written are kept by the caller (in
    the memo's pickle, with the id) and given back to `open`; bytes past that length (a build
    killed between writing here and writing the pickle) are ignored and written over."""

    def __init__(self, path: os.PathLike | str, ident: bytes, length: int, index: dict[bytes, tuple[int, int]]):
        self.path = os.fspath(path)
        self.ident = ident
        self.length = length
        self.index = index
        self._fd: int | None = None
        self._fresh = False  # made by create: the file at `path`, if any, is not this pack
        self.new: dict[bytes, bytes] = {}  # {digest: bytes} put since opened, written by flush()

    @classmethod
    def create(cls, path: os.PathLike | str) -> Pack:
        """A new empty pack (written at the first flush), with a new id."""
        pack = cls(path, secrets.token_bytes(ID_BYTES), HEAD, {})
        pack._fresh = True
        return pack

    @classmethod
    def open(cls, path: os.PathLike | str, ident: bytes, length: int,
             index: dict[bytes, tuple[int, int]]) -> Pack | None:
        """The pack at `path` if its header holds `ident` and it holds `length` bytes at least;
        else None (the memo that names it cannot be used)."""
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD)
                size = os.fstat(fh.fileno()).st_size
        except OSError:
            return None
        if head != MAGIC + ident or size < length:
            return None
        return cls(path, ident, length, index)

    def read(self, digest: bytes) -> bytes:
        """The bytes kept under `digest`, checked. Raises StaleMemo when unknown, unreadable or not
        matching their digest."""
        if digest in self.new:
            return self.new[digest]
        where = self.index.get(digest)
        if where is None:
            raise StaleMemo(f"text {digest.hex()} not in the pack")
        offset, size = where
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            raw = os.pread(self._fd, size, offset)
        except OSError as exc:
            raise StaleMemo(str(exc)) from None
        if len(raw) != size or content_digest(raw) != digest:
            raise StaleMemo(f"text {digest.hex()} changed in the pack")
        return raw

    def put(self, text: str) -> bytes:
        """Keep `text` (written at flush unless already there); returns its digest."""
        raw = text.encode("utf-8")
        digest = content_digest(raw)
        if digest not in self.index:
            self.index[digest] = (-1, len(raw))  # placed at flush
            self.new[digest] = raw
        return digest

    def put_raw(self, raw: bytes) -> bytes:
        """Keep `raw` (written at flush unless already there); returns its digest."""
        digest = content_digest(raw)
        if digest not in self.index:
            self.index[digest] = (-1, len(raw))  # placed at flush
            self.new[digest] = raw
        return digest

    def close(self) -> None:
        """Close the file read from (reopened when read again)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def flush(self, live: set[bytes]) -> None:
        """Write the texts put since opened and forget those not in `live` (the digests the memo
        about to be saved refers to). When forgotten texts outweigh the live ones (and COMPACT_MIN),
        the live ones are copied into a new pack with a new id (then `ident` changes: save it with
        the index). Raises StaleMemo if a live text cannot be read back for the copy, OSError as
        the file system does."""
        for digest in [d for d in self.index if d not in live]:
            del self.index[digest]
        self.new = {d: raw for d, raw in self.new.items() if d in live}
        live_bytes = sum(size for _, size in self.index.values())
        dead = self.length - HEAD - sum(size for (off, size) in self.index.values() if off >= 0)
        if self._fresh or dead > max(live_bytes, COMPACT_MIN) or not os.path.exists(self.path):
            self._rewrite()
            return
        if not self.new:
            return
        with open(self.path, "r+b") as fh:
            fh.seek(self.length)
            offset = self.length
            for digest, raw in self.new.items():
                fh.write(raw)
                self.index[digest] = (offset, len(raw))
                offset += len(raw)
            fh.truncate(offset)
        self.length = offset
        self.new = {}

    def _rewrite(self) -> None:
        """Every live text into a new pack file (new id) put in place of this one."""
        texts = [(d, self.read(d)) for d, (off, _) in self.index.items() if off >= 0]
        texts += self.new.items()
        self.close()
        ident = secrets.token_bytes(ID_BYTES)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        index = {}
        offset = HEAD
        with open(tmp, "wb") as fh:
            fh.write(MAGIC + ident)
            for digest, raw in texts:
                fh.write(raw)
                index[digest] = (offset, len(raw))
                offset += len(raw)
        os.replace(tmp, self.path)
        self.ident, self.length, self.index, self.new, self._fresh = ident, offset, index, {}, False


def store(record, key, pack: Pack):
    """The pickled form of TextMemo record `record` under `key`: a Stored (its texts put in `pack`)
    for the PAGE_KINDS, else the record as it is."""
    if not (isinstance(key, tuple) and key and key[0] in PAGE_KINDS):
        return record
    if isinstance(record, Stored):
        return record

    def digests(value):
        if isinstance(value, str):
            return pack.put(value)
        if isinstance(value, Blob):
            return value.digest
        if isinstance(value, dict) and all(isinstance(v, (str, Blob)) for v in value.values()):
            return {path: digests(v) for path, v in value.items()}
        return None
    if isinstance(record, tuple) and len(record) == 2 and isinstance(record[0], dict):
        shape = digests(record[0])
        return record if shape is None else Stored((shape, record[1]))
    shape = digests(record)
    return record if shape is None else Stored(shape)


def referenced(record) -> list[bytes]:
    """The digests a pickled record (store's result) refers to."""
    if not isinstance(record, Stored):
        return []
    shape = record.shape[0] if isinstance(record.shape, tuple) else record.shape
    return [shape] if isinstance(shape, bytes) else list(shape.values())


class PackRef:
    """Where the Lazy records of one loaded memo read from: `pack`, set once the memo's pack is
    opened (it is named after the records, at the end of the memo file)."""

    __slots__ = ("pack",)

    def __init__(self, pack: Pack | None = None):
        self.pack = pack


class Lazy:
    """A remembered object kept in the pack as its own pickle (RecordPickler), unpickled when one
    of its attributes is first asked for: a change reads only the records of the entries it
    touches (#10: each entry's static-index Terms were a third of the memo's pickle). `inline`
    {attribute: value} holds the attributes every build reads for every record (a Terms' field
    lengths, for the export's averages), kept in the memo's pickle and given without a read.
    Records are immutable (a frozen dataclass): a Lazy is saved again as its digest, unread.
    Reading raises StaleMemo when the bytes are not those remembered."""

    __slots__ = ("digest", "inline", "ref", "_value")

    def __init__(self, digest: bytes, inline: dict, ref: PackRef | None = None):
        self.digest = digest
        self.inline = inline
        self.ref = ref
        self._value = None

    def value(self):
        """The record, read from the pack and checked the first time. Raises StaleMemo."""
        if self._value is None:
            pack = self.ref.pack if self.ref is not None else None
            if pack is None:
                raise StaleMemo("no pack to read a remembered record from")
            try:
                self._value = pickle.loads(pack.read(self.digest))
            except StaleMemo:
                raise
            except Exception as exc:  # noqa: BLE001 - any unreadable record means the same: not the memo's
                raise StaleMemo(f"record {self.digest.hex()} unreadable: {exc!r}") from None
        return self._value

    def __getattr__(self, name: str):
        # Only called for names that are not slots: the record's attributes.
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self.inline:
            return self.inline[name]
        return getattr(self.value(), name)

    def __reduce_ex__(self, protocol):
        # Pickled other than by RecordPickler (e.g. to a forked process): the record itself.
        return self.value().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return f"Lazy({self.digest.hex()})"


def _lazy(digest: bytes, inline: dict) -> Lazy:
    """A Lazy as unpickled without a PackRef (RecordUnpickler gives one): reading it raises StaleMemo."""
    return Lazy(digest, inline)


class RecordPickler(pickle.Pickler):
    """A pickler that puts each object of the types of `kinds` ({type: names of the attributes
    kept inline}) into `pack` as its own pickle, the memo keeping a Lazy of it (its digest and
    those attributes); Lazy records are kept as they are, unread. `live`: the digests written
    so (Pack.flush's live set with the page texts')."""

    def __init__(self, fh, pack: Pack, kinds: dict[type, tuple[str, ...]]):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.pack = pack
        self.kinds = kinds
        self.live: set[bytes] = set()

    def reducer_override(self, obj):
        """The reduction of a Lazy (its digest and inline attributes, unread) or of an object of
        `kinds` (put in the pack first); NotImplemented (pickled as usual) for any other. Called
        by pickle only for objects of types other than the built-in containers and scalars."""
        kind = type(obj)
        if kind is Lazy:
            self.live.add(obj.digest)
            return _lazy, (obj.digest, obj.inline)
        names = self.kinds.get(kind)
        if names is None:
            return NotImplemented
        digest = self.pack.put_raw(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        self.live.add(digest)
        return _lazy, (digest, {n: getattr(obj, n) for n in names})


class RecordUnpickler(pickle.Unpickler):
    """Reads what RecordPickler wrote: its Lazy records read from `ref`'s pack when used."""

    def __init__(self, fh, ref: PackRef):
        super().__init__(fh)
        self.ref = ref

    def find_class(self, module: str, name: str):
        """The Lazy maker bound to this memo's PackRef for `_lazy`, else pickle's own lookup."""
        if module == __name__ and name == "_lazy":
            ref = self.ref
            return lambda digest, inline: Lazy(digest, inline, ref)
        return super().find_class(module, name)
