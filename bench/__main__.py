"""`python -m bench`: see bench/cli.py (kept out of this module: spawned benchmark children import it)."""

import sys

if __name__ == "__main__":
    from bench.cli import main

    sys.exit(main())
