"""open311 figures: `python benchmarks/open311.py [--json]` (same as `city-console bench open311`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["open311"], as_json="--json" in sys.argv[1:]))
