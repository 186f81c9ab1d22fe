"""field figures: `python benchmarks/field.py [--json]` (same as `city-console bench field`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["field"], as_json="--json" in sys.argv[1:]))
