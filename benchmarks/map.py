"""Map figures: `python benchmarks/map.py [--json]` (same as `city-console bench map`).

Set CITY_CONSOLE_MAP_BENCH_CITY=/path/city.db to keep the generated 50,000-cell city and
reuse it on the next run (it is copied, never changed).
"""
import sys

from console.bench import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(["map"], as_json="--json" in sys.argv[1:]))
