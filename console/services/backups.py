"""The daily backup: once a day, a copy of the database into the backup folder, the oldest
beyond the retention deleted; what happened is kept in the database for every seat to show.

Run by `serve` (console/ingest/backup_task.py). Two processes that both run it do not both
copy: the day is claimed in the database first (one upsert decides).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from console.services.settings import get_setting
from console.store.backup import BackupError, backup
from console.store.database import Database, sqlite_path
from console.store.models import Meta
from console.store.upsert import insert_for

log = logging.getLogger(__name__)

LAST_KEY = "backup.last"        # JSON: what the last daily backup did
CLAIM_KEY = "backup.day"        # the day whose backup is taken (or being taken)
PREFIX = "city-"


@dataclass(frozen=True)
class BackupStatus:
    """The last daily backup, as the administrator's status shows it (plain data)."""

    at: datetime
    path: str
    size: int
    error: str | None


def last_backup(session: Session) -> BackupStatus | None:
    """The last daily backup's outcome, or None if none was ever taken."""
    row = session.get(Meta, LAST_KEY)
    if row is None:
        return None
    data = json.loads(row.value)
    return BackupStatus(datetime.fromisoformat(data["at"]), data.get("path", ""),
                        int(data.get("size", 0)), data.get("error"))


def folder_for(db: Database, configured: str, fallback: Path) -> Path:
    if configured:
        return Path(configured).expanduser()
    path = sqlite_path(db.engine.url.render_as_string(hide_password=False))
    return (path.parent if path is not None else fallback) / "backups"


def _claim(db: Database, day: str) -> bool:
    """Take today's backup for this process; False if another one has (or it is done)."""
    with db.transaction() as s:
        stmt = insert_for(s, Meta).values(key=CLAIM_KEY, value=day)
        stmt = stmt.on_conflict_do_update(index_elements=[Meta.key], set_={"value": day},
                                          where=Meta.value != day).returning(Meta.key)
        return s.execute(stmt).first() is not None


def _record(db: Database, at: datetime, path: Path | None, size: int, error: str | None) -> None:
    value = json.dumps({"at": at.isoformat(), "path": str(path or ""), "size": size,
                        "error": error}, ensure_ascii=False)
    with db.transaction() as s:
        stmt = insert_for(s, Meta).values(key=LAST_KEY, value=value)
        s.execute(stmt.on_conflict_do_update(index_elements=[Meta.key], set_={"value": value}))


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily backups in `folder`; returns those deleted."""
    backups = sorted(p for p in folder.glob(f"{PREFIX}*") if p.suffix in (".db", ".dump"))
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def run_daily(db: Database, now: datetime, fallback_folder: Path) -> BackupStatus | None:
    """Take today's backup if nobody has; None when there was nothing to do."""
    with db.session() as s:
        keep = int(get_setting(s, "backup_keep"))
        folder = folder_for(db, str(get_setting(s, "backup_folder")), fallback_folder)
    if keep <= 0 or not _claim(db, f"{now:%Y-%m-%d}"):
        return None
    suffix = ".db" if db.is_sqlite else ".dump"
    target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}{suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        info = backup(db.engine.url.render_as_string(hide_password=False), target)
    except (BackupError, OSError) as exc:
        log.error("daily backup failed: %s", exc)
        _record(db, now, None, 0, str(exc))
        return BackupStatus(now, "", 0, str(exc))
    prune(folder, keep)
    _record(db, now, info.path, info.size, None)
    log.info("daily backup written: %s (%d bytes)", info.path, info.size)
    return BackupStatus(now, str(info.path), info.size, None)
