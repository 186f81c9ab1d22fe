"""The alert panel: what it shows and in what order, its actions on the stored alerts, the
unmissable critical alert, and the worker that feeds it (write → alert on screen)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt

from console.live.alert_worker import AlertWorker
from console.live.feed_worker import FeedWorker
from console.live.tasks import TaskRunner
from console.services import alert_actions
from console.services.alerts import AlertEngine
from console.store.database import open_database
from console.ui.alerts import ack_dialog, alert_panel
from console.ui.alerts.alert_model import AlertRole
from console.ui.alerts.alert_panel import AlertsDock
from console.common.i18n import install_translators
from console.common.seat_settings import SeatSettings
from console.common.selection import Selection
from tests import alert_city as C
from tests.alert_city import MONDAY, URGENT

T = MONDAY.replace(hour=9)


@pytest.fixture
def english(qapp):
    install_translators(qapp, "en")
    yield


@pytest.fixture
def city(db):
    city = C.build(db)
    C.report(db, city, T - timedelta(minutes=30), category=URGENT)      # critical
    C.report(db, city, T - timedelta(minutes=20), category=URGENT, cell=2)
    C.evaluate(db, AlertEngine(), T)                                     # + patrol offline
    return city


@pytest.fixture
def panel(db, city, qtbot, english, monkeypatch):
    attention = []
    monkeypatch.setattr(alert_panel.QApplication, "alert",
                        lambda widget, ms=0: attention.append(widget))
    tasks = TaskRunner(db)
    selection = Selection()
    dock = AlertsDock(tasks, selection, settings=SeatSettings.open())
    dock.set_actor(city.desk)
    dock.attention = attention
    qtbot.addWidget(dock)
    dock.resize(360, 700)
    dock.show()
    qtbot.waitUntil(lambda: len(dock.model.alerts()) == 3, timeout=5000)
    yield dock
    dock.header._flash.stop()
    assert tasks.wait(5000)


def stored(db, alert_id):
    other = open_database(db.url)   # a second seat
    try:
        with other.session() as s:
            return alert_actions.alerts_by_id(s, [alert_id])[0]
    finally:
        other.dispose()


def test_models_pass_the_model_tester(panel, qtmodeltester):
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.proxy)


def test_unacknowledged_and_most_severe_first_then_newest(panel):
    rows = panel.model.alerts()
    assert [a.kind for a in rows] == ["new_urgent", "new_urgent", "offline"]
    assert rows[0].raised_at == rows[1].raised_at and rows[0].id > rows[1].id
    assert panel.header.chips[""].text() == "All 3"
    assert panel.header.chips["new_urgent"].text() == "Urgent case 2"
    assert panel.header.chips["offline"].isVisibleTo(panel)
    assert not panel.header.chips["hotspot"].isVisibleTo(panel)


def test_filter_by_kind(panel, qtbot):
    qtbot.mouseClick(panel.header.chips["offline"], Qt.MouseButton.LeftButton)
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, 0).data(AlertRole).kind == "offline"
    qtbot.mouseClick(panel.header.chips[""], Qt.MouseButton.LeftButton)
    assert panel.proxy.rowCount() == 3


def test_critical_alert_flashes_sounds_and_asks_for_attention(panel, qtbot):
    assert panel.header.flashing
    assert panel.header.banner_text.text() == "2 critical alert(s) not acknowledged"
    states = {panel.header.banner_state}
    qtbot.waitUntil(lambda: panel.header.banner_state != next(iter(states)), timeout=2000)
    assert panel.sound.plays == 1 and len(panel.attention) == 1


def test_acknowledge_with_a_note_is_stored_and_seen_by_another_seat(db, panel, qtbot,
                                                                   monkeypatch):
    asked = []
    monkeypatch.setattr(ack_dialog, "open_note", lambda parent, count, user, save: (
        asked.append((count, user)), save("已派人", lambda: None, lambda _m: None)))
    top = panel.model.alerts()[0]
    assert panel.select_alert(top.id)
    assert panel.ack_button.isEnabled()
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.alert(top.id).acknowledged_at is not None, timeout=5000)
    assert asked == [(1, "张伟")]
    seen = stored(db, top.id)
    assert (seen.acknowledged_by, seen.ack_note) == ("张伟", "已派人")
    # Acknowledged alerts go below the unacknowledged ones; one critical still waits.
    assert panel.model.alerts()[-1].id == top.id
    assert panel.header.banner_text.text() == "1 critical alert(s) not acknowledged"


def test_acknowledging_every_critical_stops_the_flashing(db, panel, qtbot, monkeypatch):
    monkeypatch.setattr(ack_dialog, "open_note",
                        lambda *a: a[-1]("", lambda: None, lambda _m: None))
    panel.view.selectAll()
    panel.acknowledge_selected()
    qtbot.waitUntil(lambda: not panel.header.flashing, timeout=5000)
    assert all(stored(db, a.id).acknowledged_by == "张伟" for a in panel.model.alerts())
    assert panel.header.banner_text.text() == "0 need a human · 3 open"
    assert not panel.ack_button.isEnabled()


def test_cancelling_the_dialog_changes_nothing(db, panel, monkeypatch):
    monkeypatch.setattr(ack_dialog, "open_note", lambda *a: None)   # cancelled: never saves
    top = panel.model.alerts()[0]
    panel.select_alert(top.id)
    panel.acknowledge_selected()
    assert panel.tasks.wait(5000)
    assert stored(db, top.id).acknowledged_at is None


def test_a_failed_acknowledgement_keeps_the_dialog_and_the_typed_note(db, panel, qtbot,
                                                                     monkeypatch):
    dialogs = []
    real_open = ack_dialog.open_note
    monkeypatch.setattr(ack_dialog, "open_note", lambda *a: dialogs.append(real_open(*a)))
    real_ack = alert_actions.acknowledge
    monkeypatch.setattr(alert_actions, "acknowledge",
                        lambda *a, **kw: (_ for _ in ()).throw(KeyError("lost connection")))
    top = panel.model.alerts()[0]
    panel.select_alert(top.id)
    panel.acknowledge_selected()
    (dialog,) = dialogs
    dialog.note.setPlainText("已电话通知环卫处")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert dialog.isVisible() and dialog.note.toPlainText() == "已电话通知环卫处"
    assert dialog.ok.isEnabled() and stored(db, top.id).acknowledged_at is None
    monkeypatch.setattr(alert_actions, "acknowledge", real_ack)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)       # the retry saves it
    qtbot.waitUntil(lambda: stored(db, top.id).acknowledged_at is not None, timeout=5000)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=5000)
    assert stored(db, top.id).ack_note == "已电话通知环卫处"


def test_open_points_the_other_views_at_the_subject(panel, qtbot, city):
    case_alert, _, patrol_alert = panel.model.alerts()
    picked = []
    panel.selection.case_selected.connect(lambda i: picked.append(("case", i)))
    panel.selection.show_case_on_map.connect(lambda i: picked.append(("map", i)))
    panel.select_alert(case_alert.id)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert picked == [("case", case_alert.subject_id), ("map", case_alert.subject_id)]
    panel.select_alert(patrol_alert.id)
    with qtbot.waitSignal(panel.selection.show_patrol_on_map) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert blocker.args == [city.officer_id]


def test_escalate_from_the_panel(db, panel, qtbot):
    offline = panel.model.alerts()[-1]
    panel.select_alert(offline.id)
    qtbot.mouseClick(panel.escalate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.alert(offline.id).level == 1, timeout=5000)
    seen = stored(db, offline.id)
    assert (seen.severity, seen.escalated_by) == ("critical", "张伟")
    # Now critical and unacknowledged: it joins the top and the flashing.
    assert panel.header.banner_text.text() == "3 critical alert(s) not acknowledged"
    assert panel.sound.plays == 2


def test_a_refused_action_is_explained(db, panel, qtbot, city):
    top = panel.model.alerts()[0]
    with db.transaction() as s:
        alert_actions.acknowledge(s, city.leader, [top.id])   # another seat was quicker
    panel.select_alert(top.id)
    panel.acknowledge_selected(note="")
    qtbot.waitUntil(lambda: "李娜 already acknowledged" in panel.footer.text(), timeout=5000,
                    )
    assert panel.footer.property("state") == "error"


def test_mute_is_remembered_by_the_seat(panel, qtbot):
    qtbot.mouseClick(panel.header.mute, Qt.MouseButton.LeftButton)
    assert panel.sound.muted and SeatSettings.open().get("alerts/sound_muted") == 1
    panel.sound.play()
    assert panel.sound.plays == 1


def test_feed_rows_bring_other_seats_changes(db, panel, qtbot, city):
    worker = FeedWorker(db, interval_ms=50)
    worker.changes.connect(panel.on_feed)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        C.report(db, city, T + timedelta(minutes=1), category=URGENT, cell=3)
        C.evaluate(db, AlertEngine(), T + timedelta(minutes=1))
        qtbot.waitUntil(lambda: panel.model.counts["new_urgent"] == 3, timeout=5000)
        offline = next(a for a in panel.model.alerts() if a.kind == "offline")
        with db.transaction() as s:
            alert_actions.acknowledge(s, city.leader, [offline.id], note="电话联系中")
        qtbot.waitUntil(lambda: panel.model.alert(offline.id).acknowledged_by == "李娜",
                        timeout=5000)
    finally:
        assert worker.stop()


def test_a_failed_read_does_not_forget_the_alerts_the_feed_named(db, panel, qtbot, city,
                                                                monkeypatch):
    from console.store.feed import FeedBatch, FeedRow
    C.report(db, city, T + timedelta(minutes=1), category=URGENT, cell=3)
    C.evaluate(db, AlertEngine(), T + timedelta(minutes=1))
    with db.session() as s:
        new = [a for a in alert_actions.open_alerts(s) if a.id not in
               {v.id for v in panel.model.alerts()}]
    assert len(new) == 1
    real, calls = alert_actions.alerts_by_id, []

    def flaky(session, ids):
        calls.append(set(ids))
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return real(session, ids)

    monkeypatch.setattr(alert_actions, "alerts_by_id", flaky)
    panel.on_feed(FeedBatch(0, 1, rows=[FeedRow(1, T, "alert", new[0].id, "raised", {})]))
    qtbot.waitUntil(lambda: panel.model.alert(new[0].id) is not None, timeout=8000)
    assert calls[0] == calls[1] == {new[0].id}


def test_the_worker_turns_a_write_into_an_alert_on_screen(db, qtbot, english):
    city = C.build(db, shift=("0123456", "00:00", "00:00"))   # on duty all day
    C.walk(db, city, datetime.now().replace(microsecond=0) - timedelta(minutes=2),
           datetime.now().replace(microsecond=0), C.inside)
    tasks = TaskRunner(db)
    dock = AlertsDock(tasks, Selection())
    qtbot.addWidget(dock)
    feed = FeedWorker(db, interval_ms=50)
    rules = AlertWorker(db, interval_ms=200)
    dock.attach_worker(rules)
    feed.changes.connect(dock.on_feed)
    feed.changes.connect(rules.on_feed)
    leading = []
    rules.evaluator.connect(leading.append)
    feed.start()
    rules.start()
    try:
        qtbot.waitUntil(lambda: feed.seq is not None and leading == [True], timeout=5000)
        change = C.report(db, city, datetime.now().replace(microsecond=0), category=URGENT)
        qtbot.waitUntil(lambda: any(a.subject_id == change.case_id for a in dock.model.alerts()),
                        timeout=5000)
        qtbot.waitUntil(lambda: dock.footer.text().startswith("Rules checked at"), timeout=5000)
        # A second seat's worker finds the lease taken and evaluates nothing.
        other = AlertWorker(db, interval_ms=200)
        seen = []
        other.evaluator.connect(seen.append)
        other.start()
        try:
            qtbot.waitUntil(lambda: seen == [False], timeout=5000)
        finally:
            assert other.stop()
    finally:
        assert rules.stop() and feed.stop()
        dock.header._flash.stop()
        assert tasks.wait(5000)
    assert not rules.is_running()


def test_the_sound_is_a_short_wav_made_by_our_script(tmp_path):
    import runpy
    import wave

    from console.ui.alerts.sound import SOUND_FILE
    with wave.open(str(SOUND_FILE)) as w:
        assert 0.5 < w.getnframes() / w.getframerate() < 2.0
    made = tmp_path / "again.wav"
    runpy.run_path(str(SOUND_FILE.with_name("make_alert_sound.py")))["main"](made)
    assert made.read_bytes() == SOUND_FILE.read_bytes()
