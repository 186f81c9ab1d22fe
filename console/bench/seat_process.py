"""One headless seat in its own process: the seat's engine, a FeedWorker, a SeatReplica of its
views and a statement meter, driven by commands from the process that started it.

Used by `bench seats` and by the 20-seat proof (tests/test_seats_room_pg.py). A seat acts
through the services exactly as the window does (retry.in_transaction, an actor from the
users table) and answers with plain data: a refusal is its DomainError code, anything else
is an error the caller counts as a failure.

Commands (tuples on the seat's own queue), each answered on the shared reply queue with
(kind, index, value):
- ("act", action, case_id, version, username, params) → ("acted", i, "ok" | code | "error: …")
- ("busy", seconds, every_s, username) → ("busy", i, changes committed): notes on open cases
- ("meter",) → ("meter", i, {role: (statements, seconds)}), ("reset",) zeroes it
- ("state", seq) → ("state", i, {"state", "problems", "start", "seq", "errors"}), after settling
- ("stop",)
"""
from __future__ import annotations

import os
import queue
import random
import time
from dataclasses import asdict

SETTLE_S = 30


def seat_main(url: str, index: int, commands, replies, marks=None) -> None:
    """The seat process's body (multiprocessing target)."""
    os.environ["CITY_CONSOLE_APPLICATION_NAME"] = f"bench-seat-{index}"
    from PySide6.QtCore import QCoreApplication, Qt

    from console.live.feed_worker import FeedWorker
    from console.live.seat_replica import SeatReplica, StatementMeter
    from console.store.database import open_database

    app = QCoreApplication.instance() or QCoreApplication([])   # noqa: F841 — QThread needs it
    db = open_database(url, upgrade=False)
    meter = StatementMeter(db.engine)
    worker = FeedWorker(db)
    replica = SeatReplica(db, meter)

    def delivered(batch) -> None:
        now = time.time()
        replica.apply(batch)
        if marks is not None:
            for row in batch.rows:
                if "bench_mark" in row.payload:
                    marks.put((index, row.payload["bench_mark"], now))
    # Direct: the seat process runs no event loop; the callback only notes and queues.
    worker.changes.connect(delivered, Qt.ConnectionType.DirectConnection)
    worker.start()
    while worker.seq is None:
        time.sleep(0.02)
    start = worker.seq
    replica.start()
    replies.put(("ready", index, start))
    try:
        while True:
            command = commands.get()
            kind = command[0]
            if kind == "stop":
                break
            if kind == "act":
                with meter.role("writes"):
                    replies.put(("acted", index, _act(db, *command[1:])))
            elif kind == "busy":
                with meter.role("writes"):
                    replies.put(("busy", index, _busy(db, index, *command[1:])))
            elif kind == "meter":
                replies.put(("meter", index, meter.totals()))
            elif kind == "reset":
                meter.count.clear()
                meter.seconds.clear()
                replies.put(("reset", index, None))
            elif kind == "state":
                _catch_up(worker, command[1] if len(command) > 1 else 0)
                replica.tick()   # the docks' minute timer: time alone moves counts (overdue)
                settled = replica.settle(SETTLE_S)
                replies.put(("state", index, {
                    "state": asdict(replica.state), "settled": settled,
                    "problems": replica.sequence_problems(start), "start": start,
                    "seq": replica.applied[-1][1] if replica.applied else start,
                    "errors": list(replica.errors)}))
    finally:
        worker.stop()
        replica.stop()
        db.dispose()


def _catch_up(worker, seq: int) -> None:
    """Wait (bounded) until the seat's feed worker has delivered `seq`."""
    deadline = time.monotonic() + SETTLE_S
    while (worker.seq or 0) < seq and time.monotonic() < deadline:
        time.sleep(0.02)


def _act(db, action: str, case_id: int, version: int, username: str, params: dict) -> str:
    """One workflow action as a seat's dialog runs it: "ok", a refusal's code, or an error."""
    from console.domain.errors import DomainError
    from console.services import cases
    from console.services.actor import actor_for
    from console.store.retry import in_transaction

    def run(session) -> None:
        actor = actor_for(session, username)
        getattr(cases, action)(session, actor, case_id, version, **params)
    try:
        in_transaction(db, run)
    except DomainError as exc:
        return exc.code
    except Exception as exc:   # noqa: BLE001 — the caller counts it as a failure
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


def _busy(db, index: int, seconds: float, every_s: float, username: str) -> int:
    """Write a note on an open case every `every_s` for `seconds`: a dispatcher at work."""
    from sqlalchemy import select

    from console.domain.errors import DomainError
    from console.domain.workflow import OPEN
    from console.services import cases
    from console.services.actor import actor_for
    from console.store.models import Case
    from console.store.retry import in_transaction

    rng = random.Random(index)
    with db.session() as s:
        ids = list(s.scalars(select(Case.id).where(Case.status.in_([x.value for x in OPEN]))))
    done = 0
    until = time.monotonic() + seconds
    next_at = time.monotonic()
    while time.monotonic() < until and ids:
        case_id = rng.choice(ids)

        def note(session) -> None:
            case = session.get(Case, case_id)
            cases.add_note(session, actor_for(session, username), case_id, case.version,
                           note=f"seat {index} checked")
        try:
            in_transaction(db, note)
            done += 1
        except DomainError:
            pass   # another seat's note came first: the next one will do
        next_at += every_s
        time.sleep(max(0.0, next_at - time.monotonic()))
    return done


def collect(replies, kind: str, n: int, timeout: float) -> dict[int, object]:
    """The next `n` replies of `kind`, by seat index (other kinds are an error)."""
    out: dict[int, object] = {}
    deadline = time.monotonic() + timeout
    while len(out) < n:
        try:
            got, index, value = replies.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"{n - len(out)} seats did not answer {kind!r}") from None
        if got != kind:
            raise RuntimeError(f"seat {index} answered {got!r} to {kind!r}: {value!r}")
        out[index] = value
    return out
