"""The queue's free text answers only what the seat could see: a department's seat, which sees
callers' numbers masked, cannot learn that a number reported a case by searching for it — not
in full, not masked, not in the description where a receiver wrote it down. The desk, which
calls citizens back, finds cases by the caller's number as before; everyone finds by case
number, address and description words as before. On SQLite (trigram index and scan) and on
PostgreSQL (pg_trgm and scan)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import update

from console.services import cases
from console.services import queues as Q
from console.services.actor import Actor
from console.store.models import User
from tests.pg_server import fresh_database, needs_pg
from tests.queue_city import NOW, build_city

CALLER = "13912345678"
DESCRIPTION = "市民13912345678反映3号楼旁暴露垃圾，另留座机0571-8765 4321"


@contextmanager
def _database(kind: str, folder):
    from console.store.database import open_database
    if kind == "sqlite":
        db = open_database(f"sqlite:///{folder / 'search.db'}")
        yield db
        db.dispose()
        return
    with fresh_database("console_search") as url:
        db = open_database(url)
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=needs_pg)])
def world(request, tmp_path_factory):
    """One reported case with a caller's number (and a decoy without), on each database."""
    with _database(request.param, tmp_path_factory.mktemp("search")) as db:
        city = build_city(db)
        with db.transaction() as s:
            c = cases.report(s, city.dispatcher, category_code="20102", source="hotline",
                             cell_code=city.cell_codes[0], address="独一无二的门牌XYZ 88号",
                             description=DESCRIPTION, reporter_phone=CALLER, at=NOW)
            cases.report(s, city.dispatcher, category_code="20102", source="hotline",
                         cell_code=city.cell_codes[1], address="别处", description="无关",
                         at=NOW)
        department = city.dept_actor(db, min(city.departments.values()))
        yield db, city, department, c


def found(db, viewer: Actor | None, words: str, *, stage: str = "all",
          common: bool = False) -> set[str]:
    """The case numbers a search shows `viewer` (page, count and live re-read agree)."""
    query = Q.QueueQuery(stage, Q.QueueFilter(text=words), viewer=viewer)
    old = Q.COMMON_TEXT
    Q.COMMON_TEXT = 0 if common else old    # 0: walk the rows instead of the index
    try:
        with db.session() as s:
            rows = Q.queue_page(s, query, now=NOW).rows
            count = Q.stage_counts(s, query.filter, stages=(stage,), now=NOW,
                                   viewer=viewer)[stage]
            live = Q.matching_rows(s, query, [r.id for r in Q.queue_page(
                s, Q.QueueQuery(stage), now=NOW).rows], now=NOW)
    finally:
        Q.COMMON_TEXT = old
    numbers = {r.number for r in rows}
    assert count == len(numbers) and {r.number for r in live.values()} == numbers, words
    return numbers


#: Searches that hold the caller's number, in full, in part or masked as the seat sees it.
BY_NUMBER = (CALLER, "1391234", "12345678", "139****5678", "5678", "139 1234 5678",
             "0571-8765", "87654321")


@pytest.mark.parametrize("stage", ["all", "reported"])    # the index, and a scanned tab
@pytest.mark.parametrize("common", [False, True])
def test_a_department_seat_cannot_find_a_case_by_the_callers_number(world, stage, common):
    db, _, department, c = world
    for words in BY_NUMBER:
        assert found(db, department, words, stage=stage, common=common) == set(), words
    assert found(db, None, CALLER, stage=stage, common=common) == set()   # an export: neither


@pytest.mark.parametrize("stage", ["all", "reported"])
@pytest.mark.parametrize("common", [False, True])
def test_the_desk_finds_a_case_by_the_callers_number(world, stage, common):
    db, city, _, c = world
    for words in (CALLER, "1391234", "5678", "0571-8765", "3号楼"):
        assert found(db, city.dispatcher, words, stage=stage, common=common) == {c.number}, words
    assert found(db, city.dispatcher, "139****5678", stage=stage, common=common) == set()


@pytest.mark.parametrize("stage", ["all", "reported"])
@pytest.mark.parametrize("common", [False, True])
def test_every_seat_still_finds_by_case_number_address_and_description(world, stage, common):
    db, city, department, c = world
    for viewer in (city.dispatcher, department, None):
        for words in (c.number, c.number[-6:], "独一无二", "xyz", "88号", "门牌 暴露垃圾",
                      "暴露垃圾", "市民"):
            assert found(db, viewer, words, stage=stage, common=common) == {c.number}, \
                (viewer and viewer.role, words)
        assert found(db, viewer, "无关", stage=stage, common=common) != {c.number}


def test_a_dispatcher_moved_to_a_department_no_longer_finds_by_number(world):
    db, city, _, c = world
    assert found(db, city.dispatcher, CALLER) == {c.number}
    with db.transaction() as s:
        s.execute(update(User).where(User.id == city.dispatcher.user_id).values(role="department"))
    try:
        # The seat still remembers a dispatcher; the service reads the user as stored now.
        assert found(db, city.dispatcher, CALLER) == set()
    finally:
        with db.transaction() as s:
            s.execute(update(User).where(User.id == city.dispatcher.user_id)
                      .values(role="dispatcher"))


def test_the_queue_dock_searches_as_the_signed_in_user_may(db, qtbot):
    """Typed into the dock: a department's seat finds nothing by the caller's number (rows and
    tab counts); the desk signing in at the same seat finds the case with the text still typed."""
    from console.common.selection import Selection
    from console.live.tasks import TaskRunner
    from console.ui.queues.dock import QueueDock
    city = build_city(db)
    with db.transaction() as s:
        c = cases.report(s, city.dispatcher, category_code="20102", source="hotline",
                         cell_code=city.cell_codes[0], address="曙光路12号",
                         description=DESCRIPTION, reporter_phone=CALLER)
        c = cases.register(s, city.dispatcher, c.case_id, c.version)
        cases.dispatch(s, city.dispatcher, c.case_id, c.version,
                       department_id=min(city.departments.values()))
    department = city.dept_actor(db, min(city.departments.values()))   # its seat sees the case
    tasks = TaskRunner(db)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=department)
    qtbot.addWidget(dock)
    dock.show()
    qtbot.waitUntil(lambda: dock.refs is not None and not dock.model.busy, timeout=5000)
    dock.tabs.setCurrentIndex(Q.STAGES.index("all"))
    for words, seen in ((CALLER, False), ("暴露垃圾", True)):
        dock.search.setText(words)
        dock._apply_filter()
        qtbot.waitUntil(lambda: not dock.model.busy and not dock._counting, timeout=5000)
        assert (dock.model.rowCount() == 1) is seen, words
        assert dock.counts["all"] == int(seen), words
    dock.search.setText(CALLER)
    dock._apply_filter()
    qtbot.waitUntil(lambda: not dock.model.busy and not dock._counting, timeout=5000)
    assert dock.model.rowCount() == 0
    dock.set_actor(city.dispatcher)       # the shift changes with the text still in the field
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1 and dock.counts["all"] == 1, timeout=5000)
    assert dock.model.row_at(0).id == c.case_id
    assert tasks.wait(5000)
