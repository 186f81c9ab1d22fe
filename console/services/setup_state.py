"""The first-start setup of a centre: where its wizard stands, and the centre's name, region
and map centre.

The wizard's progress is shared (a `meta` row), not a seat's: an administrator who leaves it
on one workstation resumes it on another. A database needs setting up when that row says
unfinished, or, with no row, when it holds no unit grid and is not the demo city.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.services import holidays, users
from console.services.actor import Actor, authorize
from console.services.overview import city_name
from console.services.settings import set_setting
from console.services.trail import audited
from console.store import feed
from console.store.models import Category, Cell, Department, Meta, User

PROGRESS_KEY = "setup_wizard"
REGION_KEY = "region"
CENTRE_KEY = "centre"      # [lon, lat], as the map reads it (console/services/map_grid.py)


@dataclass(frozen=True)
class SetupStatus:
    step: int                              # the page reached last (0: not started)
    finished: bool
    started: bool
    city_name: str
    region: str
    centre: tuple[float, float] | None     # (lon, lat)
    cells: int
    departments: int
    accounts: int
    categories: int
    calendar_missing: tuple[int, ...]      # years deadlines need with no holidays in the calendar


def _json(session: Session, key: str):
    row = session.get(Meta, key)
    if row is None:
        return None
    try:
        return json.loads(row.value)
    except ValueError:
        return None


def setup_status(session: Session, today: date | None = None) -> SetupStatus:
    """Everything the wizard's pages show of what is there already."""
    progress = _json(session, PROGRESS_KEY) or {}
    centre = _json(session, CENTRE_KEY)
    region = session.get(Meta, REGION_KEY)
    warning = holidays.calendar_warning(session, today or date.today())
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return SetupStatus(
        step=int(progress.get("step", 0)), finished=bool(progress.get("finished")),
        started=bool(progress), city_name=city_name(session),
        region=region.value if region is not None else "",
        centre=(float(centre[0]), float(centre[1])) if isinstance(centre, list)
        and len(centre) == 2 else None,
        cells=count(Cell), departments=count(Department),
        accounts=session.scalar(select(func.count()).select_from(User).where(
            User.role != "system")),
        categories=count(Category),
        calendar_missing=warning.years if warning else ())


def needs_setup(session: Session) -> bool:
    """Whether the wizard should open at start: begun and not finished, or never begun on a
    database without a grid (never for the demo city)."""
    if users.is_demo(session):
        return False
    progress = _json(session, PROGRESS_KEY)
    if progress is not None:
        return not progress.get("finished")
    return session.scalar(select(Cell.id).limit(1)) is None


def save_progress(session: Session, actor: Actor, step: int, *, finished: bool = False) -> None:
    """Remember the page the wizard reached (or that it was finished), for every seat."""
    authorize(session, actor, Permission.EDIT_SETTINGS)
    session.merge(Meta(key=PROGRESS_KEY, value=json.dumps(
        {"step": max(0, int(step)), "finished": bool(finished)})))


def save_centre(session: Session, actor: Actor, *, name: str, region: str,
                centre: tuple[float, float] | None, at: datetime) -> None:
    """The centre's name (the title of every seat), its region, and where its map opens."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    name = check_text("display_name", name)
    region = check_text("display_name", region, optional=True) or ""
    if centre is not None:
        lon, lat = float(centre[0]), float(centre[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise DomainError("bad_setting", key=CENTRE_KEY)
    set_setting(session, actor, "city_name", name, at)
    # The demo's own name row would win over the setting (overview.city_name): the centre's
    # name is the one it typed.
    demo_name = session.get(Meta, "city_name")
    if demo_name is not None:
        session.delete(demo_name)
    session.merge(Meta(key=REGION_KEY, value=region))
    if centre is not None:
        session.merge(Meta(key=CENTRE_KEY, value=json.dumps([lon, lat])))
    data = {"key": "centre", "region": region, "centre": None if centre is None else [lon, lat]}
    audited(session, actor, ChangeKind.SETTINGS, CENTRE_KEY, ChangeAction.CHANGED, at, data)
    feed.record(session, ChangeKind.SETTINGS, None, ChangeAction.CHANGED, at,
                {"key": CENTRE_KEY, "by": actor.name})
