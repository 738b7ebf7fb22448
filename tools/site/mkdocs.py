"""The one way this project runs MkDocs: as a subprocess, so that page generation never depends on
MkDocs' plugin internals (MkDocs 1.x is unmaintained; Material reaches end of life in May 2027)."""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from tools import i18n
from tools.content.vocab import Vocabularies
from tools.errors import BuildError
from tools.fsutil import discard_later, swap_dir, temp_dir_beside, write_atomic
from tools.project import HOOKS_ENV, ROOT, Project, Settings
from tools.site import languages
from tools.site.mkdocs_dirty import PAGES_PER_PASS_ENV, dirty_build
from tools.site.mkdocs_hooks import CHANGED_ONLY_ENV, JINJA_CACHE_ENV, OVERLAYS_ENV, PRUNE_ENV, SITEMAPS, walk_key
from tools.subprocesses import die_with_parent, with_code_path

__all__ = ["build_site", "die_with_parent", "dirty_build", "run_dirty", "run_mkdocs", "serve_mkdocs"]

ENV = {"NO_MKDOCS_2_WARNING": "1"}  # MkDocs 1.6 prints a banner about 2.0 on every run otherwise
TAIL_LINES = 30
JINJA_CACHE = "jinja-cache"  # under build/: the theme's compiled templates (mkdocs_hooks.on_env)
# Pages rendered per MkDocs build pass (tools.site.mkdocs_dirty): MkDocs holds every rendered page's
# HTML until its build ends, so a full build of 10,000 entries (some 40,000 pages per interface)
# is made in a few passes (each pass costs about one one-change rebuild); KB_PAGES_PER_PASS in the
# environment overrides it. Measured on one pass of the 10,000-entry synthetic project (16,166
# pages per interface, French and Arabic alike): peak resident memory about 160 MB + 34 kB per page
# rendered (2,500: 249 MB, 5,000: 326 MB, 10,000: 494 MB) and CPU about 14 s + 18 ms per page; two
# such processes run at once, so halving the pass saves some 330 MB for about 28 s more CPU per
# interface.
PAGES_PER_PASS = 10000


def mkdocs_env() -> dict[str, str]:
    """The environment every MkDocs subprocess runs with: os.environ plus ENV, the hooks' path, and
    the code's root on PYTHONPATH (the hooks import tools.*, also when building a copy elsewhere)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, **ENV, **HOOKS_ENV, "PYTHONPATH": path}


def run_mkdocs(config: Path, site_dir: Path, *, cwd: Path, strict: bool = True, clean: bool = True) -> None:
    """`mkdocs build` of one config into site_dir; with clean=False only pages whose source is
    newer than their output are rendered (MkDocs' --dirty, see dirty_build).

    Raises BuildError with the last TAIL_LINES lines of MkDocs' output when it fails.
    """
    if not clean:
        run_dirty([(config, site_dir)], cwd=cwd, strict=strict)
        return
    cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir), "--config-file", str(config),
           "--clean"]
    if strict:
        cmd.append("--strict")
    _run(cmd, cwd, config.name)


def run_dirty(builds: list[tuple[Path, Path]], *, cwd: Path, strict: bool = True, overlays: Path | None = None) -> None:
    """MkDocs' --dirty build of each (config, site folder), in order, in one subprocess (MkDocs and
    the theme imported once; tools.site.mkdocs_dirty): only pages whose source is newer than their
    output (or without output) are rendered, and MkDocs is handed only those files (the hooks'
    changed_only: KB_CHANGED_ONLY). The theme's compiled templates are kept in
    build/jinja-cache/ under `cwd` (the project root) between builds. `overlays`: the file
    describing the configs whose docs_dir is an overlay of changed sources (the hooks' OVERLAYS_ENV).

    Raises BuildError with the last TAIL_LINES lines of MkDocs' output when one fails (the
    builds after it are not run)."""
    cmd = [sys.executable, "-m", "tools.site.mkdocs_dirty"] + (["--strict"] if strict else [])
    for config, site_dir in builds:
        cmd += [str(config), str(site_dir)]
    _run(cmd, cwd, "+".join(config.name for config, _ in builds),
         {JINJA_CACHE_ENV: str(Path(cwd) / "build" / JINJA_CACHE), CHANGED_ONLY_ENV: "1",
          PAGES_PER_PASS_ENV: os.environ.get(PAGES_PER_PASS_ENV) or str(PAGES_PER_PASS),
          **({OVERLAYS_ENV: str(overlays)} if overlays is not None else {})})


def _run(cmd: list[str], cwd: Path, name: str, extra: dict | None = None) -> None:
    # The project's code must be importable from the project copy's folder (cwd).
    env = with_code_path({**mkdocs_env(), **(extra or {})})
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, preexec_fn=die_with_parent())
    if done.returncode != 0:
        lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
        raise BuildError(f"mkdocs build failed ({name}):\n" + "\n".join(lines[-TAIL_LINES:]))


def serve_mkdocs(host: str, port: int, *, cwd: Path, config: Path | None = None,
                 tmp: Path | None = None) -> subprocess.Popen:
    """MkDocs' development server (live reload, --dirty) on host:port, as a child process, of
    `config` (None: cwd's mkdocs.yml). Its dirty rebuilds keep built pages whose source is gone:
    the hooks remove those of generated pages after each build (mkdocs_hooks.PRUNE_ENV). `tmp`:
    the folder for the site it builds (TMPDIR; None: the system's), which MkDocs removes only
    when stopped by Ctrl-C, not when terminated: the caller cleans it."""
    extra = ["--config-file", str(config)] if config is not None else []
    env = {**mkdocs_env(), PRUNE_ENV: "1", **({"TMPDIR": str(tmp)} if tmp is not None else {})}
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict",
                             "--dev-addr", f"{host}:{port}", *extra], cwd=cwd, env=env,
                            preexec_fn=die_with_parent())


# Files MkDocs writes on every build, dirty or not, by opening them for writing in place: in a
# hard-linked copy they must be unlinked first, or the write would change the previous site too.
ALWAYS_WRITTEN = ("404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json")
# Under build/: {"format", "sources": {interface: {path: "size\\0mtime_ns"}}, "pages": {interface: pages in walk order}}
SOURCES_MANIFEST = "site-sources.json"
MANIFEST_FORMAT = 2  # 1 (no "format"): {interface: [paths]}, without signatures


def interface_builds(project: Project, settings: Settings, site_dir: Path,
                     vocabs: Vocabularies | None = None) -> list[tuple[Path, Path, Path, str]]:
    """(config, docs tree, site folder, skipped top-level folders) of each interface's MkDocs build;
    the configs carry the templates' words from `vocabs` (the run's Vocabularies; None: the
    project's, read now)."""
    vocabs = vocabs or project.vocabularies()
    # French is built from a generated config too (it inherits mkdocs.yml and adds the templates'
    # words, extra.kb), at the site root.
    out = [(languages.config(project.root, i18n.DEFAULT_LANG, site_dir, settings, vocabs), project.docs, site_dir,
            tuple(i18n.OTHER_LANGS))]
    for lang in i18n.OTHER_LANGS:
        out.append((languages.config(project.root, lang, site_dir / lang, settings, vocabs), languages.tree(project.root, lang),
                    site_dir / lang, ()))
    return out


def groups(builds: list, workers: int) -> list[list]:
    """The builds split into at most `workers` groups, each run in one process: the first build
    (French, at the site root) alone, the others shared out in order."""
    if workers <= 1 or len(builds) <= 1:
        return [list(builds)]
    rest = builds[1:]
    n = min(workers - 1, len(rest))
    return [[builds[0]]] + [rest[i * len(rest) // n:(i + 1) * len(rest) // n] for i in range(n)]


def _run_all(builds: list[tuple[Path, Path]], project: Project, *, strict: bool, progress: bool,
             overlays: Path | None = None) -> None:
    """Run the MkDocs builds (--dirty), in as many processes at once as there are processors (at
    most 2: memory), each process running its group of builds one after the other."""
    workers = max(1, min(2, os.cpu_count() or 1, len(builds)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_dirty, group, cwd=project.root, strict=strict, overlays=overlays)
                   for group in groups(builds, workers)]
        for future in tqdm(futures, desc="site", unit="process", disable=None if progress else True, leave=False):
            future.result()


def output_path(rel: str) -> str:
    """Where MkDocs (directory URLs) writes the output of docs source `rel`."""
    if not rel.endswith(".md"):
        return rel
    stem = rel[:-3]
    if stem == "index" or stem.endswith("/index") or stem == "README" or stem.endswith("/README"):
        return stem.rsplit("README", 1)[0] + "index.html" if stem.endswith("README") else stem + ".html"
    return stem + "/index.html"


def _hidden(rel: str) -> bool:
    """True for a docs path MkDocs leaves out (a dot file or one in a dot folder)."""
    return rel.startswith(".") or "/." in rel


def _sources(docs: Path, skip: tuple[str, ...], known: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """{source path relative to docs: 'size\0mtime_ns'} of a docs tree (dot files and the top-level
    folders `skip` excluded). `known`: {folder: {path relative to it: tools.stamps listing line
    'path\0size\0mtime_ns\n'}} of folders already listed by the caller (the pipeline's
    TreeListing of the generated trees), taken from there instead of walked again."""
    known = known or {}
    out: dict[str, str] = {}
    root = str(docs)

    def take(folder: str, prefix: str) -> None:
        for rel, line in known[folder].items():
            if not _hidden(rel):
                out[prefix + rel] = line[len(rel) + 1:-1]

    if root in known:
        take(root, "")
        return {rel: sig for rel, sig in out.items() if rel.split("/", 1)[0] not in skip}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = dirpath[len(root) + 1:].replace(os.sep, "/")
        prefix = f"{rel_dir}/" if rel_dir else ""
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not (not rel_dir and d in skip)]
        for d in [d for d in dirnames if os.path.join(dirpath, d) in known]:
            dirnames.remove(d)
            take(os.path.join(dirpath, d), prefix + d + "/")
        for name in filenames:
            if not name.startswith("."):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:  # removed meanwhile
                    continue
                out[prefix + name] = f"{st.st_size}\0{st.st_mtime_ns}"
    return out


_SNIPPET_RE = re.compile(r'^\s*-{1,}8<-{1,}\s+"([^"]+)"', re.M)


def _included_mtime(project: Project, docs: Path, rel: str) -> float:
    """Latest modification time of the files a hand-written page includes (pymdownx.snippets
    `--8<-- "path"`, relative to the project root, where MkDocs runs): the home pages include
    generated lists, so a new entry must rebuild them. Generated pages (kb/) include nothing."""
    if not rel.endswith(".md") or rel.startswith("kb/"):
        return 0.0
    try:
        text = (docs / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0.0
    latest = 0.0
    for name in _SNIPPET_RE.findall(text):
        try:
            latest = max(latest, (project.root / name).stat().st_mtime)
        except OSError:
            continue
    return latest


def _manifest(project: Project) -> dict:
    try:
        return json.loads((project.build / SOURCES_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _drop(path: Path, stop: Path) -> None:
    """Unlink a file and the folders it leaves empty, up to `stop`."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    folder = path.parent
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


SPARE = "site-spare"  # under build/: the site before the last build, hard links of the site's files
SPARE_STATE = "site-spare.json"  # under build/: which site the spare mirrors, and the paths that differ


def spare_dir(project: Project) -> Path:
    """build/site-spare/: the site as it was before the last build (its unchanged files are hard
    links of the current site's), kept so the next incremental build starts from it instead of a
    whole new copy. A build replaces it whole, like the site (a pipeline output)."""
    return project.build / SPARE


def _identity(path: Path) -> list[int]:
    """What tells one folder from another put at the same path (its inode and change time)."""
    st = path.stat()
    return [st.st_ino, st.st_ctime_ns]


def _from_spare(project: Project) -> Path | None:
    """The spare, moved to a new temporary folder beside the site and brought up to date with the
    site (the paths the last build changed are linked again from the site, or removed), so that it
    holds the same files as the site; None when there is no spare for this very site (then the
    caller copies the whole site). The spare's record is deleted first, so a build killed while
    this runs never trusts a half-updated spare."""
    spare, record = spare_dir(project), project.build / SPARE_STATE
    try:
        state = json.loads(record.read_text(encoding="utf-8"))
        record.unlink()
        usable = state["site"] == _identity(project.site) and state["spare"] == _identity(spare)
        delta = [str(rel) for rel in state["delta"]]
    except (OSError, ValueError, KeyError, TypeError):
        usable, delta = False, []
    if not usable:
        if spare.exists():
            discard_later(spare)
        return None
    tmp = temp_dir_beside(project.site)
    tmp.rmdir()
    os.replace(spare, tmp)
    for rel in delta:
        target, source = tmp / rel, project.site / rel
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
        else:
            folder = target.parent
            while folder != tmp and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    return tmp


def _keep_spare(project: Project, old: Path | None, delta: list[str]) -> None:
    """Keep `old` (the previous site, just swapped out; None after a clean build: a hard-linked
    copy of the new site is made) as the spare, with its record: the site it mirrors and `delta`,
    the paths (relative to the site) where the two differ."""
    spare = spare_dir(project)
    if spare.exists():
        discard_later(spare)
    if old is None:
        copy = temp_dir_beside(spare)
        copy.rmdir()
        subprocess.run(["cp", "-al", str(project.site), str(copy)], check=True)
        old, delta = copy, []
    os.replace(old, spare)
    write_atomic(project.build / SPARE_STATE, json.dumps(
        {"site": _identity(project.site), "spare": _identity(spare), "delta": sorted(set(delta))}))


OVERLAY = "site-overlay"  # under build/: per interface, links to the sources an incremental build renders


def _changed(project: Project, docs: Path, site_dir: Path, sources: dict[str, str], before) -> list[str]:
    """The sources of one interface whose output must be made again: with `before` (the sources'
    signatures when the current site was built), those whose signature differs or that are new,
    and the hand-written pages older than a file they include; without (a manifest of an older
    format), those whose output is missing or older than the source or an included file."""
    base = str(site_dir) + os.sep
    if isinstance(before, dict):
        out = [rel for rel, sig in sources.items() if before.get(rel) != sig]
        seen = set(out)
        for rel in sources:  # hand-written pages including generated fragments (the home pages)
            if rel not in seen and rel.endswith(".md") and not rel.startswith("kb/"):
                included = _included_mtime(project, docs, rel)
                try:
                    if included and os.stat(base + output_path(rel)).st_mtime < included:
                        out.append(rel)
                except FileNotFoundError:
                    out.append(rel)
        return out
    out = []
    for rel in sources:
        try:
            mtime = max(os.stat(os.path.join(docs, rel)).st_mtime, _included_mtime(project, docs, rel))
            if os.stat(base + output_path(rel)).st_mtime < mtime:
                out.append(rel)
        except FileNotFoundError:
            out.append(rel)
    return out


def _pages_in_walk_order(sources: dict[str, str], before: list[str] | None) -> list[str]:
    """The documentation pages (.md) of `sources` in MkDocs' walk order (mkdocs_hooks.walk_key),
    from `before` (the pages of the previous build, in that order) when given: pages gone are
    dropped and new ones inserted at their place, instead of sorting every page again."""
    now = [rel for rel in sources if rel.endswith(".md")]
    if before is None:
        return sorted(now, key=walk_key)
    present = set(now)
    out = [rel for rel in before if rel in present]
    for rel in sorted(present.difference(out), key=walk_key):
        bisect.insort(out, rel, key=walk_key)
    return out


def _link_into(overlay: Path, docs: Path, rels: list[str]) -> None:
    """Hard links in `overlay` of the sources `rels` of `docs` (copies where a link cannot be made),
    at the same relative paths."""
    made = set()
    for rel in rels:
        target = overlay / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.link(docs / rel, target)
        except OSError:
            shutil.copy2(docs / rel, target)


def build_site(project: Project, settings: Settings, strict: bool = True, progress: bool = True,
               incremental: bool = False, vocabs: Vocabularies | None = None,
               known: dict[str, dict[str, str]] | None = None) -> dict:
    """Build the French site at the root of site/ and each other interface in site/<lang>/, in a
    folder swapped in whole (readers never see a half-built site).

    With incremental (and a previous site), the new folder starts as a copy of the previous site
    made of hard links: the spare (build/site-spare/, the site before the last build, brought up
    to date by the few paths that build changed), or else a whole `cp -al` copy. The sources that
    changed since the previous site was built (their size or modification time differs from the
    manifest, build/site-sources.json) have their outputs unlinked from the copy (so writing them
    never touches the previous site), and so have those of removed sources; MkDocs' --dirty build
    then renders only those pages, from an overlay docs folder holding links to the changed sources
    only (build/site-overlay/<lang>/), so that its walk of the docs costs what the change costs
    (the hooks find every other file on demand). An interface with no change is not built.
    Otherwise each interface is built clean. The previous site then becomes the spare for the next
    build. `vocabs`: the run's Vocabularies, for the templates' words in each interface's config
    (None: the project's, read now). `known`: the generated docs trees as already listed by the
    caller ({folder: {path: tools.stamps listing line}}), not walked again.
    Returns {"mode": "clean" | "dirty", "rebuilt": outputs unlinked for a rebuild, "removed": n,
    "copy": "spare" | "whole" | "none", "built": interfaces built}.
    Raises BuildError if any MkDocs build fails; the previous site is then left untouched.
    """
    previous = _manifest(project)
    incremental = incremental and project.site.is_dir() and bool(previous)
    info = {"mode": "dirty" if incremental else "clean", "rebuilt": 0, "removed": 0, "copy": "none", "built": 0}
    tmp = None
    if incremental:
        tmp = _from_spare(project)
        info["copy"] = "whole" if tmp is None else "spare"
    if tmp is None:
        tmp = temp_dir_beside(project.site)
    vocabs = vocabs or project.vocabularies()
    builds = interface_builds(project, settings, tmp, vocabs)
    overlays_root = project.build / OVERLAY
    shutil.rmtree(overlays_root, ignore_errors=True)
    current = previous.get("format") == MANIFEST_FORMAT
    before = previous.get("sources", {}) if current else previous
    before_pages = previous.get("pages", {}) if current else {}
    signatures: dict = {}
    pages: dict = {}  # {interface: its documentation pages in walk order}, when known
    overlays: dict = {}  # {overlay folder: {"docs_dir", "pages"}} (mkdocs_hooks.OVERLAYS_ENV)
    to_build: list[tuple[Path, Path]] = []
    delta: list[str] = []  # paths (relative to the site) where the new site differs from the previous one
    try:
        if info["copy"] == "whole":
            tmp.rmdir()
            subprocess.run(["cp", "-al", str(project.site), str(tmp)], check=True)
        for lang, (config, docs, site_dir, skip) in zip((i18n.DEFAULT_LANG, *i18n.OTHER_LANGS), builds, strict=True):
            sources = _sources(docs, skip, known)
            key = str(site_dir.relative_to(tmp))
            prefix = "" if key == "." else key + "/"
            signatures[key] = sources
            if not incremental:
                to_build.append((config, site_dir))
                continue
            if key in before_pages:
                pages[key] = before_pages[key]
            changed = _changed(project, docs, site_dir, sources, before.get(key))
            removed = set(before.get(key, ())) - sources.keys()
            if not changed and not removed:
                continue  # nothing of this interface changed: its site is the previous one's
            for rel in changed:
                out = output_path(rel)
                try:
                    os.unlink(os.path.join(site_dir, out))
                except FileNotFoundError:
                    pass
                delta.append(prefix + out)
            info["rebuilt"] += len(changed)
            for rel in removed:
                _drop(site_dir / output_path(rel), site_dir)
                info["removed"] += 1
                delta.append(prefix + output_path(rel))
            for name in ALWAYS_WRITTEN:
                (site_dir / name).unlink(missing_ok=True)
                delta.append(prefix + name)
            overlay = overlays_root / lang
            _link_into(overlay, docs, changed)
            overlay.mkdir(parents=True, exist_ok=True)
            pages[key] = _pages_in_walk_order(sources, before_pages.get(key))
            overlays[str(overlay.resolve())] = {"docs_dir": str(Path(docs).resolve()), "pages": pages[key]}
            live = project.site / prefix
            if pages[key] == before_pages.get(key) and all((live / name).is_file() for name in SITEMAPS):
                # The same pages as the previous site: its sitemap may be kept (mkdocs_hooks.keeps_sitemap).
                overlays[str(overlay.resolve())]["sitemap_from"] = str(live.resolve())
            data = languages.config_data(project.root, lang, site_dir, settings, vocabs)
            data["docs_dir"] = str(overlay)
            overlay_config = overlays_root / f"mkdocs.{lang}.yml"
            overlay_config.write_text(languages.config_text(data), encoding="utf-8")
            to_build.append((overlay_config, site_dir))
        index = None
        if overlays:
            index = overlays_root / "overlays.json"
            index.write_text(json.dumps(overlays), encoding="utf-8")
        # A build into an empty folder is a full one; never --clean, which would empty the folder
        # where another interface is being built at the same time.
        if to_build:
            _run_all(to_build, project, strict=strict, progress=progress, overlays=index)
        info["built"] = len(to_build)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(overlays_root, ignore_errors=True)
    old = swap_dir(tmp, project.site, keep=True)
    for key, sources in signatures.items():
        if key not in pages or len(pages[key]) != sum(1 for rel in sources if rel.endswith(".md")):
            pages[key] = _pages_in_walk_order(sources, pages.get(key))
    write_atomic(project.build / SOURCES_MANIFEST, json.dumps({"format": MANIFEST_FORMAT, "sources": signatures,
                                                               "pages": pages}))
    try:
        _keep_spare(project, old if incremental else None, delta)
    except (OSError, subprocess.CalledProcessError):
        # No spare (build/ on another file system, say): the next build copies the whole site.
        (project.build / SPARE_STATE).unlink(missing_ok=True)
        if old is not None and old.exists():
            discard_later(old, project.site.name)
        return info
    if old is not None and not incremental:
        discard_later(old, project.site.name)
    return info
