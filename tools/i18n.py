"""Interface languages: which exist and their text direction (their strings, data/ui.yml, are read
with the other data files by tools.content.vocab.Vocabularies).

The entry languages and the interface languages are the same three; French is the default and is
served at the site root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS = ("fr", "ar", "en")
DEFAULT_LANG = "fr"
OTHER_LANGS = tuple(lang for lang in LANGS if lang != DEFAULT_LANG)
RTL = frozenset({"ar"})


def direction(lang: str) -> str:
    """'rtl' for a right-to-left language, otherwise 'ltr' (the HTML `dir` value)."""
    return "rtl" if lang in RTL else "ltr"


def plural(forms: dict, n: int, lang: str) -> str:
    """The text of `forms` ({CLDR plural category: "text with {n}"}, e.g. {"one": "{n} fiche",
    "other": "{n} fiches"}) that Babel's plural rules pick for the count n in lang, with n filled in.
    Falls back to the "other" form when the language's category has no text. Raises KeyError if
    forms has neither."""
    category = _locale(lang).plural_form(n)
    return (forms.get(category) or forms["other"]).format(n=n)


def format_list(items: list[str], lang: str) -> str:
    """Items joined as a list in lang, by Babel's CLDR patterns ("a, b et c", "a, b, and c").
    Arabic uses the 'unit' pattern, whose separator is the Arabic comma ("a، وb، وc"): the standard
    one has no separator at all, which is hard to read between Latin names."""
    from babel.lists import format_list as babel_format_list

    if not items:
        return ""
    return babel_format_list(list(items), style="unit" if lang == "ar" else "standard", locale=_locale(lang))


@cache
def _locale(lang: str):
    """Babel's Locale of `lang`, parsed once: given a language code, Babel parses it again on each
    call (two thirds of format_list's time, called a few times per generated page: #10)."""
    from babel import Locale

    return Locale.parse(lang)
