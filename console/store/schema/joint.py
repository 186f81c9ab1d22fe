"""Tables: joint enforcement (联合执法) and disputes (执法调处)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base


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
