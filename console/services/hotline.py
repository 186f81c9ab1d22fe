"""Hotline intake (热线受理): where the caller means, possible duplicates, merging a duplicate."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.patrol_state import distance_m
from console.domain.privacy import mask_phones_in
from console.domain.workflow import OPEN
from console.services import cases
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.store import cases as case_store
from console.store import queue_queries as q
from console.store.models import Case, Category, Cell, Community, Street

DUPLICATE_RADIUS_M = 50.0
DUPLICATE_WINDOW = timedelta(hours=24)
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Place:
    """A point of the city with the cell that holds it and the names around it."""

    lon: float
    lat: float
    cell_code: str
    community: str
    street: str
    label: str = ""          # what the user picked (an earlier case's address, a community)


def _place(session: Session, cell: Cell, lon: float, lat: float, label: str = "") -> Place:
    community, street = session.execute(
        select(Community.name, Street.name).join(Street, Street.id == Community.street_id)
        .where(Community.id == cell.community_id)).one()
    return Place(lon, lat, cell.code, community, street, label)


def place_at(session: Session, lon: float, lat: float) -> Place:
    """The place of a map click; DomainError when the point is outside every cell."""
    cell = case_store.cell_at(session, lon, lat)
    if cell is None:
        raise DomainError("location_outside_city", lon=round(lon, 6), lat=round(lat, 6))
    return _place(session, cell, lon, lat)


def place_of_cell(session: Session, code: str) -> Place:
    """The centre of a cell given by its code; DomainError for an unknown code."""
    code = check_text("cell_code", code)
    cell = case_store.cell_by_code(session, code)
    if cell is None:
        raise DomainError("unknown_cell", code=code)
    if cell.retired_at is not None:     # a new case goes in today's grid
        raise DomainError("cell_retired", code=code)
    return _place(session, cell, cell.centroid_lon, cell.centroid_lat)


def find_places(session: Session, text: str, *, limit: int = 8) -> list[Place]:
    """Places an address text may mean: cells by code, earlier cases at that address,
    communities by name (there is no geocoder on a command-centre intranet)."""
    text = check_text("search", text)
    if not text:
        return []
    out: list[Place] = []
    if text.isdigit():
        for cell in session.scalars(select(Cell).where(Cell.code.startswith(text),
                                                      Cell.retired_at.is_(None))
                                    .order_by(Cell.code).limit(limit)):
            out.append(_place(session, cell, cell.centroid_lon, cell.centroid_lat, cell.code))
        return out
    seen: set[str] = set()
    # Earlier reports at the same address are the best geocoder the city has.
    common = q.text_is_common(session, text, 5000)
    rows = session.execute(
        select(Case.address, Case.lon, Case.lat, Case.cell_id)
        .join(Cell, Cell.id == Case.cell_id)     # an address on a retired cell is history
        .where(Cell.retired_at.is_(None), q.Case.address.contains(text, autoescape=True),
               # The address must hold the text: callers' numbers never decide a place.
               q.text_condition(session, text, phones=False, use_index=not common))
        .order_by(Case.reported_at.desc()).limit(200))
    for address, lon, lat, cell_id in rows:
        if address in seen or lon is None or cell_id is None:
            continue
        seen.add(address)
        out.append(_place(session, session.get(Cell, cell_id), lon, lat, address))
        if len(out) >= limit:
            return out
    communities = session.execute(
        select(Community.id, Community.name).where(Community.name.contains(text, autoescape=True))
        .order_by(Community.code).limit(limit - len(out))).all()
    for community_id, name in communities:
        cells = session.scalars(select(Cell).where(Cell.community_id == community_id,
                                              Cell.retired_at.is_(None))).all()
        if not cells:
            continue
        # The cell nearest the community's middle stands for it.
        lon = sum(c.centroid_lon for c in cells) / len(cells)
        lat = sum(c.centroid_lat for c in cells) / len(cells)
        cell = min(cells, key=lambda c: distance_m(lon, lat, c.centroid_lon, c.centroid_lat))
        out.append(_place(session, cell, cell.centroid_lon, cell.centroid_lat, name))
    return out


@dataclass(frozen=True)
class DuplicateCandidate:
    """An open case that may be the same problem as the one being reported."""

    id: int
    number: str
    version: int
    status: str
    category_name: str
    address: str
    description: str
    reported_at: datetime
    distance_m: float


def _same_minor(session: Session, code: str) -> list[str]:
    """The category and its 细类 (or, for a 细类, its 小类 and siblings)."""
    cat = session.scalars(select(Category).where(Category.code == code)).first()
    if cat is None:
        return [code]
    root = cat.parent_id or cat.id
    return list(session.scalars(select(Category.code).where(
        (Category.id == root) | (Category.parent_id == root))))


def duplicate_candidates(session: Session, category_code: str, lon: float, lat: float, *,
                         now: datetime | None = None, radius_m: float = DUPLICATE_RADIUS_M,
                         window: timedelta = DUPLICATE_WINDOW) -> list[DuplicateCandidate]:
    """Open cases of the same minor category within `radius_m` reported in the last `window`."""
    category_code = check_text("category_code", category_code)
    now = now or cases.now()
    dlat = radius_m / _M_PER_DEG
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    rows = session.execute(
        select(Case.id, Case.number, Case.version, Case.status, Category.name, Case.address,
               Case.description, Case.reported_at, Case.lon, Case.lat, Case.reporter_phone)
        .join(Category, Category.code == Case.category_code)
        .where(Case.category_code.in_(_same_minor(session, category_code)),
               Case.reported_at >= now - window, Case.status.in_([s.value for s in OPEN]),
               Case.lon.between(lon - dlon, lon + dlon), Case.lat.between(lat - dlat, lat + dlat),
               Case.duplicate_of_id.is_(None))).all()
    # The form asks with no viewer: a number a caller left in a description stays masked.
    out = [DuplicateCandidate(r.id, r.number, r.version, r.status, r.name, r.address or "",
                              mask_phones_in(r.description, (r.reporter_phone,)), r.reported_at,
                              distance_m(lon, lat, r.lon, r.lat)) for r in rows]
    return sorted((c for c in out if c.distance_m <= radius_m),
                  key=lambda c: (c.distance_m, c.reported_at))


def merge_duplicate(session: Session, actor: Actor, duplicate_of: int, expected_version: int, *,
                    reason: str, note: str, **report) -> cases.CaseChange:
    """Record a report as a duplicate of an open case: the report is saved, linked to that case
    and not registered (不予立案, with `reason`); the case gets `note` on its timeline. One
    transaction: if the case changed meanwhile (StaleVersion), nothing is saved."""
    # A desk's decision (it ends in 不予立案): checked before anything is read.
    authorize(session, actor, Permission.REJECT)
    target = session.get(Case, duplicate_of)
    if target is None:
        raise NotFound("case", duplicate_of)
    if target.status not in {s.value for s in OPEN}:
        raise DomainError("duplicate_target_closed", number=target.number)
    # Locks: the day's case number, then the target case; the feed counter only at commit
    # (store/feed.py), so a note on the same case at another seat cannot deadlock with this.
    new = cases.report(session, actor, **report)
    case_store.update_versioned(session, new.case_id, new.version, {"duplicate_of_id": target.id})
    cases.add_note(session, actor, target.id, expected_version, note=note)
    return cases.reject(session, actor, new.case_id, new.version, reason=reason)
