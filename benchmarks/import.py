"""import figures: `python benchmarks/import.py [--json]` (same as `city-console bench import`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["import"], as_json="--json" in sys.argv[1:]))
