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
