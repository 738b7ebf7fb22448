"""Read entry files: bytes → front matter (with line numbers) and body.

It checks only what stops a file from being read (encoding, front-matter fences, YAML);
field rules are tools.content.validate's job.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools.content.problems import WARNING, Problem
from tools.content.schema import MAX_FILE_BYTES

FENCE = re.compile(r"^(---|\.\.\.)\s*$")
NAME_RE = re.compile(r"^(?P<slug>[^.]+)\.(?P<lang>[a-z]{2})\.md$")


@dataclass
class RawEntry:
    """One entry file as read, before validation: front matter as parsed YAML (meta, a dict, empty
    when unreadable), the line of each field path, the body, and the problems found while reading
    (file name, size, encoding, YAML syntax). Shapes of the fields are in their comments."""

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
    cut_values: list = field(default_factory=list)  # (field path, line, dropped text): see _find_cut_values

    def line(self, key: str) -> int:
        """Line of a field path, falling back to its parent, then to the front matter start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rsplit("[", 1)[0] if key.endswith("]") else key.rpartition(".")[0]
        return 1


def entry_files(root: Path) -> list[Path]:
    """Entry files under practices/: <folder>/<name>.md, skipping helper files starting with _ or a capital."""
    # Sorted by (folder, name): the order of Path comparison for paths one level under root,
    # without pathlib's costly comparisons (tens of thousands of files at 10,000 entries).
    return sorted(
        (p for p in root.glob("*/*.md") if not p.name.startswith(("_", ".")) and not p.name[0].isupper()),
        key=lambda p: (p.parent.name, p.name),
    )


# A name a contributor meant as an entry: <name>.<two letters>.<a Markdown or text extension>.
ENTRY_LIKE_RE = re.compile(r"^[^._][^.]*\.[A-Za-z]{2}\.(?:md|markdown|mdown|txt|md\.txt)$", re.I)


def skipped_files(root: Path, base: Path | None = None, limit: int = 20) -> list[Problem]:
    """A warning for each file under `root` (practices/) named like an entry that entry_files does
    not read, so it is neither checked nor published without a word: outside a country folder
    (practices/x.fr.md, practices/ma/sub/x.fr.md), starting with a capital (MA-x.fr.md: helper files
    do), with another extension (x.fr.md.txt, as Windows hides it; x.fr.markdown). At most `limit`
    (the others counted in the last one); links are not followed, so the walk is bounded by the tree."""
    base = base or root.parent
    found = []
    top = os.fspath(root)
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # A file of a country folder is read by entry_files when named <name>.md without a leading
        # '_', '.' or capital: told by its name, without a second listing of every entry file or
        # a Path per file (#10: this ran on every build, 10,000 entries).
        in_country = os.path.dirname(folder) == top
        for name in sorted(names):
            if in_country and name.endswith(".md") and not name.startswith(("_", ".")) and not name[0].isupper():
                continue
            if not ENTRY_LIKE_RE.match(name):
                continue
            path = Path(folder) / name
            if path.parent.parent != root:
                hint = "move it into its country folder (or regional/), e.g. practices/ma/<slug>.<lang>.md"
            elif not name.lower().endswith(".md") or not name.endswith(".md"):
                hint = f"rename it to {name.split('.')[0].lower()}.{name.split('.')[1].lower()}.md (a plain Markdown file)"
            else:
                hint = f"rename it in lower case: {name.lower()} (names starting with a capital are helper files)"
            try:
                shown = str(path.relative_to(base))
            except ValueError:
                shown = str(path)
            found.append(Problem(shown, 1, "file name", "not read as an entry (neither checked nor published)",
                                 hint, "warning"))
    if len(found) > limit:
        found = found[: limit - 1] + [Problem(found[limit - 1].path, 1, "file name",
                                              f"and {len(found) - limit + 1} more files not read as entries",
                                              "entries are practices/<folder>/<slug>.<lang>.md, in lower case", "warning")]
    return found


def symlink_problem(path: Path, shown: str) -> Problem | None:
    """The problem of an entry file that is a symbolic link, or sits in a linked country folder;
    None for a plain file. Any link is refused, wherever it points, and its target is never read:
    git stores a link as a link (a checkout without link support gets a one-line text file), a
    link inside the repository would publish one entry twice, and one outside it would publish
    whatever file it names (/etc/passwd) from the contributor's or the build machine's disk."""
    linked = symlink_of(path)
    if linked is None:
        return None
    what = "file" if linked == path else f"folder '{linked.name}'"
    return Problem(shown, 1, "file", f"the entry {what} is a symbolic link; links are not followed",
                   "replace the link by the entry file itself (copy the file into practices/<country>/)")


def not_a_file_problem(path: Path, shown: str) -> Problem | None:
    """The problem of an entry path that is no regular file (a folder named like an entry, a named
    pipe, a device), which reading would fail on or wait on forever; None for a regular file."""
    if path.is_file():
        return None
    what = "a folder" if path.is_dir() else "not a regular file"
    return Problem(shown, 1, "file", f"'{path.name}' is {what}, not an entry file",
                   "entries are plain text files: move or rename it (only files named <slug>.<lang>.md are read)")


def symlink_of(path: Path) -> Path | None:
    """The symbolic link that `path` (practices/<folder>/<file>) is or sits in: the file itself or
    its folder; None when neither is a link. Reads no file."""
    return next((p for p in (path, path.parent) if p.is_symlink()), None)


def load_file(path: Path, shown: str | None = None) -> RawEntry:
    """Read one entry file; shown is the path printed in problems (default: path as given).

    Bad files give a RawEntry with problems, never an exception for their content: over
    MAX_FILE_BYTES (1 MB), a byte-order mark, invalid UTF-8, a name not <slug>.<lang>.md, broken
    or hostile YAML, a symbolic link (see symlink_problem: refused unread), a folder or pipe named
    like an entry (not_a_file_problem: refused unread). Raises OSError only
    when the file cannot be read at all.
    """
    shown = shown or str(path)
    entry = RawEntry(shown, path.parent.name, "", "", {}, {}, "", 1)
    m = NAME_RE.match(path.name)
    if m:
        entry.slug, entry.lang_suffix = m["slug"], m["lang"]
    else:
        entry.problems.append(Problem(shown, 1, "file name", f"'{path.name}' is not named <slug>.<lang>.md",
                                      "name it like 'ma-enquete-emploi.fr.md'"))
    linked = symlink_problem(path, shown) or not_a_file_problem(path, shown)
    if linked:
        entry.problems.append(linked)
        return entry
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
        entry.problems.append(_no_opening_fence(entry.path, text, lines))
        return
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        entry.problems.append(Problem(entry.path, 1, "front matter", "front matter is not closed",
                                      "add a line '---' after the last field"))
        return
    entry.body = "\n".join(lines[end + 1:])
    entry.body_line = end + 2
    if len(entry.body) > MAX_BODY_CHARS:
        # Checked no further than the limit, so every check of the body stays fast.
        entry.problems.append(Problem(entry.path, entry.body_line, "body",
                                      f"the text is {len(entry.body):,} characters, over the {MAX_BODY_CHARS:,} limit",
                                      "an entry is a summary of 150 to 600 words: link to long documents"))
        # Cut at a line's end: a half line was checked as a line ('## H1' cut to '#': a level-1 heading).
        cut = entry.body.rfind("\n", 0, MAX_BODY_CHARS + 1)
        entry.body = entry.body[:cut if cut > 0 else MAX_BODY_CHARS]
    _parse_yaml(entry, "\n".join(lines[1:end]))


# Limits on front matter: entries need a few dozen short fields, nothing nested deeper than a list
# of {title, url} pairs. Beyond them a file is refused before PyYAML builds anything big.
MAX_FRONT_MATTER_BYTES = 64_000
MAX_DEPTH = 8
MAX_BODY_CHARS = 100_000  # about 15,000 words; entries are advised 150 to 600
# YAML 1.1 reads yes/no/on/off/y/n as booleans: Norway's code NO became `false`. Entries follow
# YAML 1.2's core schema instead: only true/false are booleans, everything else stays text.
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_OPENERS = {"while parsing a flow sequence": "'['", "while parsing a flow mapping": "'{'",
            "while scanning a quoted scalar": "quote"}


class RefusedYAML(yaml.YAMLError):
    """A front matter the loader will not build: an anchor or alias, or nesting past MAX_DEPTH.
    `mark` is where it was found (a PyYAML Mark)."""

    def __init__(self, message: str, hint: str, mark):
        super().__init__(message)
        self.message, self.hint, self.mark = message, hint, mark


class _Loader(yaml.SafeLoader):
    """Safe loading, bounded and literal.

    - Dates and numbers stay as written, so the validator (not PyYAML) judges them:
      `updated: 2024-02-30` becomes a clear problem instead of a ValueError.
    - Only true/false are booleans (YAML 1.2): `countries: [MA, NO]` keeps Norway.
    - Anchors and aliases are refused outright (entries have no use for them, and nine levels of
      nine aliases expand to 387 million nodes), as is nesting deeper than MAX_DEPTH, before
      anything is built, so every file is parsed in time linear in its size.
    """

    yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
                               for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self.tag_problems: list[tuple[int, str, str, str]] = []  # (line, field, message, hint): see _untag

    def compose_node(self, parent, index):
        event = self.peek_event()
        _untag(self, event, parent, index)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RefusedYAML(f"anchors and aliases ('&' and '*') are not allowed "
                              f"(found '{'*' if isinstance(event, yaml.AliasEvent) else '&'}{event.anchor}')",
                              "write each value out in full", event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise RefusedYAML(f"values are nested more than {MAX_DEPTH} levels deep",
                              "fields are text, lists of text, or a list of {title, url}", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _untag(loader: _Loader, event, parent, index) -> None:
    """Record an explicit YAML tag ('!!python/object/apply:os.system', '!!str', '!x') on `event`
    as a problem of its field and drop it, so the value is read as if written without it and the
    rest of the file is still checked (instead of one generic "invalid YAML" stopping there)."""
    tag = getattr(event, "tag", None)
    if tag in (None, "!") or isinstance(event, yaml.AliasEvent):
        return
    shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
    key = str(index.value) if isinstance(parent, yaml.MappingNode) and isinstance(index, yaml.ScalarNode) else ""
    example = {"status": "status: draft", "countries": "countries: [MA]", "links": "links:\n  - title: ...\n    url: https://..."}
    instead = example.get(key, f"{key}: plain text" if key else "plain text, [a, b] lists or 'field: value' lines")
    loader.tag_problems.append((
        event.start_mark.line + 2, key or "front matter",
        f"YAML tags such as '{shown[:60]}' are not allowed (the front matter holds only text, lists and 'field: value' lines)",
        f"delete '{shown[:60]}' and write the value itself, e.g. {instead}; quote a value that starts with '!'"))
    event.tag = None
    if isinstance(event, yaml.ScalarEvent):
        event.implicit = (True, False) if event.style is None else (False, True)
    else:
        event.implicit = True


_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL_RE, list("tTfF"))
for _tag in ("timestamp", "int", "float"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", lambda loader, node: loader.construct_scalar(node))


_CLoader = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it


def _c_events(source: str) -> list | None:
    """The parse events of `source` from libyaml (about 5 times faster than PyYAML's scanner and
    parser, most of the check's time, #10), with plain scalars' style as PyYAML gives it (None, not
    ''); None when libyaml is not there or refuses the text: the pure-Python parser then runs
    alone and gives its own messages and marks."""
    if _CLoader is None:
        return None
    parser = _CLoader(source)
    try:
        events, depth = [], 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None  # refused by _Loader.compose_node, with its message
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return None  # refused too: stop here, so the text is read once, not built
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent) and event.style == "":
                event.style = None
            events.append(event)
        return events
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    finally:
        parser.dispose()


class _EventLoader(_Loader):
    """_Loader (same checks, resolvers and constructors; its reader still refuses control
    characters) composing the events libyaml parsed (_c_events) instead of parsing again."""

    def __init__(self, stream, events: list):
        super().__init__(stream)
        self._events, self._at = events, 0

    def check_event(self, *choices):
        if self._at >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._at], choices)

    def peek_event(self):
        return self._events[self._at] if self._at < len(self._events) else None

    def get_event(self):
        event = self.peek_event()
        self._at += 1
        return event


def _compose(loader: _Loader, events: list) -> yaml.Node | None:
    """The root node of libyaml's `events` (_c_events: no anchor or alias, collections nested at
    most MAX_DEPTH deep) as loader.get_single_node composes it (the same nodes, tags, styles and
    marks), in one loop over the events rather than PyYAML's several method calls per node (a
    tenth of a file's check, #10). None, the loader and events left untouched, for what only
    get_single_node handles, with its own problems: a tag written in the file (_untag), a value
    nested MAX_DEPTH deep (refused), more or fewer than one document."""
    if loader.yaml_path_resolvers or len(events) < 5 or type(events[1]) is not yaml.DocumentStartEvent:
        return None
    resolve = loader.resolve
    root, stack, keys = None, [], []  # the collections being composed; a mapping's key waiting for its value
    at = 2
    while at < len(events):
        event = events[at]
        at += 1
        kind = type(event)
        if kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            stack.pop().end_mark = event.end_mark
            keys.pop()
            if not stack:
                break
            continue
        if kind not in _NODE_EVENTS or event.tag not in (None, "!") or len(stack) >= MAX_DEPTH:
            return None
        if kind is yaml.ScalarEvent:
            node = yaml.ScalarNode(resolve(yaml.ScalarNode, event.value, event.implicit), event.value,
                                   event.start_mark, event.end_mark, style=event.style)
        else:
            cls = yaml.SequenceNode if kind is yaml.SequenceStartEvent else yaml.MappingNode
            node = cls(resolve(cls, None, event.implicit), [], event.start_mark, None, flow_style=event.flow_style)
        if not stack:
            root = node
        elif type(stack[-1]) is yaml.SequenceNode:
            stack[-1].value.append(node)
        elif keys[-1] is None:
            keys[-1] = node
        else:
            stack[-1].value.append((keys[-1], node))
            keys[-1] = None
        if kind is yaml.ScalarEvent:
            if not stack:
                break
        else:
            stack.append(node)
            keys.append(None)
    if root is None or stack or at != len(events) - 2 or type(events[at]) is not yaml.DocumentEndEvent:
        return None
    return root


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


_BY_PYYAML = object()  # _construct's answer for a node it leaves to PyYAML's constructor
# The tags _Loader builds as their text (its own constructors for int, float and timestamp).
_TEXT_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "timestamp"))
_BOOL_TAG, _NULL_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _construct(node: yaml.Node):
    """The value _Loader.construct_document builds from `node` (after _index_lines: each field
    name is text), for nodes of text, true/false, null, lists and mappings keyed by text, built
    directly (PyYAML's constructor makes a generator per list and mapping); _BY_PYYAML for any
    other node (a merge key, a '=' value, a list or mapping as a key), which PyYAML builds or refuses."""
    tag = node.tag
    if tag in _TEXT_TAGS and type(node) is yaml.ScalarNode:
        return node.value
    if tag == _SEQ_TAG and type(node) is yaml.SequenceNode:
        items = []
        for item in node.value:
            value = _construct(item)
            if value is _BY_PYYAML:
                return value
            items.append(value)
        return items
    if tag == _MAP_TAG and type(node) is yaml.MappingNode:
        mapping = {}
        for key, item in node.value:
            if key.tag != "tag:yaml.org,2002:str" or type(key) is not yaml.ScalarNode:
                return _BY_PYYAML
            value = _construct(item)
            if value is _BY_PYYAML:
                return value
            mapping[key.value] = value
        return mapping
    if tag == _BOOL_TAG and type(node) is yaml.ScalarNode:
        return {"true": True, "false": False}.get(node.value.lower(), _BY_PYYAML)
    if tag == _NULL_TAG and type(node) is yaml.ScalarNode:
        return None
    return _BY_PYYAML


def _parse_yaml(entry: RawEntry, source: str) -> None:
    if len(source.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        entry.problems.append(Problem(entry.path, 1, "front matter",
                                      f"front matter is over {MAX_FRONT_MATTER_BYTES:,} bytes",
                                      "keep fields short: long text belongs in the body"))
        return
    source = _flag_line_separators(entry, source)
    loader = None
    try:
        events = _c_events(source)
        # Either reader rejects control characters here, inside the try.
        loader = _Loader(source) if events is None else _EventLoader(source, events)
        node = _compose(loader, events) if events is not None else None
        node = node or loader.get_single_node()
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
        _find_cut_values(entry, node, "", source)
        entry.problems += [Problem(entry.path, line, key, message, hint) for line, key, message, hint in loader.tag_problems]
        meta = _construct(node)
        entry.meta = loader.construct_document(node) if meta is _BY_PYYAML else meta
    except RefusedYAML as exc:
        entry.problems.append(Problem(entry.path, exc.mark.line + 2, "front matter", exc.message, exc.hint))
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        entry.problems.append(_syntax_problem(entry.path, source, exc))
    finally:
        if loader is not None:
            loader.dispose()


# YAML reads these as line breaks, so a title pasted with one was misread ("could not find expected
# ':'") and every later problem was given a line too far; found by breaker9.
_LINE_SEPARATOR_RE = re.compile("[\u0085\u2028\u2029]")
_SEPARATOR_NAMES = {"\u0085": "next-line character U+0085", "\u2028": "line separator U+2028",
                    "\u2029": "paragraph separator U+2029"}


def _flag_line_separators(entry: RawEntry, source: str) -> str:
    """`source` with each U+0085, U+2028 and U+2029 replaced by a space, which is what the fields'
    text makes of any run of spaces, so that YAML's lines stay the file's lines; a warning for each
    line holding one (they come with text pasted from word processors and PDFs)."""
    if not _LINE_SEPARATOR_RE.search(source):
        return source
    for number, text in enumerate(source.split("\n"), start=2):
        found = _LINE_SEPARATOR_RE.search(text)
        if found:
            entry.problems.append(Problem(
                entry.path, number, "front matter",
                f"contains the invisible {_SEPARATOR_NAMES[found.group()]}, read as a space",
                "delete it or type a plain space (it comes with text pasted from a word processor or a PDF)",
                WARNING))
    return _LINE_SEPARATOR_RE.sub(" ", source)


def _no_opening_fence(path: str, text: str, lines: list[str]) -> Problem:
    """The problem of a file whose first line is not '---', saying why when it can be told: lines
    ended by a carriage return alone (the file is one line to every tool) or empty lines above '---'."""
    if "\r" in lines[0]:
        return Problem(path, 1, "file", "lines end with a carriage return alone (old Mac OS format)",
                       "save the file with Unix (LF) or Windows (CRLF) line endings")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].strip() == "---":
        return Problem(path, 1, "front matter", f"file does not start with '---' (it is on line {first + 1})",
                       f"delete the {first} empty line{'s' if first > 1 else ''} above it: '---' must be the very first line")
    return Problem(path, 1, "front matter", "file does not start with '---'",
                   "put the YAML front matter between two '---' lines at the top")


def _syntax_problem(path: str, source: str, exc: Exception) -> Problem:
    """Where a person would look: an unclosed '[', '{' or quote is reported where it opens
    (PyYAML's context mark), anything else where the parser stopped (its problem mark)."""
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
        # PyYAML's own words ("special characters are not allowed") named neither the character nor
        # the fix, and the usual hint about quotes and colons misled; found by breaker9.
        return Problem(path, _reader_line(source, exc), "front matter",
                       f"contains the invisible control character U+{exc.character:04X}, not allowed in YAML",
                       "delete it (it comes with text pasted from a PDF, a terminal or a word processor); "
                       "retype the value if you cannot see where it is")
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    problem_mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
    opener = _OPENERS.get(context or "")
    if opener and context_mark is not None and (problem_mark is None or problem_mark.line != context_mark.line):
        closer = {"'['": "']'", "'{'": "'}'"}.get(opener, "the same quote")
        where = f" (the parser noticed on line {problem_mark.line + 2})" if problem_mark else ""
        return Problem(path, context_mark.line + 2, "front matter",
                       f"invalid YAML: the {opener} opened on this line is not closed{where}",
                       f"close it with {closer} on this line")
    mark = problem_mark or context_mark
    line = mark.line + 2 if mark else _reader_line(source, exc)
    opened = _unclosed_quote_line(source, mark.line if mark else 0)
    if opened is not None:
        # A quote left open swallows the next lines until some later quote closes it, and the
        # parser only stumbles there: the line that opened it is where the fix is.
        return Problem(path, opened + 2, "front matter",
                       f"invalid YAML: the quote opened on this line is not closed on it (the parser stopped on "
                       f"line {line}: {problem})", "close it with the same quote on this line")
    source_lines = source.split("\n")
    # The front matter's line `line` of the file is line `line - 2` of source (after the '---').
    bad = source_lines[line - 2] if 0 <= line - 2 < len(source_lines) else ""
    if "\t" in bad[: len(bad) - len(bad.lstrip())]:
        return Problem(path, line, "front matter", f"invalid YAML: {problem}",
                       "indent with spaces, never tabs: replace the tab at the start of this line with spaces")
    return Problem(path, line, "front matter", f"invalid YAML: {problem}",
                   "check quotes, colons and indentation; quote values that contain ': '")


_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote_line(source: str, before: int) -> int | None:
    """Index (0-based) of the first line before line `before` whose value opens a quote that the
    line does not close, or None."""
    for number, line in enumerate(source.split("\n")[:before]):
        m = _QUOTED_START.match(line)
        if not m:
            continue
        quote, rest = m.group(1), m.group(2)
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", ""))
        if not closed:
            return number
    return None


_COMMENT_AFTER = re.compile(r"^[ \t]+#")


def _find_cut_values(entry: RawEntry, node: yaml.Node, prefix: str, source: str) -> None:
    """Plain (unquoted) values followed on their line by ' #': YAML drops the rest as a comment,
    so `title: Indicateur ODD #10.7.1` reads "Indicateur ODD". Recorded in entry.cut_values as
    (field path, line, the text dropped); tools.content.hazards decides what to say."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            _find_cut_values(entry, value_node, f"{prefix}.{key}" if prefix else key, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _find_cut_values(entry, item, f"{prefix}[{i}]", source)
    elif isinstance(node, yaml.ScalarNode) and node.style is None and node.value:
        end = node.end_mark.index
        newline = source.find("\n", end)
        rest = source[end:newline if newline >= 0 else len(source)]
        if _COMMENT_AFTER.match(rest):
            entry.cut_values.append((prefix, node.end_mark.line + 2, rest.strip()))


def _reader_line(source: str, exc: Exception) -> int:
    """Line of a character PyYAML's reader refused (it reports a position, not a mark)."""
    position = getattr(exc, "position", None)
    return source[:position].count("\n") + 2 if isinstance(position, int) else 1


def _index_lines(entry: RawEntry, node: yaml.Node, prefix: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if isinstance(key_node, yaml.ScalarNode):
                # A field name is the text written: 'null:' and 'true:' were built as None and True
                # and reported as 'None: unknown field' on line 1, '<<:' merged a mapping unseen.
                key_node.tag = "tag:yaml.org,2002:str"
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
