"""Words of the queue feature: its own refusal sentences, column titles, countdowns, times."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.services.queues import TimeLeft
from console.common.messages import register_error_texts

register_error_texts({
    "duplicate_target_closed": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} is already finished; the report cannot be merged into it. "
                  "Save it as a new case instead."),
    "category_required": QT_TRANSLATE_NOOP("Errors", "Choose the case category."),
    "description_required": QT_TRANSLATE_NOOP("Errors", "Describe the problem the caller reports."),
    "phone_required": QT_TRANSLATE_NOOP(
        "Errors", "Give the caller's phone number, so the case can be followed up."),
})

translate = QCoreApplication.translate

COLUMN_TITLES = {
    "number": QT_TRANSLATE_NOOP("QueueColumns", "Number"),
    "category": QT_TRANSLATE_NOOP("QueueColumns", "Category"),
    "location": QT_TRANSLATE_NOOP("QueueColumns", "Location"),
    "source": QT_TRANSLATE_NOOP("QueueColumns", "Source"),
    "department": QT_TRANSLATE_NOOP("QueueColumns", "Department"),
    "status": QT_TRANSLATE_NOOP("QueueColumns", "Status"),
    "remaining": QT_TRANSLATE_NOOP("QueueColumns", "Time left"),
    "reported_at": QT_TRANSLATE_NOOP("QueueColumns", "Reported"),
}


def column_title(key: str) -> str:
    return translate("QueueColumns", COLUMN_TITLES[key])


def duration(seconds: float) -> str:
    """A short duration: "2 d 3 h", "3 h 20 min", "45 min" (whole minutes, rounded down)."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return translate("Countdown", "{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return translate("Countdown", "{hours} h {minutes} min").format(hours=hours, minutes=mins)
    return translate("Countdown", "{minutes} min").format(minutes=mins)


def countdown(left: TimeLeft) -> str:
    """What the "time left" column says."""
    match left.state:
        case "ok" | "warning":
            return translate("Countdown", "{time} left").format(time=duration(left.seconds or 0))
        case "overdue":
            return translate("Countdown", "Overdue {time}").format(time=duration(left.seconds or 0))
        case "on_time":
            return translate("Countdown", "Handled on time")
        case "late":
            return translate("Countdown", "Handled late")
        case "paused":
            return translate("Countdown", "Parked")
    return ""


#: Severity colour of each countdown state (console.common.theme.SEVERITY_COLORS names).
COUNTDOWN_SEVERITY = {"ok": "ok", "warning": "warning", "overdue": "critical", "on_time": "muted",
                      "late": "warning", "paused": "muted", "none": "muted"}


def short_time(at: datetime | None, today: datetime | None = None) -> str:
    """"14:05" today, "03-09 14:05" this year, "2025-12-30 14:05" before."""
    if at is None:
        return "—"
    today = today or datetime.now()
    if at.date() == today.date():
        return at.strftime("%H:%M")
    if at.year == today.year:
        return at.strftime("%m-%d %H:%M")
    return at.strftime("%Y-%m-%d %H:%M")


def full_time(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else "—"


def compact_count(n: int) -> str:
    """A tab count that stays short: 999734 is "99.9万" in Chinese, "1000k" in English."""
    from console.common.i18n import current_language
    if n < 10_000:
        return str(n)
    if current_language() == "zh_CN":
        return f"{n / 10_000:.1f}万" if n < 100_000 else f"{round(n / 10_000)}万"
    return f"{n / 1000:.0f}k"
