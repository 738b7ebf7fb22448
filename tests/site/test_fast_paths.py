"""The faster paths of page generation write what the slower ones did, on the shipped entries."""

from __future__ import annotations

import dataclasses
import html
import json

import pytest
import yaml

from tools.content.vocab import Vocabularies
from tools.site import citation, exports, pages

# Fast path against the slower reference on every shipped entry (~0.5 s each): with the end-to-end
# tests (`make test`), not `make test-fast`.
pytestmark = pytest.mark.e2e

SHIPPED = Vocabularies.load()  # the shipped vocabularies, read once for this module


def test_front_matter_is_what_the_pure_python_dumper_writes(shipped_collection):
    entries = shipped_collection[0]
    assert len(entries) > 100
    for e in entries:
        meta = dict(title=e.title, description=e.summary, lang=e.lang, entry_id=e.id, status=e.status,
                    jsonld=citation.jsonld(e, "https://example.org/", vocabs=SHIPPED), search={"exclude": True})
        # title and description are escaped for HTML once (Material writes them into <title> raw).
        escaped = {**meta, **{k: html.escape(meta[k], quote=False).replace('"', "&quot;")
                              for k in ("title", "description")}}
        expected = "---\n" + yaml.safe_dump(escaped, allow_unicode=True, sort_keys=False) + "---\n\n"
        assert pages.front_matter(**meta) == expected, e.key


def test_export_records_are_those_of_asdict(shipped_collection):
    entries = shipped_collection[0]
    assert len(entries) > 100
    for e in entries:
        old = dataclasses.asdict(e)
        old["links"] = [{k: v for k, v in dataclasses.asdict(link).items() if v is not None} for link in e.links]
        if e.instrument is not None:
            inst = {k: v for k, v in old["instrument"].items() if v not in (None, (), []) and k != "cite"}
            if e.instrument.cite:
                inst["cite"] = {name: list(idx) for name, idx in e.instrument.cite}
            old["instrument"] = inst
        old["url"] = e.url
        assert json.dumps(exports.record(e), ensure_ascii=False) == json.dumps(old, ensure_ascii=False)
