"""An incremental rebuild (one entry's title changed, one entry's type changed so that it enters
or leaves other entries' related lists, one moved from a theme to another, one added into split
listings, one removed that alone had a keyword) gives the same generated pages,
site and search results as a clean full build of the same entries, and rewrites only what
depends on the changes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tools.bench.synthetic import make_project, new_entry
from tools.pipeline import run
from tools.project import Project
from tools.search.engine import SearchIndex
from tools.site import pages
from tools.site.mkdocs_dirty import PAGES_PER_PASS_ENV

pytestmark = pytest.mark.e2e
# Outputs that legitimately differ between a dirty and a clean build: Material's browser search
# index (rebuilt pages only, replaced by our search API) and the gzipped sitemap (its header
# holds a time stamp; sitemap.xml itself is compared).
NOT_COMPARED = ("search/search_index.json", "sitemap.xml.gz")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.relative_to(folder).as_posix().endswith(NOT_COMPARED)}


def built(report):
    assert report.ok, [p for p in report.problems if p.severity == "error"][:3]
    return report


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    # The incremental project's builds render at most 40 pages per MkDocs pass (several passes per
    # interface, tools.site.mkdocs_dirty); the clean build below renders all in one.
    mp = pytest.MonkeyPatch()
    mp.setenv(PAGES_PER_PASS_ENV, "40")
    # Listings of more than 4 entries split into pages by title (tools.site.pages.listing_pages),
    # in both builds: the changes below move entries between those pages, add and empty some.
    split = pytest.MonkeyPatch()
    split.setattr(pages, "SPLIT_AT", 4)
    inc = Project(make_project(tmp_path_factory.mktemp("incremental"), 24, seed=5))
    entries = sorted(inc.practices.glob("*/*.fr.md"))
    # The entry removed below alone has this keyword: its removal empties the keyword's listing.
    removed = entries[5]
    removed.write_text(with_tag(removed.read_text(encoding="utf-8"), UNIQUE_TAG), encoding="utf-8")
    built(run(inc, progress=False, force=True))
    had_tag = any(UNIQUE_TAG in p.read_text(encoding="utf-8") for p in (inc.generated / "tags").rglob("*.md"))
    first_site = {p.relative_to(inc.site).as_posix(): p.stat().st_ino for p in inc.site.rglob("*.html")}
    first_pages = {p.relative_to(inc.generated).as_posix(): p.stat().st_mtime_ns
                   for p in (inc.generated / "entries").rglob("*") if p.is_file()}

    changed = entries[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Révisé ", 1),
                       encoding="utf-8")
    # An entry without translations (shared fields are checked across versions) changes type:
    # its score against every other entry changes, so related lists elsewhere change.
    alone = next(p for p in entries[6:] if len(list(p.parent.glob(p.name.split(".")[0] + ".*.md"))) == 1)
    text = alone.read_text(encoding="utf-8")
    old_type = re.search(r"^type: (\w+)$", text, re.M).group(1)
    alone.write_text(text.replace(f"\ntype: {old_type}\n", "\ntype: {}\n".format(
        "tool" if old_type != "tool" else "practice"), 1), encoding="utf-8")
    # An entry without translations moves from one theme to another: both themes' listings change.
    mover = next(p for p in entries[6:] if p != alone and len(list(p.parent.glob(p.name.split(".")[0] + ".*.md"))) == 1
                 and re.search(r"^themes:\n- ", p.read_text(encoding="utf-8"), re.M))
    text = mover.read_text(encoding="utf-8")
    themes = re.search(r"^themes:\n((?:- .*\n)+)", text, re.M)
    old_theme = themes.group(1).splitlines()[0][2:]
    new_theme = next(t for t in ("remittances", "skills", "flows", "stocks", "return-migration")
                     if f"- {t}\n" not in themes.group(1))
    mover.write_text(text.replace(themes.group(0), themes.group(0).replace(f"- {old_theme}\n", f"- {new_theme}\n", 1), 1),
                     encoding="utf-8")
    removed.unlink()
    added = new_entry(inc.root, 1)
    report = built(run(inc, progress=False))
    noop = built(run(inc, progress=False))
    # A second round starts from the spare the first one left (the site before it, brought up to
    # date by the paths that round changed): what it holds must be exactly the site.
    again = entries[8]
    # Its summary only: no page added or removed (a title moves an entry between listing pages).
    again.write_text(again.read_text(encoding="utf-8").replace("\nsummary: ", "\nsummary: Relu ", 1), encoding="utf-8")
    second = built(run(inc, progress=False))
    mp.undo()

    clean = Project(tmp_path_factory.mktemp("clean"))
    for name in ("docs", "overrides", "practices"):
        shutil.copytree(inc.root / name, clean.root / name, ignore=shutil.ignore_patterns("kb"))
    for path in [inc.config_file, *inc.root.glob("CONTRIBUTING*.md")]:
        shutil.copy(path, clean.root / path.name)
    built(run(clean, progress=False, force=True))
    split.undo()
    return {"inc": inc, "clean": clean, "report": report, "noop": noop, "second": second, "first_site": first_site,
            "first_pages": first_pages, "themes": (old_theme, new_theme), "had_tag": had_tag, "mover": mover.name.split(".")[0],
            "ids": {"changed": changed.name.split(".")[0], "removed": removed.name.split(".")[0],
                    "added": added.name.split(".")[0], "again": again.name.split(".")[0]}}


UNIQUE_TAG = "Mot-clé qzx e2e"


def with_tag(text: str, tag: str) -> str:
    """An entry's text with one more keyword."""
    if re.search(r"^tags: \[\]$", text, re.M):
        return re.sub(r"^tags: \[\]$", f"tags:\n- {tag}", text, count=1, flags=re.M)
    if re.search(r"^tags:$", text, re.M):
        return re.sub(r"^tags:$", f"tags:\n- {tag}", text, count=1, flags=re.M)
    return text.replace("\ntitle: ", f"\ntags:\n- {tag}\ntitle: ", 1)


def test_the_rebuild_was_incremental(projects):
    report = projects["report"]
    assert report.details["check"] == {"checked": 4, "cached": 20}  # the three changed files and the added one
    assert report.details["site"]["mode"] == "dirty"
    # Both rebuilds started from the spare (the full build left a copy of its site), not a whole copy.
    assert [r.details["site"]["copy"] for r in (report, projects["second"])] == ["spare", "spare"]
    assert 0 < report.details["site"]["rebuilt"] < 400
    # Pages that no change touches are the previous site's files (hard links), not rewritten.
    inc = projects["inc"]
    kept = [rel for rel, ino in projects["first_site"].items()
            if (inc.site / rel).exists() and (inc.site / rel).stat().st_ino == ino]
    assert len(kept) > len(projects["first_site"]) // 2


def test_a_rebuild_with_the_same_pages_keeps_the_previous_sitemap(projects):
    """The second round only changes a summary: each interface's sitemap is the previous site's file
    (now the spare's), not listed again; the first round added and removed pages: made again. Both
    equal a clean build's (test_site_is_that_of_a_clean_build)."""
    inc = projects["inc"]
    for lang_dir in ("", "ar/", "en/"):
        assert (inc.site / lang_dir / "sitemap.xml").stat().st_ino == (
            inc.build / "site-spare" / lang_dir / "sitemap.xml").stat().st_ino


def test_unchanged_entries_files_are_not_rewritten(projects):
    inc = projects["inc"]
    written = projects["report"].details["pages"][str(inc.generated)][0]
    entry_files = [rel for rel in written if rel.startswith("entries/")]
    written = written + projects["second"].details["pages"][str(inc.generated)][0]
    assert entry_files, written  # the changed and added entries' pages at least
    assert len(entry_files) < len(projects["first_pages"]) // 2
    now = {p.relative_to(inc.generated).as_posix(): p.stat().st_mtime_ns
           for p in (inc.generated / "entries").rglob("*") if p.is_file()}
    untouched = [rel for rel, mtime in projects["first_pages"].items() if now.get(rel) == mtime]
    assert len(untouched) == len([rel for rel in projects["first_pages"] if rel in now and rel not in written])


def test_a_rebuild_with_nothing_changed_does_nothing(projects):
    timings = projects["noop"].timings
    assert [timings[stage] for stage in ("pages", "index", "site")] == ["up to date"] * 3


def test_generated_pages_are_those_of_a_clean_build(projects):
    inc, clean = projects["inc"], projects["clean"]
    assert tree(inc.generated) == tree(clean.generated)
    for lang in ("ar", "en"):
        assert tree(inc.build / "i18n" / lang) == tree(clean.build / "i18n" / lang)


def test_a_theme_move_and_an_emptied_keyword_are_those_of_a_clean_build(projects):
    """The moved entry is listed under its new theme and no longer under its old one, and the
    keyword only the removed entry had has no page left (an emptied listing), as in a clean build
    (test_generated_pages_are_those_of_a_clean_build compares every page)."""
    inc = projects["inc"]
    old, new = projects["themes"]
    mover = projects["mover"]

    def listed_under(theme: str) -> bool:
        folder = inc.generated / "themes"
        pages_of = [folder / f"{theme}.md", *(folder / theme).rglob("*.md")]
        return any(f"entries/{mover}/" in p.read_text(encoding="utf-8") for p in pages_of if p.exists())
    assert listed_under(new) and not listed_under(old)
    tags = "\n".join(p.read_text(encoding="utf-8") for p in (inc.generated / "tags").rglob("*.md"))
    assert projects["had_tag"] and UNIQUE_TAG not in tags


def test_split_listings_are_built_and_compared(projects):
    inc = projects["inc"]
    assert len(list((inc.generated / "all").glob("*.md"))) > 3  # kb/index.md's pages by title
    for lang_dir in ("", "ar/", "en/"):
        assert (inc.site / lang_dir / "kb" / "all").is_dir()


def test_site_is_that_of_a_clean_build(projects):
    inc, clean = projects["inc"], projects["clean"]
    a, b = tree(inc.site), tree(clean.site)
    assert sorted(a) == sorted(b)
    assert [rel for rel in a if a[rel] != b[rel]] == []
    ids = projects["ids"]
    assert not any(rel.startswith(f"{d}kb/entries/{ids['removed']}/fr/") for rel in a for d in ("", "ar/", "en/"))
    for lang_dir in ("", "ar/", "en/"):
        assert f"{lang_dir}kb/entries/{ids['added']}/fr/index.html" in a
        assert "Révisé".encode() in a[f"{lang_dir}kb/entries/{ids['changed']}/fr/index.html"]
        assert b"Relu" in a[f"{lang_dir}kb/entries/{ids['again']}/fr/index.html"]


def test_the_spare_holds_the_previous_site(projects):
    """The spare left by the last rebuild is the site before it: the same paths, all but the
    rebuilt ones hard links of the site's files (so it costs no room and no copy)."""
    inc = projects["inc"]
    spare = inc.build / "site-spare"
    site_files = {p.relative_to(inc.site).as_posix(): p.stat().st_ino for p in inc.site.rglob("*") if p.is_file()}
    spare_files = {p.relative_to(spare).as_posix(): p.stat().st_ino for p in spare.rglob("*") if p.is_file()}
    changed = f"kb/entries/{projects['ids']['again']}/fr/index.html"
    assert changed in spare_files and b"Relu" not in (spare / changed).read_bytes()
    # A title changed can move its entry into a page by title that did not exist before (split
    # listings): such paths are in the spare's record of what differs, which the next build
    # links again from the site or removes.
    delta = set(json.loads((inc.build / "site-spare.json").read_text(encoding="utf-8"))["delta"])
    assert set(site_files) ^ set(spare_files) <= delta
    shared = [rel for rel in site_files if rel in spare_files and site_files[rel] == spare_files[rel]]
    assert len(shared) > len(site_files) * 0.8
    assert changed not in shared


def test_search_answers_as_a_clean_build(projects):
    inc, clean = SearchIndex(projects["inc"].index), SearchIndex(projects["clean"].index)
    ids = projects["ids"]
    queries = ["Révisé", "migration", "emploi travail", "données", ids["added"], "NOT emploi", "migr*",
               "enquête AND ménages"]
    for q in queries:
        mine, theirs = inc.search(q, page_size=50), clean.search(q, page_size=50)
        # The same answer: entries, versions, order, facets, expansions, and scores to float
        # rounding (scores read the live documents' statistics, not Whoosh's, which count the
        # replaced and removed documents until their segment is merged).
        assert mine["total"] > 0, q
        assert [r.pop("score") for r in mine["results"]] == pytest.approx([r.pop("score") for r in theirs["results"]],
                                                                           rel=1e-9), q
        assert mine == theirs, q
    assert ids["changed"] in [r["id"] for r in inc.search("Révisé")["results"]]
    removed = inc.entry(ids["removed"])  # its French file is gone; translations may remain
    assert removed is None or "fr" not in [v["lang"] for v in removed["versions"]]
    assert removed == clean.entry(ids["removed"])
    assert [v["lang"] for v in inc.entry(ids["added"])["versions"]] == ["fr"]
