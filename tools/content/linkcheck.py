"""Check every external link of every entry: `make linkcheck` (`python -m tools linkcheck`).

For a machine with internet access (a maintainer's, or the weekly GitHub workflow). Each address is
requested once (HEAD, then GET when a server refuses HEAD), redirects are followed and reported,
every request has a timeout, and requests to one host are spaced out (a polite rate limit).
Without network the command says so and exits 0: an offline workshop laptop is not an error.

Report lines point at the entry's file and line, like the checker's problems:
`practices/ma/ma-x.fr.md:17: links[0].url: https://... → 404 Not Found`.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tools.content.loader import entry_files, load_file

USER_AGENT = "maghreb-labour-migration-kb-linkcheck/1 (+https://github.com; polite: one request per host at a time)"
TIMEOUT_SECONDS = 15.0
HOST_INTERVAL_SECONDS = 1.0  # at least this long between two requests to the same host
WORKERS = 4
# Statuses a server uses to refuse robots or ask for patience: the page may well exist, so they are
# reported apart from broken links and do not fail the run.
REFUSED = {401, 403, 429, 999}
_BODY_LINK = re.compile(r"\]\(\s*<?(https?://[^\s)>]+)|<(https?://[^\s>]+)>")


@dataclass(frozen=True)
class Use:
    """Where an address is cited: file (as shown, relative to the repository), line, field path."""

    path: str
    line: int
    field: str


@dataclass
class Result:
    """The outcome for one address.

    status: final HTTP status (int) or None when no answer came.
    outcome: 'ok' | 'redirected' | 'refused' | 'broken' | 'timeout' | 'error'.
    final_url: the address after redirects ('' when none).
    detail: reason phrase or error text.
    seconds: time spent on the address (wall clock, including waits for the host's turn).
    """

    url: str
    status: int | None = None
    outcome: str = "error"
    final_url: str = ""
    detail: str = ""
    seconds: float = 0.0
    uses: list[Use] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True for 'broken', 'timeout' and 'error' (a refused or redirected address has not failed)."""
        return self.outcome in ("broken", "timeout", "error")


def collect(practices: Path, base: Path | None = None) -> dict[str, list[Use]]:
    """{url: [Use, ...]} for every http(s) address in the entries' front matter (links[i].url,
    links[i].archive_url) and bodies, in file order. Files the checker cannot read are skipped
    (`make check` reports them)."""
    base = base or practices.parent
    found: dict[str, list[Use]] = defaultdict(list)
    for path in entry_files(practices):
        try:
            shown = str(path.relative_to(base))
        except ValueError:
            shown = str(path)
        raw = load_file(path, shown)
        links = raw.meta.get("links") if isinstance(raw.meta, dict) else None
        for i, link in enumerate(links if isinstance(links, list) else []):
            if not isinstance(link, dict):
                continue
            for key in ("url", "archive_url"):
                url = link.get(key)
                if isinstance(url, str) and url.startswith(("http://", "https://")):
                    name = f"links[{i}].{key}"
                    found[url.strip()].append(Use(shown, raw.line(name), name))
        for offset, line in enumerate(raw.body.splitlines()):
            for m in _BODY_LINK.finditer(line):
                found[m.group(1) or m.group(2)].append(Use(shown, raw.body_line + offset, "body"))
    return dict(found)


def network_available(hosts: list[str], timeout: float = 3.0) -> bool:
    """Whether any of the hosts resolves and accepts a TCP connection on 443 or 80 within timeout
    seconds. Each attempt runs in a daemon thread so that a resolver with no network cannot hang."""
    answer, done = threading.Event(), threading.Event()
    tried = hosts[:3]
    failed = []  # hosts whose every attempt failed: when all have, the answer is known at once
    lock = threading.Lock()

    def attempt(host: str) -> None:
        for port in (443, 80):
            try:
                with socket.create_connection((host, port), timeout=timeout):
                    answer.set()
                    done.set()
                    return
            except OSError:
                continue
        with lock:
            failed.append(host)
            if len(failed) == len(tried):
                done.set()

    for host in tried:
        threading.Thread(target=attempt, args=(host,), daemon=True).start()
    done.wait(timeout * 2 + 1)
    return answer.is_set()


class _HostClock:
    """Spaces out requests to one host by `interval` seconds (thread-safe). `now` (seconds, a
    monotonic clock) and `sleep` (seconds) are time.monotonic and time.sleep unless a test gives
    its own."""

    def __init__(self, interval: float, now=time.monotonic, sleep=time.sleep):
        self.interval = interval
        self.next_at: dict[str, float] = {}
        self.lock = threading.Lock()
        self.now, self.sleep = now, sleep

    def wait(self, host: str) -> None:
        with self.lock:
            now = self.now()
            at = max(now, self.next_at.get(host, now))
            self.next_at[host] = at + self.interval
        if at > now:
            self.sleep(at - now)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _request(url: str, method: str, timeout: float) -> tuple[int, str, str]:
    """(status, reason, Location header) of one request, redirects not followed."""
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.reason, resp.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc.reason), exc.headers.get("Location", "") if exc.headers else ""


def check_url(url: str, clock: _HostClock, timeout: float = TIMEOUT_SECONDS, max_redirects: int = 5) -> Result:
    """Request url (HEAD, then GET if the server refuses HEAD), following up to max_redirects
    redirects, each hop waiting for its host's turn. Never raises: failures are in the Result."""
    started = time.monotonic()
    result = Result(url)
    current, hops = url, 0
    try:
        while True:
            host = urllib.parse.urlsplit(current).hostname or ""
            clock.wait(host)
            status, reason, location = _request(current, "HEAD", timeout)
            if not 200 <= status < 400:  # many servers answer HEAD wrongly: GET decides
                clock.wait(host)
                status, reason, location = _request(current, "GET", timeout)
            if status in (301, 302, 303, 307, 308) and location and hops < max_redirects:
                current, hops = urllib.parse.urljoin(current, location), hops + 1
                continue
            break
        result.status, result.detail = status, reason
        result.final_url = current if current != url else ""
        if 200 <= status < 300:
            result.outcome = "redirected" if result.final_url else "ok"
        elif status in REFUSED:
            result.outcome = "refused"
        else:
            result.outcome = "broken"
    except TimeoutError:
        result.outcome, result.detail = "timeout", f"no answer within {timeout:g} s"
    except urllib.error.URLError as exc:
        reason = exc.reason
        timed_out = isinstance(reason, (TimeoutError, socket.timeout))
        result.outcome = "timeout" if timed_out else "error"
        result.detail = f"no answer within {timeout:g} s" if timed_out else str(reason)[:200]
    except (OSError, ValueError) as exc:
        result.outcome, result.detail = "error", str(exc)[:200]
    result.seconds = time.monotonic() - started
    return result


def check_all(found: dict[str, list[Use]], *, timeout: float = TIMEOUT_SECONDS,
              interval: float = HOST_INTERVAL_SECONDS, workers: int = WORKERS,
              clock: _HostClock | None = None) -> list[Result]:
    """Check each address once (workers threads, one host at a time per interval seconds; `clock`
    replaces the _HostClock(interval) that spaces them). Returns the Results sorted by first use
    (file, line)."""
    clock = clock or _HostClock(interval)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda url: check_url(url, clock, timeout), found))
    for result in results:
        result.uses = found[result.url]
    return sorted(results, key=lambda r: (r.uses[0].path, r.uses[0].line) if r.uses else ("", 0))


def _line(result: Result, use: Use) -> str:
    if result.status is not None:
        what = f"{result.status} {result.detail}".strip()
    else:
        what = result.detail
    moved = f" → {result.final_url}" if result.final_url else ""
    return f"{use.path}:{use.line}: {use.field}: {result.url}{moved} ({result.outcome}: {what})"


def report(results: list[Result], fmt: str = "text") -> str:
    """The report: 'text' (one line per failing use, then refused and redirected ones, then a summary),
    'markdown' (the same grouped by file, for a GitHub issue) or 'json'."""
    failed = [r for r in results if r.failed]
    refused = [r for r in results if r.outcome == "refused"]
    moved = [r for r in results if r.outcome == "redirected"]
    summary = (f"{len(results)} addresses checked: {len(failed)} broken, {len(refused)} refused by the server "
               f"(may need a browser), {len(moved)} redirected, "
               f"{len(results) - len(failed) - len(refused) - len(moved)} ok.")
    if fmt == "json":
        return json.dumps({"summary": summary, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1)
    if fmt == "markdown":
        out = ["# Broken links in the entries", "", summary, ""]
        by_file: dict[str, list[str]] = defaultdict(list)
        for r in failed:
            for use in r.uses:
                by_file[use.path].append(f"- line {use.line} (`{use.field}`): <{r.url}> — {r.outcome}: "
                                         f"{(str(r.status) + ' ') if r.status else ''}{r.detail}")
        for path in sorted(by_file):
            out += [f"## `{path}`", "", *by_file[path], ""]
        if refused:
            out += ["## Refused by the server (check by hand in a browser)", ""]
            out += [f"- <{r.url}> ({r.status}) in `{r.uses[0].path}:{r.uses[0].line}`" for r in refused] + [""]
        return "\n".join(out)
    lines = [_line(r, u) for r in failed for u in r.uses]
    lines += [_line(r, u) for r in refused + moved for u in r.uses]
    return "\n".join([*lines, summary])


NO_NETWORK = ("No network access: the link check was skipped. Run `make linkcheck` on a machine with "
              "internet access (the weekly GitHub workflow does).")
