"""SQLAlchemy 2 models of the whole domain: regions, categories, cases, patrols, alerts, feed."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer,
                        MetaData, String, Text, TypeDecorator, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids and sequences that the field feeds (fixes, feed rows, events, alerts) outgrow 32 bits: at
# 10,000 fixes a second positions.id would overflow in about 2.5 days. SQLite's INTEGER is already
# 64-bit, and keeping it spelled INTEGER keeps an INTEGER PRIMARY KEY the rowid.
WideInt = BigInteger().with_variant(Integer, "sqlite")


def naive_local(value: datetime) -> datetime:
    """The console's times are naive local times; an aware one is converted to that."""
    if value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)


class LocalDateTime(TypeDecorator):
    """DATETIME / TIMESTAMP WITHOUT TIME ZONE holding naive local times. Every time bound for
    a column or compared with one passes here: an aware `at` given to any service is stored
    (and compared) as the local time it means, instead of shifted on PostgreSQL or written
    with its offset on SQLite. console.store.audit hashes times the same way."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return naive_local(value) if isinstance(value, datetime) else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: LocalDateTime()}


# --- regions ---------------------------------------------------------------------------

class District(Base):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class Street(Base):
    __tablename__ = "streets"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)


class Community(Base):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)


class Cell(Base):
    """A unit grid cell (单元网格): a polygon of about 10,000 m² with one accountable owner."""

    __tablename__ = "cells"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(15), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # The ring as [[lon, lat], ...]; plain JSON keeps SQLite and PostgreSQL alike (no PostGIS).
    ring: Mapped[list[Any]] = mapped_column(JSON)
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    # Set when a re-imported grid no longer has the cell: its cases keep it, the map drops it.
    retired_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_cells_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)


class WorkGrid(Base):
    """A 责任网格: the cells one patrol officer or team is responsible for."""

    __tablename__ = "work_grids"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)


class WorkGridCell(Base):
    __tablename__ = "work_grid_cells"
    work_grid_id: Mapped[int] = mapped_column(ForeignKey("work_grids.id"), primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id"), primary_key=True, index=True)


# --- organisation ----------------------------------------------------------------------

class Department(Base):
    """A 专业部门 that receives dispatches."""

    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    """A 部件/事件 class: code = kind prefix + minor code; `parent_id` allows a 细类 level."""

    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))              # component | event
    major_code: Mapped[str] = mapped_column(String(4))
    major_name: Mapped[str] = mapped_column(String(64))
    minor_code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer, default=2)     # 2 = 小类, 3 = 细类
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    time_limit: Mapped[float] = mapped_column(Float)
    time_unit: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # An argon2id hash (console/services/users.py); None: no password yet — the account cannot
    # sign in (outside the demo city, whose users sign in without one).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]


# --- patrols ---------------------------------------------------------------------------

class PatrolOfficer(Base):
    __tablename__ = "patrol_officers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    work_grid_id: Mapped[int | None] = mapped_column(ForeignKey("work_grids.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Device(Base):
    """A phone running Traccar Client / OsmAnd: `unique_id` is the protocol's `id`."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    unique_id: Mapped[str] = mapped_column(String(64), unique=True)
    patrol_officer_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_officers.id"),
                                                          index=True)
    token_hash: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Last reported from two places at an impossible speed (cleared by registering it again).
    suspect_at: Mapped[datetime | None]
    suspect_kmh: Mapped[float | None] = mapped_column(Float)


class Shift(Base):
    """A recurring shift: on these weekdays ('0'..'6', Monday = 0) from start to end."""

    __tablename__ = "shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_officer_id: Mapped[int] = mapped_column(ForeignKey("patrol_officers.id"), index=True)
    weekdays: Mapped[str] = mapped_column(String(7), default="01234")
    start: Mapped[str] = mapped_column(String(5))      # "08:00"
    end: Mapped[str] = mapped_column(String(5))        # "17:00"; earlier than start = overnight


class Position(Base):
    """Position history, one row per fix."""

    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    patrol_officer_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_officers.id"))
    at: Mapped[datetime]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed: Mapped[float | None] = mapped_column(Float)      # m/s
    heading: Mapped[float | None] = mapped_column(Float)
    altitude: Mapped[float | None] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[float | None] = mapped_column(Float)
    # hdop, charge, valid, unknown parameters, `implausible_kmh`; NULL when there are none.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (Index("ix_positions_officer_at", "patrol_officer_id", "at"),
                      Index("ix_positions_device_at", "device_id", "at"))


class LatestPosition(Base):
    """The newest fix per device; `seq` is the feed sequence of the write that set it."""

    __tablename__ = "latest_positions"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    patrol_officer_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_officers.id"),
                                                          index=True)
    at: Mapped[datetime]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[float | None] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[float | None] = mapped_column(Float)
    seq: Mapped[int] = mapped_column(WideInt, index=True)


# --- cases -----------------------------------------------------------------------------

class Case(Base):
    """A 案卷. `version` is the optimistic lock every action checks and increments."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    source: Mapped[str] = mapped_column(String(16))        # patrol | hotline | video | leader | public
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("cells.id"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime]
    registered_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime | None]
    handled_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    deadline: Mapped[datetime | None]
    requested_deadline: Mapped[datetime | None]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(64))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_patrol_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_officers.id"))
    check_patrol_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_officers.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # 核实: who verifies on site, when asked, by when, when answered (属实 or 不属实).
    verify_patrol_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_officers.id"))
    verify_requested_at: Mapped[datetime | None]
    verify_due: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    # The centre's own clock on the stage the case is in (domain/centre_clock.py): which
    # limit runs, since when, its warning instant and its end; NULL where none runs.
    stage_key: Mapped[str | None] = mapped_column(String(16))
    stage_at: Mapped[datetime | None]
    stage_warn_at: Mapped[datetime | None]
    stage_due: Mapped[datetime | None]
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    supervision_level: Mapped[int] = mapped_column(Integer, default=0)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # Open311 token
    # The key of the seat's form that filed it (services/cases.report): saving that form again
    # after a lost answer finds this case instead of filing a second one.
    client_key: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime]
    events: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id", viewonly=True)
    __table_args__ = (
        Index("ix_cases_status_deadline", "status", "deadline"),
        Index("ix_cases_status_reported", "status", "reported_at"),
        Index("ix_cases_department_status", "department_id", "status"),
        Index("ix_cases_reported_at", "reported_at"),
        Index("ix_cases_closed_at", "closed_at"),
        Index("ix_cases_verify_requested_at", "verify_requested_at"),
        Index("ix_cases_client_key", "client_key", unique=True),
    )


class CaseEvent(Base):
    """Append-only history of a case: who did what, when, from which state to which."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The workstation it came from, and its link in the trail's hash chain (console/store/audit.py):
    # its place in commit order and a hash over its columns and the previous link's hash.
    seat: Mapped[str | None] = mapped_column(String(64))
    chain_seq: Mapped[int | None] = mapped_column(WideInt)
    hash: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),
                      # an index, not a constraint: SQLite adds it without rebuilding the table
                      # (a rebuild would drop the append-only triggers)
                      Index("ix_case_events_chain_seq", "chain_seq", unique=True))


class CaseNumberCounter(Base):
    __tablename__ = "case_number_counters"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


# --- alerts, campaigns, supervision ----------------------------------------------------

class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))      # info | warning | critical
    subject_type: Mapped[str] = mapped_column(String(16))  # case | patrol | cell | department
    subject_id: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raised_at: Mapped[datetime]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    ack_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # The condition's identity while the alert is open, NULL once resolved: a plain unique
    # constraint (NULLs never clash) keeps one open alert per subject and kind even when two
    # seats evaluate at once, on SQLite and PostgreSQL alike.
    open_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # escalations
    escalated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A digest's members ([{id, number|code, since, joined, ...}], services/alert_digests.py):
    # what the one alert stands for, listed by the panel; NULL for an alert about one subject.
    members: Mapped[list[Any] | None] = mapped_column(JSON)
    __table_args__ = (Index("ix_alerts_open", "resolved_at", "kind", "subject_type", "subject_id"),)


class AlertEvaluator(Base):
    """One row: which seat evaluates the alert rules until when (a lease the others respect)."""

    __tablename__ = "alert_evaluator"
    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(String(96))
    until: Mapped[datetime]


class PatrolTrackSummary(Base):
    """What the evaluating seat's track of one officer says, as of position id `upto`
    (domain.patrol_state.TrackSummary; times in microseconds since 1970-01-01, local).

    Written only by the lease holder, a few times a minute, for the tracks that changed; every
    row is valid as of the greatest `upto`, so a seat that starts or takes over reads these and
    the fixes after it instead of the half hour of history (services/alerts.py, map_patrols)."""

    __tablename__ = "patrol_track_summaries"
    patrol_officer_id: Mapped[int] = mapped_column(Integer, primary_key=True,
                                                   autoincrement=False)
    upto: Mapped[int] = mapped_column(BigInteger)
    written_at: Mapped[datetime]
    last_at_us: Mapped[int | None] = mapped_column(BigInteger)
    last_lon: Mapped[float] = mapped_column(Float)
    last_lat: Mapped[float] = mapped_column(Float)
    last_speed: Mapped[float | None] = mapped_column(Float)
    outside_since_us: Mapped[int | None] = mapped_column(BigInteger)
    still_since_us: Mapped[int | None] = mapped_column(BigInteger)
    anchor_lon: Mapped[float | None] = mapped_column(Float)
    anchor_lat: Mapped[float | None] = mapped_column(Float)


class Campaign(Base):
    """A 专项整治 / 迎检 campaign: period, area, focus categories and targets."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    area: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)        # {"streets": [...], "cells": [...]}
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)     # {"on_time_closure_rate": 0.95}
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # rectification (专项整治) | inspection (迎检准备) | night (夜查) | joint (联合执法)
    kind: Mapped[str] = mapped_column(String(16), default="rectification",
                                      server_default="rectification")
    departments: Mapped[list[Any] | None] = mapped_column(JSON)          # responsible department ids
    created_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(Integer)
    # The figures as they stood when it closed (services/campaign_progress.py), kept for the record.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseCampaign(Base):
    __tablename__ = "case_campaigns"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True,
                                             index=True)


class SupervisionOrder(Base):
    """催办 (1) → 督办 (2) → 挂牌督办 (3) on a case or a department."""

    __tablename__ = "supervision_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))   # None: raised by the check
    issued_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")               # the reason
    resolved_at: Mapped[datetime | None]
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    auto: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    reply: Mapped[str | None] = mapped_column(Text)
    promised_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(Integer)
    escalated_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(Integer)
    # "case:<id>" / "department:<id>" while open, NULL once closed: one open order per subject,
    # even when two seats raise one at once (as alerts.open_key).
    open_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    __table_args__ = (Index("ix_supervision_orders_open", "resolved_at", "due_at"),)


# --- joint enforcement (联合执法) and disputes (执法调处) --------------------------------

class CaseDepartment(Base):
    """One department's part of a joint case: the lead (主办) or an assisting one (协办)
    (console/domain/joint.py). A single-department case has no rows here."""

    __tablename__ = "case_departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(8))          # lead | assist
    state: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[datetime | None]
    requested_deadline: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime]
    returns: Mapped[int] = mapped_column(Integer, default=0)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("case_id", "department_id"),
                      Index("ix_case_departments_department_state", "department_id", "state"))


class DisputeRuling(Base):
    """The duty leader's binding ruling on a disputed case (执法调处): who owns it, and why.
    Also a precedent for cases of the same category near the same place."""

    __tablename__ = "dispute_rulings"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    category_code: Mapped[str] = mapped_column(String(16))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    returns: Mapped[int] = mapped_column(Integer)        # returns as not-ours before the ruling
    reason: Mapped[str] = mapped_column(Text)
    ruled_by: Mapped[int | None] = mapped_column(Integer)
    ruled_by_name: Mapped[str] = mapped_column(String(64))
    ruled_at: Mapped[datetime]
    __table_args__ = (Index("ix_dispute_rulings_category_place", "category_code", "lat", "lon"),)


# --- Open311 ----------------------------------------------------------------------------

class Open311Key(Base):
    """An Open311 application's API key: only its SHA-256 is kept (the key is shown once)."""

    __tablename__ = "open311_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(48), unique=True)     # the application
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(8))               # first characters, for lists
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    issued_by: Mapped[str | None] = mapped_column(String(64))       # who issued the current key
    last_used_at: Mapped[datetime | None]                           # its last accepted report
    requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# --- the officers' phones (城管通) ---------------------------------------------------------

class FieldSession(Base):
    """An officer signed in on a phone: only the token's SHA-256 is kept; revocable."""

    __tablename__ = "field_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    patrol_officer_id: Mapped[int] = mapped_column(ForeignKey("patrol_officers.id"))
    device: Mapped[str] = mapped_column(String(64))        # what the phone calls itself
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class FieldReceipt(Base):
    """What one idempotency key of an officer already did: a retried upload finds it here."""

    __tablename__ = "field_receipts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))          # report | check | verify
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]
    # SHA-256 of what the request asked (field_reports.content_digest); NULL on rows kept
    # before 0019, which are not compared.
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_field_receipts_user_key"),)


# --- 门前三包: street-front units and what is recorded against them -----------------------

class FrontageUnit(Base):
    """A street-front unit (商户 / 单位) answering for a stretch of street (门前三包)."""

    __tablename__ = "frontage_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)   # the workbook's key
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))                # shop | organisation
    address: Mapped[str] = mapped_column(String(200), default="")
    person: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    # A GeoJSON LineString or Polygon in lon/lat; the box finds candidates without shapely.
    stretch: Mapped[dict[str, Any]] = mapped_column(JSON)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    letter_signed_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]
    # The optimistic lock of an edit (two seats editing one unit: the second is refused).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (Index("ix_frontage_units_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)


class FrontageRecord(Base):
    """A warning (劝导), a notice (告知) or an offence (a case confirmed as the unit's)."""

    __tablename__ = "frontage_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("frontage_units.id"))
    kind: Mapped[str] = mapped_column(String(16))                # warning | notice | offence
    # One responsible unit per case: a second confirmation replaces the first.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    __table_args__ = (Index("ix_frontage_records_unit_at", "unit_id", "at"),
                      Index("ix_frontage_records_kind_at", "kind", "at"))


# --- infrastructure --------------------------------------------------------------------

class FeedCounter(Base):
    """One row: the last feed sequence handed out. Its row lock orders writers by commit."""

    __tablename__ = "feed_counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(WideInt)


class ChangeFeed(Base):
    """What changed, in commit order: every row of one transaction shares its `seq`."""

    __tablename__ = "change_feed"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    seq: Mapped[int] = mapped_column(WideInt, index=True)
    at: Mapped[datetime]
    entity: Mapped[str] = mapped_column(String(16))        # case | alert | patrol | settings ...
    entity_id: Mapped[int | None] = mapped_column(WideInt)
    action: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditRecord(Base):
    """Append-only record of a write that is not a case event (settings, roster, catalogues,
    alert acknowledgements, devices): who, from which seat, when, what; hash-chained."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    chain_seq: Mapped[int] = mapped_column(WideInt, unique=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    seat: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(16))        # a ChangeKind
    entity_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))        # a ChangeAction
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (Index("ix_audit_at", "at"),)


class AuditChain(Base):
    """The head of each hash chain (case_events, audit): its length and last hash. Updated with
    every append, under the feed counter's lock; a removed tail no longer matches it."""

    __tablename__ = "audit_chain"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    length: Mapped[int] = mapped_column(WideInt)
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)    # {"v": value}, so any JSON fits
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Meta(Base):
    """Facts about this database (e.g. the demo city's name, centre and seed)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FeedReader(Base):
    """A seat reading the change feed: the newest sequence it has read and when it last said
    so (a heartbeat). The pruner keeps every feed row above the lowest sequence of the readers
    seen lately (store/feed_readers.py)."""

    __tablename__ = "feed_readers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)    # a uuid per running reader
    name: Mapped[str] = mapped_column(String(64))                     # host / application name
    seq: Mapped[int] = mapped_column(WideInt)
    seen_at: Mapped[datetime] = mapped_column(index=True)
# --- Hotline follow-up: repeat calls and call-backs (回访) -----------------------------------

#: Caller history looks cases up by the number the receiver is typing.
Index("ix_cases_reporter_phone", Case.reporter_phone)


class HotlineCall(Base):
    """A repeat call linked to an existing case instead of filed again (its first call is the
    case's own report)."""

    __tablename__ = "hotline_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    caller_name: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_hotline_calls_phone", "phone", "at"),)


class Callback(Base):
    """回访: one per closure of a case from a citizen; answered with an outcome, and for 不满意
    possibly a rework request the leader consents to or declines."""

    __tablename__ = "callbacks"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    closed_at: Mapped[datetime]
    due_at: Mapped[datetime]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    outcome: Mapped[str | None] = mapped_column(String(24))   # domain/callbacks.py Outcome
    note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_by_name: Mapped[str | None] = mapped_column(String(64))
    # requested → consented | declined (by a leader, with the reason); NULL: none asked.
    rework: Mapped[str | None] = mapped_column(String(16))
    rework_reason: Mapped[str | None] = mapped_column(Text)
    rework_by_name: Mapped[str | None] = mapped_column(String(64))
    rework_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("case_id", "closed_at", name="uq_callbacks_closure"),
                      Index("ix_callbacks_open", "done_at", "due_at"),
                      Index("ix_callbacks_rework", "rework"))


__all__ = [name for name, obj in list(globals().items())
           if isinstance(obj, type) and issubclass(obj, Base) and obj is not Base] + ["Base"]
