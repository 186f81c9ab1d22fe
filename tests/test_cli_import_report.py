"""`import grid` and `import workgrids` print their report in the reader's language: Chinese by
default, English with --lang en — the summary lines as well as the problems' sentences."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from console.cli import main
from console.common.grid_report_texts import NOTES, encoding_note
from console.resources import ROOT
from tests.test_grid_import import cell, square, write_geojson
from tests.test_workgrid_import import area, box

# Four cells in a row; W1 covers the first two, W2 the third, none the fourth.
_SCRIPT = """
import sys
from console.cli import main
grid, works, db = sys.argv[1:4]
codes = [main(["import", "grid", grid, "--db", db]),
         main(["import", "workgrids", works, "--db", db, "--dry-run"]),
         main(["import", "workgrids", works, "--db", db])]
print("exit", *codes)
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    grid = write_geojson(tmp_path / "grid.geojson", [cell(i + 1, square(i)) for i in range(4)])
    works = write_geojson(tmp_path / "wg.geojson", [area("W1", box(0, 2)), area("W2", box(2, 3))])
    return grid, works


def test_the_work_grid_report_is_in_chinese_by_default(tmp_path):
    """In its own process: the command line's QCoreApplication must not precede a test's
    QApplication."""
    grid, works = _files(tmp_path)
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(grid), str(works),
                           str(tmp_path / "cli.db")], check=False, cwd=ROOT, capture_output=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=180)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 0 and "Traceback" not in err, err
    assert out.strip().endswith("exit 0 0 0"), out
    dry, real = out.split("wg.geojson：")[1:]
    assert dry.startswith("geojson，2 个要素，编码 utf-8（UTF-8（GeoJSON 规定的编码）），")
    assert "字段：code=ZRWGBM" in dry
    assert "单元网格：4 个；不在任何责任网格 1 个，同在两个责任网格 0 个" in dry
    assert "  不在任何责任网格：" in dry
    assert "责任网格预计：新建 2，变更 0，清空 0，不变 0；3 个单元网格调整归属，0 名监督员" in dry
    assert "  新建：W1, W2" in dry
    assert "责任网格已导入：新建 2，变更 0，清空 0，不变 0；3 个单元网格调整归属" in real
    # The grid's own report too, and no English word left in either.
    assert "已导入：新增 4，变更 0，不变 0，停用 0（0 件案卷保留原网格），恢复 0；跳过无效要素 0 个" in out
    # Names, not words: formats, attributes, and the field roles of the --*-field options.
    names = {"geojson", "GeoJSON", "EPSG", "exit", "CODE", "ZRWGBM", "ZRWGMC", "code", "name",
             "officer"}
    words = {w for w in re.findall(r"[A-Za-z]{4,}", out) if w not in str(tmp_path)} - names
    assert not words, words


def test_in_english_with_lang_en(tmp_path, capsys):
    grid, works = _files(tmp_path)
    db = str(tmp_path / "cli.db")
    assert main(["import", "grid", str(grid), "--db", db, "--lang", "en"]) == 0
    assert main(["import", "workgrids", str(works), "--db", db, "--lang", "en", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Imported: added 4, changed 0, kept 0, retired 0" in out
    assert "geojson, 2 features, encoding utf-8 (UTF-8 (GeoJSON's own encoding))" in out
    assert "Cells: 4; in no work grid 1, in two 0" in out
    assert "Work grids would: create 2, change 0, empty 0, keep 0; move 3 cells, 0 officers" in out
    assert "  created: W1, W2" in out


def test_every_encoding_note_of_the_reader_is_worded():
    """The reader writes its encoding note in English (a saved JSON report keeps it): each one
    it can write has a pattern, so none reaches a Chinese report untranslated."""
    source = (ROOT / "console" / "gis" / "reader.py").read_text(encoding="utf-8")
    assigned = [line for line in source.splitlines() if re.search(r"\bnote = ", line)]
    notes = {re.sub(r"\{\w+\}", "cp936", text) for line in assigned
             for text in re.findall(r'"([^"]*)"', line)} - {"", "utf-8"}
    assert len(notes) >= 6, notes
    for note in notes:
        assert any(p.fullmatch(note) for p, _ in NOTES), note
    assert encoding_note("from the .cpg (cp936)") == "from the .cpg (cp936)"
    assert encoding_note("something new") == "something new"
