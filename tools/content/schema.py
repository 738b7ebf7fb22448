"""Entry format v1, declared once.

The validator, the JSON Schema, the contributor docs and the page labels all derive from
FIELDS and from the vocabularies in data/vocabulary.yml (tools.content.vocab.Vocabularies, loaded
once per run by its caller and handed to the kinds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.content.kinds import (
    Block,
    Choice,
    ChoiceList,
    Cite,
    Countries,
    Date,
    Kind,
    LanguageCodes,
    Links,
    Period,
    StrList,
    Text,
    Years,
)
from tools.content.model import Instrument
from tools.content.vocab import (  # noqa: F401 - re-exported for the schema's users
    Vocabularies,
    country_codes,
    country_name,
    language_codes,
)
from tools.i18n import DATA_DIR, DEFAULT_LANG, LANGS  # noqa: F401 - re-exported for the schema's users

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Field:
    """One front-matter field (or one sub-field of a Block): its kind checks the value and gives
    its JSON Schema; `help` is one line per language for contributors ({lang: text})."""

    name: str
    kind: Kind
    required: bool = False
    default: object = None
    help: dict = field(default_factory=dict)

    def json_schema(self, vocabs: Vocabularies | None = None) -> dict:
        """The kind's JSON Schema (terms from `vocabs`; None: the shipped ones) with the English help as description."""
        return {**self.kind.json_schema(self.required, vocabs), "description": self.help.get("en", "")}


def _help(fr: str, ar: str, en: str) -> dict:
    return {"fr": fr, "ar": ar, "en": en}


# Sub-fields of `instrument`, in the order the guides and the scaffold show them. All optional:
# what is not known is left out ("unknown stays unknown").
INSTRUMENT_FIELDS: tuple[Field, ...] = (
    Field("population", Text(3, 300), help=_help(
        "Population couverte (texte).", "السكان المشمولون (نص).", "Population covered (text).")),
    Field("migrant_identification", ChoiceList("migrant_identification"), help=_help(
        "Comment un migrant est identifié : liste de termes du vocabulaire.",
        "كيفية تحديد المهاجر: قائمة من مصطلحات المفردات.",
        "How a migrant is identified: list of vocabulary terms.")),
    Field("reference_period", Text(3, 200), help=_help(
        "Période de référence (texte), p. ex. « la semaine précédant l'entretien ».",
        "الفترة المرجعية (نص)، مثل «الأسبوع السابق للمقابلة».",
        "Reference period (text), e.g. \"the week before the interview\".")),
    Field("periodicity", Choice("periodicities"), help=_help(
        "Périodicité : un terme du vocabulaire.", "الدورية: مصطلح واحد من المفردات.",
        "Periodicity: one vocabulary term.")),
    Field("rounds", Years(), help=_help(
        "Années des vagues, de la plus ancienne à la plus récente : [2014, 2024] ; la dernière en est déduite.",
        "سنوات الجولات من الأقدم إلى الأحدث: [2014, 2024]؛ وتُستنتج منها آخر جولة.",
        "Years of the rounds, oldest first: [2014, 2024]; the latest round is derived from them.")),
    Field("sample", Text(3, 300), help=_help(
        "Taille de l'échantillon ou couverture (texte).", "حجم العينة أو التغطية (نص).",
        "Sample size or coverage (text).")),
    Field("collection_modes", ChoiceList("collection_modes"), help=_help(
        "Modes de collecte : liste de termes du vocabulaire.", "طرق الجمع: قائمة من مصطلحات المفردات.",
        "Collection modes: list of vocabulary terms.")),
    Field("microdata_access", Choice("microdata_access"), help=_help(
        "Accès aux microdonnées : un terme du vocabulaire.", "الوصول إلى البيانات الجزئية: مصطلح واحد من المفردات.",
        "Access to microdata: one vocabulary term.")),
    Field("questionnaire_languages", LanguageCodes(), help=_help(
        "Langues du questionnaire, codes ISO 639 : [ar, fr].", "لغات الاستمارة برموز ISO 639: [ar, fr].",
        "Questionnaire languages, ISO 639 codes: [ar, fr].")),
    Field("icls_concepts", ChoiceList("icls_concepts"), help=_help(
        "Concepts de la 20e CIST (2018) que l'instrument permet de mesurer.",
        "مفاهيم المؤتمر الدولي العشرين لخبراء إحصاءات العمل (2018) التي تتيح الأداة قياسها.",
        "Concepts of the 20th ICLS (2018) the instrument can measure.")),
)
INSTRUMENT_FIELDS += (
    Field("cite", Cite(tuple(f.name for f in INSTRUMENT_FIELDS)), help=_help(
        "Sources de chaque valeur : {champ: [numéros de liens]}, numérotés depuis 0 dans links, p. ex. {rounds: [0]}.",
        "مصدر كل قيمة: {الحقل: [أرقام الروابط]} مرقمة من 0 في links، مثل {rounds: [0]}.",
        "Source of each value: {field: [link numbers]}, counted from 0 in links, e.g. {rounds: [0]}.")),
)

FIELDS: tuple[Field, ...] = (
    Field("title", Text(3, 200), True, help={
        "fr": "Titre de la fiche, dans la langue du fichier.",
        "ar": "عنوان البطاقة بلغة الملف.",
        "en": "Title of the entry, in the file's language."}),
    Field("type", Choice("types"), True, help={
        "fr": "Nature de la fiche.", "ar": "نوع البطاقة.", "en": "Kind of entry."}),
    Field("lang", Choice("languages"), True, help={
        "fr": "Langue du fichier, égale au suffixe du nom (.fr.md).",
        "ar": "لغة الملف، مطابقة لامتداد الاسم (.ar.md).",
        "en": "Language of the file, equal to the file-name suffix (.en.md)."}),
    Field("countries", Countries(), True, help={
        "fr": "Codes ISO 3166-1 alpha-2 en majuscules ; [] pour une fiche régionale.",
        "ar": "رموز ISO 3166-1 بحرفين كبيرين؛ [] للبطاقات الإقليمية.",
        "en": "ISO 3166-1 alpha-2 codes in upper case; [] for a regional entry."}),
    Field("summary", Text(20, 500), True, help={
        "fr": "Résumé en texte brut (20 à 500 caractères).",
        "ar": "ملخص بنص عادي (من 20 إلى 500 حرف).",
        "en": "Plain-text summary (20 to 500 characters)."}),
    Field("themes", ChoiceList("themes"), True, help={
        "fr": "Un ou plusieurs thèmes.", "ar": "محور واحد أو أكثر.", "en": "One or more themes."}),
    Field("data_sources", ChoiceList("data_sources"), default=(), help={
        "fr": "Sources de données documentées.", "ar": "مصادر البيانات الموثقة.",
        "en": "Data sources the entry documents."}),
    Field("institutions", StrList(), default=(), help={
        "fr": "Institutions concernées.", "ar": "المؤسسات المعنية.", "en": "Institutions involved."}),
    Field("period", Period(), help={
        "fr": "Période couverte : AAAA ou AAAA-AAAA.", "ar": "الفترة: YYYY أو YYYY-YYYY.",
        "en": "Period covered: YYYY or YYYY-YYYY."}),
    Field("links", Links(), default=(), help={
        "fr": "Sources publiques : liste de {title, url} en http(s), avec en option accessed (date de consultation "
              "AAAA-MM-JJ, pas dans le futur) et archive_url (copie archivée, p. ex. web.archive.org).",
        "ar": "مصادر عامة: قائمة {title, url} بروابط http(s)، مع حقلين اختياريين: accessed (تاريخ الاطلاع "
              "YYYY-MM-DD، لا يكون في المستقبل) وarchive_url (نسخة مؤرشفة، مثل web.archive.org).",
        "en": "Public sources: list of {title, url} with http(s) URLs, optionally accessed (date read, "
              "YYYY-MM-DD, not in the future) and archive_url (an archived copy, e.g. on web.archive.org)."}),
    Field("tags", StrList(), default=(), help={
        "fr": "Mots-clés libres.", "ar": "كلمات مفتاحية حرة.", "en": "Free keywords."}),
    Field("status", Choice("statuses"), default="draft", help={
        "fr": "draft (par défaut) ou reviewed.", "ar": "draft (افتراضي) أو reviewed.",
        "en": "draft (default) or reviewed."}),
    # A typo such as 2062 would put the entry first in every "latest" listing for decades; a day of
    # slack because a contributor east of the checking machine may already be on the next day.
    Field("updated", Date(not_future=True, slack_days=1,
                          hint="write the date of the entry's last change, today at the latest"), help={
        "fr": "Date de dernière mise à jour : AAAA-MM-JJ, pas dans le futur.",
        "ar": "تاريخ آخر تحديث: YYYY-MM-DD، ليس في المستقبل.",
        "en": "Date last updated: YYYY-MM-DD, not in the future."}),
    Field("reviewed_by", StrList(), default=(), help={
        "fr": "Relecteurs (obligatoire si status: reviewed).", "ar": "المراجعون (إلزامي إذا كانت الحالة reviewed).",
        "en": "Reviewers (required when status is reviewed)."}),
    # A review not yet done cannot be vouched for: '2026-12-15' written ahead, or a day-month slip
    # ('2026-12-05' for 12 May), passed (found by breaker11). Same day of slack as `updated`.
    Field("reviewed_on", Date(not_future=True, slack_days=1,
                              hint="write the date on which the review was done, today at the latest"), help={
        "fr": "Date de relecture AAAA-MM-JJ, pas dans le futur (obligatoire si status: reviewed).",
        "ar": "تاريخ المراجعة YYYY-MM-DD، ليس في المستقبل (إلزامي إذا كانت الحالة reviewed).",
        "en": "Review date YYYY-MM-DD, not in the future (required when status is reviewed)."}),
    Field("instrument", Block(INSTRUMENT_FIELDS, record=Instrument, types=("tool",)), help={
        "fr": "Facultatif, fiches de type tool seulement : profil de l'instrument ; omettre ce qui n'est pas connu.",
        "ar": "اختياري، لبطاقات النوع tool فقط: وصف الأداة؛ يُحذف ما ليس معروفًا.",
        "en": "Optional, tool entries only: profile of the instrument; leave out what is not known."}),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
# Fields that translations of one entry must share: they describe the thing, not the text.
SHARED_FIELDS = ("type", "countries", "themes", "data_sources")

BODY_HEADINGS = {
    "fr": ("Contexte", "Description", "Méthode", "Enseignements", "Références"),
    "ar": ("السياق", "الوصف", "المنهجية", "الدروس المستفادة", "المراجع"),
    "en": ("Context", "Description", "Method", "Lessons", "References"),
}
