"""ingest figures: `python benchmarks/ingest.py [--json]` (same as `city-console bench ingest`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["ingest"], as_json="--json" in sys.argv[1:]))
