"""The SQL the alert digests need beyond alert_queries: a digest's stored members, which the
panel lists when a digest is opened (the panel's list itself reads no members)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.store.models import Alert


def alert_members(session: Session, alert_id: int) -> list[Any]:
    """A digest's stored members (empty for an alert about one subject)."""
    return session.scalar(select(Alert.members).where(Alert.id == alert_id)) or []
