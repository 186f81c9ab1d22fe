"""Alert figures: `python benchmarks/alerts.py [--json]` (same as `city-console bench alerts`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["alerts"], as_json="--json" in sys.argv[1:]))
