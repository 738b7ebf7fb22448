"""Problems found in contributors' files, and the ways they are printed.

Checks return Problem records and never print; the command line chooses a format.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = ERROR

    def text(self) -> str:
        hint = f"; {self.hint}" if self.hint else ""
        tag = "" if self.severity == ERROR else " (warning)"
        return f"{self.path}:{self.line}: {self.field}: {self.message}{hint}{tag}"

    def github(self) -> str:
        # Workflow commands: '%', CR and LF must be escaped or the annotation is cut.
        def esc(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        hint = f"; {self.hint}" if self.hint else ""
        return f"::{self.severity} file={esc(self.path)},line={self.line}::{esc(self.field)}: {esc(self.message + hint)}"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def summary(problems: list[Problem], files: int) -> str:
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    touched = len({p.path for p in problems})
    if not problems:
        return f"{files} files checked: no problems."
    return f"{files} files checked: {n_err} errors, {n_warn} warnings in {touched} files."


def render(problems: list[Problem], files: int, fmt: str = "text") -> str:
    ordered = sorted(problems)
    if fmt == "json":
        return json.dumps({"files": files, "problems": [asdict(p) for p in ordered]}, ensure_ascii=False, indent=2)
    lines = [p.github() if fmt == "github" else p.text() for p in ordered]
    lines.append(summary(problems, files))
    return "\n".join(lines)
