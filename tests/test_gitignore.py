"""The .gitignore keeps the environments out of commits however they are made: CODE-BRIEF and a
contributor sharing one install link them (`ln -s /work/main/.venv .venv`), and a link is not a
directory, so '.venv/' did not match it: `git status` listed .venv and node_modules as new files, one
`git add .` from committing them (found by breaker11)."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import ROOT


def test_linked_environments_are_ignored(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    (tmp_path / "elsewhere").mkdir()
    for name in (".venv", "node_modules"):
        (repo / name).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, check=True,
                            capture_output=True, text=True).stdout.split("\n")
    assert [line for line in status if line and not line.endswith(".gitignore")] == []
