"""Look-alike signatures in a fresh process: datasketch's MinHash without the package's scipy
imports, with the same values as the package's own class."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tools.project import ROOT

SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tools.content.loader import entry_files, load_file
    from tools.content.validate import lookalike_signatures

    raws = [load_file(p, str(p)) for p in sorted(entry_files(Path(sys.argv[1])))[:40]]
    light = lookalike_signatures(raws)
    assert "scipy" not in sys.modules, "scipy imported for signatures"
    assert not [n for n in sys.modules if n.startswith("datasketch")], "datasketch left half-loaded"
    import datasketch  # the whole package still loads, with its LSH classes
    assert datasketch.MinHashLSH and "scipy" in sys.modules
    full = lookalike_signatures(raws)  # now with the package's MinHash
    assert sum(s is not None for s in light) >= 30
    assert light == full, "signatures differ"
    print("ok", sum(s is not None for s in light))
""")


def test_signatures_without_scipy_equal_the_packages():
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "practices")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")
