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
from console.domain.limits import check_count, check_text
from console.domain.work_calendar import TimeUnit
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.cases import now as wall_clock
from console.services.cases import validate_phone
from console.services.devices import check_unique_id
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

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_WEEKDAYS = re.compile(r"^[0-6]{1,7}$")
#: the longest time limit a category may have, in its unit.
MAX_TIME_LIMIT = 1000


def _check_role(session: Session, actor: Actor) -> Actor:
    """The actor as stored now, if it may change the roster and the catalogues."""
    return authorize(session, actor, Permission.EDIT_ROSTER)


def _shift(shift: object) -> tuple[str, str, str]:
    """(weekdays, start, end) if `shift` is one: weekdays '0'..'6', times 'HH:MM'."""
    parts = tuple(shift) if isinstance(shift, (tuple, list)) else ()
    if len(parts) == 3 and all(isinstance(p, str) for p in parts) \
            and _WEEKDAYS.fullmatch(parts[0]) and _HHMM.fullmatch(parts[1]) \
            and _HHMM.fullmatch(parts[2]):
        return parts  # type: ignore[return-value]
    raise DomainError("bad_shift", shift=repr(shift)[:80])


def _officer(session: Session, officer_id: int) -> PatrolOfficer:
    officer = session.get(PatrolOfficer, officer_id)
    if officer is None:
        raise NotFound("patrol", officer_id)
    return officer


def set_officer_active(session: Session, actor: Actor, officer_id: int, active: bool, *,
                       at: datetime | None = None) -> None:
    """Put an officer on the roster or take them off it."""
    actor = _check_role(session, actor)
    _officer(session, officer_id).active = active
    at = at or wall_clock()
    feed.record(session, ChangeKind.OFFICER, officer_id, ChangeAction.CHANGED, at, {"active": active})
    audited(session, actor, ChangeKind.OFFICER, officer_id, ChangeAction.CHANGED, at,
            {"active": active})


def assign_work_grid(session: Session, actor: Actor, officer_id: int, work_grid_id: int | None, *,
                     at: datetime | None = None) -> None:
    """Make an officer responsible for a work grid (None: for none)."""
    actor = _check_role(session, actor)
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
    actor = _check_role(session, actor)
    unique_id = check_unique_id(unique_id)
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
    actor = _check_role(session, actor)
    _officer(session, officer_id)
    rows = []
    for shift in check_count("shifts", shifts):
        weekdays, start, end = _shift(shift)
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
    actor = _check_role(session, actor)
    if session.get(WorkGrid, work_grid_id) is None:
        raise NotFound("work_grid", work_grid_id)
    cells = sorted(set(cell_ids))
    known = set(session.scalars(select(Cell.id).where(Cell.id.in_(cells),
                                                     Cell.retired_at.is_(None)))) if cells else set()
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
    actor = _check_role(session, actor)
    code = check_text("category_code", code)
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise NotFound("category", code)
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) \
            or not (0 < time_limit <= MAX_TIME_LIMIT) or time_unit not in tuple(TimeUnit):
        raise DomainError("bad_time_limit", limit=str(time_limit)[:40], unit=str(time_unit)[:40],
                          most=MAX_TIME_LIMIT)
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
    actor = _check_role(session, actor)
    name = check_text("department_name", name)
    if not name:
        raise DomainError("text_required", field="department_name")
    phone = validate_phone(phone)
    taken = session.scalar(select(Department.id).where(Department.name == name))
    if taken is not None and taken != department_id:
        raise DomainError("department_name_taken", name=name)
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
