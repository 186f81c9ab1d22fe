"""Live-path figures: `python benchmarks/live.py [--json]` (same as `city-console bench live`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["live"], as_json="--json" in sys.argv[1:]))
