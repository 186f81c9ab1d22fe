"""accounts figures: `python benchmarks/accounts.py [--json]` (same as `city-console bench accounts`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["accounts"], as_json="--json" in sys.argv[1:]))
