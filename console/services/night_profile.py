"""夜查: the time-of-day windows of categories (shared settings) as the services use them —
the heat map's "night reports only" and, in the alert engine, the hotspot and recurrence rules."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.night_window import NIGHT, TimeWindow, category_windows
from console.services.settings import get_setting
from console.store.models import Category


def windows(session: Session) -> dict[str, TimeWindow]:
    """category code → its time-of-day window (only the categories that have one)."""
    names = dict(session.execute(select(Category.code, Category.name)).all())
    return category_windows(get_setting(session, "category_time_windows") or {}, names)


def night(session: Session) -> TimeWindow:
    """The night of the shared setting (19:00–06:00 if it is unreadable)."""
    try:
        return TimeWindow.parse(str(get_setting(session, "night_window")))
    except DomainError:
        return NIGHT


def night_report(session: Session) -> Callable[[str, datetime], bool]:
    """Whether a report (category, reported_at) is a night report: inside its category's
    window when the category has one, else inside the night."""
    by_code, default = windows(session), night(session)

    def holds(category_code: str, reported_at: datetime) -> bool:
        return by_code.get(category_code, default).holds(reported_at)
    return holds
