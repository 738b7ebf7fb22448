"""tools/preview.py: the live preview, run as contributors run it, on a copy of the project.

The preview is `python -m tools preview` with KB_ROOT pointing at a temporary copy; it starts
MkDocs' development server as its own child. Waits are polling loops with deadlines (the
timings are generous limits, not speed requirements).

One preview for the whole session of a contributor, as in real use: it serves, follows edits in
the three interfaces, survives a broken entry, drops a removed entry, and stops with its servers.
(Each preview start builds every page three times: one start, not one per step, keeps `make test`
within its time.)
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pytest

from tests.sitebuild import REPO, copy_project, free_port

FOLDER = "ma"
ENTRY = Path("practices/ma/ma-enquete-nationale-emploi.fr.md")
ENTRY_URL = "/kb/entries/ma-enquete-nationale-emploi/fr/"
COUNTRY_URL = "/kb/countries/ma/"
NEW_TITLE = "Titre renommé pendant la prévisualisation QZX42"
AR_ENTRY = Path("practices/ma/ma-enquete-nationale-emploi.ar.md")
EN_ENTRY = Path("practices/ma/ma-enquete-nationale-emploi.en.md")
AR_URL = "/ar/kb/entries/ma-enquete-nationale-emploi/ar/"
EN_URL = "/en/kb/entries/ma-enquete-nationale-emploi/en/"
NEW_TITLES = {AR_ENTRY: "عنوان جديد أثناء المعاينة QZX42", EN_ENTRY: "Title renamed during the preview QZX42"}
START_TIMEOUT = 360  # three MkDocs servers build every page before they answer: ~90 s under load here, more on a loaded 2-core CI machine
CHANGE_TIMEOUT = 90  # three servers rebuild after a save (each interface lists the entry): ~30 s at load 10 here
STOP_TIMEOUT = 60  # the preview stops its three servers and removes their temporary sites: ~15 s at load 16 here


def get(url: str, referer: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, ""


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def alive(pid: int) -> bool:
    """A running process (not a zombie) whose command line is MkDocs' or the preview's."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, IndexError):
        return False
    return state != "Z" and (b"mkdocs" in cmdline or b"tools" in cmdline and b"preview" in cmdline)


def port_open(port: int) -> bool:
    try:
        get(f"http://127.0.0.1:{port}/")
    except OSError:
        return False
    return True


@dataclass
class Preview:
    root: Path
    port: int
    proc: subprocess.Popen
    log: Path
    server_pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until(self, what: str, check, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            assert self.proc.poll() is None, f"preview exited ({self.proc.returncode}) while waiting for {what}:\n{self.output()}"
            time.sleep(0.2)
        raise AssertionError(f"not within {timeout} s: {what}\n--- preview output ---\n{self.output()[-3000:]}")

    def stop(self) -> None:
        """Stop the preview, then any MkDocs server it left behind (each by its own pid)."""
        self.server_pids += [p for p in children(self.proc.pid) if p not in self.server_pids]
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pid in self.server_pids:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 10
                while alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)


@pytest.fixture
def preview(tmp_path, request) -> Preview:
    # The Moroccan folder only (36 of the ~200 files): three MkDocs servers build every page of the
    # collection before answering and at each save, and nothing here depends on the other folders.
    project = copy_project(tmp_path / "kb", with_practices=False)
    shutil.copytree(REPO / "practices" / FOLDER, project.root / "practices" / FOLDER)
    port = free_port()
    log = tmp_path / "preview.log"
    out = open(log, "w", encoding="utf-8")  # closed by the finalizer
    env = {**os.environ, "KB_ROOT": str(project.root), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tools", "preview", "--port", str(port)],
                            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    running = Preview(project.root, port, proc, log)

    def finish():
        running.stop()
        out.close()

    request.addfinalizer(finish)
    running.wait_until("the preview answers on /", lambda: port_open(port) and get(running.url + "/")[0] == 200,
                       START_TIMEOUT)
    running.server_pids += children(proc.pid)
    return running


def shows(preview: Preview, path: str, text: str) -> bool:
    try:
        status, body = get(preview.url + path)
    except OSError:  # MkDocs holds requests while it rebuilds: a slow rebuild is "not yet"
        return False
    return status == 200 and text in body


def h1(html: str) -> str:
    """Text of the page's h1, without its permalink anchor."""
    m = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    if not m:
        return ""
    inner = re.sub(r'<a class="headerlink".*?</a>', "", m.group(1), flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", inner)).strip()


def serves_the_collection(preview: Preview) -> None:
    status, body = get(preview.url + ENTRY_URL)
    assert status == 200
    assert "Enquête nationale sur l" in h1(body)
    assert NEW_TITLE not in body
    assert get(preview.url + COUNTRY_URL)[0] == 200
    assert preview.server_pids, "the preview runs MkDocs' server as a child process"


def follows_edits_and_survives_a_broken_entry(preview: Preview) -> Path:
    """Returns the broken file (left in place)."""
    path = preview.root / ENTRY
    text = path.read_text(encoding="utf-8")
    edited, n = re.subn(r"^title: .*$", f"title: {NEW_TITLE}", text, count=1, flags=re.M)
    assert n == 1
    path.write_text(edited, encoding="utf-8")

    preview.wait_until("the entry page shows the new title", lambda: shows(preview, ENTRY_URL, NEW_TITLE),
                       CHANGE_TIMEOUT)
    preview.wait_until("the country page shows the new title", lambda: shows(preview, COUNTRY_URL, NEW_TITLE),
                       CHANGE_TIMEOUT)
    assert h1(get(preview.url + ENTRY_URL)[1]) == NEW_TITLE

    broken = preview.root / "practices" / "ma" / "ma-fiche-cassee.fr.md"
    broken.write_text("---\ntitle: [pas fermé\ntype: tool\nsummary: : :\n---\n\n## Contexte\n\nTexte.\n",
                      encoding="utf-8")
    # The preview names the broken file once it has checked it: from then on it must keep serving.
    preview.wait_until("the preview reports the broken entry", lambda: "ma-fiche-cassee" in preview.output(),
                       CHANGE_TIMEOUT)
    assert preview.proc.poll() is None, preview.output()
    status, body = get(preview.url + ENTRY_URL)
    assert status == 200
    assert h1(body) == NEW_TITLE
    assert shows(preview, COUNTRY_URL, NEW_TITLE)
    assert "ma-fiche-cassee" not in get(preview.url + COUNTRY_URL)[1]
    assert not (preview.root / "docs" / "kb" / "entries" / "ma-fiche-cassee").exists()
    return broken


def stops_with_its_servers(preview: Preview) -> None:
    """terminate() (SIGTERM, as a process manager or an IDE stops a command) must not leave
    MkDocs' server running on the port, nor MkDocs' temporary sites (build/preview-tmp/<pid>/)."""
    servers = list(preview.server_pids)
    tmp = preview.root / "build" / "preview-tmp" / str(preview.proc.pid)
    assert sum(p.name.startswith("mkdocs_") for p in tmp.iterdir()) == 3, "MkDocs builds in the preview's own folder"
    preview.proc.terminate()
    preview.proc.wait(timeout=STOP_TIMEOUT)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (port_open(preview.port) or any(alive(p) for p in servers)):
        time.sleep(0.2)
    assert not any(alive(p) for p in servers), f"MkDocs server {servers} still running after the preview stopped"
    assert not port_open(preview.port), f"port {preview.port} still served after the preview stopped"
    assert not tmp.exists(), "MkDocs' temporary sites left behind"


def retitle(preview: Preview, entry: Path, title: str) -> None:
    path = preview.root / entry
    edited, n = re.subn(r"^title: .*$", f"title: {title}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert n == 1
    path.write_text(edited, encoding="utf-8")


def serves_the_arabic_and_english_interfaces_and_reloads_their_pages(preview: Preview) -> None:
    for url in ("/ar/", "/en/", AR_URL, EN_URL):
        preview.wait_until(f"{url} answers", lambda url=url: get(preview.url + url)[0] == 200, START_TIMEOUT)
    status, body = get(preview.url + AR_URL)
    assert 'lang="ar"' in body and 'dir="rtl"' in body
    assert h1(body).startswith("البحث الوطني حول التشغيل")
    assert 'lang="en"' in get(preview.url + EN_URL)[1]
    # The epoch of the page's build, in MkDocs' live-reload script: livereload(<epoch>, <request id>).
    epoch = int(re.search(r"livereload\((\d+), *\d+\)", body).group(1))

    for entry, url in ((AR_ENTRY, AR_URL), (EN_ENTRY, EN_URL)):
        retitle(preview, entry, NEW_TITLES[entry])
        preview.wait_until(f"{url} shows the new title", lambda url=url, entry=entry: shows(preview, url, NEW_TITLES[entry]),
                           CHANGE_TIMEOUT)
        assert h1(get(preview.url + url)[1]) == NEW_TITLES[entry]
    # The Arabic page's live-reload poll, at the root of the address as MkDocs' script sends it,
    # reaches the Arabic server, which answers at once with a newer build: the browser reloads.
    status, answer = get(f"{preview.url}/livereload/{epoch}/1", referer=preview.url + AR_URL)
    assert status == 200 and int(answer) > epoch
    assert get(preview.url + ENTRY_URL)[0] == 200  # French still served


def a_removed_entry_leaves_the_preview(preview: Preview) -> None:
    """MkDocs' dirty rebuilds keep built pages whose source is gone: the preview must not serve
    a removed entry's pages (any version, any interface) until it is restarted."""
    urls = [f"{ui}/kb/entries/ma-enquete-nationale-emploi/{lang}/" for ui in ("", "/ar", "/en") for lang in ("fr", "ar", "en")]
    for url in urls:
        preview.wait_until(f"{url} answers", lambda url=url: get(preview.url + url)[0] == 200, START_TIMEOUT)
    aside = preview.root.parent / "aside"
    aside.mkdir()
    for path in (preview.root / ENTRY).parent.glob("ma-enquete-nationale-emploi.*.md"):
        path.rename(aside / path.name)

    def gone(url: str) -> bool:
        try:
            return get(preview.url + url)[0] == 404
        except OSError:  # MkDocs holds requests while it rebuilds
            return False

    for url in urls:
        preview.wait_until(f"{url} answers 404", lambda url=url: gone(url), CHANGE_TIMEOUT)
    preview.wait_until("the country page no longer lists it", lambda: shows(preview, COUNTRY_URL, "</html>")
                       and "ma-enquete-nationale-emploi" not in get(preview.url + COUNTRY_URL)[1], CHANGE_TIMEOUT)


def test_a_preview_session_from_start_to_stop(preview):
    """The steps of one contributor's session, in order, on one running preview (each step's
    waits are event-driven: it goes on as soon as the pages show the change)."""
    serves_the_collection(preview)
    serves_the_arabic_and_english_interfaces_and_reloads_their_pages(preview)
    broken = follows_edits_and_survives_a_broken_entry(preview)
    # A broken entry keeps the last good pages (above): fixed (removed) before the next step.
    broken.unlink()
    a_removed_entry_leaves_the_preview(preview)
    stops_with_its_servers(preview)
