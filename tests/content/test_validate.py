"""Field, cross-field and collection rules, through tools.content.validate.load_collection.

Each test starts from a valid entry (tests.conftest.entry_text), breaks one thing and checks
the exact problem: path, line, field, message, hint and severity.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import AR_BODY, BODY, EN_BODY, entry_text, line_of, load
from tools.content.model import Link
from tools.content.problems import WARNING, Problem

NAME = "ma/ma-x.fr.md"
PATH = "practices/ma/ma-x.fr.md"
COUNTRY_HINT = "did you mean 'MA'?"
DATE_HINT = 'write YYYY-MM-DD, e.g. "2026-11-29"'
URL_HINT = "links must start with https:// or http://"
SHARED_HINT = "translations share type, countries, themes and data_sources"


def problems_of(tmp_path, text, name=NAME):
    return load(tmp_path, {name: text})[1]


# --- a valid corpus ---------------------------------------------------------------------------

def test_the_base_entry_is_valid(tmp_path):
    entries, problems, files = load(tmp_path, {NAME: entry_text()})
    assert problems == [] and files == 1
    [entry] = entries
    assert (entry.id, entry.lang, entry.folder, entry.path) == ("ma-x", "fr", "ma", PATH)
    assert entry.title == "Enquête nationale sur l'emploi"
    assert entry.type == "tool"
    assert entry.countries == ("MA",)
    assert entry.themes == ("stocks", "flows")
    assert entry.data_sources == ("labour-force-survey",)
    assert entry.period == "2018-2021"
    assert entry.updated == "2024-05-01"
    assert entry.links == (Link("Site du HCP", "https://www.hcp.ma/"),)
    assert entry.status == "draft"
    assert entry.body.startswith("## Contexte") and "## Références" in entry.body


def test_valid_corpus_gives_entries_and_no_problems(tmp_path):
    files = {
        "ma/ma-x.fr.md": entry_text(countries="[MA, ES]", period="2018-2021", updated="2024-05-01",
                                    status="reviewed", reviewed_by="[Point focal HCP]", reviewed_on="2024-06-15",
                                    institutions="[HCP, ANAPEC]", tags="[ENE, emploi]"),
        "ma/ma-x.en.md": entry_text(EN_BODY, lang="en", title="National employment survey", countries="[ES, MA]",
                                    themes="[flows, stocks]", period="2018"),
        "regional/oit-x.fr.md": entry_text(title="Directives de la CIST", type="methodology", countries="[]",
                                           themes="[harmonisation]", data_sources=None, period=None,
                                           updated=None, status=None),
    }
    entries, problems, count = load(tmp_path, files)
    assert problems == []
    assert count == 3
    assert [(e.id, e.lang) for e in entries] == [("ma-x", "en"), ("ma-x", "fr"), ("oit-x", "fr")]
    en, fr, regional = entries
    # Unquoted YAML dates and periods are read as dates and numbers; they come out as text.
    assert fr.period == "2018-2021" and fr.updated == "2024-05-01" and fr.reviewed_on == "2024-06-15"
    assert en.period == "2018"
    assert fr.countries == ("MA", "ES") and en.countries == ("ES", "MA")
    assert fr.status == "reviewed" and fr.reviewed_by == ("Point focal HCP",)
    assert fr.institutions == ("HCP", "ANAPEC") and fr.tags == ("ENE", "emploi")
    assert en.title == "National employment survey" and en.path == "practices/ma/ma-x.en.md"
    assert regional.countries == () and regional.type == "methodology" and regional.folder == "regional"
    assert regional.data_sources == () and regional.period is None and regional.updated is None
    assert regional.status == "draft"


def test_unquoted_timestamp_with_a_time_is_not_a_date(tmp_path):
    # The contract is YYYY-MM-DD: a time of day is refused, not silently cut.
    text = entry_text(updated="2024-05-01 10:30:00")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert entries == []
    assert [(p.line, p.field, p.message) for p in problems] == [
        (line_of(text, "updated:"), "updated", "'2024-05-01 10:30:00' is not a date")]


def test_translations_agree_when_one_omits_empty_data_sources(tmp_path):
    files = {"ma/ma-x.fr.md": entry_text(data_sources="[]"), "ma/ma-x.en.md": entry_text(EN_BODY, lang="en", data_sources=None)}
    entries, problems, _ = load(tmp_path, files)
    assert problems == []
    assert [e.data_sources for e in entries] == [(), ()]


# --- required fields and types ----------------------------------------------------------------

def test_missing_required_field(tmp_path):
    problems = problems_of(tmp_path, entry_text(countries=None))
    assert problems == [Problem(PATH, 1, "countries", "required field is missing",
                                "countries: ISO 3166-1 alpha-2 codes in upper case; [] for a regional entry.")]


@pytest.mark.parametrize("value", ['""', "", "[]"])
def test_empty_required_field(tmp_path, value):
    text = entry_text(themes=value)
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "themes:"), "themes",
                                                   "required field is empty", "themes: One or more themes.")]


def test_empty_summary(tmp_path):
    text = entry_text(summary='""')
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "summary:"), "summary", "required field is empty",
                                                   "summary: Plain-text summary (20 to 500 characters).")]


def test_title_that_is_a_list(tmp_path):
    text = entry_text(title="[Enquête, emploi]")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "title:"), "title", "must be text, got a list",
                                                   "write it on one line after the colon")]


def test_summary_that_is_a_mapping(tmp_path):
    text = entry_text(summary="{fr: Un résumé}")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "summary:"), "summary",
                                                   "must be text, got a mapping", "write it on one line after the colon")]


def test_countries_that_is_a_string(tmp_path):
    text = entry_text(countries="MA")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "countries:"), "countries",
                                                   "must be a list, got 'MA'", "write countries: [MA]")]


def test_title_too_short(tmp_path):
    text = entry_text(title="EN")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "title:"), "title",
                                                   "is 2 characters, at least 3 expected")]


def test_summary_too_long(tmp_path):
    text = entry_text(summary="x" * 501)
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "summary:"), "summary",
                                                   "is 501 characters, at most 500 allowed", "shorten it")]


def test_summary_with_html(tmp_path):
    text = entry_text(summary='"Une enquête auprès des <b>ménages</b> sur l\'emploi."')
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "summary:"), "summary", "contains HTML",
                                                   "plain text only: remove the <...> tags")]


def test_html_in_institutions_tags_and_link_titles_is_reported_at_its_line(tmp_path):
    """Every plain-text value, not only title and summary: a tag is shown as text on the pages."""
    text = entry_text(institutions='["HCP", "<script>x</script>"]', tags="\n  - emploi\n  - <em>ENE</em>",
                      links='\n  - title: "Site du <b>HCP</b>"\n    url: https://www.hcp.ma/')
    html = ("contains HTML", "plain text only: remove the <...> tags")
    assert sorted(problems_of(tmp_path, text)) == [
        Problem(PATH, line_of(text, "  - title:"), "links[0].title", *html),
        Problem(PATH, line_of(text, "institutions:"), "institutions[1]", *html),
        Problem(PATH, line_of(text, "  - <em>"), "tags[1]", *html)]
    assert load(tmp_path, {NAME: text})[0] == []
    fine = entry_text(institutions='["Ministère < 10 ans"]', tags="[a<b]")
    assert problems_of(tmp_path, fine) == []


def test_summary_with_a_less_than_sign_is_not_html(tmp_path):
    entries, problems, _ = load(tmp_path, {NAME: entry_text(summary='"Entreprises de < 10 salariés et de > 50 salariés."')})
    assert problems == [] and len(entries) == 1


def test_bidi_override_in_a_plain_text_field_is_an_error_at_its_line(tmp_path):
    """U+202E shows 'Fiche gnp.exe' as 'Fiche exe.png' on every page: refused, like HTML."""
    text = entry_text(title='"Fiche \u202egnp.exe\u202c normale"', tags='["ok", "x\u202dy"]')
    found = sorted((p.line, p.field) for p in problems_of(tmp_path, text))
    assert found == [(line_of(text, "title:"), "title"), (line_of(text, "tags:"), "tags[1]")]
    assert all("U+202" in p.message and p.hint for p in problems_of(tmp_path, text))
    # Isolates and marks that mixed Arabic/Latin text legitimately needs stay allowed.
    fine = entry_text(title='"Enquête \u2067الهجرة\u2069 \u200fHCP"')
    assert problems_of(tmp_path, fine) == []


# --- vocabularies -----------------------------------------------------------------------------

def test_unknown_theme_with_close_match(tmp_path):
    text = entry_text(themes="[stocks, flow]")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "themes:"), "themes[1]",
                                                   "'flow' is not a known themes term", "did you mean 'flows'?")]


def test_unknown_theme_on_its_own_line_is_reported_at_that_line(tmp_path):
    text = entry_text(themes="\n  - stocks\n  - flow")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "  - flow"), "themes[1]",
                                                   "'flow' is not a known themes term", "did you mean 'flows'?")]


def test_unknown_data_source_without_close_match_lists_the_terms(tmp_path):
    text = entry_text(data_sources="[xyz]")
    [problem] = problems_of(tmp_path, text)
    assert (problem.line, problem.field, problem.message) == (
        line_of(text, "data_sources:"), "data_sources[0]", "'xyz' is not a known data sources term")
    assert problem.hint.startswith("one of: labour-force-survey, population-census, ")


def test_unknown_type_with_close_match(tmp_path):
    text = entry_text(type="tools")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "type:"), "type",
                                                   "'tools' is not a known value", "did you mean 'tool'?")]


def test_repeated_theme_is_a_warning(tmp_path):
    text = entry_text(themes="[stocks, flows, stocks]")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "themes:"), "themes[2]", "'stocks' is listed twice",
                                "remove one", WARNING)]
    assert entries[0].themes == ("stocks", "flows")


@pytest.mark.parametrize("code", ["MAR", "Maroc", "ma", "Morocco", "المغرب"])
def test_unknown_country_code_hints_the_iso_code(tmp_path, code):
    text = entry_text(countries=f"[TN, {code}]")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "countries:"), "countries[1]",
                                                   f"'{code}' is not an ISO 3166-1 alpha-2 code", COUNTRY_HINT)]


def test_unknown_country_without_a_guess(tmp_path):
    text = entry_text(countries="[QQQ]")
    assert problems_of(tmp_path, text) == [Problem(
        PATH, line_of(text, "countries:"), "countries[0]", "'QQQ' is not an ISO 3166-1 alpha-2 code",
        "use a two-letter upper-case code such as 'MA', 'TN', 'MR', 'LY' or 'DZ'")]


def test_lang_differs_from_file_name_suffix(tmp_path):
    text = entry_text(lang="en")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "lang:"), "lang", "'en' differs from the file name suffix '.fr.md'",
                                "the text is in French: set lang: fr")]
    assert entries == []


def test_unknown_file_name_suffix_hints_a_rename_not_an_unknown_lang(tmp_path):
    # '.de.md' is no interface language: "set lang: de" would only trade this error for another.
    text = entry_text(lang="fr")
    _, problems, _ = load(tmp_path, {"ma/ma-x.de.md": text})
    lang = [p for p in problems if p.field == "lang"]
    assert len(lang) == 1
    assert "set lang: de" not in lang[0].hint
    assert "ma-x.fr.md" in lang[0].hint and "fr, ar, en" in lang[0].hint


# --- dates, periods, links, status ------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    ('"2024-13-01"', "2024-13-01"),
    ('"2024-02-30"', "2024-02-30"),
    ('"2024-5-1"', "2024-5-1"),
    ("hier", "hier"),
    ('"01/05/2024"', "01/05/2024"),
])
def test_bad_date(tmp_path, value, shown):
    text = entry_text(updated=value)
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "updated:"), "updated",
                                                   f"'{shown}' is not a date", DATE_HINT)]


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01"])
def test_bad_unquoted_date_is_a_problem_not_a_crash(tmp_path, value):
    text = entry_text(updated=value)
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "updated:"), "updated",
                                                   f"'{value}' is not a date", DATE_HINT)]


def test_period_that_ends_before_it_starts(tmp_path):
    text = entry_text(period='"2021-2018"')
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "period:"), "period",
                                                   "period ends (2018) before it starts (2021)",
                                                   "write the earlier year first")]


@pytest.mark.parametrize("value, shown", [("20xx", "20xx"), ('"2018/2021"', "2018/2021"), ('"18-21"', "18-21")])
def test_period_that_is_not_a_period(tmp_path, value, shown):
    text = entry_text(period=value)
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "period:"), "period",
                                                   f"'{shown}' is not a period",
                                                   'write YYYY or YYYY-YYYY, e.g. "2018-2021"')]


@pytest.mark.parametrize("url", ["ftp://ftp.hcp.ma/ene.pdf", "javascript:alert(1)", "www.hcp.ma", "https://"])
def test_link_that_is_not_http(tmp_path, url):
    text = entry_text(links=f"\n  - title: Site du HCP\n    url: '{url}'")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "    url:"), "links[0].url",
                                f"'{url}' is not an http(s) address", URL_HINT)]
    assert entries == []


def test_bad_link_among_good_ones_is_reported_at_its_own_line(tmp_path):
    text = entry_text(links="\n  - title: A\n    url: https://a.org/\n  - title: B\n    url: ftp://b.org/")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "    url: ftp"), "links[1].url",
                                                   "'ftp://b.org/' is not an http(s) address", URL_HINT)]


def test_malformed_url_is_a_problem_not_a_crash(tmp_path):
    text = entry_text(links="\n  - title: Site du HCP\n    url: 'http://[::1'")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "    url:"), "links[0].url",
                                                   "'http://[::1' is not an http(s) address", URL_HINT)]


def test_link_without_title(tmp_path):
    text = entry_text(links="\n  - title: ''\n    url: https://www.hcp.ma/")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "  - title:"), "links[0].title",
                                                   "link title is missing")]


def test_link_that_is_not_a_pair(tmp_path):
    text = entry_text(links="\n  - https://www.hcp.ma/")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "  - https"), "links[0]",
                                                   "must be a {title, url} pair",
                                                   "write '- title: ...' then 'url: https://...'")]


@pytest.mark.parametrize("links", [None, "[]"])
def test_missing_links_is_a_warning(tmp_path, links):
    text = entry_text(links=links)
    entries, problems, _ = load(tmp_path, {NAME: text})
    line = 1 if links is None else line_of(text, "links:")
    assert problems == [Problem(PATH, line, "links", "no public source link",
                                "every entry cites at least one source by link", WARNING)]
    assert len(entries) == 1 and entries[0].links == ()


def test_reviewed_status_needs_reviewer_and_date(tmp_path):
    text = entry_text(status="reviewed")
    line = line_of(text, "status:")
    assert problems_of(tmp_path, text) == [
        Problem(PATH, line, "status", "status 'reviewed' requires reviewed_by",
                "add reviewed_by, or keep status: draft until the review"),
        Problem(PATH, line, "status", "status 'reviewed' requires reviewed_on",
                "add reviewed_on, or keep status: draft until the review"),
    ]


def test_reviewed_status_needs_reviewed_on(tmp_path):
    text = entry_text(status="reviewed", reviewed_by="[Point focal]")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "status:"), "status",
                                                   "status 'reviewed' requires reviewed_on",
                                                   "add reviewed_on, or keep status: draft until the review")]


def test_reviewer_written_as_text_is_one_error_not_also_a_missing_reviewer(tmp_path):
    text = entry_text(status="reviewed", reviewed_by="Nom Prénom (ONS)", reviewed_on='"2025-06-01"')
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "reviewed_by:"), "reviewed_by",
                                                   "must be a list, got 'Nom Prénom (ONS)'",
                                                   "write reviewed_by: [Nom Prénom (ONS)]")]


def test_reviewed_on_in_the_future_is_refused_with_a_day_of_slack(tmp_path):
    """A review date written ahead ('the review is planned for the 15th') vouches for a review not done."""
    import datetime as dt

    later = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    text = entry_text(status="reviewed", reviewed_by="[Point focal]", reviewed_on=f'"{later}"')
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "reviewed_on:"), "reviewed_on",
                                                   f"'{later}' is in the future",
                                                   "write the date on which the review was done, today at the latest")]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    (tmp_path / "t").mkdir()
    text = entry_text(status="reviewed", reviewed_by="[Point focal]", reviewed_on=f'"{tomorrow}"')
    assert problems_of(tmp_path / "t", text) == []


# --- unknown fields and body ------------------------------------------------------------------

def test_unknown_field_is_a_warning_with_close_match(tmp_path):
    text = entry_text(contry="[MA]")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "contry:"), "contry", "unknown field, ignored",
                                "did you mean 'countries'?", WARNING)]
    assert len(entries) == 1


def test_unknown_field_without_close_match_has_no_hint(tmp_path):
    text = entry_text(couleur="bleu")
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "couleur:"), "couleur",
                                                   "unknown field, ignored", "", WARNING)]


@pytest.mark.parametrize("body", ["", "\n", "\n   \n\n"])
def test_empty_body(tmp_path, body):
    text = entry_text(body=body)
    closing = text.split("\n").index("---", 1) + 1
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, closing + 1, "body", "the entry has no text after the front matter",
                                "write the sections: context, description, method, lessons, references")]
    assert entries == []


def test_html_in_body_is_a_warning_at_its_line(tmp_path):
    body = BODY + "\n<div>Un bloc</div>\n"
    text = entry_text(body=body)
    assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, "<div>"), "body",
                                                   "raw HTML (<div>) is shown as text, not rendered",
                                                   "use Markdown instead of HTML", WARNING)]



def test_every_line_of_raw_html_is_reported_with_its_tags(tmp_path):
    body = (BODY + "\n<script>alert(1)</script>\n\nTexte <img src=x onerror=alert(2)> et <b>gras</b>.\n\n"
            "<iframe\n src=x></iframe>\n")
    text = entry_text(body=body)
    assert [(p.line, p.message) for p in problems_of(tmp_path, text)] == [
        (line_of(text, "<script>"), "raw HTML (<script>) is shown as text, not rendered"),
        (line_of(text, "Texte <img"), "raw HTML (<img src=x onerror=alert(2)>, <b>) is shown as text, not rendered"),
        (line_of(text, "<iframe"), "raw HTML (<iframe src=x>) is shown as text, not rendered")]


def test_html_in_code_and_autolinks_are_not_raw_html(tmp_path):
    body = BODY + "\n```html\n<div>exemple</div>\n```\n\nLe code `<span>` et <https://www.hcp.ma/> ou <info@hcp.ma>.\n"
    assert problems_of(tmp_path, entry_text(body=body)) == []


def test_a_body_full_of_html_gives_a_bounded_report(tmp_path):
    body = BODY + "\n" + "\n\n".join(f"<span id=a{i}>{i}</span>" for i in range(30)) + "\n"
    text = entry_text(body=body)
    problems = problems_of(tmp_path, text)
    assert len(problems) == 11
    assert problems[-1].line == line_of(text, "<span id=a10>")
    assert problems[-1].message.startswith("raw HTML on 20 more lines (")


def test_style_element_in_body_is_named_as_raw_html_not_as_an_attribute_list(tmp_path):
    """CSS braces inside <style> (or a tag's attribute) are not attribute lists: the contributor is
    told what was found (the element), once, as a warning (it is shown as text)."""
    for body in (BODY + "\n<style>p{color:red}</style>\n", BODY + "\n<style>\np { color: red }\n</style>\n",
                 BODY + '\n<span style="a{b:c}">x</span>\n'):
        text = entry_text(body=body)
        tag = re.search(r"<[a-z]+[^>]*>", body).group(0)
        assert problems_of(tmp_path, text) == [Problem(PATH, line_of(text, tag[:5]), "body",
                                                       f"raw HTML ({tag}) is shown as text, not rendered",
                                                       "use Markdown instead of HTML", WARNING)]


def test_attribute_list_outside_raw_html_is_still_reported_next_to_a_style_element(tmp_path):
    body = BODY + '\n<style>p{color:red}</style>\n\nUn paragraphe.\n{: onclick="x" }\n'
    text = entry_text(body=body)
    found = [(p.line, p.message.split(" (")[0].split(":")[0]) for p in problems_of(tmp_path, text)]
    assert sorted(found) == [(line_of(text, "<style>"), "raw HTML"), (line_of(text, "{: onclick"), "attribute list sets 'onclick'")]


# --- folders and ids --------------------------------------------------------------------------

def test_unknown_folder(tmp_path):
    problems = problems_of(tmp_path, entry_text(), name="xx/ma-x.fr.md")
    assert problems == [Problem("practices/xx/ma-x.fr.md", 1, "folder", "'xx' is not an entry folder",
                                "put the file in one of: ma, tn, mr, ly, dz, regional")]


def test_invalid_id(tmp_path):
    problems = problems_of(tmp_path, entry_text(), name="ma/ma_X.fr.md")
    assert problems == [Problem("practices/ma/ma_X.fr.md", 1, "file name", "'ma_X' is not a valid id",
                                "use lower-case letters, digits and hyphens, e.g. 'ma-enquete-emploi'")]


def test_duplicate_id_across_folders(tmp_path):
    entries, problems, _ = load(tmp_path, {"ma/ma-x.fr.md": entry_text(), "tn/ma-x.en.md": entry_text(EN_BODY, lang="en")})
    hint = "ids are unique across folders: rename one file"
    assert sorted(problems) == [
        Problem("practices/ma/ma-x.fr.md", 1, "id", "id 'ma-x' is also used by practices/tn/ma-x.en.md", hint),
        Problem("practices/tn/ma-x.en.md", 1, "file name", "the id 'ma-x' does not start with its folder's country code 'tn-'",
                "if it is an entry of MA, move it to practices/ma/; otherwise rename it tn-ma-x.en.md", WARNING),
        Problem("practices/tn/ma-x.en.md", 1, "id", "id 'ma-x' is also used by practices/ma/ma-x.fr.md", hint),
    ]
    assert entries == []


# --- translations -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, shown", [
    ("type", "practice", "tool"),
    ("countries", "[MA, ES]", "[MA]"),
    ("themes", "[stocks]", "[flows, stocks]"),
    ("data_sources", "[population-census]", "[labour-force-survey]"),
])
def test_translation_that_disagrees_on_a_shared_field(tmp_path, field, value, shown):
    en = entry_text(EN_BODY, lang="en", **{field: value})
    entries, problems, _ = load(tmp_path, {"ma/ma-x.fr.md": entry_text(), "ma/ma-x.en.md": en})
    assert problems == [Problem("practices/ma/ma-x.en.md", line_of(en, f"{field}:"), field,
                                f"differs from its translation practices/ma/ma-x.fr.md ({shown})", SHARED_HINT)]
    assert [(e.id, e.lang) for e in entries] == [("ma-x", "fr")]


def test_translation_disagreements_are_reported_on_the_non_french_file_whatever_the_order(tmp_path):
    ar = entry_text(AR_BODY, lang="ar", countries="[TN]")
    files = {"ma/ma-x.ar.md": ar, "ma/ma-x.fr.md": entry_text(), "ma/ma-x.en.md": entry_text(EN_BODY, lang="en")}
    _, problems, _ = load(tmp_path, files)
    assert problems == [Problem("practices/ma/ma-x.ar.md", line_of(ar, "countries:"), "countries",
                                "differs from its translation practices/ma/ma-x.fr.md ([MA])", SHARED_HINT)]


def test_translation_missing_a_shared_field(tmp_path):
    en = entry_text(EN_BODY, lang="en", data_sources=None)
    _, problems, _ = load(tmp_path, {"ma/ma-x.fr.md": entry_text(), "ma/ma-x.en.md": en})
    assert problems == [Problem("practices/ma/ma-x.en.md", 1, "data_sources",
                                "differs from its translation practices/ma/ma-x.fr.md ([labour-force-survey])",
                                SHARED_HINT)]


# --- every problem at once --------------------------------------------------------------------

def test_all_problems_of_all_files_are_reported_at_once(tmp_path):
    first = entry_text(countries="[MAR]", themes="[stocks, flow]", updated='"2024-13-01"')
    second = entry_text(lang="en", period="20xx", links="\n  - title: FTP\n    url: ftp://x.org/", contry="[TN]")
    files = {"ma/ma-a.fr.md": first, "tn/tn-b.fr.md": second, "tn/tn-ok.fr.md": entry_text(countries="[TN]")}
    entries, problems, count = load(tmp_path, files)
    a, b = "practices/ma/ma-a.fr.md", "practices/tn/tn-b.fr.md"
    assert sorted(problems) == [
        Problem(a, line_of(first, "countries:"), "countries[0]", "'MAR' is not an ISO 3166-1 alpha-2 code",
                COUNTRY_HINT),
        Problem(a, line_of(first, "themes:"), "themes[1]", "'flow' is not a known themes term",
                "did you mean 'flows'?"),
        Problem(a, line_of(first, "updated:"), "updated", "'2024-13-01' is not a date", DATE_HINT),
        Problem(b, line_of(second, "lang:"), "lang", "'en' differs from the file name suffix '.fr.md'",
                "the text is in French: set lang: fr"),
        Problem(b, line_of(second, "period:"), "period", "'20xx' is not a period",
                'write YYYY or YYYY-YYYY, e.g. "2018-2021"'),
        Problem(b, line_of(second, "    url:"), "links[0].url", "'ftp://x.org/' is not an http(s) address",
                URL_HINT),
        Problem(b, line_of(second, "contry:"), "contry", "unknown field, ignored", "did you mean 'countries'?",
                WARNING),
    ]
    assert count == 3
    assert [e.id for e in entries] == ["tn-ok"]


def test_loader_and_field_problems_of_different_files_come_together(tmp_path):
    files = {"ma/ma-a.fr.md": b"\xef\xbb\xbf" + entry_text(type="outil").encode(),
             "ma/ma-b.fr.md": "pas de front matter\n",
             "ma/ma-c.fr.md": entry_text(title="a: b")}
    _, problems, _ = load(tmp_path, files)
    assert [(p.path.rsplit("/", 1)[1], p.field) for p in sorted(problems)] == [
        ("ma-a.fr.md", "file"), ("ma-a.fr.md", "type"), ("ma-b.fr.md", "front matter"),
        ("ma-c.fr.md", "front matter")]


# --- placeholders, body length, duplicates and body links ---------------------------------------

PLACEHOLDER_HINT = "replace it with the real text or value"
LINK_HINT = "links in the text must start with https:// (or mailto:, or # for a heading)"
DUPLICATE_HINT = "if it is the same thing, improve that entry instead"


def body_start(text: str) -> int:
    """1-based line of the first body line: the one after the closing '---'."""
    return text.split("\n").index("---", 1) + 2


def test_todo_placeholders_are_warnings_at_each_of_their_lines(tmp_path):
    body = BODY.replace("## Méthode\n\n", "## Méthode\n\nTODO : décrire la méthode.\n\n")
    text = entry_text(body=body, summary='"TODO: un résumé de la fiche, à écrire plus tard."', tags="[TODO, emploi]")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [
        Problem(PATH, line_of(text, "summary:"), "placeholder", "TODO left from the skeleton", PLACEHOLDER_HINT, WARNING),
        Problem(PATH, line_of(text, "tags:"), "placeholder", "TODO left from the skeleton", PLACEHOLDER_HINT, WARNING),
        Problem(PATH, line_of(text, "TODO : décrire"), "placeholder", "TODO left from the skeleton", PLACEHOLDER_HINT,
                WARNING),
    ]
    assert len(entries) == 1  # a warning does not keep the entry out


REVIEWED = {"status": "reviewed", "reviewed_by": "[Nom Prénom (HCP)]", "reviewed_on": '"2025-06-01"'}


def test_todo_left_in_a_reviewed_entry_is_an_error_at_each_of_its_lines(tmp_path):
    # A TODO title or summary passes every other rule: in a reviewed entry (no Draft badge) it would be
    # published as finished text.
    body = BODY.replace("## Méthode\n\n", "## Méthode\n\nTODO : décrire la méthode.\n\n")
    text = entry_text(body=body, title='"TODO: Enquête nationale sur l\'emploi"',
                      summary='"TODO: un résumé de la fiche, à écrire plus tard."', **REVIEWED)
    entries, problems, _ = load(tmp_path, {NAME: text})
    hint = "a reviewed entry holds no TODO: write the real text or value, or set status: draft until it is written"
    assert problems == [
        Problem(PATH, line_of(text, "title:"), "placeholder", "TODO left from the skeleton", hint),
        Problem(PATH, line_of(text, "summary:"), "placeholder", "TODO left from the skeleton", hint),
        Problem(PATH, line_of(text, "TODO : décrire"), "placeholder", "TODO left from the skeleton", hint),
    ]
    assert entries == []  # an error keeps the entry out of the site


def test_todo_left_in_a_draft_stays_a_warning(tmp_path):
    text = entry_text(title='"TODO: Enquête nationale sur l\'emploi"', status="draft")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "title:"), "placeholder", "TODO left from the skeleton",
                                PLACEHOLDER_HINT, WARNING)]
    assert len(entries) == 1


def test_todo_as_part_of_a_word_or_in_lower_case_is_not_a_placeholder(tmp_path):
    text = entry_text(body=BODY + "\nLes TODOS, les todo et MES_TODO_X ne sont pas des marques.\n")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [] and len(entries) == 1


def test_short_body_is_a_warning_at_the_start_of_the_body(tmp_path):
    text = entry_text(body="\n## Contexte\n\nUn texte bien trop court.\n")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, body_start(text), "body", "the text is 6 words long",
                                "aim for 150 to 600 words", WARNING)]
    assert len(entries) == 1


def test_body_over_600_words_is_a_warning(tmp_path):
    text = entry_text(body=BODY * 4)
    entries, problems, _ = load(tmp_path, {NAME: text})
    [problem] = problems
    assert (problem.path, problem.line, problem.field, problem.hint, problem.severity) == (
        PATH, body_start(text), "body", "aim for 150 to 600 words", WARNING)
    assert problem.message.startswith("the text is ") and problem.message.endswith(" words long")
    words = int(problem.message.split()[3])
    assert words == 4 * (len(BODY.split()) - BODY.count("## ")) > 600  # the "##" marks are not words
    assert len(entries) == 1


@pytest.mark.parametrize("words, warned", [(149, True), (150, False), (600, False), (601, True)])
def test_body_length_limits_are_inclusive(tmp_path, words, warned):
    # The heading counts as one word of text.
    text = entry_text(body="\n## Contexte\n\n" + "mot " * (words - 1) + "\n")
    problems = problems_of(tmp_path, text)
    expected = [Problem(PATH, body_start(text), "body", f"the text is {words} words long", "aim for 150 to 600 words",
                        WARNING)]
    assert problems == (expected if warned else [])


def test_close_titles_warn_on_both_files_naming_each_other(tmp_path):
    a, b = "practices/ma/ma-a.fr.md", "practices/ma/ma-b.fr.md"
    first, second = entry_text(), entry_text(title="\"Enquête nationale sur l'emploi (ENE)\"")
    entries, problems, _ = load(tmp_path, {"ma/ma-a.fr.md": first, "ma/ma-b.fr.md": second})
    assert sorted(problems) == [
        Problem(a, line_of(first, "title:"), "title", f"looks like {b}", DUPLICATE_HINT, WARNING),
        Problem(b, line_of(second, "title:"), "title", f"looks like {a}", DUPLICATE_HINT, WARNING),
    ]
    assert [e.id for e in entries] == ["ma-a", "ma-b"]


def test_close_summaries_warn_at_the_summary_line(tmp_path):
    a, b = "practices/ma/ma-a.fr.md", "practices/ma/ma-b.fr.md"
    first = entry_text(title="Enquête nationale sur l'emploi", countries="[MA, ES]")
    second = entry_text(title="Panorama des ménages marocains", countries="[ES, MA]")
    problems = load(tmp_path, {"ma/ma-a.fr.md": first, "ma/ma-b.fr.md": second})[1]
    assert sorted(problems) == [
        Problem(a, line_of(first, "summary:"), "summary", f"looks like {b}", DUPLICATE_HINT, WARNING),
        Problem(b, line_of(second, "summary:"), "summary", f"looks like {a}", DUPLICATE_HINT, WARNING),
    ]


@pytest.mark.parametrize("second_name, second", [
    ("tn/tn-b.fr.md", entry_text(countries="[TN]")),
    ("ma/ma-b.en.md", entry_text(EN_BODY, lang="en")),
    ("ma/ma-a.en.md", entry_text(EN_BODY, lang="en")),  # a translation of the same entry
], ids=["other-country", "other-language", "translation"])
def test_no_duplicate_warning_across_countries_languages_or_translations(tmp_path, second_name, second):
    entries, problems, _ = load(tmp_path, {"ma/ma-a.fr.md": entry_text(), second_name: second})
    assert problems == [] and len(entries) == 2


def test_different_titles_and_summaries_are_not_duplicates(tmp_path):
    other = entry_text(title="Registre consulaire des Marocains résidant à l'étranger",
                       summary="Immatriculation des ressortissants auprès des consulats, tenue par les affaires étrangères.")
    assert load(tmp_path, {"ma/ma-a.fr.md": entry_text(), "ma/ma-b.fr.md": other})[1] == []


@pytest.mark.parametrize("where", ["first line", "middle", "last line"])
def test_relative_body_link_is_an_error_at_its_line(tmp_path, where):
    link = "Voir [x](autre.md) pour la suite."
    body = {"first line": link + BODY, "middle": BODY.replace("## Méthode\n", f"## Méthode\n\n{link}\n"),
            "last line": BODY + "\n" + link}[where]
    text = entry_text(body=body)
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "Voir [x]"), "body", "link to 'autre.md' is not a web address",
                                LINK_HINT)]
    assert entries == []


def test_every_disallowed_body_link_is_reported(tmp_path):
    body = BODY + "\n[a](javascript:alert(1)) et [b](../ma/ma-y.fr.md)\n\n[ref]: data:text/html,x\n"
    text = entry_text(body=body)
    problems = problems_of(tmp_path, text)
    assert problems == [
        Problem(PATH, line_of(text, "[a]("), "body", "link to 'javascript:alert(1)' is not a web address", LINK_HINT),
        Problem(PATH, line_of(text, "[a]("), "body", "link to '../ma/ma-y.fr.md' is not a web address", LINK_HINT),
        Problem(PATH, line_of(text, "[ref]:"), "body", "link to 'data:text/html,x' is not a web address", LINK_HINT),
    ]


def test_a_bad_link_repeated_100_times_is_reported_once_with_its_count(tmp_path):
    body = BODY + "\n[x](autre.md)\n" * 100 + "\n[y](../z.md)\n"
    text = entry_text(body=body)
    first = line_of(text, "[x](autre.md)")
    others = ", ".join(str(first + 2 * i) for i in range(1, 6))
    assert problems_of(tmp_path, text) == [
        Problem(PATH, first, "body", f"link to 'autre.md' is not a web address (100 times; also on lines {others} "
                "and 94 more)", LINK_HINT),
        Problem(PATH, line_of(text, "[y]("), "body", "link to '../z.md' is not a web address", LINK_HINT)]


def test_one_problem_twice_on_a_line_and_in_two_fields_is_kept_per_field(tmp_path):
    text = entry_text(body=BODY + "\n[a](x.md) et [b](x.md)\n", tags='["<b>a</b>", "<b>a</b>"]')
    assert sorted((p.line, p.field, p.message) for p in problems_of(tmp_path, text)) == [
        (line_of(text, "tags:"), "tags[0]", "contains HTML"), (line_of(text, "tags:"), "tags[1]", "contains HTML"),
        (line_of(text, "[a](x.md)"), "body", "link to 'x.md' is not a web address (2 times)")]


def test_web_anchor_and_mail_body_links_are_fine(tmp_path):
    body = (BODY + "\n[x](https://ok.org) et [y](#section), [z](http://ok.org/a?b=1 \"titre\"), "
            "[m](mailto:point.focal@hcp.ma)\n\n[ref]: https://ok.org/ref\n")
    entries, problems, _ = load(tmp_path, {NAME: entry_text(body=body)})
    assert problems == [] and len(entries) == 1


def test_links_written_as_code_are_not_checked(tmp_path):
    body = BODY + "\nÉcrire `[x](autre.md)` est refusé.\n\n```markdown\n[y](autre.md)\n```\n"
    entries, problems, _ = load(tmp_path, {NAME: entry_text(body=body)})
    assert problems == [] and len(entries) == 1


# CONTRIBUTING: an id "commence par le code du pays". A file saved in another country's folder, or
# named without the code, was published under that id for good (ids never change).
@pytest.mark.parametrize("name, hint", [
    ("tn/ma-x.fr.md", "if it is an entry of MA, move it to practices/ma/; otherwise rename it tn-ma-x.fr.md"),
    ("ma/enquete-x.fr.md", "rename it ma-enquete-x.fr.md (ids never change once published)"),
])
def test_an_id_not_starting_with_its_folder_code_is_a_warning(tmp_path, name, hint):
    entries, problems, _ = load(tmp_path, {name: entry_text()})
    slug, folder = name.split("/")[1].split(".")[0], name.split("/")[0]
    assert problems == [Problem(f"practices/{name}", 1, "file name",
                                f"the id '{slug}' does not start with its folder's country code '{folder}-'", hint, WARNING)]
    assert len(entries) == 1  # a warning: still published


def test_regional_ids_and_ids_with_their_folder_code_have_no_prefix_warning(tmp_path):
    _, problems, _ = load(tmp_path, {"regional/oit-x.fr.md": entry_text(countries="[]"),
                                     "tn/tn-x.fr.md": entry_text(countries="[TN]")})
    assert [p for p in problems if p.field == "file name"] == []


def test_updated_in_the_future_is_refused_with_a_day_of_slack(tmp_path):
    """A typo such as 2062 would put the entry first in every 'latest' listing; tomorrow is
    accepted, since a contributor east of the checking machine may already be there."""
    import datetime as dt

    later = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    text = entry_text(updated=later)
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert entries == []
    assert [(p.line, p.field, p.message, p.hint) for p in problems] == [
        (line_of(text, "updated:"), "updated", f"'{later}' is in the future",
         "write the date of the entry's last change, today at the latest")]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    (tmp_path / "t").mkdir()
    entries, problems, _ = load(tmp_path / "t", {NAME: entry_text(updated=tomorrow)})
    assert [p for p in problems if p.severity == "error"] == [] and len(entries) == 1


@pytest.mark.parametrize("code", ["```stata\n* TODO : recoder la variable\n```\n", "    * TODO : recoder la variable\n",
                                  "`TODO` est le mot cherché.\n"])
def test_todo_in_code_of_a_reviewed_entry_is_an_example_not_a_placeholder(tmp_path, code):
    # Code shows a script as it is: its TODO is not text left from the skeleton (found by the reviewer).
    text = entry_text(body=BODY + "\nUn exemple :\n\n" + code, **REVIEWED)
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert [p for p in problems if p.field == "placeholder"] == []
    assert len(entries) == 1


def test_todo_in_a_list_item_continuation_is_still_a_placeholder(tmp_path):
    text = entry_text(body=BODY + "\n- Point\n\n    TODO : compléter\n", **REVIEWED)
    _, problems, _ = load(tmp_path, {NAME: text})
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "    TODO"), "placeholder")]
