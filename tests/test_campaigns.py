"""Campaigns against the evaluation town (tests/evaluation_town.py), every figure by hand.

The campaign runs over the town's week (9–16 March 2026) in 一街道 (cells X of 一甲, Y of 一乙)
for category 20102. Added here: `old`, reported on the 5th and still open (tagged: open when the
campaign began); `gone`, closed on the 3rd (not tagged); `other`, in X but of another category.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.domain.evaluation import Level, Period
from console.services import campaigns, cases
from console.services.actor import SYSTEM_ACTOR, Actor, snapshot
from console.services.campaign_progress import progress
from console.services.evaluation import evaluate
from console.store.models import (AuditRecord, Case, CaseCampaign, Cell, ChangeFeed, Community,
                                  Device, Position, Street, User)
from tests import evaluation_town as T
from tests.pg_server import PG_URL, fresh_database

NOW = T.at(20, 12)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, db):
    if request.param == "sqlite":
        yield db
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    from console.store.database import open_database
    with fresh_database("console_campaign") as url:
        pg = open_database(url)
        try:
            yield pg
        finally:
            pg.dispose()


def _square(x0: float) -> dict:
    ring = [[x0, 0], [x0 + 1, 0], [x0 + 1, 1], [x0, 1], [x0, 0]]
    return dict(ring=ring, centroid_lon=x0 + 0.5, centroid_lat=0.5, min_lon=x0, min_lat=0,
                max_lon=x0 + 1, max_lat=1)


@pytest.fixture
def town(database):
    town = T.build(database)
    with database.transaction() as s:
        # Three cells side by side (the town's share one triangle): X [0,1], Y [1,2], Z [2,3].
        for i, name in enumerate(("一甲社区", "一乙社区", "二甲社区")):
            cell = s.scalars(select(Cell).where(Cell.community_id == town.communities[name])).one()
            for k, v in _square(float(i)).items():
                setattr(cell, k, v)
        x = s.scalars(select(Cell.id).where(Cell.community_id == town.communities["一甲社区"])).one()
        A = town.depts["甲局"]
        s.add_all([
            Case(number="old", source="hotline", category_code=T.CATEGORY, cell_id=x,
                 status="dispatched", reported_at=T.at(5, 8), registered_at=T.at(5, 8.1),
                 dispatched_at=T.at(5, 9), deadline=T.at(6, 17), department_id=A,
                 updated_at=T.at(5, 9)),
            Case(number="gone", source="hotline", category_code=T.CATEGORY, cell_id=x,
                 status="closed", reported_at=T.at(2, 8), registered_at=T.at(2, 8.1),
                 dispatched_at=T.at(2, 9), deadline=T.at(3, 17), handled_at=T.at(3, 9),
                 closed_at=T.at(3, 10), department_id=A, updated_at=T.at(3, 10)),
            Case(number="other", source="hotline", category_code="10101", cell_id=x,
                 status="reported", reported_at=T.at(10, 8), updated_at=T.at(10, 8)),
        ])
        leader = User(username="lead", display_name="带班领导", role="leader")
        clerk = User(username="desk", display_name="值班员", role="dispatcher")
        s.add_all([leader, clerk])
        s.flush()
        device = Device(unique_id="phone-1")
        s.add(device)
        s.flush()
        # Fixes: the 9th in X only; the 10th in X and Y; one in Z (outside the area) the 11th.
        for when, lon in ((T.at(9, 10), 0.5), (T.at(9, 11), 0.6), (T.at(10, 10), 0.5),
                          (T.at(10, 12), 1.5), (T.at(11, 10), 2.5)):
            s.add(Position(device_id=device.id, at=when, lon=lon, lat=0.5))
        town.leader, town.clerk = snapshot(leader), snapshot(clerk)
        town.street_codes = dict(s.execute(select(Street.name, Street.code)).all())
        town.community_codes = dict(s.execute(select(Community.name, Community.code)).all())
    return town


def _form(town, **kw) -> campaigns.CampaignForm:
    values = dict(name="迎检 一街道", kind="inspection", starts_at=T.MON,
                  ends_at=datetime(2026, 3, 16), streets=[town.street_codes["一街道"]],
                  categories=[T.CATEGORY],
                  targets={"on_time_closure_rate": 0.9, "open_focus_max": 1,
                           "open_focus_by": "2026-03-15", "patrol_coverage": 1.0},
                  departments=[town.depts["甲局"]])
    values.update(kw)
    return campaigns.CampaignForm(**values)


def _create(database, town, **kw) -> int:
    with database.transaction() as s:
        return campaigns.create(s, town.leader, _form(town, **kw), T.at(8, 9)).campaign_id


def _tagged(database, campaign_id) -> set[str]:
    with database.session() as s:
        return set(s.scalars(select(Case.number).join(CaseCampaign, CaseCampaign.case_id == Case.id)
                             .where(CaseCampaign.campaign_id == campaign_id)))


def test_cases_in_area_and_focus_are_tagged_including_those_open_before(database, town):
    cid = _create(database, town)
    # In 一街道 and of 20102: reported during the week (a1 a2 a3 a4 a5, the rejected r1) and
    # `old`, open when the campaign began. Not `gone` (closed before), `other`, nor street 二's.
    assert _tagged(database, cid) == {"a1", "a2", "a3", "a4", "a5", "r1", "old"}
    with database.session() as s:
        audit = s.scalars(select(AuditRecord).where(AuditRecord.entity == "campaign")).one()
        feed = s.scalars(select(ChangeFeed).where(ChangeFeed.entity == "campaign")).one()
    assert (audit.action, audit.data["tagged"], audit.actor_name) == ("added", 7, "带班领导")
    assert (feed.action, feed.entity_id) == ("added", cid)


def test_new_and_reclassified_cases_are_tagged_as_they_arrive(database, town):
    cid = _create(database, town)
    with database.transaction() as s:
        x_code = s.scalars(select(Cell.code).where(
            Cell.community_id == town.communities["一甲社区"])).one()
        z_code = s.scalars(select(Cell.code).where(
            Cell.community_id == town.communities["二甲社区"])).one()
        inside = cases.report(s, SYSTEM_ACTOR, category_code=T.CATEGORY, source="patrol",
                              cell_code=x_code, at=T.at(14, 9))
        outside = cases.report(s, SYSTEM_ACTOR, category_code=T.CATEGORY, source="patrol",
                               cell_code=z_code, at=T.at(14, 9))
        wrong = cases.report(s, SYSTEM_ACTOR, category_code="10101", source="patrol",
                             cell_code=x_code, at=T.at(14, 9))
        # 立案 under the focus category joins; the focus case re-filed elsewhere leaves.
        cases.register(s, town.clerk, wrong.case_id, wrong.version, category_code=T.CATEGORY,
                       at=T.at(14, 10))
        cases.register(s, town.clerk, inside.case_id, inside.version, category_code="10101",
                       at=T.at(14, 10))
    tagged = _tagged(database, cid)
    assert wrong.number in tagged and inside.number not in tagged
    assert outside.number not in tagged


def test_edit_retags_by_the_new_area(database, town):
    cid = _create(database, town)
    with database.transaction() as s:
        campaigns.edit(s, town.leader, cid, _form(
            town, streets=[], communities=[town.community_codes["一乙社区"]]), T.at(8, 10))
    assert _tagged(database, cid) == {"a4"}


def test_a_drawn_polygon_takes_the_cells_whose_centre_it_holds(database, town):
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1.2, 0], [1.2, 1], [0, 1], [0, 0]]]}
    cid = _create(database, town, streets=[], polygon={"type": "Feature", "geometry": square})
    with database.session() as s:
        info = campaigns.info(s, cid)
        x = s.scalars(select(Cell.code).where(
            Cell.community_id == town.communities["一甲社区"])).one()
    assert info.area["cells"] == [x]
    assert _tagged(database, cid) == {"a1", "a2", "a3", "a5", "r1", "old"}
    with database.transaction() as s, pytest.raises(DomainError) as e:
        campaigns.create(s, town.leader, _form(town, polygon={"type": "Polygon", "coordinates": []}),
                         T.at(8, 9))
    assert e.value.code == "campaign_bad_polygon"


def test_progress_against_every_target_by_hand(database, town):
    cid = _create(database, town)
    with database.session() as s:
        p = progress(s, cid, NOW)
        street = evaluate(s, Level.STREET, Period(T.MON, datetime(2026, 3, 16)), NOW,
                          campaigns_scope(s, cid))
    assert p.days == [f"2026-03-{d:02d}" for d in range(9, 16)]
    rate, open_, cover = p.targets
    # Due in the week: a1 (9th), a2 (12th), a3 (12th), a4 (13th); closed with handling in time:
    # a1, a2. Cumulative at each day's end: 1/1 … 2/3 on the 12th, 2/4 from the 13th.
    assert rate.trend == [1.0, 1.0, 1.0, pytest.approx(2 / 3), 0.5, 0.5, 0.5]
    assert (rate.value, rate.met) == (0.5, False)
    one = next(r for r in street.rows if r.name == "一街道").figures["on_time_closure_rate"]
    assert (one.numerator, one.denominator) == (2, 4) == (p.on_time["closed_on_time"],
                                                        p.on_time["due"])
    # Open at each day's end: old all along; a2 10th–11th; a3 the 12th; a4 and a5 from the 13th.
    assert open_.trend == [1, 2, 2, 2, 3, 3, 3]
    assert (open_.value, open_.met, open_.by) == (3, False, "2026-03-15")
    assert p.open_count == 3
    assert [c["number"] for c in p.open_cases] == ["old", "a4", "a5"]
    # Coverage of X and Y: X on the 9th, both on the 10th, the fix in Z counts for nothing.
    assert cover.trend == [0.5, 1.0, 0, 0, 0, 0, 0]
    assert (cover.value, cover.met) == (0, False)
    assert p.coverage["cells"] == 2
    assert [d["name"] for d in p.slowest_departments] == ["甲局"]
    assert [d["name"] for d in p.slowest_streets] == ["一街道"]
    assert p.slowest_streets[0]["rate"] == 0.5
    assert p.tagged == 7


def campaigns_scope(session, campaign_id):
    from console.store.campaign_queries import scope_for
    info = campaigns.info(session, campaign_id)
    return scope_for(session, info.area, info.categories)


def test_closing_freezes_the_figures(database, town):
    cid = _create(database, town)
    with database.transaction() as s:
        campaigns.close(s, town.leader, cid, NOW)
    with database.transaction() as s:
        # A case of the week closed afterwards: the record does not move.
        a4 = s.scalars(select(Case).where(Case.number == "a4")).one()
        a4.status, a4.handled_at, a4.closed_at = "closed", T.at(13, 10), T.at(13, 10.5)
    with database.session() as s:
        p = progress(s, cid, NOW + timedelta(days=3))
    assert p.closed and p.targets[0].value == 0.5 and p.open_count == 3
    with database.transaction() as s, pytest.raises(DomainError) as e:
        campaigns.edit(s, town.leader, cid, _form(town), NOW)
    assert e.value.code == "campaign_closed"


def test_only_command_roles_edit_campaigns_and_inputs_are_checked(database, town):
    with database.transaction() as s, pytest.raises(DomainError) as e:
        campaigns.create(s, town.clerk, _form(town), T.at(8, 9))
    assert e.value.code == "role_not_allowed"
    for bad, code in (({"kind": "party"}, "campaign_bad_kind"),
                      ({"ends_at": T.MON}, "campaign_bad_period"),
                      ({"streets": []}, "campaign_no_scope"),
                      ({"targets": {"on_time_closure_rate": 1.5}}, "campaign_bad_target"),
                      ({"targets": {"speed": 3}}, "campaign_bad_target"),
                      ({"streets": ["999999999"]}, "not_found")):
        with database.transaction() as s, pytest.raises(DomainError) as e:
            campaigns.create(s, town.leader, _form(town, **bad), T.at(8, 9))
        assert e.value.code == code, bad


def test_a_leader_actor_is_refused_once_demoted(database, town):
    with database.transaction() as s:
        s.get(User, town.leader.user_id).role = "dispatcher"
    with database.transaction() as s, pytest.raises(DomainError):
        campaigns.create(s, Actor(town.leader.user_id, "带班领导", town.leader.role), _form(town),
                         T.at(8, 9))
