"""leader figures: `python benchmarks/leader.py [--json]` (same as `city-console bench leader`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["leader"], as_json="--json" in sys.argv[1:]))
