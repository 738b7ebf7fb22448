"""Outputs derived from the one schema (tools/schema.py + data/vocabulary.yml):
a JSON Schema for editors, and the field and vocabulary tables of the contributor guides.

    python -m tools schema --write-guides   refill the tables between the markers in CONTRIBUTING*.md
"""

from __future__ import annotations

import re

from tools.content import schema
from tools.content.schema import FIELDS

GUIDES = {"fr": "CONTRIBUTING.md", "ar": "CONTRIBUTING.ar.md", "en": "CONTRIBUTING.en.md"}
MARKER = re.compile(r"(<!-- BEGIN generated: (\w+) -->\n).*?(<!-- END generated: \2 -->)", re.S)
HEAD = {
    "fr": ("Champ", "Obligatoire", "Règle", "oui", "non", "Valeur", "Libellé", "Signification"),
    "ar": ("الحقل", "إلزامي", "القاعدة", "نعم", "لا", "القيمة", "التسمية", "المعنى"),
    "en": ("Field", "Required", "Rule", "yes", "no", "Value", "Label", "Meaning"),
}
VOCAB_TITLES = {
    "types": {"fr": "Types (`type`)", "ar": "الأنواع (`type`)", "en": "Types (`type`)"},
    "themes": {"fr": "Thèmes (`themes`)", "ar": "المحاور (`themes`)", "en": "Themes (`themes`)"},
    "data_sources": {"fr": "Sources de données (`data_sources`)", "ar": "مصادر البيانات (`data_sources`)",
                     "en": "Data sources (`data_sources`)"},
    "statuses": {"fr": "Statuts (`status`)", "ar": "الحالات (`status`)", "en": "Statuses (`status`)"},
    "migrant_identification": {"fr": "Identification des migrants (`instrument.migrant_identification`)",
                               "ar": "تحديد المهاجرين (`instrument.migrant_identification`)",
                               "en": "Migrant identification (`instrument.migrant_identification`)"},
    "periodicities": {"fr": "Périodicités (`instrument.periodicity`)", "ar": "الدورية (`instrument.periodicity`)",
                      "en": "Periodicities (`instrument.periodicity`)"},
    "collection_modes": {"fr": "Modes de collecte (`instrument.collection_modes`)",
                         "ar": "طرق الجمع (`instrument.collection_modes`)",
                         "en": "Collection modes (`instrument.collection_modes`)"},
    "microdata_access": {"fr": "Accès aux microdonnées (`instrument.microdata_access`)",
                         "ar": "الوصول إلى البيانات الجزئية (`instrument.microdata_access`)",
                         "en": "Microdata access (`instrument.microdata_access`)"},
    "icls_concepts": {"fr": "Concepts de la 20e CIST (`instrument.icls_concepts`)",
                      "ar": "مفاهيم المؤتمر الدولي العشرين لخبراء إحصاءات العمل (`instrument.icls_concepts`)",
                      "en": "20th ICLS concepts (`instrument.icls_concepts`)"},
}
# Shown after a label that is a proposal not yet checked against an official text (vocabulary `proposed`).
PROPOSED = {"fr": " (proposé)", "ar": " (مقترح)", "en": " (proposed)"}


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of an entry's front matter, from the fields' kinds.

    What it cannot say (a link number in instrument.cite points at an existing link, rounds in
    order, accessed not in the future) only the checker (`make check`) verifies.
    """
    out = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "entry.schema.json",
        "title": "Knowledge-base entry front matter (format v1)",
        "type": "object",
        "required": [f.name for f in FIELDS if f.required],
        "properties": {f.name: f.json_schema() for f in FIELDS},
        "additionalProperties": True,
    }
    conditions = [c for f in FIELDS for c in f.kind.json_conditions(f.name)]
    if conditions:
        out["allOf"] = conditions
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_table(lang: str) -> str:
    """The contribution guide's table of fields in lang (Markdown): name, required or optional, and the
    rule (with the allowed terms of short vocabularies and one line per sub-field of a block)."""
    h = HEAD[lang]
    rows = [f"| {h[0]} | {h[1]} | {h[2]} |", "|---|---|---|"]
    for f in FIELDS:
        rule = f.help[lang]
        if getattr(f.kind, "vocab", None) in ("types", "statuses"):
            rule += " `" + "`, `".join(schema.terms(f.kind.vocab)) + "`"
        for sub in getattr(f.kind, "fields", ()):  # a block: one line per sub-field in the same cell
            rule += f"<br>`{f.name}.{sub.name}`: {sub.help[lang]}"
        rows.append(f"| `{f.name}` | {h[3] if f.required else h[4]} | {_cell(rule)} |")
    return "\n".join(rows)


def vocab_tables(lang: str) -> str:
    """One Markdown table per vocabulary (term, label in lang, description), for the contribution guide;
    labels still to be checked carry the language's 'proposed' mark."""
    h = HEAD[lang]
    parts = []
    for vocab, titles in VOCAB_TITLES.items():
        rows = [f"**{titles[lang]}**", "", f"| {h[5]} | {h[6]} | {h[7]} |", "|---|---|---|"]
        rows += [f"| `{t}` | {_cell(schema.label(vocab, t, lang))}{PROPOSED[lang] if schema.proposed(vocab, t, lang) else ''}"
                 f" | {_cell(schema.description(vocab, t, lang))} |" for t in schema.terms(vocab)]
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def fill(text: str, lang: str) -> str:
    """The guide with the generated blocks refilled; everything outside the markers is kept."""
    blocks = {"fields": fields_table(lang), "vocabularies": vocab_tables(lang)}
    return MARKER.sub(lambda m: f"{m.group(1)}{blocks[m.group(2)]}\n{m.group(3)}", text)
