"""Settings stored in the database (shared by every seat): read with defaults, write with feed."""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.centre_clock import (DEFAULT_LIMITS_MIN, DEFAULT_VERIFIED_SOURCES,
                                         CentreClock, limits_from_setting)
from console.domain.evaluation import default_grades, default_weights
from console.domain.limits import COUNT_LIMITS, check_text
from console.domain.changes import ChangeAction, ChangeKind
from console.domain.permissions import Permission
from console.domain.work_calendar import WorkCalendar
from console.services.actor import Actor, authorize
from console.services.trail import audited
from console.store import feed
from console.store.models import Setting
from console.store.upsert import insert_for

#: key → (default, description). Typed, documented, one list (see console/config.py for seat settings).
SHARED_SETTINGS: dict[str, tuple[Any, str]] = {
    "work_calendar": (WorkCalendar().to_dict(), "Work hours, weekends, holidays and make-up days"),
    "deadline_warning_share": (0.8, "Share of the time limit after which a case is 'near deadline'"),
    "city_name": ("", "Name of the city shown in the title"),
    # The grid importer (console/services/grid_import.py) checks cell codes against it.
    "grid_code_lengths": ([14, 15], "Digits a unit grid cell code may have (CJ/T 213: 14 or 15)"),
    # Alert thresholds (console/domain/alert_rules.py reads them by these keys).
    "alert_off_post_min": (10, "Minutes outside its work grid in shift before a patrol is off post (脱岗)"),
    "alert_idle_radius_m": (30, "Radius in metres within which a patrol counts as staying at one spot"),
    "alert_idle_min": (20, "Minutes within that radius in shift before a patrol is idle (窝岗)"),
    "alert_offline_min": (10, "Minutes without a position in shift before a patrol is offline"),
    "alert_leave_early_min": (30, "Last seen this many minutes before its shift ended: left early (提前退岗)"),
    "alert_hotspot_cases": (3, "Cases of one minor category in one cell that make a hotspot"),
    "alert_hotspot_hours": (6, "Hours within which those cases must be reported"),
    "alert_recurrence_days": (7, "Days after a closure in which the same problem in a cell recurs (回潮)"),
    "alert_backlog_open": (100, "More open dispatched cases than this: a department's backlog"),
    "alert_backlog_overdue": (20, "…or with more overdue cases than this"),
    "alert_escalate_min": (15, "Minutes after which an unacknowledged warning alert is escalated"),
    "alert_offline_digest_min": (5, "Offline patrols that, with the share below, make one digest alert instead of one each"),
    "alert_offline_digest_share": (0.3, "…when they are at least this share of the officers on shift"),
    "alert_offline_burst": (10, "…or when this many fell silent within the minutes below"),
    "alert_offline_burst_min": (10, "Minutes within which that many falling silent is one event"),
    # Field intake (console/services/intake.py, console/ingest/pruner.py).
    "positions_keep_days": (90, "Days of position history kept; older fixes are pruned"),
    "positions_max_speed_kmh": (300, "Faster than this between two fixes of a device: the fix is implausible and the device suspect"),
    "feed_keep_days": (7, "Days of change-feed rows kept (a seat away longer reloads in full)"),
    # The daily backup (console/services/backups.py), run by `serve`.
    "backup_folder": ("", "Folder of the daily backups; empty: 'backups' beside a SQLite file, "
                          "else in the data folder of the machine that runs serve"),
    "backup_keep": (7, "How many daily backups are kept (older ones are deleted); 0: no daily backup"),
    # The officers' phone app (console/ingest/field_app.py).
    "field_tile_url": ("", "Base map of the phone app (城管通): the console's XYZ tile address; a "
                           "file:// one is served by serve itself; empty: no base map"),
    # The centre's base map (console/services/base_map.py): every seat's map draws it unless
    # the seat has a tile address of its own.
    "map_tile_url": ("", "Base map of every seat: an XYZ tile address with {z}, {x} and {y} "
                         "(http, https or file); empty: no tiles, no network request"),
    "map_tile_subdomains": ("abc", "What {s} in the tile address stands for, in turn"),
    "map_tile_attribution": ("", "The tiles' source, shown in the map's corner"),
    # Accounts (console/services/users.py reads them by these keys).
    "password_min_length": (10, "Fewest characters a password may have"),
    "sign_in_max_failures": (5, "Failed sign-ins in a row after which the account is locked"),
    "sign_in_lockout_min": (15, "Minutes an account stays locked after too many failed sign-ins"),
    "seat_idle_lock_min": (10, "Minutes without input after which a seat locks and asks for the password"),
    # Evaluation (console/services/evaluation.py); defaults are reference/kpis.md's.
    "evaluation_weights": (default_weights(), "Composite scores: per composite, [indicator, weight %, counts as 1 − value]"),
    "evaluation_grades": (default_grades(), "Grade bands: [grade, lowest score]; a band's lower edge belongs to it"),
    "supervision_auto_overdue_hours": (24, "Hours past its deadline after which an unhandled case gets a 催办 by itself; 0: never"),
    "supervision_answer_hours": (4, "Hours a department has to answer a supervision order before it is raised a step"),
    # 核实 and the centre's own stage limits (console/domain/centre_clock.py).
    "verification_sources": (list(DEFAULT_VERIFIED_SOURCES), "Sources whose reports a patrol officer verifies on site (核实) before 立案"),
    "centre_stage_limits_min": (dict(DEFAULT_LIMITS_MIN), "Minutes the centre may take per stage (0: no limit): verify_send (受理→核实派出), verify_answer (核实应答), register (立案), dispatch (派遣), check_answer (核查应答)"),
    "centre_clock_unit": ("work_hours", "How the centre's stage limits are counted: work_hours (the work calendar) or hours (round the clock)"),
    # Responsibility disputes (console/services/disputes.py).
    "dispute_returns": (2, "Returns as not-ours after which a case is a dispute for the duty leader to rule on (执法调处)"),
    "dispute_precedent_m": (300, "Metres within which a ruling is shown as a precedent for a case of the same category"),
    # 门前三包 (console/services/frontage.py): categories by code or by name (the defaults are
    # the reference's names, so no centre's codes are written here).
    "frontage_categories": (["店外经营", "占道经营", "暴露垃圾", "乱堆物堆料"], "Categories (codes or names) whose cases name the street-front unit answering for the place"),
    "frontage_distance_m": (30, "Metres from a unit's stretch within which a case of those categories suggests it"),
    "frontage_repeat_offences": (3, "Offences of one unit within the days below that raise a repeat (回潮) alert"),
    "frontage_repeat_days": (30, "Days within which those offences are counted"),
    # 夜查 (console/domain/night_window.py): the hotspot and recurrence rules count only the
    # reports inside a category's window; the heat layer's night toggle uses them too.
    "category_time_windows": ({"露天烧烤": "19:00-06:00", "噪音扰民": "19:00-06:00", "渣土撒漏": "19:00-06:00"}, "Time-of-day windows of categories (by code or by name) that happen at night"),
    "night_window": ("19:00-06:00", "The night for the map's 'night reports only' heat"),
    "evaluation_check_hours": (4, "Hours within which a 核查 request must be answered to count as on time"),
    # Hotline follow-up (console/services/callbacks.py, console/services/callback_intake.py).
    "callback_sources": (["hotline", "public"], "Sources whose cases are called back (回访) once closed: the citizens' (hotline, public = Open311 and apps)"),
    "callback_due_hours": (24, "Hours after closure within which the citizen is called back"),
    "callback_clock": ("hours", "How the call-back time is counted: hours (round the clock, the default) or work_hours (the work calendar)"),
    "satisfaction_weight": (10, "Weight % of 满意度 (call-back satisfaction) in the department and region composites; the reference's weights share the rest; 0: not scored"),
}

#: key → (lowest, highest) a numeric setting may be; a whole-number default takes whole numbers
#: only. A threshold outside these would not fall back quietly (alert_rules.Thresholds takes any
#: positive number) but make the alerts useless: 0.1 minutes off post, a hotspot of one case.
SETTING_BOUNDS: dict[str, tuple[float, float]] = {
    "deadline_warning_share": (0.1, 0.99),
    "alert_off_post_min": (1, 240),
    "alert_idle_radius_m": (5, 1000),
    "alert_idle_min": (1, 480),
    "alert_offline_min": (1, 240),
    "alert_leave_early_min": (1, 480),
    "alert_hotspot_cases": (2, 1000),
    "alert_hotspot_hours": (1, 720),
    "alert_recurrence_days": (1, 365),
    "alert_backlog_open": (1, 100_000),
    "alert_backlog_overdue": (1, 100_000),
    "alert_escalate_min": (1, 1440),
    "alert_offline_digest_min": (2, 10_000),
    "alert_offline_digest_share": (0.01, 1.0),
    "alert_offline_burst": (2, 10_000),
    "alert_offline_burst_min": (1, 240),
}


def valid_tile_url(url: str) -> bool:
    """An XYZ template: http(s) or file, with {z}, {x} and {y} in it (or empty: no tiles)."""
    url = url.strip()
    if not url:
        return True
    return url.startswith(("http://", "https://", "file://")) and all(
        part in url for part in ("{z}", "{x}", "{y}"))


def _in_bounds(key: str, value: float, default: Any) -> float:
    """A bounded number within its bounds (a whole one for a count); DomainError otherwise."""
    low, high = SETTING_BOUNDS[key]
    if math.isnan(value):
        raise DomainError("bad_setting", key=key)
    if not (low <= value <= high):          # infinities end here too
        raise DomainError("setting_out_of_range", key=key, value=str(value)[:40], low=low,
                          high=high)
    if isinstance(default, int):
        if not float(value).is_integer():
            raise DomainError("bad_setting", key=key)
        return int(value)
    return value


def get_setting(session: Session, key: str) -> Any:
    """The stored value of a shared setting, or its default."""
    default = SHARED_SETTINGS[key][0]
    row = session.get(Setting, key)
    return default if row is None else row.value.get("v", default)


def checked_value(key: str, value: Any) -> Any:
    """`value` with every text in it normalised, if it is the kind of value `key` holds and
    fits the limits; DomainError (unknown_setting, bad_setting, a text limit) if not."""
    if key not in SHARED_SETTINGS:
        raise DomainError("unknown_setting", key=str(key)[:64])
    default = SHARED_SETTINGS[key][0]
    numeric = (int, float)
    if isinstance(value, bool) or not (isinstance(value, type(default)) or (
            isinstance(default, numeric) and isinstance(value, numeric))):
        raise DomainError("bad_setting", key=key)
    if key in SETTING_BOUNDS:
        value = _in_bounds(key, value, default)
    if key == "map_tile_url" and not valid_tile_url(value):
        raise DomainError("bad_tile_url", url=value[:80])
    items = 0

    def walk(v: Any) -> Any:
        nonlocal items
        items += 1
        if items > COUNT_LIMITS["setting_items"]:
            raise DomainError("too_many_items", field="setting", limit=COUNT_LIMITS["setting_items"])
        if isinstance(v, str):
            return check_text("setting", v)
        if isinstance(v, dict):
            return {check_text("setting", k): walk(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [walk(x) for x in v]
        if v is None or isinstance(v, (bool, int)) or (isinstance(v, float) and v == v
                                                         and abs(v) != float("inf")):
            return v
        raise DomainError("bad_setting", key=key)
    return walk(value)


def set_setting(session: Session, actor: Actor, key: str, value: Any, at: datetime) -> None:
    """Store a shared setting as `actor`, tell every seat through the feed and record who
    changed it in the audit trail."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    value = checked_value(key, value)
    # One upsert: two seats setting a key for the first time at once must not collide.
    stmt = insert_for(session, Setting).values(key=key, value={"v": value}, updated_at=at,
                                                updated_by=actor.user_id)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[Setting.key],
        set_={"value": stmt.excluded.value, "updated_at": at, "updated_by": actor.user_id}))
    session.get(Setting, key, populate_existing=True)   # a Setting the session holds sees it
    audited(session, actor, ChangeKind.SETTINGS, key, ChangeAction.CHANGED, at,
            {"key": key, "value": value})
    feed.record(session, ChangeKind.SETTINGS, None, ChangeAction.CHANGED, at,
                {"key": key, "by": actor.name})


def work_calendar(session: Session) -> WorkCalendar:
    """The city's work calendar."""
    return WorkCalendar.from_dict(get_setting(session, "work_calendar"))


def verification_sources(session: Session) -> frozenset[str]:
    """The sources whose reports are verified on site before 立案."""
    value = get_setting(session, "verification_sources")
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def centre_clock(session: Session) -> CentreClock:
    """The centre's stage limits in the city's calendar."""
    share = get_setting(session, "deadline_warning_share")
    share = float(share) if isinstance(share, (int, float)) and 0 < share < 1 else 0.8
    return CentreClock(work_calendar(session),
                       limits_from_setting(get_setting(session, "centre_stage_limits_min")),
                       share, get_setting(session, "centre_clock_unit") == "hours")
