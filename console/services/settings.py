"""Settings stored in the database (shared by every seat): read with defaults, write with feed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.work_calendar import WorkCalendar
from console.store import feed
from console.store.models import Setting

#: key → (default, description). Typed, documented, one list (see console/config.py for seat settings).
SHARED_SETTINGS: dict[str, tuple[Any, str]] = {
    "work_calendar": (WorkCalendar().to_dict(), "Work hours, weekends, holidays and make-up days"),
    "deadline_warning_share": (0.8, "Share of the time limit after which a case is 'near deadline'"),
    "city_name": ("", "Name of the city shown in the title"),
}


def get_setting(session: Session, key: str) -> Any:
    """The stored value of a shared setting, or its default."""
    default = SHARED_SETTINGS[key][0]
    row = session.get(Setting, key)
    return default if row is None else row.value.get("v", default)


def set_setting(session: Session, key: str, value: Any, at: datetime) -> None:
    """Store a shared setting and tell every seat through the feed."""
    if key not in SHARED_SETTINGS:
        raise KeyError(key)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value={"v": value}, updated_at=at))
    else:
        row.value, row.updated_at = {"v": value}, at
    session.flush()
    feed.record(session, "settings", None, "changed", at, {"key": key})


def work_calendar(session: Session) -> WorkCalendar:
    """The city's work calendar."""
    return WorkCalendar.from_dict(get_setting(session, "work_calendar"))
