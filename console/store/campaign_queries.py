"""SQL of campaigns (专项整治/迎检): their area, the cases they tag, and what their figures count.

A campaign's area is kept as codes (streets, communities, cells — the map's shading reads the
same), resolved to ids here for the evaluation's `Scope`. A case belongs to a campaign when it
lies in the area, is of a focus category (any, when none is named), and was reported during the
campaign or was still open when it began. Tagging is set-based (one INSERT … SELECT), so
re-tagging after an edit is the same statement as tagging at creation.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from console.domain.workflow import OPEN, Status
from console.store.evaluation_queries import Scope, scoped
from console.store.models import (Campaign, Case, CaseCampaign, Category, Cell, Community,
                                  Department, Position, Street, SupervisionOrder)
from console.store.upsert import insert_for

_OPEN = sorted(s.value for s in OPEN)
_NEVER_OPEN = (Status.REJECTED.value, Status.CANCELLED.value)
#: The longest list of open focus cases a dashboard shows.
OPEN_LIST_LIMIT = 500


def area_ids(session: Session, area: dict[str, Any]) -> tuple[tuple[int, ...], ...]:
    """(street ids, community ids, cell ids) of an area kept as codes."""
    out = []
    for model, key in ((Street, "streets"), (Community, "communities"), (Cell, "cells")):
        codes = list(area.get(key) or ())
        ids = session.scalars(select(model.id).where(model.code.in_(codes))).all() if codes else []
        out.append(tuple(sorted(ids)))
    return tuple(out)


def scope_for(session: Session, area: dict[str, Any], categories: Iterable[str]) -> Scope:
    """The evaluation scope of a campaign's area and focus categories."""
    streets, communities, cells = area_ids(session, area)
    return Scope(streets=streets, communities=communities, cells=cells,
                 categories=tuple(sorted(categories or ())))


def cells_in_box(session: Session, box: tuple[float, float, float, float]) -> list[tuple]:
    """(id, code, centroid lon, centroid lat) of the cells whose centroid lies in the box."""
    min_lon, min_lat, max_lon, max_lat = box
    return [tuple(r) for r in session.execute(
        select(Cell.id, Cell.code, Cell.centroid_lon, Cell.centroid_lat).where(
            Cell.centroid_lon.between(min_lon, max_lon),
            Cell.centroid_lat.between(min_lat, max_lat)))]


def scope_cells(session: Session, scope: Scope) -> list[tuple]:
    """(id, ring, min lon, min lat, max lon, max lat) of every cell in the area."""
    terms = []
    if scope.cells:
        terms.append(Cell.id.in_(scope.cells))
    if scope.communities:
        terms.append(Cell.community_id.in_(scope.communities))
    if scope.streets:
        terms.append(Cell.community_id.in_(select(Community.id).where(
            Community.street_id.in_(scope.streets))))
    if not terms:
        return []
    return [tuple(r) for r in session.execute(
        select(Cell.id, Cell.ring, Cell.min_lon, Cell.min_lat, Cell.max_lon, Cell.max_lat)
        .where(or_(*terms)).order_by(Cell.id))]


def _member(campaign_id: int, starts_at: datetime, ends_at: datetime, scope: Scope) -> Any:
    """The cases a campaign tags, as a SELECT of (case id, campaign id)."""
    during = and_(Case.reported_at >= starts_at, Case.reported_at <= ends_at)
    open_at_start = and_(Case.reported_at < starts_at, Case.status.not_in(_NEVER_OPEN),
                         or_(Case.closed_at.is_(None), Case.closed_at >= starts_at))
    return (select(Case.id, literal(campaign_id)).where(or_(during, open_at_start),
                                                        *scoped(scope)))


def retag(session: Session, campaign_id: int, starts_at: datetime, ends_at: datetime,
          scope: Scope) -> int:
    """Tag exactly the cases the campaign now holds; returns how many it holds."""
    session.execute(delete(CaseCampaign).where(CaseCampaign.campaign_id == campaign_id))
    session.execute(insert(CaseCampaign).from_select(
        ["case_id", "campaign_id"], _member(campaign_id, starts_at, ends_at, scope)))
    return tagged_count(session, campaign_id)


def tagged_count(session: Session, campaign_id: int) -> int:
    return session.scalar(select(func.count()).select_from(CaseCampaign).where(
        CaseCampaign.campaign_id == campaign_id)) or 0


def running_areas(session: Session, at: datetime) -> list[tuple]:
    """(id, area, categories) of the campaigns a case reported at `at` may join: those not
    closed nor over (one not yet begun too: a case open when it begins belongs to it)."""
    return [tuple(r) for r in session.execute(
        select(Campaign.id, Campaign.area, Campaign.categories).where(
            Campaign.closed_at.is_(None), Campaign.ends_at >= at))]


def cell_place(session: Session, cell_id: int) -> tuple[str, str, str] | None:
    """(cell code, community code, street code) of a cell."""
    row = session.execute(
        select(Cell.code, Community.code, Street.code)
        .join(Community, Community.id == Cell.community_id)
        .join(Street, Street.id == Community.street_id).where(Cell.id == cell_id)).first()
    return tuple(row) if row else None


def tag(session: Session, case_id: int, campaign_ids: Iterable[int]) -> None:
    """Tag one case with campaigns (already tagged: nothing happens)."""
    rows = [{"case_id": case_id, "campaign_id": c} for c in campaign_ids]
    if rows:
        session.execute(insert_for(session, CaseCampaign).values(rows).on_conflict_do_nothing(
            index_elements=[CaseCampaign.case_id, CaseCampaign.campaign_id]))


def untag(session: Session, case_id: int, campaign_ids: Iterable[int]) -> None:
    ids = list(campaign_ids)
    if ids:
        session.execute(delete(CaseCampaign).where(CaseCampaign.case_id == case_id,
                                                   CaseCampaign.campaign_id.in_(ids)))


def tagged_history(session: Session, campaign_id: int) -> list[tuple]:
    """(reported_at, closed_at, status, updated_at) of every tagged case: when each was open."""
    return [tuple(r) for r in session.execute(
        select(Case.reported_at, Case.closed_at, Case.status, Case.updated_at)
        .join(CaseCampaign, CaseCampaign.case_id == Case.id)
        .where(CaseCampaign.campaign_id == campaign_id))]


def due_rows(session: Session, scope: Scope, start: datetime, upto: datetime) -> list[tuple]:
    """(deadline, closed_at, handled_at) of the scope's cases due in [start, upto) — the
    evaluation's 应结案 condition, so the campaign's rate is the evaluation's."""
    due = and_(Case.deadline >= start, Case.deadline < upto, Case.dispatched_at.is_not(None),
               Case.status.not_in((Status.CANCELLED.value, Status.REJECTED.value,
                                   Status.PARKED.value)))
    return [tuple(r) for r in session.execute(
        select(Case.deadline, Case.closed_at, Case.handled_at).where(due, *scoped(scope)))]


def open_cases(session: Session, campaign_id: int, limit: int = OPEN_LIST_LIMIT) -> list[dict]:
    """The campaign's open cases, the most pressing deadline first."""
    rows = session.execute(
        select(Case.id, Case.number, Case.status, Case.deadline, Case.reported_at,
               Case.supervision_level, Category.name, Department.name, Street.name)
        .join(CaseCampaign, CaseCampaign.case_id == Case.id)
        .join(Category, Category.code == Case.category_code)
        .outerjoin(Department, Department.id == Case.department_id)
        .outerjoin(Cell, Cell.id == Case.cell_id)
        .outerjoin(Community, Community.id == Cell.community_id)
        .outerjoin(Street, Street.id == Community.street_id)
        .where(CaseCampaign.campaign_id == campaign_id, Case.status.in_(_OPEN))
        .order_by(Case.deadline.is_(None), Case.deadline, Case.id).limit(limit))
    return [dict(case_id=r[0], number=r[1], status=r[2],
                 deadline=r[3].isoformat() if r[3] else None, reported_at=r[4].isoformat(),
                 supervision_level=r[5] or 0, category=r[6], department=r[7] or "",
                 street=r[8] or "") for r in rows]


def positions_in_box(session: Session, box: tuple[float, float, float, float], start: datetime,
                     end: datetime) -> tuple[list[float], list[float]]:
    """Longitudes and latitudes of the fixes in a box during [start, end)."""
    min_lon, min_lat, max_lon, max_lat = box
    result = session.connection().execute(
        select(Position.lon, Position.lat).where(
            Position.at >= start, Position.at < end, Position.lon.between(min_lon, max_lon),
            Position.lat.between(min_lat, max_lat)))
    rows = result.fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def orders_of(session: Session, campaign_id: int) -> list[dict]:
    """The supervision orders raised in a campaign or on one of its cases, newest first."""
    in_campaign = or_(SupervisionOrder.campaign_id == campaign_id,
                      exists().where(CaseCampaign.case_id == SupervisionOrder.case_id,
                                     CaseCampaign.campaign_id == campaign_id))
    rows = session.execute(
        select(SupervisionOrder.id, SupervisionOrder.level, SupervisionOrder.issued_at,
               SupervisionOrder.due_at, SupervisionOrder.answered_at,
               SupervisionOrder.resolved_at, SupervisionOrder.note, Case.number,
               Department.name, SupervisionOrder.case_id)
        .outerjoin(Case, Case.id == SupervisionOrder.case_id)
        .outerjoin(Department, Department.id == func.coalesce(SupervisionOrder.department_id,
                                                              Case.department_id))
        .where(in_campaign).order_by(SupervisionOrder.issued_at.desc(), SupervisionOrder.id))
    return [dict(order_id=r[0], level=r[1], issued_at=r[2].isoformat(),
                 due_at=r[3].isoformat() if r[3] else None,
                 answered_at=r[4].isoformat() if r[4] else None,
                 closed_at=r[5].isoformat() if r[5] else None, reason=r[6] or "",
                 number=r[7] or "", department=r[8] or "", case_id=r[9]) for r in rows]


def campaign_list(session: Session) -> list[tuple]:
    """(id, name, kind, starts_at, ends_at, closed_at) of every campaign, the newest first."""
    return [tuple(r) for r in session.execute(
        select(Campaign.id, Campaign.name, Campaign.kind, Campaign.starts_at, Campaign.ends_at,
               Campaign.closed_at).order_by(Campaign.starts_at.desc(), Campaign.id.desc()))]
