"""Tables: the officers' phones (城管通)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base


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
