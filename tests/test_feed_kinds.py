"""Producers and consumers of the feed agree: one enumeration, every kind heard is recorded.

Consumers declare the kinds they react to in a module-level `FEED_KINDS`; producers are found
in the sources (every `feed.record` / `feed.record_many` call and the ChangeKind it passes).
The lists of both are checked for the modules known to take part, so neither side can drop out
and leave the check passing on nothing.
"""
from __future__ import annotations

import ast
import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import console
from console.domain.changes import REFERENCE_KINDS, ROSTER_KINDS, ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.workflow import Action
from console.services import roster
from console.services.alerts import AlertEngine
from console.store import feed
from console.store.models import ChangeFeed, Shift, WorkGridCell
from tests.service_city import MON

ROOT = Path(console.__file__).parent
CONSUMERS = ("console.ui.queues.dock", "console.ui.main_window", "console.ui.alerts.alert_panel",
             "console.ui.alerts.kpi_strip", "console.map.live", "console.live.alert_worker",
             "console.services.alerts")
PRODUCERS = {"console/services/cases.py", "console/services/settings.py",
             "console/services/alert_actions.py", "console/store/alert_queries.py",
             "console/services/roster.py", "console/sim/demo.py", "console/sim/history.py"}


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
    assert PRODUCERS <= set().union(*produced.values())       # no producer dropped out
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
