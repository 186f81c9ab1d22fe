"""The alert engine at megacity scale: 10,000 patrol officers and 50,000 open cases.

`live.alerts_first_pass_ms` is what a seat waits for at start-up or on taking over the
evaluator lease: every read of the first pass included (officers, shifts, work grids, open
cases, the position history the rules look back on, open alerts) and its writes.
`live.alerts_pass_ms_10000` is a steady pass: one fix from every phone on shift arrived since
the last one. The city is the alerts suite's (console/bench/alerts.py) with 10,000 officers.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from console.bench import Figure
from console.bench.alerts import eval_ms, prepare

PATROLS = 10_000


def run() -> Iterator[Figure]:
    """live.alerts_first_pass_ms and live.alerts_pass_ms_10000."""
    now = datetime.now().replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        url, where = prepare(Path(tmp), now, patrols=PATROLS)
        first, steady, _ = eval_ms(url, where, now)
        yield "live.alerts_first_pass_ms", first, "ms"
        yield "live.alerts_pass_ms_10000", steady, "ms"
        yield "live.alerts_patrols_reporting", float(len(where)), "patrols"
