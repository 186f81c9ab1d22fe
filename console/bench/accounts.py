"""Account figures: what a sign-in costs the person at the seat.

`auth.sign_in_ms`: the median of a full sign-in on a SQLite database — the transaction, the
user row, the argon2id verification, the failure count reset and the commit — as the sign-in
dialog runs it on its worker thread. The argon2 parameters (console/services/users.py) are
chosen to put it between 100 and 500 ms on the seats' cores.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from console.bench import Figure
from console.services import users
from console.store.database import open_database

SIGN_INS = 15
PASSWORD = "bench-password-2026"


def sign_in_ms(url: str, samples: int = SIGN_INS) -> float:
    """Median milliseconds of one successful sign-in, every step included."""
    db = open_database(url)
    try:
        with db.transaction() as s:
            users.create_first_administrator(s, "benchadmin", "测试管理员", PASSWORD,
                                             datetime.now().replace(microsecond=0))
        times = []
        for _ in range(samples):
            start = time.perf_counter()
            with db.transaction() as s:
                result = users.sign_in(s, "benchadmin", PASSWORD, datetime.now())
            times.append((time.perf_counter() - start) * 1000)
            assert result.actor is not None, result.refusal
        return statistics.median(times)
    finally:
        db.dispose()


def run() -> Iterator[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        yield "auth.sign_in_ms", sign_in_ms(f"sqlite:///{Path(folder) / 'accounts.db'}"), "ms"
