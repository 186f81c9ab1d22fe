"""Tables: hotline follow-up — repeat calls and call-backs (回访)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base
from console.store.schema.cases import Case


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
