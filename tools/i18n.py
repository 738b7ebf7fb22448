"""Interface languages: which exist, their text direction and their strings (data/ui.yml).

The entry languages and the interface languages are the same three; French is the default and is
served at the site root.
"""

from __future__ import annotations

from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS = ("fr", "ar", "en")
DEFAULT_LANG = "fr"
OTHER_LANGS = tuple(lang for lang in LANGS if lang != DEFAULT_LANG)
RTL = frozenset({"ar"})


def direction(lang: str) -> str:
    """'rtl' for a right-to-left language, otherwise 'ltr' (the HTML `dir` value)."""
    return "rtl" if lang in RTL else "ltr"


def load_ui(data_dir: Path = DATA_DIR) -> dict:
    """The interface strings of data/ui.yml: {key: {lang: text}} (and nested tables such as 'nav').

    Raises OSError if the file cannot be read, yaml.YAMLError if it is not YAML.
    """
    with open(data_dir / "ui.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)
