"""Search from the command line.

    python -m tools.search "enquete emploi" --country MA --type tool --theme flows --lang fr [--json]

Exit status: 0 with results, 1 with none, 2 for a query that must be changed (too long...) or no index.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import signal
import sys

from tools.build import Project
from tools.search_engine import QueryError, SearchIndex


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Search the knowledge base.")
    parser.add_argument("query", nargs="?", default="", help="words to search; empty lists everything")
    parser.add_argument("--country", action="append", default=[], help="ISO code, e.g. MA (repeatable)")
    parser.add_argument("--type", action="append", default=[], help="tool, methodology, practice, resource")
    parser.add_argument("--theme", action="append", default=[])
    parser.add_argument("--data-source", action="append", default=[])
    parser.add_argument("--lang", action="append", default=[], help="fr, ar or en")
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the API's JSON")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly

    engine = SearchIndex(Project().index)
    if not engine.available():
        print("The search index is not built yet: run 'make build' first.", file=sys.stderr)
        return 2
    filters = {"countries": [c.upper() for c in args.country], "type": args.type, "themes": args.theme,
               "data_sources": args.data_source, "lang": args.lang}
    try:
        found = engine.search(args.query, filters, page=args.page)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
        return 0 if found["total"] else 1
    for exp in found["expansions"]:
        print(f"(also searched: {exp['matched']} → {', '.join(exp['added'][:6])})")
    print(f"{found['total']} {'entry' if found['total'] == 1 else 'entries'}")
    for i, r in enumerate(found["results"], start=(found["page"] - 1) * found["page_size"] + 1):
        snippet = html.unescape(re.sub(r"</?mark[^>]*>", "*", r["snippet"]))
        print(f"{i:>3}. {r['title']}  [{r['type']}, {', '.join(r['countries']) or 'regional'}, {r['lang']}]")
        print(f"     {r['url']}\n     {snippet[:200]}")
    if found["did_you_mean"]:
        print(f"Did you mean: {found['did_you_mean']}?")
    return 0 if found["total"] else 1


if __name__ == "__main__":
    sys.exit(main())
