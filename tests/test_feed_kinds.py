"""Producers and consumers of the feed agree: one enumeration, every kind heard is recorded.

Consumers declare the kinds they react to in a module-level `FEED_KINDS`; producers are found
in the sources (every `feed.record` / `feed.record_many` call and the ChangeKind it passes).
The consumers are checked against the modules known to take part, so none can drop out and
leave the check passing on nothing; the producers are checked by running every service
function that writes the roster and watching its statements (a write to a roster table with
no feed row of its kind fails), so a producer that forgets the feed cannot hide either.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

import console
from console.domain.changes import REFERENCE_KINDS, ROSTER_KINDS, ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.workflow import Action
from console.services import devices, intake, roster
from console.services.intake import IntakeFix
from console.services.alerts import AlertEngine
from console.store import feed
from console.store.models import ChangeFeed, Shift, WorkGridCell
from tests.service_city import MON

ROOT = Path(console.__file__).parent
CONSUMERS = ("console.ui.queues.dock", "console.ui.main_window", "console.ui.alerts.alert_panel",
             "console.ui.alerts.kpi_strip", "console.map.live", "console.live.alert_worker",
             "console.services.alerts", "console.ui.calendar_watch")


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _kinds_in(node: ast.AST) -> set[ChangeKind]:
    return {ChangeKind[n.attr] for n in ast.walk(node) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "ChangeKind"}


def produced_kinds() -> dict[ChangeKind, set[str]]:
    """Each kind some source records → the files that record it."""
    out: dict[ChangeKind, set[str]] = {}
    for path, tree in _sources():
        rel = path.relative_to(ROOT.parent).as_posix()
        loops = [n for n in ast.walk(tree) if isinstance(n, ast.For)]
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("record", "record_many")
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "feed"
                    and len(call.args) >= 2):
                continue
            kind = call.args[1]
            if isinstance(kind, ast.Name):   # `for kind in (ChangeKind.A, ...): feed.record(s, kind`
                found = set().union(*(_kinds_in(f.iter) for f in loops
                                      if isinstance(f.target, ast.Name) and f.target.id == kind.id))
            else:
                found = _kinds_in(kind)
            assert found, f"{rel}:{call.lineno}: feed kind not written as ChangeKind.X"
            for k in found:
                out.setdefault(k, set()).add(rel)
    return out


def consumed_kinds() -> dict[str, frozenset[ChangeKind]]:
    """Each module that declares FEED_KINDS → what it declares."""
    out = {}
    for path, _ in _sources():
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        if "FEED_KINDS" in path.read_text(encoding="utf-8"):
            kinds = getattr(importlib.import_module(module), "FEED_KINDS", None)
            if kinds is not None:
                out[module] = kinds
    return out


def test_every_kind_a_consumer_listens_for_has_a_producer():
    produced = produced_kinds()
    consumed = consumed_kinds()
    assert set(CONSUMERS) <= set(consumed)                    # no consumer dropped out
    for module, kinds in consumed.items():
        assert kinds and all(isinstance(k, ChangeKind) for k in kinds), module
        assert not kinds - set(produced), (module, kinds - set(produced))


def test_every_kind_is_produced_and_heard():
    produced, consumed = produced_kinds(), consumed_kinds()
    assert set(produced) == set(ChangeKind)
    assert set().union(*consumed.values()) == set(ChangeKind)


def test_no_consumer_compares_the_entity_with_a_bare_string():
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) \
                    and node.left.attr == "entity":
                for right in node.comparators:
                    strings = [n for n in ast.walk(right)
                               if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                    assert not strings, f"{path}:{node.lineno}: compare with ChangeKind"


def test_record_refuses_what_is_not_a_member(db):
    with db.transaction() as s:
        with pytest.raises(ValueError):
            feed.record(s, "case", 1, Action.REPORT, MON)
        with pytest.raises(ValueError):
            feed.record(s, ChangeKind.CASE, 1, "report", MON)
        with pytest.raises(ValueError):
            feed.record(s, ChangeKind.ALERT, 1, Action.REPORT, MON)   # a case action
        with pytest.raises(ValueError):
            feed.record(s, ChangeKind.CASE, 1, ChangeAction.RAISED, MON)
        feed.record(s, ChangeKind.CASE, 1, Action.REPORT, MON)
    assert len(str(max(ChangeKind, key=len))) <= 16          # fits change_feed.entity
    assert len(str(max(list(ChangeAction) + list(Action), key=len))) <= 24


def test_roster_changes_are_recorded_and_the_alert_engine_rereads(db, city):
    engine = AlertEngine()
    with db.transaction() as s:
        engine.evaluate(s, MON)
    assert city.officer_id in engine.patrols
    with db.session() as s:
        start = feed.current_seq(s)
    leader = city.leader
    with db.transaction() as s:
        roster.set_shifts(s, leader, city.officer_id, [("0123456", "06:00", "12:00")])
        roster.assign_device(s, leader, "patrol-0099", city.officer_id)
        roster.set_work_grid_cells(s, leader, 1, city.cell_ids[:2])
    with db.transaction() as s:
        roster.set_officer_active(s, leader, city.officer_id, False)
    with db.transaction() as s:
        roster.set_category_limit(s, leader, "20102", 2, "work_hours")
        roster.set_department(s, leader, None, "测试新部门")
    with db.session() as s:
        batch = feed.changes_since(s, start)
        assert s.scalar(select(Shift.start).where(Shift.patrol_officer_id == city.officer_id)) == "06:00"
        assert len(s.scalars(select(WorkGridCell.cell_id)).all()) == 2
        assert s.scalar(select(ChangeFeed.action).where(ChangeFeed.entity == ChangeKind.DEVICE)) == "added"
    assert [r.entity for r in batch.rows] == [
        ChangeKind.SHIFT, ChangeKind.DEVICE, ChangeKind.WORK_GRID, ChangeKind.OFFICER,
        ChangeKind.CATEGORY, ChangeKind.DEPARTMENT]
    assert {r.entity for r in batch.rows} == ROSTER_KINDS | (REFERENCE_KINDS - {
        ChangeKind.SETTINGS, ChangeKind.CITY})
    with db.transaction() as s:
        engine.evaluate(s, MON + timedelta(seconds=5))
    assert city.officer_id not in engine.patrols            # re-read at once, not in 10 minutes


def test_only_desk_leaders_change_the_roster(db, city):
    with db.transaction() as s, pytest.raises(DomainError) as refused:
        roster.set_officer_active(s, city.dispatcher, city.officer_id, False)
    assert refused.value.code == "role_not_allowed"


def test_a_savepoint_rolled_back_takes_its_feed_rows_with_it(db, city):
    with db.session() as s:
        start = feed.current_seq(s)
    with db.transaction() as s:
        roster.set_officer_active(s, city.leader, city.officer_id, True)
        nested = s.begin_nested()
        roster.set_shifts(s, city.leader, city.officer_id, [])
        nested.rollback()
    with db.session() as s:
        batch = feed.changes_since(s, start)
    assert [r.entity for r in batch.rows] == [ChangeKind.OFFICER]


# --- every write to the roster is told to the seats -------------------------------------------

#: the tables behind each roster and reference kind.
ROSTER_TABLES = {"devices": ChangeKind.DEVICE, "patrol_officers": ChangeKind.OFFICER,
                 "shifts": ChangeKind.SHIFT, "work_grids": ChangeKind.WORK_GRID,
                 "work_grid_cells": ChangeKind.WORK_GRID, "categories": ChangeKind.CATEGORY,
                 "departments": ChangeKind.DEPARTMENT}
_WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)


def _jump(city):
    """Two fixes 5 km apart a second apart: the device becomes suspect."""
    return [IntakeFix(city.device, MON, 30.27, 120.15),
            IntakeFix(city.device, MON + timedelta(seconds=1), 30.315, 120.15)]


#: every service function that writes a roster table, as one call on the tiny city.
WRITERS = {
    "devices.add_device": lambda s, c: devices.add_device(s, "patrol-0042", "P0001", actor=c.leader),
    "devices.disable_device": lambda s, c: devices.disable_device(s, c.device, actor=c.leader),
    "intake.write_fixes": lambda s, c: intake.write_fixes(s, _jump(c)),
    "roster.set_officer_active": lambda s, c: roster.set_officer_active(
        s, c.leader, c.officer_id, False),
    "roster.assign_work_grid": lambda s, c: roster.assign_work_grid(s, c.leader, c.officer_id, None),
    "roster.assign_device": lambda s, c: roster.assign_device(s, c.leader, "patrol-0077",
                                                              c.officer_id),
    "roster.set_shifts": lambda s, c: roster.set_shifts(s, c.leader, c.officer_id,
                                                        [("01234", "08:00", "17:00")]),
    "roster.set_work_grid_cells": lambda s, c: roster.set_work_grid_cells(s, c.leader, 1,
                                                                          c.cell_ids[:1]),
    "roster.set_category_limit": lambda s, c: roster.set_category_limit(s, c.leader, "20102", 3,
                                                                        "work_hours"),
    "roster.set_department": lambda s, c: roster.set_department(s, c.leader, None, "新部门"),
}


def test_every_roster_writer_is_exercised():
    """A new public writer in a roster module must join WRITERS (and so the check below)."""
    found = set()
    for module in (devices, intake, roster):
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ \
                    and not name.startswith("_") and _writes_roster(fn):
                found.add(f"{module.__name__.rsplit('.', 1)[1]}.{name}")
    assert found == set(WRITERS)


_WRITER_NAME = re.compile(r"(add|set|assign|disable|enable|write|mark|remove|register|import)_")


def _writes_roster(fn) -> bool:
    """Named as a writer is; the check below then proves what it writes."""
    return bool(_WRITER_NAME.match(fn.__name__))


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_service_that_writes_the_roster_records_its_kind(db, city, name):
    written: set[ChangeKind] = set()

    def watch(conn, cursor, statement, params, context, executemany):
        match = _WRITE.match(statement)
        if match and match.group(1).lower() in ROSTER_TABLES:
            written.add(ROSTER_TABLES[match.group(1).lower()])

    with db.session() as s:
        before = s.scalar(select(func.coalesce(func.max(ChangeFeed.id), 0)))
    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        with db.transaction() as s:
            WRITERS[name](s, city)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    with db.session() as s:
        told = set(s.scalars(select(ChangeFeed.entity).where(ChangeFeed.id > before)))
    assert written, f"{name} wrote no roster table: the test no longer exercises it"
    assert {k.value for k in written} <= told, (name, written, told)
