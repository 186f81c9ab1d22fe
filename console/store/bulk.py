"""Fast bulk inserts for generated data (the demo history writes millions of rows)."""
from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Table
from sqlalchemy.engine import Connection

from console.store.models import naive_local


def _sqlite_datetime(value: datetime | None) -> str | None:
    # The exact text SQLAlchemy's SQLite DateTime type stores, so range queries compare alike.
    if value is None:
        return None
    return naive_local(value).isoformat(" ", "microseconds")


def text_times():
    """_sqlite_datetime remembering its answers: a batch of fixes holds few distinct seconds."""
    seen: dict[datetime, str | None] = {}

    def text(value: datetime | None) -> str | None:
        out = seen.get(value)   # type: ignore[arg-type]
        if out is None:
            out = seen[value] = _sqlite_datetime(value)   # type: ignore[index]
        return out
    return text


def _converter(column):
    if isinstance(getattr(column.type, "impl", column.type), DateTime):   # models.LocalDateTime
        return _sqlite_datetime
    if isinstance(column.type, JSON):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if isinstance(column.type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


def insert_rows(con: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in one executemany.

    On SQLite the values are converted here and handed to the driver directly: SQLAlchemy's
    per-row parameter processing costs more than the insert itself at this volume.
    """
    if not rows:
        return
    if con.dialect.name != "sqlite":
        con.execute(table.insert(), rows)
        return
    keys = list(rows[0])
    columns = [table.c[k] for k in keys]
    converters = [_converter(c) for c in columns]
    plan = [(k, f) for k, f in zip(keys, converters)]
    params = [tuple(f(r[k]) if f else r[k] for k, f in plan) for r in rows]
    sql = (f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{k}{chr(34)}" for k in keys)}) '
           f'VALUES ({", ".join("?" for _ in keys)})')
    con.exec_driver_sql(sql, params)


def insert_tuples(con: Connection, table: Table, keys: Sequence[str],
                  rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (tuples in the order of `keys`) into `table` in one executemany.

    The intake's path: no dict per row. SQLite gets the driver directly, with only the columns
    that need it converted; PostgreSQL gets COPY (a multi-row INSERT costs the server three
    times as much to parse as to write)."""
    if not rows:
        return
    if con.dialect.name == "postgresql" and con.dialect.driver == "psycopg2":
        _copy(con, table, keys, rows)
        return
    if con.dialect.name != "sqlite":
        con.execute(table.insert(), [dict(zip(keys, r)) for r in rows])
        return
    converters = [(i, f) for i, f in enumerate(_converter(table.c[k]) for k in keys) if f]
    # A batch of fixes holds few distinct seconds: each converted once.
    converters = [(i, text_times() if f is _sqlite_datetime else f) for i, f in converters]
    if converters:
        params = []
        for r in rows:
            r = list(r)
            for i, f in converters:
                r[i] = f(r[i])
            params.append(tuple(r))
    else:
        params = [tuple(r) for r in rows]
    sql = (f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{k}{chr(34)}" for k in keys)}) '
           f'VALUES ({", ".join("?" for _ in keys)})')
    con.exec_driver_sql(sql, params)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_COPY_ESCAPES)


def _copy(con: Connection, table: Table, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    text = "".join("\t".join(_copy_text(v) for v in row) + "\n" for row in rows)
    columns = ", ".join(f'"{k}"' for k in keys)
    cursor = con.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(f'COPY "{table.name}" ({columns}) FROM STDIN', io.StringIO(text))
    finally:
        cursor.close()
