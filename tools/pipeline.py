"""The build pipeline: practices/*.md → load and validate → entries → generated pages and exports →
search index → MkDocs builds → site/.

Each stage is skipped when the digest of its inputs (tools.stamps) equals the one recorded after
its last run, and each replaces its output directory atomically.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import partial

from tools import stamps
from tools.content.cached import load_collection
from tools.content.model import Entry
from tools.content.problems import Problem, errors
from tools.content.vocab import Vocabularies
from tools.errors import BuildError
from tools.forked import Forked, can_fork
from tools.fsutil import Busy, build_lock, clean_stale, swap_dir, temp_dir_beside, write_atomic
from tools.memory import release_memory
from tools.project import Project, Settings
from tools.search.engine import build_search_index
from tools.search.index import MULTIPROC_MIN_DOCS, WrittenForms
from tools.site import languages
from tools.site.generate import generate_docs, guide_files
from tools.site.mkdocs import build_site, spare_dir

__all__ = ["BuildError", "Project", "Report", "run"]

CHECK_CACHE = "check-cache.pickle"
PAGES_MEMO = "pages-memo.pickle"  # tools.site.generate.EntryMemo
# Entry versions below which the search index is written beside the pages stage, in a forked
# process (_stages): the collections whose index one process writes (MULTIPROC_MIN_DOCS).
INDEX_BESIDE_PAGES_UNDER = MULTIPROC_MIN_DOCS
DOCS_STAMP = "docs"  # stamps key: tools.stamps.tree_print of the generated docs trees after the pages stage


@dataclass
class Report:
    """What a run did.

    entries: the valid entries (one per file, i.e. per language version).
    problems: every problem found, errors and warnings.
    files: number of entry files read.
    timings: {stage: seconds (float) or "up to date"}.
    """

    entries: list[Entry]
    problems: list[Problem]
    files: int
    timings: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)  # {stage: what it reported (files written, mode...)}

    @property
    def ok(self) -> bool:
        """True when no problem has severity ERROR (warnings do not count). A run whose check is not ok
        stops there: no stage after the check runs, nothing is written."""
        return not errors(self.problems)

    def refusal(self) -> str:
        """The line that ends a refused build (content errors): nothing was written."""
        n = len(errors(self.problems))
        return (f"Build refused: {n} error{'s' if n != 1 else ''} above. The site (site/), the generated pages "
                "and the search index were left unchanged; fix the errors and run the build again.")

    def line(self) -> str:
        """One summary line: entries (ids), language versions, files, and each stage's time."""
        langs: dict[str, int] = {}
        for e in self.entries:
            langs[e.lang] = langs.get(e.lang, 0) + 1
        ids = len({e.id for e in self.entries})
        beside = isinstance(self.details.get("index"), dict) and self.details["index"].get("beside_pages")
        stages = ", ".join((f"{k} {v:.1f} s" if isinstance(v, float) else f"{k} {v}")
                           + (" (written beside the pages)" if k == "index" and beside else "")
                           for k, v in self.timings.items())
        by_lang = ", ".join(f"{n} {lang}" for lang, n in sorted(langs.items()))
        return f"Built {ids} entries (language versions: {by_lang}) from {self.files} files: {stages}."


def run(project: Project | None = None, *, site: bool = True, force: bool = False, strict: bool = True,
        progress: bool = True, settings: Settings | None = None, workers: int | None = None,
        vocabs: Vocabularies | None = None) -> Report:
    """Check the entries, then run each stage whose inputs changed (all of them with force).

    The check reuses the results of files unchanged since the last run (build/check-cache.pickle);
    pages are written only where their bytes change; the site is rebuilt page by page from a
    hard-linked copy of the previous one unless its configuration changed (or with force).
    `workers`: processes for checking uncached files (default: the CPU count). `vocabs`: the
    vocabularies, glossary and interface strings for the whole run (default: the project's, read now).
    Returns the Report; with content errors no stage runs. Raises BuildError if a stage fails
    (the previous outputs are then left as they were).
    """
    project = project or Project()
    settings = settings or Settings.load(project)
    vocabs = vocabs or project.vocabularies()  # read once for the whole run, handed to every stage
    started = time.perf_counter()
    cache = project.build / CHECK_CACHE
    if force:
        cache.unlink(missing_ok=True)
    checked: dict = {}
    entries, problems, files = load_collection(project.practices, project.root, cache=cache, workers=workers,
                                               stats=checked, vocabs=vocabs)
    entries_key = checked.pop("collection_key", None)
    report = Report(entries, problems, files)
    report.timings["check"] = time.perf_counter() - started
    report.details["check"] = checked
    if not report.ok:
        return report
    try:
        with build_lock(project.build / LOCK_NAME):
            _stages(project, settings, entries, report, site=site, force=force, strict=strict, progress=progress,
                    vocabs=vocabs, entries_key=entries_key)
    except Busy as exc:
        raise BuildError(f"{exc}: wait for it to finish, then build again") from None
    report.timings["total"] = time.perf_counter() - started
    return report


LOCK_NAME = ".build.lock"


def outputs(project: Project) -> list:
    """Every folder a build replaces whole (each beside its temporary copies). The offline build's
    folder is not one: it is made outside the lock, after run() returns."""
    trees = [languages.tree(project.root, lang) for lang in languages.OTHER_LANGS]
    return [project.generated, *trees, project.index, project.site, spare_dir(project)]


def _stages(project: Project, settings: Settings, entries: list[Entry], report: Report, *, site: bool,
            force: bool, strict: bool, progress: bool, vocabs: Vocabularies | None = None,
            entries_key: str | None = None) -> None:
    """The stages, run while holding the build lock: first the leftovers of killed builds go.
    `entries_key`: the check's digest of the entry files (stamps.stage_inputs)."""
    clean_stale(outputs(project))
    recorded = stamps.load(project)
    inputs = stamps.stage_inputs(project, settings, guide_files(project.root), entries_key)

    def due(name: str, outputs: list, key: str, fresh: bool = True) -> bool:
        return force or not fresh or recorded.get(name) != key or not all(o.exists() for o in outputs)

    def stage(name: str, outputs: list, key: str, action, after=None, fresh: bool = True) -> None:
        if not due(name, outputs, key, fresh):
            report.timings[name] = "up to date"
            return
        t0 = time.perf_counter()
        report.details[name] = action()
        # The stage's working data (generated texts, the pages memo, index documents) is garbage
        # now: handed back before the next stage, whose processes (the index's sub-writers and
        # its forked derivations, MkDocs) count beside this one in the build's peak (#10).
        release_memory()
        recorded[name] = key
        if after is not None:
            after()
        write_atomic(project.stamps, json.dumps(recorded, indent=1))
        report.timings[name] = time.perf_counter() - t0

    trees = [languages.tree(project.root, lang) for lang in languages.OTHER_LANGS]
    docs = [project.generated, *trees]
    # The generated docs trees as they are now (paths, sizes, modification times). Other writers
    # than this stage change them (the live preview regenerates them on each save): the pages
    # stage is up to date only if they are as it left them, and the site only if it was built
    # from them as they are (not "the pages stage wrote nothing this run").
    listing = stamps.TreeListing(*docs, base=project.root)
    docs_print = listing.print()
    docs_as_left = recorded.get(DOCS_STAMP) == docs_print
    memo = project.build / PAGES_MEMO
    if force or not docs_as_left:
        # The memo lets unchanged entries' files stand unread: not when someone else wrote them.
        memo.unlink(missing_ok=True)

    def record_docs() -> None:
        nonlocal docs_print, listing
        changes = report.details.get("pages")
        if isinstance(changes, dict) and set(changes) == {str(d) for d in docs}:
            # The stage reports every file it wrote and removed: restat those, not every file.
            for root, (written, removed) in changes.items():
                listing.update(root, written, removed)
            docs_print = listing.print()
        else:
            listing = stamps.TreeListing(*docs, base=project.root)
            docs_print = listing.print()
        recorded[DOCS_STAMP] = docs_print

    # The written forms of the entries' words, made by the pages stage's static search export and
    # indexed with each document: made once (#10); by the index's own process when it is written
    # beside the pages (below).
    written = WrittenForms()

    def index(into=None) -> dict:
        return build_search_index(entries, project.index, progress=progress, engine=inputs["engine"], full=force,
                                  vocabs=vocabs, written=None if into is not None else written, into=into)
    beside = None
    if (len(entries) < INDEX_BESIDE_PAGES_UNDER and can_fork() and due("index", [project.index], inputs["index"])
            and due("pages", docs, inputs["pages"], docs_as_left)):
        # A small collection's index is written by one process, after the pages stage, while the
        # other processor idles (at 100 files a third of the build's own time, #10): it is written
        # beside the pages instead, by a forked process that makes the entries' written forms
        # itself, into a folder swapped in only once the pages are written.
        into = temp_dir_beside(project.index)
        beside = Forked(partial(index, into), scratch=project.build, name="search-index")
    try:
        # pages_context covers tools/data/ (vocabularies, glossary, interface strings), so the memo of
        # unchanged entries' files is dropped when `vocabs` can differ from the last build's.
        stage("pages", docs, inputs["pages"],
              lambda: generate_docs(entries, project, settings, vocabs, memo=memo, context=inputs["pages_context"],
                                    written=written),
              after=record_docs, fresh=docs_as_left)
    except BaseException:
        if beside is not None:
            beside.abandon()
            # `into` and the folder the stopped process was writing (fsutil.temp_dir_beside).
            clean_stale([project.index])
        raise

    def index_beside_pages() -> dict:
        try:
            info = beside.result()
        except BaseException:
            clean_stale([project.index])
            raise
        if (into / "BUILD.json").exists():
            swap_dir(into, project.index)
        # What is left: `into` when nothing changed, a dead process's folder when it was written here.
        clean_stale([project.index])
        return info | {"beside_pages": not beside.ran_here}
    stage("index", [project.index], inputs["index"], index_beside_pages if beside is not None else index)
    written.packed.clear()
    if site:
        config = stamps.site_config(project, settings)
        # What the site is built from: its configuration, the hand-written pages and the generated
        # docs trees (their print after the pages stage; a pages stage that wrote nothing leaves it
        # unchanged, so the site stays up to date).
        key = f"{config}:{stamps.handwritten_docs(project)}:{docs_print}"
        incremental = not force and str(recorded.get("site", "")).startswith(config + ":")
        stage("site", [project.site], key,
              lambda: build_site(project, settings, strict=strict, progress=progress, incremental=incremental,
                                 vocabs=vocabs, known=listing.lines))
