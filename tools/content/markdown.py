"""Safety of entry bodies (untrusted Markdown): raw HTML becomes text, and link targets are
allowed only when they are web addresses, e-mail addresses or anchors.

An allow-list, not a block-list: `java&#115;cript:` or `jav<TAB>ascript:` are not on it either.
Code (fenced blocks and inline code spans) is left exactly as written: Markdown escapes it.
"""

from __future__ import annotations

import html
import re

DISABLED = "#lien-desactive"
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.M)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(\S+)", re.M)
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]*>", re.I)
_TITLE = re.compile(r"^(.*?)(\s+(?:\"[^\"]*\"|'[^']*'))?\s*$", re.S)
_LINK_SCAN_LIMIT = 2000


def allowed(target: str) -> bool:
    """Whether a link target may reach a reader: http(s), mailto or an anchor on the page."""
    plain = re.sub(r"[\s\x00-\x1f\x7f]", "", html.unescape(target)).lower().strip("<>")
    return plain.startswith(("http://", "https://", "mailto:", "#"))


def _segments(md: str) -> list[tuple[bool, int, str]]:
    """(is_code, offset, text) pieces: fenced blocks and code spans are code."""
    out, pos = [], 0
    fences = list(_FENCE.finditer(md))
    i = 0
    while i < len(fences):
        start = fences[i]
        close = next((f for f in fences[i + 1:] if f.group(1) == start.group(1)), None)
        end = md.find("\n", close.end()) if close else len(md)
        end = len(md) if end < 0 else end
        out += _spans(md[pos:start.start()], pos)
        out.append((True, start.start(), md[start.start():end]))
        pos = end
        i = fences.index(close) + 1 if close else len(fences)
    out += _spans(md[pos:], pos)
    return out


def _spans(text: str, offset: int) -> list[tuple[bool, int, str]]:
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append((False, offset + pos, text[pos:m.start()]))
        out.append((True, offset + m.start(), m.group(0)))
        pos = m.end()
    out.append((False, offset + pos, text[pos:]))
    return out


def _inline_links(text: str):
    """(start, end) of the text between '](' and its closing ')', parentheses balanced."""
    for m in re.finditer(r"\]\(", text):
        depth, i = 1, m.end()
        limit = min(len(text), i + _LINK_SCAN_LIMIT)
        while i < limit and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            yield m.end(), i - 1


def _target(inside: str) -> str:
    return _TITLE.match(inside).group(1).strip()


def unsafe_links(md: str) -> list[tuple[int, str]]:
    """(line offset within the body, target) of every link a reader must not be sent to."""
    found = []
    for is_code, offset, text in _segments(md):
        if is_code:
            continue
        for start, end in _inline_links(text):
            if not allowed(_target(text[start:end])):
                found.append((md[: offset + start].count("\n"), _target(text[start:end])))
        for m in _REF_DEF.finditer(text):
            if not allowed(m.group(2)):
                found.append((md[: offset + m.start(2)].count("\n"), m.group(2)))
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
    """The body with raw HTML shown as text and disallowed link targets replaced; code untouched."""
    return "".join(text if is_code else _escape_html(_disable_links(text)) for is_code, _, text in _segments(md))
