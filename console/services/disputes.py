"""Responsibility disputes (执法调处): cases departments keep returning as not theirs, the duty
leader's binding ruling, rulings as precedents, and the joint meeting's agenda (联席会议).

A case is disputed once it has been returned as not-ours more than the shared setting
`dispute_returns` (default 2) times and no ruling has been made: derived from the case's own
return count, so a single-department case's returns count as much as a joint one's. A ruling
binds (console/services/cases.py: `_check_ruling`): a dispatch goes to the department ruled
the owner, which can no longer return it. It is a precedent for a case of the same category
whose point lies within `dispute_precedent_m` (default 300 m) of the ruled case's point —
distance, not the cell or community, because a disputed spot (a river bank, a road edge)
often lies on a cell's or a community's boundary.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.domain.changes import ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.joint import DisputeAction
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.privacy import mask_phones_in, text_for
from console.domain.workflow import OPEN, TERMINAL, Action, Status
from console.services import cases
from console.services.actor import Actor, authorize
from console.services.phone_view import role_now
from console.services.settings import get_setting
from console.services.workbook import keep_text
from console.store import cases as case_store
from console.store import feed, joint_queries
from console.store.models import (
    Case,
    CaseEvent,
    Category,
    Cell,
    Community,
    Department,
    DisputeRuling,
    User,
)

_METRES_PER_DEGREE = 111_320.0
_RETURNS = (Action.RETURN.value, "part_return")
#: The most open disputes listed (a meeting's agenda; more would mean a setting far too low).
MOST = 2000


@dataclass(frozen=True)
class Dispute:
    """An open dispute: a case returned too often, waiting for the leader's ruling."""

    case_id: int
    number: str
    category_code: str
    category_name: str
    address: str
    community: str
    status: str
    returns: int
    returned_by: tuple[str, ...]      # the departments that said "not ours", in order
    version: int


@dataclass(frozen=True)
class Ruling:
    """A ruling made: which department owns the case, and why."""

    case_id: int
    number: str
    category_code: str
    category_name: str
    address: str
    department_id: int
    department_name: str
    reason: str
    ruled_by: str
    ruled_at: datetime
    returns: int
    lon: float | None = None
    lat: float | None = None
    distance_m: float | None = None   # from the case a precedent is shown for


def threshold(session: Session) -> int:
    """Returns as not-ours beyond which a case is a dispute."""
    return int(get_setting(session, "dispute_returns"))


def open_disputes(session: Session) -> list[Dispute]:
    """Every open case returned more than the set number of times and not yet ruled on."""
    n = threshold(session)
    # The few disputed ids first, by the status index over the open cases, then without the
    # ruled ones; the names after. (Joined in one query, the planner may walk every cell and
    # every case of each instead: seconds on a million cases.)
    # One status at a time: SQLite answers `status IN (eight open ones)` with a scan of every
    # case (145 ms CPU on the million-case city), `status = ?` from the index (3 ms in all).
    returned = [i for status in sorted(s.value for s in OPEN) for i in session.scalars(
        select(Case.id).where(Case.status == status, Case.return_count > n).limit(MOST))]
    ruled = set(session.scalars(select(DisputeRuling.case_id).where(
        DisputeRuling.case_id.in_(returned)))) if returned else set()
    ids = [i for i in returned if i not in ruled]
    if not ids:
        return []
    rows = session.execute(
        select(Case, Category.name, Community.name)
        .join(Category, Category.code == Case.category_code)
        .join(Cell, Cell.id == Case.cell_id).join(Community, Community.id == Cell.community_id)
        .where(Case.id.in_(ids))
        .order_by(Case.return_count.desc(), Case.id)).all()
    by = _returned_by(session, [case.id for case, _, _ in rows])
    return [Dispute(case.id, case.number, case.category_code, cat, case.address, community,
                    case.status, case.return_count, tuple(by.get(case.id, ())), case.version)
            for case, cat, community in rows]


def _returned_by(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    if not case_ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = session.execute(
        select(CaseEvent.case_id, Department.name)
        .join(User, User.id == CaseEvent.actor_id)
        .join(Department, Department.id == User.department_id)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action.in_(_RETURNS))
        .order_by(CaseEvent.id))
    for case_id, name in rows:
        out.setdefault(case_id, []).append(name)
    return out


def departments(session: Session) -> list[tuple[int, str]]:
    """The active departments a ruling may name, (id, name) by name."""
    return [(d, n) for d, n in session.execute(
        select(Department.id, Department.name).where(Department.active.is_(True))
        .order_by(Department.name))]


def rule(session: Session, actor: Actor, case_id: int, *, department_id: int, reason: str,
         at: datetime | None = None) -> Ruling:
    """执法调处: the duty leader rules that `department_id` owns the disputed case, with the
    reason. Binding from now on; recorded in the case's trail."""
    at = at or cases.now()
    actor = authorize(session, actor, Permission.RULE_DISPUTE)
    reason = check_text("reason", reason, optional=True)
    if not reason:
        raise DomainError("reason_required", action=DisputeAction.RULE.value)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound("department", department_id)
    if not department.active:
        raise DomainError("department_retired", name=department.name)
    if case.return_count <= threshold(session) or Status(case.status) in TERMINAL:
        raise DomainError("not_a_dispute", number=case.number)
    if joint_queries.ruling_of(session, case_id) is not None:
        raise DomainError("dispute_already_ruled", number=case.number)
    ruling = DisputeRuling(case_id=case_id, department_id=department_id,
                           category_code=case.category_code, lon=case.lon, lat=case.lat,
                           returns=case.return_count, reason=reason, ruled_by=actor.user_id,
                           ruled_by_name=actor.name, ruled_at=at)
    try:
        # Two leaders ruling at once: the check above passes for both, the unique case_id
        # lets one in; the other is told the case is ruled already.
        with session.begin_nested():
            session.add(ruling)
            session.flush()
    except IntegrityError:
        raise DomainError("dispute_already_ruled", number=case.number) from None
    data = {"department_id": department_id, "reason": reason, "returns": case.return_count}
    case_store.append_event(session, case_id=case_id, at=at, actor_id=actor.user_id,
                            actor_name=actor.name, actor_role=actor.role.value,
                            action=DisputeAction.RULE.value, from_status=case.status,
                            to_status=case.status, note=reason, data=data)
    feed.record(session, ChangeKind.CASE, case_id, DisputeAction.RULE, at,
                {"status": case.status, "cell_id": case.cell_id, "department_id": department_id})
    cat = case_store.category_by_code(session, case.category_code)
    shown = text_for(role_now(session, actor), reason, (case.reporter_phone,))
    return Ruling(case_id, case.number, case.category_code, cat.name if cat else "",
                  case.address, department_id, department.name, shown, actor.name, at,
                  case.return_count)


def _rulings(session: Session, viewer: Actor | None, *where) -> list[Ruling]:
    """Rulings as `viewer` may see them: a reason quoting a caller's number masked."""
    role = role_now(session, viewer)
    # The rulings alone first (a few hundred at most), then the names of what they name: a
    # join would let the planner start from a million cases.
    found = list(session.scalars(select(DisputeRuling).where(*where).order_by(
        DisputeRuling.ruled_at.desc(), DisputeRuling.id.desc())))
    if not found:
        return []
    cases_ = {i: (number, address, caller) for i, number, address, caller in session.execute(
        select(Case.id, Case.number, Case.address, Case.reporter_phone)
        .where(Case.id.in_([r.case_id for r in found])))}
    categories = dict(session.execute(select(Category.code, Category.name).where(
        Category.code.in_({r.category_code for r in found}))).all())
    names = dict(session.execute(select(Department.id, Department.name)).all())
    return [Ruling(r.case_id, cases_[r.case_id][0], r.category_code,
                   categories.get(r.category_code, ""), cases_[r.case_id][1] or "",
                   r.department_id, names.get(r.department_id, ""),
                   text_for(role, r.reason, (cases_[r.case_id][2],)), r.ruled_by_name,
                   r.ruled_at, r.returns, r.lon, r.lat) for r in found]


def rulings(session: Session, viewer: Actor | None,
            since: datetime | None = None) -> list[Ruling]:
    """The rulings made (since `since`), newest first, as `viewer` may see them (None:
    numbers in the reasons masked)."""
    return _rulings(session, viewer, *([DisputeRuling.ruled_at >= since] if since else []))


def precedents(session: Session, viewer: Actor | None, category_code: str, lon: float | None,
               lat: float | None, *, exclude_case: int | None = None) -> list[Ruling]:
    """Rulings on cases of the same category within the set distance of a point, nearest first:
    what the dispatcher sees when dispatching such a case (as `viewer` may see them)."""
    if lon is None or lat is None:
        return []
    radius = float(get_setting(session, "dispute_precedent_m"))
    dlat = radius / _METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    near = _rulings(session, viewer, DisputeRuling.category_code == category_code,
                    DisputeRuling.lat.between(lat - dlat, lat + dlat),
                    DisputeRuling.lon.between(lon - dlon, lon + dlon),
                    *([DisputeRuling.case_id != exclude_case] if exclude_case else []))
    out = []
    for r in near:
        d = distance_m(lon, lat, r.lon, r.lat)
        if d <= radius:
            out.append(Ruling(**{**r.__dict__, "distance_m": round(d, 1)}))
    return sorted(out, key=lambda r: r.distance_m)


def precedents_for_case(session: Session, case_id: int,
                        viewer: Actor | None) -> list[Ruling]:
    """The precedents for a case about to be dispatched, as `viewer` may see them."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    return precedents(session, viewer, case.category_code, case.lon, case.lat,
                      exclude_case=case_id)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Agenda:
    """The joint meeting's agenda: the open disputes to rule on, and the rulings made."""

    disputes: list[Dispute]
    rulings: list[Ruling]


def agenda(session: Session, viewer: Actor | None, since: datetime | None = None) -> Agenda:
    """Open disputes and the rulings made since `since` (all when None), as `viewer` may see
    them (None, for an export: numbers masked)."""
    return Agenda(open_disputes(session), rulings(session, viewer, since))


def export_agenda(a: Agenda, path: Path, *, title: str, labels: dict[str, str],
                  exported_at: datetime) -> Path:
    """The agenda as an Excel workbook (python-docx is not installed on the centre's machines;
    openpyxl is): one sheet of open disputes, one of rulings. `labels` are the column names
    and sheet titles in the seat's language."""
    wb = Workbook()
    open_ws = wb.active
    open_ws.title = labels["open_sheet"][:31]
    ruled_ws = wb.create_sheet(labels["ruled_sheet"][:31])
    for ws in (open_ws, ruled_ws):
        ws["A1"] = title
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = f"{labels['exported']}: {exported_at:%Y-%m-%d %H:%M}"
    _table(open_ws, [labels[k] for k in ("number", "category", "address", "community", "returns",
                                         "returned_by")],
           [[d.number, f"{d.category_code} {d.category_name}", d.address, d.community,
             d.returns, "、".join(d.returned_by)] for d in a.disputes])
    _table(ruled_ws, [labels[k] for k in ("number", "category", "address", "owner", "reason",
                                          "ruled_by", "ruled_at", "returns")],
           [[r.number, f"{r.category_code} {r.category_name}", r.address, r.department_name,
             mask_phones_in(r.reason), r.ruled_by, f"{r.ruled_at:%Y-%m-%d %H:%M}", r.returns]
            for r in a.rulings])   # a file has no role: masked whoever made the agenda
    for ws in (open_ws, ruled_ws):
        keep_text(ws)
    path = Path(path)
    wb.save(path)
    return path


def _table(ws, header: list[str], rows: list[list]) -> None:
    first = 4
    for col, text in enumerate(header, start=1):
        cell = ws.cell(first, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[cell.column_letter].width = 12 if col != 3 else 30
    for i, values in enumerate(rows, start=first + 1):
        for col, value in enumerate(values, start=1):
            ws.cell(i, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(first + 1, 1)
