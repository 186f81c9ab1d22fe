"""What the map shows besides the grid itself: cell measures, open case markers, the heat map,
search and locating a case. Qt-free; each function takes a session and returns plain data.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.domain.workflow import OPEN, RUNNING, Status
from console.services import night_profile
from console.services.map_grid import GridData
from console.services.settings import get_setting, work_calendar
from console.store.models import (Campaign, Case, CaseCampaign, Category, Cell, Community,
                                  LatestPosition, PatrolOfficer, Street)

OPEN_STATUSES = sorted(s.value for s in OPEN)
RUNNING_STATUSES = sorted(s.value for s in RUNNING)
#: The measures a seat can shade the cells by; "campaign" only while a campaign runs.
MEASURES = ("open", "overdue", "work_grid", "campaign")
#: How a case marker is coloured, from most to least pressing.
TONES = ("overdue", "near", "running", "new", "checking", "parked")
SEARCH_LIMIT = 12


# --- cell measures -------------------------------------------------------------------------

def cell_values(session: Session, grid: GridData, measure: str, now: datetime,
                cell_ids: list[int] | None = None,
                work_grid_colour: dict[int, int] | None = None) -> dict[int, int]:
    """Cell index → value of a measure; cells left out have the measure's default (0 or -1).

    With `cell_ids`, only those cells are read (a live update) and every one of them is in
    the answer, so a cell whose last open case closed goes back to its default.
    """
    if measure == "work_grid":
        colours = work_grid_colour or {}
        return {i: colours.get(int(g), -1) for i, g in enumerate(grid.work_grid.tolist())
                if g >= 0}
    if measure == "campaign":
        return _campaign_values(session, grid, now, cell_ids)
    if measure not in ("open", "overdue"):
        raise ValueError(f"unknown measure {measure!r}")
    if measure == "open":
        q = select(Case.cell_id).where(Case.status.in_(OPEN_STATUSES))
    else:
        q = select(Case.cell_id).where(Case.status.in_(RUNNING_STATUSES), Case.deadline < now)
    if cell_ids is not None:
        q = q.where(Case.cell_id.in_(cell_ids))
    counts = _count_cells(session, q)
    wanted = cell_ids if cell_ids is not None else counts.keys()
    out = {}
    for cid in wanted:
        index = grid.index_of.get(int(cid))
        if index is not None:
            out[index] = int(counts.get(cid, 0))
    return out


def _count_cells(session: Session, query) -> Counter:
    """Cases per cell id of a query selecting cell ids first.

    Counted here rather than with GROUP BY: for a grouped query SQLite walks the whole
    cell_id index of a million cases (seconds) instead of the status or time index (ms).
    """
    return Counter(row[0] for row in session.execute(query) if row[0] is not None)


def active_campaigns(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(id, name) of the campaigns running now."""
    return [tuple(r) for r in session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.starts_at <= now, Campaign.ends_at >= now)
        .order_by(Campaign.starts_at))]


def _campaign_values(session: Session, grid: GridData, now: datetime,
                     cell_ids: list[int] | None) -> dict[int, int]:
    """Cells in a running campaign's area: its open tagged cases (0 when none); -1 outside."""
    campaigns = session.execute(select(Campaign.id, Campaign.area).where(
        Campaign.starts_at <= now, Campaign.ends_at >= now)).all()
    if not campaigns:
        return {}
    street_codes = {code for _, area in campaigns for code in (area or {}).get("streets", [])}
    cell_codes = {code for _, area in campaigns for code in (area or {}).get("cells", [])}
    street_ids = {sid for sid, (code, _, _) in grid.streets.items() if code in street_codes}
    in_area: set[int] = set()
    for i, (code, community) in enumerate(zip(grid.codes, grid.community.tolist())):
        street = grid.communities.get(community, (None, None, None))[2]
        if code in cell_codes or street in street_ids:
            in_area.add(i)
    q = (select(Case.cell_id).distinct().add_columns(Case.id)
         .join(CaseCampaign, CaseCampaign.case_id == Case.id)
         .where(CaseCampaign.campaign_id.in_([c.id for c in campaigns]),
                Case.status.in_(OPEN_STATUSES)))
    if cell_ids is not None:
        q = q.where(Case.cell_id.in_(cell_ids))
    counts = _count_cells(session, q)
    out = {i: 0 for i in in_area}
    for cid, n in counts.items():
        index = grid.index_of.get(int(cid))
        if index is not None:
            out[index] = int(n)
    if cell_ids is not None:
        wanted = {grid.index_of[c] for c in cell_ids if c in grid.index_of}
        return {i: out.get(i, -1) for i in wanted}
    return out


# --- case markers --------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseMarker:
    id: int
    number: str
    lon: float
    lat: float
    tone: str           # one of TONES
    urgent: bool
    status: str
    category: str       # the category's name
    deadline: datetime | None
    #: When a running case turns "near" (the warning share of its limit used): with the
    #: deadline, the page moves the tone with the clock itself, no re-send needed.
    near_at: datetime | None = None
    #: The open supervision order's level (0 none, 1 催办, 2 督办, 3 挂牌督办): the marker's ring.
    supervision: int = 0


def case_tone(status: str, deadline: datetime | None, share_used: float | None,
              now: datetime, warning_share: float) -> str:
    """How pressing an open case looks on the map (see TONES)."""
    if status in RUNNING_STATUSES and deadline is not None:
        if deadline < now:
            return "overdue"
        if share_used is not None and share_used >= warning_share:
            return "near"
        return "running"
    if status in (Status.REPORTED.value, Status.REGISTERED.value):
        return "new"
    if status in (Status.HANDLED.value, Status.CHECKING.value):
        return "checking"
    if status == Status.PARKED.value:
        return "parked"
    return "running"


def case_markers(session: Session, now: datetime,
                 case_ids: list[int] | None = None) -> tuple[list[CaseMarker], list[int]]:
    """Markers of open cases (all, or those of `case_ids`) and the ids that are no longer open."""
    # Cases alone, then the small tables by key: joined in one query, SQLite walks all
    # million cases through the category index instead of the few open ones by status.
    q = select(Case.id, Case.number, Case.lon, Case.lat, Case.status, Case.urgent,
               Case.deadline, Case.dispatched_at, Case.category_code, Case.cell_id,
               Case.supervision_level).where(Case.status.in_(OPEN_STATUSES))
    if case_ids is not None:
        q = q.where(Case.id.in_(case_ids))
    rows = session.execute(q).all()
    categories = {r.code: (r.name, r.time_unit) for r in session.execute(
        select(Category.code, Category.name, Category.time_unit))}
    unplaced = {r.cell_id for r in rows if (r.lon is None or r.lat is None) and r.cell_id}
    centres = {r.id: (r.centroid_lon, r.centroid_lat) for r in session.execute(
        select(Cell.id, Cell.centroid_lon, Cell.centroid_lat).where(Cell.id.in_(unplaced)))
    } if unplaced else {}
    calendar = work_calendar(session)
    warning = float(get_setting(session, "deadline_warning_share"))
    markers = []
    for r in rows:
        lon, lat = (r.lon, r.lat) if r.lon is not None and r.lat is not None else \
            centres.get(r.cell_id, (None, None))
        if lon is None or lat is None:
            continue   # a case with neither a point nor a cell cannot be placed
        name, unit = categories.get(r.category_code, (r.category_code, "hours"))
        share = near_at = None
        if r.deadline is not None and r.dispatched_at is not None and r.status in RUNNING_STATUSES:
            try:
                # One calendar walk per case, not two: the share reaches the warning exactly
                # when the near time comes (what the page uses to move the tone on).
                near_at = _near_at(calendar, r.dispatched_at, r.deadline, unit, warning)
                share = (warning if near_at is not None and now >= near_at else 0.0)
            except ValueError:
                share = None
        markers.append(CaseMarker(r.id, r.number, float(lon), float(lat),
                                  case_tone(r.status, r.deadline, share, now, warning),
                                  bool(r.urgent), r.status, name, r.deadline, near_at,
                                  r.supervision_level or 0))
    gone = sorted(set(case_ids) - {m.id for m in markers}) if case_ids is not None else []
    return markers, gone


def _near_at(calendar, start: datetime, deadline: datetime, unit: str,
             warning: float) -> datetime | None:
    """The first instant at which `share_used` reaches `warning` (None: never before the end)."""
    if unit == "hours":
        return start + (deadline - start) * warning
    total = calendar.working_seconds_between(start, deadline)
    if total <= 0:
        return None
    return calendar.deadline(start, warning * total / 3600, "work_hours")


# --- heat map ------------------------------------------------------------------------------

def heat_points(session: Session, grid: GridData, since: datetime,
                night: bool = False) -> list[tuple[float, float, int]]:
    """(lat, lon, reports) per cell reported in since `since`: one weighted point per cell keeps
    a month of a big city's reports (hundreds of thousands) to at most one point per cell.
    `night`: only the reports made at night (services/night_profile.py)."""
    if night:
        holds = night_profile.night_report(session)
        counts = Counter(cell for cell, code, at in session.execute(
            select(Case.cell_id, Case.category_code, Case.reported_at)
            .where(Case.reported_at >= since)) if cell is not None and holds(code, at))
    else:
        counts = _count_cells(session, select(Case.cell_id).where(Case.reported_at >= since))
    out = []
    for cid, n in counts.items():
        index = grid.index_of.get(int(cid))
        if index is not None:
            lon, lat = grid.centroids[index]
            out.append((round(float(lat), 6), round(float(lon), 6), int(n)))
    return out


def heat_since(now: datetime, days: int) -> datetime:
    """The start of a heat-map period: today (days = 0, from midnight) or the last N days."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if days <= 0 else now - timedelta(days=days)


# --- search and locate ---------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    kind: str                      # cell | case | patrol | community | street
    key: str                       # cell code, case id, patrol id, region code
    label: str
    lon: float | None = None
    lat: float | None = None


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
    """Cells by code, cases by number, patrols by name or code, regions by name; exact first."""
    text = text.strip()
    if not text:
        return []
    hits: list[SearchHit] = []
    pattern = _like(text)
    if text.isdigit():
        for r in session.execute(select(Case.id, Case.number, Case.lon, Case.lat)
                                 .where(Case.number.like(pattern + "%", escape="\\"))
                                 .order_by(Case.number != text, Case.number.desc()).limit(limit)):
            hits.append(SearchHit("case", str(r.id), r.number, r.lon, r.lat))
        for r in session.execute(select(Cell.code, Cell.centroid_lon, Cell.centroid_lat)
                                 .where(Cell.code.like(pattern + "%", escape="\\"),
                                        Cell.retired_at.is_(None))
                                 .order_by(Cell.code != text, Cell.code).limit(limit)):
            hits.append(SearchHit("cell", r.code, r.code, r.centroid_lon, r.centroid_lat))
    officers = session.execute(
        select(PatrolOfficer.id, PatrolOfficer.code, PatrolOfficer.name, LatestPosition.lon,
               LatestPosition.lat)
        .outerjoin(LatestPosition, LatestPosition.patrol_officer_id == PatrolOfficer.id)
        .where(PatrolOfficer.active.is_(True),
               or_(PatrolOfficer.name.like(f"%{pattern}%", escape="\\"),
                   PatrolOfficer.code == text))
        .order_by(PatrolOfficer.name != text, PatrolOfficer.name, LatestPosition.at.desc())
        .limit(limit)).all()
    seen = set()
    for r in officers:
        if r.id not in seen:
            seen.add(r.id)
            hits.append(SearchHit("patrol", str(r.id), f"{r.name} ({r.code})", r.lon, r.lat))
    for model, kind in ((Street, "street"), (Community, "community")):
        for r in session.execute(select(model.code, model.name)
                                 .where(model.name.like(f"%{pattern}%", escape="\\"))
                                 .order_by(model.name != text, model.name).limit(limit)):
            hits.append(SearchHit(kind, r.code, r.name))
    # Exact matches first, whatever their kind; then in the order found.
    hits.sort(key=lambda h: h.label != text and h.key != text)
    return hits[:limit]


def locate_case(session: Session, case_id: int) -> SearchHit | None:
    """Where a case is (open or not): its point, else its cell's centre."""
    r = session.execute(select(Case.number, Case.lon, Case.lat, Cell.centroid_lon,
                               Cell.centroid_lat)
                        .outerjoin(Cell, Cell.id == Case.cell_id)
                        .where(Case.id == case_id)).first()
    if r is None:
        return None
    lon, lat = (r.lon, r.lat) if r.lon is not None and r.lat is not None else \
        (r.centroid_lon, r.centroid_lat)
    return SearchHit("case", str(case_id), r.number, lon, lat)


def campaign_names(session: Session, now: datetime) -> list[str]:
    """Names of the campaigns running now (for the measure's legend)."""
    return [name for _, name in active_campaigns(session, now)]

