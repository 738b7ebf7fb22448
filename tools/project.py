"""Where a knowledge base lives (paths) and the settings it is built with (read from mkdocs.yml).

Settings are read with MkDocs' own `load_config`, so they mean what MkDocs makes of them; they are
loaded once per run and handed down, never cached at module level (a long-running preview must see
an edited mkdocs.yml).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = "kb"  # folder of generated pages under docs/ (and of the site)
# mkdocs.yml's `hooks:` reads this variable; the code travels with ROOT, not with a copy (KB_ROOT).
HOOKS_ENV = {"KB_MKDOCS_HOOKS": str(ROOT / "tools" / "site" / "mkdocs_hooks.py")}


@dataclass
class Project:
    """The folders of one copy of the knowledge base; KB_ROOT points the tools at another copy
    (tests, previews, benchmarks)."""

    root: Path = field(default_factory=lambda: Path(os.environ.get("KB_ROOT", ROOT)))

    @property
    def practices(self) -> Path:
        """The entry files: practices/<folder>/<slug>.<lang>.md."""
        return self.root / "practices"

    @property
    def data(self) -> Path:
        """Vocabularies, glossary and interface strings (tools/data/)."""
        return ROOT / "tools" / "data"  # the vocabularies travel with the code, not with a copy

    @property
    def docs(self) -> Path:
        """The MkDocs docs_dir: hand-written pages, and the generated ones under docs/kb/."""
        return self.root / "docs"

    @property
    def generated(self) -> Path:
        """Generated pages and exports (docs/kb/); rewritten by each build."""
        return self.docs / KB

    @property
    def config_file(self) -> Path:
        """mkdocs.yml, which the settings are read from."""
        return self.root / "mkdocs.yml"

    @property
    def build(self) -> Path:
        """Intermediate outputs: interface docs trees, generated configs, index, stamps."""
        return self.root / "build"

    @property
    def index(self) -> Path:
        """The Whoosh search index folder (build/search-index/), swapped whole by each build."""
        return self.build / "search-index"

    @property
    def site(self) -> Path:
        """The built static site (site/), served by `make serve`."""
        return self.root / "site"

    @property
    def stamps(self) -> Path:
        """build/stamps.json: {stage: digest of its inputs}, to skip stages whose inputs did not change."""
        return self.build / "stamps.json"


@dataclass(frozen=True)
class Settings:
    """What the build needs from mkdocs.yml.

    site_url: the public address with a trailing slash, or "" when unset. mkdocs.yml reads it from
        the environment variable KB_SITE_URL (`!ENV`), so a deployment sets its own address
        without editing the file.
    repo_url: the repository's public address without trailing slash, or "".
    nav: mkdocs.yml's navigation, a list of one-key dicts {label: path or nested list}.
    """

    site_url: str = ""
    repo_url: str = ""
    nav: tuple = ()

    @classmethod
    def load(cls, project: Project) -> Settings:
        """Read mkdocs.yml with MkDocs' loader. Raises tools.errors.BuildError if it is invalid."""
        from mkdocs.config import load_config
        from mkdocs.exceptions import ConfigurationError

        from tools.errors import BuildError

        # MkDocs logs its config warnings; the build prints them when it runs MkDocs itself.
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        for name, value in HOOKS_ENV.items():
            os.environ.setdefault(name, value)
        try:
            config = load_config(str(project.config_file))
        except (ConfigurationError, OSError) as exc:
            raise BuildError(f"{project.config_file}: {exc}") from None
        site_url = config.get("site_url") or ""
        if site_url and not site_url.endswith("/"):
            site_url += "/"
        repo_url = (config.get("repo_url") or "").rstrip("/")
        return cls(site_url=site_url, repo_url=repo_url, nav=tuple(config.get("nav") or ()))

    def interface_url(self, lang: str, default_lang: str = "fr") -> str:
        """The public address of one interface language ("" when site_url is unset)."""
        if not self.site_url or lang == default_lang:
            return self.site_url
        return f"{self.site_url}{lang}/"
