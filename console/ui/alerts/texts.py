"""Words for alerts: kind names, what each alert says about its subject, refusal sentences."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.services.alert_actions import AlertView
from console.common.messages import (Names, centre_stage_name, register_error_texts,
                                     supervision_level_name)

KIND_NAMES = Names("AlertKinds", {
    "new_urgent": QT_TRANSLATE_NOOP("AlertKinds", "Urgent case"),
    "overdue_digest": QT_TRANSLATE_NOOP("AlertKinds", "Overdue cases"),
    "overdue": QT_TRANSLATE_NOOP("AlertKinds", "Overdue"),
    "near_deadline_digest": QT_TRANSLATE_NOOP("AlertKinds", "Cases near deadline"),
    "near_deadline": QT_TRANSLATE_NOOP("AlertKinds", "Near deadline"),
    "offline_digest": QT_TRANSLATE_NOOP("AlertKinds", "Patrols offline"),
    "centre_near": QT_TRANSLATE_NOOP("AlertKinds", "Centre stage near its limit"),
    "centre_overdue": QT_TRANSLATE_NOOP("AlertKinds", "Centre stage over its limit"),
    "off_post": QT_TRANSLATE_NOOP("AlertKinds", "Off post"),
    "idle": QT_TRANSLATE_NOOP("AlertKinds", "Idle"),
    "offline": QT_TRANSLATE_NOOP("AlertKinds", "Offline"),
    "left_early": QT_TRANSLATE_NOOP("AlertKinds", "Left early"),
    "hotspot": QT_TRANSLATE_NOOP("AlertKinds", "Hotspot"),
    "recurrence_digest": QT_TRANSLATE_NOOP("AlertKinds", "Recurrences"),
    "recurrence": QT_TRANSLATE_NOOP("AlertKinds", "Recurrence"),
    "backlog": QT_TRANSLATE_NOOP("AlertKinds", "Department backlog"),
    "impossible_speed": QT_TRANSLATE_NOOP("AlertKinds", "Impossible jump"),
    "supervised": QT_TRANSLATE_NOOP("AlertKinds", "Supervision order"),
    "department_supervised": QT_TRANSLATE_NOOP("AlertKinds", "Supervision order on the department"),
    "frontage_repeat": QT_TRANSLATE_NOOP("AlertKinds", "Street-front unit offending again"),
    "callback_digest": QT_TRANSLATE_NOOP("AlertKinds", "Call-backs overdue"),
})
#: Kinds whose alert stands for many cases or officers (services/alert_digests.py).
DIGEST_KINDS = frozenset({"overdue_digest", "near_deadline_digest", "recurrence_digest",
                          "offline_digest", "callback_digest"})
#: The order kinds are listed in (filters, counts): the case workflow, then patrols, then areas.
KIND_ORDER = tuple(KIND_NAMES)

register_error_texts({
    "alert_already_acknowledged": QT_TRANSLATE_NOOP(
        "Errors", "{by} already acknowledged this alert at {at}."),
    "alert_resolved": QT_TRANSLATE_NOOP(
        "Errors", "This alert cleared by itself at {at}; there is nothing left to escalate."),
    "alert_max_level": QT_TRANSLATE_NOOP(
        "Errors", "This alert is already at the highest escalation level ({level})."),
    "alert_escalated_meanwhile": QT_TRANSLATE_NOOP(
        "Errors", "Someone else escalated this alert a moment ago; look at it again."),
    "alert_role_not_allowed": QT_TRANSLATE_NOOP(
        "Errors", "The role “{role}” may not acknowledge or escalate alerts."),
    "alert_note_too_long": QT_TRANSLATE_NOOP(
        "Errors", "The note is too long: at most {limit} characters."),
})

# lupdate finds calls named `translate` with a literal context and text.
translate = QCoreApplication.translate


def kind_name(kind: str) -> str:
    text = KIND_NAMES.get(kind)
    return QCoreApplication.translate(KIND_NAMES.context, text) if text else kind


def _time(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        return value


def duration(minutes: float) -> str:
    """'12 min', '2 h 05 min', '3 d 4 h' in the interface language."""
    minutes = max(0, int(minutes))
    if minutes < 60:
        return translate("AlertTexts", "{m} min").format(m=minutes)
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return translate("AlertTexts", "{h} h {m:02d} min").format(h=hours, m=mins)
    days, hours = divmod(hours, 24)
    return translate("AlertTexts", "{d} d {h} h").format(d=days, h=hours)


def _since(value: str | None, now: datetime) -> str:
    if not value:
        return "—"
    try:
        return duration((now - datetime.fromisoformat(value)).total_seconds() / 60)
    except ValueError:
        return "—"


def subject(a: AlertView) -> str:
    """What the alert is about: a case number, a patrol officer, a cell, a department."""
    p = a.params
    if a.subject_type == "case":
        return translate("AlertTexts", "Case {number}").format(number=p.get("number", a.subject_id))
    if a.subject_type == "patrol":
        return f"{p.get('code', a.subject_id)} {p.get('name', '')}".strip()
    if a.subject_type == "cell":
        return translate("AlertTexts", "Cell {cell}").format(cell=p.get("cell_code", a.subject_id))
    if a.subject_type == "device":
        who = f"{p.get('code') or ''} {p.get('name') or ''}".strip()
        device = translate("AlertTexts", "Device {device}").format(device=p.get("device", "?"))
        return f"{who} · {device}" if who else device
    if a.kind == "offline_digest":
        return translate("AlertTexts", "{n} of {on_shift} officers on shift").format(
            n=p.get("count", "?"), on_shift=p.get("on_shift", "?"))
    if a.kind == "callback_digest":
        return translate("AlertTexts", "{n} citizens to call back").format(n=p.get("count", "?"))
    if a.kind in DIGEST_KINDS:
        name = p.get("name") or translate("AlertTexts", "No department")
        return translate("AlertTexts", "{name} · {n} cases").format(name=name,
                                                                     n=p.get("count", "?"))
    return p.get("name") or str(a.subject_id)


def detail(a: AlertView, now: datetime) -> str:
    """One line on the condition (after the category, for cases and cells), with live durations."""
    text = _condition(a, now)
    category = a.params.get("category_name") or a.params.get("category")
    if a.subject_type in ("case", "cell") and category:
        return f"{category} · {text}"
    return text


def _condition(a: AlertView, now: datetime) -> str:
    p = a.params
    match a.kind:
        case "new_urgent":
            return translate("AlertTexts", "Reported at {time}, waiting {wait}").format(
                time=_time(p.get("reported_at")), wait=_since(p.get("reported_at"), now))
        case "near_deadline":
            return translate("AlertTexts", "Due at {time}").format(
                time=_deadline(p.get("deadline"), now))
        case "overdue":
            return translate("AlertTexts", "Deadline {time}, overdue by {late}").format(
                time=_deadline(p.get("deadline"), now), late=_since(p.get("deadline"), now))
        case "centre_near":
            return translate("AlertTexts", "{stage} due at {time}").format(
                stage=centre_stage_name(p.get("stage", "")), time=_deadline(p.get("due"), now))
        case "centre_overdue":
            return translate("AlertTexts", "{stage} due {time}, over by {late}").format(
                stage=centre_stage_name(p.get("stage", "")), time=_deadline(p.get("due"), now),
                late=_since(p.get("due"), now))
        case "off_post":
            return translate("AlertTexts", "Outside the work grid for {duration}").format(
                duration=_since(p.get("since"), now))
        case "idle":
            return translate("AlertTexts", "At one spot since {time}").format(
                time=_time(p.get("since")))
        case "offline":
            if p.get("last_seen") and p.get("last_seen") >= (p.get("shift_start") or ""):
                return translate("AlertTexts", "No position since {time}").format(
                    time=_time(p.get("last_seen")))
            return translate("AlertTexts", "No position since the shift began at {time}").format(
                time=_time(p.get("shift_start")))
        case "left_early":
            return translate("AlertTexts", "Last position {time}, shift ends {end}").format(
                time=_time(p.get("last_seen")), end=_time(p.get("shift_end")))
        case "hotspot":
            return translate("AlertTexts", "{count} cases within {hours} h").format(
                count=p.get("count", "?"), hours=_number(p.get("hours")))
        case "recurrence":
            return translate("AlertTexts", "Case {number} here was closed {time}").format(
                number=p.get("previous", "?"), time=_day_time(p.get("previous_closed_at")))
        case "overdue_digest":
            return translate("AlertTexts", "Oldest overdue by {late} (deadline {time})").format(
                late=_since(p.get("oldest"), now), time=_deadline(p.get("oldest"), now))
        case "near_deadline_digest":
            return translate("AlertTexts", "The first due at {time}").format(
                time=_deadline(p.get("oldest"), now))
        case "recurrence_digest":
            return translate("AlertTexts", "Back again after closing; the oldest reported {time}"
                             ).format(time=_day_time(p.get("oldest")))
        case "offline_digest":
            if p.get("cause") == "no_positions" and not p.get("newest_fix"):
                return translate("AlertTexts", "No position has ever arrived from the field: "
                                 "intake or network")
            if p.get("cause") == "no_positions":
                return translate("AlertTexts", "No positions arriving from the field at all "
                                 "(newest {time}): intake or network").format(
                    time=_day_time(p.get("newest_fix")))
            return translate("AlertTexts", "{n} others still report: those phones or their "
                             "area").format(n=p.get("reporting", "?"))
        case "callback_digest":
            return translate("AlertTexts", "Oldest due {time}, late by {late}").format(
                time=_deadline(p.get("oldest"), now), late=_since(p.get("oldest"), now))
        case "backlog":
            return translate("AlertTexts", "{open} open, {overdue} overdue").format(
                open=p.get("open", "?"), overdue=p.get("overdue", "?"))
        case "supervised" | "department_supervised":
            return translate("AlertTexts", "{level}: {reason} · answer due {time}").format(
                level=supervision_level_name(p.get("level", 0)), reason=p.get("reason", ""),
                time=_day_time(p.get("due_at")))
        case "impossible_speed":
            return translate("AlertTexts", "Reported from two places {kmh} km/h apart at {time}: "
                             "two phones with one id, or a false fix").format(
                kmh=p.get("kmh", "?"), time=_day_time(p.get("flagged_at")))
        case "frontage_repeat":
            return translate("AlertTexts", "{code} {name}: {count} offences within {days} days"
                             ).format(code=p.get("code", ""), name=p.get("name", ""),
                                      count=p.get("count", "?"), days=_number(p.get("days")))
    return ""


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "?")


def _day_time(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(value).strftime("%m-%d %H:%M")
    except ValueError:
        return value


def _deadline(value: str | None, now: datetime) -> str:
    """A deadline as a time today, or with its date when it is another day."""
    if not value:
        return "—"
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return value
    return t.strftime("%H:%M") if t.date() == now.date() else t.strftime("%m-%d %H:%M")


def member_line(kind: str, m: dict, now: datetime) -> str:
    """One member of a digest as its list shows it."""
    if kind == "offline_digest":
        return translate("AlertTexts", "{code} {name} · silent {since}").format(
            code=m.get("code", ""), name=m.get("name", ""), since=_since(m.get("since"), now))
    head = f"{m.get('number', m.get('id'))} · {m.get('category_name', '')}"
    match kind:
        case "overdue_digest":
            return head + " · " + translate("AlertTexts", "overdue by {late}").format(
                late=_since(m.get("since"), now))
        case "near_deadline_digest":
            return head + " · " + translate("AlertTexts", "due {time}").format(
                time=_deadline(m.get("since"), now))
        case "recurrence_digest":
            return head + " · " + translate("AlertTexts", "after {number}").format(
                number=m.get("previous", "?"))
        case "callback_digest":
            return head + " · " + translate("AlertTexts", "call-back late by {late}").format(
                late=_since(m.get("since"), now))
    return head


def stands_for(a: AlertView) -> int:
    """How many cases or officers an alert stands for (a digest's count, else one)."""
    return int(a.params.get("count", 1) or 1) if a.kind in DIGEST_KINDS else 1


def raised(a: AlertView, now: datetime) -> str:
    """When the alert was raised: a time today, else the date too."""
    t = a.raised_at
    return t.strftime("%H:%M") if t.date() == now.date() else t.strftime("%m-%d %H:%M")


def status_line(a: AlertView) -> str:
    """Who acknowledged (and their note), who escalated — or that nobody has yet."""
    parts = []
    if a.acknowledged_at is not None:
        who = a.acknowledged_by or translate("AlertTexts", "someone")
        text = translate("AlertTexts", "Acknowledged by {name} at {time}").format(
            name=who, time=a.acknowledged_at.strftime("%H:%M"))
        if a.ack_note:
            text += translate("AlertTexts", ": “{note}”").format(note=a.ack_note)
        parts.append(text)
    else:
        parts.append(translate("AlertTexts", "Not acknowledged"))
    if a.level > 0 and a.escalated_at is not None:
        by = a.escalated_by or translate("AlertTexts", "automatically")
        parts.append(translate("AlertTexts", "escalated to level {level} ({by}, {time})").format(
            level=a.level, by=by, time=a.escalated_at.strftime("%H:%M")))
    return " · ".join(parts)
