"""Check the entries in practices/ and build the site and search index.

    python build_index.py --check            validate only (exit 1 on errors)
    python build_index.py                    validate, generate pages, index, build the site
    python build_index.py --check --format github   annotations for pull requests

The same as `python -m tools check` / `python -m tools build` (tools/cli.py).
Exit status: 0 clean, 1 content errors (or warnings with --strict), 2 bad usage or build failure.
"""

from __future__ import annotations

import sys

try:
    from tools.cli import main as cli_main
except ModuleNotFoundError as exc:  # a Python without the pinned packages: say which to use
    from tools import missing_package

    sys.exit(missing_package(exc))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if ("-h" in argv or "--help" in argv) and "--check" not in argv:
        # The help below is `tools build`'s, which has no --check: say first what this script takes.
        print(__doc__)
    if "--check" in argv:
        argv.remove("--check")
        return cli_main(["check", *[a for a in argv if a not in ("--no-site", "--force", "--quiet")]])
    return cli_main(["build", *argv])


if __name__ == "__main__":
    sys.exit(main())
