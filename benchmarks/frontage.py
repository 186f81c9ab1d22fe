"""frontage figures: `python benchmarks/frontage.py [--json]` (same as `city-console bench frontage`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["frontage"], as_json="--json" in sys.argv[1:]))
