"""部件/事件分类 at the seat: a class edited, a 细类 and a local 大类 added, a class retired and
reinstated — each through the services as the administrator, off the GUI thread; a refusal
shown as its sentence with the typed form kept; the page following changes made elsewhere."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from console.common.i18n import install_translators
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import categories
from console.services.actor import actor_for
from console.store.models import Category
from console.ui.categories_dialog import CategoriesDialog
from tests.service_city import GARBAGE, MANHOLE, MON


@pytest.fixture(params=["zh_CN"])
def lang(qapp, request):
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "en")


@pytest.fixture
def admin(db):
    with db.session() as s:
        return actor_for(s, "admin")


@pytest.fixture
def dialog(db, admin, qtbot, lang):
    tasks = TaskRunner(db)
    d = CategoriesDialog(tasks, admin)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.loaded, timeout=10_000):
        d.show()
    yield d
    assert tasks.wait(5000)


def _item(dialog, code):
    found = []

    def walk(item):
        if item.data(0, 256) == code:
            found.append(item)
        for i in range(item.childCount()):
            walk(item.child(i))
    for i in range(dialog.tree.topLevelItemCount()):
        walk(dialog.tree.topLevelItem(i))
    return found[0]


def _choose(dialog, code):
    dialog.tree.setCurrentItem(_item(dialog, code))


def _saved(dialog, qtbot, click):
    with qtbot.waitSignals([dialog.saved, dialog.loaded], timeout=10_000, order="strict"):
        click()


def _stored(db, code):
    with db.session() as s:
        return s.scalars(select(Category).where(Category.code == code)).first()


def test_the_search_narrows_the_tree(dialog):
    dialog.search.setText("垃圾")
    assert not _item(dialog, GARBAGE).isHidden() and _item(dialog, MANHOLE).isHidden()
    assert not _item(dialog, GARBAGE).parent().isHidden()
    dialog.search.setText("1010")
    assert not _item(dialog, MANHOLE).isHidden() and _item(dialog, GARBAGE).isHidden()
    dialog.search.clear()
    assert not _item(dialog, MANHOLE).isHidden()


def test_edit_add_and_retire_through_the_services(db, dialog, qtbot):
    _choose(dialog, GARBAGE)
    assert dialog.name.text() == "暴露垃圾" and dialog.save_button.isEnabled()
    dialog.limit.setValue(6)
    dialog.unit.setCurrentIndex(dialog.unit.findData("hours"))
    dialog.urgent.setChecked(True)
    _saved(dialog, qtbot, dialog.save_button.click)
    row = _stored(db, GARBAGE)
    assert (row.time_limit, row.time_unit, row.urgent) == (6, "hours", True)
    assert "6 自然时" == _item(dialog, GARBAGE).text(2)

    dialog.add_fine_button.click()
    assert dialog.mode == "fine" and dialog.name.text() == ""
    dialog.name.setText("建筑垃圾")
    _saved(dialog, qtbot, dialog.save_button.click)
    assert _stored(db, GARBAGE + "01").parent_id == _stored(db, GARBAGE).id
    assert dialog.current_code() == GARBAGE + "01"
    assert _item(dialog, GARBAGE + "01").parent() is _item(dialog, GARBAGE)

    dialog.add_major_button.click()
    assert dialog.major_name.isVisibleTo(dialog)
    dialog.major_name.setText("夜间经济")
    dialog.name.setText("夜市占道")
    _saved(dialog, qtbot, dialog.save_button.click)
    assert _stored(db, "290101").major_name == "夜间经济"

    _choose(dialog, MANHOLE)
    _saved(dialog, qtbot, dialog.retire_button.click)
    assert not _stored(db, MANHOLE).active
    assert _item(dialog, MANHOLE).text(4) == "已停用"
    assert dialog.retire_button.text().startswith("恢复")
    dialog.show_retired.setChecked(False)
    assert _item(dialog, MANHOLE).isHidden()
    dialog.show_retired.setChecked(True)
    _saved(dialog, qtbot, dialog.retire_button.click)
    assert _stored(db, MANHOLE).active


@pytest.mark.parametrize(("typed", "words"), [("", "名称"), ("垃圾\x00", "字符"),
                                              ("垃" * 80, "64")])
def test_a_refusal_is_a_sentence_and_the_form_keeps_what_was_typed(db, dialog, qtbot, typed,
                                                                    words):
    _choose(dialog, GARBAGE)
    dialog.limit.setValue(9)
    dialog.name.setText(typed)
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.save_button.click()
    assert words in refused.args[0] and dialog.message.text() == refused.args[0]
    assert dialog.name.text() == typed and dialog.limit.value() == 9
    assert dialog.save_button.isEnabled()
    assert _stored(db, GARBAGE).name == "暴露垃圾" and _stored(db, GARBAGE).time_limit != 9


def test_a_change_elsewhere_is_read_again_without_losing_the_typing(db, dialog, qtbot):
    _choose(dialog, GARBAGE)
    dialog.name.setText("半截名字")
    dialog.name.textEdited.emit("半截名字")
    with db.transaction() as s:
        categories.set_active(s, actor_for(s, "admin"), MANHOLE, False, at=MON)
    batch = SimpleNamespace(rows=[SimpleNamespace(entity=ChangeKind.CATEGORY, payload={})])
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.on_feed(batch)
    assert _item(dialog, MANHOLE).text(4) == "已停用"
    assert dialog.name.text() == "半截名字" and dialog.current_code() == GARBAGE
    # Retired meanwhile while the name is being typed: the button says what it will do now.
    with db.transaction() as s:
        categories.set_active(s, actor_for(s, "admin"), GARBAGE, False, at=MON)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.on_feed(batch)
    assert dialog.name.text() == "半截名字" and dialog.retire_button.text().startswith("恢复")


@pytest.mark.parametrize("lang", ["zh_CN", "en"], indirect=True)
def test_screenshots(db, dialog, qtbot, qapp, lang, tmp_path):
    from console.common.theme import apply_theme, current_theme
    with db.transaction() as s:
        admin = actor_for(s, "admin")
        categories.add_subclass(s, admin, GARBAGE, name="建筑垃圾", at=MON)
        categories.add_class(s, admin, kind="event", major_code="01", name="共享单车乱停放",
                             time_limit=2, time_unit="work_hours", at=MON)
        categories.set_active(s, admin, "20105", False, at=MON)
    before = current_theme()
    apply_theme(qapp, "dark")
    try:
        with qtbot.waitSignal(dialog.loaded, timeout=10_000):
            dialog.reload()
        dialog.resize(1366, 720)
        _choose(dialog, GARBAGE + "01")
        qtbot.waitUntil(lambda: dialog.name.text() == "建筑垃圾")
        assert dialog.grab().width() == 1366
        shot = tmp_path / f"categories-{lang}.png"
        assert dialog.grab().save(str(shot)) and shot.stat().st_size > 0
    finally:
        apply_theme(qapp, before)


def test_the_picker_offers_fine_classes_under_their_class_and_no_retired_one(db, qtbot):
    from console.services import queues
    from console.ui.queues.category_picker import CategoryPicker
    with db.transaction() as s:
        fine = categories.add_subclass(s, actor_for(s, "admin"), GARBAGE, name="建筑垃圾", at=MON)
        refs = queues.references(s)
    picker = CategoryPicker()
    qtbot.addWidget(picker)
    picker.set_categories(refs.categories)
    at = picker.findData(fine)
    assert picker.itemData(at - 1) == GARBAGE
    assert picker.itemText(at).strip() == f"{fine} 建筑垃圾（暴露垃圾）"
    picker.lineEdit().setText(picker.itemText(at))
    assert picker.code() == fine
    picker.set_code(fine)
    assert picker.category().parent_code == GARBAGE
    with db.transaction() as s:
        categories.set_active(s, actor_for(s, "admin"), GARBAGE, False, at=MON)
        refs = queues.references(s)
    picker.set_categories(refs.categories)
    assert picker.findData(GARBAGE) < 0 and picker.findData(fine) < 0
    assert picker.code() is None
