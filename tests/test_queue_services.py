"""The queue reads: every tab, filter and order against a plain Python oracle over all cases."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from console.domain.roles import Role
from console.domain.work_calendar import WorkCalendar
from console.services import cases
from console.services import queues as Q
from console.store import queue_queries
from console.store.models import Case, CaseCampaign, Category, Cell, Community, Street
from tests.pg_server import fresh_database, needs_pg
from tests.queue_city import CATEGORIES, NOW, add_history, add_verifying, build_city

#: The roles that see callers' numbers in full (tests/test_privacy.py checks the table).
DESK = frozenset({Role.DISPATCHER, Role.LEADER, Role.ADMIN})


@dataclass(frozen=True)
class Fact:
    """Everything the oracle needs to know about one case."""

    case: Case
    category_name: str
    major_name: str
    community_id: int
    street_id: int
    district_id: int
    cell_code: str
    campaigns: frozenset[int]




@contextmanager
def _database(kind: str, folder):
    """A fresh database: a SQLite file, or one on the test PostgreSQL server."""
    from console.store.database import open_database
    if kind == "sqlite":
        db = open_database(f"sqlite:///{folder / 'q.db'}")
        yield db
        db.dispose()
        return
    with fresh_database("console_queues") as url:
        db = open_database(url)
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=needs_pg)])
def history(request, tmp_path_factory):
    """One city with 160 cases for the whole module, on SQLite and on PostgreSQL."""
    with _database(request.param, tmp_path_factory.mktemp("queues")) as db:
        yield from _history(db)


#: Descriptions that quote callers' numbers and hold other digits, as receivers type them: what
#: a seat that sees numbers masked must not find by those digits (store/queue_queries.py).
QUOTING = ("市民13812345678来电，3号楼旁垃圾", "回电 0571-8765 4321 井盖松动", "Gate 7 trash")


def _history(db):
    city = build_city(db)
    add_history(db, city)
    add_verifying(db, city, n=18)
    with db.transaction() as s:
        ids = list(s.scalars(select(Case.id).order_by(Case.id)))
        for k, case_id in enumerate(ids[::5]):
            s.execute(update(Case).where(Case.id == case_id)
                      .values(description=QUOTING[k % len(QUOTING)]))
    with db.session() as s:
        cats = {c.code: c for c in s.scalars(select(Category))}
        regions = {cell_id: (code, cm, stt, d) for cell_id, code, cm, stt, d in s.execute(
            select(Cell.id, Cell.code, Community.id, Street.id, Street.district_id)
            .join(Community, Community.id == Cell.community_id)
            .join(Street, Street.id == Community.street_id))}
        tags: dict[int, set[int]] = {}
        for case_id, campaign_id in s.execute(select(CaseCampaign.case_id, CaseCampaign.campaign_id)):
            tags.setdefault(case_id, set()).add(campaign_id)
        facts = []
        for case in s.scalars(select(Case).order_by(Case.id)):
            code, community, street, district = regions[case.cell_id]
            cat = cats[case.category_code]
            facts.append(Fact(case, cat.name, cat.major_name, community, street, district, code,
                              frozenset(tags.get(case.id, ()))))
    yield db, city, facts


def in_stage(case: Case, stage: str, now: datetime) -> bool:
    midnight = now.replace(hour=0, minute=0, second=0)
    return {
        "reported": case.status in ("reported", "verified"),
        "verifying": case.status == "verifying", "registered": case.status == "registered",
        "dispatched": case.status == "dispatched",
        "checking": case.status in ("handled", "checking"),
        "overdue": case.status == "dispatched" and case.deadline < now,
        "closed_today": case.status == "closed" and case.closed_at >= midnight,
        "all": True}[stage]


def searched(c: Case, word: str, phones: bool) -> str:
    """What a word is looked for in: everything for the desk; for a seat that sees numbers
    masked, never the caller's number, nor the description for a word with a digit."""
    if phones:
        return f"{c.number} {c.address} {c.description} {c.reporter_phone or ''}".lower()
    if any(ch.isdigit() for ch in word):
        return f"{c.number} {c.address}".lower()
    return f"{c.number} {c.address} {c.description}".lower()


def passes(fact: Fact, f: Q.QueueFilter, phones: bool = False) -> bool:
    c = fact.case
    needle = f.category.strip()
    return all([
        all(word.lower() in searched(c, word, phones) for word in f.text.split()),
        not needle or c.category_code.startswith(needle) or needle in fact.category_name
        or needle in fact.major_name,
        not f.cell_code or fact.cell_code == f.cell_code,
        f.community_id is None or fact.community_id == f.community_id,
        f.street_id is None or fact.street_id == f.street_id,
        f.district_id is None or fact.district_id == f.district_id,
        f.department_id is None or c.department_id == f.department_id,
        not f.source or c.source == f.source,
        f.urgent is None or c.urgent == f.urgent,
        f.campaign_id is None or f.campaign_id in fact.campaigns,
        not f.status or c.status == f.status,
    ])


_ATTR = {"number": "number", "category": "category_code", "location": "cell_id",
         "source": "source", "department": "department_id", "status": "status",
         "remaining": "deadline", "reported_at": "reported_at"}


def oracle(facts: list[Fact], query: Q.QueueQuery, now: datetime) -> list[int]:
    """The ids a tab must show, in the order it must show them: empty values last."""
    phones = query.viewer is not None and query.viewer.role in DESK
    chosen = [f.case for f in facts
              if in_stage(f.case, query.stage, now) and passes(f, query.filter, phones)]
    attr = _ATTR[query.sort]
    present = [c for c in chosen if getattr(c, attr) is not None]
    empty = [c for c in chosen if getattr(c, attr) is None]
    present.sort(key=lambda c: (getattr(c, attr), c.id), reverse=query.descending)
    empty.sort(key=lambda c: c.id, reverse=query.descending)
    return [c.id for c in present + empty]


def read_all(db, query: Q.QueueQuery, now: datetime, page: int = 7) -> list[int]:
    """Every row of a tab, page by page through the keyset."""
    ids, after = [], None
    with db.session() as s:
        while True:
            result = Q.queue_page(s, query, after=after, limit=page, now=now)
            ids += [r.id for r in result.rows]
            if not result.has_more:
                return ids
            last = result.rows[-1]
            after = (last.sort_value(query.sort), last.id)


def viewers(db, city) -> dict:
    """Who reads: no one (an export, the wall), the desk, a department's seat."""
    return {"export": None, "desk": city.dispatcher,
            "department": city.dept_actor(db, min(city.departments.values()))}


def test_the_history_covers_every_tab(history):
    db, _, facts = history
    for stage in Q.STAGES:
        assert len(oracle(facts, Q.QueueQuery(stage), NOW)) >= 8, stage


@pytest.mark.parametrize("stage", Q.STAGES)
@pytest.mark.parametrize("sort", Q.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_tab_in_every_order_pages_through_exactly_the_oracle(history, stage, sort,
                                                                    descending):
    db, _, facts = history
    query = Q.QueueQuery(stage, sort=sort, descending=descending)
    assert read_all(db, query, NOW) == oracle(facts, query, NOW)


@pytest.mark.parametrize("stage", Q.STAGES)
@pytest.mark.parametrize("sort", Q.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_tab_in_every_order_reads_back_up_exactly_the_oracle(history, stage, sort,
                                                                    descending):
    """The page before a keyset (what the queue reloads when the user scrolls back up) is
    exactly the rows above it in the tab's order, from every row, up to the top."""
    db, _, facts = history
    query = Q.QueueQuery(stage, sort=sort, descending=descending)
    expected = oracle(facts, query, NOW)
    with db.session() as s:
        rows = Q.queue_page(s, query, limit=len(facts) + 1, now=NOW).rows
        assert [r.id for r in rows] == expected
        for k, row in enumerate(rows):
            page = Q.queue_page_before(s, query, (row.sort_value(sort), row.id), limit=5,
                                       now=NOW)
            assert [r.id for r in page.rows] == expected[max(0, k - 5):k], (k, row.id)
            assert page.has_more == (k > 5)
        ids, before = [], (rows[-1].sort_value(sort), rows[-1].id) if rows else None
        while before is not None:
            page = Q.queue_page_before(s, query, before, limit=7, now=NOW)
            ids[:0] = [r.id for r in page.rows]
            before = (page.rows[0].sort_value(sort), page.rows[0].id) if page.has_more else None
    assert ids + expected[-1:] == expected


def filters(city) -> list[Q.QueueFilter]:
    dept = next(iter(city.departments.values()))
    return [
        Q.QueueFilter(text="曙光路"), Q.QueueFilter(text="gate"), Q.QueueFilter(text="GaTe trash"),
        Q.QueueFilter(text="100%"), Q.QueueFilter(text="a_b"), Q.QueueFilter(text="%"),
        Q.QueueFilter(text="井盖 隐患"), Q.QueueFilter(text="138123"), Q.QueueFilter(text="号"),
        Q.QueueFilter(text="2026031"), Q.QueueFilter(text="没有这种东西"),
        Q.QueueFilter(text="13812345678"), Q.QueueFilter(text="8765"), Q.QueueFilter(text="3号楼"),
        Q.QueueFilter(text="市民 垃圾"), Q.QueueFilter(text="gate 7"),
        Q.QueueFilter(category="201"), Q.QueueFilter(category="井盖"),
        Q.QueueFilter(category="市容"), Q.QueueFilter(category="zzz"),
        Q.QueueFilter(cell_code=city.cell_codes[5]), Q.QueueFilter(community_id=city.community_ids[3]),
        Q.QueueFilter(street_id=city.street_ids[2]), Q.QueueFilter(district_id=city.district_ids[1]),
        Q.QueueFilter(department_id=dept), Q.QueueFilter(source="hotline"),
        Q.QueueFilter(urgent=True), Q.QueueFilter(urgent=False),
        Q.QueueFilter(campaign_id=city.campaign_id), Q.QueueFilter(status="parked"),
        Q.QueueFilter(text="路", category="20", district_id=city.district_ids[0], urgent=False),
    ]


def test_every_filter_on_every_tab_matches_a_direct_query(history):
    db, city, facts = history
    for seat, viewer in viewers(db, city).items():
        for f in filters(city):
            for stage in Q.STAGES:
                query = Q.QueueQuery(stage, f, viewer=viewer)
                expected = oracle(facts, query, NOW)
                assert read_all(db, query, NOW, page=50) == expected, (seat, stage, f)
                with db.session() as s:
                    assert Q.stage_counts(s, f, stages=(stage,), now=NOW,
                                          viewer=viewer)[stage] == len(expected)


def test_filters_match_direct_sql(history):
    """The same answer as a hand-written SQL query (not only the Python oracle)."""
    db, city, _ = history
    with db.session() as s:
        direct = set(s.scalars(text(
            "SELECT c.id FROM cases c JOIN cells ce ON ce.id = c.cell_id "
            "JOIN communities cm ON cm.id = ce.community_id JOIN streets st ON st.id = cm.street_id "
            "WHERE c.status IN ('handled', 'checking') AND st.district_id = :d "
            "AND c.source = 'patrol' AND (c.address LIKE '%路%' OR c.description LIKE '%路%' "
            "OR c.number LIKE '%路%')"), {"d": city.district_ids[0]}))
    query = Q.QueueQuery("checking", Q.QueueFilter(text="路", district_id=city.district_ids[0],
                                                   source="patrol"))
    assert set(read_all(db, query, NOW)) == direct


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stage=st.sampled_from(Q.STAGES), sort=st.sampled_from(Q.SORTS), descending=st.booleans(),
       words=st.lists(st.sampled_from(["路", "号", "gate", "Block", "井盖", "暴露垃圾", "12", "%", "_",
                                       "13812345678", "4321", "3号楼", "7", "垃圾"]),
                      max_size=2),
       category=st.sampled_from(["", "201", "井盖", *CATEGORIES]),
       urgent=st.sampled_from([None, True, False]), source=st.sampled_from(["", *cases.SOURCES]),
       region=st.integers(0, 3), page=st.integers(1, 30),
       seat=st.sampled_from(["export", "desk", "department"]))
def test_random_queries_match_the_oracle(history, stage, sort, descending, words, category, urgent,
                                         source, region, page, seat):
    db, city, facts = history
    place = [{}, {"district_id": city.district_ids[1]}, {"street_id": city.street_ids[1]},
             {"community_id": city.community_ids[4]}][region]
    f = Q.QueueFilter(text=" ".join(words), category=category, urgent=urgent, source=source,
                      **place)
    query = Q.QueueQuery(stage, f, sort=sort, descending=descending,
                         viewer=viewers(db, city)[seat])
    assert read_all(db, query, NOW, page=page) == oracle(facts, query, NOW)


def test_the_index_and_the_scan_agree(history):
    db, _, facts = history
    with db.session() as s:
        assert db.engine.dialect.name != "sqlite" or queue_queries.has_trigram_index(s)
        for phones in (True, False):
            for words in ("曙光路", "gate trash", "Block A", "号 井盖破损", "没有这种",
                          "13812345678", "0571-8765", "3号楼 市民", "87654321"):
                by_index = set(s.scalars(select(Case.id).where(
                    queue_queries.text_condition(s, words, phones=phones, use_index=True))))
                by_scan = set(s.scalars(select(Case.id).where(
                    queue_queries.text_condition(s, words, phones=phones, use_index=False))))
                assert by_index == by_scan, (phones, words)
                assert by_index == {f.case.id for f in facts
                                    if passes(f, Q.QueueFilter(text=words), phones)}


def test_a_new_case_is_found_by_text_at_once(db):
    from tests.queue_city import build_city
    city = build_city(db)
    with db.transaction() as s:
        c = cases.report(s, city.dispatcher, category_code="20102", source="hotline",
                         cell_code=city.cell_codes[0], address="独一无二的门牌XYZ",
                         reporter_phone="13912345678")
    for words in ("独一无二", "xyz", "13912345678", c.number):
        with db.session() as s:
            page = Q.queue_page(s, Q.QueueQuery("all", Q.QueueFilter(text=words),
                                                viewer=city.dispatcher))
        assert [r.id for r in page.rows] == [c.case_id], words


def test_matching_rows_answers_for_live_updates(history):
    db, _, facts = history
    ids = [f.case.id for f in facts[:40]]
    query = Q.QueueQuery("dispatched", Q.QueueFilter(urgent=False))
    with db.session() as s:
        got = Q.matching_rows(s, query, ids, now=NOW)
    assert set(got) == {f.case.id for f in facts[:40]
                        if f.case.status == "dispatched" and not f.case.urgent}
    row = next(iter(got.values()))
    fact = next(f for f in facts if f.case.id == row.id)
    assert (row.number, row.cell_code, row.category_name, row.version) == (
        fact.case.number, fact.cell_code, fact.category_name, fact.case.version)


def test_counts_of_every_tab(history):
    db, _, facts = history
    with db.session() as s:
        counts = Q.stage_counts(s, now=NOW)
    assert counts == {stage: sum(in_stage(f.case, stage, NOW) for f in facts) for stage in Q.STAGES}


def test_unknown_stage_or_sort_is_a_programming_error():
    with pytest.raises(ValueError):
        Q.QueueQuery("nowhere")
    with pytest.raises(ValueError):
        Q.QueueQuery("all", sort="colour")
    assert Q.QueueQuery("dispatched").sort == "remaining"
    assert not Q.QueueFilter().active and Q.QueueFilter(urgent=False).active


# --- the countdown ---------------------------------------------------------------------------

def row(**kw) -> Q.QueueRow:
    base = dict(id=1, number="1", category_code="20102", category_name="暴露垃圾",
                time_unit="work_hours", cell_id=1, cell_code="", address="", source="hotline",
                department_id=1, department_name="", status="dispatched", urgent=False,
                reported_at=NOW, deadline=None, dispatched_at=None, handled_at=None,
                closed_at=None, requested_deadline=None, supervision_level=0, version=1)
    return Q.QueueRow(**(base | kw))


@pytest.mark.parametrize(("kw", "state", "seconds"), [
    ({"deadline": None}, "none", None),
    # Dispatched 10:00 Wednesday, due 15:30: 3.5 working hours, 86% used at 15:00.
    ({"dispatched_at": NOW.replace(hour=10), "deadline": NOW.replace(minute=30)}, "warning", 1800),
    ({"dispatched_at": NOW.replace(hour=10), "deadline": NOW.replace(hour=16)}, "ok", 3600),
    ({"dispatched_at": NOW.replace(hour=14), "deadline": NOW.replace(hour=17, minute=30)
      + timedelta(days=1)}, "ok", 2.5 * 3600 + 7 * 3600),
    ({"dispatched_at": NOW.replace(hour=9), "deadline": NOW.replace(hour=14, minute=30)},
     "overdue", -1800),
    # Urgent categories count natural hours: 12:00 to 16:00 is four hours, one left.
    ({"time_unit": "hours", "dispatched_at": NOW.replace(hour=12), "deadline": NOW.replace(hour=16)},
     "ok", 3600),
    ({"status": "handled", "deadline": NOW, "handled_at": NOW - timedelta(minutes=1)}, "on_time", None),
    ({"status": "closed", "deadline": NOW, "handled_at": NOW + timedelta(minutes=1)}, "late", None),
    ({"status": "parked", "deadline": NOW}, "paused", None),
])
def test_time_left(kw, state, seconds):
    got = Q.time_left(row(**kw), WorkCalendar(), NOW, 0.8)
    assert got.state == state
    assert got.seconds == (pytest.approx(seconds) if seconds is not None else None)
