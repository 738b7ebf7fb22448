"""Live preview for contributors: `make preview`.

Watches practices/ and the vocabulary and glossary; on each save it checks the entries, rewrites
the generated pages that changed (entry, tag and country pages) and MkDocs' development server
reloads the browser. A broken entry prints its problems and the preview keeps the last good pages.
(The search API is not part of the preview: `make serve` runs the full site.)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from tools.build import Project, sync_docs
from tools.problems import errors, render
from tools.validate import load_collection

POLL_SECONDS = 0.3


def _snapshot(project: Project) -> dict:
    paths = (list(project.practices.rglob("*.md")) + list((project.root / "tools" / "data").glob("*.yml"))
             + list(project.root.glob("CONTRIBUTING*.md")))
    return {p: p.stat().st_mtime_ns for p in paths if p.is_file()}


def refresh(project: Project) -> bool:
    entries, problems, files = load_collection(project.practices, project.root)
    if problems:
        print(render(problems, files), flush=True)
    if errors(problems):
        print("Preview not updated: fix the errors above and save again.", flush=True)
        return False
    touched = sync_docs(entries, project.generated, project.root)
    print(f"Updated {len(touched)} generated file(s).", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Preview the site with live reload while editing entries.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    project = Project()
    refresh(project)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict",
                               "--dev-addr", f"{args.host}:{args.port}"], cwd=project.root, env=env)
    print(f"Preview on http://{args.host}:{args.port}/ — save an entry to see it; Ctrl-C to stop.", flush=True)
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


if __name__ == "__main__":
    sys.exit(main())
