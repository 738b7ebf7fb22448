"""The allow-list every page made from entry content passes through after Markdown (nh3, the
Python binding of the Rust sanitiser ammonia).

Only the tags and attributes that Markdown, our extensions (admonition, attr_list limited to id and
class, md_in_html, tables, toc) and the page generator produce are kept; event-handler attributes,
`style` (except `text-align` on table cells, which the tables extension writes), scripts,
frames and every URL scheme but http, https and mailto are removed. Relative links and anchors stay.
"""

from __future__ import annotations

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
    # The generator's own markup around entry values: reader pages (letter indexes, isolates for
    # mixed-direction text), the harmonisation page's filter form and its timeline drawn as SVG.
    "aside", "bdi", "nav", "figure", "figcaption",
    "form", "input", "select", "option", "label", "button", "output", "datalist",
    "svg", "g", "circle", "line", "rect", "text", "title", "desc",
})
ATTRIBUTES = {
    "*": {"id", "class", "dir", "lang", "title", "role", "tabindex", "hidden", "aria-label", "aria-labelledby",
          "aria-describedby", "aria-live", "aria-hidden", "aria-controls", "aria-expanded"},
    "a": {"href"},
    "th": {"style", "align", "colspan", "rowspan", "scope"},
    # No action or method: a form on these pages filters the page itself, it never sends anything.
    "input": {"type", "name", "placeholder", "autocomplete", "list", "value"},
    "option": {"value", "selected"},
    "label": {"for"},
    "button": {"type"},
    "svg": {"viewBox", "width", "height", "xmlns", "preserveAspectRatio", "direction"},
    "circle": {"cx", "cy", "r"},
    "line": {"x1", "x2", "y1", "y2"},
    "rect": {"x", "y", "width", "height"},
    "text": {"x", "y", "text-anchor"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"style", "align"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# What is dropped together with its content, not just unwrapped.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript"})


def clean(html: str) -> str:
    """`html` (a fragment) with everything outside the allow-list removed. Never raises on any str."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     filter_style_properties={"text-align"}, link_rel=None, strip_comments=True,
                     generic_attribute_prefixes={"data-"})
