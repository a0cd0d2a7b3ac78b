import os
import sys

# `python -m daykit` puts the folder it runs in first on the path: daykit is imported by now, and nothing
# else is taken from that folder (a student's, say), in this process or in those it forks
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]

from daykit.cli import main  # noqa: E402

raise SystemExit(main())
