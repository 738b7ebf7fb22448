"""Pages of bounded size for lists that grow with the collection (tools.site.pages.listing_pages,
the keywords' index, tools.site.harmonisation's country pages): items filed by the start of their
folded name, a group larger than a page split again by one more letter.

The groups are a function of the items alone (a clean and an incremental build agree) and an item's
group does not shift when another is added, so a change rewrites the pages of its groups only. A
group that shares its first MAX_DEPTH letters with more items than a page holds is cut into
numbered parts whose ends are chosen by the items themselves (cut), so that one item added does
not shift every part after it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from tools.search.analysis import normalize

MAX_DEPTH = 4  # letters of a name a group is keyed by before it is cut into numbered parts


class Folding:
    """normalize() of names (titles, tags, instruments' names), remembered: each is folded once per
    process, and a build hands the folds it used to the next one (tools.site.generate keeps them
    in the pages memo, whose context covers this code), so that a fresh process does not fold
    every title of the collection again for one change (~45 µs a title; 1.4 s of a change at
    3,000 entries, #10). At most LIMIT names are held: past it the table starts again."""

    LIMIT = 300_000

    def __init__(self) -> None:
        self.table: dict[str, str] = {}  # folds used since begin()
        self.known: dict[str, str] = {}  # folds of earlier builds, not (yet) used by this one

    def __call__(self, text: str) -> str:
        folded = self.table.get(text)
        if folded is None:
            folded = self.known.get(text)
            if folded is None:
                folded = normalize(text)
            if len(self.table) >= self.LIMIT:
                self.table.clear()
            self.table[text] = folded
        return folded

    def begin(self, known: dict | None = None) -> None:
        """Start a build: the folds used so far and `known` ({text: normalize(text)}, made by the
        same code: an earlier build's `used()`) are taken as known; `used()` then returns only
        the folds asked for from now on."""
        self.known = self.table if len(self.table) + len(known or ()) < self.LIMIT else {}
        self.known.update(known or {})
        self.table = {}

    def used(self) -> dict[str, str]:
        """{text: folded} of the texts folded since begin()."""
        return self.table


fold = Folding()  # names are filed and sorted in every build and interface
_fold = fold

_LEADING = re.compile(r"^[\W_]+")


def filing_text(title: str) -> str:
    """A title as it is filed: folded, without leading punctuation ('« Enquête' under 'e')."""
    folded = _fold(title)
    return _LEADING.sub("", folded) or folded


def key_name(prefix: str) -> str:
    """A file name for a folded title prefix: letters and digits kept (Arabic included), any other
    character as '_' and its code point in hex, so two prefixes never share a name ('l'' → 'l_27')."""
    return "".join(c if c.isalnum() else f"_{ord(c):x}" for c in prefix) or "_"


@dataclass
class Group:
    """One sub-page of a split list: `label` as shown, `name` its file name (key_name; numbered
    parts add '-<n>'), `members` its items in list order, `children` its own groups (empty: the
    page lists its members)."""

    label: str
    name: str
    members: list
    children: list = field(default_factory=list)


def group_by_prefix(rows: list[tuple[str, object]], depth: int, limit: int) -> list[Group]:
    """rows: (filing_text of the name, item) in list order → Groups by the first `depth` letters,
    each larger than `limit` grouped again by one more letter (a level that would give a single
    group is skipped), or past MAX_DEPTH cut into numbered parts of `limit` items."""
    buckets: dict[str, list[tuple[str, object]]] = {}
    for row in rows:
        buckets.setdefault(row[0][:depth], []).append(row)
    out = []
    for prefix, bucket in buckets.items():
        label = prefix.strip().upper() or "#"
        group = Group(label, key_name(prefix), [e for _, e in bucket])
        if len(bucket) > limit:
            sub, d = [], depth
            while d < MAX_DEPTH:
                d += 1
                sub = group_by_prefix(bucket, d, limit) if len({folded[:d] for folded, _ in bucket}) > 1 else []
                if sub:
                    break
            group.children = sub or [Group(f"{label} {n}", f"{group.name}-{n}", part)
                                     for n, part in enumerate(cut(bucket, limit), 1)]
        out.append(group)
    return out


def _closes(row: tuple[str, object], limit: int) -> bool:
    """Whether `row` (filing text, item) ends a run of numbered parts (cut): a hash of the item's
    own name (an entry's id, a page's path; else its filing text) falls on one value in `limit`."""
    item = row[1]
    name = getattr(item, "id", None) or (item if isinstance(item, str) else row[0])
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % max(limit, 1) == 0


def cut(rows: list[tuple[str, object]], limit: int) -> list[list]:
    """The items of `rows` (group_by_prefix's, in list order) in numbered parts of at most `limit`:
    the list is first cut after each item that closes a run (_closes: a function of the item
    alone, on average one in `limit`), then a run longer than `limit` is cut into the fewest
    parts of at most `limit`, of even sizes (parts hold about 0.6 x `limit` items on average).
    So where a part ends does not depend on the items before it: an item added or removed
    changes its own run's parts alone, and the parts after it keep their numbers and entries
    unless the number of parts changes (the item closes a run, or its run's length crosses a
    multiple of `limit`: about 1.6 adds or removes in `limit`), when they move up or down by one."""
    runs: list[list] = [[]]
    for row in rows:
        runs[-1].append(row[1])
        if _closes(row, limit):
            runs.append([])
    parts: list[list] = []
    for run in runs:
        pieces = -(-len(run) // limit)
        for i in range(pieces):
            parts.append(run[i * len(run) // pieces:(i + 1) * len(run) // pieces])
    return parts


def walk(groups: list[Group], parent: str | None = None):
    """(group, parent group name or None) for every group of the tree, parents first."""
    for g in groups:
        yield g, parent
        yield from walk(g.children, g.name)
