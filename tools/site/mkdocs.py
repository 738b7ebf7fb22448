"""The one way this project runs MkDocs: as a subprocess, so that page generation never depends on
MkDocs' plugin internals (MkDocs 1.x is unmaintained; Material reaches end of life in May 2027)."""

from __future__ import annotations

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
from tools.fsutil import swap_dir, temp_dir_beside, write_atomic
from tools.project import HOOKS_ENV, ROOT, Project, Settings
from tools.site import languages
from tools.site.mkdocs_dirty import dirty_build

__all__ = ["build_site", "dirty_build", "run_mkdocs", "serve_mkdocs"]

ENV = {"NO_MKDOCS_2_WARNING": "1"}  # MkDocs 1.6 prints a banner about 2.0 on every run otherwise
TAIL_LINES = 30
CODE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding tools/


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
    if clean:
        cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir), "--config-file", str(config),
               "--clean"]
        if strict:
            cmd.append("--strict")
    else:
        # A module importing nothing of ours but MkDocs: each build starts faster (no numpy, YAML data...).
        cmd = [sys.executable, "-m", "tools.site.mkdocs_dirty", str(config), str(site_dir)] + (["--strict"] if strict else [])
    env = mkdocs_env()
    # The project's code must be importable from the project copy's folder (cwd).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(CODE_ROOT), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
        raise BuildError(f"mkdocs build failed ({config.name}):\n" + "\n".join(lines[-TAIL_LINES:]))


def serve_mkdocs(host: str, port: int, *, cwd: Path, config: Path | None = None) -> subprocess.Popen:
    """MkDocs' development server (live reload, --dirty) on host:port, as a child process, of
    `config` (None: cwd's mkdocs.yml)."""
    extra = ["--config-file", str(config)] if config is not None else []
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict",
                             "--dev-addr", f"{host}:{port}", *extra], cwd=cwd, env=mkdocs_env())


# Files MkDocs writes on every build, dirty or not, by opening them for writing in place: in a
# hard-linked copy they must be unlinked first, or the write would change the previous site too.
ALWAYS_WRITTEN = ("404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json")
SOURCES_MANIFEST = "site-sources.json"


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


def _run_all(builds: list[tuple[Path, Path]], project: Project, *, strict: bool, clean: bool, progress: bool) -> None:
    """Run the MkDocs builds, as many at once as there are processors (at most 2: memory)."""
    workers = max(1, min(2, os.cpu_count() or 1, len(builds)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_mkdocs, config, site_dir, cwd=project.root, strict=strict, clean=clean)
                   for config, site_dir in builds]
        for future in tqdm(futures, desc="site", unit="language", disable=None if progress else True, leave=False):
            future.result()


def output_path(rel: str) -> str:
    """Where MkDocs (directory URLs) writes the output of docs source `rel`."""
    if not rel.endswith(".md"):
        return rel
    stem = rel[:-3]
    if stem == "index" or stem.endswith("/index") or stem == "README" or stem.endswith("/README"):
        return stem.rsplit("README", 1)[0] + "index.html" if stem.endswith("README") else stem + ".html"
    return stem + "/index.html"


def _sources(docs: Path, skip: tuple[str, ...]) -> dict[str, float]:
    """{source path relative to docs: modification time} of a docs tree (dot files excluded)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(docs):
        rel_dir = os.path.relpath(dirpath, docs)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in skip and not d.startswith(".")]
            rel_dir = ""
        else:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                out[f"{rel_dir}/{name}" if rel_dir else name] = os.stat(os.path.join(dirpath, name)).st_mtime
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


def build_site(project: Project, settings: Settings, strict: bool = True, progress: bool = True,
               incremental: bool = False, vocabs: Vocabularies | None = None) -> dict:
    """Build the French site at the root of site/ and each other interface in site/<lang>/, in a
    folder swapped in whole (readers never see a half-built site).

    With incremental (and a previous site), the new folder starts as a hard-linked copy of the
    previous site: outputs whose source is newer, or whose source is gone, are unlinked from the
    copy (so writing them never touches the previous site), then `mkdocs build --dirty` renders
    only those pages. Otherwise each interface is built clean. `vocabs`: the run's Vocabularies,
    for the templates' words in each interface's config (None: the project's, read now).
    Returns {"mode": "clean" | "dirty", "rebuilt": outputs unlinked for a rebuild, "removed": n}.
    Raises BuildError if any MkDocs build fails; the previous site is then left untouched.
    """
    incremental = incremental and project.site.is_dir() and bool(_manifest(project))
    tmp = temp_dir_beside(project.site)
    builds = interface_builds(project, settings, tmp, vocabs)
    info = {"mode": "dirty" if incremental else "clean", "rebuilt": 0, "removed": 0}
    manifest = {}
    try:
        if incremental:
            tmp.rmdir()
            subprocess.run(["cp", "-al", str(project.site), str(tmp)], check=True)
            previous = _manifest(project)
        for _, docs, site_dir, skip in builds:
            sources = _sources(docs, skip)
            key = str(site_dir.relative_to(tmp))
            manifest[key] = sorted(sources)
            if not incremental:
                continue
            for rel, mtime in sources.items():
                mtime = max(mtime, _included_mtime(project, docs, rel))
                out = site_dir / output_path(rel)
                try:
                    if out.stat().st_mtime < mtime:
                        out.unlink()
                        info["rebuilt"] += 1
                except FileNotFoundError:
                    info["rebuilt"] += 1
            for rel in set(previous.get(key, ())) - sources.keys():
                _drop(site_dir / output_path(rel), site_dir)
                info["removed"] += 1
            for name in ALWAYS_WRITTEN:
                (site_dir / name).unlink(missing_ok=True)
        # A build into an empty folder is a full one; never --clean, which would empty the folder
        # where another interface is being built at the same time.
        _run_all([(config, site_dir) for config, _, site_dir, _ in builds], project, strict=strict,
                 clean=False, progress=progress)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_dir(tmp, project.site, background=True)
    write_atomic(project.build / SOURCES_MANIFEST, json.dumps(manifest))
    return info

