"""Field, cross-field and collection checks on loaded entries.

Returns Problem records for every file at once; never raises on bad content.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from pathlib import Path

from tools.content import hazards
from tools.content.kinds import HTML_TAG_RE, Issue, close
from tools.content.loader import RawEntry, entry_files, load_file, skipped_files
from tools.content.markdown import code_free_lines, prose_lines, unsafe_links
from tools.content.model import Entry
from tools.content.problems import WARNING, Problem
from tools.content.schema import FIELDS, FIELDS_BY_NAME, SHARED_FIELDS
from tools.content.vocab import Vocabularies
from tools.search.analysis import markdown_to_text, normalize

__all__ = ["HTML_TAG_RE", "check_entry", "collection_checks", "duplicate_warnings", "load_collection"]

PLACEHOLDER_RE = re.compile(r"\bTODO\b")
BODY_WORDS = (150, 600)


class _Checker:
    """Checks one raw entry's fields against the run's vocabularies; collects problems and the cleaned values."""

    def __init__(self, raw: RawEntry, vocabs: Vocabularies):
        self.raw, self.vocabs = raw, vocabs
        self.problems: list[Problem] = []
        self.values: dict = {}

    def report(self, key: str, message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(self.raw.path, self.raw.line(key), key, message, hint, severity))

    def add(self, issue: Issue) -> None:
        self.problems.append(Problem(self.raw.path, self.raw.line(issue.key), issue.key, issue.message, issue.hint,
                                     issue.severity))

    def run(self) -> None:
        meta = self.raw.meta
        for f in FIELDS:
            value = meta.get(f.name)
            if value is None or value == "" or value == []:
                if f.required and not (f.kind.empty_ok and value == []):
                    what = "is empty" if f.name in meta else "is missing"
                    self.report(f.name, f"required field {what}", f"{f.name}: {f.help.get('en', '')}")
                    continue
                self.values[f.name] = () if f.kind.empty_ok and value == [] else f.default
                continue
            cleaned, issues = f.kind.check(value, f.name, meta, self.vocabs)
            for issue in issues:
                self.add(issue)
            if cleaned is not None:
                self.values[f.name] = cleaned
        for name in meta:
            if name not in FIELDS_BY_NAME:
                self.report(str(name), "unknown field, ignored", close(name, FIELDS_BY_NAME), WARNING)
        self.cross_checks()

    def cross_checks(self) -> None:
        raw, values = self.raw, self.values
        lang = values.get("lang")
        if lang and raw.lang_suffix and lang != raw.lang_suffix:
            known = self.vocabs.terms("languages")
            # An unknown suffix ('.de.md') cannot be the fix: point at the rename instead.
            hint = (f"set lang: {raw.lang_suffix} or rename the file" if raw.lang_suffix in known else
                    f"rename the file to {raw.slug}.{lang}.md (languages: {', '.join(known)})")
            if raw.lang_suffix in known and hazards.body_language(raw.body) in (lang, raw.lang_suffix):
                # The text tells which of the two is right.
                hint = (f"the text is in {hazards.LANGUAGE_NAMES[lang]}: rename the file to {raw.slug}.{lang}.md"
                        if hazards.body_language(raw.body) == lang else
                        f"the text is in {hazards.LANGUAGE_NAMES[raw.lang_suffix]}: set lang: {raw.lang_suffix}")
            self.report("lang", f"'{lang}' differs from the file name suffix '.{raw.lang_suffix}.md'", hint)
        if values.get("status") == "reviewed":
            # Given but invalid ('reviewed_by: Nom', a date in the future) has its own error at its line;
            # "requires" said too sent the reviewer looking for a missing field (found by breaker11).
            faulty = {p.field.split("[")[0] for p in self.problems}
            for name in ("reviewed_by", "reviewed_on"):
                if not values.get(name) and name not in faulty:
                    self.report("status", f"status 'reviewed' requires {name}",
                                f"add {name}, or keep status: draft until the review")
        if not values.get("links") and "links" not in {p.field.split("[")[0] for p in self.problems}:
            self.report("links", "no public source link", "every entry cites at least one source by link",
                        WARNING)
        if not raw.body.strip():
            self.problems.append(Problem(raw.path, raw.body_line, "body", "the entry has no text after the front matter",
                                         "write the sections: context, description, method, lessons, references"))
        placeholders = body_problems(raw)
        if values.get("status") == "reviewed":
            # A TODO is a warning while the entry is a draft: the preview keeps showing the page as the
            # contributor fills the skeleton (it stops at errors), drafts carry the Draft badge, and the
            # pull-request check (--strict) refuses warnings anyway. A reviewed entry is vouched for and
            # shown without a badge: a TODO left in its title or summary passes every other rule and
            # would be published as finished text, so it is an error there (found by breaker11).
            placeholders = [Problem(p.path, p.line, p.field, p.message, REVIEWED_TODO_HINT) if p.field == "placeholder"
                            else p for p in placeholders]
        self.problems += placeholders


REVIEWED_TODO_HINT = "a reviewed entry holds no TODO: write the real text or value, or set status: draft until it is written"


def body_problems(raw: RawEntry, length: bool = True) -> list[Problem]:
    """The problems of a file's text that do not depend on its front matter: TODO placeholders,
    its length (`length`), script links, raw HTML. Also run (without the length) when the front
    matter cannot be read, so that one run lists them with the YAML error (they came one run
    later; found by breaker9)."""
    problems = []
    # The front matter's lines, then the body's text: a TODO in code is an example (a Stata comment,
    # a script), not a placeholder, and is not reported (found by the reviewer). Lines are read
    # only when there is a TODO to find (#10).
    split = raw.body_line > 1  # the front matter was closed (else the whole text is read)
    lines = []
    if "TODO" in raw.text or "TODO" in raw.body:
        head = raw.text.split("\n")[: raw.body_line - 1] if split else raw.text.split("\n")
        lines = list(enumerate(head, start=1))
        if split:
            lines += [(raw.body_line + offset, line) for offset, line in prose_lines(raw.body)]
    for number, line in lines:
        if PLACEHOLDER_RE.search(line):
            problems.append(Problem(raw.path, number, "placeholder", "TODO left from the skeleton",
                                    "replace it with the real text or value", WARNING))
    words = len(markdown_to_text(raw.body).split()) if length else 0
    if length and raw.body.strip() and not BODY_WORDS[0] <= words <= BODY_WORDS[1]:
        problems.append(Problem(raw.path, raw.body_line, "body", f"the text is {words} words long",
                                f"aim for {BODY_WORDS[0]} to {BODY_WORDS[1]} words", WARNING))
    for offset, target in unsafe_links(raw.body):
        problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                f"link to '{target[:80]}' is not a web address",
                                "links in the text must start with https:// (or mailto:, or # for a heading)"))
    if raw.body.strip() and "<" in raw.body:
        problems += raw_html_problems(raw)
    return problems


# What Python-Markdown renders as links (<https://...>, <ftp://...>, <name@host>), not raw HTML.
AUTOLINK_RE = re.compile(r"<(?:(?:https?|ftp)://[^<>]*|[^<> !]+@[^@<> ]+)>\Z", re.I)
CLOSING_TAG_RE = re.compile(r"<\s*/")
RAW_HTML_LINES_SHOWN = 10  # different tag lists reported; the other lines are counted in one last problem
RAW_HTML_TAGS_SHOWN = 3  # tags named per line


def raw_html_problems(raw: RawEntry) -> list[Problem]:
    """One warning per body line holding raw HTML outside code (fenced blocks and code spans show
    it as code, as meant), naming that line's tags (opening ones; closing tags only on a line with
    no opening tag), autolinks (<https://...>) left out: [Problem] with at most RAW_HTML_LINES_SHOWN
    different messages, then one counting the other lines, whatever the body's size."""
    pieces: dict[int, list[str]] = {}
    for offset, text in code_free_lines(raw.body):
        pieces.setdefault(offset, []).append(text)
    by_line: dict[int, list[str]] = {}
    line_starts = [0] + [i + 1 for i, c in enumerate(raw.body) if c == "\n"]
    for m in HTML_TAG_RE.finditer(raw.body):
        offset = bisect_right(line_starts, m.start()) - 1
        head = m.group(0).split("\n", 1)[0]
        if not AUTOLINK_RE.match(m.group(0)) and any(head in piece for piece in pieces.get(offset, ())):
            by_line.setdefault(offset, []).append(m.group(0))
    # A line of closing tags only ends an element already reported where it opened.
    any_opening = any(not CLOSING_TAG_RE.match(t) for tags in by_line.values() for t in tags)
    problems = []
    for offset, tags in sorted(by_line.items()):
        opening = [t for t in tags if not CLOSING_TAG_RE.match(t)]
        if not opening and any_opening:
            continue
        opening = opening or tags
        named = [_short_tag(t) for t in dict.fromkeys(opening)]
        more = f" and {len(named) - RAW_HTML_TAGS_SHOWN} more" if len(named) > RAW_HTML_TAGS_SHOWN else ""
        problems.append(Problem(raw.path, raw.body_line + offset, "body",
                                f"raw HTML ({', '.join(named[:RAW_HTML_TAGS_SHOWN])}{more}) is shown as text, not rendered",
                                "use Markdown instead of HTML", WARNING))
    # Lines with the same tags are merged by collapse_repeats; past RAW_HTML_LINES_SHOWN different
    # ones, the rest is one problem, so a body of HTML gives a readable report.
    shown = set(list(dict.fromkeys(p.message for p in problems))[:RAW_HTML_LINES_SHOWN])
    if len(shown) == RAW_HTML_LINES_SHOWN and any(p.message not in shown for p in problems):
        rest = [p for p in problems if p.message not in shown]
        lines = ", ".join(str(p.line) for p in rest[:5]) + (f" and {len(rest) - 5} more" if len(rest) > 5 else "")
        problems = [p for p in problems if p.message in shown] + [Problem(
            raw.path, rest[0].line, "body", f"raw HTML on {len(rest)} more lines ({lines}) is shown as text, not rendered",
            "use Markdown instead of HTML", WARNING)]
    return problems


def _short_tag(tag: str, limit: int = 40) -> str:
    """An HTML tag as found, on one line and cut to `limit` characters, for a message."""
    tag = " ".join(tag.split())
    return tag if len(tag) <= limit else tag[: limit - 2] + "…>"


def collapse_repeats(problems: list[Problem], body_line: int) -> list[Problem]:
    """One problem per (path, field, message, hint, severity) in the body (lines from `body_line`
    on): a problem found on several lines (one bad link written 100 times) is kept at its first
    line, its message ending with the count and the first few other lines. Front-matter problems
    stay one per line (each line is its own field), as do TODO placeholders (the scaffold's
    skeleton has one per section to fill: each line is a to-do). Order of first appearance kept."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        where = "body" if p.line >= body_line and p.field != "placeholder" else p.line
        groups.setdefault((p.path, p.field, p.message, p.hint, p.severity, where), []).append(p)
    out = []
    for same in groups.values():
        first = min(same, key=lambda p: p.line)
        if len(same) == 1:
            out.append(first)
            continue
        lines = sorted({p.line for p in same} - {first.line})
        shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        where = f"; also on line{'s' if len(lines) > 1 else ''} {shown}" if lines else ""
        out.append(Problem(first.path, first.line, first.field, f"{first.message} ({len(same)} times{where})",
                           first.hint, first.severity))
    return out


def _id_prefix(raw: RawEntry, vocabs: Vocabularies) -> list[Problem]:
    """A warning for an id in a country folder that does not start with that folder's code
    (CONTRIBUTING: the id starts with the country code): often a file saved in the wrong folder,
    and ids never change once published. [] for regional/ and for ids that do."""
    folder, slug = raw.folder, raw.slug
    if (folder == "regional" or folder not in vocabs.folders() or not slug or slug.startswith(folder + "-")
            or not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", slug)):  # an invalid id has its own error
        return []
    name = f"{folder}-{slug}.{raw.lang_suffix}.md"
    other = next((f for f in vocabs.folders() if f != "regional" and slug.startswith(f + "-")), None)
    hint = (f"if it is an entry of {other.upper()}, move it to practices/{other}/; otherwise rename it {name}" if other
            else f"rename it {name} (ids never change once published)")
    return [Problem(raw.path, 1, "file name", f"the id '{slug}' does not start with its folder's country code '{folder}-'",
                    hint, WARNING)]


def check_entry(raw: RawEntry, vocabs: Vocabularies | None = None) -> tuple[Entry | None, list[Problem]]:
    """Validate one loaded file against `vocabs` (the run's Vocabularies; None: the shipped data,
    read now); returns the entry only when it has no error."""
    vocabs = Vocabularies.ensure(vocabs)
    problems = list(raw.problems)
    if raw.folder not in vocabs.folders():
        problems.append(Problem(raw.path, 1, "folder", f"'{raw.folder}' is not an entry folder",
                                "put the file in one of: " + ", ".join(vocabs.folders())))
    if raw.slug and not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", raw.slug):
        problems.append(Problem(raw.path, 1, "file name", f"'{raw.slug}' is not a valid id",
                                "use lower-case letters, digits and hyphens, e.g. 'ma-enquete-emploi'"))
    problems += _id_prefix(raw, vocabs)
    problems += hazards.check(raw)  # scripts, cut values, Arabic commas, lists after paragraphs
    if not raw.meta:
        if raw.body_line > 1:  # the front matter is closed: the text after it is known
            problems += body_problems(raw, length=False)
        return None, collapse_repeats(problems, raw.body_line)
    checker = _Checker(raw, vocabs)
    checker.run()
    problems = collapse_repeats(problems + checker.problems, raw.body_line)
    if any(p.severity == "error" for p in problems):
        return None, problems
    v = checker.values
    entry = Entry(id=raw.slug, lang=v["lang"], folder=raw.folder, path=raw.path, title=v["title"], type=v["type"],
                  countries=v["countries"], summary=v["summary"], themes=v["themes"],
                  data_sources=v["data_sources"], institutions=v["institutions"], period=v["period"],
                  links=v["links"], tags=v["tags"], status=v["status"], updated=v["updated"],
                  reviewed_by=v["reviewed_by"], reviewed_on=v["reviewed_on"], body=raw.body.strip("\n"),
                  instrument=v.get("instrument"))
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


def _band_pairs(signatures: list[bytes], bands: tuple[int, int]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of signatures equal on all the rows of at least one band: the candidates
    MinHash LSH (as datasketch's MinHashLSH with params=bands) gives. Each band's bytes are grouped
    with numpy (np.unique over the band as one opaque value per signature): a dict per band filled
    in Python cost 0.5 s per band set at 10,000 entries, on every check where a file changed."""
    from itertools import combinations

    import numpy as np

    b, _ = bands
    pairs: set[tuple[int, int]] = set()
    if not signatures:
        return pairs
    size = len(signatures[0])
    if any(len(sig) != size for sig in signatures):
        raise ValueError("signatures of different lengths")
    width = size // b  # bytes of the r hash values of one band (b * r values in all)
    table = np.frombuffer(b"".join(signatures), dtype=np.uint8).reshape(len(signatures), size)
    for band in range(b):
        block = np.ascontiguousarray(table[:, band * width:(band + 1) * width]).view(f"V{width}").ravel()
        _, bucket, counts = np.unique(block, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[bucket] > 1)
        members: dict[int, list[int]] = {}
        for i, k in zip(shared.tolist(), bucket[shared].tolist(), strict=True):
            members.setdefault(k, []).append(i)
        for group in members.values():
            pairs.update(combinations(group, 2))
    return pairs


def _lookalike_group(r: RawEntry) -> tuple[str, tuple[str, ...]] | None:
    """(language, countries) of an entry that look-alike warnings consider; None for the others."""
    m = r.meta
    if r.slug and isinstance(m.get("title"), str) and isinstance(m.get("countries"), list):
        return r.lang_suffix, tuple(sorted(map(str, m["countries"])))
    return None


def minhash_class():
    """datasketch's MinHash class, imported without the rest of the package when it is not loaded
    yet: datasketch/__init__.py imports its LSH classes, which import scipy (1.3 s of a fresh
    process on the 2-core reference machine, most of a one-file check). The minhash module needs
    only numpy and datasketch.hashfunc: it is loaded under a bare package object (the package's
    path, its __init__ not run), then every datasketch module is dropped from sys.modules, so that
    a later `import datasketch` runs the package as usual (with its own MinHash class, computing
    the same values). Made once per process."""
    import importlib
    import importlib.util
    import sys

    global _MINHASH
    if "datasketch" in sys.modules and hasattr(sys.modules["datasketch"], "MinHash"):
        return sys.modules["datasketch"].MinHash
    if _MINHASH is None:
        spec = importlib.util.find_spec("datasketch")
        sys.modules["datasketch"] = importlib.util.module_from_spec(spec)
        try:
            _MINHASH = importlib.import_module("datasketch.minhash").MinHash
        finally:
            for name in [n for n in sys.modules if n == "datasketch" or n.startswith("datasketch.")]:
                del sys.modules[name]
    return _MINHASH


_MINHASH = None


def lookalike_signatures(raws: list[RawEntry]) -> list[tuple[bytes, bytes] | None]:
    """Each raw entry's MinHash signatures (title, summary; the hash values as bytes) that
    duplicate_warnings puts in LSH buckets, or None for an entry it does not consider. A file's
    signatures depend on that file alone, so a caller may keep them with the file's other results."""
    import zlib

    MinHash = minhash_class()
    kept = [(i, r, group) for i, r in enumerate(raws) if (group := _lookalike_group(r)) is not None]
    out: list[tuple[bytes, bytes] | None] = [None] * len(raws)
    if not kept:
        return out
    tags = [f"{lang}:{','.join(countries)}|" for _, _, (lang, countries) in kept]
    columns = []
    for name, text_of in (("title", lambda r: r.meta["title"]), ("summary", lambda r: str(r.meta.get("summary", "")))):
        b, r = LSH_BANDS[name]
        hashes = MinHash.bulk([_shingles(text_of(raw), tag) for (_, raw, _), tag in zip(kept, tags, strict=True)],
                              num_perm=b * r, hashfunc=zlib.crc32, **_permutations(MinHash, b * r))
        columns.append([h.hashvalues.tobytes() for h in hashes])
    for (i, _, _), title, summary in zip(kept, *columns, strict=True):
        out[i] = (title, summary)
    return out


def _permutations(minhash: type, num_perm: int) -> dict:
    """{"permutations": ..., "scheme": ...}: the permutation parameters (two arrays of num_perm
    integers) and scheme of a default `minhash`(num_perm, seed 1), drawn once per process and class.
    Given to MinHash.bulk, which otherwise draws them again on every call (numpy's RandomState:
    0.1 ms per call, a third of a file's signatures when the check makes them file by file, #10);
    the signatures are the same."""
    key = (minhash, num_perm)
    if key not in _PERMUTATIONS:
        made = minhash(num_perm=num_perm)
        _PERMUTATIONS[key] = {"permutations": made.permutations, "scheme": made.scheme}
    return _PERMUTATIONS[key]


_PERMUTATIONS: dict = {}


def duplicate_warnings(raws: list[RawEntry], signatures: list[tuple[bytes, bytes] | None] | None = None,
                       keys: list | None = None, verdicts: dict | None = None, judge=None) -> list[Problem]:
    """Entries of other ids that look like the same thing: same language and countries, and a close
    title or summary. A warning on each side, naming the other file, for the reviewer to judge.
    `signatures`: lookalike_signatures(raws), when the caller kept them (None: computed here).
    `keys`, `verdicts`: a key per raw that changes whenever the file does (e.g. its path and digest)
    and a dict {(key, key): (title ratio, summary ratio)} of pairs judged before, read and filled
    here (left holding this collection's candidate pairs only), so that a check after one file
    changed compares only that file's candidate pairs (difflib: most of the check at 10,000).
    `judge`: judge_pairs or a function giving the same list (e.g. computed in other processes),
    called once with the candidate pairs not judged before (None: judge_pairs)."""
    if signatures is None:
        signatures = lookalike_signatures(raws)
    eligible, groups, sigs, at = [], [], [], []
    for n, (r, sig) in enumerate(zip(raws, signatures, strict=True)):
        group = _lookalike_group(r)
        if group is not None and sig is not None:
            eligible.append(r)
            groups.append(group)
            sigs.append(sig)
            at.append(n)
    if verdicts is not None and keys is None:
        raise ValueError("verdicts need a key per raw entry")
    judged = {}
    if len(eligible) < 2:
        if verdicts is not None:
            verdicts.clear()
        return []
    candidates = (_band_pairs([s[0] for s in sigs], LSH_BANDS["title"])
                  | _band_pairs([s[1] for s in sigs], LSH_BANDS["summary"]))
    pairs = [(i, j) for i, j in sorted(candidates) if groups[i] == groups[j] and eligible[i].slug != eligible[j].slug]
    named = [(keys[at[i]], keys[at[j]]) if keys is not None else None for i, j in pairs]
    known = [verdicts.get(pair) if verdicts is not None else None for pair in named]
    fresh = iter((judge or judge_pairs)([_compared(eligible[i], eligible[j])
                                         for (i, j), ratios in zip(pairs, known, strict=True) if ratios is None]))
    problems = []
    for (i, j), pair, ratios in zip(pairs, named, known, strict=True):
        a, b = eligible[i], eligible[j]
        if ratios is None:
            ratios = next(fresh)
        judged[pair] = ratios
        title, summary = ratios
        if title >= 0.9 or summary >= 0.85:
            what = "title" if title >= 0.9 else "summary"
            for x, y in ((a, b), (b, a)):
                problems.append(Problem(x.path, x.line(what), what, f"looks like {y.path}",
                                        "if it is the same thing, improve that entry instead", WARNING))
    if verdicts is not None:
        verdicts.clear()
        verdicts.update(judged)
    return problems


def _compared(a: RawEntry, b: RawEntry) -> tuple[str, str, str, str]:
    """(title of a, title of b, summary of a, summary of b): what judge_pairs compares of a pair."""
    return a.meta["title"], b.meta["title"], str(a.meta.get("summary", "")), str(b.meta.get("summary", ""))


def judge_pairs(texts: list[tuple[str, str, str, str]]) -> list[tuple[float, float]]:
    """(title ratio, summary ratio) of each look-alike candidate pair given as (title a, title b,
    summary a, summary b): difflib's ratio (0 to 1) of the folded texts (_similar)."""
    return [(_similar(title_a, title_b), _similar(summary_a, summary_b))
            for title_a, title_b, summary_a, summary_b in texts]


def _shared(value):
    """Comparable form: a missing list and an empty one agree, as do [MA, MA] and [MA]."""
    if value is None or isinstance(value, list):
        return tuple(sorted({str(v) for v in value or ()}))
    return str(value)


def _show(value) -> str:
    return "[" + ", ".join(value) + "]" if isinstance(value, tuple) else str(value)


def load_collection(root: Path, base: Path | None = None,
                    vocabs: Vocabularies | None = None) -> tuple[list[Entry], list[Problem], int]:
    """Load and validate every entry under root against `vocabs` (None: the shipped data, read
    now). Returns (valid entries, problems, files read)."""
    base = base or root.parent
    vocabs = Vocabularies.ensure(vocabs)
    raws = []
    for path in entry_files(root):
        try:
            shown = str(path.relative_to(base))
        except ValueError:
            shown = str(path)
        raws.append(load_file(path, shown))
    entries, problems, files = check_collection(raws, vocabs)
    return entries, problems + skipped_files(root, base) + vocabs.problems(base), files


def check_collection(raws: list[RawEntry], vocabs: Vocabularies | None = None
                     ) -> tuple[list[Entry], list[Problem], int]:
    """Validate files already read (loader.load_file's RawEntry objects, left unchanged) against
    `vocabs` (None: the shipped data, read now), each alone and together. Returns (valid entries
    sorted by (id, lang), problems, files read), as load_collection."""
    vocabs = Vocabularies.ensure(vocabs)
    entries, problems = [], []
    for raw in raws:
        entry, found = check_entry(raw, vocabs)
        problems += found
        if entry:
            entries.append(entry)
    cross = collection_checks(raws)
    problems += cross + duplicate_warnings(raws)
    bad = {p.path for p in cross if p.severity == "error"}
    entries = [e for e in entries if e.path not in bad]
    entries.sort(key=lambda e: (e.id, e.lang))
    return entries, problems, len(raws)
