"""Translations: the .ts is complete and current, the .qm matches it, every error code has words."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from console.domain.roles import Role
from console.domain.workflow import Action, Status
from console.resources import ROOT, TRANSLATIONS
from console.services.cases import SOURCES
from console.common import messages
from console.ui.catalogues import catalogues, qm_file, sources, ts_file
from console.common.i18n import install_translators

CATALOGUES = [name for name in catalogues() if ts_file(name).exists()]
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{(\w*)\}")

#: The codes the brief names; the test below also finds any code raised in the sources.
LISTED_CODES = """stale_version action_not_allowed_in_state role_not_allowed reason_required
department_required deadline_required deadline_in_past patrol_required extension_already_requested
extension_not_later extension_not_requested unknown_category unknown_source bad_phone
location_required location_outside_city unknown_cell bad_coordinates text_too_long unknown_user
no_users not_found unknown_device bad_battery db_dir_missing db_dir_not_writable db_is_directory
db_unreadable db_not_sqlite db_corrupt db_locked db_schema_newer db_not_ours db_bad_url
db_driver_missing db_unreachable""".split()


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name"), msg.findtext("source"), msg.find("translation"))
            for ctx in root.iter("context") for msg in ctx.iter("message")]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def raised_codes() -> set[str]:
    """Every code passed to DomainError(...) or DatabaseOpenError(...) anywhere in console/."""
    pattern = re.compile(r'(?:DomainError|DatabaseOpenError)\(\s*"(\w+)"')
    codes = {"stale_version", "not_found"}   # raised by the StaleVersion/NotFound subclasses
    for path in (ROOT / "console").rglob("*.py"):
        codes |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


@pytest.fixture
def chinese(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def test_the_core_catalogue_exists():
    assert "console" in CATALOGUES and len(_messages(ts_file("console"))) > 100


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_string_has_a_finished_chinese_translation(name):
    entries = _messages(ts_file(name))
    assert entries
    for context, source, translation in entries:
        where = f"{context}: {source!r}"
        assert translation.get("type") is None, f"unfinished or obsolete: {where}"
        text = translation.text or ""
        if re.search(r"[A-Za-z]", PLACEHOLDER.sub("", source)):
            assert CJK.search(text), f"not Chinese: {where}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), where
        if re.search(r"&\w", source):
            assert re.search(r"&\w", text), f"accelerator lost: {where}"


@pytest.mark.parametrize("name", CATALOGUES)
def test_the_ts_file_holds_every_string_in_the_sources(tmp_path, name):
    """lupdate on the current sources finds nothing new: update.sh has been run."""
    ts = ts_file(name)
    copy = tmp_path / ts.name
    shutil.copy(ts, copy)
    files = [str(p) for p in sources(name)]
    subprocess.run([_tool("pyside6-lupdate"), *files, "-ts", str(copy), "-target-language",
                    "zh_CN", "-source-language", "en", "-locations", "none", "-no-obsolete",
                    "-silent"], check=True, cwd=ROOT)
    assert {(c, s) for c, s, _ in _messages(copy)} == {(c, s) for c, s, _ in _messages(ts)}


@pytest.mark.parametrize("name", CATALOGUES)
def test_the_qm_file_is_compiled_from_the_current_ts(tmp_path, name):
    fresh = tmp_path / qm_file(name).name
    subprocess.run([_tool("pyside6-lrelease"), str(ts_file(name)), "-qm", str(fresh), "-silent"],
                   check=True)
    assert fresh.read_bytes() == qm_file(name).read_bytes(), "run resources/translations/update.sh"


def test_every_source_file_of_the_interface_is_in_a_catalogue():
    covered = {p for name in catalogues() for p in sources(name)}
    for folder in ("console/ui", "console/live", "console/map"):
        for path in (ROOT / folder).rglob("*.py"):
            assert path in covered, f"{path} is in no translation catalogue"


def _import_interface_modules() -> None:
    """Features register their error sentences when imported."""
    import importlib
    import pkgutil

    import console.map
    import console.ui
    for package in (console.ui, console.map):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def test_every_code_raised_in_the_sources_has_a_sentence():
    _import_interface_modules()
    assert set(LISTED_CODES) <= raised_codes()
    assert raised_codes() <= set(messages.ERROR_TEXTS)


def _Coded(error_code: str, **params) -> Exception:   # noqa: N802 — reads like the classes
    """The refusal that carries `error_code`: a DatabaseOpenError for db_ codes, else DomainError."""
    from console.domain.errors import DomainError
    from console.store.database import DatabaseOpenError
    kind = DatabaseOpenError if error_code.startswith("db_") else DomainError
    exc = kind(error_code)
    exc.params.update(params)   # the samples hold a `code` parameter too
    return exc


SAMPLE_PARAMS = dict(number="202611260042", action="dispatch", status="reported",
                     role="patrol", deadline="2026-11-26T17:00", code="1010101",
                     source="fax", phone="12", lon=116.4, lat=39.9, field="description",
                     limit=2000, username="zhang", what="case", key="42", device="phone-7",
                     battery=140, path="/data/console.db", detail="disk I/O error",
                     revision="9f3c", url="postgresql://db.example/console",
                     character="U+0000", name="环卫处", shift="('8', '25:00')",
                     unit="weeks", most=1000)


@pytest.mark.parametrize("code", sorted(set(LISTED_CODES) | set(messages.ERROR_TEXTS)))
def test_describe_error_gives_a_chinese_sentence(chinese, code):
    text = messages.describe_error(_Coded(code, **SAMPLE_PARAMS))
    assert CJK.search(text) and "{" not in text and "Traceback" not in text, text
    assert text.endswith(("。", "）", SAMPLE_PARAMS["detail"])), text


def test_describe_error_words_codes_inside_the_sentence(chinese):
    from console.domain.errors import DomainError, StaleVersion
    assert messages.describe_error(StaleVersion("202611260042", 3, 4)) == \
        "案卷 202611260042 已被他人修改，请刷新后重试。"
    assert messages.describe_error(DomainError("role_not_allowed", action="close",
                                               role="patrol")) == "“监督员”角色无权执行“结案”。"
    assert messages.describe_error(DomainError("text_too_long", field="address", limit=200)) \
        == "地址过长，最多 200 个字符。"


def test_unknown_codes_and_foreign_exceptions_get_an_honest_generic_sentence(chinese):
    from console.domain.errors import DomainError
    assert messages.describe_error(DomainError("brand_new_rule")) == \
        "操作未能完成（原因代码：brand_new_rule）。"
    assert messages.describe_error(_Coded("db_on_fire")) == \
        "无法使用该数据库（原因代码：db_on_fire）。"
    assert messages.describe_error(DomainError("bad_phone")) == "“…”不是有效的电话号码。"
    text = messages.describe_error(RuntimeError("socket closed\n  File x.py, line 3"))
    assert text == "发生意外错误，未保存任何内容。您输入的内容已保留，详细信息见日志。"


class _DriverError(Exception):
    """What psycopg2's errors look like from outside: a `.code` and a dict `.params` too."""

    code, params = "gkpj", {"x": 1}


def test_a_fault_with_code_and_params_is_not_taken_for_a_refusal(chinese):
    """Refusals are told by type: a driver's error is a fault, whatever attributes it has."""
    from sqlalchemy.exc import IntegrityError
    fault = IntegrityError("INSERT …", {}, _DriverError("duplicate key"))
    assert fault.code == "gkpj" and isinstance(fault.params, dict)
    assert not messages.is_refusal(fault)
    text = messages.describe_error(fault)
    assert "gkpj" not in text and text.startswith("发生意外错误")


def test_every_status_action_role_and_source_has_a_chinese_name(chinese):
    names = ([messages.status_name(s) for s in Status] + [messages.action_name(a) for a in Action]
             + [messages.role_name(r) for r in Role] + [messages.source_name(s) for s in SOURCES]
             + [messages.stage_name(s) for s in messages.STAGE_NAMES])
    assert all(CJK.search(n) for n in names), names
    assert [messages.role_name(r) for r in ("dispatcher", "leader", "department", "patrol",
                                            "admin")] == \
        ["值班员", "带班领导", "专业部门", "监督员", "系统管理员"]
    assert messages.source_name("patrol") == "监督员上报"
    assert messages.status_name("no_such_status") == "no_such_status"


def test_english_is_the_source_text(qapp):
    install_translators(qapp, "en")
    assert messages.stage_name("overdue") == "Overdue"
    assert messages.describe_error(_Coded("no_users")).startswith("This database has no")


def test_messages_work_with_a_bare_qcoreapplication():
    """The command line words its errors without widgets (no QApplication, no display)."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication(sys.argv)\n"
        "from console.common.i18n import install_translators\n"
        "from console.common.messages import describe_error\n"
        "from console.store.database import DatabaseOpenError\n"
        "install_translators(app, 'zh_CN')\n"
        "import PySide6.QtWidgets as w\n"
        "assert w.QApplication.instance() is None or type(app) is QCoreApplication\n"
        "sys.stdout.buffer.write(describe_error(DatabaseOpenError('db_locked', path='x.db'))"
        ".encode('utf-8'))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=ROOT,
                         check=True, timeout=60).stdout.decode("utf-8")
    assert out == "数据库 x.db 正被其他程序锁定，请关闭该程序后重试。"


def grid_problem_codes() -> set[str]:
    """Every problem code the grid importer adds to a report: `.add("code"` on a feature and
    `Problem("code"` for the file, in console/gis and the importing service."""
    pattern = re.compile(r'(?:\.add\(|Problem\()\s*"(\w+)"|"(\w+)"\s+if\b[^\n]*?\belse\s+"(\w+)"')
    files = [*(ROOT / "console" / "gis").glob("*.py"),
             *(ROOT / "console" / "services").glob("*grid_import.py")]
    found = {code for path in files for match in pattern.findall(path.read_text(encoding="utf-8"))
             for code in match}
    return found - {""}


def grid_refusal_codes() -> set[str]:
    """The importers' own refusals (GridImportError) and every refusal of the GIS readers
    (ReadError, CrsError), which reach the user as refusals of the same code."""
    pattern = re.compile(r'(?:GridImportError|ReadError|CrsError|GisError)\(\s*"(\w+)"')
    files = [*(ROOT / "console" / "gis").glob("*.py"),
             *(ROOT / "console" / "services").glob("*grid_import.py")]
    return {code for path in files for code in pattern.findall(path.read_text(encoding="utf-8"))}


GRID_SAMPLE = dict(why="no zone", crs="EPSG:4549", stated="EPSG:4528", x=512345, y=3345678,
                   km=840, grid=[120.1, 30.2], centre=[116.4, 39.9], code="1234", lengths=[14, 15],
                   field="JDMC", type="LineString", parts=2, holes=1, points=3,
                   reason="Self-intersection[120.1 30.2]", kept_share=0.93, count=2, first=4,
                   other="330106001001001", share=0.25, community="330106001001",
                   tolerance_m=50.0, officer="P0042", detail="bad zip", fields="BM, MC",
                   note="eastings", path="/data/grid.shp", name="grid.shp", limit_gb=2,
                   limit_mb=256, encoding="gbk", folder="/data", found="a.shp, b.shp",
                   feature=7, line=3, column=9, easting="47,512,345", zone=47,
                   grids=["W1", "W2"], kept="W1", member="data/g.shp",
                   **{"try": "EPSG:3857 (Web Mercator)"})


def test_every_grid_import_code_has_a_chinese_sentence(chinese):
    from console.common import grid_texts
    problems, refusals = grid_problem_codes(), grid_refusal_codes()
    assert {"bad_code", "self_intersection", "far_from_centre", "unknown_officer"} <= problems
    assert {"dbf_missing", "crs_unknown", "zip_too_large", "wrong_encoding",
            "grid_changed"} <= refusals
    worded = set(grid_texts.PROBLEM_TEXTS) | set(grid_texts.READER_TEXTS)
    assert problems <= worded, problems - worded
    worded = set(grid_texts.REFUSAL_TEXTS) | set(grid_texts.READER_TEXTS)
    assert refusals <= worded, refusals - worded
    for code in grid_texts.PROBLEM_TEXTS:
        text = grid_texts.problem_text(code, GRID_SAMPLE)
        assert CJK.search(text) and "{" not in text and "…" not in text, (code, text)
    for code in refusals | set(grid_texts.REFUSAL_TEXTS) | set(grid_texts.READER_TEXTS):
        text = grid_texts.refusal_text(code, GRID_SAMPLE)
        assert CJK.search(text) and "{" not in text and "…" not in text, (code, text)
        assert not text.startswith("问题 "), (code, text)   # not the sentence of an unknown code
    assert grid_texts.problem_text("bad_code", {"code": "12", "lengths": [14, 15]}) == \
        "单元网格编码“12”不是 14/15 位数字。"
    assert grid_texts.problem_text("overlap", {"other": "X", "share": 0.25}) == \
        "该单元网格与 X 重叠（占较小者的 25.0%）。"
    assert grid_texts.severity_text("error") == "错误"
    assert grid_texts.problem_text("brand_new") == "问题 brand_new。"
