"""Entry format v1, declared once.

The validator, the JSON Schema, the contributor docs and the page labels all derive from
FIELDS and from the vocabularies in data/vocabulary.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import yaml
from babel import Locale

from tools.i18n import DATA_DIR, DEFAULT_LANG, LANGS  # noqa: F401 - re-exported for the schema's users

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FILE_BYTES = 1_000_000
# Codes babel knows that are not ISO 3166-1 alpha-2 assignments (regions, reserved, user-assigned).
_NOT_ISO = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}


@dataclass(frozen=True)
class Field:
    """One front-matter field. `kind` picks the check; `vocab` names a vocabulary."""

    name: str
    kind: str  # text | enum | enum_list | countries | period | date | links | str_list
    required: bool = False
    vocab: str | None = None
    min_len: int | None = None
    max_len: int | None = None
    default: object = None
    help: dict = field(default_factory=dict)  # lang -> one line for contributors


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, min_len=3, max_len=200, help={
        "fr": "Titre de la fiche, dans la langue du fichier.",
        "ar": "عنوان البطاقة بلغة الملف.",
        "en": "Title of the entry, in the file's language."}),
    Field("type", "enum", True, vocab="types", help={
        "fr": "Nature de la fiche.", "ar": "نوع البطاقة.", "en": "Kind of entry."}),
    Field("lang", "enum", True, vocab="languages", help={
        "fr": "Langue du fichier, égale au suffixe du nom (.fr.md).",
        "ar": "لغة الملف، مطابقة لامتداد الاسم (.ar.md).",
        "en": "Language of the file, equal to the file-name suffix (.en.md)."}),
    Field("countries", "countries", True, help={
        "fr": "Codes ISO 3166-1 alpha-2 en majuscules ; [] pour une fiche régionale.",
        "ar": "رموز ISO 3166-1 بحرفين كبيرين؛ [] للبطاقات الإقليمية.",
        "en": "ISO 3166-1 alpha-2 codes in upper case; [] for a regional entry."}),
    Field("summary", "text", True, min_len=20, max_len=500, help={
        "fr": "Résumé en texte brut (20 à 500 caractères).",
        "ar": "ملخص بنص عادي (من 20 إلى 500 حرف).",
        "en": "Plain-text summary (20 to 500 characters)."}),
    Field("themes", "enum_list", True, vocab="themes", help={
        "fr": "Un ou plusieurs thèmes.", "ar": "محور واحد أو أكثر.", "en": "One or more themes."}),
    Field("data_sources", "enum_list", vocab="data_sources", default=(), help={
        "fr": "Sources de données documentées.", "ar": "مصادر البيانات الموثقة.",
        "en": "Data sources the entry documents."}),
    Field("institutions", "str_list", default=(), help={
        "fr": "Institutions concernées.", "ar": "المؤسسات المعنية.", "en": "Institutions involved."}),
    Field("period", "period", help={
        "fr": "Période couverte : AAAA ou AAAA-AAAA.", "ar": "الفترة: YYYY أو YYYY-YYYY.",
        "en": "Period covered: YYYY or YYYY-YYYY."}),
    Field("links", "links", default=(), help={
        "fr": "Sources publiques : liste de {title, url} en http(s).",
        "ar": "مصادر عامة: قائمة {title, url} بروابط http(s).",
        "en": "Public sources: list of {title, url} with http(s) URLs."}),
    Field("tags", "str_list", default=(), help={
        "fr": "Mots-clés libres.", "ar": "كلمات مفتاحية حرة.", "en": "Free keywords."}),
    Field("status", "enum", vocab="statuses", default="draft", help={
        "fr": "draft (par défaut) ou reviewed.", "ar": "draft (افتراضي) أو reviewed.",
        "en": "draft (default) or reviewed."}),
    Field("updated", "date", help={
        "fr": "Date de dernière mise à jour : AAAA-MM-JJ.", "ar": "تاريخ آخر تحديث: YYYY-MM-DD.",
        "en": "Date last updated: YYYY-MM-DD."}),
    Field("reviewed_by", "str_list", default=(), help={
        "fr": "Relecteurs (obligatoire si status: reviewed).", "ar": "المراجعون (إلزامي إذا كانت الحالة reviewed).",
        "en": "Reviewers (required when status is reviewed)."}),
    Field("reviewed_on", "date", help={
        "fr": "Date de relecture AAAA-MM-JJ (obligatoire si status: reviewed).",
        "ar": "تاريخ المراجعة YYYY-MM-DD (إلزامي إذا كانت الحالة reviewed).",
        "en": "Review date YYYY-MM-DD (required when status is reviewed)."}),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
# Fields that translations of one entry must share: they describe the thing, not the text.
SHARED_FIELDS = ("type", "countries", "themes", "data_sources")

BODY_HEADINGS = {
    "fr": ("Contexte", "Description", "Méthode", "Enseignements", "Références"),
    "ar": ("السياق", "الوصف", "المنهجية", "الدروس المستفادة", "المراجع"),
    "en": ("Context", "Description", "Method", "Lessons", "References"),
}


_DATA: dict[str, tuple[tuple[int, int], object]] = {}


def data_file(name: str) -> dict:
    """A YAML file of data/ (vocabulary, glossary, interface strings), parsed.

    Parsed once and re-read only when the file's modification time or size changes, so a
    long-running process (the live preview, the server) sees an edited vocabulary at once.
    Raises OSError if the file cannot be read, yaml.YAMLError if it is not YAML.
    """
    path = DATA_DIR / name
    st = path.stat()
    key = (st.st_mtime_ns, st.st_size)
    cached = _DATA.get(name)
    if cached is None or cached[0] != key:
        with open(path, encoding="utf-8") as fh:
            cached = _DATA[name] = (key, yaml.safe_load(fh))
    return cached[1]


def vocabulary() -> dict:
    """{'types': {term: {lang: {label, description}}}, 'themes': ..., 'folders': [...]}"""
    return data_file("vocabulary.yml")


def terms(vocab: str) -> tuple[str, ...]:
    return tuple(vocabulary()[vocab])


def label(vocab: str, term: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a vocabulary term, or of a country code, in the interface language."""
    if vocab == "countries":
        return country_name(term, lang)
    entry = vocabulary()[vocab].get(term)
    return entry[lang]["label"] if entry else term


def description(vocab: str, term: str, lang: str = DEFAULT_LANG) -> str:
    entry = vocabulary()[vocab].get(term) or {}
    return entry.get(lang, {}).get("description", "")


@cache
def _territories(lang: str) -> dict:
    return Locale(lang).territories


@cache
def country_codes() -> frozenset:
    return frozenset(c for c in _territories("en") if len(c) == 2 and c.isalpha() and c not in _NOT_ISO)


def country_name(code: str, lang: str = DEFAULT_LANG) -> str:
    return _territories(lang).get(code, code)


def folders() -> tuple[str, ...]:
    return tuple(vocabulary()["folders"])
