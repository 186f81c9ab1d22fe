"""Words for codes: refused actions and unusable databases as sentences, and names of statuses etc.

The domain and the store raise codes with parameters; only this module turns them into language.
It needs no widgets, so the command line uses it too (with a bare QCoreApplication).
"""
from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

# Faults are told from refusals and logged where every background failure passes: the runner.
from console.live.tasks import is_connection_lost, is_refusal, log_fault  # noqa: F401 — for the views

# QT_TRANSLATE_NOOP marks a source string for lupdate (which needs that literal name); the
# text is translated when used.

ERROR_TEXTS: dict[str, str] = {
    # --- refused actions (console.domain.errors.DomainError) ---
    "stale_version": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} was changed by someone else while you had it open. Reload it "
                  "and try again."),
    "action_not_allowed_in_state": QT_TRANSLATE_NOOP(
        "Errors", "“{action}” is not possible while the case is “{status}”."),
    "role_not_allowed": QT_TRANSLATE_NOOP(
        "Errors", "The role “{role}” may not perform “{action}”."),
    "reason_required": QT_TRANSLATE_NOOP("Errors", "“{action}” needs a reason."),
    "note_required": QT_TRANSLATE_NOOP("Errors", "Write the note first."),
    "department_required": QT_TRANSLATE_NOOP(
        "Errors", "Choose the department that is to handle the case."),
    "deadline_required": QT_TRANSLATE_NOOP("Errors", "“{action}” needs a deadline."),
    "deadline_in_past": QT_TRANSLATE_NOOP(
        "Errors", "The deadline {deadline} has already passed; choose a later time."),
    "patrol_required": QT_TRANSLATE_NOOP(
        "Errors", "Choose the patrol officer who is to check the result."),
    "verification_required": QT_TRANSLATE_NOOP(
        "Errors", "Reports from this source are verified on site before registration: send it "
                  "to a patrol officer for verification first."),
    "extension_already_requested": QT_TRANSLATE_NOOP(
        "Errors", "An extension has already been requested for this case and awaits a decision."),
    "extension_not_later": QT_TRANSLATE_NOOP(
        "Errors", "The new deadline must be later than the current one ({deadline})."),
    "extension_not_requested": QT_TRANSLATE_NOOP(
        "Errors", "No extension has been requested for this case."),
    "unknown_action": QT_TRANSLATE_NOOP("Errors", "Unknown action “{action}”."),
    "unknown_category": QT_TRANSLATE_NOOP(
        "Errors", "There is no active case category with code {code}."),
    "unknown_source": QT_TRANSLATE_NOOP("Errors", "Unknown case source “{source}”."),
    "bad_phone": QT_TRANSLATE_NOOP("Errors", "“{phone}” is not a valid phone number."),
    "location_required": QT_TRANSLATE_NOOP(
        "Errors", "Give the location: a point on the map or a grid cell code."),
    "location_outside_city": QT_TRANSLATE_NOOP(
        "Errors", "The point ({lon}, {lat}) lies outside every grid cell of the city."),
    "unknown_cell": QT_TRANSLATE_NOOP("Errors", "There is no grid cell with code {code}."),
    "idempotency_key_reused": QT_TRANSLATE_NOOP(
        "Errors", "The idempotency key {key} was already used for a different submission; "
                  "a new submission needs a new key."),
    "cell_retired": QT_TRANSLATE_NOOP(
        "Errors", "The grid cell {code} was retired by a grid import; choose a cell of the "
                  "current grid."),
    "bad_coordinates": QT_TRANSLATE_NOOP(
        "Errors", "The coordinates ({lon}, {lat}) are not valid."),
    "text_too_long": QT_TRANSLATE_NOOP(
        "Errors", "The {field} is too long: at most {limit} characters."),
    "unknown_user": QT_TRANSLATE_NOOP("Errors", "There is no active user named “{username}”."),
    "no_users": QT_TRANSLATE_NOOP(
        "Errors", "This database has no active user yet; an administrator must create one."),
    "user_inactive": QT_TRANSLATE_NOOP(
        "Errors", "The account “{username}” is no longer active; sign in again."),
    "sign_in_failed": QT_TRANSLATE_NOOP(
        "Errors", "The user name or the password is wrong."),
    "account_locked": QT_TRANSLATE_NOOP(
        "Errors", "Too many failed sign-ins: the account is locked for {minutes} more minutes."),
    "wrong_password": QT_TRANSLATE_NOOP("Errors", "The current password is wrong."),
    "password_too_short": QT_TRANSLATE_NOOP(
        "Errors", "The password must have at least {minimum} characters."),
    "password_contains_username": QT_TRANSLATE_NOOP(
        "Errors", "The password must not contain the user name."),
    "passwords_differ": QT_TRANSLATE_NOOP("Errors", "The two passwords are not the same."),
    "demo_only": QT_TRANSLATE_NOOP(
        "Errors", "Signing in without a password is possible only in the demo city."),
    "administrator_exists": QT_TRANSLATE_NOOP(
        "Errors", "This database already has an administrator; sign in instead."),
    "username_taken": QT_TRANSLATE_NOOP("Errors", "The user name “{username}” is taken."),
    "bad_username": QT_TRANSLATE_NOOP(
        "Errors", "Give a user name without spaces."),
    "bad_role": QT_TRANSLATE_NOOP("Errors", "“{role}” is not a role an account can hold."),
    "last_administrator": QT_TRANSLATE_NOOP(
        "Errors", "This is the last active administrator; make another one first."),
    "not_found": QT_TRANSLATE_NOOP(
        "Errors", "The {what} {key} does not exist (it may have been deleted)."),
    "unknown_device": QT_TRANSLATE_NOOP(
        "Errors", "Device “{device}” is not registered or is disabled."),
    "bad_battery": QT_TRANSLATE_NOOP("Errors", "Battery level {battery} is outside 0–100."),
    "duplicate_report": QT_TRANSLATE_NOOP(
        "Errors", "This report (reference {external_id}) has already been received."),
    "category_changed": QT_TRANSLATE_NOOP(
        "Errors", "Class {code} “{name}” was changed at another seat since you opened it: your "
        "changes were not saved. Look at it again and make them anew."),
    "frontage_unit_changed": QT_TRANSLATE_NOOP(
        "Errors", "“{name}” was changed at another seat since you opened it: your changes were "
        "not saved. Look at the unit again and make them anew."),
    "form_already_saved": QT_TRANSLATE_NOOP(
        "Errors", "This form was already saved as case {number} (the answer to that save was "
        "lost); the changes made since were not saved. Open case {number} to change it."),
    "text_bad_character": QT_TRANSLATE_NOOP(
        "Errors", "The {field} contains a character that cannot be stored ({character}): remove "
                  "it and try again."),
    "not_text": QT_TRANSLATE_NOOP("Errors", "The {field} must be text."),
    "text_required": QT_TRANSLATE_NOOP("Errors", "Fill in the {field}."),
    "bad_shift": QT_TRANSLATE_NOOP(
        "Errors", "{shift} is not a shift: weekdays 0–6 (Monday is 0), start and end as HH:MM."),
    "bad_time_limit": QT_TRANSLATE_NOOP(
        "Errors", "“{limit} {unit}” is not a time limit: more than 0 and at most {most}, in work "
                  "hours, work days or hours."),
    "department_name_taken": QT_TRANSLATE_NOOP(
        "Errors", "There is already a department named “{name}”."),
    "not_a_list": QT_TRANSLATE_NOOP("Errors", "The {field} must be a list."),
    "too_many_items": QT_TRANSLATE_NOOP("Errors", "Too many {field}: at most {limit}."),
    "department_retired": QT_TRANSLATE_NOOP(
        "Errors", "The department “{name}” no longer receives cases; choose another one."),
    "unknown_setting": QT_TRANSLATE_NOOP("Errors", "There is no shared setting “{key}”."),
    "setting_out_of_range": QT_TRANSLATE_NOOP(
        "Errors", "“{value}” is outside the range of “{key}”: from {low} to {high}."),
    "bad_tile_url": QT_TRANSLATE_NOOP(
        "Errors", "“{url}” is not a tile address: it must start with http://, https:// or "
                  "file:// and hold the z, x and y placeholders in braces."),
    # --- the category catalogue (console/services/categories.py) ---
    "category_name_required": QT_TRANSLATE_NOOP("Errors", "Give the category a name."),
    "category_name_taken": QT_TRANSLATE_NOOP(
        "Errors", "“{name}” is already the name of category {code} beside it; choose another."),
    "category_codes_exhausted": QT_TRANSLATE_NOOP(
        "Errors", "No free code is left for a local category here (99 at most per class)."),
    "bad_category_kind": QT_TRANSLATE_NOOP(
        "Errors", "“{kind}” is not a kind of category: component (部件) or event (事件)."),
    "category_too_deep": QT_TRANSLATE_NOOP(
        "Errors", "Category {code} is already a third-level class (细类); add beside it instead."),
    "category_retired": QT_TRANSLATE_NOOP(
        "Errors", "Category {code} {name} is retired; reinstate it first."),
    "category_parent_retired": QT_TRANSLATE_NOOP(
        "Errors", "Category {code} cannot come back while its class {parent} is retired; "
                  "reinstate {parent} first."),
    "bad_setting": QT_TRANSLATE_NOOP(
        "Errors", "That value does not fit the setting “{key}”."),
    "not_your_department": QT_TRANSLATE_NOOP(
        "Errors", "Case {number} was dispatched to another department; only that department "
                  "may act on it."),
    "campaign_closed": QT_TRANSLATE_NOOP(
        "Errors", "The campaign “{name}” is closed; its figures are kept as they were."),
    "campaign_no_name": QT_TRANSLATE_NOOP("Errors", "Give the campaign a name."),
    "campaign_bad_period": QT_TRANSLATE_NOOP(
        "Errors", "A campaign must end after it begins."),
    "campaign_bad_kind": QT_TRANSLATE_NOOP("Errors", "“{kind}” is not a kind of campaign."),
    "campaign_no_scope": QT_TRANSLATE_NOOP(
        "Errors", "Choose the campaign's area: streets, communities or a drawn polygon."),
    "campaign_bad_target": QT_TRANSLATE_NOOP(
        "Errors", "The campaign target “{target}” does not hold a usable value."),
    "campaign_bad_polygon": QT_TRANSLATE_NOOP(
        "Errors", "The drawn area is not a valid polygon."),
    "supervision_subject": QT_TRANSLATE_NOOP(
        "Errors", "A supervision order is about one case or one department."),
    "supervision_bad_level": QT_TRANSLATE_NOOP(
        "Errors", "Supervision levels are 1 (催办), 2 (督办) and 3 (挂牌督办)."),
    "supervision_open": QT_TRANSLATE_NOOP(
        "Errors", "A supervision order at level {level} is already open on this; raise it a step "
                  "or close it first."),
    "supervision_closed": QT_TRANSLATE_NOOP("Errors", "This supervision order is already closed."),
    "supervision_not_yours": QT_TRANSLATE_NOOP(
        "Errors", "This supervision order is addressed to another department."),
    "supervision_promise_past": QT_TRANSLATE_NOOP(
        "Errors", "The promised time {promised} has already passed; choose a later time."),
    # --- unusable databases (console.store.database.DatabaseOpenError) ---
    "db_dir_missing": QT_TRANSLATE_NOOP(
        "Errors", "The folder {path} does not exist, so no database can be created there."),
    "db_dir_not_writable": QT_TRANSLATE_NOOP(
        "Errors", "The folder {path} is not writable, so no database can be created there."),
    "db_is_directory": QT_TRANSLATE_NOOP("Errors", "{path} is a folder, not a database file."),
    "db_unreadable": QT_TRANSLATE_NOOP(
        "Errors", "The database file {path} cannot be read and written; check its permissions."),
    "db_not_sqlite": QT_TRANSLATE_NOOP(
        "Errors", "{path} is not a SQLite database. The file was left untouched."),
    "db_corrupt": QT_TRANSLATE_NOOP(
        "Errors", "The database file {path} is damaged ({detail}). The file was left untouched; "
                  "restore it from a backup."),
    "db_folder_read_only": QT_TRANSLATE_NOOP(
        "Errors", "The database {path} cannot be opened because its folder {folder} is not "
                  "writable (the database keeps working files beside it). The file was left "
                  "untouched; make the folder writable or move the file to a writable folder."),
    "db_schema_unreadable": QT_TRANSLATE_NOOP(
        "Errors", "The schema version recorded in the database {path} cannot be read "
                  "({detail}). The database was left untouched; ask an administrator to check "
                  "it."),
    "db_locked": QT_TRANSLATE_NOOP(
        "Errors", "The database {path} is locked by another program. Close that program and try "
                  "again."),
    "db_schema_newer": QT_TRANSLATE_NOOP(
        "Errors", "The database {path} was written by a newer version of the console (schema "
                  "{revision}). Update this console."),
    "db_not_ours": QT_TRANSLATE_NOOP(
        "Errors", "The database {url} already holds another application's tables. It was left "
                  "untouched."),
    "db_bad_url": QT_TRANSLATE_NOOP("Errors", "“{url}” is not a valid database address."),
    "db_driver_missing": QT_TRANSLATE_NOOP(
        "Errors", "The database driver for {url} is not installed ({detail})."),
    "db_unreachable": QT_TRANSLATE_NOOP(
        "Errors", "The database {url} cannot be reached: {detail}"),
    "db_lock_timeout": QT_TRANSLATE_NOOP(
        "Errors", "Someone else is changing the same records and did not finish within {seconds} "
                  "seconds. Nothing was saved; try again in a moment."),
    "db_statement_timeout": QT_TRANSLATE_NOOP(
        "Errors", "The database did not answer within {seconds} seconds, so the request was "
                  "stopped. Nothing was saved; try again, or narrow the request."),
}
_UNKNOWN_DOMAIN = QT_TRANSLATE_NOOP("Errors", "The action was refused (reason code: {code}).")
_UNKNOWN_DATABASE = QT_TRANSLATE_NOOP(
    "Errors", "The database cannot be used (reason code: {code}).")
_FAULT = QT_TRANSLATE_NOOP(
    "Errors", "Something unexpected went wrong and nothing was saved. What you entered is kept; "
              "the details are in the log.")
_GONE = QT_TRANSLATE_NOOP(
    "Errors", "The connection to the database was lost, so this may not have been saved. What you "
              "entered is kept: try again when the connection is back.")
_BUSY = QT_TRANSLATE_NOOP(
    "Errors", "The database is held by another program (or a long write of another seat), so "
              "nothing was saved. What you entered is kept: try again in a moment.")


class Names(dict):
    """Codes → English source names, with the translation context of the whole table.

    Each table has its own context because one English word may need two Chinese ones
    ("Patrol officer" is 监督员 as a role but 监督员上报 as a source)."""

    def __init__(self, context: str, names: dict[str, str]) -> None:
        super().__init__(names)
        self.context = context


STATUS_NAMES = Names("Statuses", {
    "reported": QT_TRANSLATE_NOOP("Statuses", "Reported"),
    "verifying": QT_TRANSLATE_NOOP("Statuses", "Being verified"),
    "verified": QT_TRANSLATE_NOOP("Statuses", "Verified"),
    "registered": QT_TRANSLATE_NOOP("Statuses", "Registered"),
    "rejected": QT_TRANSLATE_NOOP("Statuses", "Rejected"),
    "dispatched": QT_TRANSLATE_NOOP("Statuses", "Dispatched"),
    "handled": QT_TRANSLATE_NOOP("Statuses", "Handled"),
    "checking": QT_TRANSLATE_NOOP("Statuses", "Being checked"),
    "closed": QT_TRANSLATE_NOOP("Statuses", "Closed"),
    "parked": QT_TRANSLATE_NOOP("Statuses", "Parked"),
    "cancelled": QT_TRANSLATE_NOOP("Statuses", "Cancelled"),
})
ACTION_NAMES = Names("Actions", {
    "report": QT_TRANSLATE_NOOP("Actions", "Report"),
    "request_verify": QT_TRANSLATE_NOOP("Actions", "Send for verification"),
    "confirm": QT_TRANSLATE_NOOP("Actions", "Verified: true"),
    "refute": QT_TRANSLATE_NOOP("Actions", "Verified: not true"),
    "register": QT_TRANSLATE_NOOP("Actions", "Register"),
    "reject": QT_TRANSLATE_NOOP("Actions", "Reject"),
    "dispatch": QT_TRANSLATE_NOOP("Actions", "Dispatch"),
    "return": QT_TRANSLATE_NOOP("Actions", "Return to dispatcher"),
    "request_extension": QT_TRANSLATE_NOOP("Actions", "Request extension"),
    "approve_extension": QT_TRANSLATE_NOOP("Actions", "Approve extension"),
    "deny_extension": QT_TRANSLATE_NOOP("Actions", "Deny extension"),
    "mark_handled": QT_TRANSLATE_NOOP("Actions", "Mark handled"),
    "request_check": QT_TRANSLATE_NOOP("Actions", "Request check"),
    "close": QT_TRANSLATE_NOOP("Actions", "Close"),
    "rework": QT_TRANSLATE_NOOP("Actions", "Send back for rework"),
    "reopen": QT_TRANSLATE_NOOP("Actions", "Reopen for rework"),
    "park": QT_TRANSLATE_NOOP("Actions", "Park"),
    "resume": QT_TRANSLATE_NOOP("Actions", "Resume"),
    "cancel": QT_TRANSLATE_NOOP("Actions", "Cancel case"),
    "add_note": QT_TRANSLATE_NOOP("Actions", "Add note"),
    # the rest of the permission table (console/domain/permissions.py)
    "alert.acknowledge": QT_TRANSLATE_NOOP("Actions", "Acknowledge alerts"),
    "alert.escalate": QT_TRANSLATE_NOOP("Actions", "Escalate alerts"),
    "roster.edit": QT_TRANSLATE_NOOP("Actions", "Edit the roster and catalogues"),
    "campaign.edit": QT_TRANSLATE_NOOP("Actions", "Edit campaigns"),
    "settings.edit": QT_TRANSLATE_NOOP("Actions", "Change shared settings"),
    "users.manage": QT_TRANSLATE_NOOP("Actions", "Manage users"),
    "password.change_own": QT_TRANSLATE_NOOP("Actions", "Change one's own password"),
    "hotline.call": QT_TRANSLATE_NOOP("Actions", "Take hotline calls and call citizens back"),
    "caller_phone.see": QT_TRANSLATE_NOOP("Actions", "See callers' phone numbers in full"),
})
ROLE_NAMES = Names("Roles", {
    "dispatcher": QT_TRANSLATE_NOOP("Roles", "Dispatcher"),
    "leader": QT_TRANSLATE_NOOP("Roles", "Duty leader"),
    "department": QT_TRANSLATE_NOOP("Roles", "Department"),
    "patrol": QT_TRANSLATE_NOOP("Roles", "Patrol officer"),
    "admin": QT_TRANSLATE_NOOP("Roles", "Administrator"),
    "viewer": QT_TRANSLATE_NOOP("Roles", "Viewer (read-only)"),
    "system": QT_TRANSLATE_NOOP("Roles", "System"),
})
SOURCE_NAMES = Names("Sources", {
    "patrol": QT_TRANSLATE_NOOP("Sources", "Patrol officer"),
    "hotline": QT_TRANSLATE_NOOP("Sources", "Hotline"),
    "video": QT_TRANSLATE_NOOP("Sources", "Video surveillance"),
    "leader": QT_TRANSLATE_NOOP("Sources", "Leader's instruction"),
    "public": QT_TRANSLATE_NOOP("Sources", "Public report"),
    "sensor": QT_TRANSLATE_NOOP("Sources", "Sensor"),
})
# The queue stages of the case queues dock (not statuses: 待核查 is two statuses, 超期 none).
STAGE_NAMES = Names("Stages", {
    "reported": QT_TRANSLATE_NOOP("Stages", "To accept"),
    "verifying": QT_TRANSLATE_NOOP("Stages", "To verify"),
    "registered": QT_TRANSLATE_NOOP("Stages", "To dispatch"),
    "dispatched": QT_TRANSLATE_NOOP("Stages", "In progress"),
    "checking": QT_TRANSLATE_NOOP("Stages", "To check"),
    "overdue": QT_TRANSLATE_NOOP("Stages", "Overdue"),
    "closed_today": QT_TRANSLATE_NOOP("Stages", "Closed today"),
})
# The centre's own stage limits (console/domain/centre_clock.py).
CENTRE_STAGE_NAMES = Names("CentreStages", {
    "verify_send": QT_TRANSLATE_NOOP("CentreStages", "Sending for verification"),
    "verify_answer": QT_TRANSLATE_NOOP("CentreStages", "Verification answer"),
    "register": QT_TRANSLATE_NOOP("CentreStages", "Registration"),
    "dispatch": QT_TRANSLATE_NOOP("CentreStages", "Dispatch"),
    "check_answer": QT_TRANSLATE_NOOP("CentreStages", "Check answer"),
})
SEVERITY_NAMES = Names("Severities", {
    "info": QT_TRANSLATE_NOOP("Severities", "Info"),
    "warning": QT_TRANSLATE_NOOP("Severities", "Warning"),
    "critical": QT_TRANSLATE_NOOP("Severities", "Critical"),
})
# Stages `console.sim.demo.build_demo` reports while it builds the demo city.
BUILD_STAGE_NAMES = Names("DemoBuild", {
    "city": QT_TRANSLATE_NOOP("DemoBuild", "Laying out the city and its unit grid"),
    "cells": QT_TRANSLATE_NOOP("DemoBuild", "Unit grid cells"),
    "people": QT_TRANSLATE_NOOP("DemoBuild", "Departments, users, patrol officers and devices"),
    "patrols": QT_TRANSLATE_NOOP("DemoBuild", "Patrol officers and devices"),
    "history": QT_TRANSLATE_NOOP("DemoBuild", "Case history"),
    "done": QT_TRANSLATE_NOOP("DemoBuild", "Done"),
})
_FIELD_NAMES = Names("Fields", {
    "description": QT_TRANSLATE_NOOP("Fields", "description"),
    "address": QT_TRANSLATE_NOOP("Fields", "address"),
    "reporter_name": QT_TRANSLATE_NOOP("Fields", "caller's name"),
    "reporter_phone": QT_TRANSLATE_NOOP("Fields", "phone number"),
    "external_id": QT_TRANSLATE_NOOP("Fields", "report reference"),
    "photo": QT_TRANSLATE_NOOP("Fields", "photo reference"),
    "photos": QT_TRANSLATE_NOOP("Fields", "photos"),
    "note": QT_TRANSLATE_NOOP("Fields", "note"),
    "reason": QT_TRANSLATE_NOOP("Fields", "reason"),
    "search": QT_TRANSLATE_NOOP("Fields", "search text"),
    "category_code": QT_TRANSLATE_NOOP("Fields", "category code"),
    "cell_code": QT_TRANSLATE_NOOP("Fields", "grid cell code"),
    "setting": QT_TRANSLATE_NOOP("Fields", "setting"),
    "username": QT_TRANSLATE_NOOP("Fields", "user name"),
    "display_name": QT_TRANSLATE_NOOP("Fields", "name"),
    "password": QT_TRANSLATE_NOOP("Fields", "password"),
    "alert_note": QT_TRANSLATE_NOOP("Fields", "acknowledgement note"),
    "device_id": QT_TRANSLATE_NOOP("Fields", "device id"),
    "officer_code": QT_TRANSLATE_NOOP("Fields", "patrol officer code"),
    "department_name": QT_TRANSLATE_NOOP("Fields", "department name"),
    "request_id": QT_TRANSLATE_NOOP("Fields", "request number"),
    "shifts": QT_TRANSLATE_NOOP("Fields", "shifts"),
    "assisting": QT_TRANSLATE_NOOP("Fields", "assisting departments"),
    "campaign_name": QT_TRANSLATE_NOOP("Fields", "campaign name"),
    "category_name": QT_TRANSLATE_NOOP("Fields", "category name"),
})
_THING_NAMES = Names("Things", {
    "case": QT_TRANSLATE_NOOP("Things", "case"),
    "department": QT_TRANSLATE_NOOP("Things", "department"),
    "patrol": QT_TRANSLATE_NOOP("Things", "patrol officer"),
    "user": QT_TRANSLATE_NOOP("Things", "user"),
    "device": QT_TRANSLATE_NOOP("Things", "device"),
    "alert": QT_TRANSLATE_NOOP("Things", "alert"),
    "category": QT_TRANSLATE_NOOP("Things", "category"),
    "cell": QT_TRANSLATE_NOOP("Things", "grid cell"),
    "campaign": QT_TRANSLATE_NOOP("Things", "campaign"),
    "supervision_order": QT_TRANSLATE_NOOP("Things", "supervision order"),
    "callback": QT_TRANSLATE_NOOP("Things", "call-back"),
})


def register_error_texts(texts: dict[str, str]) -> None:
    """Let a feature add sentences for its own codes (marked with QT_TRANSLATE_NOOP("Errors", …))."""
    clash = {code for code, text in texts.items() if ERROR_TEXTS.get(code, text) != text}
    if clash:
        raise ValueError(f"error codes already worded differently: {sorted(clash)}")
    ERROR_TEXTS.update(texts)


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def _name(table: Names, code: Any) -> str:
    """The translated name of a code; an unknown code is shown as it is, never hidden."""
    text = table.get(str(code))
    return _tr(table.context, text) if text else str(code)


def status_name(code: str) -> str:
    return _name(STATUS_NAMES, code)


SUPERVISION_LEVEL_NAMES = Names("Supervision", {
    "1": QT_TRANSLATE_NOOP("Supervision", "催办 (reminder)"),
    "2": QT_TRANSLATE_NOOP("Supervision", "督办 (supervision)"),
    "3": QT_TRANSLATE_NOOP("Supervision", "挂牌督办 (listed supervision)"),
})


def supervision_level_name(level: int) -> str:
    """催办 / 督办 / 挂牌督办 (services/supervision.LEVELS) in the seat's language."""
    return _name(SUPERVISION_LEVEL_NAMES, level)


def action_name(code: str) -> str:
    return _name(ACTION_NAMES, code)


def role_name(code: str) -> str:
    return _name(ROLE_NAMES, code)


def source_name(code: str) -> str:
    return _name(SOURCE_NAMES, code)


def stage_name(code: str) -> str:
    return _name(STAGE_NAMES, code)


def centre_stage_name(code: str) -> str:
    return _name(CENTRE_STAGE_NAMES, code)


def severity_name(code: str) -> str:
    return _name(SEVERITY_NAMES, code)


def build_stage_name(code: str) -> str:
    return _name(BUILD_STAGE_NAMES, code)


class _Params(dict):
    """Format parameters where a missing one reads as an ellipsis instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "…"


# Parameters that are themselves codes get their translated names in the sentence.
_PARAM_NAMES = {"action": ACTION_NAMES, "status": STATUS_NAMES, "role": ROLE_NAMES,
                "field": _FIELD_NAMES, "what": _THING_NAMES}


def describe_error_headless(exc: BaseException, lang: str) -> str:
    """describe_error for the command line: loads the translators into a QCoreApplication."""
    from PySide6.QtCore import QCoreApplication

    from console.common.i18n import install_translators
    app = QCoreApplication.instance() or QCoreApplication(["city-console"])
    install_translators(app, lang)
    return describe_error(exc)




#: PostgreSQL SQLSTATEs of a write that lost to another one and may simply be tried again:
#: serialization failure, deadlock, lock not available.
_PG_RETRY = frozenset({"40001", "40P01", "55P03"})


def is_busy(exc: BaseException) -> bool:
    """The database was held by someone else beyond the wait, or could not be reached: try
    again (the form that failed keeps what was entered)."""
    if is_connection_lost(exc):
        return True
    # A SQLAlchemy DBAPIError wraps the driver's error as `.orig` (widgets import no SQLAlchemy).
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    return getattr(orig, "pgcode", None) in _PG_RETRY


def describe_error(exc: BaseException) -> str:
    """A translated sentence for a refusal (DomainError, DatabaseOpenError), a busy database,
    or — for any other exception — a plain sentence that sends the details to the log."""
    if not is_refusal(exc):
        if is_connection_lost(exc):
            return _tr("Errors", _GONE)
        return _tr("Errors", _BUSY if is_busy(exc) else _FAULT)
    code, params = exc.code, exc.params
    values = _Params({k: (_name(_PARAM_NAMES[k], v) if k in _PARAM_NAMES else v)
                      for k, v in params.items()})
    values.setdefault("code", code)
    template = ERROR_TEXTS.get(code)
    if template is None:
        template = _UNKNOWN_DATABASE if code.startswith("db_") else _UNKNOWN_DOMAIN
        values["code"] = code
    try:
        return _tr("Errors", template).format_map(values)
    except (ValueError, IndexError):   # a translation with a broken placeholder
        return _tr("Errors", _UNKNOWN_DOMAIN).format(code=code)
