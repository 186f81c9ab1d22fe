"""seats figures: `python benchmarks/seats.py [--json]` (same as `city-console bench seats`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["seats"], as_json="--json" in sys.argv[1:]))
