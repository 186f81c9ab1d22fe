"""The declarative base every table derives from, its naming convention, and the column types
the tables share. Base.metadata holds every table once console.store.models (which imports
every module of this package) is imported: Alembic and the tests read it there."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids and sequences that the field feeds (fixes, feed rows, events, alerts) outgrow 32 bits: at
# 10,000 fixes a second positions.id would overflow in about 2.5 days. SQLite's INTEGER is already
# 64-bit, and keeping it spelled INTEGER keeps an INTEGER PRIMARY KEY the rowid.
WideInt = BigInteger().with_variant(Integer, "sqlite")


def naive_local(value: datetime) -> datetime:
    """The console's times are naive local times; an aware one is converted to that."""
    if value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)


class LocalDateTime(TypeDecorator):
    """DATETIME / TIMESTAMP WITHOUT TIME ZONE holding naive local times. Every time bound for
    a column or compared with one passes here: an aware `at` given to any service is stored
    (and compared) as the local time it means, instead of shifted on PostgreSQL or written
    with its offset on SQLite. console.store.audit hashes times the same way."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return naive_local(value) if isinstance(value, datetime) else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: LocalDateTime()}
