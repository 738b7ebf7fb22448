"""tools/site/preview.py serves the three interfaces on one address: requests under /ar/ and /en/
go to those interfaces' development servers, the rest to the French one, and a live-reload poll
to the server of the page that polls. Checked with stand-in servers (the preview with MkDocs'
servers is tests/e2e/test_preview.py)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools.site import preview
from tools.site.preview import Forwarder, route


@pytest.mark.parametrize("path, referer, lang", [
    ("/", None, "fr"),
    ("/kb/entries/ma-x/fr/", None, "fr"),
    ("/ar/", None, "ar"),
    ("/ar", None, "ar"),
    ("/ar/kb/entries/ma-x/ar/", None, "ar"),
    ("/en/kb/", None, "en"),
    ("/arabic/", None, "fr"),
    ("/kb/ar/", None, "fr"),
    ("/livereload/123/4", "http://127.0.0.1:8000/ar/kb/entries/ma-x/ar/", "ar"),
    ("/livereload/123/4", "http://127.0.0.1:8000/en/", "en"),
    ("/livereload/123/4", "http://127.0.0.1:8000/kb/", "fr"),
    ("/livereload/123/4", None, "fr"),
    ("/ar/x/", "http://127.0.0.1:8000/en/", "ar"),  # only live-reload polls follow their page
])
def test_each_request_goes_to_its_interface(path, referer, lang):
    assert route(path, referer) == lang


class Named(BaseHTTPRequestHandler):
    """Answers '<server name> <path> <Referer>'; /moved redirects to /ar/; /gone is a 404."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/ar/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = f"{self.server.name} {self.path} {self.headers.get('Referer')}".encode()
        self.send_response(404 if self.path.endswith("/gone") else 200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def address():
    servers = {}
    for lang in ("fr", "ar"):
        servers[lang] = ThreadingHTTPServer(("127.0.0.1", 0), Named)
        servers[lang].name = lang
    # English's server is not up (still building): its port is free, nobody listens on it.
    backends = {lang: s.server_address[1] for lang, s in servers.items()} | {"en": preview.free_port()}
    front = Forwarder("127.0.0.1", 0, backends)
    running = [*servers.values(), front]
    for server in running:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{front.server_address[1]}"
    for server in running:
        server.shutdown()
        server.server_close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, referer: str | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


def test_pages_of_each_interface_come_from_its_server(address):
    assert get(address + "/kb/")[:2] == (200, "fr /kb/ None")
    assert get(address + "/ar/kb/entries/x/ar/")[:2] == (200, "ar /ar/kb/entries/x/ar/ None")


def test_a_live_reload_poll_reaches_the_server_of_its_page(address):
    page = address + "/ar/kb/entries/x/ar/"
    assert get(address + "/livereload/5/1", referer=page)[:2] == (200, f"ar /livereload/5/1 {page}")
    assert get(address + "/livereload/5/1", referer=address + "/kb/")[1].startswith("fr ")


def test_status_and_redirects_are_passed_on(address):
    assert get(address + "/ar/gone")[:2] == (404, "ar /ar/gone None")
    status, _, headers = get(address + "/moved")
    assert status == 302 and headers["Location"] == "/ar/"


def test_an_interface_whose_server_is_not_up_answers_503(address):
    status, body, _ = get(address + "/en/")
    assert status == 503 and "still being built" in body
    assert ".." not in body  # http.server's page ends the message with its own period (found by breaker11)


def test_a_taken_port_is_refused_in_one_line(tmp_path):
    from tools.errors import UsageError
    from tools.project import Project

    with ThreadingHTTPServer(("127.0.0.1", 0), Named) as taken:
        port = taken.server_address[1]
        with pytest.raises(UsageError, match=f"port {port} on 127.0.0.1 is already in use; .*PORT={port + 1}"):
            preview.preview(Project(tmp_path), "127.0.0.1", port)
