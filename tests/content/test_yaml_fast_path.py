"""Front matter parsed by libyaml (loader._c_events) loads exactly as the pure-Python parser
loads it: same values, lines, cut values and problems; refused or broken YAML is left to the
pure-Python parser, whose messages stay."""

from __future__ import annotations

import pytest

from tools.content import loader

BODY = "\n## Contexte\n\nTexte.\n"
FRONTS = [
    'title: "Enquête « emploi » : l\'ENE"\nlang: fr\ncountries: [MA, NO]\nupdated: 2024-02-30\nperiod: 1999-2003\n',
    "title: 'الهجرة والعمل'\nlang: ar\nthemes:\n  - a\n  - بب\nlinks:\n  - title: x\n    url: https://e.org/a b\n",
    "title: >\n  un titre\n  plié\nsummary: |\n  ligne\n  ligne 2\nstatus: true\nflag: yes\nn: 012\n",
    "title: Un titre: coupé\nlang: fr\n",
    "title: plain # comment\ntags: [a, 'b', \"c\"]\n",
    "title: &a x\nsummary: *a\n",
    "title: [[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    "title: \"unclosed\nlang: fr\n",
    "title: x\n  bad: indent\n",
    "- a\n- b\n",
    "",
    "title: x\x07\n",
]


@pytest.mark.parametrize("front", FRONTS)
def test_libyaml_path_loads_as_the_python_parser(tmp_path, monkeypatch, front):
    path = tmp_path / "x.fr.md"
    path.write_text(f"---\n{front}---\n{BODY}", encoding="utf-8")
    fast = loader.load_file(path, "x.fr.md")
    monkeypatch.setattr(loader, "_c_events", lambda source: None)
    slow = loader.load_file(path, "x.fr.md")
    assert repr(fast) == repr(slow)
    assert fast == slow


def test_libyaml_events_are_used_for_valid_front_matter():
    events = loader._c_events(FRONTS[0])
    assert events is not None and len(events) > 10
    assert all(getattr(e, "style", None) != "" for e in events)
    assert loader._c_events(FRONTS[5]) is None  # anchors: left to the Python parser's refusal
    assert loader._c_events(FRONTS[6]) is None  # nesting past MAX_DEPTH


# Front matters that loader._compose or loader._construct leave to PyYAML (a tag, nesting at the
# limit, another document, a merge key, '=' or '<<' as a value, a list or mapping as a key), and
# ordinary ones they build themselves.
LEFT_TO_PYYAML = [
    "title: !!str x\nlang: fr\n",
    "title: ! x\ntags: !!seq [a]\n",
    "a: " + "[" * 6 + "x" + "]" * 6 + "\n",  # x at depth 7: built
    "a: " + "[" * 7 + "x" + "]" * 7 + "\n",  # x at depth 8 (MAX_DEPTH): refused
    "title: x\n--- y\n",
    "title: x\n...\n--- y\n",
    "title: =\n",
    "title: <<\n",
    "<<: {a: 1}\ntitle: x\n",
    "? [a, b]\n: x\ntitle: y\n",
    "[a]: b\n",
    "{a: b}: c\n",
    "title: x\ntitle: y\n",
    "a: {b: {c: [d, {e: f}]}}\n",
    "null: x\ntrue: y\n~: z\n",
    "a: [true, True, TRUE, false, yes, no, on, null, ~, '', 1, 0x1f, 1.5e3, .inf, 2024-01-01, 2001-12-14t21:59:43.10-05:00]\n",
    "x\n",
    "- a\n- b\n",
    "'quoted': \"double\"\nplain: a # comment\n",
    "title: |\n  bloc\n  de texte\nsummary: >-\n  plié\n  ici\n",
]


@pytest.mark.parametrize("front", FRONTS + LEFT_TO_PYYAML)
def test_the_direct_composer_and_constructor_build_what_pyyaml_builds(tmp_path, monkeypatch, front):
    """loader._compose and loader._construct (nodes and values built without PyYAML's composer and
    constructor, #10) give the same entry as PyYAML's own, for what they build and what they leave."""
    path = tmp_path / "x.fr.md"
    path.write_text(f"---\n{front}---\n{BODY}", encoding="utf-8")
    fast = loader.load_file(path, "x.fr.md")
    monkeypatch.setattr(loader, "_compose", lambda pyyaml_loader, events: None)
    monkeypatch.setattr(loader, "_construct", lambda node: loader._BY_PYYAML)
    slow = loader.load_file(path, "x.fr.md")
    assert repr(fast) == repr(slow)
    assert fast == slow


def test_the_direct_composer_builds_ordinary_front_matter_and_leaves_the_rest():
    def composed(front):
        events = loader._c_events(front)
        return None if events is None else loader._compose(loader._EventLoader(front, events), events)

    for front in (FRONTS[0], FRONTS[1], FRONTS[2], LEFT_TO_PYYAML[2], LEFT_TO_PYYAML[-1]):
        assert composed(front) is not None, front
    for front in LEFT_TO_PYYAML[:2] + LEFT_TO_PYYAML[3:6]:
        assert composed(front) is None, front
    node = composed("title: x\ntags: [a, b]\n")
    for key, _ in node.value:
        key.tag = "tag:yaml.org,2002:str"  # as _index_lines leaves field names
    assert loader._construct(node) == {"title": "x", "tags": ["a", "b"]}
    assert loader._construct(composed("a: =\n")) is loader._BY_PYYAML
