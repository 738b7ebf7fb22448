"""The command line of the knowledge base: the only argparse in the project.

    python -m tools check [--strict] [--format text|github|json]
    python -m tools build [--no-site] [--force] [--quiet] [--strict]
    python -m tools serve [--host H] [--port P] [--workers N] [--quiet]
    python -m tools preview [--host H] [--port P]
    python -m tools offline
    python -m tools new --folder ma --type tool --lang fr "Titre"   |   new --translate ID --lang ar
    python -m tools search "enquete emploi" [--country MA] [--json]
    python -m tools schema [--write-guides] [--json-schema]
    python -m tools linkcheck [--format text|markdown|json] [--output FILE]
    python -m tools bench [...]

`build_index.py` is `check`/`build` with the historical flags (`--check`).
Exit status: 0 success, 1 content refused (errors, or warnings with --strict; no search result;
scaffold refused), 2 bad usage or a failed build (tools.errors.KBError.exit_code).
"""

from __future__ import annotations

import argparse
import errno
import html
import json
import re
import signal
import sys
import time

import yaml

from tools.content.vocab import Vocabularies
from tools.errors import KBError, UsageError
from tools.project import Project


def _check(args: argparse.Namespace) -> int:
    from tools.content.problems import render
    from tools.content.validate import load_collection

    project = Project()
    _, problems, files = load_collection(project.practices, project.root, vocabs=args.vocabs)
    print(render(problems, files, args.format))
    failed = any(p.severity == "error" or args.strict for p in problems)
    return 1 if failed else 0


def _build(args: argparse.Namespace) -> int:
    from tools.content.problems import render
    from tools.pipeline import run

    report = run(Project(), site=not args.no_site, force=args.force, progress=not args.quiet, vocabs=args.vocabs)
    if report.problems or not report.ok:
        print(render(report.problems, report.files, args.format), file=sys.stderr)
    if not report.ok and args.format != "json":  # the JSON report stays one JSON document
        print(report.refusal(), file=sys.stderr)
    if not report.ok or (args.strict and report.problems):
        return 1
    print(report.line())
    return 0


def check_port(host: str, port: int) -> None:
    """Raises UsageError (exit 2) naming another port when `port` on `host` cannot be bound (taken
    by another server, or not allowed), so `make serve` says so in one line before announcing an
    address it will not serve; uvicorn would print its own traceback-like error after ours."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UsageError(f"cannot serve on host '{host[:80]}': {exc}") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR as uvicorn sets it: a port in TIME_WAIT after a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror or exc})"
            raise UsageError(f"port {port} on {host} {reason}; "
                             f"choose another port: make serve PORT={_other_port(port)}") from None


def _other_port(port: int) -> int:
    return port + 1 if 0 < port < 65535 else 8001


def _serve(args: argparse.Namespace) -> int:
    from tools.web import server

    if args.workers < 1:
        args.parser.error("--workers must be at least 1")
    check_port(args.host, args.port)
    print(f"Serving on http://{args.host}:{args.port}/ with {args.workers} worker process(es) "
          "(search API at /api/search; Ctrl-C to stop)")
    server.run(args.host, args.port, args.workers, args.quiet)
    return 0


def _preview(args: argparse.Namespace) -> int:
    from tools.site.preview import preview

    return preview(Project(), args.host, args.port)


def _offline(args: argparse.Namespace) -> int:
    from tools.site.offline import build_offline

    started = time.perf_counter()
    out = build_offline(Project())
    size = out.stat().st_size / 1e6
    print(f"Wrote {out} ({size:.1f} MB) in {time.perf_counter() - started:.1f} s: unzip it and open "
          "maghreb-migration-travail/index.html in a browser.")
    return 0


def _ask(prompt: str, choices: tuple[str, ...] | None = None) -> str:
    hint = f" [{'/'.join(choices)}]" if choices else ""
    while True:
        answer = input(f"{prompt}{hint}: ").strip()
        if answer and (not choices or answer in choices):
            return answer
        print("  " + (f"choose one of: {', '.join(choices)}" if choices else "please answer"))


def _new(args: argparse.Namespace) -> int:
    from tools.content import schema
    from tools.scaffold import new_entry, title_words, translate

    project = Project()
    interactive = sys.stdin.isatty()
    if args.translate:
        lang = args.lang or (_ask("Language of the translation", schema.LANGS) if interactive else None)
        if not lang:
            args.parser.error("--translate needs --lang")
        path = translate(project, args.translate, lang)
    else:
        missing = [n for n in ("folder", "type", "lang", "title") if not getattr(args, n)]
        if missing and not interactive:
            args.parser.error(f"missing {', '.join('--' + m if m != 'title' else 'title' for m in missing)}")
        folder = args.folder or _ask("Folder (maintaining country)", args.vocabs.folders())
        kind = args.type or _ask("Type", args.vocabs.terms("types"))
        lang = args.lang or _ask("Language", schema.LANGS)
        title = args.title or _ask("Title")
        path = new_entry(project, folder, kind, lang, title, args.theme, args.id, vocabs=args.vocabs)
    shown = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    print(f"Created {shown}: replace every TODO, then run 'make check'.")
    if not args.translate and not args.id and not title_words(title):
        entry_id, prefix = path.name.split(".")[0], "" if folder == "regional" else f"{folder}-"
        # The title had no Latin letters (an Arabic title): the id was made from the type, and an id
        # is the page's address for good.
        print(f"The id '{entry_id}' was made from the type: the title has no Latin letters. Ids never change once "
              f"published: delete the file and run the command again with --id {prefix}<a-few-words> "
              f"(lower-case Latin letters, digits, hyphens), e.g. --id {prefix}enquete-emploi.")
    return 0


def _search(args: argparse.Namespace) -> int:
    from tools.search.engine import SearchIndex

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    engine = SearchIndex(Project().index)
    if not engine.available():
        print("The search index is not built yet: run 'make build' first.", file=sys.stderr)
        return 2
    query = " ".join(w for w in args.query if w)
    filters = _search_filters(args, args.vocabs)
    found = engine.search(query, filters, page=args.page)
    if args.json:
        print(json.dumps(_api_body(found, query, filters, args.vocabs), ensure_ascii=False, indent=1))
        return 0 if found["total"] else 1
    if found.get("hint"):
        print(found["hint"], file=sys.stderr)
        if found.get("hint_code") != "syntax_ignored":  # that one comes with results
            return 1
    for exp in found["expansions"]:
        print(f"(also searched: {exp['matched']} → {', '.join(exp['added'][:6])})")
    print(f"{found['total']} {'entry' if found['total'] == 1 else 'entries'}"
          + ("" if found.get("strong", True) or not found["total"] else " (none answers the whole query)"))
    for i, r in enumerate(found["results"], start=(found["page"] - 1) * found["page_size"] + 1):
        snippet = html.unescape(re.sub(r"</?mark[^>]*>", "*", r["snippet"]))
        print(f"{i:>3}. {r['title']}  [{r['type']}, {', '.join(r['countries']) or 'regional'}, {r['lang']}]")
        print(f"     {r['url']}\n     {snippet[:200]}")
    if found["did_you_mean"]:
        print(f"Did you mean: {found['did_you_mean']}?")
    return 0 if found["total"] else 1


def _api_body(found: dict, query: str, filters: dict[str, list[str]], vocabs: Vocabularies) -> dict:
    """The search API's answer to /api/search?q=query&<filters> (no ui=) for the engine's `found`:
    the same keys and facet shape (tools.web.api), so that a script can use either."""
    from tools.i18n import DEFAULT_LANG
    from tools.site.facets import FACETS
    from tools.web.api import facet_results, notes

    by_facet = {f: filters[f.field] for f in FACETS if filters.get(f.field)}
    facets = facet_results(found["facets"], query, by_facet, DEFAULT_LANG, None, vocabs)
    return {"ok": True, **found, "facets": facets, "ui": DEFAULT_LANG,
            "notes": notes(facets, by_facet, DEFAULT_LANG, vocabs) if not found["total"] else []}


def _search_filters(args: argparse.Namespace, vocabs: Vocabularies) -> dict[str, list[str]]:
    """{index field: [values]} from the facet options (tools.site.facets), checked against `vocabs`;
    raises UsageError for a value the facet does not accept, naming the accepted ones."""
    from tools.site.facets import FACETS

    filters = {}
    for facet in FACETS:
        values = [facet.clean(v) for raw in getattr(args, facet.param) for v in raw.split(",") if v.strip()]
        for value in values:
            if not facet.accepts(value, vocabs):
                accepted = "an ISO 3166-1 alpha-2 code such as MA" if facet.vocabulary == "countries" \
                    else ", ".join(facet.values(vocabs))
                raise UsageError(f"--{facet.param.replace('_', '-')} {value!r}: expected {accepted}")
        filters[facet.field] = values
    return filters


def _schema(args: argparse.Namespace) -> int:
    from tools.content.schema_export import GUIDES, fill, json_schema

    root = Project().root
    if args.json_schema:
        print(json.dumps(json_schema(args.vocabs), ensure_ascii=False, indent=2))
    if args.write_guides:
        for lang, name in GUIDES.items():
            path = root / name
            if path.exists():
                old = path.read_text(encoding="utf-8")
                new = fill(old, lang, args.vocabs)
                if new != old:
                    path.write_text(new, encoding="utf-8")
                    print(f"updated {name}")
    if not (args.json_schema or args.write_guides):
        args.parser.print_help()
        return 2
    return 0


def _linkcheck(args: argparse.Namespace) -> int:
    from pathlib import Path
    from urllib.parse import urlsplit

    from tools.content import linkcheck

    project = Project()
    found = linkcheck.collect(project.practices, project.root)
    hosts = list(dict.fromkeys(urlsplit(u).hostname or "" for u in found))
    if not args.no_network_check and not linkcheck.network_available(hosts):
        print(linkcheck.NO_NETWORK)
        return 0
    results = linkcheck.check_all(found, timeout=args.timeout, interval=args.interval, workers=args.workers)
    text = linkcheck.report(results, args.format)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(linkcheck.report(results, "text").splitlines()[-1])
    else:
        print(text)
    return 1 if any(r.failed for r in results) else 0


def _bench(args: argparse.Namespace) -> int:
    from tools import bench

    return bench.main(args.rest)


def _address(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)


def _problem_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "github", "json"), default="text", help="problem format")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")


def parser(vocabs: Vocabularies | None = None) -> argparse.ArgumentParser:
    """The argument parser of `python -m tools`, one sub-command per task. The choices come from
    `vocabs` (None: the project's, read now), which every command receives as `args.vocabs`.
    Raises OSError or yaml.YAMLError if the data files cannot be read."""
    vocabs = vocabs or Project().vocabularies()
    top = argparse.ArgumentParser(prog="python -m tools", description="Labour-migration data knowledge base.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, parser=p, vocabs=vocabs)
        return p

    _problem_options(command("check", _check, "validate every entry (exit 1 on errors)"))
    p = command("build", _build, "validate, generate pages and exports, index, build the site (what changed)")
    _problem_options(p)
    p.add_argument("--no-site", action="store_true", help="skip the MkDocs build (pages and index only)")
    p.add_argument("--force", action="store_true", help="redo every stage even if nothing changed")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p = command("serve", _serve, "serve the built site and the search API")
    _address(p)
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1; 2 or more pays on a machine with several cores)")
    p.add_argument("--quiet", action="store_true", help="no line per request, warnings and errors only")
    _address(command("preview", _preview, "live preview while editing entries (no search API)"))
    command("offline", _offline, "zip of the whole site that works from file://")

    p = command("new", _new, "create a new entry (or a translation) from a skeleton")
    from tools.content import schema

    p.add_argument("title", nargs="?", help="title of the entry, in its language")
    p.add_argument("--folder", choices=vocabs.folders())
    p.add_argument("--type", choices=vocabs.terms("types"))
    p.add_argument("--lang", choices=schema.LANGS)
    p.add_argument("--theme", action="append", default=[], help="a theme (repeatable)")
    p.add_argument("--translate", metavar="ID", help="start a translation of entry ID in --lang")
    p.add_argument("--id", help="the entry's id (default: made from the title)")

    p = command("search", _search, "search the knowledge base")
    p.add_argument("query", nargs="*", default=[], help="words to search (several are joined, as repeated q= in "
                   "the API); none lists everything")
    from tools.site.facets import FACETS

    for facet in FACETS:
        accepted = "ISO code, e.g. MA" if facet.vocabulary == "countries" else ", ".join(facet.values(vocabs))
        p.add_argument("--" + facet.param.replace("_", "-"), dest=facet.param, action="append", default=[],
                       metavar=facet.param.upper(), help=f"{facet.title('en', vocabs)}: {accepted} (repeatable)")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print the API's JSON")

    p = command("schema", _schema, "outputs derived from the entry schema")
    p.add_argument("--write-guides", action="store_true", help="refill the tables in CONTRIBUTING*.md")
    p.add_argument("--json-schema", action="store_true", help="print the JSON Schema")

    p = command("linkcheck", _linkcheck, "check every external link of every entry (needs internet; exit 1 if broken)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--output", help="write the report to this file (the summary line is printed)")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds per request (default 15)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between two requests to one host")
    p.add_argument("--workers", type=int, default=4, help="addresses checked at once (default 4)")
    p.add_argument("--no-network-check", action="store_true", help=argparse.SUPPRESS)

    p = command("bench", _bench, "benchmarks: relevance, latency, build time, page weight")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="options of the benchmark (see: bench --help)")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns its exit status. Expected failures (KBError) print one line
    `error: message` on stderr and return the error's exit code; no traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"] and any(a.startswith("--scale") for a in argv):
        from tools import bench  # the scale benchmark parses its own options (bench --scale --help)

        return bench.main(argv[1:])
    try:
        vocabs = Project().vocabularies()  # read once for the command, handed down as args.vocabs
    except (OSError, yaml.YAMLError) as exc:
        print(f"error: the vocabularies cannot be read: {exc}", file=sys.stderr)
        return 2
    top = parser(vocabs)
    args, extra = top.parse_known_args(argv)
    if extra and args.command == "bench":  # `bench --no-browser`: argparse's REMAINDER misses leading options
        args.rest = extra + args.rest
    elif extra:  # the command's own usage, not the list of commands
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.handler(args)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
