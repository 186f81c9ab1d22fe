"""The room proof, shared by `bench seats` (20 seats) and tests/test_seats_room_pg.py (6 seats).

Seat processes (console/bench/seat_process.py) race on the same cases: each new case goes
through claim (立案), dispatch, handling, the check request and closing, every step sent to all
seats at once with the version they all saw. Afterwards every seat is asked for its replica once
it has caught up with the newest sequence, and compared with the database read in full.
Both steps return their problems as sentences: an empty list is a pass.
"""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from console.bench.seat_process import collect
from console.live.seat_replica import database_state
from console.services import cases
from console.services.actor import actor_for
from console.store import feed
from console.store.models import Case, Category, Cell, PatrolOfficer, User

ANSWER_S = 60
#: What a seat that lost a race may be told: someone else changed the case first, or the case
#: has moved past the state the action starts from.
LOSING_CODES = frozenset({"stale_version", "action_not_allowed_in_state"})


def race_cases(db, commands, replies, n_cases: int) -> tuple[list[tuple], list[str]]:
    """Race every seat through the workflow of `n_cases` new cases; (outcomes, problems)."""
    seats = len(commands)
    with db.session() as s:
        desk = list(s.scalars(select(User.username).where(User.role == "dispatcher",
                                                          User.active.is_(True))
                              .order_by(User.id)))
        patrol_id = s.scalar(select(PatrolOfficer.id).order_by(PatrolOfficer.id))
        category = s.scalar(select(Category.code).where(Category.active.is_(True))
                            .order_by(Category.code))
        cell = s.scalar(select(Cell.code).order_by(Cell.id))
    steps = [("register", {}), ("dispatch", {}), ("mark_handled", {}),
             ("request_check", {"patrol_id": patrol_id}), ("close", {})]
    outcomes: list[tuple] = []
    made_ids = []
    for n in range(n_cases):
        with db.transaction() as s:
            # An officer's report: registered without 核实, so the claim is the first race.
            made = cases.report(s, actor_for(s, desk[0]), category_code=category,
                                source="patrol", cell_code=cell, description=f"room race {n}")
        made_ids.append(made.case_id)
        for action, params in steps:
            with db.session() as s:
                case = s.get(Case, made.case_id)
                version = case.version
                users = desk
                if action == "mark_handled":   # the department the case went to answers
                    users = list(s.scalars(select(User.username).where(
                        User.department_id == case.department_id, User.active.is_(True))))
            for i in range(seats):
                commands[i].put(("act", action, made.case_id, version, users[i % len(users)],
                                 params))
            outcomes.append((action, made.case_id, collect(replies, "acted", seats, ANSWER_S)))
    problems = []
    for action, case_id, answers in outcomes:
        won = [i for i, a in answers.items() if a == "ok"]
        refused = {a for a in answers.values() if a != "ok"}
        if len(won) != 1:
            problems.append(f"{action} of case {case_id}: {len(won)} winners {answers}")
        if not refused <= LOSING_CODES:
            problems.append(f"{action} of case {case_id}: unclean refusals {answers}")
    with db.session() as s:
        statuses = s.scalars(select(Case.status).where(Case.id.in_(made_ids))).all()
    if list(statuses) != ["closed"] * n_cases:
        problems.append(f"raced cases not all closed: {statuses}")
    return outcomes, problems


def compare_replicas(db, commands, replies, starts: dict[int, int]) -> list[str]:
    """Each seat, caught up with the newest sequence, against the database; the problems."""
    seats = len(commands)
    with db.session() as s:
        newest = feed.current_seq(s)
    for i in range(seats):
        commands[i].put(("state", newest))
    states = collect(replies, "state", seats, ANSWER_S * 2)
    truth = asdict(database_state(db))
    problems = []
    for i, got in sorted(states.items()):
        if not got["settled"] or got["seq"] < newest:
            problems.append(f"seat {i} never caught up ({got['seq']} < {newest})")
        problems += [f"seat {i}: {e}" for e in got["errors"] + got["problems"]]
        if got["start"] != starts[i]:
            problems.append(f"seat {i} started at {got['start']}, said {starts[i]}")
        for part in ("counts", "alerts", "rows"):
            if got["state"][part] != truth[part]:
                problems.append(f"seat {i}: its {part} differ from the database's")
    return problems
