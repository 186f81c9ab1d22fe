"""The SQL of alerts: what the rules read, and guarded writes that are safe with several seats.

Every write is conditional (an insert that yields to an open alert with the same key, updates
that only touch rows still in the expected state) and reports whether it happened, so the
caller records a feed row only for changes that really took place.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.workflow import OPEN, Status
from console.store import feed
from console.store.models import (
    Alert,
    Case,
    Category,
    Cell,
    ChangeFeed,
    Department,
    SupervisionOrder,
    User,
)
from console.store.row_reads import chunks, driver_rows
from console.store.upsert import insert_for

#: Above this many cells, previous_closures reads the window's closures instead of per cell.
_MANY_CELLS = 5000
_OPEN = [s.value for s in OPEN]
_GONE = (Status.REJECTED.value, Status.CANCELLED.value)


# --- reference data -----------------------------------------------------------------------

def categories(session: Session) -> dict[str, tuple[str, str]]:
    """code → (name, time unit)."""
    return {r.code: (r.name, r.time_unit) for r in
            session.execute(select(Category.code, Category.name, Category.time_unit))}


def category_families(session: Session) -> dict[str, str]:
    """细类 code → the code of its 小类 (a 小类 is its own family and is not listed)."""
    parent = aliased(Category)
    return dict(session.execute(select(Category.code, parent.code)
                                .join(parent, parent.id == Category.parent_id)).all())


def open_unanswered_orders(session: Session) -> list[Any]:
    """(order id, case id, department id — the order's or its case's, level, case number,
    department name, reason, due) of every open supervision order awaiting its answer."""
    department = func.coalesce(SupervisionOrder.department_id, Case.department_id)
    return session.execute(
        select(SupervisionOrder.id, SupervisionOrder.case_id, department, SupervisionOrder.level,
               func.coalesce(Case.number, ""), func.coalesce(Department.name, ""),
               func.coalesce(SupervisionOrder.note, ""), SupervisionOrder.due_at)
        .outerjoin(Case, Case.id == SupervisionOrder.case_id)
        .outerjoin(Department, Department.id == department)
        .where(SupervisionOrder.resolved_at.is_(None), SupervisionOrder.answered_at.is_(None))
        .order_by(SupervisionOrder.id)).all()


def department_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Department.id, Department.name)).all())


def cell_codes(session: Session, ids: Collection[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks(ids):
        out.update(session.execute(select(Cell.id, Cell.code).where(Cell.id.in_(chunk))).all())
    return out


# --- cases --------------------------------------------------------------------------------

_CASE_COLUMNS = (Case.id, Case.number, Case.status, Case.urgent, Case.category_code, Case.cell_id,
                 Case.department_id, Case.reported_at, Case.dispatched_at, Case.deadline,
                 Case.stage_key, Case.stage_warn_at, Case.stage_due)
_CASE_TIMES = (7, 8, 9, 11, 12)


class CaseRow(NamedTuple):
    """An open case as open_cases reads it (urgent may be 0/1 on SQLite)."""

    id: int
    number: str
    status: str
    urgent: Any
    category_code: str
    cell_id: int | None
    department_id: int | None
    reported_at: datetime
    dispatched_at: datetime | None
    deadline: datetime | None
    stage_key: str | None           # the centre's own clock on the case's stage
    stage_warn_at: datetime | None
    stage_due: datetime | None


def open_cases(session: Session, ids: Collection[int] | None = None) -> list[CaseRow]:
    """The open cases (all, or those of `ids` that are still open)."""
    q = select(*_CASE_COLUMNS).where(Case.status.in_(_OPEN))
    connection = session.connection()   # driver tuples: a first pass reads every open case
    if ids is None:
        return list(map(CaseRow._make, driver_rows(connection, q, _CASE_TIMES)))
    rows: list[CaseRow] = []
    for chunk in chunks(ids):
        rows.extend(map(CaseRow._make,
                        driver_rows(connection, q.where(Case.id.in_(chunk)), _CASE_TIMES)))
    return rows


def previous_closures(session: Session, cases: Iterable[tuple[int, int | None, str, datetime]],
                      days: float, family: Mapping[str, str] | None = None
                      ) -> dict[int, tuple[str, datetime]]:
    """case id → (number, closed_at) of the latest case of the same category in the same cell
    closed within `days` before it was reported; `cases` are (id, cell id, category, reported).
    With `family` (细类 → 小类) a 细类 counts as its 小类 on both sides.

    The closures of the window are read first and each case looks its key up among them: the
    window holds a few thousand closures, a first pass asks about 50,000 cases.
    """
    fam = family or {}
    cases = [(c[0], c[1], fam.get(c[2], c[2]), c[3]) for c in cases if c[1] is not None]
    if not cases:
        return {}
    window = timedelta(days=days)
    earliest = min(c[3] for c in cases) - window
    q = (select(Case.cell_id, Case.category_code, Case.number, Case.closed_at)
         .where(Case.status == Status.CLOSED.value, Case.closed_at >= earliest))
    connection = session.connection()
    cells = {c[1] for c in cases}
    closures: dict[tuple[int, str], list[tuple[datetime, str]]] = {}
    if len(cells) > _MANY_CELLS:
        # A first pass asks for most of the city: one walk of the closures since `earliest`
        # (the closed_at index) beats a hundred IN lists over the cell index.
        batches: Iterable[Any] = [driver_rows(connection, q, (3,))]
    else:
        batches = (driver_rows(connection, q.where(Case.cell_id.in_(chunk)), (3,))
                   for chunk in chunks(cells))
    for rows in batches:
        for cell_id, category_code, number, closed_at in rows:
            category_code = fam.get(category_code, category_code)
            group = closures.get((cell_id, category_code))
            if group is None:
                closures[(cell_id, category_code)] = [(closed_at, number)]
            else:
                group.append((closed_at, number))
    zero = timedelta(0)
    out: dict[int, tuple[str, datetime]] = {}
    for case_id, cell_id, category_code, reported in cases:
        group = closures.get((cell_id, category_code))
        if group is None:
            continue
        best = None
        # The latest closure in the window; of equal ones the first read (as ever).
        for closed_at, number in group:
            if zero <= reported - closed_at <= window and (best is None or closed_at > best[1]):
                best = (number, closed_at)
        if best is not None:
            out[case_id] = best
    return out


def hotspot_groups(session: Session, since: datetime, min_count: int,
                   keep: Callable[[str, datetime], bool] | None = None,
                   family: Mapping[str, str] | None = None
                   ) -> list[tuple[int, str, int, datetime]]:
    """(cell_id, category_code, count, first_at) with at least `min_count` cases reported since;
    `keep(category, reported_at)` leaves out the reports it refuses (a category's night window);
    with `family` (细类 → 小类) a 细类's cases count in their 小类's group."""
    fam = family or {}
    # Counted here, not with GROUP BY: SQLite would then walk the cell index over every case
    # to save a sort, instead of reading the few hours of cases through the time index.
    groups: dict[tuple[int, str], list[Any]] = {}
    for cell_id, category_code, reported_at in session.execute(
            select(Case.cell_id, Case.category_code, Case.reported_at)
            .where(Case.reported_at >= since, Case.status.not_in(_GONE))):
        if cell_id is not None and (keep is None or keep(category_code, reported_at)):
            g = groups.setdefault((cell_id, fam.get(category_code, category_code)),
                                  [0, reported_at])
            g[0] += 1
            g[1] = min(g[1], reported_at)
    return [(cell, code, n, first) for (cell, code), (n, first) in groups.items()
            if n >= min_count]


# --- the change feed ----------------------------------------------------------------------

def feed_changes(session: Session, since: int, entities: Collection[ChangeKind]) -> tuple[int, list[Any]]:
    """(newest sequence, [(entity, entity_id, seq, action), ...] of `entities` changed after
    `since`)."""
    newest = session.scalar(select(func.max(ChangeFeed.seq))) or 0
    if newest <= since:
        return since, []
    rows = session.execute(select(ChangeFeed.entity, ChangeFeed.entity_id, ChangeFeed.seq,
                                  ChangeFeed.action)
                           .where(ChangeFeed.seq > since, ChangeFeed.seq <= newest,
                                  ChangeFeed.entity.in_([str(e) for e in entities]))).all()
    return newest, rows


# --- stored alerts ------------------------------------------------------------------------

def open_alerts(session: Session, ids: Collection[int] | None = None) -> list[Any]:
    """Unresolved alerts (all), or these alerts in whatever state (`resolved_at` tells)."""
    q = select(Alert.id, Alert.open_key, Alert.kind, Alert.severity, Alert.level, Alert.raised_at,
               Alert.acknowledged_at, Alert.params, Alert.subject_type, Alert.subject_id,
               Alert.resolved_at, Alert.members, Alert.acknowledged_by, Alert.ack_note)
    connection = session.connection()   # Core rows: a first pass reads thousands
    if ids is None:
        return connection.execute(q.where(Alert.resolved_at.is_(None))).all()
    rows: list[Any] = []
    for chunk in chunks(ids):
        rows.extend(connection.execute(q.where(Alert.id.in_(chunk))).all())
    return rows


def insert_alerts(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Insert new open alerts; a key already open (another seat was first) is skipped.

    Returns (id, open_key) of the rows actually inserted.
    """
    if not rows:
        return []
    stmt = insert_for(session, Alert).on_conflict_do_nothing(index_elements=[Alert.open_key])
    # Core executemany: a first pass opens thousands, and the ORM's bulk path costs more
    # than the statement.
    result = session.connection().execute(stmt.returning(Alert.id, Alert.open_key), rows)
    return [(r.id, r.open_key) for r in result]


def record_feed(session: Session, at: datetime,
                changes: list[tuple[int, ChangeAction, dict[str, Any]]]) -> feed.Ticket | None:
    """Many alert changes (id, action, payload) in the feed at once: what feed.record does per
    row, in one executemany at commit (a first pass on a big city may open thousands).
    The ticket tells the sequence they took once the transaction has committed."""
    if not changes:
        return None
    return feed.record_many(session, ChangeKind.ALERT, at, changes)


def resolve(session: Session, alert_id: int, at: datetime) -> bool:
    """Close an open alert (freeing its key); False if it was already resolved."""
    r = session.execute(update(Alert).where(Alert.id == alert_id, Alert.resolved_at.is_(None))
                        .values(resolved_at=at, open_key=None)
                        .execution_options(synchronize_session=False))
    return r.rowcount == 1


def set_params(session: Session, alert_id: int, params: dict[str, Any]) -> bool:
    r = session.execute(update(Alert).where(Alert.id == alert_id, Alert.resolved_at.is_(None))
                        .values(params=params).execution_options(synchronize_session=False))
    return r.rowcount == 1


def set_members(session: Session, alert_id: int, params: dict[str, Any], members: list[Any], *,
                rearm: bool) -> bool:
    """A digest's new members and figures; `rearm` also clears its acknowledgement (a member
    joined after it). False if the digest was resolved meanwhile."""
    values: dict[str, Any] = {"params": params, "members": members}
    if rearm:
        values.update(acknowledged_at=None, acknowledged_by=None, ack_note=None)
    r = session.execute(update(Alert).where(Alert.id == alert_id, Alert.resolved_at.is_(None))
                        .values(**values).execution_options(synchronize_session=False))
    return r.rowcount == 1


def escalate(session: Session, alert_id: int, *, at: datetime, severity: str, from_level: int,
             by: int | None) -> bool:
    """Raise an alert one level, only if nobody else did since it was read at `from_level`."""
    r = session.execute(update(Alert).where(Alert.id == alert_id, Alert.level == from_level)
                        .values(level=from_level + 1, severity=severity, escalated_at=at,
                                escalated_by=by)
                        .execution_options(synchronize_session=False))
    return r.rowcount == 1


def acknowledge(session: Session, alert_id: int, *, user_id: int | None, at: datetime,
                note: str | None) -> bool:
    """Mark an alert seen; False if someone acknowledged it first."""
    r = session.execute(update(Alert).where(Alert.id == alert_id, Alert.acknowledged_at.is_(None))
                        .values(acknowledged_by=user_id, acknowledged_at=at, ack_note=note)
                        .execution_options(synchronize_session=False))
    return r.rowcount == 1


_ACK = aliased(User)
_ESC = aliased(User)
_VIEW_COLUMNS = (Alert.id, Alert.kind, Alert.severity, Alert.subject_type, Alert.subject_id,
                 Alert.params, Alert.raised_at, Alert.acknowledged_at, Alert.ack_note,
                 Alert.escalated_at, Alert.resolved_at, Alert.level,
                 _ACK.display_name.label("acknowledged_by_name"),
                 _ESC.display_name.label("escalated_by_name"))


def alert_views(session: Session, *, ids: Collection[int] | None = None,
                open_only: bool = True) -> list[Any]:
    """Alerts as the panel shows them, with the names of who acknowledged and escalated."""
    q = (select(*_VIEW_COLUMNS).outerjoin(_ACK, _ACK.id == Alert.acknowledged_by)
         .outerjoin(_ESC, _ESC.id == Alert.escalated_by))
    if open_only:
        q = q.where(Alert.resolved_at.is_(None))
    if ids is None:
        return session.execute(q).all()
    rows: list[Any] = []
    for chunk in chunks(ids):
        rows.extend(session.execute(q.where(Alert.id.in_(chunk))).all())
    return rows


def alert_state(session: Session, alert_id: int) -> Any:
    """One alert's id, level, severity, resolution and acknowledgement (with the name)."""
    return session.execute(
        select(Alert.id, Alert.level, Alert.severity, Alert.resolved_at, Alert.acknowledged_at,
               _ACK.display_name.label("acknowledged_by_name"))
        .outerjoin(_ACK, _ACK.id == Alert.acknowledged_by).where(Alert.id == alert_id)).first()


def alert_intervals(session: Session, kinds: Collection[str], since: datetime) -> list[Any]:
    """(kind, subject_id, raised_at, resolved_at) of alerts of `kinds` open at some time after
    `since`."""
    return session.execute(
        select(Alert.kind, Alert.subject_id, Alert.raised_at, Alert.resolved_at)
        .where(Alert.kind.in_(list(kinds)),
               or_(Alert.resolved_at.is_(None), Alert.resolved_at >= since))).all()
