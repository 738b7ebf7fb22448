"""`build_index.py --check` on a temporary practices/ folder.

build_index.main builds Project() (rooted at the repository); each test points it at tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import build_index
from tests.conftest import EN_BODY, ROOT, entry_text, line_of, make_corpus

PATH = "practices/ma/ma-x.fr.md"

BROKEN = {
    "no front matter": {"ma/ma-x.fr.md": "# Titre\n"},
    "unclosed front matter": {"ma/ma-x.fr.md": "---\ntitle: x\n"},
    "empty front matter": {"ma/ma-x.fr.md": "---\n---\n"},
    "front matter list": {"ma/ma-x.fr.md": "---\n- a\n---\nx\n"},
    "invalid yaml": {"ma/ma-x.fr.md": entry_text(title="a: b")},
    "unclosed flow list": {"ma/ma-x.fr.md": entry_text(themes="[stocks, flows")},
    "unterminated quote": {"ma/ma-x.fr.md": entry_text(summary='"unterminated')},
    "tab": {"ma/ma-x.fr.md": entry_text(links="\n\t- title: x")},
    "python tag": {"ma/ma-x.fr.md": entry_text(title="!!python/object/apply:os.system [echo]")},
    "unhashable key": {"ma/ma-x.fr.md": entry_text(**{"? [a, b]": "c"})},
    "control character": {"ma/ma-x.fr.md": entry_text(title="a\x07b")},
    "nul character": {"ma/ma-x.fr.md": entry_text(title="a\x00b")},
    "latin-1": {"ma/ma-x.fr.md": entry_text().encode("latin-1")},
    "utf-16": {"ma/ma-x.fr.md": entry_text().encode("utf-16")},
    "bom": {"ma/ma-x.fr.md": b"\xef\xbb\xbf" + entry_text().encode()},
    "too big": {"ma/ma-x.fr.md": entry_text(body="x" * 1_000_001)},
    "duplicate key": {"ma/ma-x.fr.md": entry_text(tags="[a]").replace("tags: [a]\n", "tags: [a]\ntags: [b]\n")},
    "missing field": {"ma/ma-x.fr.md": entry_text(title=None, countries=None)},
    "wrong types": {"ma/ma-x.fr.md": entry_text(title="[a]", countries="MA", themes="{a: b}", links="x",
                                                period="[2018]", updated="{a: b}", tags="7")},
    "nested lists": {"ma/ma-x.fr.md": entry_text(themes="[[stocks]]", countries="[[MA]]", tags="[[a]]",
                                                 links="[[a]]", reviewed_by="[{a: b}]")},
    "null items": {"ma/ma-x.fr.md": entry_text(themes="[~]", countries="[~]", links="[~]", tags="[~]")},
    "link parts": {"ma/ma-x.fr.md": entry_text(links="\n  - title: {a: b}\n    url: [x]\n  - url: ~")},
    "bad countries": {"ma/ma-x.fr.md": entry_text(countries="[MAR, Maroc, ma, 12, true]")},
    "bad dates quoted": {"ma/ma-x.fr.md": entry_text(updated='"2024-02-30"', reviewed_on='"x"')},
    "bad date unquoted": {"ma/ma-x.fr.md": entry_text(updated="2024-02-30")},
    "bad date year 0": {"ma/ma-x.fr.md": entry_text(updated="0000-01-01")},
    "bad periods": {"ma/ma-x.fr.md": entry_text(period="2021-2018")},
    "bad url": {"ma/ma-x.fr.md": entry_text(links="\n  - title: a\n    url: 'http://[::1'")},
    "javascript url": {"ma/ma-x.fr.md": entry_text(links="\n  - title: a\n    url: 'javascript:alert(1)'")},
    "html": {"ma/ma-x.fr.md": entry_text(summary='"<script>alert(1)</script> et un texte assez long"')},
    "reviewed": {"ma/ma-x.fr.md": entry_text(status="reviewed")},
    "empty body": {"ma/ma-x.fr.md": entry_text(body="")},
    "bad names": {"xx/a_B.fr.md": entry_text(), "ma/ma-x.md": entry_text(), "ma/ma-x.de.md": entry_text(lang="de")},
    "duplicate id": {"ma/ma-x.fr.md": entry_text(), "tn/ma-x.fr.md": entry_text()},
    "translations": {"ma/ma-x.fr.md": entry_text(), "ma/ma-x.en.md": entry_text(EN_BODY, lang="en", type="resource")},
    "broken reference translation": {"ma/ma-x.fr.md": "---\n[\n---\n", "ma/ma-x.en.md": entry_text(EN_BODY, lang="en")},
}


@pytest.fixture
def check(tmp_path, monkeypatch, capsys):
    """check(files, *options) -> (exit status, stdout, stderr) of build_index.main(['--check', ...])."""
    monkeypatch.setenv("KB_ROOT", str(tmp_path))

    def run(files, *options):
        make_corpus(tmp_path, files)
        status = build_index.main(["--check", *options])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_broken_corpus_exits_1_with_path_line_field_message(check):
    text = entry_text(countries="[MAR]", themes="[stocks, flow]")
    status, out, err = check({"ma/ma-x.fr.md": text, "tn/tn-y.fr.md": entry_text(countries="[TN]")})
    assert status == 1
    assert out.splitlines() == [
        f"{PATH}:{line_of(text, 'countries:')}: countries[0]: 'MAR' is not an ISO 3166-1 alpha-2 code; "
        "did you mean 'MA'?",
        f"{PATH}:{line_of(text, 'themes:')}: themes[1]: 'flow' is not a known themes term; did you mean 'flows'?",
        "2 files checked: 2 errors, 0 warnings in 1 file.",
    ]
    assert err == ""


def test_clean_corpus_exits_0(check):
    status, out, _ = check({"ma/ma-x.fr.md": entry_text(), "ma/ma-x.en.md": entry_text(EN_BODY, lang="en")})
    assert status == 0
    assert out == "2 files checked: no problems.\n"


def test_empty_corpus_exits_0(check):
    status, out, _ = check({})
    assert (status, out) == (0, "0 files checked: no problems.\n")


def test_github_format(check):
    text = entry_text(countries="[MAR]", contry="[MA]")
    status, out, _ = check({"ma/ma-x.fr.md": text}, "--format", "github")
    assert status == 1
    assert out.splitlines() == [
        f"::error file={PATH},line={line_of(text, 'countries:')}::countries[0]: "
        "'MAR' is not an ISO 3166-1 alpha-2 code; did you mean 'MA'?",
        f"::warning file={PATH},line={line_of(text, 'contry:')}::contry: unknown field, ignored; "
        "did you mean 'countries'?",
        "1 file checked: 1 error, 1 warning in 1 file.",
    ]


def test_json_format(check):
    text = entry_text(period="20xx")
    status, out, _ = check({"ma/ma-x.fr.md": text}, "--format", "json")
    assert status == 1
    assert json.loads(out) == {"files": 1, "problems": [{
        "path": PATH, "line": line_of(text, "period:"), "field": "period", "message": "'20xx' is not a period",
        "hint": 'write YYYY or YYYY-YYYY, e.g. "2018-2021"', "severity": "error"}]}


def test_warnings_alone_exit_0(check):
    status, out, _ = check({"ma/ma-x.fr.md": entry_text(links=None)})
    assert status == 0
    assert out.splitlines() == [
        f"{PATH}:1: links: no public source link; every entry cites at least one source by link (warning)",
        "1 file checked: 0 errors, 1 warning in 1 file.",
    ]


def test_strict_turns_a_warning_into_exit_1(check):
    status, out, _ = check({"ma/ma-x.fr.md": entry_text(links=None)}, "--strict")
    assert status == 1
    assert "links: no public source link" in out


def test_strict_on_a_clean_corpus_exits_0(check):
    status, _, _ = check({"ma/ma-x.fr.md": entry_text()}, "--strict")
    assert status == 0


@pytest.mark.parametrize("argv", [["--check", "--bogus"], ["--check", "--format", "xml"], ["--check", "extra"]])
def test_bad_option_exits_2(check, capsys, argv):
    with pytest.raises(SystemExit) as exc:
        build_index.main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("files", BROKEN.values(), ids=BROKEN.keys())
def test_broken_fixture_reports_problems_without_traceback(check, files):
    try:
        status, out, err = check(files)
    except Exception as exc:  # a crash is exactly what this test is about
        pytest.fail(f"build_index --check crashed: {exc!r}")
    assert status == 1
    assert "Traceback" not in out + err
    lines = out.splitlines()
    assert lines[0].startswith("practices/") and ": " in lines[0]
    assert re.search(r" files? checked: \d+ errors?, \d+ warnings? in \d+ files?\.$", lines[-1])


def test_command_line_process(tmp_path):
    """The real process: sys.exit(main()) and what a contributor sees, on a broken corpus."""
    text = entry_text(countries="[MAR]")
    make_corpus(tmp_path, {"ma/ma-x.fr.md": text, "ma/ma-y.fr.md": "no front matter\n"})
    result = subprocess.run([sys.executable, "build_index.py", "--check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "KB_ROOT": str(tmp_path)})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"{PATH}:{line_of(text, 'countries:')}: countries[0]: 'MAR' is not an ISO 3166-1 alpha-2 code; "
        "did you mean 'MA'?",
        "practices/ma/ma-y.fr.md:1: front matter: file does not start with '---'; "
        "put the YAML front matter between two '---' lines at the top",
        "2 files checked: 2 errors, 0 warnings in 2 files.",
    ]


def test_serve_on_a_taken_port_says_so_in_one_line_before_announcing(capsys, monkeypatch):
    import socket

    import uvicorn

    from tools.cli import main

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(a))
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        code = main(["serve", "--host", "127.0.0.1", "--port", str(port)])
    out, err = capsys.readouterr()
    assert code == 2  # UsageError's exit status
    assert not started
    assert "Serving" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0]
    assert f"make serve PORT={port + 1}" in lines[0]


def test_serve_on_a_free_port_announces_and_starts(capsys, monkeypatch):
    import socket

    import uvicorn

    from tools.cli import main

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(k["port"]))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["serve", "--host", "127.0.0.1", "--port", str(port)]) == 0
    assert started == [port]
    assert f"Serving on http://127.0.0.1:{port}/" in capsys.readouterr().out


def test_a_refused_build_says_the_site_was_left_unchanged(tmp_path, monkeypatch, capsys):
    from tests.sitebuild import copy_project
    from tools.cli import main

    copy_project(tmp_path, with_practices=False)
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    make_corpus(tmp_path, {"ma/ma-x.fr.md": entry_text(countries="[MAR]")})
    previous = tmp_path / "site" / "index.html"
    previous.parent.mkdir()
    previous.write_text("the site of the last good build", encoding="utf-8")
    assert main(["build", "--quiet"]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert any("countries" in line and "MAR" in line for line in lines), lines
    assert lines[-1] == ("Build refused: 1 error above. The site (site/), the generated pages and the search index "
                         "were left unchanged; fix the errors and run the build again.")
    assert "Built" not in out
    assert previous.read_text(encoding="utf-8") == "the site of the last good build"
    assert not (tmp_path / "docs" / "kb").exists() and not (tmp_path / "build" / "search-index").exists()
    # The JSON report stays a single JSON document.
    assert main(["build", "--quiet", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().err)["problems"][0]["field"] == "countries[0]"


@pytest.mark.parametrize("argv", [["search", "-x"], ["check", "--nope"], ["serve", "--port", "8000", "extra"]])
def test_an_unknown_option_shows_its_commands_usage(argv, capsys):
    """`python -m tools search -x` names the search command's usage, not the list of commands."""
    from tools.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: python -m tools {argv[0]} "), err
    assert f"unrecognized arguments: {argv[-1]}" in err


def test_build_index_help_names_its_check_option(capsys):
    # CONTRIBUTING tells contributors to run 'build_index.py --check'; its --help showed only
    # `tools build`'s options, without --check.
    with pytest.raises(SystemExit) as done:
        build_index.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--check" in out and "--no-site" in out


# A Python without the pinned packages (CONTRIBUTING's `python -m tools new ...` typed outside .venv):
# the import of babel fails as it would there.
WITHOUT_BABEL = """
import runpy, sys
class NoBabel:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "babel":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoBabel())
sys.argv = [sys.argv[1], *sys.argv[2:]]
if sys.argv[0] == "tools":
    runpy.run_module("tools", run_name="__main__", alter_sys=True)
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.parametrize("command", [["tools", "new", "--folder", "ly", "--type", "tool", "--lang", "en", "Register"],
                                     ["build_index.py", "--check"]])
def test_a_python_without_the_packages_is_told_which_to_use_not_a_traceback(tmp_path, command):
    env = {**os.environ, "KB_ROOT": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", WITHOUT_BABEL, *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "no 'babel' package" in done.stderr and ".venv/bin/python" in done.stderr
    assert not (tmp_path / "practices").exists()  # nothing written
