"""The Content-Security-Policy the built site satisfies.

Our own pages have no inline script (the search page's code is assets/javascripts/kb-search.js;
the JSON-LD and Material's `__config` blocks are data, which CSP does not govern). Material's
templates do put two small inline scripts in every page, one of which names the page's depth
(`__md_scope=new URL("../..",location)`), so they cannot move to a file without copying Material's
internals: the policy allows exactly those scripts by their SHA-256 hashes, read from the built site.
Inline `style=""` attributes come from Markdown tables' column alignment; `style-src-attr
'unsafe-inline'` allows attributes only (no <style> element, no script), and entry content loses
every style attribute in the sanitiser before it reaches a page.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
import time
from pathlib import Path

# Executable inline scripts: <script> with no src and no type, or a JavaScript type.
_SCRIPT = re.compile(rb"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
_DATA_TYPE = re.compile(rb"""\btype\s*=\s*["']?(?!(?:text/javascript|module)["'\s>])""", re.I)

BASE_POLICY = (
    "default-src 'self'",
    "img-src 'self' data:",  # Material's icons are data: SVGs in its CSS
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def inline_script_hashes(site: Path) -> list[str]:
    """'sha256-…' sources of every distinct executable inline script in site/**/*.html, sorted.

    Reads every page (about 1 s for 2,000 pages); unreadable files are skipped."""
    found = set()
    for path in site.rglob("*.html"):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for m in _SCRIPT.finditer(data):
            attrs = m.group("attrs") or b""
            if b"src=" in attrs.lower() or _DATA_TYPE.search(attrs):
                continue
            digest = base64.b64encode(hashlib.sha256(m.group("body")).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def policy(hashes: list[str]) -> str:
    """The header value: BASE_POLICY with script-src 'self' plus the given hash sources."""
    return "; ".join([BASE_POLICY[0], "script-src 'self' " + " ".join(hashes) if hashes else "script-src 'self'",
                      *BASE_POLICY[1:]])


class SitePolicy:
    """The policy of one site folder, recomputed when a build swaps in a new site.

    `value()` never blocks on a scan: the folder is stat'ed at most once per `check_every` seconds
    and, when its inode or modification time changed, re-read in a background thread while the
    previous policy goes on being served (Material's inline scripts rarely change between builds)."""

    def __init__(self, site: Path, check_every: float = 2.0):
        self.site = Path(site)
        self.check_every = check_every
        self._lock = threading.Lock()
        self._stamp = None
        self._checked = 0.0
        self._scanning = False
        self._value = policy([])

    def _current_stamp(self):
        try:
            st = os.stat(self.site)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def refresh(self) -> str:
        """Re-read the site now if it changed (blocking); returns the header value."""
        stamp = self._current_stamp()
        if stamp != self._stamp:
            value = policy(inline_script_hashes(self.site) if stamp else [])
            with self._lock:
                self._value, self._stamp = value, stamp
        self._checked = time.monotonic()
        return self._value

    def _scan(self) -> None:
        try:
            self.refresh()
        finally:
            self._scanning = False

    def value(self) -> str:
        """The current header value (str)."""
        if time.monotonic() - self._checked > self.check_every and not self._scanning:
            self._checked = time.monotonic()
            if self._current_stamp() != self._stamp:
                self._scanning = True
                threading.Thread(target=self._scan, name="csp-scan", daemon=True).start()
        return self._value
