"""Every public function, class and method in tools/ has a docstring (the developers' standard:
shapes, units, errors raised). Read with ast, so nothing is imported or run.

A method that overrides a documented method of a base class in the same module (Kind.check in
the field kinds) takes its base's docstring and needs none of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

TOOLS = ROOT / "tools"


def _public(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_")


def undocumented(path: Path, root: Path = ROOT) -> list[str]:
    """'tools/x.py:name' or 'tools/x.py:Class.method' (path relative to root) for each public
    definition without a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown = path.relative_to(root).as_posix()
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}

    def documented_in_base(cls: ast.ClassDef, name: str) -> bool:
        for base in cls.bases:
            parent = classes.get(base.id) if isinstance(base, ast.Name) else None
            if parent is None:
                continue
            for m in parent.body:
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == name and ast.get_docstring(m):
                    return True
            if documented_in_base(parent, name):
                return True
        return False

    out = []
    for node in tree.body:
        if not _public(node):
            continue
        if not ast.get_docstring(node):
            out.append(f"{shown}:{node.name}")
        if isinstance(node, ast.ClassDef):
            for m in node.body:
                if (_public(m) and not isinstance(m, ast.ClassDef) and not ast.get_docstring(m)
                        and not documented_in_base(node, m.name)):
                    out.append(f"{shown}:{node.name}.{m.name}")
    return out


def test_every_public_function_and_class_in_tools_has_a_docstring():
    files = sorted(TOOLS.rglob("*.py"))
    assert len(files) > 30  # the walk reached the sub-packages
    missing = [name for path in files for name in undocumented(path)]
    assert missing == []


def test_the_check_finds_an_undocumented_function_and_method(tmp_path):
    source = ('"""Probe."""\n\ndef public():\n    return 1\n\n\ndef _private():\n    return 2\n\n\n'
              'class Base:\n    """Base."""\n\n    def run(self):\n        """Runs."""\n\n\n'
              'class Child(Base):\n    """Child."""\n\n    def run(self):\n        return 3\n\n'
              '    def extra(self):\n        return 4\n')
    probe = tmp_path / "tools" / "_doc_probe.py"
    probe.parent.mkdir()
    probe.write_text(source, encoding="utf-8")
    assert undocumented(probe, tmp_path) == ["tools/_doc_probe.py:public", "tools/_doc_probe.py:Child.extra"]
