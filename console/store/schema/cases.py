"""Tables: cases — the 案卷, its events, the number counter."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.store.schema.base import Base, WideInt


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
