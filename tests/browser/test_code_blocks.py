"""An entry with fenced code (SQL, Stata, HTML) in a real browser, in the three interfaces, on a phone
(390 px) and a desktop (1280 px): the code is shown as code (monospace, whitespace kept, its own
horizontal scroll, left to right in the Arabic interface too) and the HTML in it as text; the
entry's address without its language part reaches the entry, from the project's server and from
the static site served alone. Screenshots go to test-artifacts/code/.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import ARTIFACTS
from tests.sitebuild import REPO, Server, copy_project, free_port
from tools.pipeline import run

ID = "ma-calcul-chomage-migrants-code"
SQL = ("SELECT statut_migratoire,\n"
       "       SUM(CASE WHEN chomeur = 1 THEN poids END) / SUM(CASE WHEN actif = 1 THEN poids END)"
       " AS taux_chomage_pondere_par_le_poids_de_sondage\n"
       "FROM   enquete_emploi\n"
       "WHERE  age BETWEEN 15 AND 64\n"
       "GROUP  BY statut_migratoire;\n")
STATA = "* taux pondéré\nsvyset grappe [pw=poids], strata(strate)\nsvy: mean chomeur if actif == 1, over(migrant)\n"
HTML = '<script>window.kbInjected = 1</script>\n<b onclick="window.kbInjected = 2">gras</b>\n'
TEXT = {
    "fr": ("Calcul du taux de chômage des migrants : code SQL, Stata et R",
           "Exemple de calcul d'un indicateur du marché du travail des migrants.",
           "Le taux se calcule sur les microdonnées pondérées de l'enquête emploi.", "En SQL :", "En Stata :",
           "Un bloc de HTML reste du texte :"),
    "ar": ("حساب معدل البطالة لدى المهاجرين: شيفرة SQL وStata",
           "مثال على حساب مؤشر لسوق العمل خاص بالمهاجرين.",
           "يحسب المعدل من البيانات الجزئية المرجحة لمسح التشغيل.", "بلغة SQL:", "بلغة Stata:",
           "كتلة HTML تبقى نصا:"),
    "en": ("Computing the migrant unemployment rate: SQL and Stata code",
           "An example of computing a labour-market indicator for migrants.",
           "The rate is computed from the weighted labour force survey microdata.", "In SQL:", "In Stata:",
           "A block of HTML stays text:"),
}
PREFIX = {"fr": "", "ar": "/ar", "en": "/en"}


def entry_file(lang: str) -> str:
    title, summary, intro, sql, stata, html = TEXT[lang]
    # The SQL right after its paragraph line and indented by two spaces, the Stata with tildes, the
    # HTML block left unclosed: each as GitHub reads it.
    return (f'---\ntitle: "{title}"\ntype: methodology\nlang: {lang}\ncountries: [MA]\nsummary: "{summary}"\n'
            "themes: [immigration]\ndata_sources: [labour-force-survey]\ninstitutions: [HCP]\n"
            'links:\n  - title: "ILO"\n    url: https://www.ilo.org/\ntags: [code]\nstatus: draft\n'
            f'updated: "2026-11-01"\n---\n\n## {intro}\n\n{intro}\n\n{sql}\n'
            + "  ```sql\n" + "".join("  " + line + "\n" for line in SQL.splitlines()) + "  ```\n\n"
            + f"{stata}\n\n~~~stata\n{STATA}~~~\n\n{html}\n\n```html\n{HTML}")


@pytest.fixture(scope="module")
def code_site(tmp_path_factory):
    """A project holding the one entry, in three languages, built and served by the project's
    server and, alone, by a plain static file server."""
    project = copy_project(tmp_path_factory.mktemp("code-site"), with_practices=False)
    (project.practices / "ma").mkdir(parents=True)
    (project.practices / "regional").mkdir()
    for shipped in (REPO / "practices" / "regional").glob("icls-2018-concepts-cles.*.md"):  # the home page links to regional
        (project.practices / "regional" / shipped.name).write_bytes(shipped.read_bytes())
    for lang in TEXT:
        (project.practices / "ma" / f"{ID}.{lang}.md").write_text(entry_file(lang), encoding="utf-8")
    report = run(project, progress=False)
    assert report.ok, [p.text() for p in report.problems]
    api = Server(project)
    port = free_port()
    static = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(project.site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield {"api": api.url, "static": url}
    api.stop()
    static.terminate()
    static.wait(timeout=10)


CODE_STYLE = """() => [...document.querySelectorAll('article pre > code')].map(code => {
  const style = getComputedStyle(code), pre = getComputedStyle(code.parentElement);
  const range = document.createRange();
  range.setStart(code.firstChild, 0); range.setEnd(code.firstChild, 1);
  const first = range.getBoundingClientRect(), box = code.getBoundingClientRect();
  return {text: code.textContent, font: style.fontFamily, whiteSpace: style.whiteSpace,
          direction: style.direction, preDirection: pre.direction, overflowX: style.overflowX,
          scrollWidth: code.scrollWidth, clientWidth: code.clientWidth,
          firstCharFromLeft: first.left - box.left - parseFloat(style.paddingLeft)};
})"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_fenced_code_is_shown_as_code(browser, code_site, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{code_site['api']}{PREFIX[lang]}/kb/entries/{ID}/{lang}/")
    blocks = page.evaluate(CODE_STYLE)
    assert [b["text"] for b in blocks] == [SQL, STATA, HTML]
    for block in blocks:
        assert "monospace" in block["font"]
        assert block["whiteSpace"] == "pre"
        assert block["direction"] == block["preDirection"] == "ltr"
        # The first line starts at the left margin, in the Arabic interface too.
        assert abs(block["firstCharFromLeft"]) < 2, block
    sql = blocks[0]
    assert sql["overflowX"] == "auto" and sql["scrollWidth"] > sql["clientWidth"]  # the long line scrolls
    # The page itself does not scroll sideways: only the code block does.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
    # The HTML in the code is text: nothing of it ran or became an element.
    assert page.evaluate("() => window.kbInjected") is None
    assert page.locator("article pre script, article pre b").count() == 0
    assert errors == []
    page.locator("article pre").first.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -140)")
    folder = ARTIFACTS / "code"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{lang}-{width}.png"))
    context.close()


@pytest.mark.parametrize("server_kind", ["api", "static"])
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_entry_address_without_its_language_reaches_the_entry(browser, code_site, lang, server_kind):
    context = browser.new_context()
    page = context.new_page()
    base = code_site[server_kind]
    for short in (f"{PREFIX[lang]}/kb/entries/{ID}/", f"{PREFIX[lang]}/kb/entries/{ID}"):
        page.goto(base + short)
        page.wait_for_url(f"{base}{PREFIX[lang]}/kb/entries/{ID}/{lang}/")
        expect(page.locator("h1")).to_contain_text(TEXT[lang][0])
    context.close()
