"""The facets of the collection, declared once: country, type, theme, data source, language.

Each `Facet` ties together the names a facet goes by in every layer:

    name        its key in API responses, in the search page and in interface strings ("country")
    param       the query parameter of the API and of the search page's address ("country")
    field       the Entry attribute and the search index field that hold its values ("countries")
    vocabulary  the vocabulary of tools/data/vocabulary.yml that lists and labels its values
                ("countries" has no list: any ISO 3166-1 alpha-2 code, labelled by babel)

The page generators (tools/site/pages.py), the search engine (tools/search/engine.py), the API
(tools/web/api.py and openapi.py), the CLI (`python -m tools search`) and the search page (labels
generated into kb/search-ui.js) all read FACETS, so a new facet is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.content import schema
from tools.content.vocab import Vocabularies


@dataclass(frozen=True)
class Facet:
    """One facet. See the module docstring for what each name is used for.

    multi: True when an entry holds a list of values (countries, themes, data_sources), False
    when it holds exactly one (type, lang).
    """

    name: str
    param: str
    field: str
    vocabulary: str
    multi: bool

    def values(self, vocabs: Vocabularies) -> tuple[str, ...]:
        """The accepted values of the facet in the run's vocabularies `vocabs`, in vocabulary order.

        For countries: the ISO 3166-1 alpha-2 codes (sorted), since an entry may name any country.
        Raises KeyError if the vocabulary is missing from vocabulary.yml."""
        if self.vocabulary == "countries":
            return tuple(sorted(schema.country_codes()))
        if self.vocabulary == "languages":
            return schema.LANGS
        return vocabs.terms(self.vocabulary)

    def accepts(self, value: str, vocabs: Vocabularies) -> bool:
        """True if `value` (already normalised, see `clean`) is a value of the facet in `vocabs`."""
        if self.vocabulary == "countries":
            return value in schema.country_codes()
        return value in self.values(vocabs)

    def clean(self, value: str) -> str:
        """A value as typed in a query parameter, normalised: stripped, country codes upper-cased,
        every other value lower-cased (vocabulary ids are lower-case slugs: 'AR' means 'ar')."""
        value = value.strip()
        return value.upper() if self.vocabulary == "countries" else value.lower()

    def label(self, value: str, lang: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> str:
        """The label of one value in interface language `lang` ('MA' -> 'Maroc') in `vocabs`
        (None: the shipped vocabularies, read now); the value itself when it has none."""
        return Vocabularies.ensure(vocabs).label(self.vocabulary, value, lang)

    def title(self, lang: str = schema.DEFAULT_LANG, vocabs: Vocabularies | None = None) -> str:
        """The facet's own name in interface language `lang` ('Pays'), from ui.yml (search.facet_*)
        of `vocabs` (None: the shipped strings, read now)."""
        words = Vocabularies.ensure(vocabs).ui["search"].get(f"facet_{self.name}", {})
        return words.get(lang, self.name)

    def of(self, entry) -> tuple[str, ...]:
        """The facet's values in one Entry (tools.content.model.Entry), as a tuple."""
        return entry.facet_values(self.field)


FACETS: tuple[Facet, ...] = (
    Facet("country", "country", "countries", "countries", multi=True),
    Facet("type", "type", "type", "types", multi=False),
    Facet("theme", "theme", "themes", "themes", multi=True),
    Facet("data_source", "data_source", "data_sources", "data_sources", multi=True),
    Facet("lang", "lang", "lang", "languages", multi=False),
)
BY_NAME = {f.name: f for f in FACETS}
BY_FIELD = {f.field: f for f in FACETS}
BY_PARAM = {f.param: f for f in FACETS}
FIELDS = tuple(f.field for f in FACETS)
