"""Importing the organisation workbook: a report of what would change (dry run), then all of it
in the caller's one transaction, or nothing.

Rows are matched by their keys (department name, user name, officer code, device id); what
the workbook does not name is left as it is — retiring is an `active` of "no", never a
missing row. Every change is recorded like the roster's and the accounts' own services
record theirs — a feed row of its kind and an audit record with the importing administrator
as actor — but written in bulk: 5,000 officers one service call each would re-check the
actor 20,000 times. New accounts get no password: they cannot sign in until an
administrator sets one (the user list shows them as such), and the report names them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.permissions import Permission
from console.domain.roles import Role
from console.services.actor import Actor, authorize
from console.services.people_book import PeopleBook, read_book
from console.services.trail import audited
from console.services.workbook import Problem
from console.store import feed
from console.store.models import Department, Device, PatrolOfficer, Shift, User, WorkGrid

SHEET_ORDER = ("departments", "users", "officers", "devices", "shifts")


@dataclass
class ImportReport:
    """What an import found and did: problems (none, or nothing was written), and per sheet
    how many rows add, change or leave alone a record."""

    problems: list[Problem] = field(default_factory=list)
    added: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    #: user names of new accounts, which have no password until an administrator sets one
    without_password: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return sum(self.added.values()) + sum(self.changed.values())


class ImportRefused(DomainError):
    """The workbook has problems: nothing was written. `report` lists every one."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("workbook_has_problems", count=len(report.problems))
        self.report = report


@dataclass
class _Plan:
    report: ImportReport
    # (row, existing record or None, new values)
    departments: list[tuple[Any, Department | None, dict]] = field(default_factory=list)
    users: list[tuple[Any, User | None, dict]] = field(default_factory=list)
    officers: list[tuple[Any, PatrolOfficer | None, dict]] = field(default_factory=list)
    devices: list[tuple[Any, Device | None, dict]] = field(default_factory=list)
    shifts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def import_people(session: Session, actor: Actor, path: Path, *, at: datetime,
                  dry_run: bool = False,
                  progress: Callable[[float, str], None] | None = None) -> ImportReport:
    """Read, check and (unless `dry_run`) apply a workbook as `actor`, an administrator.

    `progress(fraction, stage)` hears of each stage (read, check, write); it may raise to
    stop before the next (a cancelled task), and the caller's transaction then writes nothing.
    Raises WorkbookRefused for a file that cannot be read at all, ImportRefused (with the
    report) when any row has a problem; the caller's transaction then writes nothing."""
    tell = progress or (lambda _f, _s: None)
    actor = authorize(session, actor, Permission.MANAGE_USERS)
    actor = authorize(session, actor, Permission.EDIT_ROSTER)
    tell(0.0, "read")
    book, problems = read_book(path)
    tell(0.4, "check")
    plan = _plan(session, book, problems)
    if plan.report.problems:
        raise ImportRefused(plan.report)
    if not dry_run and plan.report.changes:
        tell(0.6, "write")
        _apply(session, actor, plan, at)
        plan.report.applied = True
    tell(1.0, "done")
    return plan.report


# --- planning: the workbook against the database ----------------------------------------------

def _diff(record: Any, values: dict) -> bool:
    return record is None or any(getattr(record, k) != v for k, v in values.items())


def _count(report: ImportReport, sheet: str, record: Any, values: dict) -> bool:
    if record is None:
        report.added[sheet] += 1
        return True
    if _diff(record, values):
        report.changed[sheet] += 1
        return True
    report.unchanged[sheet] += 1
    return False


def _plan(session: Session, book: PeopleBook, problems: list[Problem]) -> _Plan:
    report = ImportReport(problems=list(problems))
    plan = _Plan(report)
    deps = {d.name: d for d in session.scalars(select(Department))}
    users = {u.username.casefold(): u for u in session.scalars(
        select(User).where(User.role != Role.SYSTEM.value))}
    system = set(session.scalars(select(User.username).where(User.role == Role.SYSTEM.value)))
    officers = {o.code.casefold(): o for o in session.scalars(select(PatrolOfficer))}
    devices = {d.unique_id: d for d in session.scalars(select(Device))}
    grids = {g.code: g.id for g in session.execute(select(WorkGrid.code, WorkGrid.id))}
    book_deps = {r.name for r in book.departments}
    book_users = {r.username.casefold() for r in book.users}
    book_officers = {r.code.casefold() for r in book.officers}
    bad = report.problems.append
    dep_name = {d.id: d.name for d in deps.values()}
    username = {u.id: u.username for u in users.values()}
    officer_code = {o.id: o.code for o in officers.values()}
    col = book.letters

    for r in book.departments:
        rec = deps.get(r.name)
        values = {"name": r.name, "phone": r.phone, "active": r.active}
        if _count(report, "departments", rec, values):
            plan.departments.append((r, rec, values))
    for r in book.users:
        rec = users.get(r.username.casefold())
        if r.username in system:
            bad(Problem("users", r.row, col["users"].get("username"), r.username, "username_taken",
                        {"username": r.username}))
            continue
        if r.department and r.department not in deps and r.department not in book_deps:
            bad(Problem("users", r.row, col["users"].get("department"), r.department, "unknown_department_name",
                        {"name": r.department}))
            continue
        values = {"username": rec.username if rec else r.username,
                  "display_name": r.display_name or r.username, "role": r.role,
                  "department": r.department, "active": r.active}
        current = None if rec is None else {
            "username": rec.username, "display_name": rec.display_name, "role": rec.role,
            "department": dep_name.get(rec.department_id), "active": rec.active}
        if _count(report, "users", current and _Dict(current), values):
            plan.users.append((r, rec, values))
            if rec is None:
                report.without_password.append(r.username)
    for r in book.officers:
        rec = officers.get(r.code.casefold())
        if r.work_grid and r.work_grid not in grids:
            bad(Problem("officers", r.row, col["officers"].get("work_grid"), r.work_grid, "unknown_work_grid",
                        {"key": r.work_grid}))
            continue
        if r.username and r.username.casefold() not in users \
                and r.username.casefold() not in book_users:
            bad(Problem("officers", r.row, col["officers"].get("username"), r.username, "unknown_account",
                        {"username": r.username}))
            continue
        values = {"code": rec.code if rec else r.code, "name": r.name, "phone": r.phone,
                  "work_grid_id": grids.get(r.work_grid) if r.work_grid else None,
                  "username": r.username, "active": r.active}
        current = None if rec is None else {
            "code": rec.code, "name": rec.name, "phone": rec.phone,
            "work_grid_id": rec.work_grid_id, "username": username.get(rec.user_id),
            "active": rec.active}
        if _count(report, "officers", current and _Dict(current), values):
            plan.officers.append((r, rec, values))
    known_officer = {o.casefold() for o in officers} | book_officers
    for r in book.devices:
        rec = devices.get(r.device_id)
        if r.officer and r.officer.casefold() not in known_officer:
            bad(Problem("devices", r.row, col["devices"].get("officer"), r.officer, "unknown_officer",
                        {"key": r.officer}))
            continue
        values = {"officer": r.officer, "active": r.active}
        current = None if rec is None else {
            "officer": officer_code.get(rec.patrol_officer_id), "active": rec.active}
        if _count(report, "devices", current and _Dict(current), values):
            plan.devices.append((r, rec, values))
    _plan_shifts(session, book, plan, officers, known_officer)
    return plan


class _Dict:
    """A dict read through attributes, so _diff compares a record's view like a record."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def _plan_shifts(session: Session, book: PeopleBook, plan: _Plan,
                 officers: dict[str, PatrolOfficer], known: set[str]) -> None:
    wanted: dict[str, list[tuple[str, str, str]]] = {r.code.casefold(): [] for r in book.officers}
    for r in book.shifts:
        if r.officer.casefold() not in known:
            plan.report.problems.append(Problem("shifts", r.row, book.letters["shifts"].get("officer"), r.officer,
                                                "unknown_officer", {"key": r.officer}))
            continue
        wanted.setdefault(r.officer.casefold(), []).append((r.weekdays, r.start, r.end))
    stored: dict[int, list[tuple[str, str, str]]] = {}
    for s in session.execute(select(Shift.patrol_officer_id, Shift.weekdays, Shift.start,
                                    Shift.end)):
        stored.setdefault(s[0], []).append((s[1], s[2], s[3]))
    for code, shifts in wanted.items():
        rec = officers.get(code)
        before = sorted(stored.get(rec.id, [])) if rec is not None else []
        if sorted(shifts) == before:
            plan.report.unchanged["shifts"] += 1
        else:
            plan.report.changed["shifts"] += 1
            plan.shifts[code] = sorted(shifts)


# --- applying ---------------------------------------------------------------------------------

def _apply(session: Session, actor: Actor, plan: _Plan, at: datetime) -> None:
    by = {"by": actor.name, "import": True}
    # One audit record per kind of record, listing every change: the trail is chained row by
    # row (an insert and an update each), and 20,000 of them would take longer than the rest.
    trail: dict[ChangeKind, list[dict]] = {}

    def tell(kind: ChangeKind, rec_id: int, added: bool, data: dict) -> None:
        action = ChangeAction.ADDED if added else ChangeAction.CHANGED
        trail.setdefault(kind, []).append({"id": rec_id, "action": action.value, **data})

    deps: dict[str, Department] = {d.name: d for d in session.scalars(select(Department))}
    for _, rec, values in plan.departments:
        dep = rec or Department()
        dep.name, dep.phone, dep.active = values["name"], values["phone"], values["active"]
        if rec is None:
            session.add(dep)
        deps[dep.name] = dep
    session.flush()
    for _, rec, values in plan.departments:
        tell(ChangeKind.DEPARTMENT, deps[values["name"]].id, rec is None, values)

    users = {u.username.casefold(): u for u in session.scalars(select(User))}
    for _, rec, values in plan.users:
        user = rec or User(username=values["username"], password_hash=None)
        user.display_name, user.role, user.active = (values["display_name"], values["role"],
                                                     values["active"])
        user.department_id = deps[values["department"]].id if values["department"] else None
        if rec is None:
            session.add(user)
        users[user.username.casefold()] = user
    session.flush()
    if session.scalar(select(func.count()).select_from(User).where(
            User.role == Role.ADMIN.value, User.active.is_(True))) == 0:
        raise DomainError("last_administrator")
    for _, rec, values in plan.users:
        tell(ChangeKind.USER, users[values["username"].casefold()].id, rec is None,
             {k: v for k, v in values.items()})

    officers = {o.code.casefold(): o for o in session.scalars(select(PatrolOfficer))}
    new_officers = []
    for _, rec, values in plan.officers:
        officer = rec or PatrolOfficer(code=values["code"])
        officer.name, officer.phone, officer.active = (values["name"], values["phone"],
                                                       values["active"])
        officer.work_grid_id = values["work_grid_id"]
        u = values["username"]
        officer.user_id = users[u.casefold()].id if u else None
        if rec is None:
            new_officers.append(officer)
        officers[officer.code.casefold()] = officer
    session.add_all(new_officers)
    session.flush()
    for _, rec, values in plan.officers:
        tell(ChangeKind.OFFICER, officers[values["code"].casefold()].id, rec is None, values)

    new_devices = []
    changed_devices = []
    for r, rec, values in plan.devices:
        device = rec or Device(unique_id=r.device_id)
        device.active = values["active"]
        device.patrol_officer_id = officers[values["officer"].casefold()].id \
            if values["officer"] else None
        (new_devices if rec is None else changed_devices).append(device)
    session.add_all(new_devices)
    session.flush()
    for device, added in [(d, True) for d in new_devices] + [(d, False) for d in changed_devices]:
        tell(ChangeKind.DEVICE, device.id, added,
             {"unique_id": device.unique_id, "officer_id": device.patrol_officer_id,
              "active": device.active})

    if plan.shifts:
        ids = {code: officers[code].id for code in plan.shifts}
        session.execute(delete(Shift).where(Shift.patrol_officer_id.in_(list(ids.values()))))
        rows = [{"patrol_officer_id": ids[code], "weekdays": w, "start": s, "end": e}
                for code, shifts in plan.shifts.items() for w, s, e in shifts]
        if rows:
            session.execute(insert(Shift), rows)
        for code, shifts in plan.shifts.items():
            tell(ChangeKind.SHIFT, ids[code], False, {"shifts": [list(s) for s in shifts]})
    for kind in (ChangeKind.DEPARTMENT, ChangeKind.USER, ChangeKind.OFFICER, ChangeKind.DEVICE,
                 ChangeKind.SHIFT):
        changes = trail.get(kind)
        if changes:
            feed.record_many(session, kind, at, [(c["id"], ChangeAction(c["action"]), by)
                                                 for c in changes])
            audited(session, actor, kind, None, ChangeAction.CHANGED, at,
                    {"import": True, "changes": changes})


def administrator(session: Session, username: str | None = None) -> Actor:
    """Who imports from the command line: the named account, or the one active administrator
    (DomainError `administrator_required` when there are several and none is named)."""
    from console.services.actor import actor_for, snapshot
    if username:
        return actor_for(session, username)
    admins = session.scalars(select(User).where(User.role == Role.ADMIN.value,
                                                User.active.is_(True)).limit(2)).all()
    if len(admins) != 1:
        raise DomainError("administrator_required")
    return snapshot(admins[0])
