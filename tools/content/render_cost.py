"""Bodies the site's Markdown renderer would take minutes on, found before the build.

Python-Markdown (the version MkDocs runs, with fenced_code and the extensions of mkdocs.yml)
re-reads text for every opener that has no closer, so a body made of many of them takes time
quadratic in its length: a 73 KB body of `"*a [b " * 7000` took 63 s to render. The openers
measured as superlinear (tests/content/test_render_cost.py names the shapes), each costing one
scan of the text up to its closer or, without one, to the end:

- '[' (link, reference and image patterns): scanned to its matching ']' or the paragraph's end;
- '(' right after ']' (an inline link's target): scanned to its matching ')' or the paragraph's end;
- a run of backticks (code span): scanned to the next run of the same length or the paragraph's end;
- a fence line (```` ``` ```` or `~~~` at the start of a line): scanned to its closing fence or
  the end of the whole text;
- every inline mark (emphasis, code, link, escape, entity), even closed: each match copies the
  paragraph's text, so one long paragraph full of them is quadratic too (one 100,000-character
  paragraph of `*a* _b_ **c** ` took 3.2 s, of `\\[a ` 4.1 s).

Raw HTML openers ('<a ...' without '>') are quadratic too, but tools.content.markdown.safe_body
turns '<' outside code into '&lt;' before the renderer sees it, so they are not counted here.

The estimate is linear in the body's length, so the check itself stays bounded. Each scanned
character is weighted by the renderer's measured time per character for that kind (microseconds,
rounded up from the worst shape measured); a body whose total exceeds BUDGET_US is refused, at the
line of the first unclosed opener of the kind and paragraph that cost most.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from tools.content.problems import Problem

# Microseconds of rendering per character scanned, rounded up from measurements (process time,
# Python 3.11, Markdown 3.11.3): '[' 0.53-0.72, '](' 0.24, backtick runs 0.065, fences 0.033.
WEIGHTS_US = {"bracket": 1.0, "link target": 0.35, "backticks": 0.1, "fence": 0.05,
              # Each inline match (emphasis, code, link, escape, entity) copies the paragraph's
              # text once: 0.4-0.75 ns per mark and character ("*a* " * 20000 took 1.3 s).
              "marks": 0.001}
# Extra rendering time a body may cause through unclosed openers (1 s), next to the ~0.4 s a
# 100,000-character body of ordinary text takes.
BUDGET_US = 1_000_000

# fenced_code's opening line (FencedBlockPreprocessor.FENCED_BLOCK_RE): at the very start of a
# line, then optional {attrs}, or a language and hl_lines.
_FENCE_OPEN = re.compile(r"(?P<fence>~{3,}|`{3,})[ ]*(?:\{[^\n]*\}|(?:\.?[\w#.+-]*[ ]*)?"
                         r"(?:hl_lines=(\"|').*?\2[ ]*)?)$")
_FENCE_CLOSE = re.compile(r"(~{3,}|`{3,})[ ]*$")
_TOKEN = re.compile(r"\\.|[\[\]()]", re.S)
_MARK = re.compile(r"\\.|`+|\*+|_+|\[|&|<", re.S)

HINTS = {
    "bracket": "escape the brackets as \\[ and \\] (or close each '[' with ']'), or put the text in a "
               "code block",
    "link target": "close each link's '(' with ')', or escape the bracket before it as \\]",
    "backticks": "pair each run of backticks with a run of the same length, or escape them as \\`",
    "fence": "close each ``` (or ~~~) block with a line holding the same fence, or indent the lines "
             "that start with it",
    "marks": "split the paragraph with blank lines",
}
# Said when every opener of the paragraph is closed but they nest deep enough to cost as much.
_NESTED = {
    "bracket": "'[' nested inside each other",
    "link target": "link targets '](' with parentheses nested inside each other",
}
_WHAT = {
    "bracket": "'[' without a matching ']'",
    "link target": "link target '](' without a matching ')'",
    "backticks": "run(s) of backticks without a closing run of the same length",
    "fence": "fence line(s) (``` or ~~~) without a closing fence",
    "marks": "inline marks (emphasis, code, links, escapes)",
}


@dataclass(frozen=True)
class Cost:
    """Rendering work of one kind of opener in one paragraph (or, for fences, in the whole body).

    kind: a key of WEIGHTS_US; line: 0-based line within the body of the first unclosed opener
    (of the paragraph's first opener when all are closed); unclosed: how many openers have no
    closer; scanned: characters the renderer reads for them; openers: how many openers of the kind
    the paragraph has (closed or not); work_us: scanned x weight (µs)."""

    kind: str
    line: int
    unclosed: int
    scanned: int
    openers: int = 0

    @property
    def work_us(self) -> float:
        """Estimated rendering time in microseconds."""
        return self.scanned * WEIGHTS_US[self.kind]


def _fences(lines: list[str], starts: list[int], total: int) -> tuple[list[bool], Cost | None]:
    """Which lines are inside a closed fenced block, and the scan cost of the unclosed fences."""
    in_code = [False] * len(lines)
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        m = _FENCE_CLOSE.match(line)
        if m:
            closers.setdefault(m.group(1), []).append(i)
    scanned, unclosed, first = 0, 0, -1
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i]) if lines[i][:1] in "`~" else None
        if not m:
            i += 1
            continue
        after = closers.get(m.group("fence"), [])
        k = bisect.bisect_right(after, i)
        if k < len(after):
            for j in range(i, after[k] + 1):
                in_code[j] = True
            i = after[k] + 1
        else:
            # The fence regex reads to the end of the text, then the line is plain text.
            scanned += total - starts[i]
            unclosed += 1
            first = i if first < 0 else first
            i += 1
    return in_code, (Cost("fence", first, unclosed, scanned) if unclosed else None)


def _code_spans(text: str) -> tuple[list[tuple[int, int]], int, int, int]:
    """(start, end) of the paragraph's code spans, and (scanned, unclosed, first unclosed offset) of
    its backtick runs that find no closing run of the same length (BacktickInlineProcessor)."""
    runs = [(m.start(), m.end() - m.start()) for m in re.finditer("`+", text)]
    by_length: dict[int, list[int]] = {}
    for index, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    spans, scanned, unclosed, first = [], 0, 0, -1
    index = 0
    while index < len(runs):
        start, length = runs[index]
        if start and text[start - 1] == "\\":  # an escaped backtick; the rest of the run opens
            start, length = start + 1, length - 1
        if not length:
            index += 1
            continue
        same = by_length.get(length, [])
        k = bisect.bisect_right(same, index)
        if k < len(same):
            close = runs[same[k]]
            spans.append((start, close[0] + close[1]))
            index = same[k] + 1
        else:
            scanned += len(text) - start
            unclosed += 1
            first = start if first < 0 else first
            index += 1
    return spans, scanned, unclosed, first


def _paragraph_costs(text: str, line: int) -> list[Cost]:
    """Costs of one paragraph (lines without a blank line between), `line` its first line."""
    spans, bt_scanned, bt_unclosed, bt_first = _code_spans(text)
    costs = []
    if bt_unclosed:
        costs.append(Cost("backticks", line + text.count("\n", 0, bt_first), bt_unclosed, bt_scanned))
    brackets: list[int] = []
    parens: list[tuple[int, bool]] = []
    br_scanned = pa_scanned = n_brackets = n_links = 0
    first_bracket = first_link = link_start = -1
    span = 0
    for m in _TOKEN.finditer(text):
        pos = m.start()
        while span < len(spans) and spans[span][1] <= pos:
            span += 1
        if span < len(spans) and spans[span][0] <= pos or len(m.group(0)) == 2:
            continue  # inside code, or escaped
        c = m.group(0)
        if c == "[":
            brackets.append(pos)
            n_brackets += 1
            first_bracket = pos if first_bracket < 0 else first_bracket
        elif c == "]":
            if brackets:
                br_scanned += pos - brackets.pop()
            link_start = pos + 1
        elif c == "(":
            is_link = pos == link_start
            parens.append((pos, is_link))
            if is_link:
                n_links += 1
                first_link = pos if first_link < 0 else first_link
        elif parens:
            start, is_link = parens.pop()
            if is_link:
                pa_scanned += pos - start
    end = len(text)
    # An escape costs about twice an emphasis mark ("\\[a " * 25000 took 4.1 s).
    marks = sum(2 if m.startswith("\\") else 1 for m in _MARK.findall(text))
    if marks * end * WEIGHTS_US["marks"] > 1000:  # only long, busy paragraphs matter
        costs.append(Cost("marks", line, marks, marks * end, marks))
    br_scanned += sum(end - p for p in brackets)
    if br_scanned:
        where = brackets[0] if brackets else first_bracket
        costs.append(Cost("bracket", line + text.count("\n", 0, where), len(brackets), br_scanned, n_brackets))
    open_links = [p for p, is_link in parens if is_link]
    pa_scanned += sum(end - p for p in open_links)
    if pa_scanned:
        where = open_links[0] if open_links else first_link
        costs.append(Cost("link target", line + text.count("\n", 0, where), len(open_links), pa_scanned, n_links))
    return costs


def costs(md: str) -> list[Cost]:
    """The rendering costs of a body (Markdown text), one per kind and paragraph that has openers of
    that kind scanned (fences: one for the body, when one is unclosed); linear in len(md)."""
    lines = md.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    in_code, fence = _fences(lines, starts, len(md))
    out = [fence] if fence else []
    first = None
    for i, line in enumerate(lines + [""]):
        blank = i == len(lines) or in_code[i] or not line.strip()
        if blank and first is not None:
            out += _paragraph_costs("\n".join(lines[first:i]), first)
            first = None
        elif not blank and first is None:
            first = i
    return out


def estimate_seconds(md: str) -> float:
    """Estimated extra rendering time (seconds) the body's unclosed openers cause."""
    return sum(c.work_us for c in costs(md)) / 1e6


def bound_us(md: str) -> float:
    """An upper bound of sum(c.work_us for c in costs(md)), from counts of characters alone: each
    opener is scanned at most once to the end of the text (of its paragraph or, for a fence line,
    of the body), and a paragraph's marks are at most its '\\' twice and its other mark characters
    once. Linear, with no Python loop (most bodies are far under the budget, #10)."""
    count = md.count
    backticks = count("`")
    marks = 2 * count("\\") + backticks + count("*") + count("_") + count("[") + count("&") + count("<")
    return len(md) * (count("[") * WEIGHTS_US["bracket"] + count("(") * WEIGHTS_US["link target"]
                      + backticks * WEIGHTS_US["backticks"] + (backticks + count("~")) * WEIGHTS_US["fence"]
                      + marks * WEIGHTS_US["marks"])


def problems(path: str, body: str, body_line: int) -> list[Problem]:
    """One error at the costliest paragraph's first unclosed opener when the body's estimated extra
    rendering time exceeds BUDGET_US; [] otherwise. `body_line`: the file line of the body's first
    line (1-based)."""
    if bound_us(body) <= BUDGET_US / 2:  # a margin for the rounding of the sums
        return []
    found = costs(body)
    total = sum(c.work_us for c in found)
    if total <= BUDGET_US:
        return []
    worst = max(found, key=lambda c: c.work_us)
    where = "the body" if worst.kind == "fence" else "this paragraph"
    what = f"{worst.unclosed} {_WHAT[worst.kind]}" if worst.unclosed else f"{worst.openers} {_NESTED[worst.kind]}"
    return [Problem(path, body_line + worst.line, "body",
                    f"{what} in {where}: the site's Markdown renderer re-reads "
                    f"the text after each one, and would take about {total / 1e6:.1f} s on this body "
                    f"(at most {BUDGET_US / 1e6:.1f} s allowed)", HINTS[worst.kind])]
