"""PostgreSQL: an administrator reinstates a 细类 while another retires its 小类. Whichever
commits second sees the first: a retired 小类 never keeps an active 细类."""
from __future__ import annotations

import threading

from sqlalchemy import select, text

from console.services import categories
from console.services.actor import actor_for
from console.store.database import open_database
from console.store.models import Category
from tests.pg_server import fresh_database, needs_pg
from tests.service_city import MANHOLE, MON

pytestmark = needs_pg


def test_reinstating_a_fine_class_while_its_class_is_retired():
    with fresh_database("cat_race") as url:
        a, b = open_database(url), open_database(url)
        try:
            with a.transaction() as s:
                fine = categories.add_subclass(s, actor_for(s, "admin"), MANHOLE,
                                               name="井盖破损", at=MON)
                categories.set_active(s, actor_for(s, "admin"), fine, False, at=MON)
            reinstating = a.session()
            reinstating.begin()
            assert categories.set_active(reinstating, actor_for(reinstating, "admin"), fine,
                                         True, at=MON)
            done: dict = {}

            def retire():
                try:
                    with b.transaction() as s:
                        done["retired"] = categories.set_active(s, actor_for(s, "admin"),
                                                                MANHOLE, False, at=MON)
                except BaseException as exc:   # noqa: BLE001 — asserted below
                    done["error"] = exc
            racer = threading.Thread(target=retire)
            racer.start()
            with a.engine.connect() as watch:          # the retirement waits on the 小类's lock
                for _ in range(1000):
                    waiting = watch.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND wait_event_type = 'Lock'")).scalar()
                    # pg_stat_activity is a snapshot taken once a transaction: without ending
                    # it, every look saw the first one, and the test passed only when the
                    # racer already waited then (it failed one run in two, at lock_timeout).
                    watch.rollback()
                    if waiting:
                        break
                    if not racer.is_alive():
                        raise AssertionError(f"the retirement ended without waiting: {done}")
                    threading.Event().wait(0.01)
                else:
                    raise AssertionError("the retirement never waited for the reinstatement")
            reinstating.commit()
            reinstating.close()
            racer.join(30)
            assert "error" not in done, done.get("error")
            assert done["retired"] == [MANHOLE, fine]
            with a.session() as s:
                rows = dict(s.execute(select(Category.code, Category.active)
                                      .where(Category.code.in_([MANHOLE, fine]))).all())
            assert rows == {MANHOLE: False, fine: False}
        finally:
            a.dispose()
            b.dispose()
