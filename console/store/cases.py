"""Case storage: numbering, versioned updates, events, cell lookup."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shapely.geometry import Point, Polygon
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.domain.case_number import format_case_number
from console.store import audit
from console.store.models import Case, CaseNumberCounter, Category, Cell
from console.store.upsert import insert_for


def next_case_number(session: Session, day: date) -> str:
    """The next number of `day`; atomic across concurrent writers (one upsert)."""
    stmt = insert_for(session, CaseNumberCounter).values(day=f"{day:%Y%m%d}", last=1)
    stmt = stmt.on_conflict_do_update(index_elements=[CaseNumberCounter.day],
                                      set_={"last": CaseNumberCounter.last + 1}
                                      ).returning(CaseNumberCounter.last)
    return format_case_number(day, session.execute(stmt).scalar_one())


def cell_at(session: Session, lon: float, lat: float) -> Cell | None:
    """The unit cell containing the point (bounding-box index first, then the polygon)."""
    candidates = session.scalars(select(Cell).where(
        Cell.min_lon <= lon, Cell.max_lon >= lon, Cell.min_lat <= lat, Cell.max_lat >= lat,
        Cell.retired_at.is_(None)))
    point = Point(lon, lat)
    for cell in candidates:
        if Polygon(cell.ring).covers(point):
            return cell
    return None


def category_by_code(session: Session, code: str) -> Category | None:
    return session.scalars(select(Category).where(Category.code == code)).first()


def case_by_external_id(session: Session, external_id: str) -> Case | None:
    return session.scalars(select(Case).where(Case.external_id == external_id)).first()


def case_by_client_key(session: Session, client_key: str) -> Case | None:
    return session.scalars(select(Case).where(Case.client_key == client_key)).first()


def cell_by_code(session: Session, code: str) -> Cell | None:
    return session.scalars(select(Cell).where(Cell.code == code)).first()


def update_versioned(session: Session, case_id: int, expected_version: int,
                     values: dict[str, Any]) -> bool:
    """Write `values` only if the case is still at `expected_version`; False if someone was first."""
    result = session.execute(update(Case).where(Case.id == case_id, Case.version == expected_version)
                             .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def append_event(session: Session, *, case_id: int, at: datetime, actor_id: int | None,
                 actor_name: str, actor_role: str, action: str, from_status: str | None,
                 to_status: str, note: str | None, data: dict[str, Any]) -> None:
    """Append one event to a case's history (never updated or deleted). It is written at commit,
    linked into the trail's hash chain in commit order (console/store/audit.py): a read later in
    the same transaction does not see it yet."""
    audit.append_case_event(session, dict(
        case_id=case_id, at=at, actor_id=actor_id, actor_name=actor_name, actor_role=actor_role,
        action=action, from_status=from_status, to_status=to_status, note=note, data=data))
