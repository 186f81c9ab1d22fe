"""A device flagged for an impossible speed raises one alert per flag (not one per flagged fix),
acknowledgeable like the others, resolved when the device is registered again."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.domain import alert_plan as plans
from console.domain import alert_rules as rules
from console.services import alert_actions, devices
from console.services.alerts import AlertEngine
from console.services.intake import IntakeFix, write_fixes
from console.store.models import Alert, ChangeFeed, Device
from tests import alert_city as C
from tests.alert_city import LAT0, LON0, MONDAY

T = MONDAY.replace(hour=9)
KM_NORTH = 0.009     # degrees of latitude ≈ 1 km


@pytest.fixture
def city(db):
    return C.build(db)


def fixes(db, city, at: datetime, lats: list[float], every_s: int = 10) -> None:
    """One batch of the officer's phone: a fix every `every_s` seconds at these latitudes."""
    with db.transaction() as s:
        write_fixes(s, [IntakeFix(city.device, at + timedelta(seconds=i * every_s), lat, LON0)
                        for i, lat in enumerate(lats)], max_kmh=200)


def device_alerts(db) -> list[Alert]:
    with db.session() as s:
        return list(s.scalars(select(Alert).where(Alert.kind == "impossible_speed")
                              .order_by(Alert.id)))


def device_id(db, city) -> int:
    with db.session() as s:
        return s.scalar(select(Device.id).where(Device.unique_id == city.device))


def test_one_alert_per_flag_however_many_fixes_are_flagged(db, city):
    engine = AlertEngine()
    fixes(db, city, T, [LAT0, LAT0 + 0.0001])          # a walk: nothing to say
    C.evaluate(db, engine, T + timedelta(minutes=1))
    assert device_alerts(db) == []
    # Two phones sending one id: every fix jumps 10 km (3,600 km/h), batch after batch.
    far = LAT0 + 10 * KM_NORTH
    fixes(db, city, T + timedelta(minutes=2), [far, LAT0, far, LAT0])
    C.evaluate(db, engine, T + timedelta(minutes=2, seconds=30))
    (alert,) = device_alerts(db)
    key = f"impossible_speed:device:{device_id(db, city)}"
    assert (alert.open_key, alert.severity, alert.subject_type) == (key, "warning", "device")
    assert alert.params["device"] == city.device and alert.params["name"] == "王强"
    assert alert.params["kmh"] >= 3000 and alert.params["officer_id"] == city.officer_id
    first_params = dict(alert.params)
    for minute in range(3, 8):
        fixes(db, city, T + timedelta(minutes=minute), [far, LAT0, far])
        C.evaluate(db, engine, T + timedelta(minutes=minute, seconds=30))
    (same,) = device_alerts(db)
    assert same.id == alert.id and same.params == first_params    # not rewritten per fix
    with db.session() as s:
        updates = s.scalars(select(ChangeFeed.action).where(
            ChangeFeed.entity == "alert", ChangeFeed.entity_id == alert.id)).all()
    assert list(updates) == ["raised"]


def test_acknowledged_it_stays_quiet_and_a_new_flag_after_registering_again_is_new(db, city):
    engine = AlertEngine()
    far = LAT0 + 10 * KM_NORTH
    fixes(db, city, T, [LAT0, far])
    C.evaluate(db, engine, T + timedelta(minutes=1))
    (alert,) = device_alerts(db)
    with db.transaction() as s:
        assert alert_actions.acknowledge(s, city.desk, [alert.id], note="两部手机同号",
                                         at=T + timedelta(minutes=2)) == [alert.id]
    fixes(db, city, T + timedelta(minutes=3), [LAT0, far])     # still flagged
    C.evaluate(db, engine, T + timedelta(minutes=40))         # past the escalation time
    (still,) = device_alerts(db)
    assert still.acknowledged_at is not None and still.resolved_at is None and still.level == 0
    # The administrator fixes the phones and registers the device again: the flag clears …
    with db.transaction() as s:
        devices.add_device(s, city.device, "P0001")
    C.evaluate(db, engine, T + timedelta(minutes=41))
    (resolved,) = device_alerts(db)
    assert resolved.resolved_at is not None
    # … and a later flag is a new alert.
    fixes(db, city, T + timedelta(minutes=50), [LAT0, far])
    C.evaluate(db, engine, T + timedelta(minutes=51))
    first, second = device_alerts(db)
    assert first.id == alert.id and second.resolved_at is None and second.acknowledged_at is None


def test_a_fresh_engine_sees_a_flag_raised_while_nobody_watched(db, city):
    fixes(db, city, T, [LAT0, LAT0 + 10 * KM_NORTH])
    C.evaluate(db, AlertEngine(), T + timedelta(minutes=1))
    assert len(device_alerts(db)) == 1
    C.evaluate(db, AlertEngine(), T + timedelta(minutes=2))    # another seat takes over
    assert len(device_alerts(db)) == 1


def test_a_newer_speed_alone_does_not_rewrite_the_alert():
    flag = rules.SuspectDevice(7, "phone-7", 3, "P0003", "李雷", datetime(2026, 3, 9, 10), 900.0)
    (finding,) = rules.device_findings([flag])
    open_ = plans.OpenAlert(1, finding.key, finding.kind.value, "warning", 0, flag.flagged_at,
                            None, finding.params, "device", 7)
    later = rules.SuspectDevice(7, "phone-7", 3, "P0003", "李雷", datetime(2026, 3, 9, 11), 4000.0)
    assert not plans.reconcile([open_], rules.device_findings([later]))
    assert plans.reconcile([open_], []).resolve == [open_]


def test_the_panel_words_it_in_chinese_and_opens_the_officer(db, city, qtbot, qapp,
                                                               monkeypatch):
    from PySide6.QtCore import Qt

    from console.common.i18n import install_translators
    from console.common.seat_settings import SeatSettings
    from console.common.selection import Selection
    from console.live.tasks import TaskRunner
    from console.ui.alerts import alert_panel, texts
    from console.ui.alerts.alert_panel import AlertsDock
    fixes(db, city, T, [LAT0, LAT0 + 10 * KM_NORTH])
    C.evaluate(db, AlertEngine(), T + timedelta(minutes=1))
    install_translators(qapp, "zh_CN")
    monkeypatch.setattr(alert_panel.QApplication, "alert", lambda widget, ms=0: None)
    tasks, selection = TaskRunner(db), Selection()
    dock = AlertsDock(tasks, selection, settings=SeatSettings.open())
    dock.set_actor(city.desk)
    qtbot.addWidget(dock)
    dock.resize(380, 600)
    dock.show()
    try:
        qtbot.waitUntil(lambda: any(a.kind == "impossible_speed" for a in dock.model.alerts()),
                        timeout=5000)
        (alert,) = [a for a in dock.model.alerts() if a.kind == "impossible_speed"]
        assert texts.kind_name(alert.kind) == "定位跳变"
        assert texts.subject(alert) == f"P0001 王强 · 设备 {city.device}"
        assert "两地上报" in texts.detail(alert, T) and "km/h" in texts.detail(alert, T)
        dock.select_alert(alert.id)
        with qtbot.waitSignal(selection.show_patrol_on_map) as blocker:
            qtbot.mouseClick(dock.open_button, Qt.MouseButton.LeftButton)
        assert blocker.args == [city.officer_id]
        if shot := __import__("os").environ.get("INGEST_FEATURES_SHOT"):
            dock.grab().save(shot)
    finally:
        dock.header._flash.stop()
        assert tasks.wait(5000)
        install_translators(qapp, "en")
