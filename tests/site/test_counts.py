"""Every count the generated site shows agrees with the data: listings count entries (ids), not
their language versions, and show each entry once, in the interface language when it has one.

Built from the shipped collection (practices/) in the three interfaces, so the figures checked are
those a reader sees.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

import pytest

from tools.content.vocab import Vocabularies
from tools.site import pages

# The whole shipped collection generated in three interfaces (~4 s): with the end-to-end tests
# (`make test`), not `make test-fast`.
pytestmark = pytest.mark.e2e

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module

LINE = re.compile(r'^<li><a href="(?P<target>[^"]+)"><bdi lang="(?P<lang>\w+)"[^>]*>.*?</bdi></a>', re.M)
COUNT = re.compile(r'<p class="kb-count">([^<(]+?)(?: \(|</p>)')


@pytest.fixture(scope="module")
def corpus(shipped_collection):
    entries, problems, _ = shipped_collection
    assert entries and not [p for p in problems if p.severity == "error"]
    return entries


@pytest.fixture(scope="module", params=["fr", "ar", "en"])
def site(request, corpus):
    # Related entries are another module's business (and the slow part): leave them out here.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pages, "related", lambda *a, **k: [])
        return request.param, pages.generate(corpus, "", request.param, vocabs=SHIPPED)


def listed(page: str, path: str) -> dict[str, str]:
    """{entry id: language of the version linked} of a listing's entry lines; fails on a repeat."""
    out = {}
    for target, lang in LINE.findall(page):
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        m = re.fullmatch(r"kb/entries/([^/]+)/(\w+)\.md", resolved)
        assert m and m.group(2) == lang, (path, target)
        assert m.group(1) not in out, f"{path} lists {m.group(1)} twice"
        out[m.group(1)] = lang
    return out


def ids_of(entries, keep) -> dict[str, set[str]]:
    """{id: languages} of the entries kept."""
    out: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if keep(e):
            out[e.id].add(e.lang)
    return out


def check_listing(page: str, path: str, expected: dict[str, set[str]], ui: str) -> None:
    shown = listed(page, path)
    assert set(shown) == set(expected), path
    for entry_id, lang in shown.items():  # the interface's version when there is one
        assert lang == ui or ui not in expected[entry_id], (path, entry_id)
    counts = COUNT.findall(page)
    assert counts and counts[0] == pages.n_entries(len(expected), ui, vocabs=SHIPPED), path


def index_counts(page: str) -> dict[str, int]:
    return {target: int(n) for target, n in re.findall(r"^\| \[.+?\]\((.+?)\) \| (\d+) \|$", page, re.M)}


def test_term_pages_and_their_indexes_count_entries(site, corpus):
    ui, generated = site
    checked = 0
    for vocab, folder, attr in (("themes", "themes", "themes"), ("data_sources", "sources", "data_sources"),
                                ("types", "types", "type")):
        index = index_counts(generated[f"kb/{folder}/index.md"])
        for term in SHIPPED.terms(vocab):
            expected = ids_of(corpus, lambda e, t=term, a=attr: t in e.facet_values(a))
            path = f"kb/{folder}/{term}.md"
            check_listing(generated[path], path, expected, ui)
            assert index[f"{term}.md"] == len(expected), path
            checked += len(expected)
    assert checked > 100


def test_country_pages_and_index_count_entries(site, corpus):
    ui, generated = site
    index = index_counts(generated["kb/countries/index.md"])
    home = generated["kb/home-countries.txt"]
    focus = SHIPPED.vocabulary["focus_countries"]
    assert len(focus) >= 5  # the loop below checks each of them
    for code in focus:
        path = pages.country_page(code)
        page = generated[path]
        everything = ids_of(corpus, lambda e, c=code: c in e.countries)
        own = ids_of(corpus, lambda e, c=code: c in e.countries and e.folder == c.lower())
        shared = ids_of(corpus, lambda e, c=code: c in e.countries and e.folder != c.lower())
        assert own and shared, code  # the shipped collection has both for every focus country
        assert index[posixpath.basename(path)] == len(everything)
        assert f"<small>{pages.n_entries(len(everything), ui, vocabs=SHIPPED)}</small>" in home.split(f"({path})")[1].splitlines()[0]
        counts = COUNT.findall(page)
        assert counts[:3] == [pages.n_entries(len(x), ui, vocabs=SHIPPED) for x in (everything, own, shared)], code
        own_part, _, rest = page.partition(f"## {pages.t('country_shared', ui, vocabs=SHIPPED)}")
        shared_part = rest.partition(f"## {pages.t('instruments', ui, vocabs=SHIPPED)}")[0]
        assert set(listed(own_part, path)) == set(own)
        assert set(listed(shared_part, path)) == set(shared)


def test_country_institutions_come_from_the_countrys_own_entries_once(site, corpus):
    ui, generated = site
    page = generated[pages.country_page("LY")]
    section = page.partition(f"## {pages.t('institutions', ui, vocabs=SHIPPED)}")[2].partition("\n## ")[0]
    names = re.findall(r"^- <bdi>(.+)</bdi>$", section, re.M)
    assert names and len(names) == len(set(names))
    allowed = {pages.md_text(i) for e in pages.one_per_entry([e for e in corpus if e.folder == "ly"], ui)
               for i in e.institutions}
    assert set(names) <= allowed
    assert not any("Suède" in n or "Sweden" in n or "Maroc" in n for n in names)


def test_tag_pages_and_index_count_entries(site, corpus):
    ui, generated = site
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for e in corpus:
        for tag in e.tags:
            members[pages.tag_page(tag, vocabs=SHIPPED)][e.id].add(e.lang)
    index = {target: int(n) for target, n in
             re.findall(r"^- \[.+?\]\((.+?)\) <small>(\d+)</small>$", generated["kb/tags/index.md"], re.M)}
    assert len(index) == len(members)
    for path, expected in members.items():
        check_listing(generated[path], path, expected, ui)
        assert index[posixpath.basename(path)] == len(expected)
    # Grouping by glossary concept merges tags across languages: fewer pages than spellings.
    assert len(members) < len({t for e in corpus for t in e.tags})


def test_all_entries_lists_every_entry_once(site, corpus):
    ui, generated = site
    check_listing(generated["kb/index.md"], "kb/index.md", ids_of(corpus, lambda e: True), ui)
