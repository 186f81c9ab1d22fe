"""The 部件/事件 catalogue as an administrator edits it: the tree 大类 → 小类 → 细类 with each
class's default department, time limit and urgency; a centre's own classes added; classes
retired and reinstated (never deleted: old cases keep naming them).

Codes. A national class's code is the kind prefix and its 4-digit minor code (GB/T 30428.2;
console/store/seed.py): always 5 digits. Every code made here is longer, so a local class can
never take a national code, whatever a later national list adds:
- a local 大类 gets a 3-digit major code 901–999 and its 小类 the minor code major + 2 digits;
- a local 小类 under a national 大类 MM gets the minor code MM + "9" + 2 digits;
- a 细类 gets its 小类's code + 2 digits.
The next free serial is taken; two administrators adding at once collide on the unique code and
the loser takes the next one (a savepoint per attempt).

Every write is the administrator's (EDIT_SETTINGS, like the calendar), audited with the actor,
and a CATEGORY feed row: every seat's pickers reload their catalogue (ui/queues/dock.py) and the
alert engine re-reads its limits (services/alerts.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.work_calendar import TimeUnit
from console.services.actor import Actor, authorize
from console.services.cases import now as wall_clock
from console.services.trail import audited
from console.store import feed
from console.store.models import Case, Category, Department
from console.store.seed import KIND_PREFIX

#: the longest time limit a category may have, in its unit (as services/roster.py).
MAX_TIME_LIMIT = 1000
NATIONAL_CODE_LENGTH = 5
LOCAL_MAJORS = range(901, 1000)
SERIALS = range(1, 100)
#: attempts at a free code when another seat takes the same one at the same moment.
_TRIES = 5


@dataclass(frozen=True)
class CategoryRow:
    """One class as the administration page shows it (plain data, safe across threads)."""

    code: str
    kind: str
    major_code: str
    major_name: str
    name: str
    level: int                      # 2 = 小类, 3 = 细类
    parent_code: str                # "" for a 小类
    department_id: int | None
    department_name: str
    time_limit: float
    time_unit: str
    urgent: bool
    active: bool
    cases: int                      # cases that name it (they keep it when it is retired)

    @property
    def local(self) -> bool:
        return len(self.code) > NATIONAL_CODE_LENGTH and self.level == 2

    @property
    def national(self) -> bool:
        return len(self.code) == NATIONAL_CODE_LENGTH


@dataclass(frozen=True)
class CategoryTree:
    rows: list[CategoryRow]                     # by kind, then code: a 细类 follows its 小类
    departments: list[tuple[int, str]]          # active departments, by name

    def get(self, code: str) -> CategoryRow | None:
        return next((r for r in self.rows if r.code == code), None)

    def majors(self, kind: str) -> list[tuple[str, str]]:
        """The (major code, major name) of `kind`, in code order."""
        seen = dict.fromkeys((r.major_code, r.major_name) for r in self.rows if r.kind == kind)
        return sorted(seen)


def category_tree(session: Session) -> CategoryTree:
    """Every class, retired ones included, with its department and how many cases name it."""
    counts = dict(session.execute(select(Case.category_code, func.count())
                                  .group_by(Case.category_code)).all())
    names = dict(session.execute(select(Department.id, Department.name)).all())
    parents = dict(session.execute(select(Category.id, Category.code)).all())
    rows = [CategoryRow(c.code, c.kind, c.major_code, c.major_name, c.name, c.level,
                        parents.get(c.parent_id, "") if c.parent_id else "", c.department_id,
                        names.get(c.department_id, ""), c.time_limit, c.time_unit,
                        bool(c.urgent), bool(c.active), counts.get(c.code, 0))
            for c in session.scalars(select(Category))]
    rows.sort(key=lambda r: (r.kind != "component", r.code))
    departments = [(i, n) for i, n in session.execute(
        select(Department.id, Department.name).where(Department.active.is_(True))
        .order_by(Department.name))]
    return CategoryTree(rows, departments)


# --- checks ------------------------------------------------------------------------------------

def _name(value: object) -> str:
    name = check_text("category_name", value, optional=True)
    if not name:
        raise DomainError("category_name_required")
    return name


def _limit(time_limit: object, time_unit: object) -> tuple[float, str]:
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) \
            or not (0 < time_limit <= MAX_TIME_LIMIT) or time_unit not in tuple(TimeUnit):
        raise DomainError("bad_time_limit", limit=str(time_limit)[:40], unit=str(time_unit)[:40],
                          most=MAX_TIME_LIMIT)
    return float(time_limit), TimeUnit(time_unit).value


def _department(session: Session, department_id: object) -> int | None:
    if department_id is None:
        return None
    if isinstance(department_id, bool) or not isinstance(department_id, int):
        raise NotFound("department", str(department_id)[:40])
    dep = session.get(Department, department_id)
    if dep is None or not dep.active:
        raise NotFound("department", department_id)
    return dep.id


def _category(session: Session, code: object) -> Category:
    code = check_text("category_code", code)
    category = session.scalars(select(Category).where(Category.code == code)
                               .with_for_update()).first()
    if category is None:
        raise NotFound("category", code)
    return category


def _unique_name(session: Session, kind: str, major_code: str, parent_id: int | None,
                 name: str, own_id: int | None = None) -> None:
    """Two classes side by side with one name cannot be told apart in a picker."""
    q = select(Category.code).where(Category.kind == kind, Category.major_code == major_code,
                                    Category.name == name)
    q = q.where(Category.parent_id == parent_id) if parent_id else q.where(Category.level == 2)
    if own_id is not None:
        q = q.where(Category.id != own_id)
    taken = session.scalar(q.limit(1))
    if taken is not None:
        raise DomainError("category_name_taken", name=name, code=taken)


def _insert(session: Session, make: Callable[[str], Category], candidates: list[str]) -> Category:
    """The first candidate code nobody holds, inserted; the next one if another seat wins."""
    used = set(session.scalars(select(Category.code).where(Category.code.in_(candidates))))
    tries = 0
    for code in candidates:
        if code in used:
            continue
        category = make(code)
        try:
            with session.begin_nested():
                session.add(category)
                session.flush()
        except IntegrityError:
            tries += 1
            if tries >= _TRIES:
                break
            continue
        return category
    raise DomainError("category_codes_exhausted")


def _told(session: Session, actor: Actor, category: Category, action: ChangeAction,
          at: datetime, data: dict) -> None:
    feed.record(session, ChangeKind.CATEGORY, category.id, action, at, {"code": category.code})
    audited(session, actor, ChangeKind.CATEGORY, category.id, action, at,
            {"code": category.code, **data})


def _snapshot(c: Category) -> dict:
    return {"name": c.name, "department_id": c.department_id, "time_limit": c.time_limit,
            "time_unit": c.time_unit, "urgent": bool(c.urgent)}


# --- writes ------------------------------------------------------------------------------------

def add_class(session: Session, actor: Actor, *, kind: str, name: str, time_limit: float,
              time_unit: str, department_id: int | None = None, urgent: bool = False,
              major_code: str | None = None, major_name: str | None = None,
              at: datetime | None = None) -> str:
    """A local 小类: under the 大类 `major_code` of `kind`, or (major_code None) under a new local
    大类 named `major_name`. Returns its code."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    if kind not in KIND_PREFIX:
        raise DomainError("bad_category_kind", kind=str(kind)[:40])
    name = _name(name)
    limit, unit = _limit(time_limit, time_unit)
    dep = _department(session, department_id)
    prefix = KIND_PREFIX[kind]
    if major_code is None:
        major_name = _name(major_name)
        majors = set(session.scalars(select(Category.major_code).where(Category.kind == kind)))
        free = [str(m) for m in LOCAL_MAJORS if str(m) not in majors]
        if not free:
            raise DomainError("category_codes_exhausted")
        major_code = free[0]
        taken = session.scalar(select(Category.major_code).where(
            Category.kind == kind, Category.major_name == major_name).limit(1))
        if taken is not None:
            raise DomainError("category_name_taken", name=major_name, code=prefix + taken)
        minors = [f"{major_code}{n:02d}" for n in SERIALS]
    else:
        major_code = check_text("category_code", major_code)
        major_name = session.scalar(select(Category.major_name).where(
            Category.kind == kind, Category.major_code == major_code).limit(1))
        if major_name is None:
            raise NotFound("category", prefix + major_code)
        # A national major's local classes carry a 9 after it; a local major's do not need one.
        stem = major_code if len(major_code) == 3 else major_code + "9"
        minors = [f"{stem}{n:02d}" for n in SERIALS]
    _unique_name(session, kind, major_code, None, name)

    def make(code: str) -> Category:
        return Category(code=code, kind=kind, major_code=major_code, major_name=major_name,
                        minor_code=code[len(prefix):], name=name, level=2, parent_id=None,
                        department_id=dep, time_limit=limit, time_unit=unit,
                        urgent=bool(urgent), active=True)
    category = _insert(session, make, [prefix + m for m in minors])
    _told(session, actor, category, ChangeAction.ADDED, at or wall_clock(),
          {"major_code": major_code, "major_name": major_name, **_snapshot(category)})
    return category.code


def add_subclass(session: Session, actor: Actor, parent_code: str, *, name: str,
                 department_id: int | None = None, time_limit: float | None = None,
                 time_unit: str | None = None, urgent: bool | None = None,
                 at: datetime | None = None) -> str:
    """A 细类 under the 小类 `parent_code`; what is not given is the 小类's. Returns its code."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    parent = _category(session, parent_code)
    if parent.level != 2:
        raise DomainError("category_too_deep", code=parent.code)
    if not parent.active:
        raise DomainError("category_retired", code=parent.code, name=parent.name)
    name = _name(name)
    limit, unit = _limit(parent.time_limit if time_limit is None else time_limit,
                         parent.time_unit if time_unit is None else time_unit)
    dep = parent.department_id if department_id is None else _department(session, department_id)
    _unique_name(session, parent.kind, parent.major_code, parent.id, name)

    def make(code: str) -> Category:
        return Category(code=code, kind=parent.kind, major_code=parent.major_code,
                        major_name=parent.major_name, minor_code=code[1:], name=name, level=3,
                        parent_id=parent.id, department_id=dep, time_limit=limit,
                        time_unit=unit, urgent=parent.urgent if urgent is None else bool(urgent),
                        active=True)
    category = _insert(session, make, [f"{parent.code}{n:02d}" for n in SERIALS])
    _told(session, actor, category, ChangeAction.ADDED, at or wall_clock(),
          {"parent": parent.code, **_snapshot(category)})
    return category.code


def edit_category(session: Session, actor: Actor, code: str, *, name: str,
                  department_id: int | None, time_limit: float, time_unit: str, urgent: bool,
                  at: datetime | None = None, expected: CategoryRow | None = None) -> bool:
    """Set a class's name, default department, time limit and urgency; False if nothing changed.

    Cases already open keep the deadline they were given; new ones take the new limit.
    `expected`: the class as the editor read it — changed since at another seat, the edit is
    refused (category_changed) rather than silently undoing the other administrator's."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    category = _category(session, code)
    if expected is not None and _snapshot(category) != {
            "name": expected.name, "department_id": expected.department_id,
            "time_limit": expected.time_limit, "time_unit": expected.time_unit,
            "urgent": bool(expected.urgent)}:
        raise DomainError("category_changed", code=category.code, name=category.name)
    name = _name(name)
    limit, unit = _limit(time_limit, time_unit)
    dep = _department(session, department_id) if department_id != category.department_id \
        else department_id
    _unique_name(session, category.kind, category.major_code, category.parent_id, name,
                 own_id=category.id)
    before = _snapshot(category)
    category.name, category.department_id = name, dep
    category.time_limit, category.time_unit, category.urgent = limit, unit, bool(urgent)
    after = _snapshot(category)
    if after == before:
        return False
    _told(session, actor, category, ChangeAction.CHANGED, at or wall_clock(),
          {"before": {k: v for k, v in before.items() if after[k] != v},
           "after": {k: v for k, v in after.items() if before[k] != v}})
    return True


def set_active(session: Session, actor: Actor, code: str, active: bool, *,
               at: datetime | None = None) -> list[str]:
    """Retire a class (it leaves the pickers for new cases; cases that name it keep it) or
    reinstate it; the codes changed (none if it already was). Retiring a 小类 retires its 细类
    with it, so every reader of `active` (pickers, cases.category, the field app, Open311)
    agrees without knowing the tree; reinstating it leaves them to be reinstated one by one,
    and a 细类 cannot come back while its 小类 is retired."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    parent = None
    if active:
        # The 小类 is locked before its 细类 (the order retiring takes them in): a retirement
        # racing this reinstatement waits for it and then retires the 细类 it brought back.
        parent_id = session.scalar(select(Category.parent_id).where(
            Category.code == check_text("category_code", code)))
        if parent_id is not None:
            parent = session.scalars(select(Category).where(Category.id == parent_id)
                                     .with_for_update()
                                     .execution_options(populate_existing=True)).first()
    category = _category(session, code)
    if active and category.parent_id is not None:
        if parent is not None and not parent.active:
            raise DomainError("category_parent_retired", code=category.code, parent=parent.code)
    if bool(category.active) == bool(active):
        return []
    at = at or wall_clock()
    changed = [category]
    if not active:
        changed += session.scalars(select(Category).where(
            Category.parent_id == category.id, Category.active.is_(True))
            .order_by(Category.code).with_for_update()).all()
    for c in changed:
        c.active = bool(active)
        _told(session, actor, c, ChangeAction.CHANGED, at,
              {"active": bool(active), **({"with": category.code} if c is not category else {})})
    return [c.code for c in changed]
