"""The case queues: one page of a tab, the rows a change touched, tab counts, reference lists.

Everything returned is a plain frozen dataclass, safe to hand from a worker thread to the
interface. A page is read with keyset paging (the last row's sort value and id), so the
thousandth page costs what the first does.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from console.domain import centre_clock, stages
from console.domain.limits import check_text
from console.domain.privacy import sees_phone
from console.domain.work_calendar import TimeUnit, WorkCalendar
from console.domain.workflow import OPEN, Status
from console.services.actor import Actor
from console.services.cases import SOURCES
from console.services.cases import now as wall_clock
from console.services.phone_view import role_now
from console.services.settings import get_setting, verification_sources, work_calendar
from console.store import joint_queries
from console.store import queue_queries as q
from console.store.models import (
    Campaign,
    Category,
    Community,
    Department,
    District,
    Street,
)

STAGES = stages.STAGES
SORTS = tuple(q.SORT_COLUMNS)
PAGE_SIZE = 200
#: What each tab is sorted by until the user chooses otherwise: the work order of the stage.
DEFAULT_SORT: dict[str, tuple[str, bool]] = {
    "reported": ("reported_at", False),       # first come, first accepted
    "verifying": ("reported_at", False),
    "registered": ("reported_at", False),
    "dispatched": ("remaining", False),       # nearest deadline first
    "checking": ("reported_at", False),
    "overdue": ("remaining", False),          # longest overdue first
    "closed_today": ("reported_at", True),
    "all": ("reported_at", True),             # newest first
}


@dataclass(frozen=True)
class QueueFilter:
    """What narrows a queue; empty fields do not filter."""

    # Words in number, address, description or caller phone (the phone, and digits in the
    # description, only for a viewer who may see callers' numbers: store/queue_queries.py).
    text: str = ""
    category: str = ""               # a category code prefix or part of a category name
    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    cell_code: str = ""
    department_id: int | None = None
    source: str = ""
    urgent: bool | None = None
    campaign_id: int | None = None
    status: str = ""

    @property
    def active(self) -> bool:
        """Whether anything filters at all."""
        return self != QueueFilter()


@dataclass(frozen=True)
class QueueQuery:
    """A tab, its filter and its order, as `viewer` sees it (their role decides whether the
    free text searches callers' numbers; None, as for an export, never does)."""

    stage: str
    filter: QueueFilter = field(default_factory=QueueFilter)
    sort: str = ""
    descending: bool = False
    viewer: Actor | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"unknown queue stage {self.stage!r}")
        if not self.sort:
            sort, descending = DEFAULT_SORT[self.stage]
            object.__setattr__(self, "sort", sort)
            object.__setattr__(self, "descending", descending)
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}")


@dataclass(frozen=True)
class QueueRow:
    """One row of a queue: what the table shows and what the countdown needs."""

    id: int
    number: str
    category_code: str
    category_name: str
    time_unit: str
    cell_id: int | None
    cell_code: str
    address: str
    source: str
    department_id: int | None
    department_name: str
    status: str
    urgent: bool
    reported_at: datetime
    deadline: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None
    requested_deadline: datetime | None
    supervision_level: int
    version: int
    # The centre's own clock on the row's stage (受理/核实/立案/派遣/核查), if one runs.
    stage_key: str | None = None
    stage_warn_at: datetime | None = None
    stage_due: datetime | None = None

    def sort_value(self, sort: str) -> Any:
        """The value this row is ordered by under `sort` (as the SQL orders it)."""
        return getattr(self, _ROW_FIELD[sort])


_ROW_FIELD = {"number": "number", "category": "category_code", "location": "cell_id",
              "source": "source", "department": "department_id", "status": "status",
              "remaining": "deadline", "reported_at": "reported_at"}


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    has_more: bool


#: Above this many matches of the free text, the "all" tab tests rows in sort order instead.
COMMON_TEXT = 5000


def _sees_phones(session: Session, f: QueueFilter, viewer: Actor | None) -> bool:
    """Whether the free text may search callers' numbers for `viewer`: their role as stored now,
    as every masked read takes it (services/phone_view.py). Read only for a search, so the
    unfiltered queues cost no statement more."""
    return bool(f.text.strip()) and sees_phone(role_now(session, viewer))


def _conditions(session: Session, stage: str, f: QueueFilter, now: datetime, phones: bool, *,
                for_page: bool = False) -> list:
    f = checked(f)
    out = [q.stage_condition(stage, now)]
    if f.text:
        # A stage tab holds a few thousand open cases: testing each is cheaper than the index.
        use_index = stage == "all" and not (
            for_page and q.text_is_common(session, f.text, COMMON_TEXT))
        out.append(q.text_condition(session, f.text, phones=phones, use_index=use_index))
    if f.category:
        out.append(q.category_condition(session, f.category))
    region = q.region_condition(cell_code=f.cell_code, community_id=f.community_id,
                                street_id=f.street_id, district_id=f.district_id)
    if region is not None:
        out.append(region)
    if f.department_id is not None:   # its joint cases' parts too (lead or assisting)
        out.append(joint_queries.department_condition(f.department_id))
    if f.source:
        out.append(q.Case.source == f.source)
    if f.urgent is not None:
        out.append(q.Case.urgent.is_(f.urgent))
    if f.campaign_id is not None:
        out.append(q.campaign_condition(f.campaign_id))
    if f.status:
        out.append(q.Case.status == f.status)
    return out


def checked(f: QueueFilter) -> QueueFilter:
    """The filter with its texts normalised; DomainError for a text no search can hold."""
    return replace(f, text=check_text("search", f.text), category=check_text("search", f.category),
                   cell_code=check_text("cell_code", f.cell_code),
                   source=check_text("search", f.source), status=check_text("search", f.status))


def _row(r) -> QueueRow:
    return QueueRow(
        id=r.id, number=r.number, category_code=r.category_code,
        category_name=r.category_name or r.category_code, time_unit=r.time_unit or "work_hours",
        cell_id=r.cell_id, cell_code=r.cell_code or "", address=r.address or "", source=r.source,
        department_id=r.department_id, department_name=r.department_name or "",
        status=r.status, urgent=bool(r.urgent), reported_at=r.reported_at, deadline=r.deadline,
        dispatched_at=r.dispatched_at, handled_at=r.handled_at, closed_at=r.closed_at,
        requested_deadline=r.requested_deadline, supervision_level=r.supervision_level or 0,
        version=r.version, stage_key=r.stage_key, stage_warn_at=r.stage_warn_at,
        stage_due=r.stage_due)


def queue_page(session: Session, query: QueueQuery, *, after: tuple[Any, int] | None = None,
               limit: int = PAGE_SIZE, now: datetime | None = None) -> QueuePage:
    """The rows of a tab after the keyset `after` (None: from the top), at most `limit`."""
    now = now or wall_clock()
    phones = _sees_phones(session, query.filter, query.viewer)
    stmt = q.row_select().where(*_conditions(session, query.stage, query.filter, now, phones,
                                             for_page=True))
    if after is not None:
        stmt = stmt.where(q.after_condition(query.stage, query.sort, query.descending, after))
    stmt = stmt.order_by(*q.order_by(query.stage, query.sort, query.descending)).limit(limit + 1)
    rows = [_row(r) for r in session.execute(stmt)]
    return QueuePage(rows[:limit], len(rows) > limit)


def queue_page_before(session: Session, query: QueueQuery, before: tuple[Any, int], *,
                      limit: int = PAGE_SIZE, now: datetime | None = None) -> QueuePage:
    """The `limit` rows just before the keyset `before`, in the tab's order; `has_more` says
    whether still earlier rows exist (the queue reads back up what it let go of)."""
    now = now or wall_clock()
    phones = _sees_phones(session, query.filter, query.viewer)
    stmt = (q.row_select()
            .where(*_conditions(session, query.stage, query.filter, now, phones, for_page=True))
            .where(q.before_condition(query.stage, query.sort, query.descending, before))
            .order_by(*q.reversed_order_by(query.stage, query.sort, query.descending))
            .limit(limit + 1))
    rows = [_row(r) for r in session.execute(stmt)]
    return QueuePage(rows[:limit][::-1], len(rows) > limit)


def matching_rows(session: Session, query: QueueQuery, ids: list[int] | set[int], *,
                  now: datetime | None = None) -> dict[int, QueueRow]:
    """Of the cases `ids`, the current rows of those that belong in the tab (for live updates)."""
    now = now or wall_clock()
    ids = sorted(set(ids))
    out: dict[int, QueueRow] = {}
    conditions = _conditions(session, query.stage, query.filter, now,
                             _sees_phones(session, query.filter, query.viewer))
    for start in range(0, len(ids), 500):   # bound the IN list on every database
        chunk = ids[start:start + 500]
        stmt = q.row_select().where(q.Case.id.in_(chunk), *conditions)
        out.update((r.id, _row(r)) for r in session.execute(stmt))
    return out


#: Beyond this many matches the "all" tab's count under a filter says "more than" (COUNT_CAP + 1
#: is returned): an exact count of most of a million cases costs a scan and tells nobody more.
COUNT_CAP = 100_000


def stage_counts(session: Session, f: QueueFilter = QueueFilter(), *,
                 stages: tuple[str, ...] = STAGES, now: datetime | None = None,
                 viewer: Actor | None = None) -> dict[str, int]:
    """How many cases each tab holds under the filter ("all", filtered: up to COUNT_CAP + 1),
    as `viewer` may search (QueueQuery).

    One statement for every tab: each seat re-counts after a burst of changes, so with twenty
    seats the round trips, not the indexed counts, were most of the load."""
    now = now or wall_clock()
    phones = _sees_phones(session, f, viewer)
    counts = []
    for stage in stages:
        if stage == "all" and f.active:
            # Most of the city matches a common text: walk the rows (stopping at the cap)
            # rather than collect every match from the index.
            text = checked(f).text
            common = bool(text) and q.text_is_common(session, text, COUNT_CAP)
            count = q.capped_count_select(
                _conditions(session, stage, f, now, phones, for_page=common), COUNT_CAP + 1)
        else:
            count = q.count_select(_conditions(session, stage, f, now, phones))
        counts.append(count.scalar_subquery().label(f"n{len(counts)}"))
    row = session.execute(select(*counts)).one()
    return {stage: row[i] or 0 for i, stage in enumerate(stages)}


# --- time left ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeLeft:
    """Where a case stands against its deadline.

    `state`: none (no deadline runs), ok, warning (past the warning share), overdue, paused
    (parked), on_time / late (handled before / after the deadline). `seconds`: time left on
    the deadline's clock (working time unless the category counts natural hours); negative
    when overdue; None when no clock runs.
    """

    state: str
    seconds: float | None = None
    centre_stage: str | None = None   # the centre's own stage limit this counts down, if any


_CENTRE_STATUSES = frozenset(s.value for s in (Status.REPORTED, Status.VERIFYING, Status.VERIFIED,
                                                Status.REGISTERED, Status.CHECKING))


def time_left(row: QueueRow, calendar: WorkCalendar, now: datetime,
              warning_share: float) -> TimeLeft:
    """The countdown of one row at `now` (pure: the table calls it once a minute per row).

    While the case waits on the centre itself (受理, 核实, 立案, 派遣, 核查) its stage limit
    counts down, in wall-clock seconds to the limit's end (that end was worked out in the
    centre's own clock when the stage began)."""
    if row.stage_due is not None and row.status in _CENTRE_STATUSES:
        state = centre_clock.state_at(row.stage_warn_at, row.stage_due, now)
        return TimeLeft(state, (row.stage_due - now).total_seconds(), row.stage_key)
    if row.deadline is None:
        return TimeLeft("none")
    unit = TimeUnit.HOURS if row.time_unit == TimeUnit.HOURS else TimeUnit.WORK_HOURS
    if row.status == Status.DISPATCHED:
        seconds = calendar.remaining_seconds(row.deadline, now, unit)
        if now >= row.deadline:
            return TimeLeft("overdue", min(seconds, 0.0))
        start = row.dispatched_at or now
        share = calendar.share_used(start, row.deadline, now, unit)
        return TimeLeft("warning" if share >= warning_share else "ok", seconds)
    if row.status == Status.PARKED:
        return TimeLeft("paused")
    if row.handled_at is not None:
        return TimeLeft("on_time" if row.handled_at <= row.deadline else "late")
    return TimeLeft("none")


# --- reference lists for filters and forms -------------------------------------------------

@dataclass(frozen=True)
class CategoryRef:
    code: str
    name: str
    major_name: str
    kind: str
    department_id: int | None
    time_limit: float
    time_unit: str
    urgent: bool
    parent_code: str = ""          # a 细类's 小类; "" for a 小类


@dataclass(frozen=True)
class Named:
    """An id, a name and the id of the region it belongs to (0 for the top level)."""

    id: int
    name: str
    parent_id: int = 0


@dataclass(frozen=True)
class References:
    """The lists the filter bar and the dialogs offer, read once per seat (and on settings)."""

    categories: list[CategoryRef]
    departments: list[Named]
    districts: list[Named]
    streets: list[Named]
    communities: list[Named]
    campaigns: list[Named]
    sources: tuple[str, ...]
    statuses: tuple[str, ...]
    calendar: WorkCalendar
    warning_share: float
    verified_sources: frozenset[str] = frozenset()   # reports from these are verified before 立案

    def category(self, code: str) -> CategoryRef | None:
        return next((c for c in self.categories if c.code == code), None)


def references(session: Session) -> References:
    """Categories, departments, regions, campaigns, the work calendar and the warning share."""
    parent = aliased(Category)    # a 细类 names its 小类 (services/categories.py)
    cats = [CategoryRef(c.code, c.name, c.major_name, c.kind, c.department_id, c.time_limit,
                        c.time_unit, bool(c.urgent), parent_code or "")
            for c, parent_code in session.execute(
                select(Category, parent.code).outerjoin(parent, parent.id == Category.parent_id)
                .where(Category.active.is_(True)).order_by(Category.code))]
    departments = [Named(i, n) for i, n in session.execute(
        select(Department.id, Department.name).where(Department.active.is_(True))
        .order_by(Department.name))]
    districts = [Named(i, n) for i, n in session.execute(
        select(District.id, District.name).order_by(District.code))]
    streets = [Named(i, n, p) for i, n, p in session.execute(
        select(Street.id, Street.name, Street.district_id).order_by(Street.code))]
    communities = [Named(i, n, p) for i, n, p in session.execute(
        select(Community.id, Community.name, Community.street_id).order_by(Community.code))]
    campaigns = [Named(i, n) for i, n in session.execute(
        select(Campaign.id, Campaign.name).order_by(Campaign.starts_at.desc()))]
    statuses = tuple(s.value for s in Status if s in OPEN) + tuple(
        s.value for s in Status if s not in OPEN)
    return References(cats, departments, districts, streets, communities, campaigns, SOURCES,
                      statuses, work_calendar(session),
                      float(get_setting(session, "deadline_warning_share")),
                      verification_sources(session))


def due_between(session: Session, since: datetime, until: datetime) -> list[int]:
    """Dispatched cases whose deadline passed in (since, until]: they have just become overdue."""
    return list(session.scalars(select(q.Case.id).where(
        q.Case.status == Status.DISPATCHED.value, q.Case.deadline > since,
        q.Case.deadline <= until)))
