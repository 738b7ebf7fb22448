"""`python -m tools.site.mkdocs_dirty [--strict] CONFIG SITE_DIR [CONFIG SITE_DIR ...]`: MkDocs' own
build with dirty=True of one or more configs, one after the other in this one process, run as a
subprocess by tools.site.mkdocs (like every MkDocs run). This module imports nothing of the
project but MkDocs, so that the builds start without loading the page generator's dependencies,
and MkDocs, Markdown and the theme are imported once for all the builds it is given."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# Set by tools.site.mkdocs: at most this many pages rendered per MkDocs build of one config (the
# hooks' changed_only hands MkDocs the first ones); the build is run again while pages are left
# (the hooks report how many in PAGES_LEFT_ENV). MkDocs keeps the HTML of every page it renders
# until the build ends, so a build's memory grows with the pages it renders at once.
PAGES_PER_PASS_ENV = "KB_PAGES_PER_PASS"
PAGES_LEFT_ENV = "KB_PAGES_LEFT"


class _NotDirtyNotice(logging.Filter):
    """MkDocs warns on every --dirty build, which --strict turns into a failure; the notice is
    about navigation changes, which this project keeps out of entry pages (small nav)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def dirty_build(config: Path, site_dir: Path, strict: bool) -> int:
    """MkDocs' own build with dirty=True of one config into site_dir (see dirty_builds). Returns
    the exit status (0: built; 1: MkDocs refused or failed, the reason printed on stderr)."""
    return dirty_builds([(config, site_dir)], strict)


def dirty_builds(builds: list[tuple[Path, Path]], strict: bool) -> int:
    """MkDocs' own build with dirty=True of each (config, site folder), in order, in this process;
    stops at the first that fails. A build whose hooks leave pages for later (PAGES_PER_PASS_ENV)
    is run again until none is left. Returns the exit status (0: all built; 1: one failed, its
    reason printed on stderr)."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    logging.getLogger("mkdocs.commands.build").addFilter(_NotDirtyNotice())
    for config, site_dir in builds:
        left = None
        while True:
            os.environ[PAGES_LEFT_ENV] = "0"
            try:
                build(load_config(str(config), site_dir=str(site_dir), strict=strict), dirty=True)
            except exceptions.MkDocsException as exc:
                print(f"{config.name}: {exc}", file=sys.stderr)
                return 1
            now = int(os.environ.get(PAGES_LEFT_ENV) or 0)
            if not now:
                break
            if left is not None and now >= left:  # pages that never get an output (empty ones)
                print(f"{config.name}: {now} pages left unbuilt after a pass that built none of them", file=sys.stderr)
                return 1
            left = now
    return 0


def main(argv: list[str]) -> int:
    """The command line: `[--strict] CONFIG SITE_DIR [CONFIG SITE_DIR ...]`. Returns the exit status
    (2: the arguments are not pairs)."""
    args = [a for a in argv if a != "--strict"]
    if not args or len(args) % 2:
        print("usage: python -m tools.site.mkdocs_dirty [--strict] CONFIG SITE_DIR [CONFIG SITE_DIR ...]",
              file=sys.stderr)
        return 2
    pairs = [(Path(args[i]), Path(args[i + 1])) for i in range(0, len(args), 2)]
    return dirty_builds(pairs, "--strict" in argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
