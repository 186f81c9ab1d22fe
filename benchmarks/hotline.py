"""hotline figures: `python benchmarks/hotline.py [--json]` (same as `city-console bench hotline`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["hotline"], as_json="--json" in sys.argv[1:]))
