"""Each entry version's BibTeX and RIS files are made once per build (#10): in the default
interface's docs tree, which is built at the site's root, and linked from the entry page of every
interface (tools.site.pages.site_link, made a URL by tools.site.mkdocs_hooks.site_links_to_urls).
Before, each interface's tree held its own copy, three files where one serves."""

from __future__ import annotations

import logging
import shutil
from types import SimpleNamespace

import pytest
from mkdocs.structure.files import File, Files

from tests.conftest import entry_text, make_corpus
from tests.sitebuild import copy_project
from tools import i18n
from tools.pipeline import run
from tools.project import KB, ROOT, Project, Settings
from tools.site import languages, mkdocs_hooks

ENTRY_ID = "ma-emploi"
VERSIONS = ("fr", "ar", "en")


def citation_files(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix in (".bib", ".ris"))


def trees(project: Project) -> dict[str, object]:
    return {"fr": project.generated, **{lang: languages.tree(project.root, lang) / KB for lang in i18n.OTHER_LANGS}}


@pytest.fixture
def project(tmp_path) -> Project:
    project = copy_project(tmp_path / "kb", with_practices=False)
    make_corpus(project.root, {
        **{f"ma/{ENTRY_ID}.{lang}.md": entry_text(lang=lang) for lang in VERSIONS},
        "ma/ma-autre.fr.md": entry_text(title="Recensement général de la population"),
    })
    report = run(project, site=False, progress=False)
    assert report.ok, [p.text() for p in report.problems]
    return project


def test_each_versions_citation_files_are_made_once_in_the_default_interfaces_tree(project):
    made = {lang: citation_files(folder) for lang, folder in trees(project).items()}
    assert made["fr"] == sorted([f"entries/{ENTRY_ID}/{lang}.{ext}" for lang in VERSIONS for ext in ("bib", "ris")]
                                + ["entries/ma-autre/fr.bib", "entries/ma-autre/fr.ris"])
    assert made["ar"] == made["en"] == []
    # Each interface's page links that one copy.
    for folder in trees(project).values():
        page = (folder / "entries" / ENTRY_ID / "ar.md").read_text(encoding="utf-8")
        assert f"[BibTeX](kb-site:kb/entries/{ENTRY_ID}/ar.bib) · [RIS](kb-site:kb/entries/{ENTRY_ID}/ar.ris)" in page


def test_a_rebuild_changes_and_removes_citation_files_as_a_clean_build(project, tmp_path):
    practices = project.practices / "ma"
    ar = practices / f"{ENTRY_ID}.ar.md"
    ar.write_text(ar.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: عنوان منقح ", 1), encoding="utf-8")
    (practices / f"{ENTRY_ID}.en.md").unlink()
    assert run(project, site=False, progress=False).ok  # incremental: the pages memo is used
    folder = project.generated / "entries" / ENTRY_ID
    assert "عنوان منقح" in (folder / "ar.bib").read_text(encoding="utf-8")
    assert "عنوان منقح" in (folder / "ar.ris").read_text(encoding="utf-8")
    assert not (folder / "en.bib").exists() and not (folder / "en.ris").exists()
    clean = Project(tmp_path / "clean")
    shutil.copytree(project.root, clean.root, ignore=shutil.ignore_patterns("build", "kb"))
    assert run(clean, site=False, progress=False, force=True).ok
    for lang, built in trees(project).items():
        assert citation_files(built) == citation_files(trees(clean)[lang]), lang
        for rel in citation_files(built):
            assert (built / rel).read_bytes() == (trees(clean)[lang] / rel).read_bytes(), rel


def test_interface_configs_say_where_the_site_root_is(tmp_path):
    settings = Settings.load(Project(ROOT))
    for lang in i18n.OTHER_LANGS:
        extra = languages.config_data(ROOT, lang, tmp_path, settings)["extra"]
        assert extra[mkdocs_hooks.SITE_ROOT_EXTRA] == {"up": "../", "docs_dir": str(ROOT / "docs")}
    assert mkdocs_hooks.SITE_ROOT_EXTRA not in languages.config_data(ROOT, i18n.DEFAULT_LANG, tmp_path, settings)["extra"]


def test_the_offline_configs_keep_where_the_site_root_is(tmp_path):
    # The offline build (tools.site.offline) inherits each interface's config and sets its own
    # `extra`: MkDocs merges the two, so its Arabic and English pages still find the root's files.
    from mkdocs.config import load_config

    from tools.project import HOOKS_ENV
    from tools.site.offline import offline_config

    project = copy_project(tmp_path / "kb", with_practices=False)
    settings = Settings.load(project)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in HOOKS_ENV.items():
            mp.setenv(name, value)
        for lang in i18n.OTHER_LANGS:
            languages.tree(project.root, lang).mkdir(parents=True)
            config = load_config(str(offline_config(project, lang, tmp_path / "site" / lang, settings)))
            assert config.extra[mkdocs_hooks.SITE_ROOT_EXTRA] == {"up": "../", "docs_dir": str(project.root / "docs")}
            assert config.use_directory_urls is False and config.extra["kb_api"] is False


# -- the hook -------------------------------------------------------------------------------------

LINKS = (f'<p><a href="kb-site:kb/entries/{ENTRY_ID}/ar.bib">BibTeX</a> · '
         f'<a href="kb-site:kb/entries/{ENTRY_ID}/ar.ris">RIS</a></p>')


def page_of(src: str, directory_urls: bool, files: Files | None = None):
    file = File(src, "/docs", "/site", directory_urls)
    return SimpleNamespace(file=file, url=file.url)


def root_docs(tmp_path):
    docs = tmp_path / "docs"
    for ext in ("bib", "ris"):
        target = docs / "kb" / "entries" / ENTRY_ID / f"ar.{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    return docs


@pytest.mark.parametrize(("directory_urls", "up"), [(True, "../../../../../"), (False, "../../../../")])
def test_hook_links_another_interfaces_page_to_the_file_at_the_site_root(tmp_path, directory_urls, up):
    # site/ar/kb/entries/<id>/ar/index.html (or ar.html offline) -> site/kb/entries/<id>/ar.bib
    config = SimpleNamespace(extra={mkdocs_hooks.SITE_ROOT_EXTRA: {"up": "../", "docs_dir": str(root_docs(tmp_path))}})
    page = page_of(f"kb/entries/{ENTRY_ID}/ar.md", directory_urls)
    out = mkdocs_hooks.site_links_to_urls(LINKS, page, config, Files([]))
    assert out == (f'<p><a href="{up}kb/entries/{ENTRY_ID}/ar.bib">BibTeX</a> · '
                   f'<a href="{up}kb/entries/{ENTRY_ID}/ar.ris">RIS</a></p>')


@pytest.mark.parametrize(("directory_urls", "up"), [(True, "../../../../"), (False, "../../../")])
def test_hook_links_the_default_interfaces_page_to_its_own_file(directory_urls, up):
    files = Files([File(f"kb/entries/{ENTRY_ID}/{name}", "/docs", "/site", directory_urls)
                   for name in ("ar.md", "ar.bib", "ar.ris")])
    page = page_of(f"kb/entries/{ENTRY_ID}/ar.md", directory_urls)
    out = mkdocs_hooks.site_links_to_urls(LINKS, page, SimpleNamespace(extra={}), files)
    assert f'href="{up}kb/entries/{ENTRY_ID}/ar.bib"' in out and f'href="{up}kb/entries/{ENTRY_ID}/ar.ris"' in out


def test_hook_keeps_a_query_and_fragment_after_the_path(tmp_path):
    config = SimpleNamespace(extra={mkdocs_hooks.SITE_ROOT_EXTRA: {"up": "../", "docs_dir": str(root_docs(tmp_path))}})
    text = f'<a href="kb-site:kb/entries/{ENTRY_ID}/ar.bib?v=1#top">x</a>'
    out = mkdocs_hooks.site_links_to_urls(text, page_of("kb/index.md", True), config, Files([]))
    assert out == f'<a href="../../kb/entries/{ENTRY_ID}/ar.bib?v=1#top">x</a>'


@pytest.mark.parametrize("target", [f"kb/entries/{ENTRY_ID}/gone.bib", "../outside.bib", "/etc/passwd", "kb/../../x.bib"])
def test_hook_warns_about_a_missing_or_escaping_target_and_leaves_it(tmp_path, caplog, target):
    config = SimpleNamespace(extra={mkdocs_hooks.SITE_ROOT_EXTRA: {"up": "../", "docs_dir": str(root_docs(tmp_path))}})
    text = f'<a href="kb-site:{target}">x</a>'
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        out = mkdocs_hooks.site_links_to_urls(text, page_of("kb/entries/a/ar.md", True), config, Files([]))
    assert out == text
    assert any(r.levelno == logging.WARNING and "kb/entries/a/ar.md" in r.getMessage() for r in caplog.records)


def test_an_unresolved_site_link_does_not_survive_the_sanitiser():
    from tools.content.sanitize import clean

    assert "kb-site:" not in clean('<a href="kb-site:kb/entries/a/ar.bib">x</a>')


@pytest.mark.parametrize("body", ['Ex : `<a href="kb-site:nope/x.bib">` et `<a href="nope.md">`',
                                  '    <a href="kb-site:kb/entries.csv">\n    <a href="../x.md">',
                                  '[Titre href="kb-site:nope.bib"](https://example.org/) puis href="kb-site:nope.bib"'])
def test_hooks_leave_links_shown_as_code_alone(tmp_path, caplog, body):
    # An entry showing such HTML in a code span or block: text for the reader, not a link; it
    # failed the whole --strict build (or, with a target found, changed the code shown).
    import markdown

    html_text = markdown.markdown(body)
    assert 'href="kb-site:' in html_text  # Markdown leaves the quotes: text that looks like the links
    config = SimpleNamespace(extra={mkdocs_hooks.SITE_ROOT_EXTRA: {"up": "../", "docs_dir": str(root_docs(tmp_path))}})
    files = Files([File(name, "/docs", "/site", True) for name in ("kb/entries.csv", "kb/x.md", "nope.md")])
    page = page_of(f"kb/entries/{ENTRY_ID}/ar.md", True)
    page.file = files.get_file_from_path("kb/x.md") or page.file
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        out = mkdocs_hooks.site_links_to_urls(mkdocs_hooks.md_links_to_urls(html_text, page, files), page, config, files)
    assert out == html_text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
