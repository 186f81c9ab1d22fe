"""Tables: alerts, campaigns, supervision."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base, WideInt


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
