"""tools.web.api: what a server computes at start (Searches.warm_up) before readers ask."""

from __future__ import annotations

from tools.web.api import Searches


class _Engine:
    def __init__(self, available: bool = True, fail: bool = False):
        self.calls: list[str] = []
        self._available, self._fail = available, fail

    def available(self) -> bool:
        return self._available

    def search(self, q: str):
        self.calls.append("search")
        if self._fail:
            raise OSError("index being swapped")

    def suggest(self, q: str):
        self.calls.append("suggest")

    def warm(self):
        self.calls.append("warm")


def test_a_thorough_warm_up_runs_the_engines_warm_up_after_a_first_search():
    engine, light = _Engine(), _Engine()
    Searches(engine).warm_up(thorough=True)
    Searches(light).warm_up()
    assert engine.calls == ["search", "suggest", "warm"]
    assert light.calls == ["search", "suggest"]


def test_warm_up_without_an_index_or_with_an_error_does_nothing_more_and_raises_nothing():
    missing, failing = _Engine(available=False), _Engine(fail=True)
    Searches(missing).warm_up()
    Searches(failing).warm_up(thorough=True)
    assert missing.calls == [] and failing.calls == ["search"]
