"""tools/search/static_index.py and the browser engine that reads it (kb-engine.js, run by node):
what a reader of a static copy gets. Uses the hand-made entries of test_engine.py and the shipped
glossary (expansions are tested through it as the browser sees them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_entry
from tests.search.test_engine import ENTRIES
from tools.errors import QueryError
from tools.search import static_index
from tools.search.analysis import all_stopwords, meaningful
from tools.search.engine import MAX_QUERY_CHARS, NO_TERMS_HINT
from tools.search.query import MAX_QUERY_TERMS, MAX_TERM_CHARS, OPERATORS
from tools.web.api import check_words

NODE_SCRIPT = Path(static_index.__file__).with_name("static_node.js")


def exported(tmp_path_factory, name: str, entries) -> Path:
    """A folder holding the static index of `entries`, as a build writes it under kb/search/."""
    out = tmp_path_factory.mktemp(name)
    for path, text in static_index.export(entries).items():
        (out / path).write_text(text, encoding="utf-8")
    return out


def both_engines(tmp_path_factory, name: str, entries) -> tuple:
    """(SearchIndex over a Whoosh index of `entries`, folder of their static index): the API's
    engine and the browser's on the same collection."""
    from tools.search.engine import SearchIndex, build_search_index

    index_dir = tmp_path_factory.mktemp(name) / "search-index"
    build_search_index(entries, index_dir, progress=False)
    return SearchIndex(index_dir), exported(tmp_path_factory, f"{name}-static", entries)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return exported(tmp_path_factory, "kb-search", ENTRIES)


def chunk(folder: Path, name: str):
    text = (folder / f"{name}.js").read_text(encoding="utf-8")
    m = re.fullmatch(r'KBSearchChunk\("([^"]+)",(.*)\);\n', text, re.S)
    assert m and m.group(1) == name
    return json.loads(m.group(2))


def postings_of(folder: Path, key: str) -> dict[int, int]:
    meta = chunk(folder, "meta")
    gaps = chunk(folder, f"t{static_index.shard_of(key, meta['shards'])}")[key]
    out, doc = {}, 0
    for gap, weight in zip(gaps[::2], gaps[1::2], strict=True):
        doc += gap
        out[doc] = weight
    return out


def memory():
    """A `remember(key, make)` for static_index.export: make()'s result, kept under its key."""
    kept: dict = {}

    def remember(key, make):
        if key not in kept:
            kept[key] = make()
        return kept[key]
    return remember


def run(folder: Path, *queries: str) -> dict[str, dict]:
    node = shutil.which("node")
    assert node, "node is needed to run the browser's static search (apt-get install nodejs)"
    done = subprocess.run([node, str(NODE_SCRIPT), str(folder)], input=json.dumps([{"q": q} for q in queries]),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {r["q"]: r for r in json.loads(done.stdout)}


def doc_number_of(entries, entry_id: str, lang: str) -> int:
    _, number = static_index.entry_numbers(e.id for e in entries)
    return number[entry_id] * static_index.LANG_SLOTS + ("fr", "ar", "en").index(lang)


def doc_number(entry_id: str, lang: str) -> int:
    return doc_number_of(ENTRIES, entry_id, lang)


def test_every_file_is_a_script_that_hands_its_data_to_the_registered_callback(folder):
    names = sorted(p.stem for p in folder.glob("*.js"))
    assert "meta" in names and "facets" in names and any(n.startswith("t") for n in names)
    for name in names:
        chunk(folder, name)


def test_keys_fold_accents_and_arabic_letters_as_the_server_does():
    assert static_index.keys("Enquête ÉTRANGERS", "fr") == static_index.keys("enquete etrangers", "fr")
    assert static_index.keys("الهجرة الدولية", "ar") == static_index.keys("الهجره الدوليه", "ar")
    assert static_index.keys("l'emploi", "fr") == ["emploi"]


def test_a_title_word_weighs_more_than_the_same_word_in_the_body_only(folder):
    postings = postings_of(folder, static_index.key("recensement"))
    in_title = postings[doc_number("tn-recensement", "fr")]
    assert doc_number("dz-partage-donnees", "fr") not in postings
    # The guide has the word four times in its body and never in its title: still below one title.
    body_only = {doc: w for doc, w in postings.items() if doc != doc_number("tn-recensement", "fr")}
    assert list(body_only) == [doc_number("regional-guide-donnees", "fr")]
    assert all(in_title > w for w in body_only.values())


def test_browser_finds_accented_words_typed_without_accents(folder):
    hits = run(folder, "enquete emploi", "ENQUÊTE EMPLOI")
    assert hits["enquete emploi"]["ids"][0] == "ma-enquete-emploi"
    assert hits["ENQUÊTE EMPLOI"]["ids"] == hits["enquete emploi"]["ids"]


def test_browser_does_not_require_every_word_but_says_when_no_entry_matches_the_whole_query(folder):
    hits = run(folder, "recensement zzzqqq", "recensement tunisie")
    assert hits["recensement zzzqqq"]["ids"][:1] == ["tn-recensement"]
    assert hits["recensement zzzqqq"]["strong"] is False
    assert hits["recensement tunisie"]["strong"] is True


def test_browser_drops_entries_below_the_api_relevance_floor(folder):
    # Three units ('recensement', and two words found nowhere): an entry must cover two of them,
    # as the API's floor (query.coverage_needed) asks; with quotes or operators every match stays.
    hits = run(folder, "recensement zzzqqq introuvable", 'recensement OR zzzqqq OR introuvable')
    assert hits["recensement zzzqqq introuvable"]["ids"] == []
    assert hits["recensement zzzqqq introuvable"]["strong"] is False
    assert hits["recensement OR zzzqqq OR introuvable"]["ids"][:1] == ["tn-recensement"]


def test_browser_folds_arabic_letter_variants(folder):
    hits = run(folder, "الهجرة", "الهجره", "الهِجْرَة")
    assert hits["الهجرة"]["ids"] and hits["الهجرة"]["ids"][0] == "tn-hijra-ihsaat"
    assert hits["الهجره"]["ids"] == hits["الهجرة"]["ids"] == hits["الهِجْرَة"]["ids"]


def test_browser_lists_each_entry_once_whatever_its_language_versions(folder):
    ids = run(folder, "emploi employment")["emploi employment"]["ids"]
    assert ids.count("ma-enquete-emploi") == 1


def test_browser_reads_only_the_shards_of_the_query_words(tmp_path, monkeypatch):
    monkeypatch.setattr(static_index, "SHARD_BYTES", 200)  # many small terms files
    for name, text in static_index.export(ENTRIES).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shards = chunk(tmp_path, "meta")["shards"]
    assert shards >= 10
    hit = run(tmp_path, "trimestrielle")["trimestrielle"]  # a word that the glossary does not expand
    assert hit["ids"] == ["ma-enquete-emploi"]
    # meta.js, the word's terms file, the exact-title key's terms file, one docs file at most, and
    # the block of the real-word filter that says the word is a real one (no repair looked for)
    assert hit["files"] <= 5


# -- the same answers as the API: nothing to search, the length cap, hyphenated compounds ------

COMPOUND_ENTRIES = [
    *ENTRIES,
    make_entry("ma-sous-emploi", "fr", "Mesurer le sous-emploi des migrants",
               "Le sous-emploi lié à la durée du travail chez les travailleurs migrants.",
               countries=("MA",), themes=("stocks",), body="Indicateurs du sous-emploi."),
    make_entry("tn-main-oeuvre", "fr", "Migration de main-d'œuvre en Tunisie",
               "Les flux de main-d'œuvre vers l'Europe.", countries=("TN",), themes=("flows",),
               body="La main-d'œuvre qualifiée."),
]


@pytest.fixture(scope="module")
def compound_folder(tmp_path_factory) -> Path:
    return exported(tmp_path_factory, "kb-search-compounds", COMPOUND_ENTRIES)


def test_meta_ships_the_api_stop_words_operators_and_limits_from_their_source(folder):
    meta = chunk(folder, "meta")
    assert meta["stop"] == sorted(all_stopwords()) and {"de", "the", "في"} <= set(meta["stop"])
    assert meta["operators"] == sorted(OPERATORS)
    assert meta["max_query_chars"] == MAX_QUERY_CHARS and meta["max_query_terms"] == MAX_QUERY_TERMS
    assert meta["no_terms_hint"] == NO_TERMS_HINT


def test_index_holds_the_whole_compound_besides_its_parts(compound_folder):
    sous = doc_number_of(COMPOUND_ENTRIES, "ma-sous-emploi", "fr")
    assert sous in postings_of(compound_folder, static_index.compound_key("sous-emploi"))
    assert sous in postings_of(compound_folder, static_index.key("emploi"))
    assert doc_number_of(COMPOUND_ENTRIES, "ma-enquete-emploi", "fr") not in postings_of(
        compound_folder, static_index.compound_key("sous-emploi"))


def test_browser_searches_a_compound_whole_as_the_api_does(compound_folder):
    got = run(compound_folder, "sous-emploi", "emploi", "main-d'œuvre")
    assert got["sous-emploi"]["ids"] == ["ma-sous-emploi"]
    assert {"ma-enquete-emploi", "ma-sous-emploi"} <= set(got["emploi"]["ids"])
    assert got["main-d'œuvre"]["ids"][0] == "tn-main-oeuvre"


def test_browser_answers_nothing_with_the_hint_when_the_query_has_no_word(folder):
    got = run(folder, "!!!???", "🙂🇲🇦", "de la", "x", "recensement")
    for q in ("!!!???", "🙂🇲🇦", "de la", "x"):
        assert got[q]["total"] == 0 and got[q]["ids"] == [] and got[q]["hint"] == NO_TERMS_HINT, q
    assert got["recensement"]["total"] > 0 and got["recensement"]["hint"] is None


def test_browser_refuses_a_query_longer_than_the_api_accepts(folder):
    long_query = ("emploi " * 300)[:MAX_QUERY_CHARS + 1]
    at_limit = "emploi".ljust(MAX_QUERY_CHARS)  # one word: within the word limits too
    got = run(folder, long_query, at_limit)
    assert got[long_query]["too_long"] == MAX_QUERY_CHARS and got[long_query]["total"] == 0
    assert got[at_limit]["too_long"] is None and got[at_limit]["total"] > 0


def test_browser_refuses_what_the_api_refuses_for_its_words_with_the_same_codes(folder):
    # tools.web.api.check_words: more than MAX_QUERY_TERMS words, or one longer than MAX_TERM_CHARS
    # letters, is refused by the API; the offline page must not search part of it instead.
    cases = {" ".join(["emploi"] * (MAX_QUERY_TERMS + 1)): "too_many_words",
             " ".join(["emploi"] * MAX_QUERY_TERMS): None,
             "emploi " + "a" * (MAX_TERM_CHARS + 1): "word_too_long",
             "emploi " + "a" * MAX_TERM_CHARS: None,
             "recensement " + "ع" * (MAX_TERM_CHARS + 1): "word_too_long"}
    got = run(folder, *cases)
    for q, code in cases.items():
        try:
            check_words(q)
            api = None
        except QueryError as e:
            api = e.code
        assert api == code, q[:40]
        assert got[q]["code"] == code, q[:40]
        if code:
            assert got[q]["total"] == 0 and got[q]["ids"] == [], q[:40]
        else:
            assert got[q]["total"] > 0, q[:40]


def test_browser_recognises_a_misspelt_country_whose_key_the_index_lacks(folder):
    # Typos inside the key's letters (the first six): the key finds nothing, the name is near one
    # country's; the API's countries_named recognises the same words (fuzzy_limit).
    hits = run(folder, "recensement Tnuisie", "recensement Tunsiie", "migration Agleria", "recensement Tnuis")
    for q, code in (("recensement Tnuisie", "TN"), ("recensement Tunsiie", "TN"), ("migration Agleria", "DZ")):
        assert [e["concept"] for e in hits[q]["expansions"] if e["kind"] == "country"] == [code], q
    assert hits["recensement Tnuisie"]["ids"][:1] == ["tn-recensement"]
    # Six letters or fewer: no edit distance allowed, as in the API.
    assert not [e for e in hits["recensement Tnuis"]["expansions"] if e["kind"] == "country"]


def test_meta_ships_the_fuzzy_limits_and_names_of_the_countries_entries_are_about(folder):
    from tools.search.query import fuzzy_limit

    meta = chunk(folder, "meta")
    assert meta["fuzzy_limits"] == [fuzzy_limit("x" * n) for n in range(13)]
    assert meta["fuzzy"]["tunisie"] == "TN" and meta["fuzzy"]["algerie"] == "DZ"
    assert "maroc" not in meta["fuzzy"]  # five letters: never fuzzy-matched
    assert set(meta["country_names"]) == {"MA", "TN", "DZ"}


def test_edit_distance_in_the_browser_is_the_api_s(tmp_path):
    from tools.search.query import edit_distance

    pairs = [("mauritana", "mauritania", 2), ("marcoo", "maroco", 2), ("abc", "xyzuvw", 2), ("", "ab", 2),
             ("tnuisie", "tunisie", 1), ("الجزاير", "الجزائر", 1), ("algeria", "nigeria", 1)]
    script = tmp_path / "d.js"
    engine = Path(static_index.__file__).resolve().parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js"
    script.write_text(f"const E = require({json.dumps(str(engine))});\n"
                      f"process.stdout.write(JSON.stringify({json.dumps(pairs, ensure_ascii=False)}"
                      ".map(p => E.editDistance(p[0], p[1], p[2]))));\n", encoding="utf-8")
    done = subprocess.run([shutil.which("node"), str(script)], capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout) == [edit_distance(a, b, limit) for a, b, limit in pairs]


# -- spelling repair: the API's rule (query.build) with the static index's own data -----------


def test_browser_repairs_a_misspelt_word_into_the_index_word_as_the_api_does(folder):
    hits = run(folder, "recensment", "remitances algeria")
    fixes = [e for e in hits["recensment"]["expansions"] if e["kind"] == "spelling"]
    assert fixes == [{"kind": "spelling", "matched": "recensment", "concept": "", "added": ["recensement"]}]
    assert hits["recensment"]["ids"][:1] == ["tn-recensement"]
    assert [e["added"] for e in hits["remitances algeria"]["expansions"] if e["kind"] == "spelling"] == [["remittances"]]
    assert hits["remitances algeria"]["ids"][:1] == ["dz-remittances"]


def test_browser_leaves_real_words_and_unsure_repairs_as_typed(folder):
    # Real words of the word lists, near an index word but not in the index ('recensements',
    # 'surveys', 'تقارير' near 'تقرير'); a misspelt first letter ('ecensement'): not repaired.
    queries = ("recensements", "surveys", "تقارير", "ecensement")
    hits = run(folder, *queries)
    for q in queries:
        assert not [e for e in hits[q]["expansions"] if e["kind"] == "spelling"], q


def test_browser_repairs_at_most_as_many_words_as_the_api(folder):
    from tools.search.query import MAX_SPELLING_WORDS

    q = "recensment statistiqes remitances mesurre guidr"
    fixes = [e for e in run(folder, q)[q]["expansions"] if e["kind"] == "spelling"]
    assert 1 <= len(fixes) <= MAX_SPELLING_WORDS


def test_real_word_filter_holds_the_word_lists_and_glossary_and_few_others():
    import base64
    import random

    from tools.search.query import dictionary_words

    blocks, encoded = static_index.real_word_filter(frozenset({"qwertzuiop"}))
    bits = [base64.b64decode(b) for b in encoded]

    def holds(word: str) -> bool:
        block, positions = static_index.bloom_bits(word, blocks)
        return all(bits[block][p >> 3] & (1 << (p & 7)) for p in positions)

    words = sorted(w for w in dictionary_words() if 4 <= len(w) <= 24)
    sample = random.Random(3).sample(words, 2000)
    assert all(holds(w) for w in sample) and holds("qwertzuiop")
    rng = random.Random(5)
    others = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(5, 12))) for _ in range(4000)]
    assert sum(holds(w) for w in others) / len(others) < 0.03


def test_browser_hashes_words_into_the_filter_as_python_does(tmp_path):
    words = ["recensement", "التقارير", "emploi", "ﬁchier", "😀x", "main-d'oeuvre"]
    script = tmp_path / "b.js"
    engine = Path(static_index.__file__).resolve().parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js"
    spell = {"blocks": 97, "block_bits": static_index.SPELL_BLOCK_BITS, "hashes": static_index.SPELL_HASHES,
             "bases": list(static_index.SPELL_BASES)}
    script.write_text(f"const E = require({json.dumps(str(engine))});\n"
                      f"process.stdout.write(JSON.stringify({json.dumps(words, ensure_ascii=False)}"
                      f".map(w => E.bloomBits(w, {json.dumps(spell)}))));\n", encoding="utf-8")
    done = subprocess.run([shutil.which("node"), str(script)], capture_output=True, text=True, timeout=60)
    got = json.loads(done.stdout)
    assert [[g["block"], g["bits"]] for g in got] == [list(static_index.bloom_bits(w, 97)) for w in words]


def test_spelling_words_are_the_api_s_repair_candidates_by_first_letter_and_length(tmp_path):
    # The words the API repairs into: the neutral field's terms (engine.SearchIndex._near), with
    # the number of documents holding each.
    from whoosh import index

    from tools.search.index import build_search_index

    build_search_index(ENTRIES, tmp_path / "ix", progress=False)
    reader = index.open_dir(str(tmp_path / "ix")).reader()
    api = {}
    for term in reader.lexicon("neutral"):
        word = term.decode("utf-8") if isinstance(term, bytes) else term
        if meaningful(word) and len(word) <= static_index.MAX_SPELLING_CHARS + 2:
            api[word] = reader.doc_frequency("neutral", word)
    groups = static_index.spelling_words(ENTRIES)
    ours = {w: n for g, ws in groups.items() for w, n in ws.items()}
    assert ours == api
    assert ours["recensement"] == 1 and "remittances" in groups["r:11"]
    assert all(g == static_index.spelling_group(w) for g, ws in groups.items() for w in ws)


def test_browser_joins_a_word_cut_in_two_as_the_api_does(folder):
    # query.join_fragments: 'trimestri' + 'elle' around a zero-width space is the summary's word;
    # two real words are left apart.
    hits = run(folder, "enquête trimestri\u200belle", "gestion des flux")
    found = hits["enquête trimestri\u200belle"]
    assert found["ids"][:1] == ["ma-enquete-emploi"]
    assert {"kind": "spelling", "matched": "trimestri elle", "concept": "", "added": ["trimestrielle"]} in found["expansions"]
    assert not [e for e in hits["gestion des flux"]["expansions"] if e["kind"] == "spelling"]


def test_browser_gives_an_entry_about_many_countries_a_smaller_country_factor(tmp_path_factory):
    # engine.COUNTRY_SPECIFICITY: a country's postings weigh each entry's number of countries.
    from tools.search.engine import COUNTRY_SPECIFICITY

    text = "Saisonnières de la cueillette des fraises, saisonnières et cueillette."
    entries = [*ENTRIES,
               make_entry("cueillette-ma", "fr", "Cueillette des fraises", text, countries=("MA",)),
               make_entry("cueillette-maghreb", "fr", "Cueillette des fraises", text,
                          countries=("MA", "TN", "DZ", "LY", "MR"))]
    out = exported(tmp_path_factory, "kb-search-spread", entries)
    assert chunk(out, "meta")["boosts"]["country_specificity"] == COUNTRY_SPECIFICITY
    assert set(postings_of(out, "@c:MA").values()) == {1, 2, 5}  # ENTRIES' regional guide: MA and TN
    assert run(out, "cueillette fraises Maroc")["cueillette fraises Maroc"]["ids"][:2] == ["cueillette-ma", "cueillette-maghreb"]


def test_export_reuses_remembered_spelling_words_and_real_word_filter():
    # A build hands export the words and the filter kept from the last build: what it hands is
    # used (a stand-in word shows up), and the real ones give the same files as no memo at all.
    plain = static_index.export(ENTRIES)
    kept: dict = {}

    def remember(key, make):
        if key not in kept:
            kept[key] = make()
        return kept[key]

    assert static_index.export(ENTRIES, words_of=static_index.entry_spelling_words, remember=remember) == plain
    # Besides encoded files and each title's folded key:
    assert [k for k in kept if k[0] not in ("static-chunk", "static-title-key")] == [("static-real-words",)]
    assert {k[1] for k in kept if k[0] == "static-title-key"} == {e.title for e in ENTRIES}
    kept[("static-real-words",)] = (1, ["AAAA"])
    swapped = static_index.export(ENTRIES, words_of=lambda e: frozenset({"zzzyzzy"}), remember=remember)
    assert swapped["r0.js"] != plain["r0.js"] and '"AAAA"' in swapped["r0.js"]
    assert "zzzyzzy" in "".join(v for k, v in swapped.items() if re.fullmatch(r"v\d+\.js", k))


def test_an_export_patched_after_changes_additions_and_removals_equals_a_fresh_export(monkeypatch):
    """export(remember=..., print_of=...) patches the last export's files: after each change, added
    and removed entry its files are those of a fresh export of the same entries, byte for byte, and
    only the files of the change (and meta.js) differ from the last export's."""
    from dataclasses import replace

    from tests.search.test_static_terms import many_entries
    from tools.content.model import fingerprint

    made_whole: list = []
    full = static_index._full

    def counting(*args, **kwargs):
        made_whole.append(1)
        return full(*args, **kwargs)
    monkeypatch.setattr(static_index, "_full", counting)

    remember = memory()

    entries = list(ENTRIES) + many_entries(300)
    last = static_index.export(entries, remember=remember, print_of=fingerprint)
    assert made_whole == [1]
    steps = [
        lambda es: [replace(es[0], title="Enquête révisée sur l'emploi QZX"), *es[1:]],
        lambda es: [*es[:5], replace(es[5], body=es[5].body + " recensement frontière zqxw"), *es[6:]],
        lambda es: [*es, make_entry("zz-nouvelle", "fr", "Nouvelle enquête emploi", "Un registre des ménages.",
                                    body="Salaire et frontière.", countries=("TN",))],
        lambda es: [e for e in es if e.id != es[3].id],
        lambda es: [*es[:7], replace(es[7], countries=("LY", "MA"), type="tool"), *es[8:]],
        lambda es: [e for e in es if e.id != "zz-nouvelle"],
    ]
    patched = 0
    for step in steps:
        entries = step(entries)
        made_whole.clear()
        got = static_index.export(entries, remember=remember, print_of=fingerprint)
        monkeypatch.setattr(static_index, "_full", full)
        assert got == static_index.export(entries)
        monkeypatch.setattr(static_index, "_full", counting)
        if not made_whole:
            patched += 1
            differ = {name for name in got.keys() | last.keys() if got.get(name) != last.get(name)}
            assert "meta.js" in differ and len(differ) < len(got) / 2, sorted(differ)
        last = got
    assert patched >= 4


def test_entry_numbers_depend_on_the_set_of_ids_and_one_more_moves_few():
    ids = [f"ma-entree-{i:04d}" for i in range(500)]
    space, number = static_index.entry_numbers(ids)
    assert space == 1024 and len(set(number.values())) == 500
    assert static_index.entry_numbers(reversed(ids)) == (space, number)
    _, more = static_index.entry_numbers([*ids, "tn-nouvelle"])
    moved = [i for i in ids if more[i] != number[i]]
    assert len(moved) < 20


def test_an_added_or_removed_entry_rewrites_one_or_two_docs_files():
    """Entry numbers move few ids (entry_numbers), and a docs file holds 1 to 2 entries: adding or
    removing one entry rewrites the docs file of its number and of the few it moved, not the
    files of the entries after it in id order (as numbering the sorted ids did)."""
    from tests.search.test_static_terms import many_entries

    def docs_files(entries):
        return {n: t for n, t in static_index.export(entries).items() if re.fullmatch(r"d\d+\.js", n)}

    entries = many_entries(120)
    before = docs_files(entries)
    added = [*entries, make_entry("e-0050a", "fr", "Nouvelle enquête", "Un registre.", body="Salaire.")]
    removed = [e for e in entries if e.id != "e-0040"]
    for changed in (added, removed):
        after = docs_files(changed)
        differ = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
        assert 1 <= len(differ) <= 3, sorted(differ)
        assert len(before) > 40


def test_a_patched_export_equals_a_fresh_one_when_the_number_space_doubles():
    """Crossing a power of two of ids doubles entry_numbers' space and moves most numbers: the
    patched export then makes every file again and still equals a fresh export, and so does the
    export after it (patched in the new space)."""
    from tests.search.test_static_terms import many_entries
    from tools.content.model import fingerprint

    remember = memory()
    entries = many_entries(8)
    space, _ = static_index.entry_numbers(e.id for e in entries)
    static_index.export(entries, remember=remember, print_of=fingerprint)
    for i in range(3):
        entries = [*entries, make_entry(f"f-{i}", "fr", "Enquête frontière", "Un registre des salaires.",
                                        body="Migration et emploi.")]
        assert static_index.export(entries, remember=remember, print_of=fingerprint) == static_index.export(entries)
    assert static_index.entry_numbers(e.id for e in entries)[0] == 2 * space


def test_quantised_averages_move_by_steps_only():
    assert static_index.quantised_average(0, 10) == static_index.quantised_average(5, 0) == 1.0
    a = static_index.quantised_average(400_000, 1000)
    assert abs(a / 400 - 1) < 0.03
    assert static_index.quantised_average(400_000 + 400, 1001) == a


# -- agent nouns: 'employer' is not 'employment' (analysis.stem's -er rule, in the static keys) --


def test_agent_key_is_an_english_agent_noun_singular_beyond_the_prefix():
    assert static_index.agent_key("employer") == static_index.agent_key("employers") == "employer"
    assert static_index.agent_key("foreigners") == "foreigner"
    assert static_index.agent_key("employment") == static_index.agent_key("emploi") == ""
    # Within the prefix length the prefix key already keeps the ending; Arabic and numbers never.
    assert static_index.agent_key("worker") == static_index.agent_key("workers") == ""
    assert static_index.agent_key("المهاجر") == static_index.agent_key("2018") == ""


def test_browser_agent_key_is_python_s(tmp_path):
    words = ["employer", "employers", "foreigners", "employment", "worker", "workers", "travailler", "المهاجر",
             "employee", "coordinators", "2018", "stats"]
    script = tmp_path / "a.js"
    engine = Path(static_index.__file__).resolve().parents[2] / "docs" / "assets" / "javascripts" / "kb-engine.js"
    script.write_text(f"const E = require({json.dumps(str(engine))});\n"
                      f"process.stdout.write(JSON.stringify({json.dumps(words, ensure_ascii=False)}"
                      f".map(w => E.agentKey(w, {static_index.PREFIX_LEN}))));\n", encoding="utf-8")
    done = subprocess.run([shutil.which("node"), str(script)], capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout) == [static_index.agent_key(w) for w in words]


def test_agent_keys_stand_beside_the_prefix_keys_and_leave_the_field_lengths_alone():
    entry = make_entry("x", "en", "Employers and employment", "Each employer files a return.")
    keys = static_index.entry_keys(entry)
    assert keys["title"].count("employ") == 2 and keys["title"].count("employer") == 1
    assert keys["summary"].count("employer") == 1
    plain = make_entry("y", "en", "Firms and employment", "Each firm files a return.")
    lengths = static_index.entry_terms(entry).lengths
    assert lengths == static_index.entry_terms(plain).lengths  # same number of words per field


AGENT_ENTRIES = [
    make_entry("employers-en", "en", "Employers of foreign workers",
               "Each employer applies for the permit of a foreign worker.", countries=("MA",)),
    make_entry("employment-en", "en", "Employment of young people",
               "Employment and employment rates of young people, employment policies.", countries=("MA",)),
    make_entry("employeurs-fr", "fr", "Déclarations des employeurs",
               "Chaque employeur déclare ses salariés étrangers.", countries=("TN",)),
    make_entry("placement-en", "en", "Placement abroad (placement à l'étranger)",
               "Placements of workers abroad.", countries=("TN",)),
    make_entry("etranger-fr", "fr", "Travail à l'étranger",
               "Les travailleurs partis à l'étranger.", countries=("TN",)),
]


@pytest.fixture(scope="module")
def agent_folder(tmp_path_factory) -> Path:
    return exported(tmp_path_factory, "kb-search-agents", AGENT_ENTRIES)


def test_browser_does_not_take_employer_for_employment(agent_folder):
    # As the API (analysis.stem): in English versions 'employer' is searched by its own key, not
    # by 'employ', which 'employment' shares; other versions keep the prefix key ('employeur').
    found = run(agent_folder, "employer", "employment")
    assert found["employer"]["ids"] == ["employers-en", "employeurs-fr"]
    assert "employment-en" in found["employment"]["ids"]


def test_browser_keeps_the_prefix_key_of_a_word_french_versions_also_hold(agent_folder):
    # 'étranger' has the shape of an agent noun, but French versions hold it: an English version's
    # 'à l'étranger' must not leave the French ones out.
    found = run(agent_folder, "étranger")["étranger"]["ids"]
    assert {"etranger-fr", "placement-en"} <= set(found)


def test_facets_js_is_patched_row_by_row_and_made_again_when_a_facet_s_values_change(monkeypatch):
    """facets.js lists each facet's values sorted (so that a patched file and a fresh one agree):
    after one entry changes within the values already listed, only its rows are made again; an
    entry bringing a new value (or taking the last of one away) moves the indexes, and every row
    is made again. Each time the file equals a fresh export's."""
    from dataclasses import replace

    from tests.search.test_static_terms import many_entries
    from tools.content.model import fingerprint

    def facets(files):
        return json.loads(files["facets.js"].split(",", 1)[1].rsplit(");", 1)[0])

    texts: dict = {}

    def remember(key, make):
        if key not in texts:
            texts[key] = make()
        return texts[key]

    entries = list(ENTRIES) + many_entries(120)
    first = facets(static_index.export(entries, remember=remember, print_of=fingerprint))
    assert all(values == sorted(values) for values in first["values"].values())
    rows = []
    real = static_index._facet_row
    monkeypatch.setattr(static_index, "_facet_row", lambda doc, *a: rows.append(doc) or real(doc, *a))
    known = first["values"]["countries"]
    new_country = next(c for c in ("LY", "MR", "EG", "SD") if c not in known)
    for step, made_all in (
        (lambda es: [replace(es[0], countries=(known[0],), themes=()), *es[1:]], False),
        (lambda es: [*es[:9], replace(es[9], countries=(new_country,)), *es[10:]], True),
        (lambda es: [e for e in es if new_country not in e.countries], True),
    ):
        entries = step(entries)
        rows.clear()
        got = static_index.export(entries, remember=remember, print_of=fingerprint)
        assert rows, "the export was patched"
        assert (len(rows) == len(entries)) is made_all, len(rows)
        assert got["facets.js"] == static_index.export(entries)["facets.js"]


def test_the_api_s_word_family_has_the_browser_s_prefix_key_length():
    # query.build's `family` searches what the browser's prefix key matches for a word no field holds.
    from tools.search.query import FAMILY_CHARS

    assert FAMILY_CHARS == static_index.PREFIX_LEN
