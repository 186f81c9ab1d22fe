"""The layers stay apart: import-linter contracts from pyproject.toml."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    """domain/store/services/sim import no Qt; the domain no SQL; widgets no SQLAlchemy."""
    result = subprocess.run([sys.executable, "-c",
                             "import sys; from importlinter.cli import lint_imports_command;"
                             "sys.exit(lint_imports_command())"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_qt_free_layers_import_without_qt():
    """The headless layers load in a process where importing PySide6 would fail."""
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['pyqtgraph'] = None;"
            "import console.domain.workflow, console.domain.work_calendar, console.store.database,"
            "console.services.cases, console.services.positions, console.sim.simulator,"
            "console.sim.demo; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
