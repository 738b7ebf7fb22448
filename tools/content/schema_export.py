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
}


def _field_schema(f) -> dict:
    text = {"type": "string"}
    if f.kind == "text":
        out = {**text, "minLength": f.min_len, "maxLength": f.max_len}
    elif f.kind == "enum":
        out = {"enum": list(schema.terms(f.vocab))}
    elif f.kind == "enum_list":
        out = {"type": "array", "items": {"enum": list(schema.terms(f.vocab))}, "uniqueItems": True}
        if f.required:
            out["minItems"] = 1
    elif f.kind == "countries":
        out = {"type": "array", "items": {"enum": sorted(schema.country_codes())}, "uniqueItems": True}
    elif f.kind == "period":
        out = {**text, "pattern": r"^\d{4}(-\d{4})?$"}
    elif f.kind == "date":
        out = {**text, "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif f.kind == "links":
        out = {"type": "array", "items": {"type": "object", "required": ["title", "url"], "properties": {
            "title": text, "url": {**text, "format": "uri", "pattern": "^https?://"}}}}
    else:
        out = {"type": "array", "items": {**text, "minLength": 1}}
    out["description"] = f.help.get("en", "")
    return out


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of an entry's front matter."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "entry.schema.json",
        "title": "Knowledge-base entry front matter (format v1)",
        "type": "object",
        "required": [f.name for f in FIELDS if f.required],
        "properties": {f.name: _field_schema(f) for f in FIELDS},
        "additionalProperties": True,
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_table(lang: str) -> str:
    h = HEAD[lang]
    rows = [f"| {h[0]} | {h[1]} | {h[2]} |", "|---|---|---|"]
    for f in FIELDS:
        rule = f.help[lang]
        if f.vocab in ("types", "statuses"):
            rule += " `" + "`, `".join(schema.terms(f.vocab)) + "`"
        rows.append(f"| `{f.name}` | {h[3] if f.required else h[4]} | {_cell(rule)} |")
    return "\n".join(rows)


def vocab_tables(lang: str) -> str:
    h = HEAD[lang]
    parts = []
    for vocab, titles in VOCAB_TITLES.items():
        rows = [f"**{titles[lang]}**", "", f"| {h[5]} | {h[6]} | {h[7]} |", "|---|---|---|"]
        rows += [f"| `{t}` | {_cell(schema.label(vocab, t, lang))} | {_cell(schema.description(vocab, t, lang))} |"
                 for t in schema.terms(vocab)]
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def fill(text: str, lang: str) -> str:
    """The guide with the generated blocks refilled; everything outside the markers is kept."""
    blocks = {"fields": fields_table(lang), "vocabularies": vocab_tables(lang)}
    return MARKER.sub(lambda m: f"{m.group(1)}{blocks[m.group(2)]}\n{m.group(3)}", text)
