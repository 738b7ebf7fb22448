"""`python -m tools COMMAND ...`: see tools/cli.py."""

import sys

try:
    from tools.cli import main
except ModuleNotFoundError as exc:  # a Python without the pinned packages: say which to use
    from tools import missing_package

    sys.exit(missing_package(exc))

sys.exit(main())
