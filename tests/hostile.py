"""A corpus of hostile entries: each one tries one way to put something executable on a page, to
hang the checker or to be misread. Every payload carries the marker 'pwn' so a scan of the built
site can tell it from the site's own scripts.

CASES: name -> (file text, expected problems as (line prefix, field, severity)); the line is the
first line of the file starting with the prefix.
"""

from __future__ import annotations

from tests.conftest import BODY, entry_text


def _body(extra: str) -> str:
    return BODY + "\n" + extra + "\n"


def _laughs() -> str:
    lines = ['a: &a ["pwn", "pwn", "pwn", "pwn", "pwn", "pwn", "pwn", "pwn", "pwn"]']
    lines += [f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 9)]
    return "---\n" + "\n".join(lines) + "\n---\n" + BODY


CASES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "attr-onclick": (entry_text(body=_body("Un paragraphe.\n{: onclick=\"alert('pwn')\" }")),
                     [("{: onclick", "body", "error")]),
    "attr-style-heading": (entry_text(body=_body("## Piège { style=\"background:url(javascript:pwn)\" onmouseover=pwn }")),
                           [("## Piège", "body", "error")]),
    "raw-html": (entry_text(body=_body("<img src=x onerror=\"alert('pwn')\"> <script>pwn()</script>")),
                 [("<img src=x", "body", "warning")]),
    "javascript-link": (entry_text(body=_body("[clic](javascript:alert('pwn'))")), [("[clic]", "body", "error")]),
    "entity-link": (entry_text(body=_body("[clic](java&#115;cript:alert('pwn'))")), [("[clic]", "body", "error")]),
    "data-image": (entry_text(body=_body("![x](data:text/html;base64,cHdu)")), [("![x]", "body", "error")]),
    "vbscript-reference": (entry_text(body=_body("Voir [ici][a].\n\n[a]: vbscript:pwn")), [("[a]: vbscript", "body", "error")]),
    "link-title": (entry_text(body=_body('[HCP](https://www.hcp.ma/ "javascript:pwn")')),
                   [("[HCP]", "body", "warning")]),
    "autolink-script": (entry_text(body=_body("<javascript:alert('pwn')>")), [("<javascript", "body", "warning")]),
    "summary-script": (entry_text(summary="\"Résumé </script><script>alert('pwn')</script> de la fiche\""),
                       [("summary:", "summary", "error")]),
    "link-url-script": (entry_text(links="\n  - title: Piège\n    url: javascript:alert('pwn')"),
                        [("    url:", "links[0].url", "error")]),
    "institution-script": (entry_text(institutions="[\"javascript:pwn()\"]"),
                           [("institutions:", "institutions[0]", "warning")]),
    "billion-laughs": (_laughs(), [("a: &a", "front matter", "error")]),
    "deep-nesting": (entry_text(tags="[" * 20000), [("tags:", "front matter", "error")]),
    "norway-no": (entry_text(countries="[MA, NO]"), []),
    "cut-title": (entry_text(title="Indicateur ODD #10.7.1"), [("title:", "title", "warning")]),
    "arabic-comma-tags": (entry_text(tags="[هجرة، عمل]"), [("tags:", "tags[0]", "warning")]),
    "list-after-paragraph": (entry_text(body=_body("Les sources :\n- enquête\n- recensement")),
                             [("- enquête", "body", "warning")]),
    "unclosed-quote": (entry_text(title="\"Enquête nationale"), [("title:", "front matter", "error")]),
    "unclosed-bracket": (entry_text(countries="[MA, TN"), [("countries:", "front matter", "error")]),
}

# Values that pass the check (quotes, ampersands, brackets are text) but must be escaped in every
# context they reach: HTML text and attributes, <title>, <meta>, JSON-LD, the feed, BibTeX and RIS.
HOSTILE_TEXT = [
    'Titre" onmouseover="pwn()" x="',
    "Titre'><svg onload=pwn()>",
    "</script><script>pwn()</script>",
    "{: onclick=pwn }",
    "[lien](javascript:pwn())",
    "& &amp; &lt;script&gt;pwn&lt;/script&gt;",
    "\u2028\u2029 }; pwn(); {",
]
