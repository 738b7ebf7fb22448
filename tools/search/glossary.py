"""The trilingual glossary (data/glossary.yml): one file for the glossary page and the search synonyms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tools.content.schema import DATA_DIR, LANGS
from tools.content.vocab import Vocabularies, read_yaml
from tools.search.analysis import TOKEN_RE, analyse, join_stopword_compounds, normalize, stopwords, strip_elision

MAX_PHRASE_WORDS = 8


@dataclass(frozen=True)
class Concept:
    """One concept of the trilingual glossary (data/glossary.yml, one item under `terms`).

    id: the item's id (a slug, e.g. 'international-migrant'). acronyms: as written in the file
    (ENE, RGPH). terms: {lang: {"term": str, "synonyms": [str], "definition": str}} for each of
    fr/ar/en present in the item. source: address of the text the definition follows (ILO, ICLS,
    UN publications), '' when none. ar_proposed: the Arabic term is a proposal not yet checked
    against an official Arabic text (the glossary page marks it). broader: the id of the concept
    this one is a kind of ('remittances-moroccans-abroad' of 'remittances'), '' when none: a query
    naming this concept searches the broader one's names too (expand), never the reverse."""

    id: str
    acronyms: tuple[str, ...]
    terms: dict  # lang -> {"term", "synonyms", "definition"}
    source: str = ""
    ar_proposed: bool = False
    broader: str = ""

    def names(self) -> list[str]:
        """Every way to say this concept: terms, synonyms and acronyms in all languages."""
        out = list(self.acronyms)
        for lang in LANGS:
            t = self.terms.get(lang) or {}
            out += [t.get("term", "")] + list(t.get("synonyms") or [])
        return [n for n in out if n]


def concepts(vocabs: Vocabularies) -> tuple[Concept, ...]:
    """The concepts of the run's glossary (vocabs.glossary_terms), built once per Vocabularies."""
    return vocabs.derived("glossary.concepts", lambda: _concepts(vocabs.glossary_terms))


def _concepts(terms: list) -> tuple[Concept, ...]:
    return tuple(
        Concept(id=t["id"], acronyms=tuple(t.get("acronyms") or ()),
                terms={lang: t[lang] for lang in LANGS if t.get(lang)},
                source=t.get("source", ""), ar_proposed=bool(t.get("ar_proposed")), broader=str(t.get("broader") or ""))
        for t in terms
    )


def search_names(concept: Concept, found: tuple[Concept, ...]) -> list[str]:
    """The names a query naming `concept` searches: its own (Concept.names), then those of its
    broader concept among `found` (the glossary's concepts), each once. A country's remittances
    are remittances: 'تحويلات المغاربة المقيمين بالخارج' searches 'transferts de fonds' too, while
    'transferts de fonds' does not search one country's remittances. Mirrored in the static
    index's concept names (static_index._synonyms)."""
    names = concept.names()
    if concept.broader:
        broader = next((c for c in found if c.id == concept.broader), None)
        if broader is not None:
            names += broader.names()
    return list(dict.fromkeys(names))


def load(path: Path = DATA_DIR / "glossary.yml") -> tuple[Concept, ...]:
    """The concepts of the glossary file at `path`, read now; () when the file does not exist.
    A run reads the project's glossary through its Vocabularies (concepts()); this is for another
    file (tests). Raises yaml.YAMLError if it is not YAML."""
    return _concepts((read_yaml(path, {}) or {}).get("terms", []))


def _key(text: str) -> tuple[str, ...]:
    return tuple(strip_elision(normalize(w)) for w in TOKEN_RE.findall(text))


def _phrase_map(path: Path | None = None, vocabs: Vocabularies | None = None) -> dict:
    """The phrase table of the glossary file `path` (built now), else of the run's `vocabs` (built
    once per Vocabularies; None: the shipped glossary, read now)."""
    if path is not None:
        return _phrase_map_of(load(path))
    vocabs = Vocabularies.ensure(vocabs)
    return vocabs.derived("glossary.phrase_map", lambda: _phrase_map_of(concepts(vocabs)))


def _phrase_map_of(found: tuple[Concept, ...]) -> dict:
    """Word tuple -> (concept, is_acronym). Names are keyed both folded and stemmed in their own
    language without stop words, so 'work permits' finds 'work permit' and 'permis travail'
    finds 'permis de travail'."""
    table = {}
    for concept in found:
        for acronym in concept.acronyms:
            table.setdefault(_key(acronym), (concept, True))
        for lang in LANGS:
            t = concept.terms.get(lang) or {}
            for name in [t.get("term", "")] + list(t.get("synonyms") or []):
                if name:
                    table.setdefault(_key(name), (concept, False))
                    # A compound such as 'sous-emploi' is one word here: without its stop word
                    # 'sous' it would be keyed as 'emploi' and every query on employment named it.
                    table.setdefault(("~" + lang, *analyse(join_stopword_compounds(name), lang)), (concept, False))
    table.pop((), None)
    for lang in LANGS:
        table.pop(("~" + lang,), None)
    return table


def _stemmed_hit(table: dict, typed: str, first: str, last: str):
    """A name matched on stems in some language; the match may not start or end on a stop word,
    so that 'les travailleurs migrants au' reports 'travailleurs migrants' as what matched."""
    for lang in LANGS:
        if first in stopwords(lang) or last in stopwords(lang):
            continue
        key = ("~" + lang, *analyse(typed, lang))
        if len(key) > 1 and key in table:
            return table[key]
    return None


@dataclass(frozen=True)
class Expansion:
    """One glossary concept found in a query by expand(): `matched` is the query words that named it,
    as typed; `concept` the Concept's id; `added` its other names (terms and synonyms in every
    language, and its acronyms unless an acronym was typed), each once, searched as well."""

    matched: str  # the words of the query, as typed
    concept: str
    added: tuple[str, ...]  # other names of the concept, searched as well


def expand(query: str, path: Path | None = None, vocabs: Vocabularies | None = None) -> list[Expansion]:
    """Glossary concepts named in a query, longest match first, with their other names: from the
    glossary file `path` when given (tests), else from the run's `vocabs` (None: the shipped
    glossary, read now).

    Short acronyms only count when typed in capitals, so that 'ene' or 'air' typed as words
    are not taken for ENE or AIR. A name typed twice (the same folded words) is found once.
    """
    table = _phrase_map(path, vocabs)
    found_concepts = load(path) if path is not None else concepts(Vocabularies.ensure(vocabs))
    words = TOKEN_RE.findall(query)
    keys = [strip_elision(normalize(w)) for w in words]
    found, i, seen = [], 0, set()
    while i < len(keys):
        for n in range(min(MAX_PHRASE_WORDS, len(keys) - i), 0, -1):
            typed = " ".join(words[i:i + n])
            hit = table.get(tuple(keys[i:i + n])) or _stemmed_hit(table, typed, keys[i], keys[i + n - 1])
            if not hit:
                continue
            concept, is_acronym = hit
            if is_acronym and n == 1 and len(typed) <= 3 and not typed.isupper():
                continue
            # An acronym names one instance (ENE): its expansion is the concept's names, not the
            # sibling acronyms (ENPE, ENESI), which are other surveys.
            names = [x for x in search_names(concept, found_concepts) if not (is_acronym and x in concept.acronyms)]
            others = tuple(dict.fromkeys(x for x in names if _key(x) != tuple(keys[i:i + n])))
            # A name typed again ('recensement recensement') is reported once: the page showed one
            # "also searched" line per repetition (breaker12).
            if (concept.id, tuple(keys[i:i + n])) not in seen:
                seen.add((concept.id, tuple(keys[i:i + n])))
                found.append(Expansion(typed, concept.id, others))
            i += n - 1
            break
        i += 1
    return found
