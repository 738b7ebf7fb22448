"""Read entry files: bytes → front matter (with line numbers) and body.

It checks only what stops a file from being read (encoding, front-matter fences, YAML);
field rules are tools.content.validate's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools.content.problems import Problem
from tools.content.schema import MAX_FILE_BYTES

FENCE = re.compile(r"^(---|\.\.\.)\s*$")
NAME_RE = re.compile(r"^(?P<slug>[^.]+)\.(?P<lang>[a-z]{2})\.md$")


@dataclass
class RawEntry:
    path: str  # as shown to the contributor, relative to the repository
    folder: str
    slug: str
    lang_suffix: str
    meta: dict
    lines: dict  # field path ("countries[1]", "links[0].url") -> line number
    body: str
    body_line: int
    problems: list = field(default_factory=list)
    text: str = ""  # the whole decoded file, for checks that read lines (placeholders)

    def line(self, key: str) -> int:
        """Line of a field path, falling back to its parent, then to the front matter start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rsplit("[", 1)[0] if key.endswith("]") else key.rpartition(".")[0]
        return 1


def entry_files(root: Path) -> list[Path]:
    """Entry files under practices/: <folder>/<name>.md, skipping helper files starting with _ or a capital."""
    return sorted(
        p for p in root.glob("*/*.md") if not p.name.startswith(("_", ".")) and not p.name[0].isupper()
    )


def load_file(path: Path, shown: str | None = None) -> RawEntry:
    shown = shown or str(path)
    entry = RawEntry(shown, path.parent.name, "", "", {}, {}, "", 1)
    m = NAME_RE.match(path.name)
    if m:
        entry.slug, entry.lang_suffix = m["slug"], m["lang"]
    else:
        entry.problems.append(Problem(shown, 1, "file name", f"'{path.name}' is not named <slug>.<lang>.md",
                                      "name it like 'ma-enquete-emploi.fr.md'"))
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        entry.problems.append(Problem(shown, 1, "file", f"file is {len(raw):,} bytes, over the 1 MB limit",
                                      "move large material to a linked document"))
        return entry
    if raw.startswith(b"\xef\xbb\xbf"):
        entry.problems.append(Problem(shown, 1, "file", "file starts with a byte-order mark (BOM)",
                                      "save it as UTF-8 without BOM"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        entry.problems.append(Problem(shown, line, "file", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                      "save the file with UTF-8 encoding"))
        return entry
    entry.text = text.replace("\r\n", "\n")
    _split(entry, entry.text)
    return entry


def _split(entry: RawEntry, text: str) -> None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        entry.problems.append(Problem(entry.path, 1, "front matter", "file does not start with '---'",
                                      "put the YAML front matter between two '---' lines at the top"))
        return
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        entry.problems.append(Problem(entry.path, 1, "front matter", "front matter is not closed",
                                      "add a line '---' after the last field"))
        return
    entry.body = "\n".join(lines[end + 1:])
    entry.body_line = end + 2
    _parse_yaml(entry, "\n".join(lines[1:end]))


class _Loader(yaml.SafeLoader):
    """Safe loading that keeps dates and numbers as written, so the validator (not PyYAML)
    judges them: `updated: 2024-02-30` becomes a clear problem instead of a ValueError."""


for _tag in ("timestamp", "int", "float"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", lambda loader, node: loader.construct_scalar(node))


def _parse_yaml(entry: RawEntry, source: str) -> None:
    loader = None
    try:
        loader = _Loader(source)  # its reader rejects control characters here, inside the try
        node = loader.get_single_node()
        if node is None:
            entry.problems.append(Problem(entry.path, 1, "front matter", "front matter is empty",
                                          "add the required fields"))
            return
        if not isinstance(node, yaml.MappingNode):
            entry.problems.append(Problem(entry.path, node.start_mark.line + 2, "front matter",
                                          "front matter is not a set of 'field: value' lines",
                                          "write one 'field: value' per line"))
            return
        _index_lines(entry, node, "")
        entry.meta = loader.construct_document(node)
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark else _reader_line(source, exc)
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
        entry.problems.append(Problem(entry.path, line, "front matter", f"invalid YAML: {problem}",
                                      "check quotes, colons and indentation; quote values that contain ': '"))
    finally:
        if loader is not None:
            loader.dispose()


def _reader_line(source: str, exc: Exception) -> int:
    """Line of a character PyYAML's reader refused (it reports a position, not a mark)."""
    position = getattr(exc, "position", None)
    return source[:position].count("\n") + 2 if isinstance(position, int) else 1


def _index_lines(entry: RawEntry, node: yaml.Node, prefix: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{prefix}.{key}" if prefix else key
            if path in seen:
                entry.problems.append(Problem(entry.path, key_node.start_mark.line + 2, path,
                                              "field is given twice", "keep one of the two lines"))
            seen.add(path)
            entry.lines[path] = key_node.start_mark.line + 2
            _index_lines(entry, value_node, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}[{i}]"
            entry.lines[path] = item.start_mark.line + 2
            _index_lines(entry, item, path)
