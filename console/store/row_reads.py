"""Reading many rows cheaply: IN lists in chunks a driver accepts, and a statement's rows as
the driver's own tuples (the alert engine's first pass reads 50,000 cases and a megacity's
half hour of fixes)."""
from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

CHUNK = 500   # well under every driver's limit on bound parameters


def chunks(items: Collection[Any], n: int = CHUNK) -> Iterator[list[Any]]:
    """`items` in lists of at most `n`."""
    items = list(items)
    for i in range(0, len(items), n):
        yield items[i:i + n]


def driver_rows(connection: Connection, stmt: Any, times: Sequence[int] = ()) -> list[tuple]:
    """The statement's rows as the driver's plain tuples, the columns at `times` made datetimes
    as SQLAlchemy would (SQLite keeps them as ISO text; psycopg2 gives datetimes already).

    A first pass reads 50,000 open cases and tens of thousands of fixes: Row objects with
    their per-value processing cost twice what the rows themselves do.
    """
    result = connection.execute(stmt)
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    if not rows or not times or connection.dialect.name != "sqlite":
        return rows
    columns = list(zip(*rows))
    parse = datetime.fromisoformat
    for i in times:
        columns[i] = [None if v is None else parse(v) for v in columns[i]]
    return list(zip(*columns))
