"""pg figures: `python benchmarks/pg.py [--json]` (same as `city-console bench pg`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["pg"], as_json="--json" in sys.argv[1:]))
