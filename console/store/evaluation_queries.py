"""SQL of the evaluation (综合评价): which cases each count holds, and the counts per unit.

Every count is a few conditions on the cases' own columns (`COUNTS` of `flags`), used twice: summed with
GROUP BY for the rankings, and as a WHERE to list the cases behind a figure — so a figure and
its list cannot disagree. The conditions, for a period [start, end) seen at `upto` =
min(end, now):

- due (应结案数): dispatched, neither cancelled, rejected nor parked, whose deadline (worked out
  in working time by the calendar when dispatched, moved by extensions and rework) fell in
  [start, upto) — handled or not, which is what "handled + overdue-and-unhandled" adds up to.
  closed, closed on time, rework and extension count among these, so every rate is ≤ 1.
- dispatched: dispatched in the period (its latest dispatch); handled, handled on time and
  returned (回退) count among these.
- overdue (超期数): open and unhandled at `upto` with its deadline before it.

The scan is bounded by indexed ranges (`candidates`): cases reported within LOOKBACK before the
period, whose deadline lies within OVERDUE_LOOKBACK before it (through the status + deadline
index), closed since the start, or still running. A count's condition implies that bound.
"""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from console.domain.workflow import Status
from console.store.models import (
    Case,
    CaseDepartment,
    Cell,
    Community,
    Department,
    PatrolOfficer,
    Street,
)

#: Registration, dispatch and a 核查 are looked for among cases reported this long before the
#: period (they follow the report within days; keeps the scan on the reported_at index).
LOOKBACK = timedelta(days=7)
#: Overdue at the end of a past period: deadlines this long before it are looked at; a case
#: still running now is looked at whatever its age, so the current period is exact.
OVERDUE_LOOKBACK = timedelta(days=7)
_ALL = sorted(s.value for s in Status)
_NOT_DUE = (Status.CANCELLED.value, Status.REJECTED.value, Status.PARKED.value)
#: The largest list a figure's cases are listed up to.
LIST_LIMIT = 5000


@dataclass(frozen=True)
class Scope:
    """Restricts the cases evaluated (a campaign's area and focus); empty: everything."""

    streets: tuple[int, ...] = ()
    communities: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    departments: tuple[int, ...] = ()


def _hours(a: ColumnElement, b: ColumnElement, dialect: str) -> ColumnElement:
    """Wall-clock hours from a to b, in the dialect's date arithmetic."""
    if dialect == "sqlite":
        return (func.julianday(b) - func.julianday(a)) * 24.0
    return func.extract("epoch", b - a) / 3600.0


def flags(start: datetime, upto: datetime, check_hours: float,
          dialect: str) -> dict[str, ColumnElement[bool]]:
    """The conditions counts are made of, for the period [start, upto)."""
    c = Case
    recent = c.reported_at >= start - LOOKBACK
    return {
        "due": and_(c.deadline >= start, c.deadline < upto, c.dispatched_at.is_not(None),
                    c.status.not_in(_NOT_DUE)),
        "closed": and_(c.closed_at.is_not(None), c.closed_at < upto),
        "on_time": c.handled_at <= c.deadline,
        "reworked": c.rework_count > 0,
        "extended": c.extension_count > 0,
        "not_returned": c.return_count == 0,
        # A case cancelled after dispatch (作废: it was never the department's to handle).
        "dispatched": and_(recent, c.dispatched_at >= start, c.dispatched_at < upto,
                           c.status != Status.CANCELLED.value),
        "handled": and_(c.handled_at.is_not(None), c.handled_at < upto),
        "registered": and_(recent, c.registered_at >= start, c.registered_at < upto),
        "by_patrol": c.source == "patrol",
        "overdue": and_(c.deadline < upto, c.dispatched_at < upto, c.status.not_in(_NOT_DUE),
                        or_(c.deadline >= start - OVERDUE_LOOKBACK,
                            c.status == Status.DISPATCHED.value),
                        or_(c.handled_at.is_(None), c.handled_at >= upto),
                        or_(c.closed_at.is_(None), c.closed_at >= upto)),
        "reported": and_(c.reported_at >= start, c.reported_at < upto),
        "valid": c.registered_at.is_not(None),
        "checked": and_(recent, c.check_patrol_id.is_not(None), c.handled_at >= start,
                        c.handled_at < upto),
        "checked_in_time": and_(c.closed_at.is_not(None),
                                _hours(c.handled_at, c.closed_at, dialect) <= check_hours),
        # 核实: asked in the period (its latest request); answered by the limit the request
        # set (the centre's verify_answer limit, stored as verify_due).
        "verify_asked": and_(recent, c.verify_patrol_id.is_not(None),
                             c.verify_requested_at >= start, c.verify_requested_at < upto),
        "verified_in_time": and_(c.verified_at.is_not(None), c.verified_at < upto,
                                 c.verified_at <= c.verify_due),
    }


#: Every count: the flags a case must all have to be in it.
COUNTS: dict[str, tuple[str, ...]] = {
    "registered": ("registered",),
    "registered_by_patrol": ("registered", "by_patrol"),
    "due": ("due",),
    "closed": ("due", "closed"),
    "closed_on_time": ("due", "closed", "on_time"),
    "rework": ("due", "reworked"),
    "extension": ("due", "extended"),
    "dispatched": ("dispatched",),
    "handled": ("dispatched", "handled"),
    "handled_on_time": ("dispatched", "handled", "on_time"),
    "dispatched_correctly": ("dispatched", "not_returned"),
    "overdue": ("overdue",),
    "reports": ("reported",),
    "valid_reports": ("reported", "valid"),
    "checks": ("checked",),
    "checks_on_time": ("checked", "checked_in_time"),
    "verifies": ("verify_asked",),
    "verifies_on_time": ("verify_asked", "verified_in_time"),
}


def condition(count: str, start: datetime, upto: datetime, check_hours: float,
              dialect: str) -> ColumnElement[bool]:
    """Which cases one count holds, as a WHERE (within the indexed candidates)."""
    f = flags(start, upto, check_hours, dialect)
    return and_(candidates(start, upto), *(f[name] for name in COUNTS[count]))


#: Counts whose unit is the patrol officer who reported the case, or who was asked to check it.
BY_REPORTER = ("reports", "valid_reports")
BY_CHECKER = ("checks", "checks_on_time")
BY_VERIFIER = ("verifies", "verifies_on_time")


def candidates(start: datetime, upto: datetime) -> ColumnElement[bool]:
    """Every case any count can hold, as ranges of indexed columns (SQLite ORs the indexes)."""
    return or_(and_(Case.reported_at >= start - LOOKBACK, Case.reported_at < upto),
               and_(Case.status.in_(_ALL), Case.deadline >= start - OVERDUE_LOOKBACK,
                    Case.deadline < upto),
               and_(Case.status == Status.DISPATCHED.value, Case.deadline < upto))


def scoped(scope: Scope | None) -> list[ColumnElement[bool]]:
    """WHERE terms for a scope (cells via their community and street)."""
    if scope is None:
        return []
    out: list[ColumnElement[bool]] = []
    if scope.categories:
        out.append(Case.category_code.in_(scope.categories))
    if scope.departments:
        out.append(Case.department_id.in_(scope.departments))
    area = []
    if scope.cells:
        area.append(Case.cell_id.in_(scope.cells))
    if scope.communities:
        area.append(Case.cell_id.in_(select(Cell.id).where(Cell.community_id.in_(scope.communities))))
    if scope.streets:
        area.append(Case.cell_id.in_(select(Cell.id).join(Community).where(
            Community.street_id.in_(scope.streets))))
    if area:
        out.append(or_(*area))
    return out


def _flagged(start: datetime, upto: datetime, check_hours: float, dialect: str,
             needed: tuple[str, ...], keys: list, scope: Scope | None):
    """A subquery of the candidates with each needed flag as 0/1, evaluated once a row; on
    SQLite, LIMIT -1 keeps it from being flattened into the sums (which would evaluate a
    flag again in every count that uses it)."""
    f = flags(start, upto, check_hours, dialect)
    inner = (select(*keys, *(case((f[n], 1), else_=0).label(n) for n in needed))
             .select_from(Case).outerjoin(Cell, Cell.id == Case.cell_id)
             .where(candidates(start, upto), *scoped(scope)))
    return (inner.limit(-1) if dialect == "sqlite" else inner).subquery()


def _sums(sub, names: Iterable[str]) -> list:
    out = []
    for name in names:
        product = None
        for flag in COUNTS[name]:
            product = sub.c[flag] if product is None else product * sub.c[flag]
        out.append(func.coalesce(func.sum(product), 0).label(name))
    return out


#: Flags that do not depend on the period: computed once a row however many periods are scanned.
PERIOD_FREE = frozenset({"by_patrol", "on_time", "reworked", "extended", "not_returned", "valid"})
#: Counts summed per (department, community): every count but the patrol officers' own.
UNIT_COUNTS = tuple(n for n in COUNTS if n not in BY_REPORTER + BY_CHECKER + BY_VERIFIER)


def unit_counts_many(session: Session, periods: list[tuple[datetime, datetime]], check_hours: float,
                     scope: Scope | None = None) -> list[tuple]:
    """The counts per (department, community) for several periods in one grouped scan.

    Each row is (department_id, community_id, *counts of period 0 in UNIT_COUNTS order, *counts
    of period 1, ...). The candidates are those of the periods' hull — a superset of each
    period's own, which changes nothing because every count's condition implies its period's
    bound — so a period and the one before it share one pass over the cases, one join to the
    cells and one sort for the grouping."""
    dialect = session.get_bind().dialect.name
    needed = tuple(dict.fromkeys(f for n in UNIT_COUNTS for f in COUNTS[n]))
    columns, free = [], set()
    for i, (start, upto) in enumerate(periods):
        f = flags(start, upto, check_hours, dialect)
        for name in needed:
            if name in PERIOD_FREE:
                if name not in free:
                    free.add(name)
                    columns.append(case((f[name], 1), else_=0).label(name))
            else:
                columns.append(case((f[name], 1), else_=0).label(f"{name}_{i}"))
    hull = candidates(min(s for s, _ in periods), max(u for _, u in periods))
    inner = (select(Case.department_id, Cell.community_id, *columns)
             .select_from(Case).outerjoin(Cell, Cell.id == Case.cell_id)
             .where(hull, *scoped(scope)))
    # On SQLite, LIMIT -1 keeps the subquery from being flattened into the sums (which would
    # evaluate a flag again in every count that uses it).
    sub = (inner.limit(-1) if dialect == "sqlite" else inner).subquery()
    sums = []
    for i in range(len(periods)):
        for name in UNIT_COUNTS:
            product = None
            for flag in COUNTS[name]:
                column = sub.c[flag if flag in PERIOD_FREE else f"{flag}_{i}"]
                product = column if product is None else product * column
            sums.append(func.coalesce(func.sum(product), 0))
    stmt = (select(sub.c.department_id, sub.c.community_id, *sums)
            .group_by(sub.c.department_id, sub.c.community_id))
    with _roomy_cache(session, dialect):
        return [tuple(r) for r in session.execute(stmt)]


#: SQLite's page cache during the grouped scan (KiB). The default 2 MiB makes the scan re-read
#: index and table pages it has just evicted: 32 MiB took the 30-day evaluation of the
#: million-case city from ~920 to ~850 ms. Only for the scan — kept on every pooled
#: connection it grew a seat's memory by ~100 MB.
SCAN_CACHE_KIB = 32 * 1024


@contextmanager
def _roomy_cache(session: Session, dialect: str):
    if dialect != "sqlite":
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SCAN_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def unit_counts(session: Session, start: datetime, upto: datetime, check_hours: float,
                scope: Scope | None = None) -> list[dict[str, Any]]:
    """The counts per (department, community) of one period, as dicts."""
    return [dict(zip(("department_id", "community_id", *UNIT_COUNTS), row))
            for row in unit_counts_many(session, [(start, upto)], check_hours, scope)]


def patrol_counts(session: Session, start: datetime, upto: datetime, check_hours: float,
                  scope: Scope | None = None) -> dict[int, dict[str, int]]:
    """The counts per patrol officer: reports by the reporter, checks by the checker, 核实 by
    the officer asked to verify."""
    dialect = session.get_bind().dialect.name
    out: dict[int, dict[str, int]] = {}
    for column, names in ((Case.reporter_patrol_id, BY_REPORTER), (Case.check_patrol_id, BY_CHECKER),
                          (Case.verify_patrol_id, BY_VERIFIER)):
        needed = tuple(dict.fromkeys(f for n in names for f in COUNTS[n]))
        sub = _flagged(start, upto, check_hours, dialect, needed, [column.label("unit")], scope)
        stmt = (select(sub.c.unit, *_sums(sub, names)).where(sub.c.unit.is_not(None))
                .group_by(sub.c.unit))
        for row in session.execute(stmt):
            out.setdefault(row[0], {}).update({n: int(row._mapping[n]) for n in names})
    return out


def member_condition(level: str, member_id: int, count: str) -> ColumnElement[bool]:
    """Which cases belong to one evaluated unit."""
    if level == "department":
        return Case.department_id == member_id
    if level == "community":
        return Case.cell_id.in_(select(Cell.id).where(Cell.community_id == member_id))
    if level == "street":
        return Case.cell_id.in_(select(Cell.id).join(Community).where(Community.street_id == member_id))
    if level == "patrol":
        column = (Case.check_patrol_id if count in BY_CHECKER else Case.verify_patrol_id
                  if count in BY_VERIFIER else Case.reporter_patrol_id)
        return column == member_id
    raise ValueError(f"unknown level {level!r}")


def cases_of(session: Session, level: str, member_id: int, count: str, start: datetime,
             upto: datetime, check_hours: float, scope: Scope | None = None
             ) -> list[dict[str, Any]]:
    """The cases one count of one unit holds, newest report first (up to LIST_LIMIT)."""
    dialect = session.get_bind().dialect.name
    cond = condition(count, start, upto, check_hours, dialect)
    stmt = (select(Case.id, Case.number, Case.category_code, Case.status, Case.reported_at,
                   Case.deadline, Case.handled_at, Case.closed_at, Case.address)
            .where(cond, member_condition(level, member_id, count), *scoped(scope))
            .order_by(Case.reported_at.desc(), Case.id.desc()).limit(LIST_LIMIT))
    return [dict(r._mapping) for r in session.execute(stmt)]


def names(session: Session, level: str) -> dict[int, str]:
    """Every unit of a level by id → name (patrol officers by their name and code)."""
    if level == "department":
        return dict(session.execute(select(Department.id, Department.name)).all())
    if level == "street":
        return dict(session.execute(select(Street.id, Street.name)).all())
    if level == "community":
        return dict(session.execute(select(Community.id, Community.name)).all())
    if level == "patrol":
        return {i: f"{n} ({c})" for i, n, c in session.execute(
            select(PatrolOfficer.id, PatrolOfficer.name, PatrolOfficer.code))}
    raise ValueError(f"unknown level {level!r}")




# --- joint cases: the assisting departments' own parts ---------------------------------------

def assist_counts(session: Session, start: datetime, upto: datetime,
                  scope: Scope | None = None) -> list[dict[str, Any]]:
    """The department counts of assisting (协办) parts of joint cases, per department, as rows
    like `unit_counts`' with no community: the lead is already counted through the case (its
    department); an assisting department answers for its part — due by the part's deadline,
    done when it replied, overdue while unreplied past it, returned as not-ours, extended,
    reworked. Regions are not counted again (the case is counted once in its community)."""
    p = CaseDepartment
    on_case = p.state != "withdrawn"
    replied = and_(p.replied_at.is_not(None), p.replied_at < upto)
    f = {
        "due": and_(on_case, p.deadline >= start, p.deadline < upto),
        "closed": replied,
        "on_time": p.replied_at <= p.deadline,
        "reworked": p.rework_count > 0,
        "extended": p.extension_count > 0,
        "not_returned": p.returns == 0,
        "dispatched": and_(p.dispatched_at >= start, p.dispatched_at < upto),
        "handled": replied,
        "overdue": and_(on_case, p.state != "returned", p.deadline < upto,
                        or_(p.deadline >= start - OVERDUE_LOOKBACK,
                            p.state.in_(("dispatched", "handling"))),
                        or_(p.replied_at.is_(None), p.replied_at >= upto)),
    }
    names = [n for n, needs in COUNTS.items() if all(flag in f for flag in needs)]
    sums = [func.coalesce(func.sum(case((and_(*(f[x] for x in COUNTS[n])), 1), else_=0)), 0)
            .label(n) for n in names]
    stmt = (select(p.department_id, *sums).join(Case, Case.id == p.case_id)
            .where(p.role == "assist", *scoped(scope)).group_by(p.department_id))
    return [dict(r._mapping) | {"community_id": None} for r in session.execute(stmt)]


def community_streets(session: Session) -> dict[int, int]:
    """Each community's street (a few thousand rows: the street level is summed from these)."""
    return dict(session.execute(select(Community.id, Community.street_id)).all())
