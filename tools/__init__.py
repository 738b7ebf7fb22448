"""The knowledge base's pipeline (see ARCHITECTURE.md). Nothing here imports a third-party package:
the entry points (`python -m tools`, build_index.py) use `missing_package` to say which Python to
run when the one at hand lacks the pinned packages."""

from __future__ import annotations

import sys

PACKAGE = __name__


def missing_package(exc: ModuleNotFoundError) -> int:
    """For an entry point whose imports failed with exc: when a third-party package is missing (the
    contributor typed `python -m tools new ...`, as CONTRIBUTING first says, with a Python that is not
    the project's), print on stderr which one and the command to use instead, and return exit status
    2; a missing module of this package itself is a bug, and exc is raised again. The guide's
    `python -m tools new` gave a 16-line traceback ending in "No module named 'babel'" (found by
    breaker11)."""
    if not exc.name or exc.name.split(".")[0] == PACKAGE:
        raise exc
    print(f"error: this Python ({sys.executable}) has no '{exc.name}' package: it is not the project's "
          f"environment; run the same command with .venv/bin/python (e.g. .venv/bin/python -m tools check), "
          f"which the first 'make' command (e.g. make check) creates with the pinned packages", file=sys.stderr)
    return 2
