"""The `instrument` block of tool entries and the links' `accessed` / `archive_url`, in real files:
problems at their line with their key path, the cleaned model, the JSON Schema agreeing with the
checker on a set of examples, the guides and the scaffold following the schema.

The `jsonschema` package is not installed, so the schema side uses tests/content/schema_check.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import AR_BODY, BODY, EN_BODY, ROOT, entry_text, line_of, load
from tests.content.schema_check import violations
from tools.content.loader import load_file
from tools.content.model import Instrument, Link
from tools.content.problems import WARNING, Problem
from tools.content.schema import INSTRUMENT_FIELDS
from tools.content.schema_export import GUIDES, fields_table, json_schema, vocab_tables
from tools.content.validate import load_collection
from tools.content.vocab import Vocabularies
from tools.project import Project
from tools.scaffold import new_entry

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

NAME, PATH = "ma/ma-x.fr.md", "practices/ma/ma-x.fr.md"
ARCHIVE = "https://web.archive.org/web/2024/https://www.hcp.ma/"
LINKS = ("\n  - title: HCP\n    url: https://www.hcp.ma/\n    accessed: \"2024-05-01\"\n"
         f"    archive_url: {ARCHIVE}\n"
         "  - title: ENE 2024\n    url: https://www.hcp.ma/ene/")
FULL = """
  population: Ménages ordinaires résidant au Maroc, personnes de 15 ans et plus
  migrant_identification: [citizenship, country-of-birth]
  reference_period: La semaine précédant l'entretien
  periodicity: quarterly
  rounds: [2017, 2024]
  sample: 90 000 ménages par an
  collection_modes: [capi]
  microdata_access: on-request
  questionnaire_languages: [ar, fr]
  icls_concepts: [international-migrant-workers, return-international-migrant-workers]
  cite:
    rounds: [1]
    sample: [0, 1]"""
VOCABS = ("migrant_identification", "periodicities", "collection_modes", "microdata_access", "icls_concepts")


def problems_of(tmp_path, text):
    return load(tmp_path, {NAME: text})[1]


# --- the model --------------------------------------------------------------------------------

def test_a_full_instrument_block_and_link_sub_fields_give_the_model(tmp_path):
    entries, problems, _ = load(tmp_path, {NAME: entry_text(instrument=FULL, links=LINKS)})
    assert problems == []
    [entry] = entries
    assert entry.instrument == Instrument(
        population="Ménages ordinaires résidant au Maroc, personnes de 15 ans et plus",
        migrant_identification=("citizenship", "country-of-birth"),
        reference_period="La semaine précédant l'entretien", periodicity="quarterly", rounds=(2017, 2024),
        sample="90 000 ménages par an", collection_modes=("capi",), microdata_access="on-request",
        questionnaire_languages=("ar", "fr"),
        icls_concepts=("international-migrant-workers", "return-international-migrant-workers"),
        cite=(("rounds", (1,)), ("sample", (0, 1))))
    assert entry.instrument.latest_round == 2024
    assert entry.links == (Link("HCP", "https://www.hcp.ma/", "2024-05-01", ARCHIVE),
                           Link("ENE 2024", "https://www.hcp.ma/ene/"))


def test_a_version_one_entry_needs_no_change(tmp_path):
    entries, problems, _ = load(tmp_path, {NAME: entry_text()})
    assert problems == []
    assert entries[0].instrument is None
    assert entries[0].links == (Link("Site du HCP", "https://www.hcp.ma/"),)
    assert entries[0].links[0].accessed is None and entries[0].links[0].archive_url is None


def test_an_empty_instrument_is_no_instrument(tmp_path):
    entries, problems, _ = load(tmp_path, {NAME: entry_text(instrument="")})
    assert problems == [] and entries[0].instrument is None


# --- problems at their line ---------------------------------------------------------------------

def test_instrument_on_a_practice_is_an_error_at_the_block_line(tmp_path):
    text = entry_text(type="practice", instrument="\n  rounds: [2014]")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "instrument:"), "instrument",
                                "only for entries of type 'tool'; this entry is 'practice'",
                                "remove the block, or set type: tool")]
    assert entries == []


def test_a_round_out_of_order_is_reported_at_its_own_line(tmp_path):
    text = entry_text(instrument="\n  periodicity: annual\n  rounds:\n    - 2014\n    - 2024\n    - 2019")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "    - 2019"), "instrument.rounds[2]",
                                                   "2019 comes after 2024",
                                                   "list the years from the oldest to the latest")]


def test_nested_problems_each_at_their_line(tmp_path):
    text = entry_text(links=LINKS, instrument=(
        "\n  periodicity: anual\n  questionnaire_languages: [ar, arabic]\n  rounds: [2014]"
        "\n  cite:\n    rounds: [2]\n    samples: [0]"))
    hint_lang = "write a lower-case code such as 'ar', 'fr', 'en', 'tzm' (Tamazight) or 'mey' (Hassaniya)"
    assert sorted(problems_of(tmp_path, text)) == [
        Problem(PATH, line_of(text, "  periodicity:"), "instrument.periodicity", "'anual' is not a known value",
                "did you mean 'annual'?"),
        Problem(PATH, line_of(text, "  questionnaire_languages:"), "instrument.questionnaire_languages[1]",
                "'arabic' is not an ISO 639 language code", hint_lang),
        Problem(PATH, line_of(text, "    rounds: [2]"), "instrument.cite.rounds[0]", "links[2] does not exist",
                "the entry has 2 links: links[0] to links[1]"),
        Problem(PATH, line_of(text, "    samples:"), "instrument.cite.samples",
                "'samples' is not a field of this block", "did you mean 'sample'?"),
    ]


def test_an_unknown_sub_field_is_a_warning_at_its_line(tmp_path):
    text = entry_text(instrument="\n  rounds: [2014]\n  frequency: annual")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "  frequency:"), "instrument.frequency", "unknown field, ignored",
                                "", WARNING)]
    assert entries[0].instrument.rounds == (2014,)


def test_link_sub_field_problems_at_their_lines(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    text = entry_text(links=(f"\n  - title: A\n    url: https://a.org/\n    accessed: \"{future}\""
                             "\n    archive_url: web.archive.org/a\n  - title: B\n    url: https://b.org/"
                             "\n    accesed: \"2024-01-01\""))
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [
        Problem(PATH, line_of(text, "    accessed:"), "links[0].accessed", f"'{future}' is in the future",
                "write the date on which the page was opened"),
        Problem(PATH, line_of(text, "    archive_url:"), "links[0].archive_url",
                "'web.archive.org/a' is not an http(s) address", "links must start with https:// or http://"),
        Problem(PATH, line_of(text, "    accesed:"), "links[1].accesed", "unknown field, ignored",
                "did you mean 'accessed'?", WARNING),
    ]
    assert entries == []


# --- the JSON Schema agrees with the checker -------------------------------------------------------

AGREE = [  # (name, entry_text overrides, checker error fields, schema violations)
    ("full", dict(instrument=FULL, links=LINKS), [], []),
    ("version one", {}, [], []),
    ("unknown sub-field (a warning)", dict(instrument="\n  rounds: [2014]\n  frequency: annual"), [], []),
    ("on a practice", dict(type="practice", instrument="\n  rounds: [2014]"),
     ["instrument"], ["$.type: 'practice' not in enum"]),
    ("periodicity", dict(instrument="\n  periodicity: yearly"),
     ["instrument.periodicity"], ["$.instrument.periodicity: 'yearly' not in enum"]),
    ("identification", dict(instrument="\n  migrant_identification: [nationality]"),
     ["instrument.migrant_identification[0]"],
     ["$.instrument.migrant_identification[0]: 'nationality' not in enum"]),
    ("a year of two digits", dict(instrument="\n  rounds: [2014, 24]"),
     ["instrument.rounds[1]"], ["$.instrument.rounds[1]: matches none of anyOf"]),
    ("rounds as one year", dict(instrument="\n  rounds: 2014"),
     ["instrument.rounds"], ["$.instrument.rounds: not of type array"]),
    ("language", dict(instrument="\n  questionnaire_languages: [xx]"),
     ["instrument.questionnaire_languages[0]"], ["$.instrument.questionnaire_languages[0]: 'xx' not in enum"]),
    ("concept", dict(instrument="\n  icls_concepts: [nationals-abroad]"),
     ["instrument.icls_concepts[0]"], ["$.instrument.icls_concepts[0]: 'nationals-abroad' not in enum"]),
    ("microdata", dict(instrument="\n  microdata_access: restricted"),
     ["instrument.microdata_access"], ["$.instrument.microdata_access: 'restricted' not in enum"]),
    ("population too long", dict(instrument="\n  population: " + "x" * 301),
     ["instrument.population"], ["$.instrument.population: longer than 300"]),
    ("block as a list", dict(instrument="[2014]"), ["instrument"], ["$.instrument: not of type object"]),
    ("cite of an unknown field", dict(instrument="\n  rounds: [2014]\n  cite: {round: [0]}"),
     ["instrument.cite.round"], ["$.instrument.cite: 'round' is not allowed"]),
    ("cite by name", dict(instrument="\n  rounds: [2014]\n  cite: {rounds: [first]}"),
     ["instrument.cite.rounds[0]"], ["$.instrument.cite.rounds[0]: matches none of anyOf"]),
    ("accessed not a date", dict(links="\n  - title: A\n    url: https://a.org/\n    accessed: mai 2024"),
     ["links[0].accessed"], [r"$.links[0].accessed: does not match ^\d{4}-\d{2}-\d{2}$"]),
    ("archive not http", dict(links="\n  - title: A\n    url: https://a.org/\n    archive_url: ftp://a.org/"),
     ["links[0].archive_url"], ["$.links[0].archive_url: does not match ^https?://"]),
]
# What a JSON Schema cannot say: only the checker refuses these.
CHECKER_ONLY = [
    ("cite past the last link", dict(instrument="\n  rounds: [2014]\n  cite: {rounds: [5]}"),
     ["instrument.cite.rounds[0]"]),
    ("rounds out of order", dict(instrument="\n  rounds: [2024, 2014]"), ["instrument.rounds[1]"]),
    ("accessed in the future", dict(links="\n  - title: A\n    url: https://a.org/\n    accessed: 2999-01-01"),
     ["links[0].accessed"]),
]


def checked(tmp_path, overrides):
    """(error fields from the checker, violations of the JSON Schema) for one entry text."""
    _, problems, _ = load(tmp_path, {NAME: entry_text(**overrides)})
    meta = load_file(tmp_path / "practices" / NAME).meta
    return [p.field for p in problems if p.severity == "error"], violations(meta, json_schema())


@pytest.mark.parametrize("name, overrides, errors, schema_says", AGREE, ids=[c[0] for c in AGREE])
def test_the_checker_and_the_schema_agree(tmp_path, name, overrides, errors, schema_says):
    assert checked(tmp_path, overrides) == (errors, schema_says)


@pytest.mark.parametrize("name, overrides, errors", CHECKER_ONLY, ids=[c[0] for c in CHECKER_ONLY])
def test_what_only_the_checker_refuses(tmp_path, name, overrides, errors):
    assert checked(tmp_path, overrides) == (errors, [])


def test_the_schema_accepts_years_and_link_numbers_as_an_editor_reads_them():
    meta = {**load_file(ROOT / "practices" / "ma" / "ma-enquete-nationale-emploi.fr.md").meta,
            "instrument": {"rounds": [2017, 2024], "cite": {"rounds": [0]}}}
    assert violations(meta, json_schema()) == []
    meta["instrument"]["rounds"] = [2017, 24]
    assert violations(meta, json_schema()) == ["$.instrument.rounds[1]: matches none of anyOf"]


def test_the_schema_says_instrument_is_for_tools():
    assert json_schema()["allOf"] == [
        {"if": {"required": ["instrument"]}, "then": {"properties": {"type": {"enum": ["tool"]}}}}]
    assert json_schema()["properties"]["instrument"]["properties"]["rounds"]["description"] == \
        INSTRUMENT_FIELDS[4].help["en"]


# --- guides and vocabularies --------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_fields_table_lists_every_instrument_sub_field(lang):
    [row] = [line for line in fields_table(lang, SHIPPED).split("\n") if line.startswith("| `instrument` |")]
    for f in INSTRUMENT_FIELDS:
        assert f"<br>`instrument.{f.name}`: {f.help[lang]}" in row
    [links] = [line for line in fields_table(lang, SHIPPED).split("\n") if line.startswith("| `links` |")]
    assert "accessed" in links and "archive_url" in links


@pytest.mark.parametrize("lang, name", GUIDES.items())
def test_every_instrument_term_is_in_each_guide_with_its_label(lang, name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert vocab_tables(lang, SHIPPED) in text
    for v in VOCABS:
        for term in SHIPPED.terms(v):
            assert f"| `{term}` | {SHIPPED.label(v, term, lang)}" in text, (v, term)


def test_icls_concepts_have_labels_and_definitions_in_three_languages():
    terms = SHIPPED.terms("icls_concepts")
    assert terms[:4] == ("international-migrant-workers", "non-resident-foreign-workers",
                         "for-work-international-migrants", "return-international-migrant-workers")
    for term in terms:
        for lang in ("fr", "ar", "en"):
            assert SHIPPED.label("icls_concepts", term, lang) and SHIPPED.description("icls_concepts", term, lang)


def test_proposed_arabic_labels_are_marked_in_the_arabic_guide():
    proposed = [t for t in SHIPPED.terms("icls_concepts") if SHIPPED.proposed("icls_concepts", t, "ar")]
    assert proposed and "international-migrant-workers" not in proposed
    table = vocab_tables("ar", SHIPPED)
    for term in proposed:
        assert f"| `{term}` | {SHIPPED.label('icls_concepts', term, 'ar')} (مقترح) |" in table
    assert "(proposed)" not in vocab_tables("en", SHIPPED)  # the English labels are the guidelines' own


# --- scaffold -------------------------------------------------------------------------------------

def load_project(project: Project):
    return load_collection(project.practices, project.root)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    (tmp_path / "practices").mkdir()
    return Project()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_tool_skeleton_carries_the_instrument_block_as_comments(project, lang):
    text = new_entry(project, "ma", "tool", lang, "Enquête sur les saisonniers", []).read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    assert "# instrument:\n" in front
    for f in INSTRUMENT_FIELDS:
        assert f"#   {f.name}: {f.kind.sample()}  # {f.help[lang]}\n" in front
    entries, problems, _ = load_project(project)
    assert [p for p in problems if p.severity == "error"] == [] and entries[0].instrument is None


def test_a_practice_skeleton_has_no_instrument_block(project):
    text = new_entry(project, "ma", "practice", "fr", "Partage des données", []).read_text(encoding="utf-8")
    assert "instrument" not in text


def test_uncommented_skeleton_lines_with_chosen_values_validate(project):
    path = new_entry(project, "ma", "tool", "fr", "Enquête sur les saisonniers", [])
    text = path.read_text(encoding="utf-8")
    text = text.replace("# instrument:", "instrument:").replace(
        "#   rounds: [2014, 2024]", "  rounds: [2014, 2024]").replace(
        "#   periodicity: " + " | ".join(SHIPPED.terms("periodicities")), "  periodicity: decennial")
    path.write_text(text, encoding="utf-8")
    entries, problems, _ = load_project(project)
    assert [p for p in problems if p.severity == "error"] == []
    assert (entries[0].instrument.rounds, entries[0].instrument.periodicity) == ((2014, 2024), "decennial")


@pytest.mark.parametrize("lang, name", GUIDES.items())
def test_the_guides_instrument_example_passes_the_checker(tmp_path, lang, name):
    text = (ROOT / name).read_text(encoding="utf-8")
    [example] = [block.split("```", 1)[0] for block in text.split("```yaml\n")[1:] if "\ninstrument:\n" in block]
    links, block = example.split("instrument:", 1)
    body = {"fr": BODY, "ar": AR_BODY, "en": EN_BODY}[lang]  # the text in the file's language
    entries, problems, _ = load(tmp_path, {f"ma/ma-x.{lang}.md": entry_text(
        body, lang=lang, links=links.removeprefix("links:").rstrip("\n"), instrument=block.rstrip("\n"))})
    assert problems == []
    assert entries[0].instrument.latest_round == 2024 and entries[0].instrument.sources("rounds") == (0,)
    assert entries[0].links[0].archive_url.startswith("https://web.archive.org/")
