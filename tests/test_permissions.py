"""The permission table, enforced: generated from the table, every service entry point refuses
every role that lacks its permission, lets every role that holds it past the check, and refuses
a user deactivated or demoted since the seat signed in — on the very next call.

A scan of console/services finds every public function that takes an `actor`; each must be
listed here, so a new entry point cannot slip past the test (nor past the check).
"""
from __future__ import annotations

import ast
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

import console
from console.domain.errors import DomainError
from console.domain.permissions import TABLE, Permission, may
from console.domain.roles import USER_ROLES, Role
from console.domain.workflow import Action
from console.services import (alert_actions, base_map, caller_history, callbacks, campaigns,
                              case_desk, cases, categories, devices, disputes, field_sessions,
                              frontage, frontage_workbook, holidays, hotline, joint_cases,
                              open311_keys, people_export, people_import, roster, setup_state,
                              supervision, users)
from console.services.actor import SYSTEM_ACTOR, Actor, authorize, snapshot
from console.services.base_map import BaseMap
from console.services.settings import set_setting
from console.store.models import PatrolOfficer, User
from tests.service_city import MANHOLE, MON

REFUSED = {"role_not_allowed", "alert_role_not_allowed"}
GONE = {"user_inactive", "unknown_user"}
PASSWORD = "correct horse battery"
P = Permission


def _grid_import(s, a, w):
    """An import of a file that has no cells: past the check, it refuses for the file's sake."""
    from console.gis.checks import ERROR, Problem
    from console.gis.fields import FieldMap
    from console.services.grid_import import (GridDiff, GridImportError, GridImportOptions,
                                              GridImportReport, apply_grid_import)
    report = GridImportReport("empty.geojson", "geojson", "utf-8", "", "EPSG:4326", FieldMap(),
                              [], [Problem("no_cells", ERROR)], GridDiff(), GridImportOptions())
    try:
        apply_grid_import(s, report, MON, actor=a)
    except GridImportError as exc:
        assert exc.code == "file_not_importable"


def _workgrid_import(s, a, w):
    """A work-grid file with no polygon: past the check, it refuses for the file's sake."""
    from console.gis.areas import AreaFields
    from console.gis.checks import ERROR, Problem
    from console.services.grid_import import GridImportError
    from console.services.workgrid_import import (WorkGridImportOptions, WorkGridImportReport,
                                                  apply_workgrid_import)
    report = WorkGridImportReport("empty.geojson", "geojson", "utf-8", "", "EPSG:4326",
                                  AreaFields(), [], [Problem("no_areas", ERROR)],
                                  WorkGridImportOptions())
    try:
        apply_workgrid_import(s, report, MON, actor=a)
    except GridImportError as exc:
        assert exc.code == "file_not_importable"


def _case_call(fn, **kw):
    return lambda s, a, w: fn(s, a, w.case_id, w.version, **kw)


# entry point name → (the permission it checks, a call that would pass the check).
ENTRY_POINTS = {
    "cases.report": (P.REPORT, lambda s, a, w: cases.report(
        s, a, category_code=MANHOLE, source="hotline", cell_code=w.cell)),
    "hotline.merge_duplicate": (P.REJECT, lambda s, a, w: hotline.merge_duplicate(
        s, a, w.case_id, w.version, reason="重复", note="同一问题", category_code=MANHOLE,
        source="hotline", cell_code=w.cell)),
    "cases.act": (P.ADD_NOTE, lambda s, a, w: cases.act(
        s, a, w.case_id, w.version, Action.ADD_NOTE, note="备注")),
    "case_desk.perform": (P.ADD_NOTE, lambda s, a, w: case_desk.perform(
        s, a, w.case_id, w.version, "add_note", {"note": "备注"})),
    "cases.request_verify": (P.REQUEST_VERIFY, lambda s, a, w: cases.request_verify(
        s, a, w.case_id, w.version, patrol_id=w.officer)),
    "cases.confirm": (P.CONFIRM, _case_call(cases.confirm)),
    "cases.refute": (P.REFUTE, _case_call(cases.refute, reason="现场不属实")),
    "cases.register": (P.REGISTER, _case_call(cases.register)),
    "cases.reject": (P.REJECT, _case_call(cases.reject, reason="不属实")),
    "cases.dispatch": (P.DISPATCH, _case_call(cases.dispatch)),
    "cases.return_case": (P.RETURN, _case_call(cases.return_case, reason="非本部门")),
    "cases.request_extension": (P.REQUEST_EXTENSION, _case_call(
        cases.request_extension, deadline=MON + timedelta(days=9), reason="材料未到")),
    "cases.approve_extension": (P.APPROVE_EXTENSION, _case_call(cases.approve_extension)),
    "cases.deny_extension": (P.DENY_EXTENSION, _case_call(cases.deny_extension, reason="不准")),
    "cases.mark_handled": (P.MARK_HANDLED, _case_call(cases.mark_handled)),
    "cases.request_check": (P.REQUEST_CHECK, lambda s, a, w: cases.request_check(
        s, a, w.case_id, w.version, patrol_id=w.officer)),
    "cases.close": (P.CLOSE, _case_call(cases.close)),
    "cases.rework": (P.REWORK, _case_call(cases.rework, reason="未处理干净")),
    "cases.park": (P.PARK, _case_call(cases.park, reason="待规划")),
    "cases.resume": (P.RESUME, _case_call(cases.resume)),
    "cases.cancel": (P.CANCEL, _case_call(cases.cancel, reason="误报")),
    "cases.add_note": (P.ADD_NOTE, _case_call(cases.add_note, note="备注")),
    "alert_actions.acknowledge": (P.ACKNOWLEDGE_ALERT,
                                  lambda s, a, w: alert_actions.acknowledge(s, a, [99_999])),
    "alert_actions.escalate": (P.ESCALATE_ALERT,
                               lambda s, a, w: alert_actions.escalate(s, a, 99_999)),
    "roster.set_officer_active": (P.EDIT_ROSTER, lambda s, a, w: roster.set_officer_active(
        s, a, w.officer, True)),
    "roster.assign_work_grid": (P.EDIT_ROSTER, lambda s, a, w: roster.assign_work_grid(
        s, a, w.officer, None)),
    "roster.assign_device": (P.EDIT_ROSTER, lambda s, a, w: roster.assign_device(
        s, a, w.device, w.officer)),
    "roster.set_shifts": (P.EDIT_ROSTER, lambda s, a, w: roster.set_shifts(
        s, a, w.officer, [("01234", "08:00", "17:00")])),
    "roster.set_work_grid_cells": (P.EDIT_ROSTER, lambda s, a, w: roster.set_work_grid_cells(
        s, a, 99_999, [])),
    "roster.set_category_limit": (P.EDIT_ROSTER, lambda s, a, w: roster.set_category_limit(
        s, a, MANHOLE, 2, "work_hours")),
    "roster.set_department": (P.EDIT_ROSTER, lambda s, a, w: roster.set_department(
        s, a, None, "新部门")),
    "devices.add_device": (P.EDIT_ROSTER, lambda s, a, w: devices.add_device(
        s, w.device, s.get(PatrolOfficer, w.officer).code, actor=a)),
    "devices.disable_device": (P.EDIT_ROSTER, lambda s, a, w: devices.disable_device(
        s, w.device, actor=a)),
    "grid_import.apply_grid_import": (P.EDIT_SETTINGS, _grid_import),
    "workgrid_import.apply_workgrid_import": (P.EDIT_SETTINGS, _workgrid_import),
    "settings.set_setting": (P.EDIT_SETTINGS, lambda s, a, w: set_setting(
        s, a, "city_name", "杭州市", MON)),
    "users.list_users": (P.MANAGE_USERS, lambda s, a, w: users.list_users(s, a)),
    "open311_keys.issue_key": (P.MANAGE_USERS, lambda s, a, w: open311_keys.issue_key(
        s, "perm-app", actor=a)),
    "open311_keys.revoke_key": (P.MANAGE_USERS, lambda s, a, w: open311_keys.revoke_key(
        s, "nobody-app", actor=a)),
    "open311_keys.list_keys": (P.MANAGE_USERS, lambda s, a, w: open311_keys.list_keys(
        s, actor=a)),
    "users.create_user": (P.MANAGE_USERS, lambda s, a, w: users.create_user(
        s, a, username="newcomer", display_name="新人", role="dispatcher",
        password="x", at=MON)),   # a password the policy refuses: no hashing needed
    "users.update_user": (P.MANAGE_USERS, lambda s, a, w: users.update_user(
        s, a, w.users[Role.PATROL].user_id, display_name="王", role="patrol", at=MON)),
    "users.set_active": (P.MANAGE_USERS, lambda s, a, w: users.set_active(
        s, a, w.users[Role.PATROL].user_id, True, at=MON)),
    "users.reset_password": (P.MANAGE_USERS, lambda s, a, w: users.reset_password(
        s, a, w.users[Role.PATROL].user_id, "x", at=MON)),
    "users.change_own_password": (P.CHANGE_OWN_PASSWORD, lambda s, a, w: users.change_own_password(
        s, a, "wrong", "x", at=MON)),
}
ENTRY_POINTS.update({
    "campaigns.create": (P.EDIT_CAMPAIGN, lambda s, a, w: campaigns.create(
        s, a, campaigns.CampaignForm("专项", "night", MON, MON + timedelta(days=1)), MON)),
    "campaigns.edit": (P.EDIT_CAMPAIGN, lambda s, a, w: campaigns.edit(
        s, a, 99_999, campaigns.CampaignForm("专项", "night", MON, MON + timedelta(days=1)), MON)),
    "campaigns.close": (P.EDIT_CAMPAIGN, lambda s, a, w: campaigns.close(s, a, 99_999, MON)),
    "supervision.raise_order": (P.RAISE_SUPERVISION, lambda s, a, w: supervision.raise_order(
        s, a, case_id=w.case_id, reason="催办", at=MON)),
    "supervision.answer": (P.ANSWER_SUPERVISION, lambda s, a, w: supervision.answer(
        s, a, 99_999, reply="已处理", promised_at=MON + timedelta(days=1), at=MON)),
    "supervision.close": (P.CLOSE_SUPERVISION, lambda s, a, w: supervision.close(
        s, a, 99_999, at=MON)),
})
ENTRY_POINTS.update({
    "field_sessions.revoke": (P.EDIT_ROSTER, lambda s, a, w: field_sessions.revoke(
        s, session_id=99_999, actor=a, at=MON)),
    "holidays.seed_holidays": (P.EDIT_SETTINGS, lambda s, a, w: holidays.seed_holidays(
        s, a, at=MON, years=[2026])),
    "holidays.import_dated_list": (P.EDIT_SETTINGS, lambda s, a, w: holidays.import_dated_list(
        s, a, Path("/nonexistent/holidays.csv"), at=MON, dry_run=True)),
    "holidays.set_day": (P.EDIT_SETTINGS, lambda s, a, w: holidays.set_day(
        s, a, MON.date(), "holiday", at=MON)),
    # Needs both: who may manage the accounts and edit the roster (the administrator alone).
    "people_import.import_people": (P.MANAGE_USERS, lambda s, a, w: people_import.import_people(
        s, a, Path("/nonexistent/people.xlsx"), at=MON, dry_run=True)),
    "people_export.export_people": (P.MANAGE_USERS, lambda s, a, w: people_export.export_people(
        s, a, Path(tempfile.mkdtemp()) / "people.xlsx")),
    "setup_state.save_progress": (P.EDIT_SETTINGS, lambda s, a, w: setup_state.save_progress(
        s, a, 1)),
    "setup_state.save_centre": (P.EDIT_SETTINGS, lambda s, a, w: setup_state.save_centre(
        s, a, name="示范城市", region="", centre=None, at=MON)),
    "categories.add_class": (P.EDIT_SETTINGS, lambda s, a, w: categories.add_class(
        s, a, kind="event", major_code="01", name="本地小类", time_limit=2,
        time_unit="work_hours", at=MON)),
    "categories.add_subclass": (P.EDIT_SETTINGS, lambda s, a, w: categories.add_subclass(
        s, a, MANHOLE, name="本地细类", at=MON)),
    "categories.edit_category": (P.EDIT_SETTINGS, lambda s, a, w: categories.edit_category(
        s, a, MANHOLE, name="污水井盖", department_id=None, time_limit=3,
        time_unit="work_days", urgent=False, at=MON)),
    "base_map.save_centre_base_map": (P.EDIT_SETTINGS, lambda s, a, w:
                                      base_map.save_centre_base_map(
                                          s, a, BaseMap("http://t.example/{z}/{x}/{y}.png"), MON)),
    "categories.set_active": (P.EDIT_SETTINGS, lambda s, a, w: categories.set_active(
        s, a, MANHOLE, True, at=MON)),
})
ENTRY_POINTS.update({
    # Joint cases: the dispatch, and a department's part (the part actions answer to the
    # workflow's rows: a reply is MARK_HANDLED's).
    "joint_cases.dispatch": (P.DISPATCH, _case_call(joint_cases.dispatch, assisting=[2])),
    "joint_cases.act_part": (P.MARK_HANDLED, lambda s, a, w: joint_cases.act_part(
        s, a, 99_999, 1, 1, "part_reply", reply="已配合")),
    "disputes.rule": (P.RULE_DISPUTE, lambda s, a, w: disputes.rule(
        s, a, w.case_id, department_id=1, reason="河道岸线属水务")),
})
ENTRY_POINTS.update({
    "frontage.save_unit": (P.EDIT_FRONTAGE, lambda s, a, w: frontage.save_unit(
        s, a, frontage.UnitValues("F001", "示范商户", "shop", "", "", None, {
            "type": "LineString", "coordinates": [[120.15, 30.27], [120.151, 30.27]]}), MON)),
    "frontage.confirm_responsible": (P.RECORD_FRONTAGE, lambda s, a, w:
                                     frontage.confirm_responsible(s, a, w.case_id, w.version,
                                                                  99_999, MON)),
    "frontage.record_warning": (P.RECORD_FRONTAGE, lambda s, a, w: frontage.record_warning(
        s, a, 99_999, "warning", "", MON)),
    "frontage_workbook.export_units": (P.EDIT_FRONTAGE, lambda s, a, w:
                                       frontage_workbook.export_units(
                                           s, a, Path(tempfile.mkdtemp()) / "units.xlsx")),
    "frontage_workbook.import_units": (P.EDIT_FRONTAGE, lambda s, a, w:
                                       frontage_workbook.import_units(
                                           s, a, Path("/nonexistent/units.xlsx"), at=MON,
                                           dry_run=True)),
})
ENTRY_POINTS.update({
    # Hotline follow-up: the desk's calls, and the leader's consent to reopen (回访 不满意).
    "caller_history.link_repeat_call": (P.CALL_BACK, lambda s, a, w: caller_history.link_repeat_call(
        s, a, w.case_id, w.version, phone="13812345678", note="再次来电")),
    "callbacks.record_outcome": (P.CALL_BACK, lambda s, a, w: callbacks.record_outcome(
        s, a, 99_999, 1, outcome="satisfied")),
    "callbacks.decide_rework": (P.REOPEN, lambda s, a, w: callbacks.decide_rework(
        s, a, 99_999, 1, consent=True, reason="市民不满意")),
})
#: Entry points that take an actor only to hand it on to those above, one transaction each.
DELEGATING = {"case_desk.bulk_perform",
              "frontage.report_case",                   # cases.report, confirm_responsible
              "people_accounts.set_one_time_password"}   # users.reset_password
#: The check itself, unlocking a seat (a sign-in: the stored account, active, its password), and
#: a seat reading its own account as stored (to follow a change of role).
NOT_ACTIONS = {"actor.authorize", "users.verify_password", "users.current_actor",
               "trail.audited"}   # records an action its caller authorized
#: Permissions in the table with no service yet.
NO_ENTRY_POINT_YET: set[Permission] = set()
#: What a role may see rather than do: checked by the masking of every read that returns it
#: (tests/test_privacy.py), not by an entry point.
READ_PERMISSIONS = {P.SEE_CALLER_PHONE}


_HASHES: list[str] = []


def _hash() -> str:
    # One hash for the module: each costs a sign-in's time on purpose.
    if not _HASHES:
        _HASHES.append(users.HASHER.hash(PASSWORD))
    return _HASHES[0]


class World:
    def __init__(self, db, city):
        self.db = db
        self.cell = city.cell_codes[0]
        self.officer, self.device = city.officer_id, city.device
        with db.transaction() as s:
            c = cases.report(s, city.dispatcher, category_code=MANHOLE, source="hotline",
                             cell_code=self.cell)
            self.case_id, self.version = c.case_id, c.version
            hashed = _hash()
            self.users: dict[Role, Actor] = {}
            for role in sorted(USER_ROLES):
                department = 1 if role is Role.DEPARTMENT else None
                user = User(username=f"u_{role.value}", display_name=f"{role.value}用户",
                            role=role.value, department_id=department, active=True,
                            password_hash=hashed)
                s.add(user)
                s.flush()
                self.users[role] = snapshot(user)

    def call(self, name: str, actor: Actor) -> DomainError | None:
        """Run one entry point as `actor` and roll back; the refusal, if any."""
        fn = ENTRY_POINTS[name][1]
        with self.db.session() as s:
            try:
                fn(s, actor, self)
            except DomainError as exc:
                return exc
            finally:
                s.rollback()
        return None


@pytest.fixture
def world(db, city):
    return World(db, city)


def _actor_functions() -> set[str]:
    """Every public function in console/services that takes an `actor`."""
    found = set()
    for path in sorted((Path(console.__file__).parent / "services").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and any(a.arg == "actor" for a in node.args.args + node.args.kwonlyargs)):
                found.add(f"{path.stem}.{node.name}")
    return found


def test_every_entry_point_that_takes_an_actor_is_listed():
    assert _actor_functions() == set(ENTRY_POINTS) | DELEGATING | NOT_ACTIONS


def test_every_permission_has_an_entry_point():
    assert ({p for p, _ in ENTRY_POINTS.values()} | NO_ENTRY_POINT_YET | READ_PERMISSIONS
            == set(Permission))


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_each_role_is_refused_exactly_where_the_table_says(world, name):
    permission = ENTRY_POINTS[name][0]
    actors = dict(world.users)
    actors[Role.SYSTEM] = SYSTEM_ACTOR
    for role, actor in actors.items():
        refusal = world.call(name, actor)
        code = refusal.code if refusal else None
        if may(role, permission):
            assert code not in REFUSED | GONE, (name, role, refusal)
        else:
            assert code in REFUSED, (name, role, refusal)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_a_deactivated_user_is_refused_on_the_next_call(world, name):
    permission = ENTRY_POINTS[name][0]
    role = next(r for r in (Role.ADMIN, Role.LEADER, Role.DEPARTMENT, Role.DISPATCHER,
                            Role.PATROL, Role.VIEWER) if may(r, permission))
    actor = world.users[role]
    assert (world.call(name, actor) or DomainError("ok")).code not in REFUSED | GONE
    with world.db.transaction() as s:
        s.execute(update(User).where(User.id == actor.user_id).values(active=False))
    assert world.call(name, actor).code == "user_inactive"


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_a_demoted_user_is_refused_on_the_next_call(world, name):
    """The seat still remembers the old role; the services read the stored one."""
    permission = ENTRY_POINTS[name][0]
    role = next((r for r in (Role.ADMIN, Role.LEADER, Role.DEPARTMENT, Role.DISPATCHER)
                 if may(r, permission)), None)
    if role is None or may(Role.VIEWER, permission):
        pytest.skip("every role keeps this one")
    actor = world.users[role]
    with world.db.transaction() as s:
        s.execute(update(User).where(User.id == actor.user_id)
                  .values(role=Role.VIEWER.value, department_id=None))
    assert world.call(name, actor).code in REFUSED


def test_the_leader_deactivated_and_demoted_cannot_cancel_from_an_open_seat(world):
    """The case that started issue 11: a console open as a leader who was deactivated and
    demoted still cancelled a case."""
    leader = world.users[Role.LEADER]
    with world.db.transaction() as s:
        s.execute(update(User).where(User.id == leader.user_id)
                  .values(active=False, role=Role.DISPATCHER.value))
    with pytest.raises(DomainError) as err, world.db.transaction() as s:
        cases.cancel(s, leader, world.case_id, world.version, reason="作废")
    assert err.value.code == "user_inactive"
    with world.db.session() as s:
        assert s.get(cases.Case, world.case_id).status == "reported"


def test_a_department_is_the_stored_one(world, db):
    """Moving a liaison to another department moves what they may act on at once."""
    liaison = world.users[Role.DEPARTMENT]
    with db.transaction() as s:
        assert authorize(s, liaison, P.ADD_NOTE).department_id == 1
        s.execute(update(User).where(User.id == liaison.user_id).values(department_id=2))
    with db.session() as s:
        assert authorize(s, liaison, P.ADD_NOTE).department_id == 2


def test_a_made_up_actor_is_nobody_and_system_reports_only(world, db):
    with db.session() as s:
        with pytest.raises(DomainError) as err:
            authorize(s, Actor(None, "值班长", Role.LEADER), P.CANCEL)
        assert err.value.code == "unknown_user"
        assert authorize(s, SYSTEM_ACTOR, P.REPORT) == SYSTEM_ACTOR
        assert [p for p in Permission if may(Role.SYSTEM, p)] == [P.REPORT]
        # A user row somebody gave the machines' role is still nobody.
        s.execute(update(User).where(User.id == world.users[Role.ADMIN].user_id)
                  .values(role=Role.SYSTEM.value))
        with pytest.raises(DomainError) as err:
            authorize(s, world.users[Role.ADMIN], P.REPORT)
        assert err.value.code == "unknown_user"


def test_the_viewer_may_do_nothing_but_change_their_password():
    assert [p for p in Permission if may(Role.VIEWER, p)] == [P.CHANGE_OWN_PASSWORD]
    assert all(TABLE[p] for p in Permission)
