"""Changing the roster: who patrols, with which phone, in which shifts and where; and the
catalogues every seat caches (categories and their time limits, departments).

One transaction each (the caller's); every change is a typed feed row, so the alert engine
re-reads patrols, the map re-judges them and the queues reload their catalogues at every seat.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.roles import Role
from console.domain.work_calendar import TimeUnit
from console.services.actor import Actor
from console.services.cases import now as wall_clock
from console.services.map_grid import bump_grid_version
from console.services.trail import audited
from console.store import feed
from console.store.models import (
    Category,
    Cell,
    Department,
    Device,
    PatrolOfficer,
    Shift,
    WorkGrid,
    WorkGridCell,
)

#: Who may change the roster and the catalogues.
ROSTER_ROLES = frozenset({Role.ADMIN, Role.LEADER})
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_WEEKDAYS = re.compile(r"^[0-6]{1,7}$")


def _check_role(actor: Actor) -> None:
    if actor.role not in ROSTER_ROLES:
        raise DomainError("role_not_allowed", role=actor.role.value, action="roster")


def _officer(session: Session, officer_id: int) -> PatrolOfficer:
    officer = session.get(PatrolOfficer, officer_id)
    if officer is None:
        raise NotFound("patrol", officer_id)
    return officer


def set_officer_active(session: Session, actor: Actor, officer_id: int, active: bool, *,
                       at: datetime | None = None) -> None:
    """Put an officer on the roster or take them off it."""
    _check_role(actor)
    _officer(session, officer_id).active = active
    at = at or wall_clock()
    feed.record(session, ChangeKind.OFFICER, officer_id, ChangeAction.CHANGED, at, {"active": active})
    audited(session, actor, ChangeKind.OFFICER, officer_id, ChangeAction.CHANGED, at,
            {"active": active})


def assign_work_grid(session: Session, actor: Actor, officer_id: int, work_grid_id: int | None, *,
                     at: datetime | None = None) -> None:
    """Make an officer responsible for a work grid (None: for none)."""
    _check_role(actor)
    officer = _officer(session, officer_id)
    if work_grid_id is not None and session.get(WorkGrid, work_grid_id) is None:
        raise NotFound("work_grid", work_grid_id)
    officer.work_grid_id = work_grid_id
    at = at or wall_clock()
    feed.record(session, ChangeKind.OFFICER, officer_id, ChangeAction.CHANGED, at,
                {"work_grid_id": work_grid_id})
    audited(session, actor, ChangeKind.OFFICER, officer_id, ChangeAction.CHANGED, at,
            {"work_grid_id": work_grid_id})


def assign_device(session: Session, actor: Actor, unique_id: str, officer_id: int | None, *,
                  active: bool = True, at: datetime | None = None) -> int:
    """Give a phone (new or known, by its protocol id) to an officer, or take it back; returns
    the device id."""
    _check_role(actor)
    unique_id = unique_id.strip()
    if not unique_id:
        raise ValueError("a device needs its protocol id")
    if len(unique_id) > 64:
        raise DomainError("text_too_long", field="device", limit=64)
    if officer_id is not None:
        _officer(session, officer_id)
    device = session.scalar(select(Device).where(Device.unique_id == unique_id))
    action = ChangeAction.CHANGED
    if device is None:
        device = Device(unique_id=unique_id)
        session.add(device)
        action = ChangeAction.ADDED
    device.patrol_officer_id, device.active = officer_id, active
    session.flush()
    at = at or wall_clock()
    feed.record(session, ChangeKind.DEVICE, device.id, action, at,
                {"officer_id": officer_id, "active": active})
    audited(session, actor, ChangeKind.DEVICE, device.id, action, at,
            {"officer_id": officer_id, "active": active})
    return device.id


def set_shifts(session: Session, actor: Actor, officer_id: int,
               shifts: Iterable[tuple[str, str, str]], *, at: datetime | None = None) -> None:
    """Replace an officer's shift schedule with (weekdays '0'..'6', start 'HH:MM', end 'HH:MM')."""
    _check_role(actor)
    _officer(session, officer_id)
    rows = []
    for weekdays, start, end in shifts:
        if not _WEEKDAYS.match(weekdays) or not _HHMM.match(start) or not _HHMM.match(end):
            raise ValueError(f"not a shift: {weekdays!r} {start!r}-{end!r}")
        rows.append({"patrol_officer_id": officer_id, "weekdays": weekdays, "start": start,
                     "end": end})
    session.execute(delete(Shift).where(Shift.patrol_officer_id == officer_id))
    if rows:
        session.execute(insert(Shift), rows)
    at = at or wall_clock()
    feed.record(session, ChangeKind.SHIFT, officer_id, ChangeAction.CHANGED, at, {"shifts": len(rows)})
    audited(session, actor, ChangeKind.SHIFT, officer_id, ChangeAction.CHANGED, at,
            {"shifts": len(rows)})


def set_work_grid_cells(session: Session, actor: Actor, work_grid_id: int, cell_ids: Iterable[int],
                        *, at: datetime | None = None) -> None:
    """Redraw a work grid: the cells it is made of."""
    _check_role(actor)
    if session.get(WorkGrid, work_grid_id) is None:
        raise NotFound("work_grid", work_grid_id)
    cells = sorted(set(cell_ids))
    known = set(session.scalars(select(Cell.id).where(Cell.id.in_(cells)))) if cells else set()
    if len(known) != len(cells):
        raise NotFound("cell", next(c for c in cells if c not in known))
    session.execute(delete(WorkGridCell).where(WorkGridCell.work_grid_id == work_grid_id))
    if cells:
        session.execute(insert(WorkGridCell), [{"work_grid_id": work_grid_id, "cell_id": c}
                                               for c in cells])
    bump_grid_version(session)   # the map's work-grid colours are part of its kept grid
    at = at or wall_clock()
    feed.record(session, ChangeKind.WORK_GRID, work_grid_id, ChangeAction.CHANGED, at,
                {"cells": len(cells)})
    audited(session, actor, ChangeKind.WORK_GRID, work_grid_id, ChangeAction.CHANGED, at,
            {"cells": len(cells)})


def set_category_limit(session: Session, actor: Actor, code: str, time_limit: float,
                       time_unit: TimeUnit | str, *, urgent: bool | None = None,
                       at: datetime | None = None) -> None:
    """Change a category's time limit (and whether it is urgent)."""
    _check_role(actor)
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise NotFound("category", code)
    if not (0 < time_limit <= 1000):
        raise ValueError(f"not a time limit: {time_limit!r}")
    category.time_limit, category.time_unit = time_limit, TimeUnit(time_unit).value
    if urgent is not None:
        category.urgent = urgent
    at = at or wall_clock()
    feed.record(session, ChangeKind.CATEGORY, category.id, ChangeAction.CHANGED, at, {"code": code})
    audited(session, actor, ChangeKind.CATEGORY, category.id, ChangeAction.CHANGED, at,
            {"code": code, "time_limit": time_limit, "time_unit": category.time_unit,
             "urgent": category.urgent})


def set_department(session: Session, actor: Actor, department_id: int | None, name: str, *,
                   phone: str | None = None, active: bool = True,
                   at: datetime | None = None) -> int:
    """Add a department (id None) or change one; returns its id."""
    _check_role(actor)
    name = name.strip()
    if not name:
        raise ValueError("a department needs a name")
    if len(name) > 64:
        raise DomainError("text_too_long", field="name", limit=64)
    action = ChangeAction.CHANGED
    if department_id is None:
        department = Department(name=name)
        session.add(department)
        action = ChangeAction.ADDED
    else:
        department = session.get(Department, department_id)
        if department is None:
            raise NotFound("department", department_id)
    department.name, department.phone, department.active = name, phone, active
    session.flush()
    at = at or wall_clock()
    feed.record(session, ChangeKind.DEPARTMENT, department.id, action, at, {"active": active})
    audited(session, actor, ChangeKind.DEPARTMENT, department.id, action, at,
            {"name": name, "phone": phone, "active": active})
    return department.id
