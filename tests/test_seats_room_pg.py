"""A room of seats on one PostgreSQL: N seat processes (headless: services, FeedWorker, a replica
of their views), the simulator whose phones report through a real `serve`, all on the same
cases. Several seats claim, dispatch and close the same case at once; at the end every seat
shows what the database holds, every race had one winner and named refusals for the rest,
and every seat applied the feed's sequence once each, without a gap.
"""
from __future__ import annotations

import multiprocessing as mp
from dataclasses import asdict

import pytest
from sqlalchemy import select

from console.bench.seat_process import collect, seat_main
from console.live.seat_replica import database_state
from console.services import cases
from console.services.actor import actor_for
from console.sim.demo import build_demo
from console.sim.simulator import Simulator
from console.sim.via_http import HttpFixSender
from console.store import feed
from console.store.database import open_database
from console.store.models import Case, PatrolOfficer, User
from tests.pg_server import fresh_database, needs_pg
from tests.test_ingest_serve import Serve

pytestmark = [needs_pg, pytest.mark.slow]

SEATS = 6
CASES = 3          # each goes through five races: claim, dispatch, handle, check, close
READY_S = 120
ANSWER_S = 60
#: What a seat that lost a race may be told: someone else changed the case first, or the case
#: has moved past the state the action starts from.
LOSING_CODES = {"stale_version", "action_not_allowed_in_state"}


@pytest.fixture
def room():
    """A small demo city on a fresh PostgreSQL database, `serve` on loopback, the simulator."""
    with fresh_database("console_room") as url:
        db = open_database(url)
        build_demo(db, cells=60, cases=300, seed=3)
        serve = Serve(url, "--flush-ms", "50")
        sender = HttpFixSender(serve.url)
        # The simulator's phones report through serve; its desk acts on cases of its own.
        sim = Simulator(db, seed=3, speed=5.0, send_fixes=sender)
        try:
            yield db, url, serve, sim
        finally:
            sim.stop()
            sender.close()
            rc = serve.stop()
            db.dispose()
            assert rc == 0, "".join(serve.log)


def _race(seats, commands, replies, action, case_id, version, users, params):
    """Every seat performs `action` on the case at `version` at once; the answers by seat."""
    for i in range(seats):
        commands[i].put(("act", action, case_id, version, users[i % len(users)], params))
    return collect(replies, "acted", seats, ANSWER_S)


def test_seats_claim_dispatch_and_close_the_same_cases_and_all_end_equal(room):
    db, url, serve, sim = room
    with db.session() as s:
        dispatchers = list(s.scalars(select(User.username).where(User.role == "dispatcher")
                                     .order_by(User.id)))
        patrol_id = s.scalar(select(PatrolOfficer.id).order_by(PatrolOfficer.id))
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
        outcomes = []
        for n in range(CASES):
            with db.transaction() as s:
                made = cases.report(s, actor_for(s, dispatchers[0]), category_code=_category(s),
                                    source="patrol", cell_code=_cell(s),
                                    description=f"room race {n}")   # no 核实 first
            steps = [("register", dispatchers, {}), ("dispatch", dispatchers, {}),
                     ("mark_handled", None, {}),
                     ("request_check", dispatchers, {"patrol_id": patrol_id}),
                     ("close", dispatchers, {})]
            for action, users, params in steps:
                with db.session() as s:
                    case = s.get(Case, made.case_id)
                    version = case.version
                    if users is None:   # the department the case went to answers
                        users = list(s.scalars(select(User.username).where(
                            User.department_id == case.department_id)))
                answers = _race(SEATS, commands, replies, action, made.case_id, version,
                                users, params)
                outcomes.append((action, made.case_id, answers))
        sim.stop()
        assert sim.last_error is None

        for action, case_id, answers in outcomes:
            won = [i for i, a in answers.items() if a == "ok"]
            lost = {a for i, a in answers.items() if a != "ok"}
            assert len(won) == 1, (action, case_id, answers)
            assert lost <= LOSING_CODES, (action, case_id, answers)
        with db.session() as s:
            closed = s.scalars(select(Case.status).where(
                Case.id.in_({case_id for _, case_id, _ in outcomes}))).all()
        assert closed == ["closed"] * CASES

        # Everything written (serve's queue too) is in the feed; each seat catches up and settles.
        with db.session() as s:
            newest = feed.current_seq(s)
        for i in range(SEATS):
            commands[i].put(("state", newest))
        states = collect(replies, "state", SEATS, ANSWER_S * 2)
        truth = asdict(database_state(db))
        for i, got in states.items():
            assert got["settled"], f"seat {i} never caught up"
            assert got["errors"] == [], (i, got["errors"])
            assert got["problems"] == [], (i, got["problems"])
            assert got["start"] == starts[i] and got["seq"] >= newest
            assert got["state"]["counts"] == truth["counts"], i
            assert got["state"]["alerts"] == truth["alerts"], i
            assert got["state"]["rows"] == truth["rows"], i
    finally:
        for q in commands:
            q.put(("stop",))
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()


def _category(session) -> str:
    from console.store.models import Category
    return session.scalar(select(Category.code).where(Category.active.is_(True))
                          .order_by(Category.code))


def _cell(session) -> str:
    from console.store.models import Cell
    return session.scalar(select(Cell.code).order_by(Cell.id))
