"""The SQL the alert digests need beyond alert_queries: a cell's community (recurrences are
digested per community) and a digest's stored members (the panel lists them)."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.store.alert_queries import _chunks
from console.store.models import Alert, Cell, Community


def cell_communities(session: Session, ids: Collection[int]) -> dict[int, tuple[int, str]]:
    """cell id → (its community's id, the community's name)."""
    out: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        out.update((cell, (community, name)) for cell, community, name in session.execute(
            select(Cell.id, Community.id, Community.name)
            .join(Community, Community.id == Cell.community_id).where(Cell.id.in_(chunk))))
    return out


def alert_members(session: Session, alert_id: int) -> list[Any]:
    """A digest's stored members (empty for an alert about one subject)."""
    return session.scalar(select(Alert.members).where(Alert.id == alert_id)) or []
