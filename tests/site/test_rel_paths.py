"""pages.rel computes relative links itself for plain paths: the answer of posixpath.relpath."""

from __future__ import annotations

import itertools
import posixpath
import random

from tools.site import pages

PARTS = ["kb", "entries", "x", "fr.md", "countries", "ma.md", "tags", "index.md", "..", ".", ""]


def _reference(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source))


def test_rel_is_relpath_for_generated_paths():
    cases = [("kb/entries/x/fr.md", "kb/countries/ma.md"), ("kb/index.md", "kb/index.md"),
             ("index.md", "kb/tags/a.md"), ("kb/entries/x/fr.md", "kb/entries/x/ar.md"),
             ("kb/entries/x/fr.md", "kb/entries/x"), ("kb/a.md", "other/b.md")]
    for source, target in cases:
        assert pages.rel(source, target) == _reference(source, target), (source, target)
    assert pages.rel("kb/entries/x/fr.md", "kb/countries/ma.md") == "../../countries/ma.md"


def test_rel_is_relpath_for_any_path_it_is_given():
    rng = random.Random(4)
    paths = {"/".join(p) for n in range(1, 4) for p in itertools.product(PARTS, repeat=n)}
    paths |= {"/" + p for p in list(paths)[:200]}
    paths = sorted(paths)
    checked = 0
    for source, target in ((rng.choice(paths), rng.choice(paths)) for _ in range(20_000)):
        try:
            expected = _reference(source, target)
        except ValueError:
            continue
        assert pages.rel(source, target) == expected, (source, target)
        checked += 1
    assert checked > 15_000
