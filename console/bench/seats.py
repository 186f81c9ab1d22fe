"""A room of seats on one PostgreSQL: how fast a commit is seen everywhere, what each seat reads
per change, whether races end clean, how many connections.

N headless seat processes (console/bench/seat_process.py) each open the database as a seat does
(its engine, pool and feed listener), run the real FeedWorker and keep a replica of their views
(queue rows, tab counts, alerts) read as the docks read them. Loopback servers only.

Figures: `seats.visibility_p95_ms` — from the start of a commit to the moment the last of the N
seats has the batch (95th percentile over the rounds; target ≤ 500 ms with 20 seats);
`seats.statements_per_change_<k>_active` — the statements a seat's views run per change
committed while k seats write (target: not growing with k), with their time;
`seats.room_problems` — the 20-seat proof (console/bench/room.py; target 0);
`seats.db_connections` — peak connections to the bench database while the seats run (seats,
the writer and the sampler itself; target ≤ 100 with 20 seats).

Configuration: CITY_CONSOLE_BENCH_PG_URL (else CITY_CONSOLE_TEST_PG_URL) names a server whose
user may create databases; CITY_CONSOLE_BENCH_SEATS (default 20), CITY_CONSOLE_BENCH_ROUNDS (40),
CITY_CONSOLE_BENCH_BUSY_S (15: seconds of writing per load figure).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from console.bench import Figure
from console.bench import room
from console.bench.seat_process import collect, seat_main
from console.live.refresh_policy import COUNTS_MIN_INTERVAL_MS
from console.store.models import User

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
READY_TIMEOUT_S = 180
ROUND_TIMEOUT_S = 10
#: A busy dispatcher's pace in the load figure: a change every this many seconds per seat.
BUSY_EVERY_S = 0.5
OPEN_CASES_PER_SEAT = 3
RACE_CASES = 4   # cases raced through claim, dispatch, handling, check and close


def _bench_url() -> str:
    url = os.environ.get("CITY_CONSOLE_BENCH_PG_URL") or os.environ.get("CITY_CONSOLE_TEST_PG_URL")
    if not url:
        raise SystemExit("seats: set CITY_CONSOLE_BENCH_PG_URL to a loopback PostgreSQL")
    if make_url(url).host not in LOOPBACK:
        raise SystemExit("seats: the bench runs against a loopback PostgreSQL only")
    return url


def _peak_sampler(admin, name: str, stop: threading.Event, peak: list[int]) -> None:
    with admin.connect() as con:
        while not stop.is_set():
            n = con.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                            {"d": name}).scalar_one()
            peak[0] = max(peak[0], n)
            stop.wait(0.05)


def run() -> Iterator[Figure]:
    from console.sim.demo import build_demo
    from console.store.database import open_database

    base = _bench_url()
    seats = int(os.environ.get("CITY_CONSOLE_BENCH_SEATS", "20"))
    rounds = int(os.environ.get("CITY_CONSOLE_BENCH_ROUNDS", "40"))
    busy_s = float(os.environ.get("CITY_CONSOLE_BENCH_BUSY_S", "15"))
    name = f"console_bench_seats_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    ctx = mp.get_context("spawn")   # a fresh interpreter per seat: no forked Qt or pool state
    commands = [ctx.Queue() for _ in range(seats)]
    replies, marks = ctx.Queue(), ctx.Queue()
    procs = []
    sampling, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_peak_sampler, args=(admin, name, sampling, peak))
    db = None
    try:
        db = open_database(url)
        # A small city, and open cases enough for the busy seats to rarely note the same one.
        build_demo(db, cells=60, cases=300, seed=3)
        with db.session() as s:
            users = list(s.scalars(select(User.username).where(User.role == "dispatcher")
                                   .order_by(User.id)))
        _report_cases(db, users[0], OPEN_CASES_PER_SEAT * seats)
        procs = [ctx.Process(target=seat_main, args=(url, i, commands[i], replies, marks),
                             daemon=True) for i in range(seats)]
        for p in procs:
            p.start()
        sampler.start()
        starts = collect(replies, "ready", seats, READY_TIMEOUT_S)
        worst = _visibility(db, seats, rounds, marks)
        p95 = statistics.quantiles(worst, n=20, method="inclusive")[-1] if len(worst) >= 2 else worst[0]
        yield "seats.visibility_p95_ms", p95, f"ms (commit → all {seats} seats, {rounds} rounds)"
        yield "seats.visibility_max_ms", max(worst), "ms"
        for active in sorted({1, seats}):
            per_change, ms_per_change, feed_per_change, changes = _load(
                commands, replies, seats, active, busy_s, users)
            yield (f"seats.statements_per_change_{active}_active", per_change,
                   f"view statements per seat per committed change ({active} of {seats} seats "
                   f"writing a note every {BUSY_EVERY_S:g} s, {changes} changes)")
            yield (f"seats.statement_ms_per_change_{active}_active", ms_per_change,
                   "ms of view statements per seat per committed change (wall clock)")
            yield (f"seats.feed_statements_per_change_{active}_active", feed_per_change,
                   "feed-worker statements per seat per committed change")
        # The room proof with every seat: races on the same cases, then every replica equal.
        outcomes, problems = room.race_cases(db, commands, replies, RACE_CASES)
        problems += room.compare_replicas(db, commands, replies, starts)
        for problem in problems:
            print(f"seats: {problem}", file=sys.stderr)
        yield "seats.races", float(len(outcomes)), f"races of all {seats} seats on one case"
        yield ("seats.room_problems", float(len(problems)),
               "races without one winner and clean refusals, replicas unequal to the database "
               "(target 0)")
        yield "seats.db_connections", float(peak[0]), f"connections (peak, {seats} seats + writer + sampler)"
        yield "seats.load_1min", os.getloadavg()[0], "load average during the bench"
    finally:
        for q in commands:
            q.put(("stop",))
        sampling.set()
        for p in procs:
            p.join(timeout=20)
            if p.is_alive():
                p.terminate()
        if sampler.is_alive():
            sampler.join(timeout=5)
        if db is not None:
            db.dispose()
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _report_cases(db, username: str, n: int) -> None:
    from console.services import cases
    from console.services.actor import actor_for
    from console.store.models import Category, Cell
    with db.transaction() as s:
        actor = actor_for(s, username)
        category = s.scalar(select(Category.code).where(Category.active.is_(True))
                            .order_by(Category.code))
        cells = list(s.scalars(select(Cell.code).order_by(Cell.id)))
        for k in range(n):
            cases.report(s, actor, category_code=category, source="patrol",
                         cell_code=cells[k % len(cells)], description=f"bench case {k}")


def _visibility(db, seats: int, rounds: int, marks) -> list[float]:
    """Per round: from the start of a commit to the moment the last seat has it (ms)."""
    from console.domain.changes import ChangeAction, ChangeKind
    from console.store import feed
    worst: list[float] = []
    for mark in range(rounds):
        started = time.time()
        with db.transaction() as s:
            feed.record(s, ChangeKind.SETTINGS, None, ChangeAction.CHANGED, datetime.now(),
                        {"bench_mark": mark})
        last = 0.0
        got: set[int] = set()
        deadline = time.monotonic() + ROUND_TIMEOUT_S
        while len(got) < seats:
            try:
                index, m, at = marks.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise SystemExit(f"seats: round {mark}: {seats - len(got)} seats never "
                                 "saw the commit") from None
            if m == mark:
                got.add(index)
                last = max(last, at)
        worst.append((last - started) * 1000)
        time.sleep(0.1)   # let the rounds stand apart: each is one commit, not a burst
    return worst


def _load(commands, replies, seats: int, active: int, busy_s: float,
          users: list[str]) -> tuple[float, float, float, int]:
    """`active` seats write notes for `busy_s`; every seat's view statements per change."""
    for q in commands:
        q.put(("reset",))
    collect(replies, "reset", seats, ROUND_TIMEOUT_S)
    for i in range(active):
        commands[i].put(("busy", busy_s, BUSY_EVERY_S, users[i % len(users)]))
    changes = sum(collect(replies, "busy", active, busy_s + 60).values())
    time.sleep(2 * COUNTS_MIN_INTERVAL_MS / 1000)   # the last burst's reads land in the figure
    for q in commands:
        q.put(("meter",))
    meters = collect(replies, "meter", seats, ROUND_TIMEOUT_S)
    views = [m.get("views", (0, 0.0)) for m in meters.values()]
    feed = [m.get("other", (0, 0.0)) for m in meters.values()]   # the feed worker's reads
    per_seat = statistics.mean(n for n, _ in views) / max(changes, 1)
    ms = statistics.mean(t for _, t in views) * 1000 / max(changes, 1)
    feed_per_seat = statistics.mean(n for n, _ in feed) / max(changes, 1)
    return per_seat, ms, feed_per_seat, changes
