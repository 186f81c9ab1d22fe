"""Benchmark suites: each yields figures (name, value, unit) that `city-console bench` prints."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator

Figure = tuple[str, float, str]
Suite = Callable[[], Iterator[Figure]]


def _suites() -> dict[str, tuple[Suite, str]]:
    from console.bench import foundation
    return {
        "foundation": (foundation.run, "demo generation, services, feed, cold start (slow: builds 1M cases)"),
        "foundation-small": (foundation.run_small, "the foundation figures that need no 1M-case database"),
    }


def run_cli(names: list[str], *, as_json: bool = False) -> int:
    """Run the named suites and print one line per figure: `name value unit`."""
    suites = _suites()
    if names == ["list"]:
        for name, (_, about) in suites.items():
            print(f"{name}\t{about}")
        return 0
    names = names or ["foundation"]
    unknown = [n for n in names if n not in suites]
    if unknown:
        print(f"unknown benchmark suite: {', '.join(unknown)} (known: {', '.join(suites)})",
              file=sys.stderr)
        return 2
    results = []
    for name in names:
        for fig_name, value, unit in suites[name][0]():
            results.append({"name": fig_name, "value": value, "unit": unit})
            if not as_json:
                print(f"{fig_name} {value:.4g} {unit}", flush=True)
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0
