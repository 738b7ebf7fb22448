"""tools/content/kinds.py: each kind's check() (cleaned value, issues with their key paths) and
json_schema(), called directly, without a file.

File-level behaviour (lines, the instrument block and link sub-fields in real entries, the JSON
Schema agreeing with the checker) is in tests/content/test_instrument.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tools.content.kinds import (
    DATE_HINT,
    URL_HINT,
    Block,
    Choice,
    ChoiceList,
    Cite,
    Countries,
    Date,
    Issue,
    LanguageCodes,
    Links,
    Period,
    StrList,
    Text,
    Url,
    Years,
)
from tools.content.model import Instrument, Link
from tools.content.problems import WARNING
from tools.content.schema import FIELDS_BY_NAME, INSTRUMENT_FIELDS, Field
from tools.content.vocab import Vocabularies

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

TEXT_HINT = "write it on one line after the colon"
TODAY = dt.date.today()


# --- Text -------------------------------------------------------------------------------------

def test_text_is_trimmed_and_its_spaces_collapsed():
    assert Text(3, 20).check("  Enquête   emploi \n", "title") == ("Enquête emploi", [])


def test_text_accepts_a_number_written_as_text():
    assert Text().check("2024", "sample") == ("2024", [])


@pytest.mark.parametrize("value, what", [(["a"], "a list"), ({"a": 1}, "a mapping"), (True, "bool")])
def test_text_that_is_not_text(value, what):
    assert Text().check(value, "instrument.population") == (
        None, [Issue("instrument.population", f"must be text, got {what}", TEXT_HINT)])


def test_text_too_short_and_too_long():
    assert Text(3, 5).check("ab", "title")[1] == [Issue("title", "is 2 characters, at least 3 expected")]
    assert Text(3, 5).check("abcdef", "title")[1] == [Issue("title", "is 6 characters, at most 5 allowed",
                                                            "shorten it")]


def test_text_of_spaces_is_empty():
    assert Text().check("   ", "summary") == ("", [Issue("summary", "required field is empty")])


def test_text_with_html():
    assert Text().check("a <b>b</b>", "summary")[1] == [
        Issue("summary", "contains HTML", "plain text only: remove the <...> tags")]


def test_text_schema_gives_only_the_limits_it_has():
    assert Text(3, 200).json_schema() == {"type": "string", "minLength": 3, "maxLength": 200}
    assert Text().json_schema() == {"type": "string"}


# --- Choice and ChoiceList --------------------------------------------------------------------

def test_choice_of_a_known_term():
    assert Choice("periodicities").check("quarterly", "instrument.periodicity") == ("quarterly", [])


def test_choice_of_an_unknown_term_with_a_close_match():
    assert Choice("periodicities").check("quaterly", "instrument.periodicity") == (
        None, [Issue("instrument.periodicity", "'quaterly' is not a known value", "did you mean 'quarterly'?")])


def test_choice_of_an_unknown_term_lists_the_terms():
    assert Choice("microdata_access").check("xyz", "instrument.microdata_access") == (
        None, [Issue("instrument.microdata_access", "'xyz' is not a known value",
                     "one of: open, on-request, none, unknown")])


def test_choice_that_is_a_list():
    assert Choice("types").check(["tool"], "type") == (None, [Issue("type", "must be text, got a list", TEXT_HINT)])


def test_choice_schema_is_the_vocabulary():
    assert Choice("microdata_access").json_schema() == {"enum": ["open", "on-request", "none", "unknown"]}


def test_choice_list_keeps_known_terms_in_order():
    kind = ChoiceList("migrant_identification")
    assert kind.check(["country-of-birth", "citizenship"], "instrument.migrant_identification") == (
        ("country-of-birth", "citizenship"), [])


def test_choice_list_reports_each_unknown_item_at_its_index():
    kind = ChoiceList("migrant_identification")
    cleaned, issues = kind.check(["citizenship", "nationality", "country-of-brith"], "instrument.migrant_identification")
    assert cleaned == ("citizenship",)
    assert issues[0] == Issue("instrument.migrant_identification[1]",
                              "'nationality' is not a known migrant identification term",
                              "one of: citizenship, country-of-birth, previous-residence, administrative-status, "
                              "reason-for-migration")
    assert issues[1] == Issue("instrument.migrant_identification[2]",
                              "'country-of-brith' is not a known migrant identification term",
                              "did you mean 'country-of-birth'?")
    assert len(issues) == 2


def test_choice_list_repeated_term_is_a_warning_and_kept_once():
    assert ChoiceList("collection_modes").check(["capi", "web", "capi"], "instrument.collection_modes") == (
        ("capi", "web"), [Issue("instrument.collection_modes[2]", "'capi' is listed twice", "remove one", WARNING)])


@pytest.mark.parametrize("value, message, hint", [
    ("capi", "must be a list, got 'capi'", "write collection_modes: [capi]"),
    ({"capi": 1}, "must be a list", "write collection_modes: [a, b]"),
])
def test_choice_list_that_is_not_a_list(value, message, hint):
    assert ChoiceList("collection_modes").check(value, "instrument.collection_modes") == (
        None, [Issue("instrument.collection_modes", message, hint)])


def test_choice_list_schema_requires_one_item_only_when_required():
    terms = list(SHIPPED.terms("themes"))
    assert ChoiceList("themes").json_schema() == {"type": "array", "items": {"enum": terms}, "uniqueItems": True}
    assert ChoiceList("themes").json_schema(required=True)["minItems"] == 1


# --- language codes ---------------------------------------------------------------------------

def test_language_codes_of_the_region():
    assert LanguageCodes().check(["ar", "fr", "tzm", "mey", "ber"], "instrument.questionnaire_languages") == (
        ("ar", "fr", "tzm", "mey", "ber"), [])


@pytest.mark.parametrize("code, hint", [
    ("AR", "did you mean 'ar'?"),
    ("arabic", "write a lower-case code such as 'ar', 'fr', 'en', 'tzm' (Tamazight) or 'mey' (Hassaniya)"),
])
def test_language_code_that_is_not_iso_639(code, hint):
    assert LanguageCodes().check(["fr", code], "instrument.questionnaire_languages") == (
        ("fr",), [Issue("instrument.questionnaire_languages[1]", f"'{code}' is not an ISO 639 language code", hint)])


def test_language_codes_schema_lists_the_codes():
    out = LanguageCodes().json_schema()
    assert out["type"] == "array" and out["uniqueItems"] is True
    assert {"ar", "fr", "en", "tzm", "mey"} <= set(out["items"]["enum"])
    assert not {"AR", "arabic", "xx"} & set(out["items"]["enum"])


# --- countries, lists of text, periods, dates, addresses --------------------------------------

def test_countries_with_a_bad_code_hint_the_iso_code():
    assert Countries().check(["TN", "Maroc"], "countries") == (
        ("TN",), [Issue("countries[1]", "'Maroc' is not an ISO 3166-1 alpha-2 code", "did you mean 'MA'?")])


def test_an_empty_country_list_is_a_value():
    assert Countries.empty_ok is True and Text.empty_ok is False
    assert Countries().check([], "countries") == ((), [])


def test_str_list_items_must_be_non_empty_text():
    assert StrList().check(["HCP", " ", {"a": 1}, "ANAPEC  Rabat"], "institutions") == (
        ("HCP", "ANAPEC Rabat"),
        [Issue("institutions[1]", "must be non-empty text"), Issue("institutions[2]", "must be non-empty text")])


@pytest.mark.parametrize("value, issue", [
    ("2018-2021", None),
    ("2018", None),
    ("2018/2021", Issue("period", "'2018/2021' is not a period", 'write YYYY or YYYY-YYYY, e.g. "2018-2021"')),
    ("2021-2018", Issue("period", "period ends (2018) before it starts (2021)", "write the earlier year first")),
])
def test_period(value, issue):
    assert Period().check(value, "period") == ((None, [issue]) if issue else (value, []))


@pytest.mark.parametrize("value", ["2024-02-30", "2024-5-1", "hier", "01/05/2024"])
def test_date_that_is_not_a_date(value):
    assert Date().check(value, "updated") == (None, [Issue("updated", f"'{value}' is not a date", DATE_HINT)])


def test_date_in_the_future_is_refused_only_when_asked():
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert Date().check(tomorrow, "updated") == (tomorrow, [])
    assert Date(not_future=True).check(tomorrow, "links[0].accessed") == (
        None, [Issue("links[0].accessed", f"'{tomorrow}' is in the future",
                     "write the date on which the page was opened")])
    assert Date(not_future=True).check(TODAY.isoformat(), "links[0].accessed") == (TODAY.isoformat(), [])


def test_date_schema():
    assert Date().json_schema() == {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@pytest.mark.parametrize("url", ["ftp://x.org/", "www.x.org", "https://", "http://[::1"])
def test_url_that_is_not_http(url):
    assert Url().check(url, "links[0].archive_url") == (
        None, [Issue("links[0].archive_url", f"'{url}' is not an http(s) address", URL_HINT)])


# --- links --------------------------------------------------------------------------------------

ARCHIVE = "https://web.archive.org/web/2024/https://www.hcp.ma/"


def test_links_with_accessed_and_archive_url():
    value = [{"title": "HCP", "url": "https://www.hcp.ma/", "accessed": "2024-05-01", "archive_url": ARCHIVE},
             {"title": "INS", "url": "https://www.ins.tn/"}]
    assert Links().check(value, "links") == (
        (Link("HCP", "https://www.hcp.ma/", "2024-05-01", ARCHIVE), Link("INS", "https://www.ins.tn/")), [])


def test_link_accessed_in_the_future_and_a_bad_archive_are_reported_under_the_link():
    future = (TODAY + dt.timedelta(days=30)).isoformat()
    value = [{"title": "HCP", "url": "https://www.hcp.ma/"},
             {"title": "INS", "url": "https://www.ins.tn/", "accessed": future, "archive_url": "archive.org/x"}]
    assert Links().check(value, "links") == ((Link("HCP", "https://www.hcp.ma/"),), [
        Issue("links[1].accessed", f"'{future}' is in the future", "write the date on which the page was opened"),
        Issue("links[1].archive_url", "'archive.org/x' is not an http(s) address", URL_HINT)])


def test_link_accessed_that_is_not_a_date():
    assert Links().check([{"title": "A", "url": "https://a.org/", "accessed": "mai 2024"}], "links")[1] == [
        Issue("links[0].accessed", "'mai 2024' is not a date", DATE_HINT)]


def test_link_with_an_unknown_key_warns_with_the_close_name():
    cleaned, issues = Links().check([{"title": "A", "url": "https://a.org/", "acessed": "2024-01-01"}], "links")
    assert cleaned == (Link("A", "https://a.org/"),)
    assert issues == [Issue("links[0].acessed", "unknown field, ignored", "did you mean 'accessed'?", WARNING)]


def test_link_problems_of_version_one_keep_their_messages():
    value = ["https://a.org/", {"title": "", "url": "https://a.org/"}, {"title": "B"}]
    assert Links().check(value, "links") == ((), [
        Issue("links[0]", "must be a {title, url} pair", "write '- title: ...' then 'url: https://...'"),
        Issue("links[1].title", "link title is missing"),
        Issue("links[2]", "'' is not an http(s) address", URL_HINT)])


def test_links_schema_has_the_optional_sub_fields():
    item = Links().json_schema()["items"]
    assert item["required"] == ["title", "url"]
    assert item["properties"]["accessed"] == Date().json_schema()
    assert item["properties"]["archive_url"] == {"type": "string", "format": "uri", "pattern": "^https?://"}


# --- years --------------------------------------------------------------------------------------

def test_years_as_written_in_yaml_become_ints():
    assert Years().check(["2004", 2014, "2024"], "instrument.rounds") == ((2004, 2014, 2024), [])


@pytest.mark.parametrize("value, issue", [
    (["2014", "24"], Issue("instrument.rounds[1]", "'24' is not a year", "write four digits, e.g. 2024")),
    (["2014", "2014-2015"], Issue("instrument.rounds[1]", "'2014-2015' is not a year", "write four digits, e.g. 2024")),
    (["2014", None], Issue("instrument.rounds[1]", "'None' is not a year", "write four digits, e.g. 2024")),
    (["2024", "2014"], Issue("instrument.rounds[1]", "2014 comes after 2024",
                             "list the years from the oldest to the latest")),
    (["2014", "2014"], Issue("instrument.rounds[1]", "2014 is listed twice", "remove one")),
])
def test_years_that_are_not_years_or_not_in_order(value, issue):
    assert Years().check(value, "instrument.rounds") == ((int(value[0]),), [issue])


def test_years_that_is_a_single_year():
    assert Years().check("2024", "instrument.rounds") == (
        None, [Issue("instrument.rounds", "must be a list, got '2024'", "write rounds: [2024]")])


def test_years_schema_accepts_a_number_or_four_digits():
    out = Years().json_schema()
    assert out["type"] == "array" and out["uniqueItems"] is True
    assert out["items"]["anyOf"] == [{"type": "integer", "minimum": 1000, "maximum": 9999},
                                     {"type": "string", "pattern": r"^\d{4}$"}]


# --- cite ---------------------------------------------------------------------------------------

CITE = Cite(("population", "rounds", "sample"))
TWO_LINKS = {"links": [{"title": "A", "url": "https://a.org/"}, {"title": "B", "url": "https://b.org/"}]}


def test_cite_gives_link_numbers_per_field():
    assert CITE.check({"rounds": [0, "1"], "sample": ["1"]}, "instrument.cite", TWO_LINKS) == (
        (("rounds", (0, 1)), ("sample", (1,))), [])


@pytest.mark.parametrize("context, hint", [
    (TWO_LINKS, "the entry has 2 links: links[0] to links[1]"),
    ({"links": [{"title": "A", "url": "https://a.org/"}]}, "the entry has one link: links[0]"),
    ({}, "add the source to links first"),
])
def test_cite_number_past_the_last_link(context, hint):
    assert CITE.check({"rounds": [2]}, "instrument.cite", context) == (
        (), [Issue("instrument.cite.rounds[0]", "links[2] does not exist", hint)])


def test_cite_number_that_is_not_a_number():
    assert CITE.check({"rounds": [0, "first", -1]}, "instrument.cite", TWO_LINKS) == (
        (("rounds", (0,)),),
        [Issue("instrument.cite.rounds[1]", "'first' is not a link number",
               "write the position of the link in links, counting from 0"),
         Issue("instrument.cite.rounds[2]", "'-1' is not a link number",
               "write the position of the link in links, counting from 0")])


def test_cite_of_a_field_the_block_does_not_have():
    assert CITE.check({"round": [0]}, "instrument.cite", TWO_LINKS) == (
        (), [Issue("instrument.cite.round", "'round' is not a field of this block", "did you mean 'rounds'?")])


def test_cite_numbers_must_be_a_list():
    assert CITE.check({"rounds": 0}, "instrument.cite", TWO_LINKS)[1] == [
        Issue("instrument.cite.rounds", "must be a list, got '0'", "write rounds: [0]")]


def test_cite_that_is_not_a_mapping():
    assert CITE.check([0], "instrument.cite") == (
        None, [Issue("instrument.cite", "must be a mapping of field: [link numbers], got a list",
                     "write e.g. 'cite: {population: [0]}'")])


def test_cite_schema_names_the_fields_and_no_other():
    out = CITE.json_schema()
    assert out["type"] == "object" and out["additionalProperties"] is False
    assert list(out["properties"]) == ["population", "rounds", "sample"]
    assert out["properties"]["rounds"]["items"]["anyOf"][0] == {"type": "integer", "minimum": 0}


# --- block --------------------------------------------------------------------------------------

BLOCK = FIELDS_BY_NAME["instrument"].kind
TOOL = {"type": "tool", **TWO_LINKS}


def test_block_builds_the_record_from_what_is_given():
    value = {"population": "Ménages", "rounds": ["2014", "2024"], "icls_concepts": ["international-migrant-workers"],
             "cite": {"rounds": [1]}}
    instrument, issues = BLOCK.check(value, "instrument", TOOL)
    assert issues == []
    assert instrument == Instrument(population="Ménages", rounds=(2014, 2024),
                                    icls_concepts=("international-migrant-workers",), cite=(("rounds", (1,)),))
    assert instrument.latest_round == 2024
    assert instrument.sources("rounds") == (1,) and instrument.sources("sample") == ()


def test_block_leaves_empty_sub_fields_unknown():
    instrument, issues = BLOCK.check({"population": "", "rounds": [], "periodicity": None}, "instrument", TOOL)
    assert (instrument, issues) == (Instrument(), [])
    assert instrument.latest_round is None


def test_block_reports_sub_field_problems_with_their_paths():
    value = {"periodicity": "anual", "rounds": ["2024", "2014"], "sampel": "x", "cite": {"sample": [0]}}
    _, issues = BLOCK.check(value, "instrument", TOOL)
    assert issues == [
        Issue("instrument.periodicity", "'anual' is not a known value", "did you mean 'annual'?"),
        Issue("instrument.rounds[1]", "2014 comes after 2024", "list the years from the oldest to the latest"),
        Issue("instrument.cite.sample", "cites 'sample', which is not given", "give sample or remove its citation",
              WARNING),
        Issue("instrument.sampel", "unknown field, ignored", "did you mean 'sample'?", WARNING),
    ]


@pytest.mark.parametrize("kind", ["practice", "methodology", "resource"])
def test_block_on_another_type_is_an_error(kind):
    assert BLOCK.check({"rounds": ["2014"]}, "instrument", {"type": kind}) == (
        None, [Issue("instrument", f"only for entries of type 'tool'; this entry is '{kind}'",
                     "remove the block, or set type: tool")])


def test_block_with_an_unknown_type_leaves_the_type_problem_to_the_type_field():
    assert BLOCK.check({"rounds": ["2014"]}, "instrument", {"type": "tools"})[1] == []


def test_block_that_is_not_a_mapping():
    assert BLOCK.check(["2014"], "instrument", TOOL) == (
        None, [Issue("instrument", "must be a mapping of sub-fields, got a list",
                     "write 'instrument:' then one indented 'name: value' per line")])


def test_block_with_a_required_sub_field():
    block = Block((Field("a", Text(), required=True, help={"en": "A."}),), types=())
    assert block.check({}, "x") == ({}, [Issue("x.a", "required field is missing")])
    assert block.json_schema()["required"] == ["a"]


def test_block_schema_and_its_type_condition():
    out = BLOCK.json_schema()
    assert out["type"] == "object" and "required" not in out
    assert list(out["properties"]) == [f.name for f in INSTRUMENT_FIELDS]
    assert all(out["properties"][f.name]["description"] == f.help["en"] for f in INSTRUMENT_FIELDS)
    assert BLOCK.json_conditions("instrument") == [
        {"if": {"required": ["instrument"]}, "then": {"properties": {"type": {"enum": ["tool"]}}}}]


def test_every_kind_gives_a_sample_for_the_scaffold():
    assert [f.kind.sample() for f in INSTRUMENT_FIELDS] == [
        '""', "[citizenship, country-of-birth]", '""', " | ".join(SHIPPED.terms("periodicities")), "[2014, 2024]",
        '""', "[capi, papi]", "open | on-request | none | unknown", "[ar, fr]",
        "[international-migrant-workers, non-resident-foreign-workers]", "{population: [0]}"]


# A contributor writes the label shown on the site, or a few of its words, in their language:
# the hint names the term to write (it listed every term, or nothing useful, before).
@pytest.mark.parametrize("kind, key, value, hint", [
    (Choice("types"), "type", "Outil", "did you mean 'tool'? (write the term, not its label)"),
    (Choice("types"), "type", "أداة", "did you mean 'tool'? (write the term, not its label)"),
    (Choice("statuses"), "status", "Brouillon", "did you mean 'draft'? (write the term, not its label)"),
    (ChoiceList("themes"), "themes[0]", "Migration de retour",
     "did you mean 'return-migration'? (write the term, not its label)"),
    (ChoiceList("themes"), "themes[0]", "الهجرة العائدة",
     "did you mean 'return-migration'? (write the term, not its label)"),
    (ChoiceList("themes"), "themes[0]", "return", "did you mean 'return-migration'?"),
    (ChoiceList("themes"), "themes[0]", "retour", "did you mean 'return-migration'?"),
    (ChoiceList("data_sources"), "data_sources[0]", "enquête ménages", "did you mean 'household-survey'?"),
    (ChoiceList("data_sources"), "data_sources[0]", "enquête",
     "did you mean 'labour-force-survey' or 'household-survey' or 'establishment-survey'?"),
])
def test_unknown_term_written_as_its_label_or_some_of_its_words(kind, key, value, hint):
    cleaned, issues = kind.check(value if isinstance(kind, Choice) else [value], key.split("[")[0])
    assert cleaned in (None, ())
    assert [(i.key, i.hint) for i in issues] == [(key, hint)]


def test_unknown_term_with_only_short_or_common_words_still_lists_the_terms():
    # short words alone (in many labels) make no guess: the list
    _, issues = ChoiceList("data_sources").check(["de des", "of"], "data_sources")
    assert [i.hint.startswith("one of: labour-force-survey,") for i in issues] == [True, True]


@pytest.mark.parametrize("value", ["\u200b\u200b\u200b\u200b", "\u00ad\u2060\u200d\u200c", " \u200b \ufeff "])
def test_a_text_of_only_invisible_characters_is_refused(value):
    cleaned, issues = Text(3, 200).check(value, "title", vocabs=SHIPPED)
    assert [i.key for i in issues] == ["title"]
    assert "invisible" in issues[0].message and issues[0].severity != WARNING


def test_invisible_characters_do_not_count_towards_the_minimum_length():
    _, issues = Text(3, 200).check("ab\u200b\u200b", "title", vocabs=SHIPPED)
    assert [i.message for i in issues] == ["is 2 characters, at least 3 expected"]
    _, issues = Text(3, 200).check("\u200fabc", "title", vocabs=SHIPPED)
    assert issues == []


def test_a_tag_of_only_invisible_characters_is_refused():
    cleaned, issues = StrList().check(["\u200b", "emploi"], "tags", vocabs=SHIPPED)
    assert cleaned == ("emploi",)
    assert [(i.key, i.message) for i in issues] == [("tags[0]", "must be non-empty text")]


@pytest.mark.parametrize("vocab, value, field", [("themes", "work-permits", "data_sources"),
                                                  ("data_sources", "remittances", "themes"),
                                                  ("themes", "tool", "type")])
def test_a_term_of_another_field_says_where_it_belongs(vocab, value, field):
    _, issues = ChoiceList(vocab).check([value], vocab, vocabs=SHIPPED)
    assert len(issues) == 1 and f"move it to {field}" in issues[0].hint


@pytest.mark.parametrize("url", ["http://localhost:8000/rapport", "https://127.0.0.1/", "https://[::1]/x",
                                 "https://192.168.1.10/enquete.pdf", "http://intranet.localhost/",
                                 # IPv4 forms browsers read as 127.0.0.1 / 10.0.0.1 (WHATWG URL), and a trailing dot
                                 "https://0x7f.1/", "https://127.1/", "http://2130706433/", "https://0177.0.0.1/",
                                 "https://0xa.0.0.1/", "https://127.0.0.1./",
                                 # the host as browsers read it: percent-decoded, then mapped by UTS 46
                                 # (full-width digits, ideographic full stop); '0x' is 0.0.0.0 (found by the reviewer)
                                 "https://%31%32%37.0.0.1/", "https://１２７.０.０.１/", "https://127。0。0。1/",
                                 "https://0x/", "https://ＬＯＣＡＬＨＯＳＴ/", "https://1%30.0.0.1/"])
def test_a_link_to_this_computer_or_a_private_network_is_refused(url):
    _, issues = Links().check([{"title": "Rapport", "url": url}], "links", vocabs=SHIPPED)
    assert [(i.key, i.severity) for i in issues] == [("links[0].url", "error")]
    assert "not a public page" in issues[0].message


def test_a_site_name_mixing_alphabets_is_refused():
    _, issues = Links().check([{"title": "HCP", "url": "https://www.hcp.mа/"}], "links", vocabs=SHIPPED)  # Cyrillic 'а'
    assert [i.key for i in issues] == ["links[0].url"]
    assert "mixes alphabets" in issues[0].message and "U+0430" in issues[0].message


@pytest.mark.parametrize("url", ["https://www.hcp.ma/", "https://münchen.de/", "https://مثال.مصر/",
                                 "https://8.8.8.8/", "https://xn--80ak6aa92e.com/", "https://ansade.mr/ar/",
                                 "https://www.insee.fr./", "https://2024.example.org/", "https://134744072/"])
def test_public_addresses_in_one_alphabet_pass(url):
    _, issues = Links().check([{"title": "Source", "url": url}], "links", vocabs=SHIPPED)
    assert issues == []


def test_the_shortcuts_for_printable_text_see_every_invisible_character():
    """kinds._visible and kinds._url_fault skip their character-by-character look for text that
    str.isprintable() passes (#10): every character of a category C* or Z* (Cf among them) but the
    space fails it, so the answers are those of the look itself."""
    import sys
    import unicodedata

    from tools.content import kinds

    hidden = [chr(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c))[0] in "CZ" and chr(c) != " " and not 0xD800 <= c <= 0xDFFF]
    assert len(hidden) > 900_000  # unassigned and private-use code points are C* too
    assert not any(c.isprintable() for c in hidden)
    for c in hidden[::97] + [chr(0x200B), chr(0xAD), chr(0x202E), chr(0x2066), chr(0xA0), chr(0x2028)]:
        assert kinds._visible(f" a{c}b ") == "".join(x for x in f" a{c}b " if unicodedata.category(x) != "Cf").strip()
        flagged = unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Zs")
        assert (kinds._url_fault(f"https://example.org/a{c}b") is not None) == flagged, hex(ord(c))
    assert kinds._visible(" ordinary text, العربية ") == "ordinary text, العربية"
    assert kinds._url_fault("https://example.org/a b") == kinds._url_fault("https://example.org/a b\u200b")
    assert kinds._url_fault("https://example.org/é") is None
