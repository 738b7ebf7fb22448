"""Text normalisation shared by indexing and querying, so both sides fold text the same way.

normalize() is the one folding function; its steps, in this order (each is tested):
1. a zero-width space (U+200B) becomes a space: it marks where a line may break between words
   (Thai, Khmer, text from web pages), so the words on each side stay two words. Other
   invisible and formatting characters are removed, joining what they split: soft hyphen
   (U+00AD), zero-width non-joiner/joiner (U+200C/U+200D, inside Persian and Arabic words),
   word joiner (U+2060), BOM,
   bidi marks and embeddings (U+200E/F, U+061C, U+202A-U+202E, U+2066-U+2069), variation
   selectors. Text pasted from PDFs and right-to-left editors carries them inside words;
2. NFKC: compatibility forms become their plain letters (ligatures ﬁ ﬂ ﬀ, fullwidth
   ｅｍｐｌｏｉ, superscripts m², Arabic presentation forms ﻻ ﺍﻟﻌﻤﻞ → لا العمل). NFKC also composes,
   so a decomposed alef + hamza above becomes أ before the alef rule below;
3. Arabic: vowel marks and tatweel dropped; alef variants → ا, ى → ي, ة → ه; letters of
   Persian and Urdu keyboards → their Arabic equivalents (ی → ي, ک/ڪ → ك, ہ ۀ ە ھ → ه,
   ۃ → ه); Arabic-Indic and Persian digits → 0-9; typographic apostrophes → ';
4. case folding, then Latin accents removed (œ → oe).

Words: WORD_RE finds words (a hyphenated compound is several words: for glossary, country
and title matching). The index tokenizer, TOKEN_PATTERN, keeps a compound in one token;
compound_parts() splits it so that the index holds both the compound (joined: sous-emploi →
sousemploi) and its parts, while a query for the compound searches the compound.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache

import Stemmer

from tools.content.markdown import fences

TATWEEL = "\u0640"
# A letter of the Arabic block, which normalize() brings the presentation forms (NFKC) into.
ARABIC_RE = re.compile("[\u0600-\u06ff]")
# Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks: vowel marks, not letters.
TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# Format characters that may sit inside a word; removed so the word is whole again.
INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200c-\u200f\u202a-\u202e"
             "\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff")
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# A zero-width space separates words (a break opportunity); not in INVISIBLE, so WORD_RE splits at it.
ZERO_WIDTH_SPACE = "\u200b"
ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي",
    # ة and ه are folded together: writers and typists use ه for a final ة ("الهجره"), and no
    # word of this domain's vocabulary is told apart by that letter alone (see tests/test_text.py).
    "ة": "ه",
    # Persian and Urdu keyboards type these for the Arabic letters (same sound, other shape).
    "\u06cc": "ي", "\u06d0": "ي", "\u06a9": "ك", "\u06aa": "ك",
    "\u06c1": "ه", "\u06c0": "ه", "\u06d5": "ه", "\u06be": "ه", "\u06c3": "ه",
    "’": "'", "ʼ": "'", "‘": "'", "`": "'",
    # The Arabic decimal separator, which Arabic number formats give for a dot: '١٠٫٧٫١' is 10.7.1
    # (it was three numbers, and found SDG 10.c.1 first; breaker9).
    "\u066b": ".",
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian, Urdu) digits
})
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ELISION_RE = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)")

# Words: numbers with dots (10.7.1), or letters that may carry marks, invisible characters and
# inner apostrophes. Marks (Arabic vowels, Latin combining accents of decomposed input such as
# "enque\u0302te") and invisible characters stay inside the word here; normalize() then composes
# or drops them. Splitting before normalising would cut words (and shift highlight offsets).
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640" + INVISIBLE
_WORD = rf"[\w{_MARKS}]+(?:['’][\w{_MARKS}]+)*"
WORD_PATTERN = rf"\d+(?:[.\u066b]\d+)+|{_WORD}"
WORD_RE = TOKEN_RE = re.compile(WORD_PATTERN)
HYPHENS = "-\u2010\u2011"
# The index tokenizer: a hyphenated compound (sous-emploi, main-d'œuvre) is one token.
TOKEN_PATTERN = rf"\d+(?:[.\u066b]\d+)+|{_WORD}(?:[{HYPHENS}]{_WORD})*"
_HYPHEN_RE = re.compile(f"[{HYPHENS}]")
_COMPOUND_RE = re.compile(TOKEN_PATTERN)

# The Arabic article typed alone (ال) is a stop word too: it has nothing to search (breaker12).
_STOP = {
    "fr": "le la les l un une des de du d au aux a à et ou en dans sur par pour avec sans sous ce cet cette ces "
          "qui que qu quoi dont il elle ils elles on se sa son ses leur leurs est sont être été ont a ne pas plus "
          "y nous vous je tu me te lui mais donc or ni car comme entre vers chez",
    "en": "a an the and or of to in on at by for with from as is are was were be been it its this that these "
          "those not no but into about than which who whom",
    "ar": "في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين و أو او ثم قد كان كانت هو هي هم ما لا لم لن "
          "إن ان أن بين حتى كل عند ال",
}


# Question words of the three languages: searched in no query ('what is the', 'كيف يتم قياس...'
# search their other words; alone they answer nothing, with the no-terms hint; breaker12). Query
# side only (query.without_question_words): entry texts keep them, as taking 'where' and 'when'
# out of the English bodies shifted BM25 lengths enough to swap a judged ranking.
# Not a word that is also a word of another of the languages: 'comment' (French 'how') is the
# English noun of the ILO supervisory bodies' comments ('CEACR comment' searched only 'CEACR').
_QUESTION_WORDS = {
    "fr": "quel quelle quels quelles pourquoi quand",
    "en": "what how where when why whose",
    "ar": "هل كيف ماذا لماذا أين متى",
}


@cache
def question_words() -> frozenset:
    """Folded question words of every analysed language (frozenset of str): 'what', 'pourquoi', 'كيف'."""
    return frozenset(normalize(w) for text in _QUESTION_WORDS.values() for w in text.split())


def normalize(text: str) -> str:
    """Fold text for matching: same output for 'données'/'DONNEES', 'الهِجْرَة'/'الهجره',
    'ﬁchier'/'fichier', 'تحويلات'/'تحويلات' typed on a Persian keyboard, 'em\u00adploi'/'emploi'.

    Used on both sides (index and query); see the module docstring for the steps. Words and
    other short texts (up to SHORT_TEXT characters) are folded once and kept (_normalize_short:
    a search folds each of its words some forty times over, in its analysis, glossary and
    country look-ups)."""
    if len(text) <= SHORT_TEXT:
        return _normalize_short(text)
    return _normalize(text)


SHORT_TEXT = 64


@lru_cache(maxsize=65536)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = INVISIBLE_RE.sub("", text.replace(ZERO_WIDTH_SPACE, " "))
    text = unicodedata.normalize("NFKC", text)
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


def compound_parts(token: str) -> list[str]:
    """The words of a hyphenated token as written ('sous-emploi' -> ['sous', 'emploi']); a token
    without a hyphen gives [token]."""
    return [p for p in _HYPHEN_RE.split(token) if p]


def join_compound(token: str) -> str:
    """The one-term form of a compound: its parts joined without hyphens ('sous-emploi' -> 'sousemploi')."""
    return "".join(compound_parts(token))


def join_stopword_compounds(text: str) -> str:
    """The text with each hyphenated compound that has a stop word or a single letter among its
    parts joined into one word ('le sous-emploi' -> 'le sousemploi', as the index holds it whole);
    other compounds are left as written. For names analysed word by word (analyse()), where the
    stop word would be dropped and the compound taken for its other part ('sous-emploi' for
    'emploi')."""
    def join(m: re.Match) -> str:
        parts = compound_parts(m.group())
        if len(parts) > 1 and not all(meaningful(strip_elision(normalize(p))) for p in parts):
            return "".join(parts)
        return m.group()
    return _COMPOUND_RE.sub(join, text)


def strip_elision(token: str) -> str:
    """A folded token without a leading French elided article or pronoun and its apostrophe (l', d',
    j', m', n', s', t', c', qu', jusqu', lorsqu', puisqu', quoiqu'): "l'emploi" -> "emploi". Only
    removed when a letter or digit follows, so "l'" alone stays. Expects a token folded by
    normalize(), which turns the typographic apostrophe (’) into the straight one."""
    return ELISION_RE.sub("", token)


@cache
def stopwords(lang: str) -> frozenset:
    """Folded stop words of a language (frozenset of str); empty for an unknown language."""
    return frozenset(normalize(w) for w in _STOP.get(lang, "").split())


@cache
def all_stopwords() -> frozenset:
    """Folded stop words of every analysed language: words that carry no meaning on their own."""
    return frozenset().union(*(stopwords(lang) for lang in _STOP))


def meaningful(word: str) -> bool:
    """Whether a folded query word can carry a search on its own: a number of two characters or
    more ('10', '2019', '10.7.1'), or a word of two letters or more that is a stop word in no
    analysed language ('a', 'des', 'في' are not). A single character, digit or letter, is not:
    '1' is in dozens of entries (list items, article numbers), so that `' OR 1=1 --` found them
    and counted as a strong match."""
    if len(word) < 2:
        return False
    if word.replace(".", "").isdigit():
        return True
    return word not in all_stopwords() and any(c.isalnum() for c in word)


_STEMMER_NAMES = {"fr": "french", "en": "english"}
MIN_STEM = 3  # letters of the shortest Snowball stem taken (stem)
# Light10 (Larkey, Ballesteros & Connell 2002), on folded text (ة is already ه). Snowball's Arabic
# stemmer was tried first and split this domain's word families: تحويلات → تحويلا but
# التحويلات → تحويل; فيضان → يضان. Light10 strips the same affixes every time.
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_AR_MIN = 3


def arabic_prefix_strip(word: str) -> str:
    """Light10's first half: a leading و, then one article or preposition + article (وال، بال، لل...)."""
    if len(word) > 4 and word.startswith("و"):
        word = word[1:]
    for prefix in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix):]
    return word


def arabic_light_stem(word: str) -> str:
    """Light10 stem of a folded Arabic word: prefixes, then suffixes while 3 letters remain."""
    word = arabic_prefix_strip(word)
    changed = True
    while changed:
        changed = False
        for suffix in _AR_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _AR_MIN:
                word, changed = word[: -len(suffix)], True
    return word


# Snowball's own C stemmers (PyStemmer): the same algorithms and stems as the pure-Python
# snowballstemmer package (tests/search/test_analysis.py compares them), 15-25 times faster; the
# first analysis of every word of a build went through them (#10). One per thread, as PyStemmer
# asks: a stemmer keeps the word it works on (the search API analyses queries in a thread pool).
_STEMMERS = threading.local()


def _stemmer(lang: str) -> Stemmer.Stemmer:
    try:
        return getattr(_STEMMERS, lang)
    except AttributeError:
        made = Stemmer.Stemmer(_STEMMER_NAMES[lang])
        setattr(_STEMMERS, lang, made)
        return made


@lru_cache(maxsize=100_000)
def stem(word: str, lang: str) -> str:
    """The stem of a folded, elision-stripped word in language `lang` ('fr', 'en', 'ar'): Snowball's
    French (made consistent for plurals and feminines in -ers/-ère(s) and plurals in -ois: _french) or English
    stemmer (Snowball's C stemmers, PyStemmer), Light10 for Arabic (arabic_light_stem); an English
    word ending in -er, -ee or -or that Snowball would cut there keeps it, without its plural
    ('employers' -> 'employer', not 'employ' as 'employment'). All-digit
    words and words of any other language come back unchanged, as does a word Snowball reduces to ''
    or to fewer than MIN_STEM letters ('ins', 'ons': an acronym is not 'in' or 'on').
    Results are cached (up to 100,000 words)."""
    if word.isdigit():
        return word
    if lang == "ar":
        return arabic_light_stem(word)
    if lang not in _STEMMER_NAMES:
        return word
    out = _stemmer(lang).stemWord(word) or word
    if len(out) < MIN_STEM and out != word:
        # Two letters say too little to stand for a word: Snowball cuts 'INS' (an institute's
        # acronym) to 'in', 'ONS' to 'on', 'ads' to 'ad', so a query for the acronym matched
        # every text quoting an English title with 'in'. Such a short word is kept whole.
        return word
    if lang == "fr":
        return _french(word, out)
    if lang == "en":
        # Porter2 cuts the agent endings -er, -ee and -or, which merges a person with an activity:
        # employer with employment (both 'employ'), foreigner with foreign, customer with customs.
        # Such a noun keeps its ending and loses only its plural.
        single = word[:-1] if word.endswith(("ers", "ees", "ors")) else word
        if single.endswith(("er", "ee", "or")) and len(out) < len(single) - 1:
            return single
    return out


def _french(word: str, out: str) -> str:
    """Snowball's French stem `out` of `word`, made consistent where Snowball is not:
    - a singular in -er loses it as a verb ending ('étranger' -> 'etrang', 'saisonnier' ->
      'saisonni', 'irrégulier' -> 'irreguli') but its plural and feminine keep it ('étrangers',
      'étrangère' -> 'etranger'; 'irrégulière' -> 'irregulier'): those lose it too, so that
      'migration irrégulière' finds 'migrants irréguliers';
    - a plural in -ois keeps its s ('emplois', 'envois'): it loses it, as 'emploi', 'envoi';
    A verb in -oyer still becomes its noun ('employer' -> 'emploi', 'envoyer' -> 'envoi'): giving
    it its own stem ('employ') lost the judged queries on employers' permits (bench over-stemming
    0.884 -> 0.810), whose French entries speak of 'emploi'."""
    if out.endswith("er") and len(out) >= 5 and word.endswith(("ers", "ere", "eres")):
        return out[:-2]
    if word.endswith("ois") and out == word:
        return out[:-1]
    return out


def analyse(text: str, lang: str | None) -> list[str]:
    """Terms of a text as the index sees them (lang None: folded, unstemmed); for tests and synonyms."""
    out = []
    for raw in WORD_RE.findall(text):
        token = strip_elision(normalize(raw))
        if not token or (lang and token in stopwords(lang)):
            continue
        out.append(stem(token, lang) if lang else token)
    return out


def shown_form(raw: str) -> str:
    """A word as people write it, cleaned of what normalize() drops without changing its letters:
    invisible and formatting characters, compatibility forms (NFKC), Arabic vowel marks and tatweel,
    a leading French elision ("l'Enquête" -> "Enquête"). Accents, case and Arabic letter variants
    (أ, ة, ى) are kept: the form shown in completions, where normalize() gives the matching form."""
    text = INVISIBLE_RE.sub("", raw.replace(ZERO_WIDTH_SPACE, ""))
    text = unicodedata.normalize("NFKC", text)
    text = TASHKEEL_RE.sub("", text.replace(TATWEEL, ""))
    text = text.replace("’", "'").replace("ʼ", "'").replace("‘", "'")
    m = ELISION_RE.match(text.lower())
    return text[m.end():] if m else text


def written_forms(prose: str, names: tuple[str, ...] | list[str] = ()) -> dict[str, dict[str, int]]:
    """{folded word: {form as written: occurrences}} of the words of `prose` (sentences: a title,
    a summary) and `names` (institutions, tags: written as they are), as the index's neutral field
    holds them: each word (strip_elision(normalize())), and a hyphenated compound also whole
    ('sous-emploi' for 'sousemploi'). A capital that only starts a sentence of `prose` ('Enquête
    nationale...') is not the word's: counted in lower case. Only words written at least once
    otherwise than they fold (accents, capitals, Arabic letter variants) are kept, with all their
    forms, the folded one included: a word always written as it folds needs no table. Stop words
    and single characters are left out (analysis.meaningful)."""
    out: dict[str, dict[str, int]] = {}

    def add(folded: str, shown: str) -> None:
        forms = out.setdefault(folded, {})
        forms[shown] = forms.get(shown, 0) + 1

    for text, sentences in [(prose, True), *((name, False) for name in names)]:
        for m in _COMPOUND_RE.finditer(text):
            whole_folded, whole, pieces = _token_forms(m.group())
            if sentences and whole[:1].isupper() and whole[1:] == whole[1:].lower():
                # The last character before the word that is not a space (text[:start].rstrip()[-1],
                # without copying the text before every word).
                i = m.start() - 1
                while i >= 0 and text[i].isspace():
                    i -= 1
                if i < 0 or text[i] in _SENTENCE_END:
                    whole = whole[:1].lower() + whole[1:]
                    first, shown, keep = pieces[0]
                    pieces = ((first, shown[:1].lower() + shown[1:], keep), *pieces[1:])
            if whole_folded is not None:
                add(whole_folded, whole)
            for folded, shown, keep in pieces:
                if keep:  # the neutral field holds no stop word
                    add(folded, shown)
    return {folded: forms for folded, forms in out.items() if len(forms) > 1 or folded not in forms}


@lru_cache(maxsize=100_000)
def _token_forms(raw: str) -> tuple[str | None, str, tuple[tuple[str, str, bool], ...]]:
    """What written_forms counts of one token, wherever it stands: the folded compound (None for a
    single word, or when the compound is not analysis.meaningful), its shown_form, and each part's
    (folded, shown_form, meaningful). Once per distinct token (words repeat: Zipf), where every
    occurrence was folded and cleaned again (#10)."""
    parts = compound_parts(raw)
    whole = None
    if len(parts) > 1:
        whole = strip_elision(normalize("".join(parts)))
        whole = whole if meaningful(whole) else None
    pieces = []
    for part in parts:
        folded = strip_elision(normalize(part))
        pieces.append((folded, shown_form(part), meaningful(folded)))
    return whole, shown_form(raw), tuple(pieces)


def id_words(entry_id: str) -> frozenset[str]:
    """The words an entry's id puts in the neutral field ('ma-enquete-emploi' -> ma, enquete,
    emploi, maenqueteemploi): a slug, folded already, which says nothing of how the words are
    written (written_form's votes leave them out)."""
    parts = [strip_elision(normalize(p)) for p in compound_parts(entry_id)]
    return frozenset(parts + ["".join(parts)])


_SENTENCE_END = ".!?:;…\n"


def written_form(folded: str, forms: dict[str, int]) -> str:
    """The form to show for a folded word among its written forms {form: occurrences}: the most
    frequent spelling, case aside (ties: an accented or otherwise marked spelling first, then
    alphabetical), in lower case when it is written so somewhere ('Enquête' at a title's start,
    'enquête' elsewhere: 'enquête'), else as most often written ('Maroc', 'HIMS'). `folded` itself
    when `forms` is empty."""
    if not forms:
        return folded
    by_lower: dict[str, int] = {}
    for form, n in forms.items():
        by_lower[form.lower()] = by_lower.get(form.lower(), 0) + n
    lower = max(by_lower, key=lambda f: (by_lower[f], f != folded, f))
    if lower in forms:
        return lower
    cased = [(n, form) for form, n in forms.items() if form.lower() == lower]
    return max(cased)[1]


# Bounded repeats: an unclosed '[' or '<' must not make each later one scan to the end (quadratic).
_MD_LINK_RE = re.compile(r"!?\[([^\[\]]{0,1000})\]\([^()]{0,2000}\)")
_MD_MARK_RE = re.compile(r"(^|\n)\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+")
_MD_EMPH_RE = re.compile(r"[*_`~]{1,3}")
_HTML_RE = re.compile(r"<[^<>]{0,1000}>")
# What [ \t]+ -> ' ' changes: a run of spaces and tabs other than one space. The single spaces
# between words, nearly every match of [ \t]+, are left alone: replacing each with itself took
# half of markdown_to_text's time, which each build spends three times per entry (#10).
_SPACES_RE = re.compile(r"(?: [ \t]|\t)[ \t]*")


def markdown_to_text(md: str) -> str:
    """Plain text of a Markdown body, for the index and snippets (no URLs, marks or tags). A fenced
    code block (tools.content.markdown.fences, as the page shows it) gives its code as written,
    without its fence lines: '<b>' or '*' in a query's code is text there, as on the page."""
    blocks = fences(md)
    if not blocks:
        return _prose_text(md)
    pieces, pos = [], 0
    for block in blocks:
        pieces += [_prose_text(md[pos:block.start]), block.code]
        pos = block.end
    pieces.append(_prose_text(md[pos:]))
    return _SPACES_RE.sub(" ", re.sub(r"\n{2,}", "\n", "\n".join(pieces))).strip()


def _prose_text(md: str) -> str:
    """markdown_to_text of text outside fenced code."""
    text = _MD_LINK_RE.sub(r"\1", md)
    text = _HTML_RE.sub(" ", text)
    text = _MD_MARK_RE.sub(r"\1", text)
    text = _MD_EMPH_RE.sub("", text)
    return _SPACES_RE.sub(" ", re.sub(r"\n{2,}", "\n", text)).strip()
