"""Text normalisation shared by indexing and querying, so both sides fold text the same way.

Order matters and is tested: NFC first (a decomposed alef-hamza would escape the alef rule),
then Arabic folding, then case folding, then Latin accent removal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer

TATWEEL = "\u0640"
# Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks: vowel marks, not letters.
TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي",
    # ة and ه are folded together: writers and typists use ه for a final ة ("الهجره"), and no
    # word of this domain's vocabulary is told apart by that letter alone (see tests/test_text.py).
    "ة": "ه",
    "’": "'", "ʼ": "'", "‘": "'", "`": "'",
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
})
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ELISION_RE = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)")

# Tokens: numbers with dots (10.7.1), or words that may carry marks and inner apostrophes. Marks
# (Arabic vowels, and Latin combining accents of decomposed input such as "enque\u0302te") stay
# inside the word here; normalize() then composes or drops them. Splitting before NFC would cut words.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
TOKEN_PATTERN = rf"\d+(?:\.\d+)+|[\w{_MARKS}]+(?:['’][\w{_MARKS}]+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)

_STOP = {
    "fr": "le la les l un une des de du d au aux a à et ou en dans sur par pour avec sans sous ce cet cette ces "
          "qui que qu quoi dont il elle ils elles on se sa son ses leur leurs est sont être été ont a ne pas plus "
          "y nous vous je tu me te lui mais donc or ni car comme entre vers chez",
    "en": "a an the and or of to in on at by for with from as is are was were be been it its this that these "
          "those not no but into about than which who whom",
    "ar": "في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين و أو او ثم قد كان كانت هو هي هم ما لا لم لن "
          "إن ان أن بين حتى كل عند",
}


def normalize(text: str) -> str:
    """Fold text for matching: same output for 'données'/'DONNEES', 'الهِجْرَة'/'الهجره'."""
    text = unicodedata.normalize("NFC", text)
    text = CONTROL_RE.sub(" ", text)
    text = TASHKEEL_RE.sub("", text.replace(TATWEEL, ""))
    text = text.translate(ARABIC_FOLD).casefold()
    return "".join(_fold_latin(c) for c in text)


@lru_cache(maxsize=4096)
def _fold_latin(char: str) -> str:
    # Only Latin letters lose their accents; Arabic letters must keep hamza and the like.
    if ord(char) >= 0x250:
        return char
    special = {"œ": "oe", "æ": "ae", "ø": "o", "ð": "d", "þ": "th", "ł": "l"}
    if char in special:
        return special[char]
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def strip_elision(token: str) -> str:
    return ELISION_RE.sub("", token)


@cache
def stopwords(lang: str) -> frozenset:
    return frozenset(normalize(w) for w in _STOP.get(lang, "").split())


_STEMMER_NAMES = {"fr": "french", "en": "english"}
# Light10 (Larkey, Ballesteros & Connell 2002), on folded text (ة is already ه). Snowball's Arabic
# stemmer was tried first and split this domain's word families: تحويلات → تحويلا but
# التحويلات → تحويل; فيضان → يضان. Light10 strips the same affixes every time.
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_AR_MIN = 3


def arabic_light_stem(word: str) -> str:
    if len(word) > 4 and word.startswith("و"):
        word = word[1:]
    for prefix in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
            break
    changed = True
    while changed:
        changed = False
        for suffix in _AR_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _AR_MIN:
                word, changed = word[: -len(suffix)], True
    return word


@cache
def _stemmer(lang: str):
    return snowballstemmer.stemmer(_STEMMER_NAMES[lang])


@lru_cache(maxsize=100_000)
def stem(word: str, lang: str) -> str:
    if word.isdigit():
        return word
    if lang == "ar":
        return arabic_light_stem(word)
    if lang not in _STEMMER_NAMES:
        return word
    return _stemmer(lang).stemWord(word) or word


def analyse(text: str, lang: str | None) -> list[str]:
    """Terms of a text as the index sees them (lang None: folded, unstemmed); for tests and synonyms."""
    out = []
    for raw in TOKEN_RE.findall(text):
        token = strip_elision(normalize(raw))
        if not token or (lang and token in stopwords(lang)):
            continue
        out.append(stem(token, lang) if lang else token)
    return out


# Bounded repeats: an unclosed '[' or '<' must not make each later one scan to the end (quadratic).
_MD_LINK_RE = re.compile(r"!?\[([^\[\]]{0,1000})\]\([^()]{0,2000}\)")
_MD_MARK_RE = re.compile(r"(^|\n)\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+")
_MD_EMPH_RE = re.compile(r"[*_`~]{1,3}")
_HTML_RE = re.compile(r"<[^<>]{0,1000}>")


def markdown_to_text(md: str) -> str:
    """Plain text of a Markdown body, for the index and snippets (no URLs, marks or tags)."""
    text = _MD_LINK_RE.sub(r"\1", md)
    text = _HTML_RE.sub(" ", text)
    text = _MD_MARK_RE.sub(r"\1", text)
    text = _MD_EMPH_RE.sub("", text)
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{2,}", "\n", text)).strip()
