"""Foundation figures: `python benchmarks/foundation.py [--small] [--json]` (same as `city-console bench foundation`)."""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    args = sys.argv[1:]
    suite = "foundation-small" if "--small" in args else "foundation"
    sys.exit(run_cli([suite], as_json="--json" in args))
