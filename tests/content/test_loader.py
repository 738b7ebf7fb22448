"""What stops a file from being read: size, encoding, front-matter fences, YAML syntax.

Each test starts from a valid entry, breaks one thing and checks the exact problem
(path, line, field, message, hint, severity) returned by tools.content.validate.load_collection.
"""

from __future__ import annotations

from tests.conftest import entry_text, line_of, load
from tools.content.problems import Problem

NAME = "ma/ma-x.fr.md"
PATH = "practices/ma/ma-x.fr.md"
YAML_HINT = "check quotes, colons and indentation; quote values that contain ': '"


def test_file_without_front_matter(tmp_path):
    entries, problems, files = load(tmp_path, {NAME: "# Enquête\n\nDu texte sans front matter.\n"})
    assert problems == [Problem(PATH, 1, "front matter", "file does not start with '---'",
                                "put the YAML front matter between two '---' lines at the top")]
    assert entries == [] and files == 1


def test_empty_lines_before_the_front_matter_are_named(tmp_path):
    _, problems, _ = load(tmp_path, {NAME: "\n  \n" + entry_text()})
    assert problems == [Problem(PATH, 1, "front matter", "file does not start with '---' (it is on line 3)",
                                "delete the 2 empty lines above it: '---' must be the very first line")]


def test_old_mac_line_endings_are_named(tmp_path):
    # Carriage returns alone (no line feed): the whole file is one line to every tool.
    _, problems, _ = load(tmp_path, {NAME: entry_text().replace("\n", "\r")})
    assert problems == [Problem(PATH, 1, "file", "lines end with a carriage return alone (old Mac OS format)",
                                "save the file with Unix (LF) or Windows (CRLF) line endings")]


def test_empty_file_has_no_front_matter(tmp_path):
    _, problems, _ = load(tmp_path, {NAME: ""})
    assert [(p.line, p.field, p.message) for p in problems] == [
        (1, "front matter", "file does not start with '---'")]


def test_unclosed_front_matter(tmp_path):
    text = "---\ntitle: Enquête nationale\ntype: tool\n\n## Contexte\n\nDu texte.\n"
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, 1, "front matter", "front matter is not closed",
                                "add a line '---' after the last field")]
    assert entries == []


def test_empty_front_matter(tmp_path):
    _, problems, _ = load(tmp_path, {NAME: "---\n---\n\n## Contexte\n\nDu texte.\n"})
    assert problems == [Problem(PATH, 1, "front matter", "front matter is empty", "add the required fields")]


def test_front_matter_that_is_a_list(tmp_path):
    _, problems, _ = load(tmp_path, {NAME: "---\n- title\n- type\n---\n\nDu texte.\n"})
    assert problems == [Problem(PATH, 2, "front matter", "front matter is not a set of 'field: value' lines",
                                "write one 'field: value' per line")]


def test_invalid_yaml_reports_the_line_of_the_error(tmp_path):
    text = entry_text(title="Enquête: emploi: 2020")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "title:"), "front matter",
                                "invalid YAML: mapping values are not allowed here", YAML_HINT)]
    assert entries == []


def test_invalid_yaml_further_down_counts_lines_from_the_top_of_the_file(tmp_path):
    text = entry_text(period="2018: 2021: 2022")
    _, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "period:"), "front matter",
                                "invalid YAML: mapping values are not allowed here", YAML_HINT)]
    assert line_of(text, "period:") == 9


def test_tab_indentation_is_invalid_yaml(tmp_path):
    text = entry_text(links="\n\t- title: Site du HCP")
    _, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "\t- title"), "front matter",
                                "invalid YAML: found character '\\t' that cannot start any token", TAB_HINT)]


TAB_HINT = "indent with spaces, never tabs: replace the tab at the start of this line with spaces"


def test_tab_after_spaces_in_an_indentation_gets_the_tab_hint(tmp_path):
    # Editors that mix spaces and tabs: the tab is not the first character of the line.
    text = entry_text(links="\n  - title: Site du HCP\n  \turl: https://www.hcp.ma/")
    _, problems, _ = load(tmp_path, {NAME: text})
    assert [(p.line, p.hint) for p in problems] == [(line_of(text, "  \turl:"), TAB_HINT)]


def test_unsafe_yaml_tag_is_refused_on_its_field_with_what_to_write_instead(tmp_path):
    text = entry_text(title="!!python/object/apply:os.system [echo]", status="!!python/name:os.system draft")
    entries, problems, _ = load(tmp_path, {NAME: text})
    tag_problems = [p for p in problems if "YAML tags" in p.message]
    assert [(p.line, p.field, p.severity) for p in tag_problems] == [
        (line_of(text, "title:"), "title", "error"), (line_of(text, "status:"), "status", "error")]
    assert tag_problems[0].message.startswith("YAML tags such as '!!python/object/apply:os.system' are not allowed")
    assert tag_problems[0].hint.startswith("delete '!!python/object/apply:os.system' and write the value itself")
    assert "status: draft" in tag_problems[1].hint
    # The tag is dropped, not obeyed: the rest of the file is still checked (title is now a list).
    assert [(p.field, p.message) for p in problems if p not in tag_problems] == [
        ("title", "must be text, got a list")]
    assert entries == []


def test_any_yaml_tag_is_refused_even_a_harmless_one(tmp_path):
    text = entry_text(period="!!str 2018", summary="!important " + "x" * 30)
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "summary:"), "summary"),
                                                     (line_of(text, "period:"), "period")]
    assert "quote a value that starts with '!'" in problems[0].hint
    assert entries == []


def test_control_character_in_front_matter_is_a_problem_not_a_crash(tmp_path):
    text = entry_text(title="Enquête\x07nationale")
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert [(p.path, p.field, p.severity) for p in problems] == [(PATH, "front matter", "error")]
    assert problems[0].message == "contains the invisible control character U+0007, not allowed in YAML"
    assert entries == []


def test_non_utf8_byte_in_front_matter(tmp_path):
    text = entry_text()
    raw = text.encode("utf-8").replace("Enquête nationale".encode(), "Enquête nationale".encode("latin-1"))
    entries, problems, _ = load(tmp_path, {NAME: raw})
    assert problems == [Problem(PATH, line_of(text, "title:"), "file", "byte 0xea is not valid UTF-8",
                                "save the file with UTF-8 encoding")]
    assert entries == []


def test_non_utf8_byte_in_body_gives_the_line_of_the_byte(tmp_path):
    text = entry_text()
    raw = text.encode("utf-8").replace("## Méthode".encode(), "## Méthode".encode("latin-1"))
    _, problems, _ = load(tmp_path, {NAME: raw})
    assert problems == [Problem(PATH, line_of(text, "## Méthode"), "file", "byte 0xe9 is not valid UTF-8",
                                "save the file with UTF-8 encoding")]


def test_byte_order_mark(tmp_path):
    entries, problems, _ = load(tmp_path, {NAME: b"\xef\xbb\xbf" + entry_text().encode("utf-8")})
    assert problems == [Problem(PATH, 1, "file", "file starts with a byte-order mark (BOM)",
                                "save it as UTF-8 without BOM")]
    assert entries == []


def test_byte_order_mark_does_not_shift_other_line_numbers(tmp_path):
    text = entry_text(countries="[MAR]")
    _, problems, _ = load(tmp_path, {NAME: b"\xef\xbb\xbf" + text.encode("utf-8")})
    assert [(p.line, p.field) for p in problems] == [(1, "file"), (line_of(text, "countries:"), "countries[0]")]


def test_windows_line_endings_keep_line_numbers(tmp_path):
    text = entry_text(countries="[MAR]")
    _, problems, _ = load(tmp_path, {NAME: text.replace("\n", "\r\n")})
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "countries:"), "countries[0]")]


def test_file_over_one_megabyte(tmp_path):
    raw = entry_text(body="\n" + "x" * 1_000_000 + "\n").encode("utf-8")
    entries, problems, _ = load(tmp_path, {NAME: raw})
    assert problems == [Problem(PATH, 1, "file", f"file is {len(raw):,} bytes, over the 1 MB limit",
                                "move large material to a linked document")]
    assert entries == []


def test_file_of_exactly_one_megabyte_is_read(tmp_path):
    text = entry_text()
    raw = text.encode("utf-8")
    raw += b"x" * (1_000_000 - len(raw))
    assert len(raw) == 1_000_000
    entries, problems, _ = load(tmp_path, {NAME: raw})
    # Read (no file-size problem), but its text is over the body limit that keeps checks fast.
    body = raw.decode("utf-8").split("\n---\n", 1)[1]
    assert [(p.field, p.message) for p in problems] == [
        ("body", f"the text is {len(body):,} characters, over the 100,000 limit")]
    assert entries == []


def test_duplicate_yaml_key(tmp_path):
    text = entry_text(tags="[emploi]").replace("tags: [emploi]\n", "tags: [emploi]\ntype: tool\n")
    entries, problems, _ = load(tmp_path, {NAME: text})
    second = line_of(text, "tags:") + 1
    assert problems == [Problem(PATH, second, "type", "field is given twice", "keep one of the two lines")]
    assert entries == []


def test_duplicate_key_inside_a_link(tmp_path):
    text = entry_text(links="\n  - title: Site du HCP\n    url: https://www.hcp.ma/\n    title: Autre")
    _, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [Problem(PATH, line_of(text, "    title: Autre"), "links[0].title",
                                "field is given twice", "keep one of the two lines")]


def test_file_name_without_language_suffix(tmp_path):
    _, problems, _ = load(tmp_path, {"ma/ma-x.md": entry_text()})
    assert problems == [Problem("practices/ma/ma-x.md", 1, "file name", "'ma-x.md' is not named <slug>.<lang>.md",
                                "name it like 'ma-enquete-emploi.fr.md'")]


def test_helper_files_are_not_entries(tmp_path):
    entries, problems, files = load(tmp_path, {NAME: entry_text(), "ma/_draft.fr.md": "not an entry",
                                               "ma/README.md": "not an entry", "NOTES.md": "not an entry"})
    assert problems == [] and files == 1 and [e.path for e in entries] == [PATH]


def test_closing_fence_may_be_three_dots(tmp_path):
    text = entry_text().replace("\n---\n", "\n...\n", 1)
    entries, problems, _ = load(tmp_path, {NAME: text})
    assert problems == [] and entries[0].body.startswith("## Contexte")


# -- symbolic links: refused unread, wherever they point ---------------------------------------


def _linked_corpus(tmp_path, target, folder_link=False):
    """A corpus with one good entry and, under practices/, a link to `target` (file or folder)."""
    from tests.conftest import make_corpus

    practices = make_corpus(tmp_path, {"ma/ma-good.fr.md": entry_text()})
    link = practices / ("dz" if folder_link else "ma/ma-x.fr.md")
    link.symlink_to(target)
    return practices


def _link_problems(problems):
    return [p for p in problems if "symbolic link" in p.message]


def test_a_linked_entry_outside_the_repository_is_refused_unread(tmp_path, monkeypatch):
    from pathlib import Path

    from tools.content.cached import load_collection as load_cached
    from tools.content.validate import load_collection

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.fr.md").write_text(entry_text(), encoding="utf-8")
    practices = _linked_corpus(tmp_path, outside / "x.fr.md")
    read = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real_read(self))
    for loader in (load_collection, lambda root, base, vocabs: load_cached(root, base, vocabs=vocabs, workers=1)):
        read.clear()
        entries, problems, _ = loader(practices, tmp_path, vocabs=None)
        assert len(entries) == 1  # the good entry only
        [problem] = _link_problems(problems)
        assert (problem.path, problem.line, problem.field) == (PATH, 1, "file")
        assert problem.hint
        assert "ma-x.fr.md" not in read and "x.fr.md" not in read  # neither the link nor its target is read


def test_links_to_system_files_inside_the_repository_and_broken_ones_are_all_refused(tmp_path):
    from tools.content.validate import load_collection

    for target in ("/etc/passwd", "ma-good.fr.md", "/nonexistent/x.fr.md"):
        base = tmp_path / target.replace("/", "_")
        base.mkdir()
        practices = _linked_corpus(base, target)
        entries, problems, _ = load_collection(practices, base)
        assert len(entries) == 1  # the good entry only
        assert len(_link_problems(problems)) == 1
        assert not any("root:" in p.message for p in problems)


def test_a_linked_country_folder_is_refused(tmp_path):
    from tools.content.validate import load_collection

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "dz-x.fr.md").write_text(entry_text().replace("ma-", "dz-"), encoding="utf-8")
    (tmp_path / "repo").mkdir()
    practices = _linked_corpus(tmp_path / "repo", outside, folder_link=True)
    entries, problems, _ = load_collection(practices, tmp_path / "repo")
    assert len(entries) == 1  # the good entry only
    [problem] = _link_problems(problems)
    assert problem.path == "practices/dz/dz-x.fr.md" and "folder 'dz'" in problem.message


# -- paths named like entries that are no files ----------------------------------------------------


def test_a_folder_or_a_pipe_named_like_an_entry_is_a_problem_not_a_crash_or_a_hang(tmp_path):
    """A folder 'ma-x.fr.md' made IsADirectoryError escape as a traceback; a named pipe would have
    made the check wait forever on its read. Both loaders refuse them unread, with the good entry kept."""
    import os
    import signal

    from tests.conftest import make_corpus
    from tools.content.cached import load_collection as load_cached
    from tools.content.validate import load_collection

    practices = make_corpus(tmp_path, {"ma/ma-good.fr.md": entry_text()})
    (practices / "ma" / "ma-x.fr.md").mkdir()
    os.mkfifo(practices / "ma" / "ma-y.fr.md")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("the check waited on the pipe")))
    signal.alarm(60)
    try:
        for loader in (load_collection, lambda root, base, vocabs: load_cached(root, base, vocabs=vocabs, workers=1)):
            entries, problems, _ = loader(practices, tmp_path, vocabs=None)
            assert [e.id for e in entries] == ["ma-good"]
            assert [(p.path, p.line, p.field, p.message) for p in problems if p.field == "file"] == [
                ("practices/ma/ma-x.fr.md", 1, "file", "'ma-x.fr.md' is a folder, not an entry file"),
                ("practices/ma/ma-y.fr.md", 1, "file", "'ma-y.fr.md' is not a regular file, not an entry file")]
            assert all(p.hint for p in problems)
    finally:
        signal.alarm(0)


def test_files_named_like_entries_but_not_read_are_named_in_a_warning(tmp_path):
    """Put outside a country folder, starting with a capital, or saved as .md.txt (Windows hides
    the extension) or .markdown: such a file was silently neither checked nor published."""
    from tests.conftest import make_corpus
    from tools.content.cached import load_collection as load_cached
    from tools.content.validate import load_collection

    text = entry_text()
    practices = make_corpus(tmp_path, {"ma/ma-good.fr.md": text, "ma-root.fr.md": text, "ma/sub/ma-deep.fr.md": text,
                                       "ma/MA-Upper.fr.md": text, "ma/ma-win.fr.md.txt": text, "ma/ma-mk.en.markdown": text,
                                       "ma/README.md": "# Notes", "ma/_modele.fr.md": text, "ma/notes.txt": "x"})
    for loader in (load_collection, lambda root, base, vocabs: load_cached(root, base, vocabs=vocabs, workers=1)):
        entries, problems, files = loader(practices, tmp_path, vocabs=None)
        assert [e.id for e in entries] == ["ma-good"] and files == 1
        skipped = [p for p in problems if p.field == "file name"]
        assert all(p.severity == "warning" and p.message.startswith("not read as an entry") for p in skipped)
        assert sorted((p.path, p.hint.split(":")[0].split(" (")[0]) for p in skipped) == [
            ("practices/ma-root.fr.md", "move it into its country folder"),
            ("practices/ma/MA-Upper.fr.md", "rename it in lower case"),
            ("practices/ma/ma-mk.en.markdown", "rename it to ma-mk.en.md"),
            ("practices/ma/ma-win.fr.md.txt", "rename it to ma-win.fr.md"),
            ("practices/ma/sub/ma-deep.fr.md", "move it into its country folder")]


def test_skipped_files_warns_exactly_the_entry_like_files_entry_files_leaves_out(tmp_path):
    """skipped_files tells a read file by its name and folder (no second listing of the entry
    files): the same files as entry_files' own listing decides, in every kind of place."""
    import os

    from tests.conftest import make_corpus
    from tools.content.loader import ENTRY_LIKE_RE, entry_files, skipped_files

    text = entry_text()
    names = ["ma/ma-a.fr.md", "ma/ma-b.FR.md", "ma/MA-c.fr.md", "ma/_d.fr.md", "ma/ma-e.fr.markdown", "ma/ma-f.fr.MD",
             "ma-root.fr.md", "ma/sub/ma-deep.fr.md", "ma/sub/deeper/ma-x.en.md", "regional/reg-a.ar.md",
             "tn/tn-a.fr.md.txt", ".hidden/ma-h.fr.md", "ma/.ma-dot.fr.md", "tn/notes.md"]
    practices = make_corpus(tmp_path, dict.fromkeys(names, text))
    os.symlink(practices / "tn", practices / "linked")
    read = {str(p) for p in entry_files(practices)}
    expected = set()
    for folder, dirs, files in os.walk(practices):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        expected |= {os.path.relpath(os.path.join(folder, n), tmp_path) for n in files
                     if ENTRY_LIKE_RE.match(n) and os.path.join(folder, n) not in read}
    warned = {p.path for p in skipped_files(practices, tmp_path)}
    assert warned == expected
    assert {"practices/ma/MA-c.fr.md", "practices/ma-root.fr.md", "practices/ma/sub/ma-deep.fr.md",
            "practices/ma/ma-f.fr.MD"} <= warned and "practices/ma/ma-b.FR.md" not in warned
