"""`import.people_5k_s`: a workbook of 5,000 patrol officers with their accounts, phones and
shifts (a third on night shifts) imported into a new database — the file opened, every cell
checked, the database compared, all of it written and committed. Also the dry run alone and
the round trip of the unchanged export (which writes nothing)."""
from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from console.bench import Figure

PEOPLE = 5000


def write_workbook(path: Path, people: int = PEOPLE) -> None:
    """A centre's workbook: departments, one account per officer, officers, devices, shifts."""
    from openpyxl import Workbook

    from console.services.people_book import SHEETS
    book = Workbook(write_only=True)
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, ws in sheets.items():
        ws.append([f"{c.title} {c.key}" for c in SHEETS[name]])
    sheets["departments"].append(["城管执法局", "0571-12345678", "yes"])
    for n in range(1, people + 1):
        code = f"P{n:05d}"
        sheets["users"].append([f"patrol{n:05d}", f"巡查员{n:05d}", "patrol", None, "yes"])
        sheets["officers"].append([code, f"巡查员{n:05d}", f"139{n:08d}", None,
                                   f"patrol{n:05d}", "yes"])
        sheets["devices"].append([f"phone-{n:05d}", code, "yes"])
        if n % 3:
            sheets["shifts"].append([code, "01234", "08:00", "17:00"])
        else:
            sheets["shifts"].append([code, "0123456", "22:00", "06:00"])
    book.save(path)


def run() -> Iterator[Figure]:
    from console.services.people_export import export_people
    from console.services.people_import import administrator, import_people
    from console.store.database import open_database
    with tempfile.TemporaryDirectory(prefix="bench-people-") as tmp:
        folder = Path(tmp)
        book = folder / "people.xlsx"
        write_workbook(book)
        db = open_database(f"sqlite:///{folder / 'people.db'}")
        try:
            at = datetime.now().replace(microsecond=0)
            start, cpu = time.perf_counter(), time.process_time()
            with db.transaction() as s:
                report = import_people(s, administrator(s), book, at=at, dry_run=True)
            yield "import.people_5k_dry_run_s", time.perf_counter() - start, "s"
            start, cpu = time.perf_counter(), time.process_time()
            with db.transaction() as s:
                report = import_people(s, administrator(s), book, at=at)
            assert report.applied and report.added["officers"] == PEOPLE
            yield "import.people_5k_s", time.perf_counter() - start, "s"
            yield "import.people_5k_cpu_s", time.process_time() - cpu, "s"
            start = time.perf_counter()
            with db.transaction() as s:
                export_people(s, administrator(s), folder / "again.xlsx")
            yield "export.people_5k_s", time.perf_counter() - start, "s"
            start = time.perf_counter()
            with db.transaction() as s:
                again = import_people(s, administrator(s), folder / "again.xlsx", at=at)
            assert again.changes == 0
            yield "import.people_5k_unchanged_s", time.perf_counter() - start, "s"
        finally:
            db.dispose()
