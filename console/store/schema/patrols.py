"""Tables: patrols — officers, their devices and shifts, positions reported."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base, WideInt


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
