"""Open311 photos are named only when the report's transaction commits: a failed commit or a
rollback leaves no file behind, not even a temporary one."""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from console.ingest import open311_media as media
from console.services import open311
from tests.open311_app import BASE, JPEG, PNG, o311  # noqa: F401
from tests.service_city import CENTRE, GARBAGE, counts

POINT = {"lat": str(CENTRE[1] + 0.0005), "long": str(CENTRE[0] + 0.0005)}


def files_under(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


class CommitFailed(RuntimeError):
    pass


def fail_next_commit(monkeypatch) -> None:
    """The next report's commit fails after every statement of it has run, as a database whose
    disk fails at COMMIT does."""
    real = open311.submit

    def submit(session: Session, *args, **kwargs):
        done = real(session, *args, **kwargs)

        def boom(_session: Session) -> None:
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))
        event.listen(session, "before_commit", boom, once=True)
        return done
    monkeypatch.setattr(open311, "submit", submit)


def test_a_report_whose_commit_fails_leaves_no_photo(o311, monkeypatch):
    fail_next_commit(monkeypatch)
    before = counts(o311.db)
    r = o311.client.post(f"{BASE}/requests.json",
                         data={"api_key": o311.key, "service_code": GARBAGE, **POINT},
                         files=[("media", ("a.png", PNG, "image/png")),
                                ("media", ("b.jpg", JPEG, "image/jpeg"))])
    assert r.status_code == 503, r.text
    assert counts(o311.db) == before
    assert files_under(o311.data_dir) == []


def test_the_next_report_stores_its_photos_as_usual(o311, monkeypatch):
    fail_next_commit(monkeypatch)
    data = {"api_key": o311.key, "service_code": GARBAGE, **POINT}
    files = [("media", ("a.png", PNG, "image/png"))]
    assert o311.client.post(f"{BASE}/requests.json", data=data, files=files).status_code == 503
    monkeypatch.undo()
    assert o311.client.post(f"{BASE}/requests.json", data=data, files=files).status_code == 201
    assert files_under(o311.data_dir) == [media.check_photo(PNG).name.split("/")[1]]


def test_a_staged_photo_is_named_at_commit_and_dropped_on_rollback(db, tmp_path):
    tmp_path = tmp_path / "data"
    photo = media.check_photo(JPEG)
    with db.transaction() as s:
        path = media.store_at_commit(s, photo, tmp_path)
        assert not path.exists()                     # nobody sees it before the commit
        assert len(files_under(tmp_path)) == 1       # its temporary file
    assert path.read_bytes() == JPEG and files_under(tmp_path) == [path.name]
    other = media.check_photo(PNG)
    with pytest.raises(CommitFailed), db.transaction() as s:
        gone = media.store_at_commit(s, other, tmp_path)
        raise CommitFailed("rolled back")
    assert not gone.exists() and files_under(tmp_path) == [path.name]
