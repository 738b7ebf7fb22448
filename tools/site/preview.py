"""Live preview for contributors: `make preview`.

Watches practices/ and the vocabulary and glossary; on each save it checks the entries, rewrites
the generated pages that changed (entry, tag and country pages) in the three interfaces, and
MkDocs' development servers reload the browser. A broken entry prints its problems and the preview
keeps the last good pages. (The search API is not part of the preview: `make serve` runs the full
site.)

One MkDocs development server per interface (French at /, Arabic at /ar/, English at /en/, as in
the built site), each on its own loopback port, behind a small forwarding server on the address
the contributor opens. MkDocs' live-reload script polls `/livereload/...` at the root whatever the
page: those requests go to the server of the page that asks (its Referer).
"""

from __future__ import annotations

import errno
import http.client
import os
import shutil
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from tools import i18n
from tools.content.problems import errors, render
from tools.content.validate import load_collection
from tools.errors import BuildError, UsageError
from tools.project import Project, Settings
from tools.site import languages
from tools.site.generate import generate_docs
from tools.site.mkdocs import serve_mkdocs

POLL_SECONDS = 0.3
LIVERELOAD = "/livereload/"
# MkDocs answers a live-reload poll within 60 s; the forwarding waits a little longer than that.
BACKEND_TIMEOUT_SECONDS = 90
# Headers that belong to one connection, not to the message (RFC 9110, 7.6.1): not forwarded.
# Generated pages are reached from listings, not from the nav: MkDocs would list each of them (~900
# per interface) at every rebuild as "not included in the nav" (an INFO message). Hand-written
# pages left out of the nav are still reported; warnings and errors are untouched.
NOT_IN_NAV = "/kb/\n"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authenticate", "proxy-authorization"}


def _snapshot(project: Project) -> dict:
    paths = (list(project.practices.rglob("*.md")) + list(project.data.glob("*.yml"))
             + list(project.root.glob("CONTRIBUTING*.md")) + [project.config_file])
    return {p: p.stat().st_mtime_ns for p in paths if p.is_file()}


def config_path(project: Project, lang: str) -> Path:
    """The preview's MkDocs config of interface `lang`: build/preview/mkdocs.<lang>.yml (apart from
    the build's own configs, so a `make build` meanwhile changes neither)."""
    return project.build / "preview" / f"mkdocs.{lang}.yml"


def write_configs(project: Project, settings: Settings, vocabs, url: str) -> list[Path]:
    """Write each interface's preview config (only those whose text changed, so that MkDocs
    rebuilds only for a real change): the build's config with site_url `url` (+ '<lang>/' for
    the other interfaces), so each development server serves its pages where the built site has
    them, and generated pages marked as not in the nav (NOT_IN_NAV). Returns the config paths,
    the default language first."""
    out = []
    for lang in i18n.LANGS:
        data = languages.config_data(project.root, lang, project.build / "preview" / "site" / lang, settings, vocabs)
        data["site_url"] = url if lang == i18n.DEFAULT_LANG else f"{url}{lang}/"
        data["not_in_nav"] = NOT_IN_NAV
        path = config_path(project, lang)
        text = languages.config_text(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            same = path.read_text(encoding="utf-8") == text
        except OSError:
            same = False
        if not same:
            path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def refresh(project: Project, url: str = "http://127.0.0.1:8000/") -> bool:
    """Check the entries and, when they have no errors, rewrite the generated pages that changed
    in each interface's docs tree, and the preview's configs (site address `url`, with a trailing
    slash). Settings and vocabularies (vocabulary, glossary, interface strings) are read anew on
    each call and used for this rebuild only, so an edit to tools/data/*.yml shows at the next save.
    Returns True if the pages were updated."""
    try:
        vocabs = project.vocabularies()
    except (OSError, yaml.YAMLError) as exc:
        print(f"Preview not updated: {exc}", flush=True)
        return False
    entries, problems, files = load_collection(project.practices, project.root, vocabs=vocabs)
    if problems:
        print(render(problems, files), flush=True)
    if errors(problems):
        print("Preview not updated: fix the errors above and save again.", flush=True)
        return False
    try:
        settings = Settings.load(project)
    except BuildError as exc:
        print(f"Preview not updated: {exc}", flush=True)
        return False
    changes = generate_docs(entries, project, settings, vocabs)
    write_configs(project, settings, vocabs, url)
    touched = sum(len(written) + len(removed) for written, removed in changes.values())
    print(f"Updated {touched} generated file(s).", flush=True)
    return True


def route(path: str, referer: str | None = None) -> str:
    """The interface language whose server answers a request for `path` (the URL's path): 'ar'
    or 'en' under /ar/ or /en/, else the default language; a live-reload poll goes where the page
    that polls (`referer`, a URL) belongs."""
    if path.startswith(LIVERELOAD) and referer:
        path = urlsplit(referer).path
    for lang in i18n.OTHER_LANGS:
        if path == f"/{lang}" or path.startswith(f"/{lang}/"):
            return lang
    return i18n.DEFAULT_LANG


class _Forward(BaseHTTPRequestHandler):
    """Forwards GET and HEAD to the interface's development server (server.backends: {lang:
    port}), and its answer back; 503 while that server is not up yet."""

    protocol_version = "HTTP/1.0"  # one request per connection: the body ends when the connection does

    def log_message(self, *args):  # MkDocs' servers log the requests already
        pass

    def _forward(self) -> None:
        port = self.server.backends[route(urlsplit(self.path).path, self.headers.get("Referer"))]
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=BACKEND_TIMEOUT_SECONDS)
        try:
            conn.request(self.command, self.path, headers=headers)
            answer = conn.getresponse()
            body = answer.read()
        except OSError:
            conn.close()
            # No final period: http.server's error page adds one ("reload in a moment..").
            self.send_error(503, "This interface is still being built: reload in a moment")
            return
        conn.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length", "server", "date"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        """Forward a GET."""
        self._forward()

    def do_HEAD(self):
        """Forward a HEAD."""
        self._forward()


class Forwarder(ThreadingHTTPServer):
    """The address the contributor opens: {lang: loopback port of its MkDocs server} in
    `backends`, requests routed by route(). Raises OSError when host:port cannot be bound."""

    daemon_threads = True  # a live-reload poll left waiting must not keep the preview from stopping

    def __init__(self, host: str, port: int, backends: dict[str, int]):
        self.backends = backends
        super().__init__((host, port), _Forward)


def free_port() -> int:
    """A loopback TCP port free at the time of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def temp_folder(project: Project) -> Path:
    """build/preview-tmp/<this process id>/, created empty: the TMPDIR of this preview's MkDocs
    servers (each builds its site in a mkdtemp folder there). Folders of previews no longer running
    (killed: MkDocs removes its folder only on Ctrl-C) are removed first; the preview removes its
    own when it stops."""
    base = project.build / "preview-tmp"
    if base.is_dir():
        for old in base.iterdir():
            if not (old.name.isdigit() and _running(int(old.name))):
                shutil.rmtree(old, ignore_errors=True)
    folder = base / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def preview(project: Project, host: str, port: int) -> int:
    """Serve the three interfaces with live reload on host:port until Ctrl-C or SIGTERM; returns 0.
    Raises UsageError (exit 2) when host:port cannot be bound."""
    backends = {lang: free_port() for lang in i18n.LANGS}
    try:
        forwarder = Forwarder(host, port, backends)
    except OSError as exc:
        reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror or exc})"
        raise UsageError(f"port {port} on {host} {reason}; choose another port: make preview PORT={port + 1}") from None
    url = f"http://{host}:{port}/"
    refresh(project, url)
    servers = []
    serving = False
    tmp = temp_folder(project)
    try:
        for lang in i18n.LANGS:
            servers.append(serve_mkdocs("127.0.0.1", backends[lang], cwd=project.root, config=config_path(project, lang),
                                        tmp=tmp))
        threading.Thread(target=forwarder.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        serving = True
        print(f"Preview on {url} (Arabic: {url}ar/, English: {url}en/) — save an entry to see it; "
              "Ctrl-C to stop.", flush=True)
        seen = _snapshot(project)
        # `kill`/terminate() must stop MkDocs' servers too, as Ctrl-C does: turn SIGTERM into the same path.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(server.poll() is None for server in servers):
            time.sleep(POLL_SECONDS)
            now = _snapshot(project)
            if now != seen:
                seen = now
                refresh(project, url)
    except KeyboardInterrupt:
        pass
    finally:
        if serving:
            forwarder.shutdown()
        forwarder.server_close()
        try:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(10)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0
