"""Field, cross-field and collection checks on loaded entries.

Returns Problem records for every file at once; never raises on bad content.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from tools.content.loader import RawEntry, entry_files, load_file
from tools.content.markdown import unsafe_links
from tools.content.model import Entry, Link
from tools.content.problems import WARNING, Problem
from tools.content.schema import (
    FIELDS,
    FIELDS_BY_NAME,
    SHARED_FIELDS,
    Field,
    country_codes,
    country_name,
    folders,
    terms,
)
from tools.search.analysis import markdown_to_text, normalize

PLACEHOLDER_RE = re.compile(r"\bTODO\b")
BODY_WORDS = (150, 600)
PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HTML_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# ISO alpha-3 codes people write by habit, for the hint only.
ALPHA3 = {"MAR": "MA", "TUN": "TN", "MRT": "MR", "LBY": "LY", "DZA": "DZ", "FRA": "FR", "ESP": "ES",
          "ITA": "IT", "DEU": "DE", "BEL": "BE", "NLD": "NL", "SEN": "SN", "MLI": "ML", "NER": "NE",
          "TCD": "TD", "EGY": "EG", "SDN": "SD", "NGA": "NG", "QAT": "QA", "SAU": "SA", "ARE": "AE",
          "CAN": "CA", "USA": "US", "GBR": "GB", "CHE": "CH", "PRT": "PT"}


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(c))


def _close(value: str, choices) -> str:
    match = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


def _country_hint(value) -> str:
    text = str(value).strip()
    if text.upper() in country_codes():
        return f"did you mean '{text.upper()}'?"
    if text.upper() in ALPHA3:
        return f"did you mean '{ALPHA3[text.upper()]}'?"
    folded = _fold(text)
    for code in sorted(country_codes()):
        if any(_fold(country_name(code, lang)) == folded for lang in ("fr", "en", "ar")):
            return f"did you mean '{code}'?"
    return "use a two-letter upper-case code such as 'MA', 'TN', 'MR', 'LY' or 'DZ'"


class _Checker:
    """Checks one raw entry's fields; collects problems and the cleaned values."""

    def __init__(self, raw: RawEntry):
        self.raw = raw
        self.problems: list[Problem] = []
        self.values: dict = {}

    def report(self, key: str, message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(self.raw.path, self.raw.line(key), key, message, hint, severity))

    def run(self) -> None:
        meta = self.raw.meta
        for f in FIELDS:
            value = meta.get(f.name)
            if value is None or value == "" or value == []:
                if f.required and not (f.kind == "countries" and value == []):
                    what = "is empty" if f.name in meta else "is missing"
                    self.report(f.name, f"required field {what}", f"{f.name}: {f.help.get('en', '')}")
                    continue
                if f.kind == "countries" and value == []:
                    self.values[f.name] = ()
                    continue
                self.values[f.name] = f.default
                continue
            cleaned = getattr(self, f"check_{f.kind}")(f, value)
            if cleaned is not None:
                self.values[f.name] = cleaned
        for name in meta:
            if name not in FIELDS_BY_NAME:
                self.report(str(name), "unknown field, ignored", _close(name, FIELDS_BY_NAME), WARNING)
        self.cross_checks()

    def _string(self, key: str, value) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__
            self.report(key, f"must be text, got {kind}", "write it on one line after the colon")
            return None
        return str(value).strip()

    def _list(self, f: Field, value) -> list | None:
        if isinstance(value, (str, int)):
            self.report(f.name, f"must be a list, got '{value}'", f"write {f.name}: [{value}]")
            return None
        if not isinstance(value, list):
            self.report(f.name, "must be a list", f"write {f.name}: [a, b]")
            return None
        return value

    def check_text(self, f: Field, value):
        text = self._string(f.name, value)
        if text is None:
            return None
        if not text:
            self.report(f.name, "required field is empty")
        elif f.min_len and len(text) < f.min_len:
            self.report(f.name, f"is {len(text)} characters, at least {f.min_len} expected")
        elif f.max_len and len(text) > f.max_len:
            self.report(f.name, f"is {len(text)} characters, at most {f.max_len} allowed", "shorten it")
        if HTML_TAG_RE.search(text):
            self.report(f.name, "contains HTML", "plain text only: remove the <...> tags")
        return " ".join(text.split())

    def check_enum(self, f: Field, value):
        allowed = terms(f.vocab)
        text = self._string(f.name, value)
        if text is None:
            return None
        if text not in allowed:
            hint = _close(text, allowed) or "one of: " + ", ".join(allowed)
            self.report(f.name, f"'{text}' is not a known value", hint)
            return None
        return text

    def check_enum_list(self, f: Field, value):
        items = self._list(f, value)
        if items is None:
            return None
        allowed, out = terms(f.vocab), []
        for i, item in enumerate(items):
            key = f"{f.name}[{i}]"
            if not isinstance(item, str) or item not in allowed:
                hint = _close(item, allowed) or "one of: " + ", ".join(allowed)
                self.report(key, f"'{item}' is not a known {f.name.replace('_', ' ')} term", hint)
            elif item in out:
                self.report(key, f"'{item}' is listed twice", "remove one", WARNING)
            else:
                out.append(item)
        if f.required and not items:
            self.report(f.name, "at least one value is required")
        return tuple(out)

    def check_countries(self, f: Field, value):
        items = self._list(f, value)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or item not in country_codes():
                self.report(f"{f.name}[{i}]", f"'{item}' is not an ISO 3166-1 alpha-2 code", _country_hint(item))
            elif item not in out:
                out.append(item)
        return tuple(out)

    def check_str_list(self, f: Field, value):
        items = self._list(f, value)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            if isinstance(item, (dict, list)) or item is None or not str(item).strip():
                self.report(f"{f.name}[{i}]", "must be non-empty text")
            else:
                out.append(" ".join(str(item).split()))
        return tuple(out)

    def check_period(self, f: Field, value):
        m = PERIOD_RE.match(str(value).strip())
        if not m:
            self.report(f.name, f"'{value}' is not a period", "write YYYY or YYYY-YYYY, e.g. \"2018-2021\"")
            return None
        start, end = int(m[1]), int(m[2] or m[1])
        if end < start:
            self.report(f.name, f"period ends ({end}) before it starts ({start})", "write the earlier year first")
            return None
        return str(value).strip()

    def check_date(self, f: Field, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip()
        try:
            if not DATE_RE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            self.report(f.name, f"'{value}' is not a date", "write YYYY-MM-DD, e.g. \"2026-11-29\"")
            return None

    def check_links(self, f: Field, value):
        items = self._list(f, value)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            key = f"{f.name}[{i}]"
            if not isinstance(item, dict):
                self.report(key, "must be a {title, url} pair", "write '- title: ...' then 'url: https://...'")
                continue
            title, url = str(item.get("title") or "").strip(), str(item.get("url") or "").strip()
            if not title:
                self.report(f"{key}.title" if "title" in item else key, "link title is missing")
            try:
                parts = urlsplit(url)
                valid = parts.scheme in ("http", "https") and bool(parts.hostname)
            except ValueError:  # e.g. an unclosed IPv6 bracket
                valid = False
            if not valid:
                self.report(f"{key}.url" if "url" in item else key, f"'{url}' is not an http(s) address",
                            "links must start with https:// or http://")
                continue
            if title:
                out.append(Link(title, url))
        return tuple(out)

    def cross_checks(self) -> None:
        raw, values = self.raw, self.values
        lang = values.get("lang")
        if lang and raw.lang_suffix and lang != raw.lang_suffix:
            self.report("lang", f"'{lang}' differs from the file name suffix '.{raw.lang_suffix}.md'",
                        f"set lang: {raw.lang_suffix} or rename the file")
        if values.get("status") == "reviewed":
            for name in ("reviewed_by", "reviewed_on"):
                if not values.get(name):
                    self.report("status", f"status 'reviewed' requires {name}",
                                f"add {name}, or keep status: draft until the review")
        if not values.get("links") and "links" not in {p.field.split("[")[0] for p in self.problems}:
            self.report("links", "no public source link", "every entry cites at least one source by link",
                        WARNING)
        if not raw.body.strip():
            self.problems.append(Problem(raw.path, raw.body_line, "body", "the entry has no text after the front matter",
                                         "write the sections: context, description, method, lessons, references"))
        for number, line in enumerate(raw.text.split("\n"), start=1):
            if PLACEHOLDER_RE.search(line):
                self.problems.append(Problem(raw.path, number, "placeholder", "TODO left from the skeleton",
                                             "replace it with the real text or value", WARNING))
        words = len(markdown_to_text(raw.body).split())
        if raw.body.strip() and not BODY_WORDS[0] <= words <= BODY_WORDS[1]:
            self.problems.append(Problem(raw.path, raw.body_line, "body", f"the text is {words} words long",
                                         f"aim for {BODY_WORDS[0]} to {BODY_WORDS[1]} words", WARNING))
        for offset, target in unsafe_links(raw.body):
            self.problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                         f"link to '{target[:80]}' is not a web address",
                                         "links in the text must start with https:// (or mailto:, or # for a heading)"))
        if raw.body.strip() and HTML_TAG_RE.search(raw.body):
            line = raw.body_line + raw.body[: HTML_TAG_RE.search(raw.body).start()].count("\n")
            self.problems.append(Problem(raw.path, line, "body", "raw HTML is shown as text, not rendered",
                                         "use Markdown instead of HTML", WARNING))


def check_entry(raw: RawEntry) -> tuple[Entry | None, list[Problem]]:
    """Validate one loaded file; returns the entry only when it has no error."""
    problems = list(raw.problems)
    if raw.folder not in folders():
        problems.append(Problem(raw.path, 1, "folder", f"'{raw.folder}' is not an entry folder",
                                "put the file in one of: " + ", ".join(folders())))
    if raw.slug and not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", raw.slug):
        problems.append(Problem(raw.path, 1, "file name", f"'{raw.slug}' is not a valid id",
                                "use lower-case letters, digits and hyphens, e.g. 'ma-enquete-emploi'"))
    if not raw.meta:
        return None, problems
    checker = _Checker(raw)
    checker.run()
    problems += checker.problems
    if any(p.severity == "error" for p in problems):
        return None, problems
    v = checker.values
    entry = Entry(id=raw.slug, lang=v["lang"], folder=raw.folder, path=raw.path, title=v["title"], type=v["type"],
                  countries=v["countries"], summary=v["summary"], themes=v["themes"],
                  data_sources=v["data_sources"], institutions=v["institutions"], period=v["period"],
                  links=v["links"], tags=v["tags"], status=v["status"], updated=v["updated"],
                  reviewed_by=v["reviewed_by"], reviewed_on=v["reviewed_on"], body=raw.body.strip("\n"))
    return entry, problems


def collection_checks(raws: list[RawEntry]) -> list[Problem]:
    """Checks across files: one id per entry, translations that agree on what they describe."""
    problems = []
    by_slug: dict[str, list[RawEntry]] = {}
    for raw in raws:
        if raw.slug:
            by_slug.setdefault(raw.slug, []).append(raw)
    for slug, group in by_slug.items():
        folders_seen = sorted({r.folder for r in group})
        if len(folders_seen) > 1:
            for r in group:
                others = ", ".join(o.path for o in group if o.folder != r.folder)
                problems.append(Problem(r.path, 1, "id", f"id '{slug}' is also used by {others}",
                                        "ids are unique across folders: rename one file"))
            continue
        langs = [r.lang_suffix for r in group]
        for r in group:
            if langs.count(r.lang_suffix) > 1:
                problems.append(Problem(r.path, 1, "id", f"two files for '{slug}' in language '{r.lang_suffix}'",
                                        "keep one file per language"))
        reference = next((r for r in group if r.lang_suffix == "fr"), group[0])
        for r in group:
            if r is reference or not r.meta or not reference.meta:
                continue
            for name in SHARED_FIELDS:
                mine, theirs = _shared(r.meta.get(name)), _shared(reference.meta.get(name))
                if name == "type" and (mine, theirs) == ((), ()):
                    continue
                if mine != theirs:
                    problems.append(Problem(r.path, r.line(name), name,
                                            f"differs from its translation {reference.path} ({_show(theirs)})",
                                            "translations share type, countries, themes and data_sources"))
    return problems


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalize(a), normalize(b)).ratio()


# Look-alike candidates come from MinHash LSH (datasketch) over character 5-grams of the folded
# title and summary, each 5-gram tagged with the entry's (language, countries) group so that only
# entries of one group can meet; the work grows with the number of entries, not of pairs. Each
# candidate pair is then judged by the exact ratio above. Bands are chosen from measurements on
# the shipped entries: unrelated French pairs have a 5-gram Jaccard similarity of 0.03 (titles) and
# 0.05 (summaries) at the median, 0.29 and 0.16 at the 99th percentile, while edits that keep the
# ratio above the thresholds keep it above 0.35 (titles) and 0.75 (summaries). Titles: 42 bands of
# 3 rows (found with probability 0.84 at 0.35, 0.996 at 0.5; unrelated pairs meet with 0.001 at
# 0.03); summaries: 32 bands of 4 rows (0.988 at 0.6, 1.0 at 0.75; 0.02 at 0.16).
SHINGLE = 5
LSH_BANDS = {"title": (42, 3), "summary": (32, 4)}


def _shingles(text: str, group: str = "") -> list[bytes]:
    folded = " ".join(normalize(text).split())
    if len(folded) <= SHINGLE:
        return [(group + folded).encode()]
    return list({(group + folded[i:i + SHINGLE]).encode() for i in range(len(folded) - SHINGLE + 1)})


def _lookalike_candidates(texts: list[str], groups: list[str], bands: tuple[int, int]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of texts of one group that MinHash LSH puts in a common bucket."""
    import zlib

    from datasketch import MinHash, MinHashLSH

    b, r = bands
    lsh = MinHashLSH(num_perm=b * r, params=(b, r))
    hashes = MinHash.bulk([_shingles(t, g) for t, g in zip(texts, groups, strict=True)], num_perm=b * r,
                          hashfunc=zlib.crc32)
    pairs = set()
    for i, h in enumerate(hashes):
        for j in lsh.query(h):
            pairs.add((j, i))
        lsh.insert(i, h)
    return pairs


def duplicate_warnings(raws: list[RawEntry]) -> list[Problem]:
    """Entries of other ids that look like the same thing: same language and countries, and a close
    title or summary. A warning on each side, naming the other file, for the reviewer to judge."""
    eligible, groups = [], []
    for r in raws:
        m = r.meta
        if r.slug and isinstance(m.get("title"), str) and isinstance(m.get("countries"), list):
            eligible.append(r)
            groups.append((r.lang_suffix, tuple(sorted(map(str, m["countries"])))))
    if len(eligible) < 2:
        return []
    tags = [f"{lang}:{','.join(countries)}|" for lang, countries in groups]
    candidates = (_lookalike_candidates([r.meta["title"] for r in eligible], tags, LSH_BANDS["title"])
                  | _lookalike_candidates([str(r.meta.get("summary", "")) for r in eligible], tags,
                                          LSH_BANDS["summary"]))
    problems = []
    for i, j in sorted(candidates):
        a, b = eligible[i], eligible[j]
        if groups[i] != groups[j] or a.slug == b.slug:
            continue
        title = _similar(a.meta["title"], b.meta["title"])
        summary = _similar(str(a.meta.get("summary", "")), str(b.meta.get("summary", "")))
        if title >= 0.9 or summary >= 0.85:
            what = "title" if title >= 0.9 else "summary"
            for x, y in ((a, b), (b, a)):
                problems.append(Problem(x.path, x.line(what), what, f"looks like {y.path}",
                                        "if it is the same thing, improve that entry instead", WARNING))
    return problems


def _shared(value):
    """Comparable form: a missing list and an empty one agree, as do [MA, MA] and [MA]."""
    if value is None or isinstance(value, list):
        return tuple(sorted({str(v) for v in value or ()}))
    return str(value)


def _show(value) -> str:
    return "[" + ", ".join(value) + "]" if isinstance(value, tuple) else str(value)


def load_collection(root: Path, base: Path | None = None) -> tuple[list[Entry], list[Problem], int]:
    """Load and validate every entry under root. Returns (valid entries, problems, files read)."""
    base = base or root.parent
    raws = []
    for path in entry_files(root):
        try:
            shown = str(path.relative_to(base))
        except ValueError:
            shown = str(path)
        raws.append(load_file(path, shown))
    entries, problems = [], []
    for raw in raws:
        entry, found = check_entry(raw)
        problems += found
        if entry:
            entries.append(entry)
    cross = collection_checks(raws)
    problems += cross + duplicate_warnings(raws)
    bad = {p.path for p in cross if p.severity == "error"}
    entries = [e for e in entries if e.path not in bad]
    entries.sort(key=lambda e: (e.id, e.lang))
    return entries, problems, len(raws)
