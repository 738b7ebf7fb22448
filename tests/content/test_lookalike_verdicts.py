"""Look-alike verdicts kept between checks (duplicate_warnings' `verdicts`): after a change only
the candidate pairs with a changed file are compared again, and the warnings are those of a
check from scratch."""

from __future__ import annotations

import dataclasses

from tools.content import validate
from tools.content.loader import entry_files, load_file
from tools.project import ROOT


def copies():
    """Shipped entries (the first 60) and a near copy of ten of them: pairs that warn."""
    raws = [load_file(p, str(p.relative_to(ROOT))) for p in sorted(entry_files(ROOT / "practices"))[:60]]
    for n, r in enumerate(list(raws[:10])):
        meta = {**r.meta, "title": r.meta["title"] + " bis"}
        raws.append(dataclasses.replace(r, path=r.path.replace(r.slug, f"{r.slug}-copy{n}"),
                                        slug=f"{r.slug}-copy{n}", meta=meta))
    return raws


def key_of(r):
    return (r.path, repr(r.meta))  # changes whenever the file's fields do


def counting(monkeypatch) -> list:
    compared = []
    similar = validate._similar

    def spy(a, b):
        compared.append((a, b))
        return similar(a, b)
    monkeypatch.setattr(validate, "_similar", spy)
    return compared


def test_only_the_changed_files_pairs_are_compared_again(monkeypatch):
    raws = copies()
    compared = counting(monkeypatch)
    verdicts: dict = {}
    first = validate.duplicate_warnings(raws, None, [key_of(r) for r in raws], verdicts)
    assert first and verdicts and compared
    compared.clear()
    again = validate.duplicate_warnings(raws, None, [key_of(r) for r in raws], verdicts)
    assert again == first and compared == []  # nothing changed: nothing compared
    # The first copy's title changes a little: it stays a candidate, and its pairs alone are judged again.
    changed = raws[60]
    title = changed.meta["title"] + " (révisé)"
    raws[60] = dataclasses.replace(changed, meta={**changed.meta, "title": title})
    after = validate.duplicate_warnings(raws, None, [key_of(r) for r in raws], verdicts)
    assert compared and all(title in (a, b) or changed.meta["summary"] in (a, b) for a, b in compared)
    assert sorted(after) == sorted(validate.duplicate_warnings(raws))  # as a check from scratch
    # Then it becomes something else entirely: no longer a look-alike, as from scratch.
    raws[60] = dataclasses.replace(changed, meta={**changed.meta, "title": "Tout autre chose, sans rapport",
                                                  "summary": "Un résumé sans rapport aucun avec les autres"})
    after = validate.duplicate_warnings(raws, None, [key_of(r) for r in raws], verdicts)
    assert sorted(after) == sorted(validate.duplicate_warnings(raws))
    assert not [p for p in after if raws[60].path in p.path]


def test_verdicts_keep_only_the_current_candidates():
    raws = copies()
    verdicts: dict = {}
    validate.duplicate_warnings(raws, None, [key_of(r) for r in raws], verdicts)
    removed = raws.pop(61)
    validate.duplicate_warnings(raws, None, [key_of(r) for r in raws], verdicts)
    assert verdicts and not [pair for pair in verdicts if key_of(removed) in pair]


def test_pairs_judged_in_other_processes_give_the_same_warnings_and_verdicts(monkeypatch):
    """The check hands duplicate_warnings a judge that splits the pairs between processes
    (cached._judge, #10): called once, with the pairs not judged before, it gives the same
    warnings and verdicts as judging them here."""
    from tools.content import cached

    raws = copies()
    keys = [key_of(r) for r in raws]
    here: dict = {}
    expected = validate.duplicate_warnings(raws, None, keys, here)
    monkeypatch.setattr(cached, "POOL_MIN_PAIRS", 1)
    calls = []

    def judge(texts):
        calls.append(len(texts))
        return cached._judge(texts, 2, None)
    there: dict = {}
    assert validate.duplicate_warnings(raws, None, keys, there, judge=judge) == expected
    assert list(there.items()) == list(here.items()) and calls == [len(here)] and len(here) > 10
    raws[60] = dataclasses.replace(raws[60], meta={**raws[60].meta, "title": raws[60].meta["title"] + " (révisé)"})
    keys[60] = key_of(raws[60])
    assert validate.duplicate_warnings(raws, None, keys, there, judge=judge) == validate.duplicate_warnings(raws)
    assert 0 < calls[-1] < len(here)  # only the changed file's pairs
