"""Case numbers: the day (YYYYMMDD) and a daily serial."""
from __future__ import annotations

import re
from datetime import date

_NUMBER = re.compile(r"^(\d{8})(\d{4,})$")


def format_case_number(day: date, serial: int) -> str:
    """`202611260042`: four digits of serial, more only on a day with over 9,999 cases."""
    if serial < 1:
        raise ValueError("serial starts at 1")
    return f"{day:%Y%m%d}{serial:04d}"


def parse_case_number(number: str) -> tuple[date, int]:
    """The day and serial of a case number; ValueError if it is not one."""
    m = _NUMBER.match(number)
    if not m:
        raise ValueError(f"not a case number: {number!r}")
    d = m.group(1)
    return date(int(d[:4]), int(d[4:6]), int(d[6:])), int(m.group(2))
