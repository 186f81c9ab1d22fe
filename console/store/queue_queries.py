"""SQL of the case queues: stage conditions, filters, free-text search, sort keys, keyset pages.

Every query is shaped so a million cases cost what the visible page costs:

- The stage tabs hold open cases (a few thousand) and today's closures; their conditions hit
  the status / deadline / closed_at indexes, and their sort keys are wrapped in `unindexed` so
  SQLite never walks a whole-table index (say, the case number's) to avoid sorting a few
  thousand rows.
- The "all cases" tab has no bound; it sorts by plain columns so the index of the sort key
  (reported_at, number, category, …) drives the scan and LIMIT stops it early.
- Pages continue from the last row's (sort value, id): keyset paging, never OFFSET; the page
  above a window's first row is read with the order reversed.
- Free text uses the trigram index of migration 0002 where there is one (FTS5 on SQLite,
  pg_trgm on PostgreSQL) and LIKE otherwise.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from console.domain.stages import STAGE_STATUSES, start_of_day
from console.store.models import (
    Case,
    CaseCampaign,
    Category,
    Cell,
    Community,
    Department,
    Street,
)
from console.store.position_days import is_position_partition

#: Sort keys of the queue columns; `location` sorts by cell, `remaining` by deadline.
SORT_COLUMNS = {
    "number": Case.number, "category": Case.category_code, "location": Case.cell_id,
    "source": Case.source, "department": Case.department_id, "status": Case.status,
    "remaining": Case.deadline, "reported_at": Case.reported_at,
}
NULLABLE_SORTS = frozenset({"location", "department", "remaining"})
#: The tables FTS5 creates for the search index: not models, so schema checks skip them.
SEARCH_INDEX_TABLES = frozenset({"case_search", "case_search_data", "case_search_idx",
                                 "case_search_docsize", "case_search_config"})
#: PostgreSQL's counterpart: an expression index, which the models cannot declare portably.
SEARCH_INDEX_PG = "ix_cases_search_trgm"
#: FTS5's trigram tokenizer cannot match fewer characters than this.
TRIGRAM = 3


class unindexed(FunctionElement):
    """The column's value, but not usable as an index key (SQLite's unary `+`)."""

    inherit_cache = True

    def __init__(self, column: ColumnElement) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler, **kw) -> str:
    # PostgreSQL keeps statistics and needs no hint; the bare column keeps its indexes usable.
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler, **kw) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def is_search_index(name: str | None) -> bool:
    """True for the tables of the full-text index (schema comparisons leave them out)."""
    return name in SEARCH_INDEX_TABLES


def search_body(table=Case) -> ColumnElement[str]:
    """The text the free-text filter searches: number, address, description, caller phone
    (the expression migration 0002 indexes)."""
    return (table.number + " " + table.address + " " + table.description + " "
            + func.coalesce(table.reporter_phone, ""))


def _seen_body(word: str) -> ColumnElement[str]:
    """What a word may match for a seat that sees callers' numbers masked: never the caller's
    number (in any form), and — for a word with a digit — not the description either, where a
    caller's number is often written and shown to that seat starred; any run of digits there may
    be part of one, and a match would reveal the digits the seat cannot see."""
    if any(ch.isdigit() for ch in word):
        return Case.number + " " + Case.address
    return Case.number + " " + Case.address + " " + Case.description


_FTS_PRESENT: dict[str, bool] = {}


def has_trigram_index(session: Session) -> bool:
    """Whether this SQLite database has the FTS5 trigram table (asked once per database)."""
    bind = session.get_bind()
    engine: Engine = getattr(bind, "engine", bind)
    key = engine.url.render_as_string(hide_password=True)
    if key not in _FTS_PRESENT:
        _FTS_PRESENT[key] = session.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'case_search'"
        )).scalar() == 1
    return _FTS_PRESENT[key]


def _words(query: str) -> list[str]:
    return [t for t in query.split() if t]


def _match_expression(words: list[str]) -> str:
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _uses_trigram_index(session: Session, words: list[str]) -> bool:
    return (session.get_bind().dialect.name == "sqlite" and any(len(w) >= TRIGRAM for w in words)
            and has_trigram_index(session))


def text_is_common(session: Session, query: str, threshold: int) -> bool:
    """Whether at least `threshold` cases match the indexed words of `query` (stops counting there).

    A common text is cheaper to find by walking the sort order and testing each row than by
    collecting every match from the index and sorting them.
    """
    words = _words(query)
    if not _uses_trigram_index(session, words):
        return True
    hits = select(literal_column("rowid")).select_from(text("case_search")).where(
        literal_column("case_search").op("MATCH")(
            _match_expression([w for w in words if len(w) >= TRIGRAM]))).limit(threshold)
    return (session.scalar(select(func.count()).select_from(hits.subquery())) or 0) >= threshold


def text_condition(session: Session, query: str, *, phones: bool,
                   use_index: bool = True) -> ColumnElement[bool]:
    """Cases whose number, address, description or caller phone contain every word of `query`.

    `phones`: whether the viewer may see callers' numbers (domain/privacy.py). Without, the
    caller's number is not searched at all, and a word with a digit is not looked for in the
    description (see `_seen_body`): the search must not answer what the rows would not show.

    With `use_index` the words of three characters or more go through the trigram index (all
    the matching ids, then the rest of the query); without it every candidate row is tested
    with LIKE — better when the other conditions already leave few rows, or most rows match.
    """
    words = _words(query)
    if not words:
        return true()
    conditions: list[ColumnElement[bool]] = []
    unindexed_words = words
    if use_index and _uses_trigram_index(session, words):
        indexed = [w for w in words if len(w) >= TRIGRAM]
        conditions.append(Case.id.in_(
            select(literal_column("rowid")).select_from(text("case_search"))
            .where(literal_column("case_search").op("MATCH")(_match_expression(indexed)))))
        unindexed_words = [w for w in words if len(w) < TRIGRAM]
    if phones:
        body = search_body()
        return and_(*conditions, *(body.icontains(w, autoescape=True) for w in unindexed_words))
    if use_index and session.get_bind().dialect.name == "postgresql":
        # The trigram index is of the whole body: its condition picks the candidates (the same
        # plan as the desk's), the one below drops what matched only where this seat cannot see.
        body = search_body()
        conditions += [body.icontains(w, autoescape=True) for w in words]
    # The index (a superset: it holds the numbers) narrows; every word is then tested again.
    conditions += [_seen_body(w).icontains(w, autoescape=True) for w in words]
    return and_(*conditions)


def stage_condition(stage: str, now: datetime) -> ColumnElement[bool]:
    """Which cases a queue tab holds, in SQL: domain/stages.py's definition, which the
    overview's counts use too."""
    if stage == "all":
        return true()
    if stage not in STAGE_STATUSES:
        raise ValueError(f"unknown queue stage {stage!r}")
    statuses = sorted(s.value for s in STAGE_STATUSES[stage])

    def held(status: ColumnElement) -> ColumnElement[bool]:
        return status == statuses[0] if len(statuses) == 1 else status.in_(statuses)
    if stage == "closed_today":
        # closed_at drives the scan; the status index would walk every closed case ever.
        return and_(Case.closed_at >= start_of_day(now), held(unindexed(Case.status)))
    if stage == "overdue":
        return and_(held(Case.status), Case.deadline < now)
    return held(Case.status)


def category_codes(session: Session, needle: str) -> list[str]:
    """Codes of the categories whose code starts with, or whose name contains, `needle`."""
    needle = needle.strip()
    return list(session.scalars(select(Category.code).where(or_(
        Category.code.startswith(needle, autoescape=True),
        Category.name.contains(needle, autoescape=True),
        Category.major_name.contains(needle, autoescape=True))).order_by(Category.code)))


def region_condition(*, cell_code: str = "", community_id: int | None = None,
                     street_id: int | None = None,
                     district_id: int | None = None) -> ColumnElement[bool] | None:
    """Cases in one cell, community, street or district (the narrowest given wins)."""
    if cell_code:
        cell = select(Cell.id).where(Cell.code == cell_code.strip()).scalar_subquery()
        return Case.cell_id == cell
    cells = select(Cell.id)
    if community_id is not None:
        cells = cells.where(Cell.community_id == community_id)
    elif street_id is not None:
        cells = cells.join(Community, Community.id == Cell.community_id).where(
            Community.street_id == street_id)
    elif district_id is not None:
        cells = cells.join(Community, Community.id == Cell.community_id).join(
            Street, Street.id == Community.street_id).where(Street.district_id == district_id)
    else:
        return None
    return Case.cell_id.in_(cells)


def campaign_condition(campaign_id: int) -> ColumnElement[bool]:
    return Case.id.in_(select(CaseCampaign.case_id).where(CaseCampaign.campaign_id == campaign_id))


def category_condition(session: Session, needle: str) -> ColumnElement[bool]:
    codes = category_codes(session, needle)
    return Case.category_code.in_(codes) if codes else false()


def sort_expression(stage: str, sort: str) -> ColumnElement:
    column = SORT_COLUMNS[sort]
    return column if stage == "all" else unindexed(column)


def _id_expression(stage: str) -> ColumnElement:
    return Case.id if stage == "all" else unindexed(Case.id)


def order_by(stage: str, sort: str, descending: bool) -> list[ColumnElement]:
    """ORDER BY for a tab: the sort key (empty values last either way), then the id."""
    key, ident = sort_expression(stage, sort), _id_expression(stage)
    if descending:
        key, ident = key.desc(), ident.desc()
    else:
        key, ident = key.asc(), ident.asc()
    if sort in NULLABLE_SORTS:
        key = key.nulls_last()
    return [key, ident]


def after_condition(stage: str, sort: str, descending: bool,
                    after: tuple[Any, int]) -> ColumnElement[bool]:
    """Rows that come after (value, id) in the tab's order: the keyset of the next page."""
    value, last_id = after
    key, ident = sort_expression(stage, sort), _id_expression(stage)
    beyond_id = ident < last_id if descending else ident > last_id
    if value is None:   # only empty values remain, ordered by id
        return and_(key.is_(None), beyond_id)
    if stage == "all" and sort not in NULLABLE_SORTS:
        # A row-value comparison is one range on the sort key's index.
        keys, bound = tuple_(key, ident), tuple_(value, last_id)
        return keys < bound if descending else keys > bound
    beyond = key < value if descending else key > value
    condition = or_(beyond, and_(key == value, beyond_id))
    if sort in NULLABLE_SORTS:
        condition = or_(condition, key.is_(None))
    return condition


def before_condition(stage: str, sort: str, descending: bool,
                     before: tuple[Any, int]) -> ColumnElement[bool]:
    """Rows that come before (value, id) in the tab's order: the keyset of the page above."""
    value, first_id = before
    key, ident = sort_expression(stage, sort), _id_expression(stage)
    ahead_id = ident > first_id if descending else ident < first_id
    if value is None:   # every non-empty value comes first, then the empties of lower order
        return or_(key.is_not(None), and_(key.is_(None), ahead_id))
    if stage == "all" and sort not in NULLABLE_SORTS:
        keys, bound = tuple_(key, ident), tuple_(value, first_id)
        return keys > bound if descending else keys < bound
    ahead = key > value if descending else key < value
    # A comparison with an empty value is never true: the empties, which come last, stay out.
    return or_(ahead, and_(key == value, ahead_id))


def reversed_order_by(stage: str, sort: str, descending: bool) -> list[ColumnElement]:
    """The tab's ORDER BY backwards (empty values first): read upwards from a keyset."""
    key, ident = sort_expression(stage, sort), _id_expression(stage)
    if descending:
        key, ident = key.asc(), ident.asc()
    else:
        key, ident = key.desc(), ident.desc()
    if sort in NULLABLE_SORTS:
        key = key.nulls_first()
    return [key, ident]


def row_select() -> Select:
    """The columns of a queue row, with the names the table shows."""
    return (select(Case.id, Case.number, Case.category_code, Category.name.label("category_name"),
                   Category.time_unit, Case.cell_id, Cell.code.label("cell_code"), Case.address,
                   Case.source, Case.department_id, Department.name.label("department_name"),
                   Case.status, Case.urgent, Case.reported_at, Case.deadline, Case.dispatched_at,
                   Case.handled_at, Case.closed_at, Case.requested_deadline,
                   Case.supervision_level, Case.version, Case.stage_key, Case.stage_warn_at,
                   Case.stage_due)
            .select_from(Case)
            # Outer joins keep `cases` the driving table, so its sort index is still usable.
            .outerjoin(Category, Category.code == Case.category_code)
            .outerjoin(Cell, Cell.id == Case.cell_id)
            .outerjoin(Department, Department.id == Case.department_id))


def count_select(conditions: list[ColumnElement[bool]]) -> Select:
    return select(func.count()).select_from(Case).where(*conditions)


def capped_count_select(conditions: list[ColumnElement[bool]], cap: int) -> Select:
    """count(*) that stops at `cap` rows."""
    rows = select(Case.id).where(*conditions).limit(cap).subquery()
    return select(func.count()).select_from(rows)


def include_in_schema_comparison(name: str | None, type_: str, parent_names) -> bool:
    """Alembic `include_name`: the search index and the days of positions (PostgreSQL) are
    not models, so comparisons skip them."""
    if type_ == "index":
        return name != SEARCH_INDEX_PG
    return not (type_ == "table" and (is_search_index(name) or is_position_partition(name)))
