"""Tables: infrastructure — the change feed and its readers, the audit chain, settings, meta."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base, WideInt


class FeedCounter(Base):
    """One row: the last feed sequence handed out. Its row lock orders writers by commit."""

    __tablename__ = "feed_counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(WideInt)


class ChangeFeed(Base):
    """What changed, in commit order: every row of one transaction shares its `seq`."""

    __tablename__ = "change_feed"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    seq: Mapped[int] = mapped_column(WideInt, index=True)
    at: Mapped[datetime]
    entity: Mapped[str] = mapped_column(String(16))        # case | alert | patrol | settings ...
    entity_id: Mapped[int | None] = mapped_column(WideInt)
    action: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditRecord(Base):
    """Append-only record of a write that is not a case event (settings, roster, catalogues,
    alert acknowledgements, devices): who, from which seat, when, what; hash-chained."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(WideInt, primary_key=True)
    chain_seq: Mapped[int] = mapped_column(WideInt, unique=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    seat: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(16))        # a ChangeKind
    entity_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))        # a ChangeAction
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (Index("ix_audit_at", "at"),)


class AuditChain(Base):
    """The head of each hash chain (case_events, audit): its length and last hash. Updated with
    every append, under the feed counter's lock; a removed tail no longer matches it."""

    __tablename__ = "audit_chain"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    length: Mapped[int] = mapped_column(WideInt)
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)    # {"v": value}, so any JSON fits
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Meta(Base):
    """Facts about this database (e.g. the demo city's name, centre and seed)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FeedReader(Base):
    """A seat reading the change feed: the newest sequence it has read and when it last said
    so (a heartbeat). The pruner keeps every feed row above the lowest sequence of the readers
    seen lately (store/feed_readers.py)."""

    __tablename__ = "feed_readers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)    # a uuid per running reader
    name: Mapped[str] = mapped_column(String(64))                     # host / application name
    seq: Mapped[int] = mapped_column(WideInt)
    seen_at: Mapped[datetime] = mapped_column(index=True)
