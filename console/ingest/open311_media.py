"""Photos sent with a report: checked by their first bytes, stored once under their content hash.

A photo is named by the SHA-256 of its bytes, so the same photo sent twice is one file and a
name can never point at other content. Files are written to a temporary name and renamed, so
a reader never sees half a photo. `store_at_commit` writes the temporary file inside the
transaction that stores the report (a full disk fails the report, not the photo alone) and
renames it only once that transaction has committed: a report whose commit fails leaves no
photo behind, and a stored case never names a photo that is not there.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 4
FOLDER = "photos"       # inside the data folder; the case stores "photos/<sha256>.<ext>"

# (offset, magic bytes, extension): what the file is, whatever it is called.
_SIGNATURES = (
    (0, b"\xff\xd8\xff", "jpg"),
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"GIF87a", "gif"),
    (0, b"GIF89a", "gif"),
    (8, b"WEBP", "webp"),           # after "RIFF" and a length
    (4, b"ftypheic", "heic"),       # iPhone photos
    (4, b"ftypheix", "heic"),
    (4, b"ftypmif1", "heic"),
)


class BadPhoto(ValueError):
    """Not an image we take; the message says why (sent back to the client)."""


@dataclass(frozen=True)
class Photo:
    data: bytes
    sha256: str
    ext: str

    @property
    def name(self) -> str:
        return f"{FOLDER}/{self.sha256}.{self.ext}"


def image_kind(head: bytes) -> str | None:
    """The extension of an image by its header, None if it is not one we take."""
    for offset, magic, ext in _SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            if ext == "webp" and head[:4] != b"RIFF":
                continue
            return ext
    return None


def check_photo(data: bytes, field: str = "media") -> Photo:
    if len(data) > MAX_PHOTO_BYTES:
        raise BadPhoto(f"{field}: larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    ext = image_kind(data[:16])
    if ext is None:
        raise BadPhoto(f"{field}: not a JPEG, PNG, GIF, WebP or HEIC image")
    return Photo(data, hashlib.sha256(data).hexdigest(), ext)


_STAGED = "console.open311_staged_photos"


def _write_temporary(photo: Photo, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(photo.data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def store_at_commit(session: Session, photo: Photo, data_dir: Path) -> Path:
    """Write `photo` to a temporary file now and give it its name when `session`'s transaction
    commits; a rollback (or a failed commit) removes it. The path it will have is returned."""
    path = data_dir / photo.name
    if path.exists():
        return path     # that content is stored already (another report sent it)
    tmp = _write_temporary(photo, path.parent)
    session.info.setdefault(_STAGED, []).append((tmp, path))
    return path


@event.listens_for(Session, "after_commit")
def _name_staged(session: Session) -> None:
    # after_commit fires for the outermost transaction only: a savepoint's photos wait for it.
    for tmp, path in session.info.pop(_STAGED, ()):
        try:
            os.replace(tmp, path)
        except OSError:     # the report is committed: say so loudly, do not undo it
            log.exception("open311: could not name the photo %s", path)


@event.listens_for(Session, "after_transaction_end")
def _drop_staged(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:      # rolled back or its commit failed: nothing is named
        for tmp, _path in session.info.pop(_STAGED, ()):
            tmp.unlink(missing_ok=True)
