"""The sitemap of a site build is written by the hooks (tools/site/mkdocs_hooks.py: sitemap_xml,
on_post_template) instead of Jinja's loop over every page, only when the theme's sitemap template is
MkDocs' own, and then with the very bytes that template renders."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.structure.files import get_files
from mkdocs.theme import Theme

from tests.site.test_changed_only import ODD, build_output, config
from tools.site import mkdocs_hooks
from tools.site.mkdocs_hooks import CHANGED_ONLY_ENV


def _page(canonical, absolute, date, link=False):
    return SimpleNamespace(page=SimpleNamespace(is_link=link, canonical_url=canonical, abs_url=absolute,
                                                update_date=date))


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_the_written_sitemap_is_the_templates_output(theme):
    env = Theme(name=theme).get_env()
    assert mkdocs_hooks.own_sitemap_template(env)
    template = env.get_template("sitemap.xml")
    cases = [[], [_page("https://e.org/a&b/'\"<x>/", "/a&b/", "2026-11-30")],
             [_page(None, "/only-abs/", None), _page(None, None, "2026-11-30"), _page("https://e.org/l/", "/l/", "d", True),
              _page("", "/empty-canonical/", "2026-01-02"), _page("https://e.org/é/", "/é/", "2026-11-30")]]
    for pages in cases:
        assert mkdocs_hooks.sitemap_xml(pages) == template.render(pages=pages)


def test_another_sitemap_template_is_left_to_jinja(tmp_path):
    custom = tmp_path / "theme"
    custom.mkdir()
    (custom / "sitemap.xml").write_text("<urlset>{% for f in pages %}{{ f.page.abs_url }}{% endfor %}</urlset>\n",
                                        encoding="utf-8")
    env = Theme(name="mkdocs", custom_dir=str(custom)).get_env()
    assert not mkdocs_hooks.own_sitemap_template(env)


@pytest.mark.parametrize("site_url", ["https://example.org/kb/", "http://127.0.0.1:8000", "https://e.org/a?b=1&c=2", ""])
def test_a_build_writes_the_sitemap_jinja_would_have_rendered(tmp_path, monkeypatch, site_url):
    cfg = config(tmp_path, site_url, ODD)
    build_output(cfg, "index.html", +10)
    files = get_files(cfg)
    monkeypatch.setenv(CHANGED_ONLY_ENV, "1")
    env = Theme(name="material").get_env()
    mkdocs_hooks.on_env(env, cfg, files)
    mkdocs_hooks.on_files(files, cfg)
    every = mkdocs_hooks.sitemap_pages(mkdocs_hooks._EVERY_FILE[cfg.site_dir], cfg)
    expected = env.get_template("sitemap.xml").render(pages=every)
    context = mkdocs_hooks.on_template_context({"pages": ["as given"]}, "sitemap.xml", cfg)
    assert context["pages"] == []  # Jinja loops over nothing
    empty = env.get_template("sitemap.xml").render(context)
    written = mkdocs_hooks.on_post_template(empty, "sitemap.xml", cfg)
    assert written == expected
    # Without a site address MkDocs gives the pages no URL: the sitemap lists none.
    assert written.count("<url>") == (len(files.documentation_pages()) if site_url else 0)
    # Other templates, and a second sitemap without a context event, are left as rendered.
    assert mkdocs_hooks.on_post_template("<html>", "404.html", cfg) == "<html>"
    assert mkdocs_hooks.on_post_template(empty, "sitemap.xml", cfg) == empty
    mkdocs_hooks.on_post_build(cfg)
