"""告警阈值: every threshold range-checked by the settings service with a named refusal, saved
from the page as the administrator, and picked up by another seat's alert engine through the
feed."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from console.common.i18n import install_translators
from console.common.messages import describe_error
from console.domain.changes import ChangeKind
from console.domain.errors import DomainError
from console.live.tasks import TaskRunner
from console.services import settings
from console.services.actor import actor_for
from console.services.alerts import AlertEngine
from console.store.models import AuditRecord
from console.ui.thresholds_dialog import GROUPS, KEYS, ThresholdsDialog
from tests.pg_server import fresh_database, needs_pg
from tests.service_city import MON


def _set(db, key, value):
    with db.transaction() as s:
        settings.set_setting(s, actor_for(s, "admin"), key, value, MON)


def _refusal(db, key, value) -> DomainError:
    with pytest.raises(DomainError) as caught:
        _set(db, key, value)
    return caught.value


def test_every_alert_threshold_is_on_the_page_with_bounds():
    alert_keys = {k for k in settings.SHARED_SETTINGS if k.startswith("alert_")}
    assert alert_keys <= set(KEYS) and set(KEYS) <= set(settings.SETTING_BOUNDS)
    for key in KEYS:
        low, high = settings.SETTING_BOUNDS[key]
        assert low <= settings.SHARED_SETTINGS[key][0] <= high, key
    assert len(KEYS) == len(set(KEYS)) == sum(len(g) for _, g in GROUPS)


@pytest.mark.parametrize(("key", "value", "code"), [
    ("alert_idle_min", 0, "setting_out_of_range"),
    ("alert_idle_min", 481, "setting_out_of_range"),
    ("alert_idle_min", -5, "setting_out_of_range"),
    ("alert_idle_min", 2.5, "bad_setting"),
    ("alert_idle_min", float("nan"), "bad_setting"),
    ("alert_idle_min", float("inf"), "setting_out_of_range"),
    ("alert_idle_min", "20", "bad_setting"),
    ("alert_idle_min", True, "bad_setting"),
    ("alert_idle_min", None, "bad_setting"),
    ("alert_offline_digest_share", 1.5, "setting_out_of_range"),
    ("deadline_warning_share", 1, "setting_out_of_range"),
    ("alert_no_such", 3, "unknown_setting"),
])
def test_out_of_range_and_wrong_types_are_refused_by_name(db, key, value, code):
    refused = _refusal(db, key, value)
    assert refused.code == code
    assert describe_error(refused) and "…" not in describe_error(refused)
    with db.session() as s:
        assert settings.get_setting(s, "alert_idle_min") == 20


def test_a_whole_float_is_stored_as_the_count_it_is(db):
    _set(db, "alert_idle_min", 25.0)
    with db.session() as s:
        stored = settings.get_setting(s, "alert_idle_min")
    assert stored == 25 and isinstance(stored, int)


def test_another_seats_alert_engine_takes_the_new_value(db, tmp_path):
    from console.store.database import open_database
    other = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        engine = AlertEngine()
        with other.transaction() as s:
            engine.evaluate(s, MON)
        assert engine.th.idle_min == 20
        _set(db, "alert_idle_min", 35)
        with other.transaction() as s:
            engine.evaluate(s, MON)
        assert engine.th.idle_min == 35 and engine.th.patrol_rules.idle_min == 35
    finally:
        other.dispose()


@needs_pg
def test_bounds_and_the_engine_on_postgresql():
    from console.store.database import open_database
    with fresh_database("console_thresholds") as url:
        pg = open_database(url)
        try:
            engine = AlertEngine()
            with pg.transaction() as s:
                engine.evaluate(s, MON)
            assert _refusal(pg, "alert_hotspot_cases", 1).code == "setting_out_of_range"
            _set(pg, "alert_hotspot_cases", 5)
            with pg.transaction() as s:
                engine.evaluate(s, MON)
            assert engine.th.hotspot_cases == 5
        finally:
            pg.dispose()


# --- the page --------------------------------------------------------------------------------

@pytest.fixture
def lang(qapp, request):
    install_translators(qapp, getattr(request, "param", "zh_CN"))
    yield
    install_translators(qapp, "en")


@pytest.fixture
def dialog(db, qtbot, lang):
    with db.session() as s:
        admin = actor_for(s, "admin")
    tasks = TaskRunner(db)
    d = ThresholdsDialog(tasks, admin)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.loaded, timeout=10_000):
        d.show()
    yield d
    assert tasks.wait(5000)


def test_the_page_saves_what_changed_as_the_administrator(db, dialog, qtbot):
    assert dialog.fields["alert_idle_min"].value() == 20
    assert dialog.fields["alert_idle_min"].maximum() == 480
    dialog.fields["alert_idle_min"].setValue(45)
    dialog.fields["alert_offline_digest_share"].setValue(0.5)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    assert saved.args[0] == ["alert_idle_min", "alert_offline_digest_share"]
    with db.session() as s:
        assert settings.get_setting(s, "alert_idle_min") == 45
        audits = s.scalars(select(AuditRecord.data).where(AuditRecord.entity == "settings")).all()
    assert {a["key"] for a in audits} == {"alert_idle_min", "alert_offline_digest_share"}
    dialog.save_button.click()
    assert dialog.message.text() == "没有修改。"


def test_a_refusal_keeps_the_typed_values(db, dialog, qtbot):
    with db.transaction() as s:   # the administrator is demoted meanwhile
        from console.store.models import User
        s.scalars(select(User).where(User.username == "admin")).one().role = "dispatcher"
    dialog.fields["alert_offline_min"].setValue(12)
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.save_button.click()
    assert "值班员" in refused.args[0]
    assert dialog.fields["alert_offline_min"].value() == 12 and dialog.save_button.isEnabled()


def test_a_change_elsewhere_shows_without_losing_the_typing(db, dialog, qtbot):
    dialog.fields["alert_idle_min"].setValue(44)
    _set(db, "alert_offline_min", 17)
    batch = SimpleNamespace(rows=[SimpleNamespace(entity=ChangeKind.SETTINGS,
                                                  payload={"key": "alert_offline_min"})])
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.on_feed(batch)
    assert dialog.fields["alert_offline_min"].value() == 17
    assert dialog.fields["alert_idle_min"].value() == 44


@pytest.mark.parametrize("lang", ["zh_CN", "en"], indirect=True)
def test_screenshots(dialog, lang, request, tmp_path):
    dialog.resize(1366, 760)
    assert dialog.grab().width() == 1366
    shot = tmp_path / f"thresholds-{request.node.callspec.params['lang']}.png"
    assert dialog.grab().save(str(shot)) and shot.stat().st_size > 0
