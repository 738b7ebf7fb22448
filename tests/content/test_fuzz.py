"""Property-based: whatever a file holds, check + page generation end with problems or pages.

Hypothesis writes entry files (random YAML values, wrong types, huge and deeply nested values,
mixed scripts, invalid UTF-8, control and invisible characters, random bodies); loading,
checking and generating the entry's page, citations and exports must never raise or hang.
"""

from __future__ import annotations

import signal

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import BODY, FIELDS
from tools.content.loader import load_file
from tools.content.problems import Problem
from tools.content.validate import check_entry
from tools.site import citation, exports, pages

# Letters from the scripts entries use, plus what breaks naive code: controls, bidi marks,
# zero-width characters, the Arabic comma, YAML and Markdown syntax, surrogates excluded by UTF-8.
ALPHABET = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("abcXYZ éèçœ ابتثجحخ، ؟ 0123456789 -_:#&*!|>'\"{}[]<>`\\\t\n\r")),
    st.sampled_from(["\u200b", "\u200f", "\u202e", "\ufeff", "\x00", "\x07", "\x1b", "\x85", "\u2028"]),
)
TEXT = st.text(ALPHABET, max_size=60)
SCALAR = st.one_of(TEXT, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
                   st.sampled_from(["NO", "yes", "on", "2024-02-30", "1e400", "~", "MA", "fr", "tool", "stocks"]),
                   st.text(ALPHABET, min_size=300, max_size=2000))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(TEXT, inner, max_size=4)), max_leaves=20)
NAMES = st.one_of(st.sampled_from(sorted(FIELDS) + ["tags", "institutions", "reviewed_by", "reviewed_on"]), TEXT)


def _dump(meta: dict) -> str:
    try:
        return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return "title: x\n"


# A file: the valid skeleton with fields replaced by random values (dumped as YAML), or raw random
# front-matter text, with a random or valid body; sometimes cut into invalid UTF-8.
VISIBLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
HOSTILE_TEXT = st.one_of(st.text(st.one_of(VISIBLE, ALPHABET), min_size=25, max_size=190),
                         st.sampled_from(['x" onload="alert(1)', "</script><script>alert(1)</script>",
                                          "javascript:alert(1) {: onclick=x }", "&lt;b&gt; & \u2028 \\ % $ { }"]))
# Valid-shaped entries whose free text is hostile: these reach page generation.
VALID_SHAPE = st.fixed_dictionaries({
    "title": HOSTILE_TEXT, "summary": HOSTILE_TEXT.map(lambda t: (t + " " * 20 + "résumé de la fiche ok")[:480]),
    "tags": st.lists(HOSTILE_TEXT, max_size=4), "institutions": st.lists(HOSTILE_TEXT, max_size=3),
    "links": st.lists(st.fixed_dictionaries({"title": HOSTILE_TEXT, "url": st.sampled_from(
        ["https://www.hcp.ma/", "https://x.org/a b(c)<d>", "http://[::1]/", "https://ex.org/?q=\"'"])}), max_size=2),
})
FRONT = st.one_of(
    VALID_SHAPE.map(lambda extra: "".join(f"{k}: {v}\n" for k, v in FIELDS.items() if k not in extra) + _dump(extra)),
    st.dictionaries(NAMES, VALUE, max_size=8).map(
        lambda extra: "".join(f"{k}: {v}\n" for k, v in FIELDS.items() if k not in extra) + _dump(extra)),
    st.text(ALPHABET, max_size=400),
    st.sampled_from(["a: " + "[" * 3000, "a: &x [*x]", "- a\n- b", "a: b: c", "\"unclosed\nb: 1"]),
)
BODIES = st.one_of(st.just(BODY), st.text(ALPHABET, max_size=800), st.sampled_from([
    "Para\n- a\n- b", 'Para\n{: onclick="x" }', "[x](javascript:alert(1))", "<script>x</script>",
    "```\nunclosed", "`" * 500, "](" * 2000, "[a]: javascript:x", "!!! note\n    - a"]))


def _timeout(*_):
    raise TimeoutError("one example took more than 10 s")


@settings(suppress_health_check=list(HealthCheck))  # examples and deadline: the profile in tests/conftest.py
@given(front=FRONT, body=BODIES, cut=st.one_of(st.none(), st.integers(0, 2000)), bad_byte=st.booleans())
def test_any_file_ends_in_problems_or_pages(tmp_path_factory, front, body, cut, bad_byte):
    folder = tmp_path_factory.mktemp("fuzz") / "ma"
    folder.mkdir()
    data = f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass")
    if cut is not None:
        data = data[:cut]
    if bad_byte:
        data += b"\xff\xfe tail"
    path = folder / "ma-fuzz.fr.md"
    path.write_bytes(data)
    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    try:
        entry, problems = check_entry(load_file(path, "practices/ma/ma-fuzz.fr.md"))
        assert all(isinstance(p, Problem) and p.line >= 1 for p in problems)
        if entry is not None:
            page = pages.entry_page(entry, [entry], [entry], "https://example.org/")
            assert page.startswith("---\n")
            for tag in entry.tags:
                assert len(pages.slug(tag).encode("utf-8")) <= pages.MAX_SLUG_BYTES
            citation.bibtex(entry, "")
            citation.ris(entry, "")
            exports.generate([entry], "https://example.org/")
            yaml.safe_load(page.split("---\n")[1])  # the page's own front matter stays valid YAML
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
