"""Parity of the two search engines: the API's (Whoosh, tools.search.engine) and the browser's
static search (kb-engine.js over the export of tools.search.static_index, run by node), on the
same entries (the shipped collection by default).

`python -m tools.bench.parity [--queries FILE] [--all] [--json]` runs each query of
bench/parity.yml (a list `queries:` of strings, or of {q, note?}) through both engines and prints
the queries whose answers differ: total of entries, top-10 order (entry ids), strength, and
"did you mean". Exit status 0 when every query agrees, 1 otherwise (so it can be used as a check).

Also used by tests/search/test_parity_sweep.py (compare() on small corpora).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import yaml

PARITY = Path(__file__).resolve().parents[2] / "bench" / "parity.yml"


def api_answers(engine, queries: list[str]) -> dict[str, dict]:
    """{query: {ids (every entry found, best first), total, strong, did_you_mean}} from the API's
    engine (read page by page); a query the API refuses gets {error: code}."""
    from tools.errors import KBError
    from tools.search.engine import MAX_PAGE, MAX_PAGE_SIZE
    from tools.web.api import check_words

    out = {}
    for q in queries:
        try:
            check_words(q)
            found = engine.search(q, page_size=MAX_PAGE_SIZE)
            ids = [r["id"] for r in found["results"]]
            page = 1
            while len(ids) < found["total"] and page < MAX_PAGE:
                page += 1
                ids += [r["id"] for r in engine.search(q, page=page, page_size=MAX_PAGE_SIZE)["results"]]
        except KBError as e:  # the API's refusals (too long, too many words...)
            out[q] = {"error": getattr(e, "code", type(e).__name__)}
            continue
        out[q] = {"ids": ids, "total": found["total"], "strong": bool(found["strong"]),
                  "did_you_mean": found.get("did_you_mean")}
    return out


def static_answers(folder: Path, queries: list[str]) -> dict[str, dict]:
    """The same shape as api_answers, from the static search over an exported folder (node),
    reading whole posting lists as the search page does."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if not node:
        raise SystemExit("node is needed to run the static search (apt-get install nodejs)")
    script = Path(__file__).resolve().parents[1] / "search" / "static_node.js"
    items = [{"q": q, "size": 100_000, "full": True} for q in queries]
    done = subprocess.run([node, str(script), str(folder)], input=json.dumps(items),
                          capture_output=True, text=True, check=True, timeout=600)
    out = {}
    for r in json.loads(done.stdout):
        out[r["q"]] = ({"error": r["code"]} if r.get("code") else
                       {"ids": r["ids"], "total": r["total"], "strong": r["strong"], "did_you_mean": r.get("did_you_mean")})
    return out


def differences(api: dict, static: dict) -> list[str]:
    """What differs between two answers of the shape above, as short phrases (empty: the same
    entries found, the same first one, 8 or more of the same top 10, the same strength and
    "did you mean"). The engines' stems differ by design (Snowball vs prefixes), so the order
    below the first result may differ a little; which entries are found may not."""
    if "error" in api or "error" in static:
        return [] if api.get("error") == static.get("error") else [f"refused {api.get('error')} / {static.get('error')}"]
    out = []
    a, s = set(api["ids"]), set(static["ids"])
    if a != s:
        out.append(f"total {api['total']} / {static['total']} (only API {len(a - s)}, only static {len(s - a)})")
    if api["ids"][:1] != static["ids"][:1]:
        out.append("first result differs")
    shared = len(set(api["ids"][:10]) & set(static["ids"][:10]))
    if shared < min(8, len(api["ids"][:10]), len(static["ids"][:10])):
        out.append(f"top 10 shares {shared}")
    if api["strong"] != static["strong"]:
        out.append(f"strong {api['strong']} / {static['strong']}")
    if (api["did_you_mean"] or None) != (static["did_you_mean"] or None):
        out.append(f"did you mean {api['did_you_mean']!r} / {static['did_you_mean']!r}")
    return out


def compare(entries: list, queries: list[str], workdir: Path) -> dict[str, tuple[dict, dict, list[str]]]:
    """Builds both engines over `entries` in `workdir` and returns {query: (api answer, static
    answer, differences)} for every query."""
    from tools.search import static_index
    from tools.search.engine import SearchIndex, build_search_index

    build_search_index(entries, workdir / "search-index", progress=False)
    folder = workdir / "static"
    folder.mkdir()
    for name, text in static_index.export(entries).items():
        (folder / name).write_text(text, encoding="utf-8")
    api = api_answers(SearchIndex(workdir / "search-index"), queries)
    static = static_answers(folder, queries)
    return {q: (api[q], static[q], differences(api[q], static[q])) for q in queries}


def typed(phrase: str) -> list[str]:
    """What the header box searches while `phrase` is typed: each prefix of two characters or
    more, without its trailing spaces (the box trims), in order, without repeats."""
    return list(dict.fromkeys(phrase[:n].strip() for n in range(2, len(phrase) + 1) if len(phrase[:n].strip()) >= 2))


def read_queries(path: Path, judged: bool = True) -> list[str]:
    """The queries of a parity file (`queries:` of strings or {q}; `typing:` phrases, searched at
    each keystroke: typed()), then with `judged` those of bench/queries.yml and regression.yml;
    in order, without repeats."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = [q["q"] if isinstance(q, dict) else str(q) for q in data.get("queries", [])]
    for phrase in data.get("typing", []):
        out += typed(str(phrase))
    if judged:
        for name in ("queries.yml", "regression.yml"):
            more = path.parent / name
            if more.exists():
                out += [q["q"] for q in (yaml.safe_load(more.read_text(encoding="utf-8")) or {}).get("queries", [])]
    return list(dict.fromkeys(out))


def main(argv: list[str] | None = None) -> int:
    """Prints the differences between the engines on the shipped collection; 0 when none."""
    parser = argparse.ArgumentParser(description="Compare the API's search and the static search query by query.")
    parser.add_argument("--queries", type=Path, default=PARITY, help="YAML file with a list `queries:`")
    parser.add_argument("--all", action="store_true", help="print every query, not only those that differ")
    parser.add_argument("--json", action="store_true", help="print the answers as JSON")
    parser.add_argument("--no-judged", action="store_true", help="leave out the queries of queries.yml and regression.yml")
    args = parser.parse_args(argv)
    from tools.content.loader import entry_files, load_file
    from tools.content.validate import check_collection
    from tools.project import Project

    root = Project().root
    entries, _, _ = check_collection([load_file(p, str(p.relative_to(root))) for p in entry_files(root / "practices")])
    queries = read_queries(args.queries, judged=not args.no_judged)
    with tempfile.TemporaryDirectory() as tmp:
        found = compare(list(entries), queries, Path(tmp))
    if args.json:
        print(json.dumps({q: {"api": a, "static": s, "differences": d} for q, (a, s, d) in found.items()},
                         ensure_ascii=False, indent=1))
    differ = [q for q, (_, _, d) in found.items() if d]
    if not args.json:
        for q, (a, _, d) in found.items():
            if d or args.all:
                print(f"{q!r}: " + ("; ".join(d) if d else f"same (total {a.get('total')})"))
        kinds = {}
        for _, _, d in found.values():
            for phrase in d:
                kind = phrase.split(" (")[0] if phrase.startswith("total") else " ".join(phrase.split()[:2])
                kinds[kind.split(" ")[0] if kind.startswith("total") else kind] = kinds.get(
                    kind.split(" ")[0] if kind.startswith("total") else kind, 0) + 1
        print(f"{len(queries) - len(differ)} of {len(queries)} queries agree; "
              + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
