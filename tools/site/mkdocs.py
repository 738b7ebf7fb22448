"""The one way this project runs MkDocs: as a subprocess, so that page generation never depends on
MkDocs' plugin internals (MkDocs 1.x is unmaintained; Material reaches end of life in May 2027)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tqdm import tqdm

from tools import i18n
from tools.errors import BuildError
from tools.fsutil import swap_dir, temp_dir_beside
from tools.project import Project, Settings
from tools.site import languages

ENV = {"NO_MKDOCS_2_WARNING": "1"}  # MkDocs 1.6 prints a banner about 2.0 on every run otherwise
TAIL_LINES = 30


def mkdocs_env() -> dict[str, str]:
    """The environment every MkDocs subprocess runs with (os.environ plus ENV)."""
    return {**os.environ, **ENV}


def run_mkdocs(config: Path, site_dir: Path, *, cwd: Path, strict: bool = True, clean: bool = True) -> None:
    """`mkdocs build` of one config into site_dir.

    Raises BuildError with the last TAIL_LINES lines of MkDocs' output when it fails.
    """
    cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir), "--config-file", str(config)]
    cmd.append("--clean" if clean else "--dirty")
    if strict:
        cmd.append("--strict")
    done = subprocess.run(cmd, cwd=cwd, env=mkdocs_env(), capture_output=True, text=True)
    if done.returncode != 0:
        lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
        raise BuildError(f"mkdocs build failed ({config.name}):\n" + "\n".join(lines[-TAIL_LINES:]))


def serve_mkdocs(host: str, port: int, *, cwd: Path) -> subprocess.Popen:
    """MkDocs' development server (live reload, --dirty) on host:port, as a child process."""
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict",
                             "--dev-addr", f"{host}:{port}"], cwd=cwd, env=mkdocs_env())


def build_site(project: Project, settings: Settings, strict: bool = True, progress: bool = True) -> None:
    """Build the French site at the root of site/ and each other interface in site/<lang>/, in a
    fresh folder swapped in whole (readers never see a half-built site).

    Raises BuildError if any MkDocs build fails; the previous site is then left untouched.
    """
    tmp = temp_dir_beside(project.site)
    builds = [(languages.config(project.root, lang, tmp / lang if lang != i18n.DEFAULT_LANG else tmp, settings),
               tmp / lang if lang != i18n.DEFAULT_LANG else tmp) for lang in i18n.LANGS]
    try:
        for config, site_dir in tqdm(builds, desc="site", unit="language", disable=None if progress else True,
                                     leave=False):
            run_mkdocs(config, site_dir, cwd=project.root, strict=strict)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_dir(tmp, project.site)
