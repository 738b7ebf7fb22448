"""Check the entries in practices/ and build the site and search index.

    python build_index.py --check            validate only (exit 1 on errors)
    python build_index.py                    validate, generate pages, index, build the site
    python build_index.py --check --format github   annotations for pull requests

Exit status: 0 clean, 1 content errors (or warnings with --strict), 2 bad usage or build failure.
"""

from __future__ import annotations

import argparse
import sys

from tools.build import BuildError, Project, run
from tools.problems import render
from tools.validate import load_collection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate entries and build the knowledge base.")
    parser.add_argument("--check", action="store_true", help="only validate the entries")
    parser.add_argument("--format", choices=("text", "github", "json"), default="text", help="problem format")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--no-site", action="store_true", help="skip the MkDocs build (pages and index only)")
    parser.add_argument("--force", action="store_true", help="redo every stage even if nothing changed")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    project = Project()

    if args.check:
        _, problems, files = load_collection(project.practices, project.root)
        print(render(problems, files, args.format))
        failed = any(p.severity == "error" or args.strict for p in problems)
        return 1 if failed else 0

    try:
        report = run(project, site=not args.no_site, force=args.force, progress=not args.quiet)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 2
    if report.problems or not report.ok:
        print(render(report.problems, report.files, args.format), file=sys.stderr)
    if not report.ok or (args.strict and report.problems):
        return 1
    print(report.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
