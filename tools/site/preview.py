"""Live preview for contributors: `make preview`.

Watches practices/ and the vocabulary and glossary; on each save it checks the entries, rewrites
the generated pages that changed (entry, tag and country pages) and MkDocs' development server
reloads the browser. A broken entry prints its problems and the preview keeps the last good pages.
(The search API is not part of the preview: `make serve` runs the full site.)
"""

from __future__ import annotations

import signal
import time

import yaml

from tools.content.problems import errors, render
from tools.content.validate import load_collection
from tools.errors import BuildError
from tools.project import Project, Settings
from tools.site.generate import sync_docs
from tools.site.mkdocs import serve_mkdocs

POLL_SECONDS = 0.3


def _snapshot(project: Project) -> dict:
    paths = (list(project.practices.rglob("*.md")) + list(project.data.glob("*.yml"))
             + list(project.root.glob("CONTRIBUTING*.md")) + [project.config_file])
    return {p: p.stat().st_mtime_ns for p in paths if p.is_file()}


def refresh(project: Project) -> bool:
    """Check the entries and, when they have no errors, rewrite the generated pages that changed.
    Settings and vocabularies (vocabulary, glossary, interface strings) are read anew on each call
    and used for this rebuild only, so an edit to tools/data/*.yml shows at the next save.
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
    touched = sync_docs(entries, project, settings, vocabs)
    print(f"Updated {len(touched)} generated file(s).", flush=True)
    return True


def preview(project: Project, host: str, port: int) -> int:
    """Serve the French site with live reload on host:port until Ctrl-C or SIGTERM; returns 0."""
    refresh(project)
    server = serve_mkdocs(host, port, cwd=project.root)
    print(f"Preview on http://{host}:{port}/ — save an entry to see it; Ctrl-C to stop.", flush=True)
    seen = _snapshot(project)
    # `kill`/terminate() must stop MkDocs' server too, as Ctrl-C does: turn SIGTERM into the same path.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _snapshot(project)
            if now != seen:
                seen = now
                refresh(project)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(10)
    return 0

