"""Benchmarks (`make bench`): search relevance on the shipped content (tools.bench.relevance)
and build/search scale on synthetic collections (tools.bench.scale, `make bench N=100,1000`)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """`--scale N,N,...` runs the scale benchmark; anything else the relevance benchmark."""
    argv = list(argv or [])
    if any(a == "--scale" or a.startswith("--scale=") for a in argv):
        from tools.bench import scale

        return scale.main(argv)
    from tools.bench import relevance

    return relevance.main(argv)
