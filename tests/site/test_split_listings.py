"""Listings that grow with the collection stay pages of bounded size (tools.site.pages.listing_pages,
country_pages, the comparison cells, harmonisation.pages_of): above a threshold a listing is split
by the start of its titles, and the layout depends on the entries alone, so that one entry's change
rewrites a few pages, not every page of a listing."""

from __future__ import annotations

import json
import posixpath
import random
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tools import i18n
from tools.content.vocab import Vocabularies
from tools.site import harmonisation, pages, split

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module
ENTRY_LINK = re.compile(r'<li><a href="[^"]*entries/([^/"]+)/')
MD_LINK = re.compile(r'(?:href="|\]\()([^")#?:]+\.md)')
WORDS = ["enquête", "emploi", "registre", "migration", "travail", "recensement", "données", "étude",
         "الهجرة", "العمل", "مسح", "تعداد", "survey", "labour", "census", "permits", "« atlas", "2019 rounds"]


@pytest.fixture(scope="module")
def shipped(shipped_collection):
    return list(shipped_collection[0])


def grown(shipped: list, n: int, seed: int = 3) -> list:
    """n entries (ids) made from the shipped ones with other ids, titles and dates: a collection of
    any size for the generators, without files."""
    rng = random.Random(seed)
    base = [e for e in shipped if e.lang == "fr"]
    out = []
    for i in range(n):
        e = base[i % len(base)]
        title = " ".join(rng.choice(WORDS) for _ in range(4)) + f" {i}"
        out.append(replace(e, id=f"syn-{i:05d}", title=title, updated=f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}"))
    return out


def resolve(source: str, link: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), link))


def listed(text: str) -> list[str]:
    return ENTRY_LINK.findall(text)


def test_a_listing_up_to_the_threshold_is_the_one_page_it_was(shipped):
    fr = [e for e in shipped if e.lang == "fr"]
    out = pages.listing_pages("Tout", "", fr, "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=len(fr))
    assert out == {"kb/index.md": pages.listing_page("Tout", "", fr, "kb/index.md", "fr", vocabs=SHIPPED)}


@pytest.mark.parametrize("ui", ["fr", "ar", "en"])
def test_a_split_listing_files_every_entry_once_in_pages_of_at_most_the_threshold(shipped, ui):
    entries = grown(shipped, 120)
    out = pages.listing_pages("Thème", "", entries, "kb/themes/emploi.md", ui, vocabs=SHIPPED,
                              search={"theme": "emploi"}, split_at=10)
    first = out["kb/themes/emploi.md"]
    assert len(listed(first)) == pages.LATEST_SHOWN  # the latest only
    assert pages.n_entries(120, ui, vocabs=SHIPPED) in first
    assert "recherche.md?theme=emploi" in first
    parts = {p: text for p, text in out.items() if p != "kb/themes/emploi.md"}
    assert all(p.startswith("kb/themes/emploi/") for p in parts)
    filed = [i for text in parts.values() for i in listed(text)]
    assert sorted(filed) == sorted(e.id for e in entries)  # each entry on exactly one page
    assert max(len(listed(text)) for text in parts.values()) <= 10
    for path, text in out.items():  # every link between the pages leads to one of them
        for link in MD_LINK.findall(text):
            target = resolve(path, link)
            assert target.startswith("kb/entries/") or target in out or target == pages.SEARCH_PAGE, (path, link)


def test_the_latest_entries_are_those_last_updated(shipped):
    entries = grown(shipped, 40)
    out = pages.listing_pages("Tout", "", entries, "kb/index.md", "en", vocabs=SHIPPED, search={}, split_at=10)
    newest = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:pages.LATEST_SHOWN]
    assert listed(out["kb/index.md"]) == [e.id for e in newest]
    assert all(p == "kb/index.md" or p.startswith("kb/all/") for p in out)


def test_one_entry_changed_rewrites_only_the_pages_of_its_groups(shipped):
    entries = grown(shipped, 300)
    before = pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=20)
    changed = list(entries)
    changed[150] = replace(changed[150], title="Zèbre " + changed[150].title)
    after = pages.listing_pages("Tout", "", changed, "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=20)
    differ = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert differ and len(differ) <= 8, sorted(differ)  # its old and new groups, their parents, the first page
    assert len(before) > 20


def test_an_entry_added_keeps_the_other_groups_where_they_were(shipped):
    entries = grown(shipped, 300)
    before = pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=20)
    extra = replace(entries[0], id="syn-new", title="Registre ajouté", updated="2000-01-01")
    after = pages.listing_pages("Tout", "", [*entries, extra], "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=20)
    same = [p for p in before if before[p] == after.get(p)]
    assert len(same) >= len(before) - 6


def test_groups_split_further_and_identical_titles_are_cut_into_parts(shipped):
    entries = [replace(e, title="Enquête emploi") for e in grown(shipped, 45)]
    out = pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=10)
    leaves = {p: listed(t) for p, t in out.items() if p != "kb/index.md" and listed(t)}
    assert sorted(i for ids in leaves.values() for i in ids) == sorted(e.id for e in entries)
    assert max(len(ids) for ids in leaves.values()) <= 10
    assert any(re.search(r"-\d+\.md$", p) for p in leaves)  # numbered parts of one prefix


def test_an_entry_added_to_numbered_parts_changes_its_own_part_not_every_part_after_it(shipped):
    """Parts of one prefix end where their entries say (split.cut), not every `split_at` entries:
    an entry added in the middle changes the pages of its own run (one part, or two when its run
    was cut in two) and the pages that count it (the prefix's page, the first page), and the
    parts after it keep their addresses and entries, unless the number of parts changes (then
    those after it move up by one)."""
    entries = [replace(e, title="Enquête emploi") for e in grown(shipped, 147)]
    kw = {"vocabs": SHIPPED, "search": {}, "split_at": 10}
    before = pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", **kw)
    numbered = [p for p in before if re.search(r"-\d+\.md$", p)]
    assert len(numbered) > 8 and max(len(listed(before[p])) for p in numbered) <= 10
    kept_count = 0
    for n in range(12):
        extra = replace(entries[0], id=f"syn-00074-{n}")  # sorts in the middle of the parts
        after = pages.listing_pages("Tout", "", [*entries, extra], "kb/index.md", "fr", **kw)
        if len([p for p in after if re.search(r"-\d+\.md$", p)]) != len(numbered):
            continue
        kept_count += 1
        differ = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
        assert 1 <= len([p for p in differ if p in numbered]) <= 2, sorted(differ)
        assert len(differ) <= 4, sorted(differ)
    assert kept_count >= 8


def test_part_names_never_collide_and_escape_what_is_not_a_letter():
    assert split.key_name("l'") != split.key_name("l ")
    assert split.key_name("ab") == "ab" and split.key_name("مس") == "مس"
    assert re.fullmatch(r"[\w]+", split.key_name('<"&>/'))


def test_titles_are_escaped_on_the_part_pages(shipped):
    entries = [replace(e, title=f'<script>x</script> "{i}" & co') for i, e in enumerate(grown(shipped, 30))]
    out = pages.listing_pages('T <b>"', "", entries, "kb/index.md", "fr", vocabs=SHIPPED, search={}, split_at=5)
    for text in out.values():
        assert "<script>" not in text and "<b>" not in text


def test_search_link_filters_with_an_empty_query():
    assert pages.search_link("kb/themes/x.md", {"theme": "a b", "country": "MA"}) == "../../recherche.md?country=MA&theme=a+b"
    assert pages.search_link("kb/index.md", {}) == "../recherche.md"


def _listing_sizes(out: dict[str, str]) -> int:
    """The largest generated page but the entries' own (and the files that are not pages)."""
    skip = ("kb/entries/",)
    return max(len(text.encode()) for p, text in out.items()
               if p.endswith(".md") and not p.startswith(skip))


def test_page_size_stays_bounded_as_the_collection_grows(shipped):
    # Above the threshold a page's size depends on the vocabularies (cells, groups), not on the
    # number of entries: four times the entries, about the same largest page.
    sizes = {}
    for n in (200, 800):
        sizes[n] = _listing_sizes(pages.generate(grown(shipped, n), "", "fr", vocabs=SHIPPED, split_at=25))
    assert sizes[800] <= 1.25 * sizes[200], sizes
    unsplit = _listing_sizes(pages.generate(grown(shipped, 800), "", "fr", vocabs=SHIPPED, split_at=10_000))
    assert unsplit > 3 * sizes[800], (unsplit, sizes)  # what the split avoids


def test_comparison_cells_beyond_the_limit_link_to_the_search_page(shipped):
    entries = grown(shipped, 400)
    text = pages.comparison_page(entries, "kb/comparaison.md", "ar", vocabs=SHIPPED)
    assert "recherche.md?country=" in text and "&amp;data_source=" in text and "&amp;theme=" in text
    for cell in re.findall(r"<td>(.*?)</td>", text):
        assert cell.count("entries/") <= pages.CELL_LIMIT


def test_a_large_country_page_is_bounded_and_links_its_lists(shipped):
    entries = grown(shipped, 400)
    ma = [e for e in entries if "MA" in e.countries]
    many = [replace(e, institutions=(f"Institution {i}", f"Office {i % 7}")) for i, e in enumerate(ma)]
    out = pages.country_pages("MA", many, "kb/countries/ma.md", "en", vocabs=SHIPPED, split_at=20)
    page = out["kb/countries/ma.md"]
    # <bdi lang="fr" ...> for a name only French versions give (entries with no English version)
    assert len(re.findall(r"<bdi[^>]*>(?:Institution|Office) ", page)) == pages.INSTITUTIONS_SHOWN
    # the most cited come first, with their counts (which Office depends on the versions shown in English)
    assert re.search(r"^- <bdi[^>]*>Office \d</bdi> <small>\(\d+\)</small>$", page, re.M)
    first = re.search(r"^- <bdi[^>]*>(.+?)</bdi> <small>\((\d+)\)</small>$", page, re.M)
    assert first.group(1).startswith("Office ")
    own = pages.country_lists("kb/countries/ma.md")["own"]
    assert own in out and "(ma/own.md)" in page
    # entry lists only for the data sources of at most CELL_LIMIT entries (the others: search links)
    assert "recherche.md?country=MA&data_source=" in page
    assert len(listed(page)) <= len(SHIPPED.terms("data_sources")) * pages.CELL_LIMIT


def test_harmonisation_splits_per_country_above_the_threshold(shipped):
    entries = grown(shipped, 300)
    one = harmonisation.pages_of(entries, "fr", vocabs=SHIPPED)
    assert list(one) == [harmonisation.PAGE]
    split = harmonisation.pages_of(entries, "fr", vocabs=SHIPPED, split_at=20)
    assert harmonisation.country_page("MA") in split
    assert len(split[harmonisation.PAGE]) < len(one[harmonisation.PAGE]) / 2
    assert 'id="kb-instruments"' not in split[harmonisation.PAGE]
    assert any('id="kb-instruments"' in text for path, text in split.items() if path.startswith("kb/harmonisation/ma"))


@pytest.mark.parametrize("ui", ["fr", "ar"])
def test_the_keywords_index_above_its_page_is_split_by_name(shipped, ui):
    whole = pages.tag_pages(shipped, ui, vocabs=SHIPPED)
    assert len(whole) - 1 <= pages.TAGS_PER_PAGE and not any(p.startswith("kb/tags/index/") for p in whole)
    split = pages.tag_pages(shipped, ui, vocabs=SHIPPED, split_at=40)
    parts = {p: text for p, text in split.items() if p.startswith("kb/tags/index/")}
    assert parts
    # A keyword in another language than the page's carries its lang and dir (<bdi lang dir>).
    tag_link = re.compile(r"^- \[<bdi[^>]*>.*?\]\(\.\./([^)]+\.md)\)", re.M)
    filed = [m for text in parts.values() for m in tag_link.findall(text)]
    assert sorted("kb/tags/" + m for m in filed) == sorted(p for p in whole if p != "kb/tags/index.md")
    assert max(len(tag_link.findall(text)) for text in parts.values()) <= 40
    first = split["kb/tags/index.md"]
    assert i18n.plural(SHIPPED.ui["n_tags"][ui], len(whole) - 1, ui) in first
    for path, text in split.items():
        for link in MD_LINK.findall(text):
            assert resolve(path, link) in split or resolve(path, link).startswith(("kb/glossaire/", "kb/entries/")), (path, link)


def test_a_split_listing_from_the_memo_is_the_one_made_afresh(shipped):
    entries = grown(shipped, 60)
    memo = pages.TextMemo()
    args = ("Tout", "", entries, "kb/index.md", "fr")
    first = pages.listing_pages(*args, vocabs=SHIPPED, memo=memo, search={}, split_at=10)
    assert first == pages.listing_pages(*args, vocabs=SHIPPED, search={}, split_at=10)
    assert pages.listing_pages(*args, vocabs=SHIPPED, memo=pages.TextMemo(memo.kept()), search={}, split_at=10) == first
    newer = [replace(entries[0], updated="2099-01-01"), *entries[1:]]  # a date alone changes the latest
    again = pages.listing_pages("Tout", "", newer, "kb/index.md", "fr", vocabs=SHIPPED, memo=memo, search={}, split_at=10)
    assert listed(again["kb/index.md"])[0] == entries[0].id != listed(first["kb/index.md"])[0]


@pytest.mark.parametrize("ui", ["fr", "ar"])
def test_a_country_of_many_instruments_has_its_table_in_parts(shipped, ui):
    entries = grown(shipped, 300)
    out = harmonisation.pages_of(entries, ui, vocabs=SHIPPED, split_at=8)
    ma = harmonisation.country_page("MA")
    parts = {p: text for p, text in out.items() if p.startswith(ma[:-3] + "/")}
    assert parts and 'id="kb-instruments"' not in out[ma] and "{#kb-parts}" in out[ma]
    rows = re.compile(r'<tr markdown="1" data-country="MA"')
    in_parts = [len(rows.findall(text)) for text in parts.values()]
    n = sum(1 for r in harmonisation.rows(entries, ui, vocabs=SHIPPED) if r.country == "MA")
    assert sum(in_parts) == n > 8 and max(in_parts) <= 8  # every instrument once, at most 8 a page
    for path, text in out.items():
        for link in MD_LINK.findall(text):
            target = resolve(path, link)
            assert target in out or target.startswith("kb/entries/") or target.startswith("kb/instruments"), (path, link)


def test_the_static_search_lists_a_search_link_s_entries_with_an_empty_query(tmp_path_factory):
    """What a split listing or a comparison cell links to (pages.search_link) is what the search page
    shows without the API: kb-engine.js given the link's filters and no words, as kb-search.js asks."""
    from urllib.parse import parse_qs, urlsplit

    from tests.search.test_engine import ENTRIES
    from tests.search.test_static_index import exported

    node = shutil.which("node")
    assert node, "node is needed to run the browser's static search (apt-get install nodejs)"
    folder = exported(tmp_path_factory, "kb-search-links", ENTRIES)
    theme = ENTRIES[0].themes[0]
    source = next(e.data_sources[0] for e in ENTRIES if e.data_sources and e.countries)
    country = next(e.countries[0] for e in ENTRIES if source in e.data_sources and e.countries)
    links = {"theme": pages.search_link("kb/themes/x.md", {"theme": theme}),
             "cell": pages.search_link("kb/comparaison.md", {"data_source": source, "country": country})}
    asked = [{"q": name, "filters": {k: v for k, v in parse_qs(urlsplit(link).query).items()}, "size": 100}
             for name, link in links.items()]
    for item in asked:  # the engine is asked for the link's words: none
        assert parse_qs(urlsplit(links[item["q"]]).query).get("query") is None
    script = ("const K=require(process.argv[1]);const fs=require('fs'),path=require('path');"
              "const dir=process.argv[2];const load=(n)=>new Promise((ok)=>{let d;"
              "new Function('KBSearchChunk',fs.readFileSync(path.join(dir,n+'.js'),'utf8'))((a,b)=>{d=b;});ok(d);});"
              "(async()=>{const out={};for(const it of JSON.parse(fs.readFileSync(0,'utf8'))){"
              "const r=await K.create(load).search('',{filters:it.filters,pageSize:it.size,facets:true,full:true});"
              "out[it.q]=r.results.map((x)=>x.id);}console.log(JSON.stringify(out));})();")
    engine = str(Path(pages.__file__).parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js")
    done = subprocess.run([node, "-e", script, engine, str(folder)], input=json.dumps(asked),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert sorted(found["theme"]) == sorted({e.id for e in ENTRIES if theme in e.themes})
    assert sorted(found["cell"]) == sorted({e.id for e in ENTRIES if source in e.data_sources and country in e.countries})
    assert found["theme"] and found["cell"]


@pytest.mark.parametrize("title", ['T <b>"x"</b> & \'y\'', "الهجرة — « Enquête » : 10.c.1", "a: b # c\\t{d} [e]"])
def test_part_pages_front_matter_reads_as_front_matter_s(title):
    import yaml

    def meta(text: str) -> dict:
        return yaml.safe_load(text.split("---\n")[1])

    assert meta(pages.part_front_matter(title)) == meta(pages.front_matter(title=title, search=pages.NO_SEARCH))


def test_a_remembered_page_of_a_split_listing_is_made_again_when_one_of_its_entries_changes(shipped):
    """The pages of entries of a split listing are remembered by what their lines show: after one
    entry changes, the listing equals a clean generation (no stale page reused), and only the pages
    that show the changed entry are made again."""
    entries = grown(shipped, 300)
    memo = pages.TextMemo()
    kw = {"vocabs": SHIPPED, "search": {}, "split_at": 20}
    first = pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", memo=memo, **kw)
    assert first == pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", **kw)
    parts = [k for k in memo.kept() if k[0] == "split-part"]
    assert len(parts) > 10
    changed = list(entries)
    # Same title start (same group): the page keeps its address and count, its line changes.
    changed[150] = replace(changed[150], type="tool" if changed[150].type != "tool" else "practice")
    again = pages.TextMemo(memo.kept())
    second = pages.listing_pages("Tout", "", changed, "kb/index.md", "fr", memo=again, **kw)
    assert second == pages.listing_pages("Tout", "", changed, "kb/index.md", "fr", **kw)
    assert second != first
    made = [k for k in again.kept() if k[0] == "split-part" and k not in memo.texts]
    assert len(made) == 1 and changed[150].id in again.texts[made[0]]  # the page that shows it


def test_a_remembered_keywords_index_is_made_again_when_a_keyword_page_changes(shipped):
    """The split keywords' index is remembered by the keyword pages' names, addresses and counts:
    a title change reuses it, a tag added makes it again, and either equals a clean generation."""
    entries = list(shipped)
    memo = pages.TextMemo()
    first = pages.tag_pages(entries, "fr", vocabs=SHIPPED, memo=memo, split_at=40)
    assert first == pages.tag_pages(entries, "fr", vocabs=SHIPPED, split_at=40)
    assert [k for k in memo.kept() if k[0] == "tag-index"]
    for changed, reused in ((replace(entries[3], title="Zèbre " + entries[3].title), True),
                            (replace(entries[3], tags=(*entries[3].tags, "Mot-clé inédit")), False)):
        now = [changed if e is entries[3] else e for e in entries]
        again = pages.TextMemo(memo.kept())
        out = pages.tag_pages(now, "fr", vocabs=SHIPPED, memo=again, split_at=40)
        assert out == pages.tag_pages(now, "fr", vocabs=SHIPPED, split_at=40)
        index = [k for k in again.kept() if k[0] == "tag-index"]
        assert (index[0] in memo.texts) is reused
    assert "Mot-clé inédit" in str(out["kb/tags/index.md"]) or any("Mot-clé inédit" in t for t in out.values())


def test_a_remembered_split_listing_keeps_its_parts_not_its_list_items(shipped):
    """A split listing is a TextMemo.section: taken whole, it keeps its parts' texts for the next
    build, but not the list items they are made of (made again in microseconds, they made the
    pages memo a tenth larger at 10,000 entries)."""
    entries = grown(shipped, 120)
    memo = pages.TextMemo()
    pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED, memo=memo, search={}, split_at=20)
    (key,) = [k for k in memo.texts if k[0] == "split-listing"]
    inner = memo.texts[key][1]
    assert any(k[0] == "split-part" for k in inner)
    assert any(k[0] == "item" for k in memo.texts) and not any(k[0] == "item" for k in inner)
    again = pages.TextMemo(memo.kept())
    again.used.clear()
    pages.listing_pages("Tout", "", entries, "kb/index.md", "fr", vocabs=SHIPPED, memo=again, search={}, split_at=20)
    assert {k[0] for k in again.kept()} == {"split-listing", "split-part"}
