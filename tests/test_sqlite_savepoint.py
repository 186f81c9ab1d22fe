"""A savepoint on SQLite is a savepoint: releasing it never commits the transaction around it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.domain.errors import DomainError
from console.store.database import open_database
from console.store.models import Case, CaseNumberCounter


def test_a_savepoint_first_in_a_sqlite_transaction_does_not_commit_it(tmp_path):
    """pysqlite begins only before a write statement: a SAVEPOINT first would open the
    transaction itself and its RELEASE commit it — a refusal afterwards left a partial write
    (a merged hotline call whose target had changed kept its new case)."""
    db = open_database(f"sqlite:///{tmp_path / 'sp.db'}")
    try:
        with db.transaction() as s:
            s.add(CaseNumberCounter(day="20260309", last=7))
        with pytest.raises(DomainError):
            with db.transaction() as s:
                s.scalar(select(func.count()).select_from(Case))      # a read: no BEGIN yet
                with s.begin_nested():
                    s.add(CaseNumberCounter(day="20260310", last=1))
                    s.flush()
                raise DomainError("stale_version")
        with db.session() as s:
            assert s.scalars(select(CaseNumberCounter.day)).all() == ["20260309"]
    finally:
        db.dispose()
