"""`python -m tools COMMAND ...`: see tools/cli.py."""

import sys

from tools.cli import main

sys.exit(main())
