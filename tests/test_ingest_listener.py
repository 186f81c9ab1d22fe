"""The console's local listener: a supervised `serve` child (restarted when it dies, health read
off the GUI thread), the devices dialog over it, and the simulator's phones reporting to it."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import func, select

from console.common.i18n import install_translators
from console.ingest.osmand import parse_params
from console.live.tasks import TaskRunner
from console.services.positions import Fix
from console.sim.via_http import HttpFixSender, osmand_query
from console.store.models import Device, Position
from console.ui.devices_dialog import DevicesDialog
from console.ui.listener import ListenerSupervisor, fetch_json, free_port

START_MS = 60_000
DEV = "patrol-0001"


def test_the_simulators_query_is_the_fix_it_stands_for():
    fix = Fix(device=DEV, at=datetime(2026, 3, 9, 10, 0, 5), lat=30.2712345, lon=120.1512345,
              speed=1.3, heading=271.5, accuracy=8.4, battery=77.0)
    parsed = parse_params(parse_qsl(osmand_query(fix)), datetime(2026, 3, 9, 10, 1))
    assert (parsed.device, parsed.at) == (DEV, fix.at)
    assert (parsed.lat, parsed.lon) == pytest.approx((fix.lat, fix.lon), abs=1e-6)   # ~0.1 m
    assert parsed.speed == pytest.approx(1.3, abs=0.01)
    assert (parsed.heading, parsed.accuracy, parsed.battery) == (271.5, 8.4, 77.0)


@pytest.fixture
def listener(qtbot, db, city):
    url = db.engine.url.render_as_string(hide_password=False)
    supervisor = ListenerSupervisor(url, host="127.0.0.1", port=free_port())
    with qtbot.waitSignal(supervisor.health, timeout=START_MS):
        supervisor.start()
    yield supervisor
    with qtbot.waitSignal(supervisor.state, timeout=START_MS,
                          check_params_cb=lambda s: s == "stopped"):
        supervisor.stop()
    with qtbot.waitSignal(supervisor.destroyed, timeout=5000):
        supervisor.deleteLater()


def _positions(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Position))


def test_a_listener_that_dies_is_restarted_and_takes_fixes_again(qtbot, listener, db):
    states: list[str] = []
    listener.state.connect(states.append)
    with qtbot.waitSignal(listener.health, timeout=START_MS,
                          check_params_cb=lambda h: h["database"] == "reachable"):
        listener.kill_for_test()
    assert "restarting:1" in states and listener.restarts == 1
    # The simulator's phones report to it, as --sim-via-http does.
    send = HttpFixSender(listener.base_url)
    now = datetime.now().replace(microsecond=0)
    send([Fix(device=DEV, at=now, lat=30.27, lon=120.15), Fix(device="nobody", at=now, lat=30.27,
                                                               lon=120.15)])
    assert (send.sent, send.refused, send.unreachable) == (1, 1, 0)
    qtbot.waitUntil(lambda: _positions(db) == 1, timeout=10_000)
    send.close()


def test_the_devices_dialog_registers_an_unknown_phone_in_one_click(qtbot, qapp, listener, db):
    install_translators(qapp, "zh_CN")
    try:
        HttpFixSender(listener.base_url)([Fix(device="phone-new", at=datetime.now(), lat=30.28,
                                              lon=120.16)])
        assert [u["unique_id"] for u in fetch_json(listener.base_url + "/admin/unknown-devices")
                ] == ["phone-new"]
        tasks = TaskRunner(db)
        dialog = DevicesDialog(tasks, listener)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.loaded, timeout=10_000):
            dialog.reload()
        dialog.show()
        assert dialog.windowTitle() == "外勤设备"
        assert dialog.known.item(0, 0).text() == DEV
        assert dialog.unknown.item(0, 0).text() == "phone-new"
        assert dialog.unknown.item(0, 3).text() == "30.28000, 120.16000"
        button = dialog.unknown.cellWidget(0, 4)
        assert button.text() == "登记给监督员…"
        with qtbot.waitSignal(dialog.registered, timeout=10_000), \
                qtbot.waitSignal(dialog.loaded, timeout=10_000):
            dialog.register("phone-new", "P0001")
        with db.session() as s:
            assert s.scalar(select(Device.active).where(Device.unique_id == "phone-new")) is True
        assert sorted(dialog.known.item(r, 0).text() for r in range(dialog.known.rowCount())
                      ) == [DEV, "phone-new"]
        assert tasks.wait(5000)
    finally:
        install_translators(qapp, "en")
