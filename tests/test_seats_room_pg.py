"""A room of seats on one PostgreSQL: N seat processes (headless: services, FeedWorker, a replica
of their views), the simulator whose phones report through a real `serve`, all on the same
cases. Several seats claim, dispatch and close the same case at once; at the end every seat
shows what the database holds, every race had one winner and named refusals for the rest,
and every seat applied the feed's sequence once each, without a gap (console/bench/room.py;
`bench seats` runs the same with 20 seats).
"""
from __future__ import annotations

import multiprocessing as mp

import pytest

from console.bench import room
from console.bench.seat_process import collect, seat_main
from console.sim.demo import build_demo
from console.sim.simulator import Simulator
from console.sim.via_http import HttpFixSender
from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg
from tests.test_ingest_serve import Serve

pytestmark = [needs_pg, pytest.mark.slow]

SEATS = 6
CASES = 3          # each goes through five races: claim, dispatch, handle, check, close
READY_S = 120


@pytest.fixture
def city():
    """A small demo city on a fresh PostgreSQL database, `serve` on loopback, the simulator."""
    with fresh_database("console_room") as url:
        db = open_database(url)
        build_demo(db, cells=60, cases=300, seed=3)
        serve = Serve(url, "--flush-ms", "50")
        sender = HttpFixSender(serve.url)
        # The simulator's phones report through serve; its desk works cases of its own.
        sim = Simulator(db, seed=3, speed=5.0, send_fixes=sender)
        try:
            yield db, url, sim
        finally:
            sim.stop()
            sender.close()
            rc = serve.stop()
            db.dispose()
            assert rc == 0, "".join(serve.log)


def test_seats_claim_dispatch_and_close_the_same_cases_and_all_end_equal(city):
    db, url, sim = city
    ctx = mp.get_context("spawn")
    commands = [ctx.Queue() for _ in range(SEATS)]
    replies = ctx.Queue()
    procs = [ctx.Process(target=seat_main, args=(url, i, commands[i], replies), daemon=True)
             for i in range(SEATS)]
    for p in procs:
        p.start()
    try:
        starts = collect(replies, "ready", SEATS, READY_S)
        sim.start()
        outcomes, problems = room.race_cases(db, commands, replies, CASES)
        sim.stop()
        assert sim.last_error is None
        assert problems == []
        assert len(outcomes) == 5 * CASES
        # Everything written (serve's queue too) is in the feed; each seat catches up.
        assert room.compare_replicas(db, commands, replies, starts) == []
    finally:
        for q in commands:
            q.put(("stop",))
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
