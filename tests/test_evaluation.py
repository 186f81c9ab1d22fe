"""Evaluation (综合评价) against a town whose every figure is worked out by hand here.

tests/evaluation_town.py lists the cases; the week is 9–16 March 2026 with a holiday on the
Wednesday. Each figure below names the cases that make it.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from console.domain.evaluation import (Level, Period, PeriodKind, Term, composite, grade,
                                       parse_reference, period_of, reference)
from console.services.evaluation import cases_behind, evaluate, evaluate_many
from console.store.models import Setting
from tests import evaluation_town as T
from tests.pg_server import PG_URL, fresh_database

WEEK = Period(T.MON, datetime(2026, 3, 16))
NOW = T.at(20, 12)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, db):
    """The test database on SQLite, and on a fresh PostgreSQL database when one is set."""
    if request.param == "sqlite":
        yield db
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    from console.store.database import open_database
    with fresh_database("console_eval") as url:
        pg = open_database(url)
        try:
            yield pg
        finally:
            pg.dispose()


@pytest.fixture
def town(database):
    return T.build(database)


def _rank(database, level, period=WEEK, now=NOW):
    with database.session() as s:
        ranking = evaluate(s, level, period, now)
    return {r.name: r for r in ranking.rows}


def _parts(row, key):
    f = row.figures[key]
    return (f.numerator, f.denominator)


# --- the reference as data -----------------------------------------------------------------

def test_the_shipped_reference_is_the_shared_one():
    shared = Path("/work/shared/reference/kpis.md")
    if shared.exists():
        from console.domain.evaluation import REFERENCE_FILE
        assert REFERENCE_FILE.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")


def test_weights_and_bands_are_read_from_the_reference():
    ref = reference()
    assert ref.composites["department"] == (Term("closure_rate", 30), Term("on_time_handling_rate", 40),
                                            Term("rework_rate", 30, inverted=True))
    assert ref.composites["region"][-1] == Term("supervision_report_rate", 10)
    assert ref.grades == (("A", 90), ("B", 75), ("C", 60), ("D", 40), ("E", 0))
    assert ref.indicators["on_time_check_rate"].name_zh == "按时核查率"
    edited = parse_reference(reference_text().replace("结案率 30% + 按期处置率 40%",
                                                      "结案率 50% + 按期处置率 20%"))
    assert edited.composites["department"][0] == Term("closure_rate", 50)


def reference_text() -> str:
    from console.domain.evaluation import REFERENCE_FILE
    return REFERENCE_FILE.read_text(encoding="utf-8")


# --- grade bands and composites --------------------------------------------------------------

@pytest.mark.parametrize("score,expected", [
    (100, "A"), (90, "A"), (89.99, "B"), (75, "B"), (74.99, "C"), (60, "C"), (59.99, "D"),
    (40, "D"), (39.99, "E"), (0, "E"), (None, None)])
def test_grade_band_edges(score, expected):
    assert grade(score, reference().grades) == expected


def test_a_composite_of_exactly_ninety_is_an_a():
    terms = reference().composites["department"]
    score = composite({"closure_rate": 1.0, "on_time_handling_rate": 0.75, "rework_rate": 0.0}, terms)
    assert score == pytest.approx(90) and grade(score, reference().grades) == "A"
    score = composite({"closure_rate": 0.7, "on_time_handling_rate": 0.7, "rework_rate": 0.3}, terms)
    assert grade(score, reference().grades) == "C"          # 21 + 28 + 21 = 70


def test_an_indicator_without_data_is_left_out_not_zero():
    terms = reference().composites["patrol officer"]
    assert composite({"valid_report_rate": 0.8}, terms) == pytest.approx(80)
    assert composite({}, terms) is None


def test_periods():
    now = datetime(2026, 3, 12, 15, 30)          # a Thursday
    assert period_of(PeriodKind.DAY, now) == Period(datetime(2026, 3, 12), datetime(2026, 3, 13))
    assert period_of("week", now) == WEEK
    month = period_of("month", now)
    assert month == Period(datetime(2026, 3, 1), datetime(2026, 4, 1))
    assert month.previous() == Period(datetime(2026, 1, 29), datetime(2026, 3, 1))
    assert period_of("custom", now, date(2026, 3, 9), date(2026, 3, 15)) == WEEK
    # Rolling: whole days up to tomorrow's midnight, today included.
    last7 = period_of(PeriodKind.LAST_7_DAYS, now)
    assert last7 == Period(datetime(2026, 3, 6), datetime(2026, 3, 13)) and last7.days == 7
    assert last7.previous() == Period(datetime(2026, 2, 27), datetime(2026, 3, 6))
    assert period_of("last30", now) == Period(datetime(2026, 2, 11), datetime(2026, 3, 13))


# --- every indicator, by hand ----------------------------------------------------------------

def test_department_indicators(database, town):
    rows = _rank(database, Level.DEPARTMENT)
    a, b = rows["甲局"], rows["乙局"]
    # 甲局: due a1 a2 a3 a4 (a5's deadline is next week); closed a1 a2 a3; on time a1 a2
    # (a2's deadline skips the Wednesday holiday: Thursday 10:00, handled 09:00).
    assert a.figures["due"].value == 4
    assert _parts(a, "closure_rate") == (3, 4)
    assert _parts(a, "on_time_closure_rate") == (2, 4)
    assert _parts(a, "rework_rate") == (1, 4) and _parts(a, "extension_rate") == (1, 4)
    # dispatched a1–a5; handled a1 a2 a3 a5; on time a1 a2 a5; none returned.
    assert _parts(a, "handling_rate") == (4, 5)
    assert _parts(a, "on_time_handling_rate") == (3, 5)
    assert _parts(a, "correct_dispatch_rate") == (5, 5)
    assert a.figures["overdue"].value == 1                     # a4
    assert a.figures["registered"].value == 5
    # 30 × 3/4 + 40 × 3/5 + 30 × (1 − 1/4) = 22.5 + 24 + 22.5
    assert a.score == pytest.approx(69) and a.grade == "C"
    assert a.previous_score is None and a.change is None
    # 乙局: due b1 b4 (b3 cancelled, b2 last week); closed and on time b1; b4 handled after
    # the week (overdue at its end); b1 had been returned (回退) once.
    assert _parts(b, "closure_rate") == (1, 2) and _parts(b, "on_time_closure_rate") == (1, 2)
    assert _parts(b, "rework_rate") == (0, 2)
    assert _parts(b, "handling_rate") == (1, 2) and _parts(b, "on_time_handling_rate") == (1, 2)
    assert _parts(b, "correct_dispatch_rate") == (1, 2)
    assert b.figures["overdue"].value == 1
    assert b.figures["registered"].value == 3                  # b1 b3 b4
    assert b.score == pytest.approx(65) and b.grade == "C"     # 15 + 20 + 30
    # The week before: b2 alone, on time → 100; the change is 65 − 100.
    assert b.previous_score == pytest.approx(100) and b.change == pytest.approx(-35)
    assert [r.name for r in sorted(rows.values(), key=lambda r: r.rank or 99)][:2] == ["甲局", "乙局"]


def test_the_scan_gives_its_connection_back_with_the_cache_it_had(database, town):
    """The grouped scan widens SQLite's page cache for itself only: a pooled connection kept at
    32 MiB would hold that memory for the rest of the seat's life. PostgreSQL is left alone."""
    from console.store import evaluation_queries as q
    with database.session() as s:
        connection = s.connection()
        sqlite = connection.dialect.name == "sqlite"
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None
        seen = []
        real = connection.exec_driver_sql

        def spy(sql, *args, **kw):
            seen.append(sql)
            return real(sql, *args, **kw)
        connection.exec_driver_sql = spy
        rows = q.unit_counts_many(s, [(WEEK.start, NOW)], 24.0)
        assert rows                                               # it did scan the town
        if not sqlite:
            assert seen == []
            return
        assert seen == ["PRAGMA cache_size", f"PRAGMA cache_size=-{q.SCAN_CACHE_KIB}",
                        f"PRAGMA cache_size={before}"]
        assert real("PRAGMA cache_size").scalar() == before


def test_region_indicators(database, town):
    streets = _rank(database, Level.STREET)
    s1, s2 = streets["一街道"], streets["二街道"]
    assert _parts(s1, "closure_rate") == (3, 4) and _parts(s1, "on_time_closure_rate") == (2, 4)
    assert _parts(s1, "rework_rate") == (1, 4)
    assert _parts(s1, "supervision_report_rate") == (3, 5)     # a1 a2 a3 of a1–a5
    # 30 × 3/4 + 40 × 2/4 + 20 × 3/4 + 10 × 3/5 = 22.5 + 20 + 15 + 6
    assert s1.score == pytest.approx(63.5) and s1.grade == "C"
    assert _parts(s2, "closure_rate") == (1, 2) and _parts(s2, "supervision_report_rate") == (1, 3)
    assert s2.score == pytest.approx(15 + 20 + 20 + 10 / 3) and s2.grade == "D"
    # before: b2 closed on time, by hotline: 30 + 40 + 20 + 0
    assert s2.previous_score == pytest.approx(90) and s2.change == pytest.approx(s2.score - 90)
    communities = _rank(database, Level.COMMUNITY)
    c11, c12 = communities["一甲社区"], communities["一乙社区"]
    # 一甲: due a1 a2 a3, all closed, a1 a2 on time, a3 reworked; reported by patrol 3 of 4.
    assert c11.score == pytest.approx(30 + 40 * 2 / 3 + 20 * 2 / 3 + 10 * 3 / 4) and c11.grade == "B"
    # 一乙: a4 alone — due, open, not reworked, from the hotline: 20 × 1.
    assert c12.score == pytest.approx(20) and c12.grade == "E"
    assert communities["二甲社区"].score == pytest.approx(s2.score)


def test_patrol_indicators(database, town):
    rows = _rank(database, Level.PATROL)
    p1, p2 = rows["巡查P1 (P1)"], rows["巡查P2 (P2)"]
    assert _parts(p1, "valid_report_rate") == (4, 5)           # a1 a2 a3 b4 of those and r1
    assert p1.figures["on_time_check_rate"].value is None
    assert p1.figures["on_time_verify_rate"].value is None     # 核实 is not in the workflow yet
    assert p1.score == pytest.approx(80) and p1.grade == "B"
    # checks a1 (1 h), a3 (1 h), b1 (6 h > the 4 h setting)
    assert _parts(p2, "on_time_check_rate") == (2, 3)
    assert p2.score == pytest.approx(200 / 3) and p2.grade == "C"


def test_the_cases_behind_each_figure(database, town):
    ids = {v: k for k, v in town.cases.items()}

    def behind(level, unit, key, part="numerator"):
        with database.session() as s:
            return sorted(ids[c["id"]] for c in cases_behind(s, level, unit, key, WEEK, NOW, part))
    a = town.depts["甲局"]
    assert behind("department", a, "closure_rate") == ["a1", "a2", "a3"]
    assert behind("department", a, "closure_rate", "denominator") == ["a1", "a2", "a3", "a4"]
    assert behind("department", a, "on_time_handling_rate") == ["a1", "a2", "a5"]
    assert behind("department", a, "overdue") == ["a4"]
    assert behind("department", a, "overdue", "denominator") == []
    assert behind("street", town.streets["二街道"], "overdue") == ["b4"]
    assert behind("community", town.communities["一甲社区"], "rework_rate") == ["a3"]
    assert behind("patrol", town.officers["P1"], "valid_report_rate", "denominator") == \
        ["a1", "a2", "a3", "b4", "r1"]
    assert behind("patrol", town.officers["P2"], "on_time_check_rate") == ["a1", "a3"]


def test_weights_and_bands_come_from_the_shared_settings(database, town):
    with database.transaction() as s:
        s.add(Setting(key="evaluation_weights", updated_at=NOW, value={"v": {
            "department": {"terms": [["closure_rate", 100, False]]},
            "region": {"terms": [["closure_rate", 100, False]]},
            "patrol officer": {"terms": [["valid_report_rate", 100, False]]}}}))
        s.add(Setting(key="evaluation_grades", updated_at=NOW,
                      value={"v": [["A", 75], ["B", 50], ["E", 0]]}))
    a = _rank(database, Level.DEPARTMENT)["甲局"]
    assert a.score == pytest.approx(75) and a.grade == "A"     # closure 3/4 alone


def test_a_scope_restricts_the_cases(database, town):
    from console.store.evaluation_queries import Scope
    with database.session() as s:
        r = evaluate_many(s, ("department", "street"), WEEK, NOW,
                          Scope(communities=(town.communities["一乙社区"],)))
    a = {x.name: x for x in r[Level.DEPARTMENT].rows}["甲局"]
    assert _parts(a, "closure_rate") == (0, 1)                 # a4 alone
    assert {x.name: x.score for x in r[Level.STREET].rows}["二街道"] is None
