"""audit figures: `python benchmarks/audit.py [--json]` (same as `city-console bench audit`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["audit"], as_json="--json" in sys.argv[1:]))
