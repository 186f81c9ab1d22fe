"""import-people figures: `python benchmarks/import_people.py [--json]` (same as `city-console bench import-people`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["import-people"], as_json="--json" in sys.argv[1:]))
