"""Checks for what could harm readers or mislead a contributor, beyond the field rules.

- Attribute lists (`{: ... }`, Markdown's attr_list) that set anything but id and class: the
  sanitiser would strip them (an `onclick`, a `style`), so they are reported where written.
- Front-matter values that carry a script address (javascript:, data:, vbscript:).
- Values YAML cut at ' #' (the rest became a comment) in free-text fields.
- List items containing the Arabic comma '،', which YAML does not read as a separator.
- A list right after a paragraph line: rendered as a list (GitHub's way), noted for the author.
- A fenced block inside a list item: GitHub shows a block, the site inline code.
- A level-1 heading ('# ...') in a body: the page's title is already its level-1 heading.
- Bodies whose unclosed '[', '](', backtick runs or fences would make the Markdown renderer take
  quadratic time (tools.content.render_cost): refused.

Each check takes a tools.content.loader.RawEntry and returns Problem records; none raises.
"""

from __future__ import annotations

import re

from markdown.extensions.attr_list import get_attrs_and_remainder

from tools.content import render_cost
from tools.content.kinds import BIDI_OVERRIDE_RE, Links, StrList, Text
from tools.content.loader import RawEntry
from tools.content.markdown import (
    attribute_lists,
    code_free_lines,
    fences_as_rendered,
    fences_in_lists,
    list_after_paragraph,
    unsafe_links,
)
from tools.content.problems import WARNING, Problem
from tools.content.schema import FIELDS_BY_NAME

SAFE_ATTRIBUTES = {"id", "class", ".", "#"}
SCRIPT_URL_RE = re.compile(r"(?:java|vb)script\s*:|data\s*:[^,\s]*(?:base64|script|html)", re.I)
ARABIC_COMMA = "\u060c"
RAW_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z]")
# A level-1 heading line as Python-Markdown (the site's renderer) reads it: '#' first on the line and
# not '##'; it needs no space after it ('#Titre' is one) and takes none before it.
H1_RE = re.compile(r"#(?!#)")
# Fields whose values are free text: a ' #' inside them is almost always meant as text.
TEXT_KINDS = (Text, StrList)
# Institutions are names, and an Arabic name often has a comma inside ("ILO، Department of
# Statistics" is one body); everywhere else in a list, '،' means the author meant two values.
ONE_NAME_PER_ITEM = {"institutions"}


# Raw HTML: `{...}` inside a tag or a <style>/<script> element is CSS or code, not an attribute list
# (the raw HTML warning of tools.content.validate names it; all of it is shown as text).
RAW_ELEMENT_RE = re.compile(r"<\s*(style|script)\b.*?(?:<\s*/\s*\1\s*>|\Z)", re.I | re.S)
# [^<>{]* before the first '{': one way to match, so a tag opening with many braces stays linear.
TAG_WITH_BRACE_RE = re.compile(r"<\s*(?:/\s*)?[a-zA-Z][^<>{]*\{[^<>]*>")


def _raw_html_lines(body: str) -> set[int]:
    """Line offsets (within the body) covered by a <style>/<script> element or a tag holding '{'."""
    lines = set()
    for m in (*RAW_ELEMENT_RE.finditer(body), *TAG_WITH_BRACE_RE.finditer(body)):
        first = body.count("\n", 0, m.start())
        lines.update(range(first, first + m.group(0).count("\n") + 1))
    return lines


def body_problems(raw: RawEntry) -> list[Problem]:
    """Attribute lists that set more than id/class, and lists written right after a paragraph."""
    problems = []
    in_html = _raw_html_lines(raw.body) if "<" in raw.body else set()
    for offset, attrs in attribute_lists(raw.body):
        if offset in in_html:
            continue
        pairs, _ = get_attrs_and_remainder(attrs)
        bad = sorted({str(k) for k, _ in pairs if str(k).lower() not in SAFE_ATTRIBUTES})
        if bad:
            problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                    f"attribute list sets {', '.join(repr(b) for b in bad)}: only #id and .class "
                                    "are allowed (other attributes are removed from the page)",
                                    "remove the '{: ... }' or keep only #id and .class in it"))
    for offset in list_after_paragraph(raw.body):
        problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                "list starts right after a paragraph line, without a blank line",
                                "add a blank line before the list (the site renders it as a list, as GitHub "
                                "does; other Markdown readers may not)", WARNING))
    for offset in fences_in_lists(raw.body):
        problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                "code block inside a list item: the site shows it as inline code, not as a block",
                                "end the list and start the block at the left margin (``` with at most 3 spaces "
                                "before it), after a blank line", WARNING))
    # The entry page's title is its only level-1 heading (screen readers list headings by level).
    # (Each loop below looks for what its lines need, in the whole body first: most have none, #10.)
    lines = raw.body.split("\n") if "#" in raw.body else []
    for offset, piece in code_free_lines(raw.body) if lines else ():
        if H1_RE.match(piece) and offset < len(lines) and lines[offset].startswith(piece):
            problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                    f"'{_short(piece.strip())}' is a level-1 heading: the page's title is already "
                                    "its level-1 heading", "write '## ' for a section heading", WARNING))
    if not SCRIPT_URL_RE.search(raw.body):  # nor then in any piece of a line
        return problems
    # Lines already reported (links by tools.content.validate, attribute lists above) or holding raw
    # HTML (its own warning) are not reported twice.
    reported = {offset for offset, _ in unsafe_links(raw.body)} | {p.line - raw.body_line for p in problems}
    for offset, line in code_free_lines(raw.body):
        if SCRIPT_URL_RE.search(line) and offset not in reported and not RAW_TAG_RE.search(line):
            reported.add(offset)
            problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                    "text (or a link title) contains a script address (javascript:, vbscript: or "
                                    "data:)", "remove it: it is shown as text, never as a link", WARNING))
    return problems


def _strings(value, path: str):
    """(field path, text) of every string inside a front-matter value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")


def front_matter_problems(raw: RawEntry) -> list[Problem]:
    """Script addresses in any value, values cut at ' #', Arabic commas inside list items."""
    problems = []
    meta = raw.meta if isinstance(raw.meta, dict) else {}
    for name, value in meta.items():
        for path, text in _strings(value, str(name)):
            if SCRIPT_URL_RE.search(text) and not (path.endswith(".url") and name == "links"):
                problems.append(Problem(raw.path, raw.line(path), path,
                                        "contains a script address (javascript:, vbscript: or data:)",
                                        "remove it: it is shown as text, never as a link", WARNING))
        field = FIELDS_BY_NAME.get(str(name))
        if isinstance(value, list) and field is not None and not isinstance(field.kind, Links) and name not in ONE_NAME_PER_ITEM:
            for i, item in enumerate(value):
                if isinstance(item, str) and ARABIC_COMMA in item:
                    parts = [p.strip() for p in item.split(ARABIC_COMMA) if p.strip()]
                    problems.append(Problem(
                        raw.path, raw.line(f"{name}[{i}]"), f"{name}[{i}]",
                        f"'{_short(item)}' contains the Arabic comma '،', which does not separate list items: "
                        "this is one value", f"separate the values with ',' or one '- ' line each: "
                        f"{name}: [{', '.join(parts[:3])}{', ...' if len(parts) > 3 else ''}]", WARNING))
    for path, line, dropped in raw.cut_values:
        top = path.split("[")[0].split(".")[0]
        field = FIELDS_BY_NAME.get(top)
        if field is None or not (isinstance(field.kind, TEXT_KINDS) or path.endswith(".title")):
            continue
        problems.append(Problem(raw.path, line, path,
                                f"value is cut at ' #': YAML reads '{_short(dropped)}' as a comment",
                                "quote the value: write it between double quotes, e.g. "
                                f"{top}: \"... {_short(dropped)}\"", WARNING))
    return problems


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check(raw: RawEntry) -> list[Problem]:
    """Every hazard of one loaded file."""
    return (front_matter_problems(raw) + body_problems(raw) + bidi_override_problems(raw)
            + language_problems(raw) + render_cost.problems(raw.path, fences_as_rendered(raw.body), raw.body_line))


# Short words frequent in running text of one language and rare in the other (French 'les' is not
# English; 'the' is not French): enough to tell a French body from an English one.
FUNCTION_WORDS = {
    "fr": frozenset("le la les des du et est sont avec qui dans une aux sur pour ces cette leur".split()),
    "en": frozenset("the and of is are with which this that from were has have their these for".split()),
}
LANGUAGE_NAMES = {"fr": "French", "ar": "Arabic", "en": "English"}
MIN_WORDS = 40  # below this, too little text to judge
ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
ARABIC_LETTERS_RE = re.compile(ARABIC_LETTER_RE.pattern + "+")  # runs of them: counted by their lengths
LATIN_WORD_RE = re.compile(r"[A-Za-zÀ-ÿŒœ]+(?:'[A-Za-zÀ-ÿ]+)?")
# [^...] stops early: linear. Nor does it cross a line: the lines are read joined by newlines.
LINK_TARGET_RE = re.compile(r"\]\([^()\]\n]*\)|<https?://[^<>\n]*>|https?://\S+")


def body_language(body: str) -> str | None:
    """'ar', 'fr' or 'en': the language the body's text (outside code and link addresses) is
    clearly written in; None when it is too short or mixed to say."""
    text = LINK_TARGET_RE.sub(" ", "\n".join(line for _, line in code_free_lines(body)))
    arabic = sum(map(len, ARABIC_LETTERS_RE.findall(text)))
    words = LATIN_WORD_RE.findall(text)
    latin = sum(map(len, words))
    if arabic + latin < MIN_WORDS * 4:
        return None
    if arabic > 0.7 * (arabic + latin):
        return "ar"
    if latin < 0.7 * (arabic + latin) or len(words) < MIN_WORDS:
        return None
    # Lowered at once: each letter of a word lowers to one letter (none of them is a Turkish İ).
    words = " ".join(words).lower().split(" ")
    counts = {lang: sum(map(vocab.__contains__, words)) for lang, vocab in FUNCTION_WORDS.items()}
    first, second = sorted(counts, key=counts.get, reverse=True)
    if counts[first] >= 10 and counts[first] >= 3 * counts[second]:
        return first
    return None


def language_problems(raw: RawEntry) -> list[Problem]:
    """A warning when the body is clearly in another language than the one declared (lang, or the
    file-name suffix when lang is missing): the page would be labelled, laid out (direction) and
    searched (stemming) as the wrong language."""
    declared = raw.meta.get("lang") if isinstance(raw.meta, dict) else None
    declared = declared if isinstance(declared, str) and declared in LANGUAGE_NAMES else raw.lang_suffix
    if declared not in LANGUAGE_NAMES or not raw.body.strip():
        return []
    if raw.lang_suffix in LANGUAGE_NAMES and declared != raw.lang_suffix:
        return []  # the lang error (tools.content.validate) says which of the two the text is in
    found = body_language(raw.body)
    if found is None or found == declared:
        return []
    return [Problem(raw.path, raw.body_line, "body",
                    f"the text looks {LANGUAGE_NAMES[found]}, but the entry is declared {LANGUAGE_NAMES[declared]} "
                    f"(lang: {declared})",
                    f"if it is the {LANGUAGE_NAMES[found]} version, name the file {raw.slug}.{found}.md and set "
                    f"lang: {found}; otherwise write the text in {LANGUAGE_NAMES[declared]}", WARNING)]


def bidi_override_problems(raw: RawEntry) -> list[Problem]:
    """An error per body line holding a bidi embedding or override (U+202A-U+202E), as in the
    plain-text fields: it reverses or reorders the letters shown after it (a reference or an address
    can then read as another), on the page, in the feed and in the search snippets. The isolates and
    marks that mixed Arabic/Latin text needs (U+2066-2069, U+200E/F) are allowed."""
    if not BIDI_OVERRIDE_RE.search(raw.body):
        return []
    problems = []
    for offset, line in enumerate(raw.body.split("\n")):
        if found := BIDI_OVERRIDE_RE.search(line):
            problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                    f"contains the invisible direction control U+{ord(found.group()):04X}",
                                    "delete it (it reorders the letters shown); for mixed Arabic/Latin text "
                                    "the interface sets the direction itself"))
    return problems
