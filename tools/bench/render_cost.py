"""How long Python-Markdown takes on the body shapes tools.content.render_cost estimates.

`python -m tools.bench.render_cost [--timeout S] [--fuzz N]` prints, for each shape: its size, the
estimate, the measured rendering time (CPU seconds of a child process, body through
tools.content.markdown.safe_body as the build does) and whether the check refuses it. Then it grows
each pathological shape to the largest size the check still accepts and renders that (the worst
allowed body of the shape), and with --fuzz N renders N random bodies of openers and closers to see
that the estimate stays above the measured time. Not run by the tests: it takes minutes.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys

from tools.content import render_cost

# MkDocs's built-in extensions (toc, tables, fenced_code) and mkdocs.yml's (snippets left out:
# entry bodies cannot use it).
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"]
_CHILD = f"""
import sys, time, markdown
from tools.content.markdown import safe_body
text = safe_body(sys.stdin.read())
md = markdown.Markdown(extensions={EXTENSIONS!r})
start = time.process_time()
md.convert(text)
print(time.process_time() - start)
"""

SHAPES = {
    "'*a [b ' (tester)": lambda n: "*a [b " * n,
    "'['": lambda n: "[" * n,
    "'[a '": lambda n: "[a " * n,
    "'[[a '": lambda n: "[[a " * n,
    "'![a '": lambda n: "![a " * n,
    "'[' x n + ']' x n": lambda n: "[" * n + "]" * n,
    "'[a]('": lambda n: "[a](" * n,
    "backtick runs 1..n": lambda n: "".join("`" * k + "a " for k in range(1, n + 1)),
    "'```a' lines": lambda n: "```a\n" * n,
    "lines 'x [a b'": lambda n: "x [a b\n" * n,
    "links (closed)": lambda n: "[a](https://example.org/a) *b* " * n,
    "emphasis": lambda n: "*a* _b_ **c** " * n,
    "escapes": lambda n: "\\[a " * n,
}


def render_seconds(body: str, timeout: float) -> float | None:
    """CPU seconds Python-Markdown takes on safe_body(body) in a child process; None past `timeout`
    (wall seconds)."""
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD], input=body, capture_output=True, text=True,
                              timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip())


def largest_allowed(shape, limit: int = render_cost.BUDGET_US, cap: int = 100_000) -> int:
    """The largest n whose body shape(n) (at most `cap` characters) the check accepts."""
    lo, hi = 1, 1
    while len(shape(hi)) <= cap and render_cost.estimate_seconds(shape(hi)) * 1e6 <= limit:
        lo, hi = hi, hi * 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        ok = len(shape(mid)) <= cap and render_cost.estimate_seconds(shape(mid)) * 1e6 <= limit
        lo, hi = (mid, hi) if ok else (lo, mid)
    return lo


def _row(name: str, body: str, timeout: float) -> None:
    est = render_cost.estimate_seconds(body)
    took = render_seconds(body, timeout)
    refused = est * 1e6 > render_cost.BUDGET_US
    shown = f"{took:8.3f}" if took is not None else f"  >{timeout:.0f}"
    print(f"{name:28} {len(body):7} chars  estimate {est:8.3f} s  measured {shown} s  "
          f"{'refused' if refused else 'accepted'}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Print the table; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench.render_cost", description=__doc__)
    parser.add_argument("--timeout", type=float, default=30, help="seconds per rendering (default 30)")
    parser.add_argument("--fuzz", type=int, default=0, help="random bodies to render (default 0)")
    parser.add_argument("--sizes", default="500,1000,2000", help="repetitions of each shape")
    args = parser.parse_args(argv)
    for n in [int(s) for s in args.sizes.split(",")]:
        for name, shape in SHAPES.items():
            _row(f"{name} x{n}", shape(n), args.timeout)
    print("worst accepted body of each shape:")
    for name, shape in SHAPES.items():
        n = largest_allowed(shape)
        _row(f"{name} x{n}", shape(n), args.timeout)
    rng = random.Random(1)
    for i in range(args.fuzz):
        alphabet = rng.choice(["[]() a\n", "[a `*\n", "[(`~\n ab", "[]`a \n\n"])
        body = "".join(rng.choice(alphabet) for _ in range(rng.choice([5_000, 20_000, 60_000])))
        _row(f"fuzz {i}", body, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
