"""Benchmark suites: each yields figures (name, value, unit) that `city-console bench` prints."""
from __future__ import annotations

import atexit
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

Figure = tuple[str, float, str]
Suite = Callable[[], Iterator[Figure]]


# name → (module, function, what it measures); modules load only when their suite runs.
SUITES: dict[str, tuple[str, str, str]] = {
    "live": ("console.bench.live", "run",
             "the live path: start, queue minute, map on screen and tick, alerts (1M cases)"),
    "foundation": ("console.bench.foundation", "run",
                   "demo generation, services, feed, cold start (slow: builds 1M cases)"),
    "foundation-small": ("console.bench.foundation", "run_small",
                         "the foundation figures that need no 1M-case database"),
    "map": ("console.bench.map", "run", "map page build, first paint, live update cost, end to end"),
    "queues": ("console.bench.queues", "run", "first rows of every queue tab and memory, 1M cases"),
    "joint": ("console.bench.joint", "run",
              "joint cases on 1M cases: a department's queue with its parts, disputes agenda"),
    "alerts": ("console.bench.alerts", "run", "one rule pass and write-to-panel latency"),
    "live-start": ("console.bench.live_start", "run",
                   "opening the 1M-case city: checks, schema look, seed (and the full check)"),
    "live-alerts": ("console.bench.live_alerts", "run",
                    "alert engine first and steady pass, 10,000 patrols, 50,000 open cases"),
    "ingest": ("console.bench.ingest", "run",
               "OsmAnd fixes a second through a real serve process, and the writer alone"),
    "live-map": ("console.bench.live_map", "run",
                 "map on screen at 50k/200k cells (cold and cached), 10,000-patrol tick, resync"),
    "open311": ("console.bench.open311", "run",
                "Open311 POST answered with its id through serve, 2,000 fixes/s beside it"),
    "live-queue": ("console.bench.live_queue", "run",
                   "GUI-thread time of the queue's per-minute update, 100,000 rows scrolled"),
    "audit": ("console.bench.audit", "run", "verify the hash chain of 1,000,000 case events"),
    "accounts": ("console.bench.accounts", "run", "a sign-in, every step included"),
    "field": ("console.bench.field", "run",
              "the officers' phone app: a report with a 2 MB photo, the page's first load"),
    "import-people": ("console.bench.people_import", "run",
                      "the organisation workbook: 5,000 officers, accounts, phones, shifts"),
    "leader": ("console.bench.leader", "run",
               "evaluation of every department, street and community over 30 days (1M cases)"),
    "seats": ("console.bench.seats", "run",
              "N headless seats on one PostgreSQL: commit → seen by all (p95), peak connections"),
    "pg": ("console.bench.pg", "run",
           "the queue's first rows on the 1,000,000-case city on PostgreSQL (built once)"),
    "hotline": ("console.bench.hotline", "run",
                "caller history, call-back list and 满意度 counts on the 1M-case city"),
    "import": ("console.bench.imports", "run",
               "grid import: dry run and import of a 50,000-cell Shapefile in a GK zone"),
    "frontage": ("console.bench.frontage", "run",
                 "门前三包 suggestion and repeat count; the night heat map on the 1M-case city"),
}


def offscreen_platform() -> str:
    """QT_QPA_PLATFORM for a console child (benches, tests): the caller's choice, else
    offscreen on a 1920×1080 screen. On the plugin's own smaller screen the console's first
    window fits itself to it, and would paint less than a seat's 1440×900 does."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    if chosen != "offscreen":
        return chosen
    return f"offscreen:configfile={workstation_screen()}"


def workstation_screen() -> Path:
    """The 1920×1080 screen's file for the offscreen plugin: one per process (another run's
    rewrite must not touch it), written whole (a Qt process reading a half-written file
    aborts), removed at exit."""
    path = Path(tempfile.gettempdir()) / f"city-console-screen-{os.getpid()}.json"
    if not path.exists():
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as f:
            json.dump({"screens": [{"name": "workstation", "x": 0, "y": 0, "width": 1920,
                                    "height": 1080, "logicalDpi": 96, "dpr": 1}]}, f)
        os.replace(f.name, path)
        atexit.register(path.unlink, missing_ok=True)
    return path


def suite(name: str) -> Suite:
    import importlib
    module, function, _ = SUITES[name]
    return getattr(importlib.import_module(module), function)


def _number(value: float) -> str:
    """Four significant digits, but never scientific notation for a figure people read."""
    if value == int(value) or abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.4g}"


def run_cli(names: list[str], *, as_json: bool = False) -> int:
    """Run the named suites and print one line per figure: `name value unit`."""
    suites = SUITES
    if names == ["list"]:
        for name, (_, _, about) in suites.items():
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
        for fig_name, value, unit in suite(name)():
            results.append({"name": fig_name, "value": value, "unit": unit})
            if not as_json:
                print(f"{fig_name} {_number(value)} {unit}", flush=True)
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0
