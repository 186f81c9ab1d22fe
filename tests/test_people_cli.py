"""The command line of the imports: exit codes and one-line refusals."""
from __future__ import annotations

import pytest

from console.cli import main

# The refusals load translators into the running Qt application, or make a QCoreApplication when
# there is none; a QCoreApplication made here would abort the QApplication of every later Qt
# test in the run ("Fatal Python error: Aborted"). So the test run's QApplication comes first.
pytestmark = pytest.mark.usefixtures("qapp")


def test_export_import_and_refusals(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["init-db", "--db", db]) == 0
    book = str(tmp_path / "p.xlsx")
    assert main(["export", "people", book, "--db", db]) == 0
    assert main(["import", "people", book, "--db", db, "--dry-run"]) == 0
    assert "0 changes (dry run: nothing written)" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    assert main(["import", "people", str(bad), "--db", db, "--lang", "en"]) == 2
    assert "is not an Excel workbook" in capsys.readouterr().err
    assert main(["calendar", "status", "--db", db]) in (0, 1)
    assert main(["calendar", "seed", "--db", db, "--year", "2026"]) == 0
    assert "make-up workdays" in capsys.readouterr().out
