"""Fixtures shared by the tests of tools/content."""

from __future__ import annotations

import signal

import pytest


@pytest.fixture
def no_hang():
    """Fails the test (instead of blocking the run) if it takes more than 20 s."""
    def stop(*_):
        raise TimeoutError("took more than 20 s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)
