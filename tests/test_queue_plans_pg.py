"""The queue's first-rows queries use their indexes on PostgreSQL, so an index that goes (or a
query that stops matching it) fails here rather than on a million cases.

The statements are the ones queue_page really runs (caught as they go to the driver) and are
EXPLAINed with their own parameters. A small city has too few rows for the planner to prefer an
index by cost, so sequential scans are switched off: what is left is the index the query can
use. Each tab must read `cases` through one of its expected indexes with an Index Cond (or, for
the "all" tab, in the order of its sort index), never a whole-table walk.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event, text

from console.services import queues
from console.sim.demo import build_demo
from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg
NOW = datetime(2026, 11, 23, 10, 0)
STATUS = {"ix_cases_status_deadline", "ix_cases_status_reported"}
#: stage → the indexes of `cases` its first page may be read through
EXPECTED = {"all": {"ix_cases_reported_at"}, "closed_today": {"ix_cases_closed_at"},
            "overdue": {"ix_cases_status_deadline"}} | {
    stage: STATUS for stage in queues.STAGES if stage not in ("all", "closed_today", "overdue")}


@pytest.fixture(scope="module")
def pg():
    with fresh_database("queue_plans") as url:
        db = open_database(url)
        build_demo(db, seed=3, cells=300, cases=3000, now=NOW)
        with db.engine.begin() as con:
            con.execute(text("ANALYZE"))
        yield db
        db.dispose()


def _statements(db, stage: str) -> list[tuple[str, object]]:
    """The SQL (and parameters) queue_page runs for the first rows of `stage`."""
    caught: list[tuple[str, object]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if "FROM cases" in statement:
            caught.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        with db.session() as s:
            queues.queue_page(s, queues.QueueQuery(stage), now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
    assert caught, stage
    return caught


def _case_scans(plan: dict) -> list[dict]:
    """The nodes that read `cases`: its scans, and for a bitmap scan the index scans under it."""
    if plan.get("Relation Name") == "cases":
        if plan["Node Type"] == "Bitmap Heap Scan":
            return _index_nodes(plan)
        return [plan]
    return [node for child in plan.get("Plans", []) for node in _case_scans(child)]


def _index_nodes(plan: dict) -> list[dict]:
    found = [plan] if plan["Node Type"] == "Bitmap Index Scan" else []
    return found + [node for child in plan.get("Plans", []) for node in _index_nodes(child)]


def scans_of(db, stage: str, *, before=None) -> list[dict]:
    """The plan nodes that read `cases` in the first-rows queries of `stage`."""
    statements = _statements(db, stage)
    scans = []
    with db.engine.connect() as con, con.begin():
        if before is not None:
            before(con)
        con.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            plan = con.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement,
                                       parameters).scalar_one()
            scans += _case_scans(plan[0]["Plan"])
        con.rollback()
    return scans


def problems(scans: list[dict], expected: set[str]) -> list[str]:
    out = []
    for node in scans:
        index = node.get("Index Name")
        if index not in expected:
            out.append(f"{node['Node Type']} on {index or 'the table'}")
        elif "Index Cond" not in node and not node["Node Type"].startswith("Index"):
            out.append(f"{node['Node Type']} on {index} without a condition")
    return out


@pytest.mark.parametrize("stage", queues.STAGES)
def test_the_first_rows_of_every_tab_are_read_through_their_index(pg, stage):
    scans = scans_of(pg, stage)
    assert scans and problems(scans, EXPECTED[stage]) == []
    for node in scans:
        if node["Index Name"] != "ix_cases_reported_at":
            assert "Index Cond" in node, node      # a range of the index, not all of it


def test_a_dropped_index_fails_the_check(pg):
    """The check itself bites: without the status indexes the tab's plan is reported."""
    def drop(con) -> None:     # inside the EXPLAIN's transaction, rolled back after
        con.exec_driver_sql("DROP INDEX ix_cases_status_deadline")
        con.exec_driver_sql("DROP INDEX ix_cases_status_reported")
    scans = scans_of(pg, "dispatched", before=drop)
    assert problems(scans, EXPECTED["dispatched"]) != []
    with pg.engine.connect() as con:      # and they are back
        assert con.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                "'ix_cases_status_deadline'")).scalar_one() == 1
