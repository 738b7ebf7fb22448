"""The search boxes and messages agree with the API's limits: every box stops at the engine's
MAX_QUERY_CHARS, and every refusal worded with a {max} gets its number in kb/search-ui.js."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import i18n
from tools.search.engine import MAX_QUERY_CHARS
from tools.site.pages import search_words, ui
from tools.web import limits

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _words(lang: str) -> dict:
    script = search_words(lang)
    return json.loads(script.removeprefix("window.KB_UI = ").rstrip().removesuffix(";"))


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_refusal_with_a_limit_gets_the_apis_number(lang):
    words = _words(lang)
    with_max = [key for key, text in ui()["search"].items() if key.startswith("err_") and "{max}" in text[lang]]
    assert {"err_too_many_words", "err_word_too_long", "err_too_many_filters"} <= set(with_max)
    for key in with_max:
        assert isinstance(words["limits"].get(key.removeprefix("err_")), int), key
    assert words["limits"] == {"too_many_words": limits.MAX_QUERY_TERMS, "word_too_long": limits.MAX_TERM_CHARS,
                               "too_many_filters": limits.MAX_FILTER_VALUES, "query_too_long": MAX_QUERY_CHARS}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_page_words_every_refusal_of_a_page_address(lang):
    # tools/web/middleware.py sends a refused page to the search page with ?refused=<code>.
    for code in ("query_string_too_long", "too_many_parameters", "method_not_allowed", "invalid_path"):
        text = ui()["search"][f"err_{code}"][lang]
        assert text and "{" not in text


def test_the_home_boxes_stop_where_the_search_page_box_does():
    pages = sorted(DOCS.glob("**/index.md"))
    boxes = [re.search(r'<input id="kb-home-q"[^>]*>', p.read_text(encoding="utf-8")) for p in pages]
    boxes = [b.group(0) for b in boxes if b]
    assert len(boxes) == len(i18n.LANGS)
    for box in boxes:
        assert f'maxlength="{MAX_QUERY_CHARS}"' in box, box


@pytest.mark.parametrize(("lang", "n", "expected"), [("en", 1, "1 entry"), ("en", 3, "3 entries"),
                                                      ("fr", 1, "1 fiche"), ("fr", 4, "4 fiches"),
                                                      ("ar", 2, "بطاقتان"), ("ar", 5, "5 بطاقات")])
def test_the_browser_words_a_count_with_the_interface_s_plural_form(lang, n, expected, tmp_path):
    # kb-search.js countText: Intl.PluralRules picks among KB_UI.n_entries, as Babel does for pages.
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "node is installed with the project's test tools (npm ci)"
    forms = _words(lang)["n_entries"]
    script = tmp_path / "count.js"
    script.write_text(f"const f = {json.dumps(forms, ensure_ascii=False)};\n"
                      f"const form = f[new Intl.PluralRules({json.dumps(lang)}).select({n})] || f.other;\n"
                      f"process.stdout.write(form.replace('{{n}}', String({n})));\n", encoding="utf-8")
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert done.stdout == expected
    assert "function countText" in (DOCS / "assets/javascripts/kb-search.js").read_text(encoding="utf-8")
