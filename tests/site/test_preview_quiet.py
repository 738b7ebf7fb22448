"""The preview's MkDocs configs (tools.site.preview.write_configs) keep its output readable: the
generated pages, reached from listings rather than from the nav, are not listed as "not included
in the nav" at every rebuild, while a hand-written page left out of the nav is still reported."""

from __future__ import annotations

import logging

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation

from tests.conftest import entry_text, make_corpus
from tests.sitebuild import copy_project
from tools import i18n
from tools.project import HOOKS_ENV
from tools.site.preview import config_path, refresh

NOTICE = 'not included in the "nav" configuration'


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name, value in HOOKS_ENV.items():
        monkeypatch.setenv(name, value)
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, {"ma/ma-saisonniers.fr.md": entry_text()})
    (project.docs / "hors-menu.md").write_text("# Hors menu\n", encoding="utf-8")
    assert refresh(project)
    return project


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_generated_pages_are_not_listed_as_missing_from_the_nav(project, lang, caplog):
    config = load_config(str(config_path(project, lang)))
    files = get_files(config)
    assert any(f.src_uri.startswith("kb/entries/") for f in files.documentation_pages())
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        get_navigation(files, config)
    notices = [r.getMessage() for r in caplog.records if NOTICE in r.getMessage()]
    assert not any("kb/" in text for text in notices), notices[0][:300] if notices else ""
    if lang == i18n.DEFAULT_LANG:
        assert any("hors-menu.md" in text for text in notices), "a hand-written page out of the nav is still reported"
