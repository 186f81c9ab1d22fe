"""Tables: 门前三包: street-front units and what is recorded against them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base


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
