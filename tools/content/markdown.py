"""Safety of entry bodies (untrusted Markdown): raw HTML becomes text, and link targets are
allowed only when they are web addresses, e-mail addresses or anchors.

An allow-list, not a block-list: `java&#115;cript:` or `jav<TAB>ascript:` are not on it either.
Code (fenced blocks and inline code spans) is left exactly as written: Markdown escapes it.

What a fenced block is, for every reader of a body (this module's checks and safe_body, the
search's text, tools.search.analysis.markdown_to_text): a block as CommonMark reads it at the top
level (GitHub, where contributors preview their files), found by fences(). The site's renderer
(Python-Markdown's fenced_code, which MkDocs always loads) reads a narrower form (the fence at the
margin, closed by the very same fence, a bare language word): safe_body writes every block in that
form, so what the checks take for code is what the page shows as code.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from typing import NamedTuple

DISABLED = "#lien-desactive"
# A fence line as CommonMark reads one: 0-3 spaces, then 3 or more backticks or tildes, then the
# info string (the first word names the language).
_FENCE_LINE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
# The language word Python-Markdown's fenced_code accepts after a fence (FENCED_BLOCK_RE's `lang`).
_LANG = re.compile(r"[\w#.+-]*")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(\S+)", re.M)
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]*>", re.I)
_TITLE = re.compile(r"^(.*?)(\s+(?:\"[^\"]*\"|'[^']*'))?\s*$", re.S)
_LINK_SCAN_LIMIT = 2000


def allowed(target: str) -> bool:
    """Whether a link target may reach a reader: http(s), mailto or an anchor on the page."""
    plain = re.sub(r"[\s\x00-\x1f\x7f]", "", html.unescape(target)).lower().strip("<>")
    return plain.startswith(("http://", "https://", "mailto:", "#"))


class Fence(NamedTuple):
    """A fenced code block of a body. start, end: offsets of its opening line's first character and
    of the end of its closing line (its newline excluded; len(md) when the block runs to the end,
    unclosed); indent: spaces before the opening fence (0-3), taken off each line of the code;
    fence: the opening run ("```", "~~~~"...); info: the rest of the opening line, stripped;
    code: the lines inside, indent removed, each ending with a newline; closed: whether a closing
    fence ends it (CommonMark: a block left open runs to the end of the body)."""

    start: int
    end: int
    indent: int
    fence: str
    info: str
    code: str
    closed: bool

    @property
    def language(self) -> str:
        """The info string's first word as a language name ('{.sql}' and '.sql' give 'sql'), limited
        to the characters fenced_code accepts; '' when there is none."""
        word = self.info.split(None, 1)[0] if self.info.strip() else ""
        return _LANG.match(word.lstrip("{").lstrip(".")).group(0)

    def markdown(self) -> str:
        """The block in the form Python-Markdown's fenced_code reads (no trailing newline): the
        opening fence at the margin with the language word only, the code, the same fence."""
        return f"{self.fence}{self.language}\n{self.code}{self.fence}"


def fences(md: str) -> list[Fence]:
    """The fenced code blocks of a body as CommonMark reads them outside lists and quotes: an
    opening line of 0-3 spaces, 3 or more backticks or tildes and an info string (with no backtick
    after a backtick fence), up to a line of 0-3 spaces and at least as many of the same character
    and nothing else but spaces, or to the end of the body. Linear in len(md)."""
    if "```" not in md and "~~~" not in md:
        return []
    found, lines, pos = [], md.split("\n"), 0
    starts = []
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        m = _FENCE_LINE.fullmatch(lines[i])
        if not m or (m.group(2)[0] == "`" and "`" in m.group(3)):
            i += 1
            continue
        indent, fence = len(m.group(1)), m.group(2)
        close = re.compile(r" {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*")
        j = next((k for k in range(i + 1, len(lines)) if close.fullmatch(lines[k])), None)
        inside = lines[i + 1:j if j is not None else len(lines)]
        if j is None and inside and inside[-1] == "":  # the body's final newline is not a code line
            inside = inside[:-1]
        code = "".join(_dedent(line, indent) + "\n" for line in inside)
        end = starts[j] + len(lines[j]) if j is not None else len(md)
        found.append(Fence(starts[i], end, indent, fence, m.group(3).strip(), code, j is not None))
        i = (j if j is not None else len(lines)) + 1
    return found


def fences_as_rendered(md: str) -> str:
    """The body with each fenced block written as safe_body writes it (Fence.markdown), the rest
    unchanged: the block structure the site's renderer gets, with every line where it was (a block
    left open gains its closing line at the end). For tools.content.render_cost, which must
    measure what is rendered: a block that CommonMark closes early (```` after ```) is closed
    there on the page, whatever fenced_code would make of the raw text."""
    pieces, pos = [], 0
    for block in fences(md):
        pieces += [md[pos:block.start], block.markdown()]
        pos = block.end
    return "".join(pieces) + md[pos:] if pieces else md


def _dedent(line: str, indent: int) -> str:
    """`line` without up to `indent` leading spaces (CommonMark's rule for a fenced block's lines)."""
    return line[min(indent, len(line) - len(line.lstrip(" "))):]


@functools.lru_cache(maxsize=4)  # several checks of one body split it the same way
def _segments(md: str) -> tuple[tuple[str, int, str], ...]:
    """(kind, offset, text) pieces of a body in order: kind "fence" for a fenced block (fences()),
    "span" for a code span, "" for the rest (so a kind is true for code)."""
    out, pos = [], 0
    for block in fences(md):
        out += _spans(md[pos:block.start], pos)
        out.append(("fence", block.start, md[block.start:block.end]))
        pos = block.end
    out += _spans(md[pos:], pos)
    return tuple(out)


def _spans(text: str, offset: int) -> list[tuple[str, int, str]]:
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(("", offset + pos, text[pos:m.start()]))
        out.append(("span", offset + m.start(), m.group(0)))
        pos = m.end()
    out.append(("", offset + pos, text[pos:]))
    return out


def _inline_links(text: str):
    """(start, end) of the text between '](' and its closing ')', parentheses balanced.

    A '](' inside a stretch already scanned without finding the close is skipped, so the time is
    linear in the text (anything missed this way is still removed by the sanitiser)."""
    skip_until = -1
    for m in re.finditer(r"\]\(", text):
        if m.start() < skip_until:
            continue
        depth, i = 1, m.end()
        limit = min(len(text), i + _LINK_SCAN_LIMIT)
        while i < limit and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            yield m.end(), i - 1
        else:
            skip_until = i


class _Lines:
    """Line numbers of offsets in one text, by binary search (linear-time callers)."""

    def __init__(self, text: str):
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        """0-based line of the character at `offset`."""
        return bisect.bisect_right(self.starts, offset)


def _target(inside: str) -> str:
    return _TITLE.match(inside).group(1).strip()


def unsafe_links(md: str) -> list[tuple[int, str]]:
    """(line offset within the body, target) of every link a reader must not be sent to."""
    found, line = [], _Lines(md)
    for is_code, offset, text in _segments(md):
        if is_code:
            continue
        for start, end in _inline_links(text):
            if not allowed(_target(text[start:end])):
                found.append((line(offset + start), _target(text[start:end])))
        for m in _REF_DEF.finditer(text):
            if not allowed(m.group(2)):
                found.append((line(offset + m.start(2)), m.group(2)))
    return found


def _escape_html(text: str) -> str:
    out, pos = [], 0
    for m in _AUTOLINK.finditer(text):
        out.append(text[pos:m.start()].replace("<", "&lt;"))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;"))
    return "".join(out)


def _disable_links(text: str) -> str:
    pieces, pos = [], 0
    for start, end in _inline_links(text):
        if start < pos:
            continue
        title = _TITLE.match(text[start:end]).group(2) or ""
        if not allowed(_target(text[start:end])):
            pieces += [text[pos:start], DISABLED + title]
            pos = end
    pieces.append(text[pos:])
    text = "".join(pieces)
    return _REF_DEF.sub(lambda m: m.group(0) if allowed(m.group(2)) else m.group(1) + DISABLED, text)


def safe_body(md: str) -> str:
    """The body with raw HTML shown as text, disallowed link targets replaced, attribute lists that
    set more than id/class shown as text, and a blank line added before a list that follows a
    paragraph line (rendered as GitHub renders it); code spans untouched, and each fenced block
    (fences()) written as Python-Markdown's fenced_code reads it (Fence.markdown: same code, the
    info string reduced to its language word), so that it is shown as code, never as HTML."""
    blocks = iter(fences(md))
    return _separate_lists("".join(
        next(blocks).markdown() if kind == "fence" else text if kind else
        _neutralise_attr_lists(_escape_html(_disable_links(text)))
        for kind, _, text in _segments(md)))


# -- attribute lists (attr_list) ----------------------------------------------------------------

# Markdown's attr_list reads `{: ... }` or `{ ... }` after a block, a heading or an inline element;
# the same shape anywhere in text is treated as one here (an unused one is harmless to refuse).
# No '{' inside: each '{' then fails at once on a run of braces (no quadratic rescans).
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n \t][^{}\n]{0,300})\}")
_SAFE_KEYS = {"id", "class", ".", "#"}


def _attr_keys(attrs: str) -> set[str]:
    from markdown.extensions.attr_list import get_attrs_and_remainder

    pairs, _ = get_attrs_and_remainder(attrs)
    return {str(k).lower() for k, _ in pairs}


# Where attr_list (markdown/extensions/attr_list.py) applies `{...}`: alone on a line (BLOCK_RE: the
# last line of a block, at any indentation, in a quote or a list item, or followed by inline elements
# that end the block: BLOCK_RE then reads the text before them), at the end of a heading (ATX,
# closing '#'s allowed, or setext) or of a table cell (HEADER_RE, for h1-h6, td, th), or right after
# an inline element (INLINE_RE on the element's tail: after the closing '*', '_', '`', ')' or ']' of
# emphasis, code, a link or an image, or '>' of an inline tag). tests/content/test_hazards.py
# compares this with what Markdown renders, shape by shape.
_INLINE_CLOSERS = frozenset("*_`)]>~=^")
_INLINE_OPENERS = frozenset("*_`[!<~=^")
# What opens a line's content inside containers: quote markers, list markers, indentation.
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*")
_ATX = re.compile(r"#{1,6}(?!#)")
_AFTER_HEADING = re.compile(r"[ \t]*#*[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"(?:[ \t]*>)*[ \t]*(?:=+|-+)[ \t]*$")
_CELL_END = re.compile(r"[ \t]*(?:\||$)")
_LOOK = 64  # characters looked at around a `{...}` or on the next line: linear on lines of many braces


_PAREN = re.compile(r"[()]")


def link_target_ends(md: str, line_start: int, line_end: int) -> frozenset[int]:
    """Offsets in `md` of the ')' that end a link or image target `](...)` on the line
    md[line_start:line_end], parentheses inside the target balanced as Markdown reads them
    (Wikipedia's '.../Maghreb_(r%C3%A9gion))', a target of any length): one pass over the line.
    '(annexe){MA, TN}' in prose ends no target."""
    ends, i = set(), line_start
    while (j := md.find("](", i, line_end)) >= 0:
        depth, i = 1, j + 2
        while depth and (m := _PAREN.search(md, i, line_end)):
            depth += 1 if m.group() == "(" else -1
            i = m.end()
        if depth:
            break  # the target never closes on this line
        ends.add(i - 1)
    return frozenset(ends)


def _applies_as_attr_list(md: str, start: int, end: int, line_start: int, line_end: int,
                          has_pipe: bool, link_ends: frozenset[int]) -> bool:
    """Whether the `{...}` at md[start:end], on the line md[line_start:line_end] (`has_pipe`: the
    line may be a table row, _table_lines), is where attr_list reads one (above): prose such
    as 'the set {MA, TN}', 'the ratio {stock / flow}' or a Stata '${year}' is shown as written, and
    was an error ("attribute list sets 'MA,', 'TN'"; found by breaker11). `link_ends`: the line's
    link_target_ends. Looks at a bounded number of characters around it (a line of many braces
    stays linear)."""
    after = min(line_end, end + _LOOK)
    at_end = line_end == after and not md[end:after].strip()
    # Inline elements after it that end the block leave it last in the text attr_list reads.
    ends = at_end or md[end:after].lstrip()[:1] in _INLINE_OPENERS
    content = _CONTAINERS.match(md, line_start, min(line_end, line_start + _LOOK)).end()
    if content == start and ends:
        return True  # alone on its line, or before inline elements that end the block
    before = md[start - 1] if start > line_start else ""
    if before in _INLINE_CLOSERS and (before != ")" or start - 1 in link_ends):
        return True  # the tail of an inline element
    if not before.isspace():
        return False
    if has_pipe and (ends or _CELL_END.match(md, end, after)):
        return True  # the end of a table cell
    if _ATX.match(md, content) and (ends or _AFTER_HEADING.match(md, end, after) and line_end == after):
        return True  # the end of an ATX heading, closing '#'s or not
    next_end = md.find("\n", line_end + 1, line_end + 1 + _LOOK)
    return ends and bool(_SETEXT_UNDERLINE.match(md, line_end + 1, next_end if next_end >= 0 else
                                                 min(len(md), line_end + 1 + _LOOK)))


def _table_lines(md: str) -> list[bool]:
    """For each line of `md`: whether it or an earlier line of its block (no blank line between)
    holds a '|', so that it may be a table row (the tables extension reads rows without pipes
    after the delimiter row)."""
    out, seen = [], False
    for text in md.split("\n"):
        seen = bool(text.strip()) and (seen or "|" in text)
        out.append(seen)
    return out


def attribute_lists(md: str) -> list[tuple[int, str]]:
    """(line offset within the body, text inside the braces) of every attribute list outside code,
    where Markdown's attr_list would read it (_applies_as_attr_list)."""
    if "{" not in md:
        return []
    found, line, table, links = [], _Lines(md), None, {}
    for is_code, offset, text in _segments(md):
        if not is_code:
            for m in _ATTR_LIST.finditer(text):
                start, end = offset + m.start(), offset + m.end()
                n = line(start)
                line_start = line.starts[n - 1] if n else 0
                line_end = line.starts[n] - 1 if n < len(line.starts) else len(md)
                table = table or _table_lines(md)  # once per body, if it has braces
                if line_start not in links:  # once per line that has braces
                    links[line_start] = link_target_ends(md, line_start, line_end)
                if _applies_as_attr_list(md, start, end, line_start, line_end, table[n], links[line_start]):
                    found.append((n, m.group(1).rstrip()))
    return found


def _neutralise_attr_lists(text: str) -> str:
    """Attribute lists that set anything but id and class become literal text (`\\{`)."""
    return _ATTR_LIST.sub(lambda m: m.group(0) if _attr_keys(m.group(1)) <= _SAFE_KEYS else "\\" + m.group(0), text)


def code_free_lines(md: str) -> list[tuple[int, str]]:
    """(line offset within the body, text) of the body's lines outside fenced code and code spans;
    a line cut by a code span gives one piece per side."""
    return list(_code_free_lines(md))


@functools.lru_cache(maxsize=4)  # five checks of one body ask for its lines (#10)
def _code_free_lines(md: str) -> tuple[tuple[int, str], ...]:
    out, line = [], _Lines(md)
    for is_code, offset, text in _segments(md):
        if not is_code:
            first = line(offset)
            out += [(first + i, line) for i, line in enumerate(text.split("\n")) if line.strip()]
    return tuple(out)


_INDENTED = re.compile(r"(?: {4}| {0,3}\t)")


def prose_lines(md: str) -> list[tuple[int, str]]:
    """code_free_lines() without the lines of indented code blocks (4 spaces or a tab after a blank
    line, outside a list item, where Markdown shows them as code): what a reader sees as text.
    Each line offset appears once (the pieces of a line cut by a code span are joined by a space)."""
    lines, code, in_code, in_list, blank = md.split("\n"), set(), False, False, True
    for i, text in enumerate(lines):
        if not text.strip():
            blank = True
            continue
        if _INDENTED.match(text) and (in_code or blank) and not in_list:
            code.add(i)
            in_code = True
        elif not _INDENTED.match(text):
            in_code = False
            in_list = bool(_ANY_ITEM.match(text)) or (in_list and not blank)
        blank = False
    joined: dict[int, list[str]] = {}
    for offset, piece in code_free_lines(md):
        if offset not in code:
            joined.setdefault(offset, []).append(piece)
    return [(offset, " ".join(pieces)) for offset, pieces in joined.items()]


# -- lists right after a paragraph (GitHub's Markdown) ------------------------------------------

# CommonMark (GitHub) lets a bullet item, or an ordered item numbered 1, interrupt a paragraph;
# Python-Markdown (MkDocs) needs a blank line first and otherwise prints the '- ' lines as text.
_LIST_START = re.compile(r"^ {0,3}(?:[-*+]|1[.)])[ \t]+\S")
_ANY_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^(?: {4,}|\t| {0,3}(?:#|>|\||!!!|\?\?\?|```|~~~|\{:?|<|\[[^\]]*\]:))")


def _list_interrupts(lines: list[str]) -> list[int]:
    """Indexes of lines that start a list right after a paragraph line (no blank line between)."""
    found, block_start, block_has_item = [], 0, False
    for i, line in enumerate(lines):
        if not line.strip():
            block_start, block_has_item = i + 1, False
            continue
        is_item = bool(_ANY_ITEM.match(line))
        if i == block_start or not _LIST_START.match(line) or _BREAK.match(line):
            block_has_item = block_has_item or is_item
            continue
        if not (block_has_item or _NOT_PARAGRAPH.match(lines[block_start])
                or lines[i - 1].rstrip().endswith("|")):
            found.append(i)
        block_has_item = True
    return found


def _masked_lines(md: str) -> list[str]:
    """The body's lines with fenced code blanked and code spans replaced by 'x' (same line count)."""
    pieces = []
    for kind, _, text in _segments(md):
        if kind == "fence":
            pieces.append("\n" * text.count("\n"))
        elif kind:
            pieces.append(re.sub(r"[^\n]", "x", text))
        else:
            pieces.append(text)
    return "".join(pieces).split("\n")


def list_after_paragraph(md: str) -> list[int]:
    """Line offsets (within the body) of lists that start right after a paragraph line."""
    return _list_interrupts(_masked_lines(md))


def _separate_lists(md: str) -> str:
    lines = md.split("\n")
    for i in reversed(list_after_paragraph(md)):
        lines.insert(i, "")
    return "\n".join(lines)


# -- fences inside list items -------------------------------------------------------------------

# A fence indented by 4 or more spaces: inside a list item CommonMark (GitHub) reads a fenced block
# there; the site's renderer reads inline code (the language word shown, no block).
_INDENTED_FENCE = re.compile(r" {4,}(`{3,}|~{3,})(.*)")


def fences_in_lists(md: str) -> list[int]:
    """Line offsets (within the body) of the opening lines of fenced blocks written inside a list
    item (indented by 4 spaces or more after an item): GitHub shows a code block there, the site
    inline code. Lines of fenced blocks (fences()) are not looked at."""
    if "```" not in md and "~~~" not in md:
        return []
    lines = md.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    blocked = set()
    for block in fences(md):  # line numbers by bisection: counting newlines per block was quadratic
        first = bisect.bisect_right(starts, block.start) - 1
        blocked.update(range(first, bisect.bisect_right(starts, block.end)))
    found, in_list, closing = [], False, None
    for i, line in enumerate(lines):
        if i in blocked:
            in_list, closing = False, None
            continue
        if closing is not None:  # inside a nested block: up to its closing line
            if closing.fullmatch(line):
                closing = None
            continue
        if _ANY_ITEM.match(line):
            in_list = True
        elif line.strip() and not line.startswith((" ", "\t")):
            in_list = False
        m = _INDENTED_FENCE.fullmatch(line)
        if in_list and m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            found.append(i)
            closing = re.compile(r"\s*" + re.escape(m.group(1)[0]) + "{" + str(len(m.group(1))) + r",}[ \t]*")
    return found
