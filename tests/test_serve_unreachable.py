"""`serve` started while its database cannot be reached: a clear sentence and a non-zero exit, not
a server that takes fixes it can never write (the bounded queue is for outages after start)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_ingest_serve import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_serve_refuses_to_start_without_its_database():
    nobody = free_port()   # bound, then let go: nothing listens there
    port = free_port()
    done = subprocess.run(
        [sys.executable, "-m", "console", "--lang", "en", "serve",
         "--db", f"postgresql+psycopg2://console@127.0.0.1:{nobody}/city",
         "--host", "127.0.0.1", "--port-osmand", str(port)],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "cannot be reached" in done.stderr, done.stderr
    assert f"127.0.0.1:{nobody}" in done.stderr
    assert "Uvicorn running" not in done.stdout + done.stderr
