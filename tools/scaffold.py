"""Start an entry from a skeleton that passes `build_index.py --check`.

    python -m tools new --folder ma --type tool --lang fr "Titre de la fiche"
    python -m tools new --translate ma-enquete-nationale-emploi --lang ar
    python -m tools new                      (asks for what is missing)

The skeleton marks every place to fill with TODO: the check warns about each one left (an error once
the entry is status: reviewed), and the pull-request check (--strict) refuses them. A translation's
skeleton says that the fields its versions share stay identical. It never overwrites a file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from tools.content import schema
from tools.content.loader import load_file
from tools.content.schema import FIELDS_BY_NAME, SLUG_RE
from tools.content.validate import HTML_TAG_RE
from tools.content.vocab import Vocabularies
from tools.errors import Refused
from tools.project import Project
from tools.search.analysis import normalize

PLACEHOLDER = {
    "fr": {"summary": "TODO : résumé en une ou deux phrases (20 à 500 caractères).",
           "link": "TODO : titre de la source publique", "section": "TODO : à rédiger."},
    "ar": {"summary": "TODO: ملخص في جملة أو جملتين (من 20 إلى 500 حرف).",
           "link": "TODO: عنوان المصدر العام", "section": "TODO: للتحرير."},
    "en": {"summary": "TODO: summary in one or two sentences (20 to 500 characters).",
           "link": "TODO: title of the public source", "section": "TODO: to write."},
}


def title_words(title: str) -> str:
    """The first eight Latin words of a title, folded and joined by hyphens ('' for an Arabic title)."""
    return "-".join(re.sub(r"[^a-z0-9]+", "-", normalize(title)).strip("-").split("-")[:8])


def make_id(project: Project, folder: str, kind: str, title: str) -> str:
    """An id from the title's Latin words. A title with none (Arabic) gives '<folder>-<type>',
    numbered when taken; pass --id to choose a better one."""
    words = title_words(title)
    if words:
        return words if folder == "regional" or words.startswith(folder + "-") else f"{folder}-{words}"
    base = kind if folder == "regional" else f"{folder}-{kind}"
    candidate, n = base, 1
    while any(project.practices.glob(f"*/{candidate}.*.md")):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# Above `type:` in a translation's skeleton, in its language: these fields are copied from the other
# versions and may not differ from them (validate: an error), so there is nothing to check or choose
# here; the new entry's "TODO: check the themes" said otherwise (found by breaker11). Not a TODO.
SHARED_NOTE = {
    "fr": "# Communs à toutes les versions : type, countries, themes et data_sources restent identiques "
          "à ceux des autres versions (une différence est une erreur) ; pour en changer un, changez-le dans chaque version.",
    "ar": "# حقول مشتركة بين كل النسخ: تبقى type وcountries وthemes وdata_sources مطابقة لحقول النسخ الأخرى "
          "(أي اختلاف خطأ)؛ لتغيير أحدها، غيّروه في كل النسخ.",
    "en": "# Shared by every version: type, countries, themes and data_sources stay identical to the other "
          "versions' (a difference is an error); to change one, change it in every version.",
}


def skeleton(meta: dict, lang: str, vocabs: Vocabularies | None = None, translation: bool = False) -> str:
    """Front matter (valid values, TODO comments where a choice is needed) and the body headings.
    translation: the skeleton of a new version of an existing entry, whose shared fields are copied
    (SHARED_NOTE above them instead of the new entry's TODO on the themes)."""
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    if translation:
        text = text.replace("\ntype:", f"\n{SHARED_NOTE[lang]}\ntype:", 1)
    else:
        text = text.replace("\nthemes:", "\n# TODO: check the themes (see CONTRIBUTING)\nthemes:", 1)
    if meta.get("type") in getattr(FIELDS_BY_NAME["instrument"].kind, "types", ()):
        text += instrument_comment(lang, vocabs)
    text += "---\n\n"
    for heading in schema.BODY_HEADINGS[lang]:
        text += f"## {heading}\n\n{PLACEHOLDER[lang]['section']}\n\n"
    return text


INSTRUMENT_INTRO = {
    "fr": "# Facultatif : retirez le '# ' des lignes que vous pouvez remplir et citer ; omettez ce qui n'est pas connu.",
    "ar": "# اختياري: احذف '# ' من الأسطر التي يمكنك ملؤها والاستشهاد بمصدرها؛ واحذف ما ليس معروفًا.",
    "en": "# Optional: remove the '# ' of the lines you can fill and cite; leave out what is not known.",
}


def instrument_comment(lang: str, vocabs: Vocabularies | None = None) -> str:
    """The `instrument` block as YAML comments, one line per sub-field of the schema with a sample
    value (terms of `vocabs`; None: the shipped vocabularies) and its help in lang: the contributor
    uncomments what is known, so nothing is guessed."""
    vocabs = Vocabularies.ensure(vocabs)
    block = FIELDS_BY_NAME["instrument"]
    lines = [INSTRUMENT_INTRO[lang], f"# {block.name}:"]
    for sub in block.kind.fields:
        lines.append(f"#   {sub.name}: {sub.kind.sample(vocabs)}  # {sub.help[lang]}")
    return "\n".join(lines) + "\n"


def write_new(path: Path, text: str) -> Path:
    """Create path (and its folders) with text; returns path. Raises Refused if it already exists
    (never overwrites), OSError if it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": fails if the file exists
            fh.write(text)
    except FileExistsError:
        raise Refused(f"{path} already exists: it was not changed") from None
    return path


def new_entry(project: Project, folder: str, kind: str, lang: str, title: str, themes: list[str],
              entry_id: str | None = None, vocabs: Vocabularies | None = None) -> Path:
    """Write the skeleton of a new entry (draft, placeholders marked TODO) and return its path,
    practices/<folder>/<id>.<lang>.md; the id is made from the folder and title unless given.
    vocabs: the run's Vocabularies (None: the project's, read now).

    Raises Refused for an unknown folder, type, language or theme, a title of the wrong length or
    with HTML tags, an id that is not a slug, or a file that already exists.
    """
    vocabs = vocabs or project.vocabularies()
    if folder not in vocabs.folders():
        raise Refused(f"folder must be one of {', '.join(vocabs.folders())}")
    if kind not in vocabs.terms("types") or lang not in schema.LANGS:
        raise Refused(f"type must be one of {', '.join(vocabs.terms('types'))}; lang one of {', '.join(schema.LANGS)}")
    rule = FIELDS_BY_NAME["title"].kind
    if not rule.min_len <= len(title.strip()) <= rule.max_len:
        raise Refused(f"the title needs {rule.min_len} to {rule.max_len} characters, it has {len(title.strip())}")
    if HTML_TAG_RE.search(title):
        raise Refused("the title must be plain text, without <...> tags")
    bad = [t for t in themes if t not in vocabs.terms("themes")]
    if bad:
        raise Refused(f"unknown theme(s) {', '.join(bad)}: choose from {', '.join(vocabs.terms('themes'))}")
    meta = {
        "title": title.strip(), "type": kind, "lang": lang,
        "countries": [] if folder == "regional" else [folder.upper()],
        "summary": PLACEHOLDER[lang]["summary"],
        "themes": themes or ["harmonisation"],
        "data_sources": [], "institutions": [],
        "links": [{"title": PLACEHOLDER[lang]["link"], "url": "https://example.org/TODO"}],
        "tags": [], "status": "draft", "updated": dt.date.today().isoformat(),
    }
    if entry_id is not None and not SLUG_RE.match(entry_id):
        raise Refused(f"'{entry_id}' is not a valid id: lower-case letters, digits and hyphens")
    entry_id = entry_id or make_id(project, folder, kind, title)
    return write_new(project.practices / folder / f"{entry_id}.{lang}.md", skeleton(meta, lang, vocabs))


def translate(project: Project, entry_id: str, lang: str) -> Path:
    """Write a draft lang version of an existing entry beside it (shared fields copied from the French
    version, or the first other one; title and texts marked TODO) and return its path.

    Raises Refused when no version of entry_id exists, when it cannot be read, or when the lang
    version exists already.
    """
    sources = sorted(project.practices.glob(f"*/{entry_id}.*.md"), key=lambda p: (not p.name.endswith(".fr.md"), p))
    if not sources:
        raise Refused(f"no entry with id '{entry_id}' in {project.practices}")
    raw = load_file(sources[0])
    if not raw.meta:
        raise Refused(f"{sources[0]} cannot be read: run 'make check' first")
    keep = ("type", "countries", "themes", "data_sources", "period", "links")
    meta = {"title": f"TODO: {raw.meta.get('title', '')}", "type": raw.meta.get("type"), "lang": lang,
            **{k: raw.meta[k] for k in keep[1:] if k in raw.meta},
            "summary": PLACEHOLDER[lang]["summary"], "status": "draft", "updated": dt.date.today().isoformat()}
    # Names and keywords are written in each version's language (CONTRIBUTING, "Les traductions"):
    # copied marked TODO, so the translator sees what to translate and the check flags what is left.
    for name in ("institutions", "tags"):
        values = raw.meta.get(name)
        if isinstance(values, list) and values:
            meta[name] = [f"TODO: {v}" for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    return write_new(sources[0].parent / f"{entry_id}.{lang}.md",
                     skeleton(meta, lang, project.vocabularies(), translation=True))
