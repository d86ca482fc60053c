"""一点通 — build the demo county (or any data folder). See README.md."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
