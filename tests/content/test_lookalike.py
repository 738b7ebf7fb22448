"""The look-alike warning (MinHash LSH candidates, exact ratio) against the pairwise reference
it replaced, on the shipped entries and on near-copies of them."""

from __future__ import annotations

import dataclasses
import difflib
import functools

import numpy as np
import pytest

from tools.content.loader import entry_files, load_file
from tools.content.problems import WARNING, Problem
from tools.content.validate import duplicate_warnings
from tools.project import ROOT
from tools.search.analysis import normalize

# Brute force (difflib on every pair) over the shipped entries and copies of them (~3 s): with the
# end-to-end tests (`make test`), not `make test-fast`; tests/content/test_validate.py keeps the
# warning's own cases among the unit tests.
pytestmark = pytest.mark.e2e

# Both tests compare the shipped pairs: remembered, each ratio is computed once per run.
@functools.cache
def similar(a, b):
    return difflib.SequenceMatcher(None, normalize(a), normalize(b)).ratio()


def pairwise_reference(raws):
    """The former implementation: every pair of each (language, countries) group, by difflib."""

    groups = {}
    for r in raws:
        m = r.meta
        if r.slug and isinstance(m.get("title"), str) and isinstance(m.get("countries"), list):
            groups.setdefault((r.lang_suffix, tuple(sorted(map(str, m["countries"])))), []).append(r)
    problems = []
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.slug == b.slug:
                    continue
                title = similar(a.meta["title"], b.meta["title"])
                summary = similar(str(a.meta.get("summary", "")), str(b.meta.get("summary", "")))
                if title >= 0.9 or summary >= 0.85:
                    what = "title" if title >= 0.9 else "summary"
                    for x, y in ((a, b), (b, a)):
                        problems.append(Problem(x.path, x.line(what), what, f"looks like {y.path}",
                                                "if it is the same thing, improve that entry instead", WARNING))
    return problems


@pytest.fixture(scope="module")
def shipped():
    return [load_file(p, str(p.relative_to(ROOT))) for p in entry_files(ROOT / "practices")]


def near_copy(raw, n, *, title=None, summary=None):
    meta = dict(raw.meta)
    if title is not None:
        meta["title"] = title
    if summary is not None:
        meta["summary"] = summary
    return dataclasses.replace(raw, path=raw.path.replace(raw.slug, f"{raw.slug}-copy{n}"),
                               slug=f"{raw.slug}-copy{n}", meta=meta)


def test_shipped_entries_warn_exactly_as_the_pairwise_reference(shipped):
    assert len(shipped) > 100
    assert sorted(duplicate_warnings(shipped)) == sorted(pairwise_reference(shipped))


def test_near_copies_of_shipped_entries_warn_like_the_reference(shipped):
    originals = [r for r in shipped if isinstance(r.meta.get("summary"), str)][:60]
    copies = []
    for n, r in enumerate(originals):
        kind = n % 3
        if kind == 0:  # same summary, title reworded at the end
            copies.append(near_copy(r, n, title=r.meta["title"] + " (2e édition)"))
        elif kind == 1:  # title replaced, summary with a sentence added
            copies.append(near_copy(r, n, title=f"Autre fiche numéro {n}", summary=r.meta["summary"] + " Mise à jour."))
        else:  # both rewritten (reversed letters): must not warn
            copies.append(near_copy(r, n, title=r.meta["title"][::-1], summary=r.meta["summary"][::-1]))
    raws = shipped + copies
    found = duplicate_warnings(raws)
    assert sorted(found) == sorted(pairwise_reference(raws))
    warned = {p.path for p in found}
    assert {c.path for i, c in enumerate(copies) if i % 3 < 2} <= warned
    assert not {c.path for i, c in enumerate(copies) if i % 3 == 2} & warned


def test_band_pairs_are_datasketch_lsh_candidates(shipped):
    """The dict-per-band candidates are those of datasketch's MinHashLSH with the same bands, on
    the shipped entries' title and summary signatures (near copies added, so that pairs exist)."""
    from datasketch import MinHash, MinHashLSH

    from tools.content.validate import LSH_BANDS, _band_pairs, lookalike_signatures

    raws = shipped + [near_copy(r, n, title=r.meta["title"] + " bis") for n, r in enumerate(shipped[:30])]
    signatures = [s for s in lookalike_signatures(raws) if s is not None]
    assert len(signatures) > 100
    for column, name in enumerate(("title", "summary")):
        b, r = LSH_BANDS[name]
        lsh = MinHashLSH(num_perm=b * r, params=(b, r))
        fresh = MinHash(num_perm=b * r)  # the scheme and width of the signatures' hash values
        expected = set()
        for i, sig in enumerate(signatures):
            h = MinHash(num_perm=b * r, hashvalues=np.frombuffer(sig[column], dtype=fresh.hashvalues.dtype),
                        scheme=fresh.scheme)
            expected.update((j, i) for j in lsh.query(h))
            lsh.insert(i, h)
        assert expected  # the near copies meet their originals
        assert _band_pairs([sig[column] for sig in signatures], (b, r)) == expected


def test_kept_signatures_give_the_same_warnings(shipped):
    """duplicate_warnings with signatures computed earlier (as the check cache keeps them) warns as
    when it computes them itself."""
    from tools.content.validate import lookalike_signatures

    raws = shipped + [near_copy(r, n, title=r.meta["title"] + " bis") for n, r in enumerate(shipped[:30])]
    kept = lookalike_signatures(raws)
    found = duplicate_warnings(raws, kept)
    assert found and sorted(found) == sorted(duplicate_warnings(raws))
