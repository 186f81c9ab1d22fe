"""Rows every database needs: the feed counter, departments and categories from the seed file."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.resources import SEED
from console.store import feed
from console.store.models import Category, Department, User

CATEGORY_FILE = SEED / "categories.csv"
KIND_PREFIX = {"component": "1", "event": "2"}
_UNITS = {"work_hours", "work_days", "hours"}


@dataclass(frozen=True)
class CategoryRow:
    code: str
    kind: str
    major_code: str
    major_name: str
    minor_code: str
    name: str
    department: str
    time_limit: float
    time_unit: str
    urgent: bool


def read_categories(path: Path = CATEGORY_FILE) -> list[CategoryRow]:
    """Parse the category table; ValueError naming the line on any bad row."""
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for line_no, r in enumerate(csv.DictReader(f), start=2):
            try:
                kind = r["kind"].strip()
                minor = r["minor_code"].strip()
                if kind not in KIND_PREFIX:
                    raise ValueError(f"unknown kind {kind!r}")
                if not (minor.isdigit() and minor.startswith(r["major_code"].strip())):
                    raise ValueError(f"minor code {minor!r} does not extend its major code")
                unit = r["time_unit"].strip()
                if unit not in _UNITS:
                    raise ValueError(f"unknown time unit {unit!r}")
                limit = float(r["time_limit"])
                if limit <= 0:
                    raise ValueError("time limit must be positive")
                rows.append(CategoryRow(
                    code=KIND_PREFIX[kind] + minor, kind=kind, major_code=r["major_code"].strip(),
                    major_name=r["major_name"].strip(), minor_code=minor,
                    name=r["minor_name"].strip(), department=r["department"].strip(),
                    time_limit=limit, time_unit=unit, urgent=r["urgent"].strip() == "1"))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path.name} line {line_no}: {exc}") from None
    return rows


def seed_reference_data(session: Session, now: datetime | None = None) -> None:
    """Idempotently add the feed counter, departments, categories and an administrator."""
    feed.ensure_counter(session)
    if session.execute(select(Category.id).limit(1)).first() is None:
        rows = read_categories()
        departments: dict[str, Department] = {
            d.name: d for d in session.scalars(select(Department))}
        for name in dict.fromkeys(r.department for r in rows):
            if name not in departments:
                departments[name] = Department(name=name)
                session.add(departments[name])
        session.flush()
        session.add_all(Category(
            code=r.code, kind=r.kind, major_code=r.major_code, major_name=r.major_name,
            minor_code=r.minor_code, name=r.name, level=2,
            department_id=departments[r.department].id, time_limit=r.time_limit,
            time_unit=r.time_unit, urgent=r.urgent) for r in rows)
    if session.execute(select(User.id).limit(1)).first() is None:
        session.add(User(username="admin", display_name="系统管理员", role="admin"))
    session.flush()
