"""`city-console bench live`: the live path's figures in one run (issue 8) — opening and the
cold start, the queue's minute, the map on screen and its live tick, the alert engine at
10,000 patrols. Each part is also a suite of its own (live-start, live-queue, …)."""
from __future__ import annotations

from collections.abc import Iterator

from console.bench import Figure

PARTS = ("live-start", "live-queue", "live-map", "live-alerts")


def run() -> Iterator[Figure]:
    from console.bench import suite
    for name in PARTS:
        yield from suite(name)()
