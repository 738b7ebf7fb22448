"""Problems found in contributors' files, and the ways they are printed.

Checks return Problem records and never print; the command line chooses a format.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


# Characters of a file's values that a terminal would act on rather than show.
_SHOWN_ESCAPED = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7f, *range(0x80, 0xa0)]}
_SHOWN_ESCAPED.update({0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t"})
_SHOWN_ESCAPED.update({c: f"\\u{c:04x}" for c in [*range(0x202a, 0x202f), *range(0x2066, 0x206a)]})


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a contributor's file: path as shown, 1-based line, field path ('countries[1]'),
    message, hint (how to fix it, may be ''), severity ERROR or WARNING. Ordered by path, then line."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = ERROR

    def text(self) -> str:
        """'path:line: field: message; hint' with ' (warning)' appended for a warning, on one line:
        control characters and direction overrides quoted from a file are shown as escapes (\\x1b,
        \\n, \\u202e), so that a value cannot clear or retitle the terminal of whoever runs the
        check, nor print a line that looks like another problem (found by breaker9)."""
        hint = f"; {self.hint}" if self.hint else ""
        tag = "" if self.severity == ERROR else " (warning)"
        return f"{self.path}:{self.line}: {self.field}: {self.message}{hint}{tag}".translate(_SHOWN_ESCAPED)

    def github(self) -> str:
        """The problem as a GitHub Actions workflow command ('::error file=...,line=...::...'), escaped."""
        # Workflow commands: '%', CR and LF must be escaped in the message, and ':' and ','
        # too in a property such as file=, or the annotation is cut.
        def esc(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(s: str) -> str:
            return esc(s).replace(":", "%3A").replace(",", "%2C")

        hint = f"; {self.hint}" if self.hint else ""
        return f"::{self.severity} file={prop(self.path)},line={self.line}::{esc(self.field)}: {esc(self.message + hint)}"


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems of severity ERROR, in their order (warnings left out)."""
    return [p for p in problems if p.severity == ERROR]


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary(problems: list[Problem], files: int) -> str:
    """One line: '12 files checked: 1 error, 2 warnings in 2 files.' (or 'no problems.')."""
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    touched = len({p.path for p in problems})
    if not problems:
        return f"{_n(files, 'file')} checked: no problems."
    return f"{_n(files, 'file')} checked: {_n(n_err, 'error')}, {_n(n_warn, 'warning')} in {_n(touched, 'file')}."


def render(problems: list[Problem], files: int, fmt: str = "text") -> str:
    """The report, problems sorted: fmt 'text' (one line each, then the summary), 'github' (workflow
    commands, then the summary) or 'json' ({"files": n, "problems": [...]}); any other fmt is 'text'."""
    ordered = sorted(problems)
    if fmt == "json":
        return json.dumps({"files": files, "problems": [asdict(p) for p in ordered]}, ensure_ascii=False, indent=2)
    lines = [p.github() if fmt == "github" else p.text() for p in ordered]
    lines.append(summary(problems, files))
    return "\n".join(lines)
