"""`python -m tools search QUERY ...`, kept for habit: the same as `python -m tools search`."""

import sys

from tools.cli import main

sys.exit(main(["search", *sys.argv[1:]]))
