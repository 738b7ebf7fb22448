"""A bounded load test of a running server, on this machine only.

    python -m tools.web.loadtest [--url http://127.0.0.1:8000] [--seconds 30] [--clients 16 64]
                                 [--during "python -m tools build --no-site --force --quiet"] [--json]

Each client is one keep-alive HTTP/1.1 connection sending requests back to back for a fixed
duration: 40% searches with words only, 25% searches with filters (and browsing by filters),
10% completions, 25% static pages (home, search page, entry pages in fr/ar/en, an asset).
Reports per run: requests/s, p50/p99 latency in ms, and errors (any status other than 200, or a
broken connection), overall and per kind. `--during CMD` runs a command (e.g. a rebuild that swaps
the index in) two seconds into each run, to show that no request is dropped meanwhile.
`--fresh` makes every search miss the server's answer cache (the engine's own cost).
Refuses any address other than loopback: it is a tool for measuring, not for hitting servers.
Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import shlex
import subprocess
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import quote, urlsplit

from tools.project import Project

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WORDS = ["enquete emploi", "migration de retour", "recensement", "transferts de fonds", "permis de travail",
         "ODD 10.7.1", "HIMS", "الهجرة", "سوق العمل", "labour force survey", "remittances", "consular registers",
         "enquête ménages Maroc", "harmonisation des données", "emploi des migrants Tunisie", "ENE", "RGPH",
         "placement agencies", "statistiques frontalieres", "migration irreguliere", "تحويلات المهاجرين"]
FILTERS = ["country=MA", "country=TN", "country=DZ,MR", "type=tool", "theme=remittances", "lang=ar",
           "data_source=labour-force-survey", "country=TN&type=methodology", "lang=en&country=MA"]
PREFIXES = ["enq", "migr", "rec", "trans", "الهج", "lab", "perm", "cons", "harm", "emp"]


def static_paths(site: Path, limit: int = 60) -> list[str]:
    """Site addresses to fetch: home, the search page, the three interfaces, entry pages in each
    language, one stylesheet (at most `limit`, fixed order)."""
    paths = ["/", "/recherche/", "/ar/", "/en/"]
    for page in sorted(site.glob("kb/entries/*/*/index.html"))[: limit - 6]:
        paths.append("/" + page.parent.relative_to(site).as_posix() + "/")
    css = sorted(site.glob("assets/stylesheets/main.*.min.css"))
    if css:
        paths.append("/" + css[0].relative_to(site).as_posix())
    return paths


def request_mix(site: Path, seed: int = 1) -> list[tuple[str, str]]:
    """A fixed, shuffled list of (kind, path) that the clients cycle through."""
    rng = random.Random(seed)
    pages = static_paths(site)
    mix = []
    for _ in range(400):
        roll = rng.random()
        if roll < 0.40:
            mix.append(("search", "/api/search?q=" + quote(rng.choice(WORDS))))
        elif roll < 0.65:
            words = "q=" + quote(rng.choice(WORDS)) + "&" if rng.random() < 0.6 else ""
            mix.append(("search+filters", f"/api/search?{words}{rng.choice(FILTERS)}"))
        elif roll < 0.75:
            mix.append(("suggest", "/api/suggest?q=" + quote(rng.choice(PREFIXES))))
        else:
            mix.append(("page", rng.choice(pages)))
    return mix


async def _read_response(reader: asyncio.StreamReader, body: list | None = None) -> int:
    """Reads one HTTP/1.1 response; returns its status, and appends (headers {lower-case name:
    value}, body bytes as sent) to `body` when given. Raises ConnectionError on a broken one."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    data = b""
    if "content-length" in headers:
        data = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            parts.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
        data = b"".join(parts)
    if body is not None:
        body.append((headers, data))
    if headers.get("connection", "").lower() == "close":
        raise ConnectionResetError("server closed the connection")
    return status


def json_ok(headers: dict, data: bytes) -> bool:
    """Whether a response body (gzip-compressed or not, as its content-encoding says) is a JSON
    object whose "ok" is true: an API answer, not an error."""
    if headers.get("content-encoding") == "gzip":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return False
    return data.startswith(b'{"ok":true')


async def timed_gets(host: str, port: int, paths: list[str], timeout: float = 60.0) -> tuple[list[float], int]:
    """GET each path in turn on one keep-alive HTTP/1.1 connection to host:port (loopback only),
    as a browser asks (Accept-Encoding: gzip). Returns the latencies in ms (one per path: request
    written to answer read in full) and the number of requests that failed: no answer within
    `timeout` seconds, a broken connection (reopened for the next), a status other than 200 or a
    body that is not {"ok": true, ...} (decompressed to be checked). A lean client (no header
    objects, no redirects, no cookies), so that on a machine shared with the server the
    measurement's own CPU stays small; the server does the same work as for any client."""
    if host not in LOOPBACK:
        raise ValueError(f"only loopback addresses may be load-tested, not {host!r}")
    times: list[float] = []
    failed = 0
    reader = writer = None
    for path in paths:
        began = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n"
                         "Accept-Encoding: gzip\r\n\r\n".encode())
            got: list = []
            status = await asyncio.wait_for(_read_response(reader, got), timeout)
            if status != 200 or not json_ok(*got[0]):
                failed += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError,
                IndexError, EOFError):
            failed += 1
            if writer is not None:
                writer.close()
            reader = writer = None
        times.append((time.perf_counter() - began) * 1000)
    if writer is not None:
        writer.close()
    return times, failed


async def _client(host: str, port: int, mix, start: int, stop_at: float, out: list, fresh: bool = False) -> None:
    i, reader, writer = start, None, None
    while time.monotonic() < stop_at:
        kind, path = mix[i % len(mix)]
        i += 1
        if fresh and kind.startswith("search"):
            # A number no entry holds makes each search new to the server's answer cache.
            nonce = random.randrange(10**6)
            path = path.replace("?q=", f"?q={nonce}+", 1) if "?q=" in path else f"{path}&q={nonce}"
        began = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode())
            status = await asyncio.wait_for(_read_response(reader), 30)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError,
                IndexError):
            status = 0
            if writer is not None:
                writer.close()
            reader = writer = None
        out.append((kind, status, (time.perf_counter() - began) * 1000))
    if writer is not None:
        writer.close()


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summarise(samples: list[tuple[str, int, float]], seconds: float) -> dict:
    """{requests, rps, p50_ms, p99_ms, errors, statuses{}, kinds{kind: {requests, p50_ms, p99_ms, errors}}}"""
    def stats(rows):
        ms = [r[2] for r in rows]
        return {"requests": len(rows), "p50_ms": round(_percentile(ms, 50), 1), "p99_ms": round(_percentile(ms, 99), 1),
                "errors": sum(1 for r in rows if r[1] != 200)}

    statuses: dict[str, int] = {}
    for _, status, _ in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    kinds = sorted({k for k, _, _ in samples})
    return {**stats(samples), "rps": round(len(samples) / seconds, 1), "statuses": statuses,
            "kinds": {k: stats([s for s in samples if s[0] == k]) for k in kinds}}


async def run(url: str, clients: int, seconds: float, mix, during: str | None = None, fresh: bool = False) -> dict:
    """One run of `clients` connections for `seconds`; returns summarise()'s dict plus the
    command run meanwhile and its exit status."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    samples: list = []
    stop_at = time.monotonic() + seconds
    proc = None

    async def start_during():
        nonlocal proc
        await asyncio.sleep(2)
        proc = await asyncio.create_subprocess_exec(*shlex.split(during), stdout=subprocess.DEVNULL)

    tasks = [_client(host, port, mix, i * 7, stop_at, samples, fresh) for i in range(clients)]
    if during:
        tasks.append(start_during())
    began = time.monotonic()
    await asyncio.gather(*tasks)
    result = summarise(samples, time.monotonic() - began)
    result.update(clients=clients, seconds=seconds)
    if proc is not None:
        result["during"] = {"command": during, "exit": await proc.wait()}
    return result


def main(argv: list[str] | None = None) -> int:
    """Load-test a running server on loopback (refuses any other address) with one run per --clients
    value; prints requests per second and p50/p99 latency (ms). Exit status 1 if any request got no 200."""
    p = argparse.ArgumentParser(prog="python -m tools.web.loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="a running server, on loopback")
    p.add_argument("--seconds", type=float, default=30.0, help="duration of each run (default 30)")
    p.add_argument("--clients", type=int, nargs="+", default=[16, 64], help="concurrent connections per run")
    p.add_argument("--during", help="a command to run 2 s into each run (e.g. a rebuild)")
    p.add_argument("--fresh", action="store_true", help="make every search new to the server's answer cache")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    args = p.parse_args(argv)
    if urlsplit(args.url).hostname not in LOOPBACK:
        p.error("only loopback addresses (127.0.0.1, localhost, ::1) may be load-tested")
    if not 1 <= args.seconds <= 600 or not all(1 <= c <= 512 for c in args.clients):
        p.error("--seconds must be 1..600 and --clients 1..512")
    mix = request_mix(Project().site)
    results = [asyncio.run(run(args.url, c, args.seconds, mix, args.during, args.fresh)) for c in args.clients]
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for r in results:
            print(f"{r['clients']:>3} clients, {r['seconds']:g} s: {r['rps']} req/s, p50 {r['p50_ms']} ms, "
                  f"p99 {r['p99_ms']} ms, errors {r['errors']} of {r['requests']}  statuses {r['statuses']}")
            for kind, k in r["kinds"].items():
                print(f"      {kind:<15} {k['requests']:>6} req, p50 {k['p50_ms']} ms, p99 {k['p99_ms']} ms, "
                      f"errors {k['errors']}")
            if "during" in r:
                print(f"      meanwhile: {r['during']['command']} -> exit {r['during']['exit']}")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
