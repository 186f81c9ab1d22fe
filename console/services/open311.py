"""Open311 GeoReport v2 use cases: the services a citizen may report, a report, its status.

A report arrives like any other: `cases.report` with source `public`, the application as the
reporter (the SYSTEM role, named `open311:APP`), every text through the input limits. The
request's id is the case number; its token is the case's `external_id`.

Only cases with source `public` are listed back: the hotline's and the desk's cases carry what
callers said to an operator, not to the internet.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.roles import Role
from console.domain.privacy import mask_phones_in  # officers and the public see no citizen's number
from console.domain.workflow import OPEN, TERMINAL, Status
from console.services import cases, hotline
from console.services.actor import Actor
from console.services.open311_keys import application_for, count_use
from console.store.models import Case, CaseEvent, Category, Cell, Department

SOURCE = "public"
KIND_NAMES = {"component": "部件", "event": "事件"}
DEFAULT_WINDOW = timedelta(days=90)     # the spec: no dates means the last 90 days ...
MAX_SPAN = timedelta(days=90)           # ... and a range may not span more
MAX_RESULTS = 1000
MAX_IDS = 100
TOKEN_ATTEMPTS = 3
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,63}$")
_CJK = re.compile(r"[\u3400-\u9fff]")

#: status → the note a citizen reads (the spec's `status_notes`).
STATUS_NOTES = {
    Status.REPORTED: "已收到，待受理",
    Status.REGISTERED: "已立案，待派遣",
    Status.DISPATCHED: "已派遣，处置中",
    Status.HANDLED: "已处置，待核查",
    Status.CHECKING: "核查中",
    Status.PARKED: "已挂账，待条件具备后处置",
    Status.CLOSED: "已结案",
    Status.REJECTED: "不予立案",
    Status.CANCELLED: "已作废",
}


class Refused(Exception):
    """A request the spec answers with an error: `status` (its HTTP code) and a description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- services and their definitions ----------------------------------------------------------

@dataclass(frozen=True)
class Value:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str              # string | number | datetime | text | singlevaluelist | multivaluelist
    required: bool
    description: str
    datatype_description: str
    order: int
    variable: bool = True
    values: tuple[Value, ...] = ()


#: 部件 are numbered assets: the tag on the asset names the one at fault, and what is wrong with
#: it tells the department what to bring. 事件 need no more than the description.
COMPONENT_ATTRIBUTES = (
    Attribute("component_id", "string", False, "部件编号", "部件标牌上的编号（如有）", 1),
    Attribute("damage", "singlevaluelist", False, "部件状况", "选择一项", 2,
              values=(Value("damaged", "破损"), Value("missing", "丢失"),
                      Value("occupied", "被占用"), Value("other", "其他"))),
)
MAX_ATTRIBUTE_TEXT = 64


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    keywords: str
    metadata: bool


def attributes_of(kind: str) -> tuple[Attribute, ...]:
    return COMPONENT_ATTRIBUTES if kind == "component" else ()


def _service(cat: Category) -> Service:
    kind = KIND_NAMES.get(cat.kind, cat.kind)
    return Service(cat.code, cat.name, f"{kind} · {cat.major_name} · {cat.name}",
                   f"{kind} · {cat.major_name}", ",".join((kind, cat.major_name, cat.name)),
                   bool(attributes_of(cat.kind)))


def list_services(session: Session) -> list[Service]:
    """Every active category as an Open311 service, by code."""
    return [_service(c) for c in session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.code))]


def service_definition(session: Session, code: str) -> tuple[Service, tuple[Attribute, ...]]:
    cat = session.scalars(select(Category).where(Category.code == code,
                                                 Category.active.is_(True))).first()
    if cat is None:
        raise Refused(404, f"service_code {code!r} is not a service of this city")
    return _service(cat), attributes_of(cat.kind)


# --- a report --------------------------------------------------------------------------------

@dataclass
class Submission:
    """A POST request's fields, as strings (None when absent); photos already stored by name."""

    service_code: str | None = None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    description: str | None = None
    media_url: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Submitted:
    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None = None


def _coordinate(name: str, text: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Refused(400, f"{name}: not a number") from None
    if not low <= value <= high:        # also refuses nan and inf
        raise Refused(400, f"{name}: out of range {low:g}..{high:g}")
    return value


def _attribute_lines(kind: str, given: dict[str, list[str]]) -> list[str]:
    defined = {a.code: a for a in attributes_of(kind)}
    unknown = sorted(set(given) - set(defined))
    if unknown:
        raise Refused(400, f"attribute[{unknown[0]}]: not an attribute of this service")
    lines = []
    for attr in sorted(defined.values(), key=lambda a: a.order):
        values = [v.strip() for v in given.get(attr.code, []) if v.strip()]
        if not values:
            if attr.required:
                raise Refused(400, f"attribute[{attr.code}]: required")
            continue
        if attr.datatype == "singlevaluelist":
            names = {v.key: v.name for v in attr.values}
            if len(values) > 1 or values[0] not in names:
                raise Refused(400, f"attribute[{attr.code}]: one of {', '.join(names)}")
            values = [names[values[0]]]
        elif len(values) > 1 or len(values[0]) > MAX_ATTRIBUTE_TEXT:
            raise Refused(400, f"attribute[{attr.code}]: one value of at most "
                               f"{MAX_ATTRIBUTE_TEXT} characters")
        lines.append(f"【{attr.description}】{values[0]}")
    return lines


def _reporter(first: str | None, last: str | None) -> str | None:
    first, last = (first or "").strip(), (last or "").strip()
    if _CJK.search(first + last):
        return (last + first) or None       # 姓 then 名, no space
    return " ".join(x for x in (first, last) if x) or None


def _locate(session: Session, sub: Submission) -> dict:
    """Where the report is: lat+long, else a cell code as address_id, else a known place."""
    if sub.lat is not None or sub.long is not None:
        if sub.lat is None or sub.long is None:
            raise Refused(400, "lat and long: both or neither")
        return {"lat": _coordinate("lat", sub.lat, -90, 90),
                "lon": _coordinate("long", sub.long, -180, 180)}
    if sub.address_id:
        return {"cell_code": sub.address_id}
    if sub.address_string and sub.address_string.strip():
        places = hotline.find_places(session, sub.address_string, limit=1)
        if not places:
            raise Refused(400, "address_string: no such place in this city; send lat and long")
        return {"lat": places[0].lat, "lon": places[0].lon}
    raise Refused(400, "a location is required: lat and long, address_string or address_id")


def _notice(session: Session, number: str, code: str, where: dict) -> str:
    notice = f"已受理，编号 {number}，值班员将核实后立案派遣。"
    if "lat" not in where:
        return notice
    near = hotline.duplicate_candidates(session, code, where["lon"], where["lat"])
    near = [c for c in near if c.number != number]
    if near:
        first = near[0]
        notice += (f"附近已有同类案卷 {first.number}（相距 {first.distance_m:.0f} 米），"
                   "可能为同一问题。")
    return notice


def submit(session: Session, api_key: str | None, sub: Submission, *,
           photos: list[str] = (), at: datetime | None = None) -> Submitted:
    """POST Service Request: one new case in 待受理, or Refused / DomainError (nothing written)."""
    application = application_for(session, api_key or "")
    if application is None:
        raise Refused(403, "api_key: missing, unknown or revoked")
    if not sub.service_code:
        raise Refused(400, "service_code: required")
    cat = session.scalars(select(Category).where(Category.code == sub.service_code,
                                                 Category.active.is_(True))).first()
    if cat is None:
        raise Refused(404, f"service_code {sub.service_code!r} is not a service of this city")
    where = _locate(session, sub)
    lines = _attribute_lines(cat.kind, sub.attributes)
    if sub.email is not None and sub.email.strip():
        if not _EMAIL.match(sub.email.strip()):
            raise Refused(400, "email: not an e-mail address")
        lines.append(f"【邮箱】{sub.email.strip()}")
    description = "\n".join(x for x in ((sub.description or "").strip(), *lines) if x)
    media = []
    if sub.media_url is not None and sub.media_url.strip():
        if not sub.media_url.strip().lower().startswith(("http://", "https://")):
            raise Refused(400, "media_url: an http or https URL")
        media.append(sub.media_url)
    actor = Actor(None, f"open311:{application}", Role.SYSTEM)
    notice_where = dict(where)
    for _attempt in range(TOKEN_ATTEMPTS):
        token = secrets.token_urlsafe(18)
        try:
            change = cases.report(
                session, actor, category_code=cat.code, source=SOURCE, address=
                sub.address_string or "", description=description,
                reporter_name=_reporter(sub.first_name, sub.last_name),
                reporter_phone=sub.phone, photos=[*media, *photos], external_id=token, at=at,
                **where)
        except DomainError as exc:
            # 2^144 tokens: a clash is as good as impossible, but it must not lose the report.
            if exc.code == "duplicate_report":
                continue
            raise
        count_use(session, application, cases.now())
        if "cell_code" in where:
            cell = session.get(Case, change.case_id)
            notice_where = {"lat": cell.lat, "lon": cell.lon}
        return Submitted(change.number, token,
                         _notice(session, change.number, cat.code, notice_where))
    raise Refused(503, "could not allocate a token; try again")


# --- requests: what became of them -----------------------------------------------------------

@dataclass(frozen=True)
class RequestView:
    service_request_id: str
    token: str | None
    status: str                     # open | closed
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str | None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str
    address_id: str | None
    lat: float | None
    long: float | None
    media_url: str | None


def _rows(session: Session, *conditions, limit: int = MAX_RESULTS) -> list[RequestView]:
    rows = session.execute(
        select(Case, Category.name, Department.name, Cell.code)
        .join(Category, Category.code == Case.category_code)
        .outerjoin(Department, Department.id == Case.department_id)
        .outerjoin(Cell, Cell.id == Case.cell_id)
        .where(Case.source == SOURCE, *conditions)
        .order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit)).all()
    terminal_ids = [c.id for c, *_ in rows if Status(c.status) in TERMINAL]
    reasons = _last_notes(session, terminal_ids)
    out = []
    for case, category_name, department, cell_code in rows:
        status = Status(case.status)
        notes = STATUS_NOTES[status]
        if reasons.get(case.id):
            notes = f"{notes}：{mask_phones_in(reasons[case.id], (case.reporter_phone,))}"
        media = next((p for p in case.photos or []
                      if isinstance(p, str) and p.startswith(("http://", "https://"))), None)
        out.append(RequestView(
            case.number, case.external_id, "closed" if status in TERMINAL else "open", notes,
            # The public sees no citizen's number, not even one typed into a description.
            category_name, case.category_code,
            mask_phones_in(case.description, (case.reporter_phone,)), department,
            case.reported_at, case.updated_at,
            case.deadline if status in OPEN else None, case.address or "", cell_code,
            case.lat, case.lon, media))
    return out


def _last_notes(session: Session, case_ids: list[int]) -> dict[int, str]:
    """The note of each case's last event (the reason a case was closed or refused)."""
    if not case_ids:
        return {}
    last: dict[int, str] = {}
    for case_id, note in session.execute(
            select(CaseEvent.case_id, CaseEvent.note).where(CaseEvent.case_id.in_(case_ids))
            .order_by(CaseEvent.case_id, CaseEvent.id)):
        last[case_id] = note or ""
    return last


def _split(text: str | None, name: str, limit: int) -> list[str]:
    items = [x.strip() for x in (text or "").split(",") if x.strip()]
    if len(items) > limit:
        raise Refused(400, f"{name}: at most {limit} values")
    return items


#: the dates a request may name: [from, to).
DATE_RANGE = (datetime(1900, 1, 1), datetime(3000, 1, 1))


def parse_datetime(name: str, text: str) -> datetime:
    """A W3C date/time as the spec asks (an offset or Z; local time without one), naive local."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused(400, f"{name}: not a W3C date/time such as 2026-03-09T10:00:00+08:00") \
            from None
    # Far from the edges of datetime, so the offset and the 90-day window cannot overflow.
    if not (DATE_RANGE[0] <= at.replace(tzinfo=None) < DATE_RANGE[1]):
        raise Refused(400, f"{name}: a date/time from {DATE_RANGE[0].year} to "
                           f"{DATE_RANGE[1].year - 1}")
    if at.tzinfo is not None:
        at = at.astimezone().replace(tzinfo=None)
    return at


def find_requests(session: Session, *, service_request_id: str | None = None,
                  service_code: str | None = None, start_date: str | None = None,
                  end_date: str | None = None, status: str | None = None,
                  now: datetime | None = None) -> list[RequestView]:
    """GET Service Requests: by ids (then every other parameter is ignored, as the spec says),
    else by codes, status and a window of at most 90 days (the last 90 when none is given)."""
    ids = _split(service_request_id, "service_request_id", MAX_IDS)
    if ids:
        return _rows(session, Case.number.in_(ids))
    codes = _split(service_code, "service_code", MAX_IDS)
    statuses = _split(status, "status", 2)
    if any(s not in ("open", "closed") for s in statuses):
        raise Refused(400, "status: open, closed or both (comma-separated)")
    now = now or cases.now()
    start = parse_datetime("start_date", start_date) if start_date else None
    end = parse_datetime("end_date", end_date) if end_date else None
    if start is None and end is None:
        start, end = now - DEFAULT_WINDOW, now
    elif start is None:
        start = end - DEFAULT_WINDOW
    elif end is None:
        end = min(now, start + DEFAULT_WINDOW)
    if end < start:
        raise Refused(400, "end_date: before start_date")
    if end - start > MAX_SPAN:
        raise Refused(400, "start_date to end_date: may not span more than 90 days")
    conditions = [Case.reported_at >= start, Case.reported_at <= end]
    if codes:
        conditions.append(Case.category_code.in_(codes))
    if set(statuses) == {"open"}:
        conditions.append(Case.status.in_([s.value for s in OPEN]))
    elif set(statuses) == {"closed"}:
        conditions.append(Case.status.in_([s.value for s in TERMINAL]))
    return _rows(session, *conditions)


def _lookup_key(name: str, text: str) -> str:
    """A request number or token as given, if it can be one at all (a lone surrogate or a NUL
    would crash the query)."""
    try:
        return check_text("request_id", text) or ""
    except DomainError as exc:
        raise Refused(400, f"{name}: {exc.code}") from None


def request_by_id(session: Session, number: str) -> RequestView:
    number = _lookup_key("service_request_id", number)
    rows = _rows(session, Case.number == number, limit=1)
    if not rows:
        raise Refused(404, f"service_request_id {number!r}: no such request")
    return rows[0]


def request_by_token(session: Session, token: str) -> RequestView:
    token = _lookup_key("token", token)
    rows = _rows(session, Case.external_id == token, limit=1)
    if not rows:
        raise Refused(404, f"token {token!r}: no such token")
    return rows[0]
