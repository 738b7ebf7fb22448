"""`python -m tools.site.mkdocs_dirty CONFIG SITE_DIR [--strict]`: MkDocs' own build with dirty=True,
run as a subprocess by tools.site.mkdocs (like every MkDocs run). This module imports nothing of the
project but MkDocs, so that each of the three interface builds starts without loading the page
generator's dependencies."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


class _NotDirtyNotice(logging.Filter):
    """MkDocs warns on every --dirty build, which --strict turns into a failure; the notice is
    about navigation changes, which this project keeps out of entry pages (small nav)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def dirty_build(config: Path, site_dir: Path, strict: bool) -> int:
    """MkDocs' own build with dirty=True (run as `python -m tools.site.mkdocs_dirty CONFIG SITE_DIR
    [--strict]`, a subprocess like every MkDocs run). Returns the exit status."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    logging.getLogger("mkdocs.commands.build").addFilter(_NotDirtyNotice())
    try:
        build(load_config(str(config), site_dir=str(site_dir), strict=strict), dirty=True)
    except exceptions.MkDocsException as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--strict"]
    sys.exit(dirty_build(Path(args[0]), Path(args[1]), "--strict" in sys.argv[1:]))
