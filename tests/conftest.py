"""Shared helpers: build a small practices/ folder from entry texts.

    text = entry_text(countries="[MAR]")            # a valid French entry with one thing changed
    text = entry_text(links=None)                   # None drops the field's line
    practices = make_corpus(tmp_path, {"ma/ma-x.fr.md": text})
    practices = make_corpus(tmp_path, mini_corpus())     # the shared FR/AR/EN mini-corpus

Values are raw YAML, written after 'field: ' as given, so a test can write anything a
contributor could (lists, quotes, broken syntax).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Property-based tests take their number of examples from a Hypothesis profile: "full" (the
# default, what `make test` and CI run) or "fast" (`make test-fast`, while working). Choose with
# HYPOTHESIS_PROFILE=fast or `--hypothesis-profile=fast`; the tests themselves set no count.
settings.register_profile("full", max_examples=200, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", parent=settings.get_profile("full"), max_examples=15)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "full"))

FIELDS = {
    "title": "Enquête nationale sur l'emploi",
    "type": "tool",
    "lang": "fr",
    "countries": "[MA]",
    "summary": "Enquête trimestrielle auprès des ménages sur l'emploi, le chômage et la migration.",
    "themes": "[stocks, flows]",
    "data_sources": "[labour-force-survey]",
    "period": '"2018-2021"',
    "status": "draft",
    "updated": '"2024-05-01"',
    "links": "\n  - title: Site du HCP\n    url: https://www.hcp.ma/",
}

# About 255 words: inside the 150-600 range that the checker advises, so fixtures warn of nothing.
FILLER = ("Cette section décrit la source, les institutions qui la tiennent, la période couverte et ce "
          "qu'elle mesure sur les travailleurs migrants. ")
BODY = "".join(
    f"\n## {heading}\n\nUn paragraphe de texte pour la section {heading.lower()}. {FILLER * 2}\n"
    for heading in ("Contexte", "Description", "Méthode", "Enseignements", "Références")
)


# The shared mini-corpus: one Moroccan survey in French, Arabic and English, a Tunisian register and
# a regional methodology (countries: []). Modules that need a small collection start from it
# (mini_corpus()) and change only what they test, instead of keeping their own copy.
MA_ID, TN_ID, REG_ID = "ma-enquete-emploi", "tn-registre-permis", "oit-directives-statistiques"
# Section headings of tools.content.schema.BODY_HEADINGS, so an Arabic or English body has each one.
# Over 150 words each, like BODY, so that no length warning comes from the fixtures.
AR_FILLER = "يصف هذا القسم المصدر والمؤسسات التي تديره والفترة التي يغطيها وما يقيسه عن العمال المهاجرين. "
AR_BODY = "".join(f"\n## {h}\n\nفقرة نصية عن {h} في المسح الوطني للتشغيل. {AR_FILLER * 2}\n"
                  for h in ("السياق", "الوصف", "المنهجية", "الدروس المستفادة", "المراجع"))
EN_FILLER = "This section describes the source, who keeps it, the period covered and what it measures. "
EN_BODY = "".join(f"\n## {h}\n\nA paragraph on the {h.lower()} of the national employment survey. {EN_FILLER * 2}\n"
                  for h in ("Context", "Description", "Method", "Lessons", "References"))
MA_AR = {"lang": "ar", "title": "المسح الوطني حول التشغيل",
         "summary": "مسح فصلي للأسر حول التشغيل والبطالة والهجرة في المغرب.", "body": AR_BODY}
MA_EN = {"lang": "en", "title": "National employment survey",
         "summary": "Quarterly household survey of employment, unemployment and migration in Morocco.",
         "body": EN_BODY}
TN_PERMITS = {"title": "Registre des autorisations de travail", "type": "practice", "countries": "[TN]",
              "themes": "[immigration]", "data_sources": "[work-permits]",
              "summary": "Registre administratif des autorisations délivrées aux salariés étrangers en Tunisie."}
OIT = {"title": "Directives de l'OIT sur les statistiques", "type": "methodology", "countries": "[]",
       "themes": "[harmonisation]", "data_sources": "[]",
       "summary": "Les directives adoptées par la 20e Conférence internationale des statisticiens du travail."}
MINI_CORPUS = {
    f"ma/{MA_ID}.fr.md": {},
    f"ma/{MA_ID}.ar.md": MA_AR,
    f"ma/{MA_ID}.en.md": MA_EN,
    f"tn/{TN_ID}.fr.md": TN_PERMITS,
    f"regional/{REG_ID}.fr.md": OIT,
}


def mini_corpus(**changes: dict | None) -> dict[str, str]:
    """{file under practices/: text} of MINI_CORPUS, for make_corpus() or load().

    Each keyword names a file by its stem with '_' for '.' and '-' ('ma_enquete_emploi_ar') and gives
    field overrides for entry_text() (raw YAML values, body=...), or None to leave the file out.
    Raises KeyError for a name that is not a file of the corpus.
    """
    stems = {name.rsplit("/", 1)[1][:-3].replace("-", "_").replace(".", "_"): name for name in MINI_CORPUS}
    files = {name: dict(fields) for name, fields in MINI_CORPUS.items()}
    for stem, fields in changes.items():
        name = stems[stem]
        if fields is None:
            del files[name]
        else:
            files[name].update(fields)
    return {name: entry_text(**fields) for name, fields in files.items()}


def entry_text(body: str = BODY, **overrides) -> str:
    """A valid French entry; each keyword replaces a field's raw YAML value, None removes the line.

    Unknown names are appended at the end of the front matter.
    """
    fields = {**FIELDS, **overrides}
    front = "".join(f"{name}: {value}\n" for name, value in fields.items() if value is not None)
    return f"---\n{front}---\n{body}"


def line_of(text: str, prefix: str) -> int:
    """1-based number of the first line of text starting with prefix (e.g. 'countries:')."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"no line starts with {prefix!r}")


def load(tmp_path: Path, files: dict[str, str | bytes]):
    """make_corpus then tools.content.validate.load_collection, against the shipped vocabularies
    (shipped_vocabs()): (entries, problems, files read)."""
    from tools.content.validate import load_collection

    return load_collection(make_corpus(tmp_path, files), tmp_path, vocabs=shipped_vocabs())


@functools.cache
def shipped_vocabs():
    """tools/data/'s Vocabularies read once for the test run, for helpers that check against the
    shipped data (read-only: a test that changes vocabularies loads its own copy)."""
    from tools.content.vocab import Vocabularies

    return Vocabularies.load()


def make_corpus(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (relative to practices/, text or bytes) under tmp_path/practices; return that folder."""
    practices = tmp_path / "practices"
    practices.mkdir(exist_ok=True)
    for name, content in files.items():
        path = practices / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return practices


@pytest.fixture(scope="session")
def shipped_files():
    """The repository's practices/ files read once per run: a tuple of loader.RawEntry (path shown
    relative to the repository), as load_collection reads them. Tests only read them."""
    from tools.content.loader import entry_files, load_file

    return tuple(load_file(p, str(p.relative_to(ROOT))) for p in entry_files(ROOT / "practices"))


@pytest.fixture(scope="session")
def shipped_collection(shipped_files):
    """The repository's practices/ loaded and checked once per run: (entries, problems, files read).

    Entries are frozen dataclasses; tests that need another list copy it (list(entries)).
    """
    from tools.content.validate import check_collection

    entries, problems, files = check_collection(list(shipped_files))
    return tuple(entries), tuple(problems), files


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory):
    """The repository's collection built once per run (per pytest-xdist process) into a temporary
    copy of the project (tests.sitebuild.build_copy): a tools.project.Project. For the e2e and
    browser tests that only read the built site or serve it (a build takes ~30 s of CPU)."""
    from tests.sitebuild import build_copy

    return build_copy(tmp_path_factory.mktemp("shipped-site"))


@pytest.fixture(scope="session")
def word_lists():
    """The folded French/English/Arabic word lists, loaded once and before any SearchIndex exists.

    Each new SearchIndex starts a thread that loads them, and a query needing them before that
    thread is done loads them again (functools.cache has no lock): three loads of ~1 s CPU each
    in one run. Modules that search declare `pytestmark = pytest.mark.usefixtures("word_lists")`.
    """
    from tools.search.query import dictionary_words

    return dictionary_words()


@pytest.fixture(scope="module")
def empty_glossary(tmp_path_factory):
    """Search without the repository's glossary, so results depend only on a test's entries."""
    from functools import partial

    from tools.search import engine as search_engine
    from tools.search import glossary

    absent = tmp_path_factory.mktemp("glossary") / "absent.yml"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_engine, "expand", partial(glossary.expand, path=absent))
        yield


def make_entry(id: str, lang: str, title: str, summary: str, *, type: str = "tool", countries=("MA",),
               themes=("stocks",), **kw):
    """An Entry built directly (no file), for search and API tests."""
    from tools.content.model import Entry

    folder = countries[0].lower() if countries else "regional"
    return Entry(id=id, lang=lang, folder=folder, path=f"practices/{folder}/{id}.{lang}.md", title=title,
                 type=type, countries=tuple(countries), summary=summary, themes=tuple(themes), **kw)


def pytest_collection_modifyitems(config, items):
    """Tests under tests/e2e/ and tests/browser/ carry their folder's marker, so `make test-fast`
    (-m "not e2e and not browser") runs the unit tests alone."""
    for item in items:
        parts = item.path.parts
        for marker in ("e2e", "browser"):
            if marker in parts:
                item.add_marker(getattr(pytest.mark, marker))
