"""A small town whose evaluation figures the tests work out by hand.

Week under evaluation: Monday 2026-03-09 to Monday 2026-03-16; Wednesday 11 March is a
public holiday (deadlines skip it). Two departments (甲局 in street 一, 乙局 in street 二),
three communities, two patrol officers (P1 reports, P2 checks). The cases are written out one
by one, each with the dates that put it in (or out of) every count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from console.domain.work_calendar import WorkCalendar
from console.store.models import (Case, Cell, Community, Department, District, PatrolOfficer,
                                  Street)

MON = datetime(2026, 3, 9)
HOLIDAY = date(2026, 3, 11)
CALENDAR = WorkCalendar(holidays=frozenset({HOLIDAY}))
CATEGORY = "20102"


def at(day: int, hour: float) -> datetime:
    """Day `day` of March 2026 at `hour` o'clock."""
    return datetime(2026, 3, day) + timedelta(hours=hour)


@dataclass
class Town:
    depts: dict[str, int]
    streets: dict[str, int]
    communities: dict[str, int]
    officers: dict[str, int]
    cases: dict[str, int]           # name → id


def _cell(code: str, community_id: int) -> Cell:
    return Cell(code=code, community_id=community_id, ring=[[0, 0], [1, 0], [1, 1], [0, 0]],
                centroid_lon=0.5, centroid_lat=0.5, area_m2=1.0, min_lon=0, min_lat=0,
                max_lon=1, max_lat=1)


def build(db) -> Town:
    with db.transaction() as s:
        district = District(code="339901", name="测试区")
        s.add(district)
        s.flush()
        streets = {n: Street(code=f"33990100{i}", name=n, district_id=district.id)
                   for i, n in enumerate(("一街道", "二街道"), start=1)}
        s.add_all(streets.values())
        s.flush()
        comms = {n: Community(code=f"3399010000{i}", name=n, street_id=streets[st].id)
                 for i, (n, st) in enumerate((("一甲社区", "一街道"), ("一乙社区", "一街道"),
                                              ("二甲社区", "二街道")), start=1)}
        s.add_all(comms.values())
        s.flush()
        cells = {n: _cell(f"3399010000{i}01", comms[n].id) for i, n in enumerate(comms, start=1)}
        s.add_all(cells.values())
        depts = {n: Department(name=n) for n in ("甲局", "乙局")}
        s.add_all(depts.values())
        officers = {n: PatrolOfficer(code=n, name=f"巡查{n}") for n in ("P1", "P2")}
        s.add_all(officers.values())
        s.flush()
        A, B = depts["甲局"].id, depts["乙局"].id
        P1, P2 = officers["P1"].id, officers["P2"].id
        X, Y, Z = (cells[n].id for n in comms)

        def case(name, *, dept, cell, reported, dispatched=None, deadline=None, handled=None,
                 closed=None, status="closed", source="hotline", rework=0, ext=0, ret=0,
                 reporter=None, checker=None, registered=True):
            return Case(number=name, source=source, category_code=CATEGORY, cell_id=cell,
                        status=status, reported_at=reported,
                        registered_at=reported + timedelta(minutes=5) if registered else None,
                        dispatched_at=dispatched, deadline=deadline, handled_at=handled,
                        closed_at=closed, department_id=dept, rework_count=rework,
                        extension_count=ext, return_count=ret, reporter_patrol_id=reporter,
                        check_patrol_id=checker, updated_at=reported)

        one_work_day = CALENDAR.deadline(at(10, 10), 1, "work_days")
        assert one_work_day == at(12, 10)        # Tuesday + 1 work day, over the holiday
        rows = [
            # 甲局, community 一甲: on time; on time over the holiday; late, reworked, extended.
            case("a1", dept=A, cell=X, reported=at(9, 8.5), dispatched=at(9, 9),
                 deadline=at(9, 17), handled=at(9, 15), closed=at(9, 16), source="patrol",
                 reporter=P1, checker=P2),
            case("a2", dept=A, cell=X, reported=at(10, 9.5), dispatched=at(10, 10),
                 deadline=one_work_day, handled=at(12, 9), closed=at(12, 11),
                 source="patrol", reporter=P1),
            case("a3", dept=A, cell=X, reported=at(12, 8.5), dispatched=at(12, 9),
                 deadline=at(12, 12), handled=at(13, 10), closed=at(13, 11), source="patrol",
                 rework=1, ext=1, reporter=P1, checker=P2),
            # Dispatched Friday, handled on Saturday before its deadline next Tuesday: not due.
            case("a5", dept=A, cell=X, reported=at(13, 13.5), dispatched=at(13, 14),
                 deadline=at(17, 10), handled=at(14, 10), status="handled"),
            # 甲局, community 一乙: overdue, never handled.
            case("a4", dept=A, cell=Y, reported=at(13, 8.5), dispatched=at(13, 9),
                 deadline=at(13, 11), status="dispatched"),
            # 乙局, community 二甲: on time but first sent to the wrong department, checked late.
            case("b1", dept=B, cell=Z, reported=at(9, 9.5), dispatched=at(9, 10),
                 deadline=at(10, 10), handled=at(9, 14), closed=at(9, 20), ret=1, checker=P2),
            # The week before: on time (the previous period's only case).
            case("b2", dept=B, cell=Z, reported=at(3, 8.5), dispatched=at(3, 9),
                 deadline=at(5, 17), handled=at(4, 10), closed=at(4, 11)),
            # Cancelled after dispatch: in no count but 立案.
            case("b3", dept=B, cell=Z, reported=at(10, 8.5), dispatched=at(10, 9),
                 deadline=at(11, 17), status="cancelled"),
            # Deadline Friday, handled only the Monday after the week: due, overdue at its end.
            case("b4", dept=B, cell=Z, reported=at(11, 8.5), dispatched=at(11, 9),
                 deadline=at(13, 17), handled=at(16, 10), closed=at(16, 12), source="patrol",
                 reporter=P1),
            # A report by P1 that was not registered.
            case("r1", dept=None, cell=X, reported=at(10, 15), status="rejected",
                 source="patrol", reporter=P1, registered=False),
        ]
        s.add_all(rows)
        s.flush()
        return Town({n: d.id for n, d in depts.items()}, {n: x.id for n, x in streets.items()},
                    {n: x.id for n, x in comms.items()}, {n: o.id for n, o in officers.items()},
                    {c.number: c.id for c in rows})
