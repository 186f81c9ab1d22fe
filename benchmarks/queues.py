"""Queue figures on a million cases: `python benchmarks/queues.py [--json]` (same as `city-console bench queues`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["queues"], as_json="--json" in sys.argv[1:]))
