"""tools/schema_export.py: the JSON Schema and the guide tables, both derived from tools/schema.py.

The `jsonschema` package is not in the project's environment, so the schema is checked against
the entries with a small validator of the keywords it uses (tests/content/schema_check.py, and a
test that it uses no others).
The committed guides must match what the schema generates: after a schema or vocabulary change,
run `python -m tools.content.schema_export --write-guides`.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.content.schema_check import KNOWN_KEYWORDS, keywords, violations
from tools import cli
from tools.content import schema
from tools.content.kinds import Text
from tools.content.loader import entry_files, load_file
from tools.content.schema import FIELDS
from tools.content.schema_export import GUIDES, fields_table, fill, json_schema, vocab_tables
from tools.content.vocab import Vocabularies
from tools.site.generate import guide_pages

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module
SCHEMA = json_schema(SHIPPED)  # the schema of the shipped vocabularies, for the tests that only read it

REQUIRED = ["title", "type", "lang", "countries", "summary", "themes"]
VOCABS = ("types", "themes", "data_sources", "statuses")
WRITE_HINT = "out of date: run `python -m tools.content.schema_export --write-guides`"
REAL_ENTRY = ROOT / "practices" / "ma" / "ma-enquete-nationale-emploi.fr.md"


# --- JSON Schema ----------------------------------------------------------------------------------

def test_schema_uses_only_keywords_the_checks_here_understand():
    assert keywords(json_schema()) <= KNOWN_KEYWORDS


def test_schema_is_json_and_draft_2020_12():
    data = json_schema()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data["type"] == "object"


def test_schema_lists_every_field_in_order():
    assert list(json_schema()["properties"]) == [f.name for f in FIELDS]
    for f in FIELDS:
        assert SCHEMA["properties"][f.name]["description"] == f.help["en"]


def test_schema_requires_exactly_the_required_fields():
    assert json_schema()["required"] == [f.name for f in FIELDS if f.required] == REQUIRED


def test_schema_enums_are_the_vocabulary_terms():
    props = json_schema()["properties"]
    assert props["type"]["enum"] == list(SHIPPED.terms("types")) == ["tool", "methodology", "practice", "resource"]
    assert props["status"]["enum"] == list(SHIPPED.terms("statuses")) == ["draft", "reviewed"]
    assert props["lang"]["enum"] == ["fr", "ar", "en"]
    assert props["themes"]["items"]["enum"] == list(SHIPPED.terms("themes"))
    assert props["themes"]["minItems"] == 1
    assert props["data_sources"]["items"]["enum"] == list(SHIPPED.terms("data_sources"))
    assert "minItems" not in props["data_sources"]
    codes = props["countries"]["items"]["enum"]
    assert codes == sorted(schema.country_codes())
    assert {"MA", "TN", "MR", "LY", "DZ", "FR"} <= set(codes)
    assert not {"MAR", "EU", "UN", "XK", "ma"} & set(codes)


def test_schema_text_limits_are_the_field_limits():
    props = json_schema()["properties"]
    texts = [f for f in FIELDS if isinstance(f.kind, Text)]
    assert {"title", "summary"} <= {f.name for f in texts}
    for f in texts:
        assert (props[f.name]["minLength"], props[f.name]["maxLength"]) == (f.kind.min_len, f.kind.max_len)


def test_a_real_entry_front_matter_is_valid():
    meta = load_file(REAL_ENTRY).meta
    assert meta["countries"] == ["MA"]  # the file is the one the guides show
    assert violations(meta, SCHEMA) == []


def test_every_shipped_entry_front_matter_is_valid(shipped_files):
    assert len(shipped_files) == len(entry_files(ROOT / "practices")) > 50
    found = {raw.path: violations(raw.meta, SCHEMA) for raw in shipped_files}
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("change, expected", [
    ({"countries": ["MAR"]}, "$.countries[0]: 'MAR' not in enum"),
    ({"type": "outil"}, "$.type: 'outil' not in enum"),
    ({"lang": "de"}, "$.lang: 'de' not in enum"),
    ({"themes": []}, "$.themes: fewer than 1 items"),
    ({"themes": ["stocks", "stocks"]}, "$.themes: repeated items"),
    ({"themes": ["flow"]}, "$.themes[0]: 'flow' not in enum"),
    ({"title": "EN"}, "$.title: shorter than 3"),
    ({"summary": "x" * 501}, "$.summary: longer than 500"),
    ({"period": "2018/2021"}, "$.period: does not match ^\\d{4}(-\\d{4})?$"),
    ({"updated": "01/05/2024"}, "$.updated: does not match ^\\d{4}-\\d{2}-\\d{2}$"),
    ({"links": [{"title": "FTP", "url": "ftp://x.org/"}]}, "$.links[0].url: does not match ^https?://"),
    ({"links": [{"url": "https://x.org/"}]}, "$.links[0]: 'title' is required"),
    ({"status": "published"}, "$.status: 'published' not in enum"),
    ({"tags": "ENE"}, "$.tags: not of type array"),
])
def test_the_schema_rejects_what_the_checker_rejects(change, expected):
    meta = {**load_file(REAL_ENTRY).meta, **change}
    # set: with an instrument block in the entry, the type rule is also reached through the block's
    # "tool entries only" condition, which reports the same message.
    assert sorted(set(violations(meta, SCHEMA))) == [expected]


@pytest.mark.parametrize("name", REQUIRED)
def test_the_schema_rejects_a_missing_required_field(name):
    meta = {k: v for k, v in load_file(REAL_ENTRY).meta.items() if k != name}
    assert violations(meta, SCHEMA) == [f"$: '{name}' is required"]


def test_main_prints_the_schema(capsys):
    assert cli.main(["schema", "--json-schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()


def test_main_without_options_prints_help_and_exits_2(capsys):
    assert cli.main(["schema"]) == 2
    assert "--write-guides" in capsys.readouterr().out


# --- guide tables -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, head, yes, no", [("fr", "| Champ | Obligatoire | Règle |", "oui", "non"),
                                                 ("ar", "| الحقل | إلزامي | القاعدة |", "نعم", "لا"),
                                                 ("en", "| Field | Required | Rule |", "yes", "no")])
def test_fields_table_has_one_row_per_field(lang, head, yes, no):
    lines = fields_table(lang, SHIPPED).split("\n")
    assert lines[:2] == [head, "|---|---|---|"]
    assert len(lines) == len(FIELDS) + 2
    for line, f in zip(lines[2:], FIELDS, strict=True):
        assert line.startswith(f"| `{f.name}` | {yes if f.required else no} | {f.help[lang]}")
    assert lines[3] == f"| `type` | {yes} | {FIELDS[1].help[lang]} `tool`, `methodology`, `practice`, `resource` |"


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_vocab_tables_list_every_term_with_its_label(lang):
    text = vocab_tables(lang, SHIPPED)
    for vocab in VOCABS:
        for term in SHIPPED.terms(vocab):
            row = f"| `{term}` | {SHIPPED.label(vocab, term, lang)} | {SHIPPED.description(vocab, term, lang)} |"
            assert row in text.split("\n"), (vocab, term)
    assert vocab_tables("fr", SHIPPED).split("\n")[0] == "**Types (`type`)**"


GUIDE = """# Guide

Intro kept as written.

<!-- BEGIN generated: fields -->
| an old | table |
<!-- END generated: fields -->

Between the blocks, kept too.

<!-- BEGIN generated: vocabularies -->
<!-- END generated: vocabularies -->

The end.
"""


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_fill_replaces_only_the_text_between_the_markers(lang):
    filled = fill(GUIDE, lang, SHIPPED)
    assert filled == GUIDE.replace(
        "| an old | table |\n", fields_table(lang, SHIPPED) + "\n").replace(
        "<!-- BEGIN generated: vocabularies -->\n",
        "<!-- BEGIN generated: vocabularies -->\n" + vocab_tables(lang, SHIPPED) + "\n")
    assert filled.startswith("# Guide\n\nIntro kept as written.\n\n<!-- BEGIN generated: fields -->\n| ")
    assert "\n\nBetween the blocks, kept too.\n\n" in filled and filled.endswith("\n\nThe end.\n")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_fill_is_idempotent(lang):
    once = fill(GUIDE, lang, SHIPPED)
    assert fill(once, lang, SHIPPED) == once


def test_fill_leaves_a_text_without_markers_alone():
    text = "# Titre\n\n<!-- a comment -->\nNo generated block here.\n"
    assert fill(text, "fr", SHIPPED) == text


@pytest.mark.parametrize("lang, name", GUIDES.items())
def test_committed_guides_are_up_to_date(lang, name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert text.count("<!-- BEGIN generated: ") == 2
    assert fill(text, lang, SHIPPED) == text, f"{name} is {WRITE_HINT}"


@pytest.mark.parametrize("lang, name", GUIDES.items())
def test_every_field_and_term_appears_in_each_guide(lang, name):
    text = (ROOT / name).read_text(encoding="utf-8")
    missing = [f.name for f in FIELDS if f"`{f.name}`" not in text]
    missing += [f"{vocab}:{term}" for vocab in VOCABS for term in SHIPPED.terms(vocab) if f"`{term}`" not in text]
    assert missing == []


def guides_in(tmp_path):
    for name in GUIDES.values():
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    stale = (ROOT / "CONTRIBUTING.en.md").read_text(encoding="utf-8").replace(
        "| `title` | yes | Title of the entry, in the file's language. |", "| `title` | yes | An old rule. |")
    assert "An old rule." in stale
    (tmp_path / "CONTRIBUTING.en.md").write_text(stale, encoding="utf-8")


def test_write_guides_refills_only_the_stale_guide(tmp_path, monkeypatch, capsys):
    guides_in(tmp_path)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in ("CONTRIBUTING.md", "CONTRIBUTING.ar.md")}

    assert cli.main(["schema", "--write-guides"]) == 0
    assert capsys.readouterr().out == "updated CONTRIBUTING.en.md\n"
    for name in GUIDES.values():
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / name).read_text(encoding="utf-8")
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in before} == before

    assert cli.main(["schema", "--write-guides"]) == 0
    assert capsys.readouterr().out == ""


# --- the guides as site pages (tools.pipeline.guide_pages) --------------------------------------------

def test_guide_pages_are_the_guides_with_fresh_tables(tmp_path):
    guides_in(tmp_path)
    out = guide_pages(tmp_path)
    assert sorted(out) == ["contribuer/ar.md", "contribuer/en.md", "contribuer/fr.md"]
    for lang, name in GUIDES.items():
        direction = "rtl" if lang == "ar" else "ltr"
        assert out[f"contribuer/{lang}.md"] == (f"---\nlang: {lang}\ndir: {direction}\n---\n\n"
                                                + (ROOT / name).read_text(encoding="utf-8"))
    assert "An old rule." not in out["contribuer/en.md"]


def test_guide_pages_without_guides_is_empty(tmp_path):
    assert guide_pages(tmp_path) == {}
    (tmp_path / "CONTRIBUTING.ar.md").write_text("# دليل\n", encoding="utf-8")
    assert guide_pages(tmp_path) == {"contribuer/ar.md": "---\nlang: ar\ndir: rtl\n---\n\n# دليل\n"}
