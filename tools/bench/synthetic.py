"""Synthetic valid entries (format v1) for the scale benchmark and the incremental-build tests.

The words come from the shipped entries of each language, drawn with their own frequencies, so
the analysers, stemmers and the search see text shaped like the real one; vocabularies are the
project's. One call writes a whole project copy (practices/, docs/, overrides/, mkdocs.yml, guides)
into a folder: French ~60 %, Arabic ~20 %, English ~20 % of the files, half of the Arabic and
English files being translations of a French entry (same id, same shared fields).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from tools.content import schema
from tools.content.loader import entry_files
from tools.content.vocab import Vocabularies
from tools.project import ROOT
from tools.search.analysis import TOKEN_RE, markdown_to_text

BODY_WORDS = 400  # validation accepts 150-600
FOLDER_COUNTRY = {"ma": "MA", "tn": "TN", "mr": "MR", "ly": "LY", "dz": "DZ"}
PARTNERS = ("FR", "ES", "IT", "DE", "BE", "QA", "SA", "SN", "ML")


@dataclass
class Words:
    """Word pools of one language, drawn from the shipped entries (with repeats: frequencies)."""

    body: list[str]

    def take(self, rng: random.Random, n: int) -> list[str]:
        """n words drawn with replacement, at the pool's frequencies (reproducible for a seeded rng)."""
        return [w for w in rng.choices(self.body, k=n)]


def word_pools(practices: Path = ROOT / "practices") -> dict[str, Words]:
    """{lang: Words} from the entries under `practices` (bodies as plain text)."""
    pools: dict[str, list[str]] = {lang: [] for lang in schema.LANGS}
    for path in entry_files(practices):
        lang = path.name.split(".")[-2]
        text = path.read_text(encoding="utf-8").split("\n---", 1)[-1]
        pools.setdefault(lang, []).extend(
            w for w in TOKEN_RE.findall(markdown_to_text(text)) if w != "TODO" and not w.isdigit())
    return {lang: Words(words) for lang, words in pools.items() if words}


def _sentence(words: Words, rng: random.Random, n: int) -> str:
    out = words.take(rng, n)
    return out[0][:1].upper() + out[0][1:] + " " + " ".join(out[1:]) + "."


def _body(words: Words, rng: random.Random, lang: str, n_words: int) -> str:
    headings = schema.BODY_HEADINGS[lang]
    per = n_words // len(headings)
    parts = []
    for heading in headings:
        paragraph, left = [], per
        while left > 0:
            k = min(left, rng.randint(12, 24))
            paragraph.append(_sentence(words, rng, k))
            left -= k
        parts.append(f"## {heading}\n\n" + "\n".join(paragraph))
    return "\n\n".join(parts) + "\n"


def _shared(rng: random.Random, folder: str, vocabs: Vocabularies) -> dict:
    """Fields translations share: type, countries, themes, data_sources."""
    if folder == "regional":
        countries = sorted(rng.sample(list(FOLDER_COUNTRY.values()), rng.randint(0, 3)))
    else:
        countries = [FOLDER_COUNTRY[folder]] + sorted(rng.sample(PARTNERS, rng.choice((0, 0, 1, 2))))
    return {
        "type": rng.choice(vocabs.terms("types")),
        "countries": countries,
        "themes": sorted(rng.sample(vocabs.terms("themes"), rng.randint(1, 4))),
        "data_sources": sorted(rng.sample(vocabs.terms("data_sources"), rng.randint(0, 3))),
    }


def entry_text(rng: random.Random, words: Words, lang: str, shared: dict, serial: int) -> str:
    """One valid entry file (front matter and ~BODY_WORDS-word body) in `lang`."""
    start = rng.randint(1995, 2022)
    meta = {
        "title": " ".join(words.take(rng, rng.randint(5, 10))).capitalize() + f" {serial}",
        "type": shared["type"], "lang": lang, "countries": shared["countries"],
        "summary": _sentence(words, rng, rng.randint(25, 45))[:480],
        "themes": shared["themes"], "data_sources": shared["data_sources"],
        "institutions": [" ".join(words.take(rng, 3)).title() for _ in range(rng.randint(1, 3))],
        "period": f"{start}-{start + rng.randint(0, 6)}",
        "links": [{"title": " ".join(words.take(rng, 6)), "url": f"https://example.org/{lang}/{serial}/{i}"}
                  for i in range(rng.randint(1, 3))],
        "tags": sorted({w.lower() for w in words.take(rng, rng.randint(2, 5)) if len(w) > 3}),
        "status": "draft",
        "updated": f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n" + _body(words, rng, lang, BODY_WORDS + rng.randint(-40, 40))


def plan(n: int) -> list[tuple[str, str, str | None]]:
    """(id, lang, translated-from id or None) for n files: 60 % fr, 20 % ar, 20 % en."""
    n_fr = round(n * 0.6)
    n_ar = round(n * 0.2)
    n_en = n - n_fr - n_ar
    out = [(f"syn-{i:05d}", "fr", None) for i in range(n_fr)]
    for lang, count, offset in (("ar", n_ar, 0), ("en", n_en, n_ar // 2)):
        translated = min(count // 2, n_fr)
        out += [(f"syn-{(offset + i) % max(n_fr, 1):05d}", lang, "fr") for i in range(translated)]
        out += [(f"syn-{lang}-{i:05d}", lang, None) for i in range(count - translated)]
    return out


def write_collection(dest: Path, n: int, seed: int = 1, pools: dict[str, Words] | None = None) -> list[Path]:
    """Write n synthetic entry files under dest/practices/ (folders chosen per id). Returns the files."""
    rng = random.Random(seed)
    pools = pools or word_pools()
    vocabs = Vocabularies.load()
    folders = vocabs.folders()
    shared: dict[str, tuple[str, dict]] = {}
    written = []
    for serial, (entry_id, lang, _) in enumerate(plan(n)):
        if entry_id not in shared:
            folder = rng.choice(folders)
            shared[entry_id] = (folder, _shared(rng, folder, vocabs))
        folder, fields = shared[entry_id]
        # An id starts with its country folder's code (CONTRIBUTING), so valid entries draw no warning.
        name = entry_id if folder == "regional" else f"{folder}-{entry_id}"
        path = dest / "practices" / folder / f"{name}.{lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(rng, pools[lang], lang, fields, serial), encoding="utf-8")
        written.append(path)
    return written


def make_project(dest: Path, n: int, seed: int = 1) -> Path:
    """A project copy at dest (hand-written docs, theme overrides, mkdocs.yml, guides) whose
    practices/ holds n synthetic entries instead of the shipped ones. Returns dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("kb", ".*tmp-*"), dirs_exist_ok=True)
    for path in [ROOT / "mkdocs.yml", *ROOT.glob("CONTRIBUTING*.md")]:
        shutil.copy(path, dest / path.name)
    write_collection(dest, n, seed)
    return dest


def new_entry(dest: Path, serial: int, lang: str = "fr", seed: int = 7) -> Path:
    """One more valid entry file in dest/practices/ma/ (for add/change benchmarks). Returns it."""
    rng = random.Random(seed + serial)
    words = word_pools()[lang]
    path = dest / "practices" / "ma" / f"ma-syn-new-{serial:05d}.{lang}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entry_text(rng, words, lang, _shared(rng, "ma", Vocabularies.load()), 900000 + serial), encoding="utf-8")
    return path
