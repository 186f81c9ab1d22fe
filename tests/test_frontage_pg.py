"""门前三包 on PostgreSQL: the same tests, each on a fresh database, and two
seats confirming one case's unit at once."""
from __future__ import annotations

import threading

import pytest

from console.domain.errors import StaleVersion
from console.services import frontage
from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg
from tests.service_city import MON, report

# Collected again here, where `db` (and so `city`) is PostgreSQL.
from tests.test_frontage import (  # noqa: F401
    add_unit,
    east_of,
    test_confirming_records_it_on_the_case_and_counts_an_offence,
    test_default_categories_are_found_by_name_in_the_seeded_catalogue,
    test_nearest_first_inactive_left_out_and_inside_a_polygon_is_zero,
    test_repeat_offences_raise_an_alert_that_clears_with_the_period,
    test_suggestion_exactly_at_the_threshold,
    test_the_threshold_is_the_setting_and_only_frontage_categories_suggest,
    test_warnings_are_listed_per_unit_and_bad_input_is_refused,
)
from tests.test_frontage_workbook import (  # noqa: F401
    book,
    test_bad_cells_refuse_the_whole_workbook,
    test_edited_rows_are_added_and_changed,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("frontage") as url:
        database = open_database(url)
        yield database
        database.dispose()


def test_two_seats_confirm_one_case_at_once(db, city):
    """Both read version v; the row lock lets one through, the other is told the case changed,
    and the case has one offence, of the unit that won."""
    units = [add_unit(db, city, f"F00{i}", f"商户{i}") for i in (1, 2)]
    change = report(db, city.dispatcher, lon=east_of(5)[0], lat=east_of(5)[1])
    for _ in range(5):
        gate = threading.Barrier(2)
        outcome: dict[int, object] = {}

        def seat(unit: int, version: int, gate=gate, outcome=outcome) -> None:
            gate.wait()
            try:
                with db.transaction() as s:
                    outcome[unit] = frontage.confirm_responsible(
                        s, city.dispatcher, change.case_id, version, unit, MON)
            except StaleVersion as exc:
                outcome[unit] = exc

        with db.session() as s:
            version = frontage.case_frontage(s, change.case_id).version
        threads = [threading.Thread(target=seat, args=(u, version)) for u in units]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        won = [u for u, o in outcome.items() if not isinstance(o, StaleVersion)]
        assert len(won) == 1
        with db.session() as s:
            assert frontage.confirmed_unit(s, change.case_id)[0] == won[0]
