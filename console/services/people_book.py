"""The organisation workbook: its sheets and columns (one definition for export and import),
and a filled-in workbook read into typed rows, every cell checked where it stands.

What needs the database (does the department exist, is the work grid known) is judged by
console/services/people_import.py; here only the file itself is judged: types, texts,
choices, duplicate keys within a sheet, a schedule whose shifts overlap.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, Callable

from console.domain.errors import DomainError
from console.domain.limits import COUNT_LIMITS, check_text
from console.domain.roles import USER_ROLES, Role
from console.services.cases import validate_phone
from console.services.devices import check_unique_id
from console.services.workbook import FORMULA, Problem, cell_text, read_sheets


@dataclass(frozen=True)
class Column:
    key: str
    title: str          # the Chinese title shown before the key in the header cell
    note: str           # the header cell's comment
    required: bool = False
    choices: str | None = None     # a list on the choices sheet: roles, departments, yes_no


YES_NO = ("yes", "no")
_YES = {"yes", "y", "true", "1", "是", "启用", "在岗"}
_NO = {"no", "n", "false", "0", "否", "停用", "离岗"}
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")
_WEEKDAYS = re.compile(r"^[0-6]{1,7}$")
USER_ROLE_CHOICES = tuple(sorted(r.value for r in USER_ROLES))

ACTIVE = Column("active", "启用", "yes / no (是 / 否). Empty: yes.", choices="yes_no")
SHEETS: dict[str, tuple[Column, ...]] = {
    "departments": (
        Column("name", "部门名称", "The department's name; its key: rows are matched by it.", True),
        Column("phone", "电话", "Duty phone, digits and - + ( ) only."),
        ACTIVE,
    ),
    "users": (
        Column("username", "用户名", "Sign-in name without spaces; the account's key.", True),
        Column("display_name", "姓名", "The name shown in the console."),
        Column("role", "角色", "dispatcher, leader, department, patrol, admin or viewer.", True,
               "roles"),
        Column("department", "所属部门", "Only for role department: the department's name.",
               choices="departments"),
        ACTIVE,
    ),
    "officers": (
        Column("code", "编号", "The patrol officer's code; the key.", True),
        Column("name", "姓名", "The officer's name.", True),
        Column("phone", "电话", "Mobile phone."),
        Column("work_grid", "责任网格", "Code of the work grid the officer patrols."),
        Column("username", "账号", "The officer's user name in the users sheet (optional)."),
        ACTIVE,
    ),
    "devices": (
        Column("device_id", "终端标识", "The phone's identifier in Traccar Client / OsmAnd, "
                                      "exactly as the phone sends it; the key.", True),
        Column("officer", "巡查员编号", "Code of the officer who carries it."),
        ACTIVE,
    ),
    "shifts": (
        Column("officer", "巡查员编号", "Code of the officer. The rows of an officer are the "
                                      "whole schedule: an officer in the officers sheet "
                                      "without rows here has no shifts.", True),
        Column("weekdays", "星期", "Days the shift starts on, as text: 0 = Monday … 6 = "
                                 "Sunday, e.g. 01234.", True),
        Column("start", "开始", "HH:MM", True),
        Column("end", "结束", "HH:MM; earlier than the start: the shift ends the next day "
                            "(夜查).", True),
    ),
}


@dataclass(frozen=True)
class DepartmentRow:
    row: int
    name: str
    phone: str | None
    active: bool


@dataclass(frozen=True)
class UserRow:
    row: int
    username: str
    display_name: str
    role: str
    department: str | None
    active: bool


@dataclass(frozen=True)
class OfficerRow:
    row: int
    code: str
    name: str
    phone: str | None
    work_grid: str | None
    username: str | None
    active: bool


@dataclass(frozen=True)
class DeviceRow:
    row: int
    device_id: str
    officer: str | None
    active: bool


@dataclass(frozen=True)
class ShiftRow:
    row: int
    officer: str
    weekdays: str
    start: str
    end: str


@dataclass
class PeopleBook:
    departments: list[DepartmentRow]
    users: list[UserRow]
    officers: list[OfficerRow]
    devices: list[DeviceRow]
    shifts: list[ShiftRow]
    #: sheet → column key → the column's letter in this workbook (problems point at cells)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)


# --- one cell ---------------------------------------------------------------------------------

def _text(field: str, *, required: bool = False) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)   # a code or a name typed as a number is still that text
        text = check_text(field, value, optional=True)
        if required and not text:
            raise DomainError("text_required", field=field)
        return text
    return parse


def _phone(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return validate_phone(value)


def _active(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise DomainError("cell_not_yes_no")


def _role(value: Any) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if text not in USER_ROLE_CHOICES:
        raise DomainError("bad_role", role=cell_text(value)[:32])
    return text


def _weekdays(value: Any) -> str:
    if not isinstance(value, str) or not _WEEKDAYS.fullmatch(value.strip()) \
            or len(set(value.strip())) != len(value.strip()):
        # A number (01234 typed into a number cell reads 1234: Monday lost) is refused too.
        raise DomainError("cell_bad_weekdays")
    return "".join(sorted(value.strip()))


def _clock(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise DomainError("cell_bad_time")
        return value.strftime("%H:%M")
    m = _HHMM.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        raise DomainError("cell_bad_time")
    return f"{int(m[1]):02d}:{m[2]}"


_PARSERS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "departments": {"name": _text("department_name", required=True), "phone": _phone,
                    "active": _active},
    "users": {"username": _text("username", required=True),
              "display_name": _text("display_name"), "role": _role,
              "department": _text("department_name"), "active": _active},
    "officers": {"code": _text("officer_code", required=True),
                 "name": _text("display_name", required=True), "phone": _phone,
                 "work_grid": _text("officer_code"), "username": _text("username"),
                 "active": _active},
    "devices": {"device_id": lambda v: check_unique_id(str(v) if isinstance(v, int) else v),
                "officer": _text("officer_code"), "active": _active},
    "shifts": {"officer": _text("officer_code", required=True), "weekdays": _weekdays,
               "start": _clock, "end": _clock},
}
_ROW_TYPES = {"departments": DepartmentRow, "users": UserRow, "officers": OfficerRow,
              "devices": DeviceRow, "shifts": ShiftRow}
_KEYS = {"departments": "name", "users": "username", "officers": "code", "devices": "device_id"}


# --- the whole book -------------------------------------------------------------------------

def read_book(path: Path) -> tuple[PeopleBook, list[Problem]]:
    """The workbook's rows that are well formed, and a problem for every cell that is not.

    Raises WorkbookRefused when the file itself cannot be read."""
    wanted = {name: tuple(c.key for c in cols if c.required) + tuple(
        c.key for c in cols if not c.required) for name, cols in SHEETS.items()}
    sheets, problems = read_sheets(Path(path), wanted)
    # Only the required columns must be present; optional ones may be left out of a sheet.
    problems = [p for p in problems if not (
        p.code == "workbook_column_missing"
        and not next(c for c in SHEETS[p.sheet] if c.key == p.params["column"]).required)]
    parsed: dict[str, list[Any]] = {}
    for name, row_type in _ROW_TYPES.items():
        sheet = sheets.get(name)
        out = parsed[name] = []
        if sheet is None:
            continue
        parsers = _PARSERS[name]
        for number, values in sheet.rows:
            fields, ok = {"row": number}, True
            for key, parse in parsers.items():
                if values.get(key) is FORMULA:
                    ok = False
                    continue
                try:
                    fields[key] = parse(values.get(key))
                except DomainError as exc:
                    ok = False
                    problems.append(Problem(name, number, sheet.letters.get(key),
                                            cell_text(values.get(key)), exc.code, exc.params))
            if ok:
                out.append(row_type(**fields))
        key = _KEYS.get(name)
        if key:
            problems += _duplicates(name, sheet, out, key)
    book = PeopleBook(**parsed, letters={n: sh.letters for n, sh in sheets.items()})
    for name in SHEETS:
        book.letters.setdefault(name, {})
    problems += _liaisons(sheets.get("users"), book.users)
    problems += _overlaps(sheets.get("shifts"), book.shifts)
    return book, problems


def _duplicates(name: str, sheet: Any, rows: list[Any], key: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for r in rows:
        value = getattr(r, key)
        # Keys compare case-blind: "Zhang" and "zhang" would be two accounts nobody tells apart.
        folded = value.casefold()
        if folded in first:
            problems.append(Problem(name, r.row, sheet.letters[key], value, "duplicate_key",
                                    {"key": value, "first_row": first[folded]}))
        else:
            first[folded] = r.row
    return problems


def _liaisons(sheet: Any, users: list[UserRow]) -> list[Problem]:
    problems = []
    for u in users:
        if u.role == Role.DEPARTMENT.value and not u.department:
            problems.append(Problem("users", u.row, sheet.letters.get("department", "D"), "",
                                    "department_required", {}))
        elif u.role != Role.DEPARTMENT.value and u.department:
            problems.append(Problem("users", u.row, sheet.letters.get("department"),
                                    u.department, "department_not_for_role", {"role": u.role}))
    return problems


def week_spans(weekdays: str, start: str, end: str) -> list[tuple[int, int]]:
    """The minutes of the week (Monday 00:00 = 0) a recurring shift covers, as [from, to) spans;
    an overnight shift runs into the next day (Sunday night into Monday morning wraps)."""
    s = int(start[:2]) * 60 + int(start[3:])
    e = int(end[:2]) * 60 + int(end[3:])
    length = e - s if e > s else e - s + 1440     # start == end: a 24-hour shift
    week = 7 * 1440
    spans = []
    for d in weekdays:
        a = int(d) * 1440 + s
        b = a + length
        if b <= week:
            spans.append((a, b))
        else:
            spans += [(a, week), (0, b - week)]
    return spans


def _overlaps(sheet: Any, shifts: list[ShiftRow]) -> list[Problem]:
    by_officer: dict[str, list[ShiftRow]] = defaultdict(list)
    for r in shifts:
        by_officer[r.officer.casefold()].append(r)
    problems = []
    for rows in by_officer.values():
        if len(rows) > COUNT_LIMITS["shifts"]:
            problems.append(Problem("shifts", rows[COUNT_LIMITS["shifts"]].row, None, None,
                                    "too_many_items",
                                    {"field": "shifts", "limit": COUNT_LIMITS["shifts"]}))
            continue
        spans = [(a, b, r) for r in rows for a, b in week_spans(r.weekdays, r.start, r.end)]
        spans.sort(key=lambda x: x[0])
        reach, holder, reported = -1, None, set()
        for a, b, r in spans:
            # Sorted by start: a span overlaps an earlier one iff it starts before the furthest
            # end seen so far (one row's own days never overlap: each is under a day).
            if a < reach and holder is not r and r.row not in reported:
                reported.add(r.row)
                problems.append(Problem("shifts", r.row, sheet.letters["start"],
                                        f"{r.weekdays} {r.start}-{r.end}", "shifts_overlap",
                                        {"other_row": holder.row}))
            if b > reach:
                reach, holder = b, r
    return problems
