"""Tables: Open311."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base


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
