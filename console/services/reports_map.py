"""What a briefing map shows (console/mappage/briefing_page.py writes it): the cells of a
campaign's area or of streets with their open cases, and those cases as points."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.domain.workflow import OPEN
from console.store.models import (
    Campaign,
    Case,
    CaseCampaign,
    Category,
    Cell,
    Community,
    Street,
)


@dataclass(frozen=True)
class ScopeMap:
    title: str
    cells: list[tuple[str, list, int]]                         # code, ring [[lon, lat]…], open
    cases: list[tuple[str, float, float, str, str, bool]]      # number, lat, lon, category, status, urgent


def scope_map(session: Session, *, campaign_id: int | None = None,
              street_ids: list[int] | None = None) -> ScopeMap:
    """The cells and open cases of a campaign's area (its streets and cells; its tagged open
    cases) or of streets."""
    title = ""
    cell_ids: set[int] | None = None
    if campaign_id is not None:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise ValueError(f"no campaign {campaign_id}")
        title = campaign.name
        area = campaign.area or {}
        street_ids = list(area.get("streets") or [])
        cell_ids = set(area.get("cells") or [])
    if street_ids and not title:
        title = "、".join(session.scalars(select(Street.name).where(Street.id.in_(street_ids))))
    cell_q = select(Cell.id, Cell.code, Cell.ring)
    scoped = bool(street_ids or cell_ids)
    if scoped:
        in_streets = select(Community.id).where(Community.street_id.in_(street_ids or []))
        cell_q = cell_q.where(or_(Cell.community_id.in_(in_streets), Cell.id.in_(cell_ids or [])))
    cells = session.execute(cell_q.order_by(Cell.id)).all()
    wanted = {c.id for c in cells}
    cases_q = (select(Case.number, Case.lat, Case.lon, Case.cell_id, Category.name, Case.status,
                      Case.urgent)
               .join(Category, Category.code == Case.category_code, isouter=True)
               .where(Case.status.in_([s.value for s in OPEN])))
    if campaign_id is not None:
        # The campaign's own cases (tagged), wherever they lie.
        cases_q = cases_q.join(CaseCampaign, CaseCampaign.case_id == Case.id).where(
            CaseCampaign.campaign_id == campaign_id)
    rows = [r for r in session.execute(cases_q)
            if campaign_id is not None or not scoped or r.cell_id in wanted]
    counts = Counter(r.cell_id for r in rows)
    return ScopeMap(title, [(c.code, c.ring, counts.get(c.id, 0)) for c in cells],
                    [(r.number, r.lat, r.lon, r.name or "", r.status, bool(r.urgent))
                     for r in rows if r.lat is not None and r.lon is not None])
