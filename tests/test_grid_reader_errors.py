"""Every way a GIS file or a coordinate system can be refused reaches the user as a sentence of
its own, in Chinese and English, with the file's own details in it — not exception text."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import shapefile

from console.common import grid_texts
from console.common.i18n import install_translators
from console.gis import reader
from console.services.grid_import import GridImportError, GridImportOptions, plan_grid_import
from console.services.workgrid_import import WorkGridImportOptions, plan_workgrid_import
from tests.test_grid_import import COMMUNITY, cell, db, square, write_geojson, write_shp  # noqa: F401

# pyshp warns of the cut file before it fails to read it: the refusal is what is tested.
pytestmark = pytest.mark.filterwarnings("ignore:Declared file size")
CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD = {"type": "FeatureCollection", "features": [cell(1, square(0))]}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _deflate64_zip(path: Path) -> Path:
    """A zip whose member says it is packed with Deflate64 (Windows' own zip writes such),
    which Python's zipfile cannot unpack."""
    data = bytearray(_zip(path, {"g.geojson": json.dumps(GOOD).encode()}).read_bytes())
    data[8:10] = (9).to_bytes(2, "little")                      # the local header's method
    central = data.find(b"PK\x01\x02")
    data[central + 10:central + 12] = (9).to_bytes(2, "little")  # and the directory's
    path.write_bytes(bytes(data))
    return path


def _points_shp(path: Path) -> Path:
    with shapefile.Writer(str(path), shapeType=shapefile.POINT) as w:
        w.field("CODE", "C", 15)
        w.point(120.15, 30.27)
        w.record(f"{COMMUNITY}01")
    return path


def _damaged_shp(path: Path) -> Path:
    write_shp(path, [square(0), square(1)], [(f"{COMMUNITY}01", "a"), (f"{COMMUNITY}02", "b")])
    data = path.read_bytes()
    path.write_bytes(data[:len(data) - 40])       # the last polygon cut short
    path.with_suffix(".shx").unlink()
    return path


def _gk(path: Path, easting: float) -> Path:
    ring = [[easting + x * 100, 3_350_000 + y * 100] for x, y in ((0, 0), (1, 0), (1, 1), (0, 0))]
    return write_geojson(path, [cell(1, ring)])


# case → (how to make the file in tmp_path, options, the code expected)
CASES = {
    "file_missing": (lambda t: t / "nowhere.shp", {}),
    "not_grid_file": (lambda t: _write(t / "grid.txt", b"code,name"), {}),
    "folder_not_one_file": (lambda t: _folder(t / "empty"), {}),
    "zip_unreadable": (lambda t: _write(t / "grid.zip", b"PK not really"), {}),
    "zip_not_one_file": (lambda t: _zip(t / "two.zip", {"a.geojson": b"{}", "b.geojson": b"{}"}),
                         {}),
    "zip_member_unreadable": (lambda t: _deflate64_zip(t / "d64.zip"), {}),
    "dbf_missing": (lambda t: _without(write_shp(t / "g.shp", [square(0)], [(f"{COMMUNITY}01",
                                                                            "a")]), ".dbf"), {}),
    "unknown_encoding": (lambda t: write_geojson(t / "g.geojson", GOOD["features"]),
                         {"encoding": "klingon"}),
    "wrong_encoding": (lambda t: write_shp(t / "gbk.shp", [square(0)],
                                           [(f"{COMMUNITY}01", "湖滨社区")], encoding="gbk",
                                           cpg=False), {"encoding": "utf-8"}),
    "encoding_undetected": (lambda t: _write(t / "g.geojson", b'{"type": "\xff\xfe\xff"}'), {}),
    "shapefile_unreadable": (lambda t: _garbage_shp(t / "junk.shp"), {}),
    "not_polygons": (lambda t: _points_shp(t / "points.shp"), {}),
    "shapefile_damaged": (lambda t: _damaged_shp(t / "cut.shp"), {}),
    "json_invalid": (lambda t: _write(t / "g.geojson", b'{"type": \n "Feature",,}'), {}),
    "not_feature_collection": (lambda t: _write(t / "g.geojson", b'{"type": "Point"}'), {}),
    "crs_unknown": (lambda t: write_geojson(t / "g.geojson", GOOD["features"]),
                    {"crs": "nonsense"}),
    "crs_not_map": (lambda t: write_geojson(t / "g.geojson", GOOD["features"]),
                    {"crs": "EPSG:4978"}),
    "prj_unknown": (lambda t: _prj(write_shp(t / "g.shp", [square(0)], [(f"{COMMUNITY}01", "a")]),
                                   "GEOGCS[nonsense"), {}),
}
# Found while checking the coordinates: the report's file problem, not a refusal.
FILE_PROBLEMS = {
    "gk_zone_not_chinese": (lambda t: _gk(t / "gk.geojson", 47_512_345), {"crs": "GK3"}),
    "gk_zone_needed": (lambda t: _gk(t / "gk.geojson", 512_345), {"crs": "GK3"}),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _without(path: Path, ext: str) -> Path:
    path.with_suffix(ext).unlink()
    return path


def _prj(path: Path, text: str) -> Path:
    path.with_suffix(".prj").write_text(text)
    return path


def _garbage_shp(path: Path) -> Path:
    path.write_bytes(b"\x00" * 50)
    path.with_suffix(".dbf").write_bytes(b"\x03" + b"\x00" * 40)
    return path


def _sentences(qapp, code: str, params: dict) -> tuple[str, str]:
    english = grid_texts.refusal_text(code, params)
    install_translators(qapp, "zh_CN")
    try:
        chinese = grid_texts.refusal_text(code, params)
    finally:
        install_translators(qapp, "en")
    return english, chinese


def _assert_worded(english: str, chinese: str) -> None:
    for text in (english, chinese):
        assert "{" not in text and "…" not in text and "Problem" not in text, text
        assert "Traceback" not in text and "Error(" not in text, text
    assert not CJK.search(english.replace("湖滨社区", "")), english
    assert CJK.search(chinese) and not chinese.startswith("问题 "), chinese


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_refusal_has_its_code_and_a_sentence_in_both_languages(qapp, db, tmp_path, code):
    make, options = CASES[code]
    path = make(tmp_path)
    with db.session() as s, pytest.raises(GridImportError) as refused:
        plan_grid_import(s, path, GridImportOptions(**options))
    assert refused.value.code == code, str(refused.value)
    english, chinese = _sentences(qapp, code, refused.value.params)
    _assert_worded(english, chinese)
    # The work-grid file goes through the same readers and refuses alike.
    with db.session() as s, pytest.raises(GridImportError) as again:
        plan_workgrid_import(s, path, WorkGridImportOptions(
            crs=options.get("crs"), encoding=options.get("encoding")))
    assert again.value.code == code


def test_the_sentences_name_the_files_own_details(qapp, db, tmp_path):
    with db.session() as s, pytest.raises(GridImportError) as refused:
        plan_grid_import(s, CASES["json_invalid"][0](tmp_path))
    english, chinese = _sentences(qapp, "json_invalid", refused.value.params)
    assert english == "g.geojson is not valid JSON (line 2, column 12)."
    assert "g.geojson" in chinese and "2" in chinese and "12" in chinese
    archive = _zip(tmp_path / "grid.zip", {"data/g.shp": b"x", "data/g.shx": b"x"})
    with db.session() as s, pytest.raises(GridImportError) as refused:
        plan_grid_import(s, archive)
    assert refused.value.code == "dbf_missing"
    assert refused.value.params["name"] == "g.shp (grid.zip)"


@pytest.mark.parametrize("code", sorted(FILE_PROBLEMS))
def test_coordinate_refusals_found_while_checking_are_worded_file_problems(qapp, db, tmp_path,
                                                                          code):
    make, options = FILE_PROBLEMS[code]
    with db.session() as s:
        report = plan_grid_import(s, make(tmp_path), GridImportOptions(**options))
    [problem] = report.problems
    assert problem.code == code and not report.importable
    english = grid_texts.problem_text(code, problem.detail)
    install_translators(qapp, "zh_CN")
    try:
        chinese = grid_texts.problem_text(code, problem.detail)
    finally:
        install_translators(qapp, "en")
    _assert_worded(english, chinese)


def test_a_zip_too_large_and_a_file_that_cannot_be_read(qapp, db, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1024)
    big = _zip(tmp_path / "big.zip", {"g.geojson": json.dumps(GOOD).encode() + b" " * 4096})
    with db.session() as s, pytest.raises(GridImportError) as refused:
        plan_grid_import(s, big)
    assert refused.value.code == "zip_too_large"
    _assert_worded(*_sentences(qapp, "zip_too_large", refused.value.params))
    monkeypatch.undo()
    path = write_geojson(tmp_path / "locked.geojson", GOOD["features"])

    def denied(self):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(Path, "read_bytes", denied)
    with db.session() as s, pytest.raises(GridImportError) as refused:
        plan_grid_import(s, path)
    assert refused.value.code == "file_unreadable"
    _assert_worded(*_sentences(qapp, "file_unreadable", refused.value.params))


def test_the_command_line_says_it_in_chinese(tmp_path):
    """In its own process: the command line's QCoreApplication must not precede a test's
    QApplication."""
    import os
    import subprocess
    import sys

    from console.resources import ROOT
    path = CASES["dbf_missing"][0](tmp_path)
    done = subprocess.run([sys.executable, "-m", "console", "import", "workgrids", str(path),
                           "--db", str(tmp_path / "cli.db"), "--dry-run"], cwd=ROOT,
                          capture_output=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          timeout=180)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "Traceback" not in err
    assert "g.shp" in err and CJK.search(err) and ".dbf" in err, err

