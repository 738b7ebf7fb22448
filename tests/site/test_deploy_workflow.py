"""The publish workflow builds with the Pages address as KB_SITE_URL, which mkdocs.yml reads."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT
from tools.project import Project, Settings


def test_publish_workflow_sets_the_pages_address():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    pages = [s for s in steps if str(s.get("uses", "")).startswith("actions/configure-pages@")]
    assert len(pages) == 1 and pages[0]["id"]
    build = next(s for s in steps if "build_index.py" in s.get("run", ""))
    step_id = pages[0]["id"]
    assert build["env"]["KB_SITE_URL"] == "${{ steps." + step_id + ".outputs.base_url }}/"
    assert steps.index(pages[0]) < steps.index(build)


def test_site_url_follows_kb_site_url(monkeypatch):
    monkeypatch.setenv("KB_SITE_URL", "https://example.org/base")
    settings = Settings.load(Project(ROOT))
    assert settings.site_url == "https://example.org/base/"
    assert settings.interface_url("ar") == "https://example.org/base/ar/"
