"""The console's side of the phones: 外勤终端会话 (list, sign out) and a 核查 answer or a flagged
photo standing out in the case detail, its photos opening large."""
from __future__ import annotations

import io
import os
from datetime import datetime, timedelta

import piexif
import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMenu, QWidget
from sqlalchemy import select

from console.common.i18n import install_translators
from console.live.tasks import TaskRunner
from console.services import case_desk
from console.store.models import Case, FieldSession
from console.ui.field_sessions_dialog import FieldSessionsDialog, install_field_sessions
from console.ui.photo_viewer import PhotoViewer
from console.ui.queues.detail_pane import DetailPane
from tests.test_field_api import API, auth, checking_case, make_field

SHOTS = os.environ.get("FIELD_SCREENSHOTS")


@pytest.fixture
def field(db, city, tmp_path, monkeypatch):
    monkeypatch.setenv("CITY_CONSOLE_DATA_DIR", str(tmp_path / "data"))
    return make_field(db, city, tmp_path / "data")


@pytest.fixture
def zh(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def jpeg(colour: str, taken: datetime | None = None, lat: float = 0, lon: float = 0) -> bytes:
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG")
    data = bytes(buffer.data())
    if taken is None:
        return data

    def dms(x):
        return ((int(x), 1), (int(x * 60 % 60), 1), (round(x * 3600 % 60 * 1000), 1000))
    exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal:
                                 taken.strftime("%Y:%m:%d %H:%M:%S").encode()},
                        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude:
                                dms(lat), piexif.GPSIFD.GPSLongitudeRef: b"E",
                                piexif.GPSIFD.GPSLongitude: dms(lon)}})
    out = io.BytesIO()
    piexif.insert(exif, data, out)
    return out.getvalue()


def save(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


def test_a_leader_sees_the_phones_and_signs_one_out(qtbot, zh, field, db, city):
    token = field.sign_in()
    tasks = TaskRunner(db)
    dialog = FieldSessionsDialog(tasks, lambda: city.leader)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000) as shown:
        dialog.reload()
    dialog.show()
    assert shown.args == [1] and dialog.windowTitle() == "外勤终端会话"
    assert "P0001" in dialog.table.item(0, 0).text()
    assert dialog.table.item(0, 1).text() == "华为 Mate 60"
    assert dialog.table.item(0, 5).text() == "在线"
    save(dialog, "console-field-sessions.png")
    with qtbot.waitSignal(dialog.revoked, timeout=10_000), \
            qtbot.waitSignal(dialog.loaded, timeout=10_000) as after:
        dialog.revoke(dialog.rows[0], confirm=False)
    assert after.args == [0]
    with db.session() as s:
        assert s.scalars(select(FieldSession.revoked_by)).one() == city.leader.name
    assert field.client.get(f"{API}/shift", headers=auth(token)).json()["error"] == "revoked"
    with qtbot.waitSignal(dialog.loaded, timeout=10_000) as ended:
        dialog.ended.setChecked(True)
    assert ended.args == [1] and dialog.table.item(0, 5).text().startswith("已注销")
    assert tasks.wait(5000)


def test_only_leaders_and_administrators_find_it_in_the_field_menu(qtbot, db, city):
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = QMenu(parent)
    who = {"actor": city.dispatcher}
    action = install_field_sessions(menu, TaskRunner(db), lambda: who["actor"], parent)
    assert not action.isVisible()
    who["actor"] = city.leader
    menu.aboutToShow.emit()
    assert action.isVisible()


def test_a_check_answer_and_flagged_photos_stand_out_in_the_case_detail(qtbot, zh, field, db,
                                                                       city):
    token = field.sign_in()
    old = jpeg("#884422", datetime.now() - timedelta(days=9), 30.40, 120.15)
    body = field.report(token, photos=(old,)).json()
    assert body["flags"]
    change = checking_case(field)
    r = field.client.post(f"{API}/tasks/answer", files=[("photo", ("a.jpg", jpeg("#2a8"),
                                                                   "image/jpeg"))],
                          data={"kind": "check", "case_number": change.number,
                                "result": "not_handled", "note": "仍有垃圾"},
                          headers=auth(token, "k" * 16))
    assert r.status_code == 201, r.text
    tasks = TaskRunner(db)
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(560, 900)
    opened = []
    pane.photo_opened.connect(lambda photos, i: opened.append((photos, i)))
    loaded = []
    pane.photo_wanted.connect(loaded.append)
    with db.session() as s:
        flagged = case_desk.case_detail(s, s.scalar(select(Case.id).where(
            Case.number == body["case_number"])))
        checked = case_desk.case_detail(s, change.case_id)
    # The report whose photo is old and from elsewhere: a red badge and its own line.
    pane.show_detail(flagged, [])
    assert "照片核验" in pane.badges.text()
    flags = pane.findChild(QWidget, "detailPhotoCheck")
    assert "9 天" in flags.text()
    assert "【照片核验】" not in pane.findChild(QWidget, "detailDescription").text()
    pane.show()
    qtbot.waitUntil(lambda: flags.isVisible())
    save(pane, "console-detail-photo-check.png")
    # The 核查 answer: a coloured badge on the case and on its line in the timeline, its photo
    # in the strip, a click on it opening the viewer.
    pane.show_detail(checked, [])
    assert "城管通核查：未处置" in pane.badges.text()
    assert "#c0392b" in pane.timeline.text() and "城管通核查：未处置" in pane.timeline.text()
    (path,) = [p for p in loaded if p.endswith(".jpg")][-1:]
    assert os.path.isfile(path)
    for p in set(loaded):
        pane.set_photo(p, QImage(p).scaled(120, 90, Qt.AspectRatioMode.KeepAspectRatio))
    (label,) = [w for w in pane.findChildren(QWidget, "detailPhoto") if "未处置" in w.toolTip()]
    qtbot.waitUntil(lambda: label.isVisible() and label.pixmap() is not None
                    and not label.pixmap().isNull())
    save(pane, "console-detail-check.png")
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    ((photos, index),) = opened
    assert index == 0 and photos[0][0] == path and "未处置" in photos[0][1]
    viewer = PhotoViewer(tasks, photos, index)
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.shown, timeout=10_000):
        viewer.show()
    assert not viewer.image.isNull() and viewer.image.width() == 640
    save(viewer, "console-photo-viewer.png")
    assert tasks.wait(5000)
