"""Child processes that run this project's code (MkDocs with our hooks, the search index's
sub-writers): the environment that makes the code importable from any working folder, and their
death with the process that started them."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from pathlib import Path

__all__ = ["CODE_ROOT", "die_with_parent", "with_code_path"]

CODE_ROOT = Path(__file__).resolve().parents[1]  # the folder holding tools/
PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal this process gets when its parent dies (Linux)
_LIBC = None


def with_code_path(env: dict[str, str]) -> dict[str, str]:
    """`env` with CODE_ROOT first on PYTHONPATH: a child started in a project copy's folder (KB_ROOT)
    imports this code, not whatever `tools` its folder holds."""
    return {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(CODE_ROOT), env.get("PYTHONPATH", "")) if p)}


def _libc():
    """The C library, for prctl(2); None where it cannot be loaded (not Linux)."""
    global _LIBC
    if _LIBC is None and sys.platform.startswith("linux"):
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        except OSError:
            _LIBC = False
    return _LIBC or None


def die_with_parent():
    """A `preexec_fn` for subprocess.Popen/run making the child get SIGTERM when this process dies,
    however it dies (SIGKILL included: a killed build must not leave MkDocs writing a site folder
    the next build has cleaned up). Linux only (prctl PR_SET_PDEATHSIG); None elsewhere (no
    preexec_fn). The C library is loaded here, in the parent: the child only makes the call.

    PR_SET_PDEATHSIG follows the thread that started the child: start it from a thread that
    outlives it (subprocess.run waits in that thread, as every caller here does)."""
    libc = _libc()
    if libc is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call: nobody will send the signal
            os.kill(os.getpid(), signal.SIGTERM)
    return preexec
