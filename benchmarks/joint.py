"""joint figures: `python benchmarks/joint.py [--json]` (same as `city-console bench joint`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["joint"], as_json="--json" in sys.argv[1:]))
