"""tools/content/linkcheck.py, offline: against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import entry_text, line_of, make_corpus
from tools import cli
from tools.content import linkcheck


class Handler(BaseHTTPRequestHandler):
    """/ok 200; /gone 404; /moved → /ok (301); /nohead: 405 to HEAD, 200 to GET; /slow answers
    after 3 s; /error 500; /robots 403."""

    def log_message(self, *args):
        pass

    def _answer(self, body: bool) -> None:
        path = self.path
        if path == "/slow":
            time.sleep(3)
        if path == "/nohead" and self.command == "HEAD":
            code = 405
        else:
            code = {"/ok": 200, "/gone": 404, "/moved": 301, "/nohead": 200, "/slow": 200, "/error": 500,
                    "/robots": 403}.get(path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"hi")

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def corpus(tmp_path, server):
    text = entry_text(links=f"""
  - title: A page that exists
    url: {server}/ok
  - title: A page that is gone
    url: {server}/gone
    archive_url: {server}/moved""")
    text = text.replace("## Enseignements", f"Voir [la note]({server}/nohead) et <{server}/error>.\n\n## Enseignements")
    make_corpus(tmp_path, {"ma/ma-x.fr.md": text})
    return text


def test_collect_finds_front_matter_and_body_addresses_with_their_lines(tmp_path, server):
    text = corpus(tmp_path, server)
    found = linkcheck.collect(tmp_path / "practices", tmp_path)
    assert set(found) == {f"{server}/ok", f"{server}/gone", f"{server}/moved", f"{server}/nohead", f"{server}/error"}
    (use,) = found[f"{server}/gone"]
    assert (use.path, use.field) == ("practices/ma/ma-x.fr.md", "links[1].url")
    assert use.line == line_of(text, f"    url: {server}/gone")
    assert found[f"{server}/moved"][0].field == "links[1].archive_url"
    assert found[f"{server}/nohead"][0].line == line_of(text, "Voir [la note]")
    assert found[f"{server}/error"][0].field == "body"


def test_each_outcome(server):
    clock = linkcheck._HostClock(0)
    # The slow address answers after 3 s: a short timeout for it alone, a generous one elsewhere.
    results = {path: linkcheck.check_url(f"{server}{path}", clock, timeout=0.3 if path == "/slow" else 2)
               for path in ("/ok", "/gone", "/moved", "/nohead", "/slow", "/error", "/robots")}
    assert (results["/ok"].outcome, results["/ok"].status) == ("ok", 200)
    assert (results["/gone"].outcome, results["/gone"].status) == ("broken", 404)
    assert results["/moved"].outcome == "redirected" and results["/moved"].final_url == f"{server}/ok"
    assert (results["/nohead"].outcome, results["/nohead"].status) == ("ok", 200)  # GET after a refused HEAD
    assert results["/slow"].outcome == "timeout" and results["/slow"].status is None
    assert (results["/error"].outcome, results["/error"].status) == ("broken", 500)
    assert results["/robots"].outcome == "refused" and not results["/robots"].failed
    assert [p for p, r in results.items() if r.failed] == ["/gone", "/slow", "/error"]


def test_requests_to_one_host_are_spaced_out(server):
    # A clock that stands still and records the waits asked of it (no real sleeping): each request
    # to the host waits one more interval than the one before.
    waits = []
    clock = linkcheck._HostClock(0.3, now=lambda: 100.0, sleep=waits.append)
    results = linkcheck.check_all({f"{server}/ok": [], f"{server}/gone": [], f"{server}/nohead": []},
                                  timeout=2, workers=3, clock=clock)
    # Three addresses on one host, plus a GET after each non-2xx HEAD: at least four turns of 0.3 s.
    assert len(waits) >= 3
    assert sorted(waits) == pytest.approx([0.3 * turn for turn in range(1, len(waits) + 1)])
    assert len(results) == 3


def test_the_host_clock_sleeps_until_the_hosts_turn():
    slept = []
    times = iter([10.0, 10.1, 10.5])
    clock = linkcheck._HostClock(0.3, now=lambda: next(times), sleep=slept.append)
    clock.wait("a")  # first request: at once
    clock.wait("a")  # 0.1 s later: 0.2 s left of its interval
    clock.wait("b")  # another host: at once
    assert slept == [pytest.approx(0.2)]


def test_command_reports_file_and_line_and_exits_1(tmp_path, server, monkeypatch, capsys):
    text = corpus(tmp_path, server)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    status = cli.main(["linkcheck", "--no-network-check", "--timeout", "2", "--interval", "0"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    gone = line_of(text, f"    url: {server}/gone")
    assert f"practices/ma/ma-x.fr.md:{gone}: links[1].url: {server}/gone (broken: 404 Not Found)" in out
    assert any(line.startswith("practices/ma/ma-x.fr.md:") and f"{server}/error (broken: 500" in line for line in out)
    assert out[-1] == "5 addresses checked: 2 broken, 0 refused by the server (may need a browser), 1 redirected, 2 ok."


def test_markdown_report_groups_broken_links_by_file(tmp_path, server, monkeypatch, capsys):
    corpus(tmp_path, server)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    report = tmp_path / "report.md"
    assert cli.main(["linkcheck", "--no-network-check", "--interval", "0", "--format", "markdown",
                     "--output", str(report)]) == 1
    text = report.read_text(encoding="utf-8")
    assert "## `practices/ma/ma-x.fr.md`" in text
    assert f"<{server}/gone> — broken: 404 Not Found" in text
    assert f"{server}/ok>" not in text  # only what needs fixing
    assert capsys.readouterr().out.startswith("5 addresses checked: 2 broken")


def test_json_report(tmp_path, server, monkeypatch, capsys):
    corpus(tmp_path, server)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    cli.main(["linkcheck", "--no-network-check", "--interval", "0", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    by_url = {r["url"]: r for r in data["results"]}
    assert by_url[f"{server}/gone"]["status"] == 404
    assert by_url[f"{server}/gone"]["uses"][0]["path"] == "practices/ma/ma-x.fr.md"


def test_without_network_it_says_so_and_exits_0(tmp_path, server, monkeypatch, capsys):
    corpus(tmp_path, server)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    monkeypatch.setattr(linkcheck, "network_available", lambda hosts: False)
    assert cli.main(["linkcheck"]) == 0
    assert capsys.readouterr().out.strip() == linkcheck.NO_NETWORK


def test_network_probe_is_bounded_and_false_for_a_closed_port():
    started = time.monotonic()
    assert linkcheck.network_available(["host.invalid"], timeout=0.5) is False
    assert time.monotonic() - started < 5
