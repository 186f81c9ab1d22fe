"""A citizen's number is seen in full by the desk that calls citizens, masked (138****2222) by
everyone else — every role, through every service that returns a case, a call or a text a
caller may have left a number in; exports and public answers have no role and always mask.

Two guards make a new leak fail here: the results of every service below are searched for the
citizens' numbers whatever their shape, and every module of the services and the store that
reads the caller's phone column must be listed in PHONE_READERS (and so be tested below).
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

import console
from console.common.messages import source_name, status_name
from console.domain.permissions import Permission, may
from console.domain.privacy import (mask_phone, mask_phones_in, phone_for, sees_phone,
                                    text_for)
from console.domain.roles import Role, USER_ROLES
from console.services import (callbacks, caller_history, case_desk, cases, field_tasks, hotline,
                              joint_cases, open311, queues, reports_queue, reports_shift,
                              wall_data)
from console.services.actor import SYSTEM_ACTOR, Actor
from console.services.field_sessions import FieldOfficer
from console.services.queues import QueueQuery
from console.store.models import User
from tests.service_city import CENTRE, GARBAGE, MON, STEP, do, report

CALLER = "13811112222"               # the citizen who reported
NEIGHBOUR = "13933334444"            # called again about the same case
LANDLINE = "0571-87654321"           # left in the description
CITIZENS = (CALLER, NEIGHBOUR, LANDLINE)
NOW = MON + timedelta(hours=6)
#: Every module of the services and the store that reads a caller's number, and why that is
#: safe. A new one fails test_every_reader_of_the_phone_column_is_known until listed here and
#: its results added to READS below.
PHONE_READERS = {
    "console/services/cases.py": "writes it (report); validate_phone",
    "console/services/open311.py": "writes it (a submission); GET masks: READS open311",
    "console/services/case_desk.py": "case_detail masks by viewer: READS case_detail",
    "console/services/callbacks.py": "callback_queue masks by viewer: READS callback_queue",
    "console/services/callback_intake.py": "only whether there is a number to call",
    "console/services/field_messages.py": "the field's name in a refusal sentence",
    "console/store/queue_queries.py": "searched for the desk only: test_every_role_finds_cases…",
    "console/store/callback_queries.py": "rows for callbacks (which mask) and caller_history "
                                         "(the desk's only: test_only_the_desk_has_a_callers…)",
    "console/services/frontage_workbook.py": "the field's name in a refusal sentence",
    "console/services/joint_cases.py": "parts mask replies by viewer: test_joint_part_replies…",
    "console/services/disputes.py": "rulings mask reasons by viewer: test_dispute_reasons…",
    # Read only to mask the case's own number in its texts (test_a_short_number_…):
    "console/services/hotline.py": "duplicate_candidates: READS hotline.duplicate_candidates",
    "console/services/field_tasks.py": "the officer's tasks: READS field_tasks.tasks",
    "console/services/verification.py": "the officer's phone tasks (through field_tasks.tasks)",
}


def test_masking():
    assert mask_phone(CALLER) == "138****2222"
    assert mask_phone(LANDLINE) == "0571-****4321"
    assert mask_phone("12345") == "***45" and mask_phone(None) == ""
    assert mask_phones_in(f"请回电{CALLER}或{LANDLINE}，案卷202611260042") == \
        "请回电138****2222或0571-****4321，案卷202611260042"      # a case number stays
    assert [r for r in Role if sees_phone(r)] == sorted(
        (r for r in Role if may(r, Permission.SEE_CALLER_PHONE)), key=list(Role).index)
    assert {r for r in Role if sees_phone(r)} == {Role.DISPATCHER, Role.LEADER, Role.ADMIN}
    assert not sees_phone(None) and phone_for(None, CALLER) == "138****2222"


#: Numbers as receivers type them → as a role without SEE_CALLER_PHONE sees them.
TYPED = {
    "市民电话13812345678": "市民电话138****5678",
    "市民电话 138 1234 5678": "市民电话 138 **** 5678",
    "回电138-1234-5678": "回电138-****-5678",
    "手机+8613812345678": "手机+86138****5678",
    "电话86-13812345678": "电话86-138****5678",
    "电话：+86 571 8765 4321": "电话：+86 571 **** 4321",
    "座机0571 8765 4321": "座机0571 **** 4321",
    "座机010-8765-4321": "座机010-****-4321",
    "座机057187654321": "座机0571****4321",
    "１３８１２３４５６７８": "１３８****５６７８",
    "请回电87654321(本地座机)": "请回电****4321(本地座机)",
    "Tel.13812345678，或 8765432。": "Tel.138****5678，或 ***5432。",
    "13812345678、13912345678": "138****5678、139****5678",
    "已打码138****5678 再拨87654321": "已打码138****5678 再拨****4321",
}
#: Numbers that are not phones stay as they are: case numbers (12 digits), cell codes (14–15),
#: dates and times, coordinates, counts.
NOT_PHONES = [
    "案卷202611290001已办结", "案卷 202611290001 2次", "网格440305001001001与12345678901234",
    "2026-11-29 23:40 来电", "20261129日回访", "２０２６年１１月２９日", "坐标120.1234567,30.2741523",
    "工作时间0830-1730", "共3次 1 2 3 4 5", "138****5678", "退回 3 次，超期 12 天",
]


@pytest.mark.parametrize("typed", sorted(TYPED))
def test_a_number_is_masked_however_it_is_typed(typed):
    assert mask_phones_in(typed) == TYPED[typed]
    assert text_for(Role.DEPARTMENT, typed) == TYPED[typed]
    assert text_for(Role.DISPATCHER, typed) == typed


@pytest.mark.parametrize("text", NOT_PHONES)
def test_case_numbers_cell_codes_dates_and_times_are_not_masked(text):
    assert mask_phones_in(text) == text


def test_the_cases_own_number_is_masked_wherever_it_appears():
    # A short service number or a landline written without its area code: the patterns leave
    # them alone (too short, or ambiguous), but they are this case's caller.
    assert mask_phones_in("请拨 96 345 1 转人工", known=["963451"]) == "请拨 ** **5 1 转人工"
    assert mask_phones_in("回电963451", known=["963451"]) == "回电****51"
    assert mask_phones_in("回电8765-4321", known=["0571-87654321"]) == "回电****-4321"
    assert mask_phones_in("案卷202611296345", known=["963451"]) == "案卷202611296345"
    assert text_for(Role.LEADER, "回电963451", ["963451"]) == "回电963451"


def test_every_reader_of_the_phone_column_is_known():
    root = Path(console.__file__).parent
    readers = {p.relative_to(root.parent).as_posix()
               for folder in ("services", "store") for p in (root / folder).glob("*.py")
               if "reporter_phone" in p.read_text(encoding="utf-8")
               and p.name != "models.py"}
    assert readers == set(PHONE_READERS)


# --- a city with citizens' numbers everywhere ------------------------------------------------

@pytest.fixture
def world(db, city):
    """A hotline case (number in the column and in its description) with a neighbour's repeat
    call, closed and waiting for its call-back; an open one being checked by the officer; an
    Open311 one; one user of every role."""
    said = f"门口垃圾，回电{CALLER}或{LANDLINE}"
    first = report(db, city.dispatcher, reporter_phone=CALLER, description=said)
    with db.transaction() as s:
        first = caller_history.link_repeat_call(
            s, city.dispatcher, first.case_id, first.version, phone=NEIGHBOUR,
            note=f"邻居 {NEIGHBOUR} 再次来电", at=MON + timedelta(minutes=1))
    c = do(db, cases.register, city.dispatcher, first, at=MON + timedelta(minutes=5))
    c = do(db, cases.dispatch, city.dispatcher, c, department_id=city.departments["环卫处"],
           at=MON + timedelta(minutes=10))
    c = do(db, cases.mark_handled, city.leader, c, at=MON + timedelta(hours=1))
    c = do(db, cases.request_check, city.dispatcher, c, patrol_id=city.officer_id,
           note=f"市民{CALLER}称仍有", at=MON + timedelta(hours=2))
    checking = c
    other = report(db, city.dispatcher, reporter_phone=CALLER, description=said)
    other = do(db, cases.register, city.dispatcher, other)
    other = do(db, cases.dispatch, city.dispatcher, other, department_id=city.departments["环卫处"])
    other = do(db, cases.mark_handled, city.leader, other)
    other = do(db, cases.request_check, city.dispatcher, other, patrol_id=city.officer_id)
    closed = do(db, cases.close, city.dispatcher, other, at=MON + timedelta(hours=3))
    public = report(db, SYSTEM_ACTOR, source="public", reporter_phone=CALLER, description=said,
                    lon=CENTRE[0] - STEP / 2, lat=CENTRE[1] - STEP / 2)
    with db.transaction() as s:
        users = {}
        for role in sorted(USER_ROLES):
            user = User(username=f"p_{role.value}", display_name=f"{role.value}·隐私",
                        role=role.value, active=True,
                        department_id=city.departments["环卫处"] if role is Role.DEPARTMENT
                        else None)
            s.add(user)
            s.flush()
            users[role] = Actor(user.id, user.display_name, role, user.department_id)
    return dict(city=city, users=users, checking=checking.case_id, closed=closed.case_id,
                public=public.case_id)


def texts(value, seen=None) -> list[str]:
    """Every string inside a result, whatever its shape (dataclasses, rows, dicts, lists)."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, (int, float, bool, datetime, bytes)) or id(value) in seen:
        return []
    seen.add(id(value))
    if dataclasses.is_dataclass(value):
        return [t for f in dataclasses.fields(value) for t in texts(getattr(value, f.name), seen)]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in texts(k, seen) + texts(v, seen)]
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "_mapping"):
        return [t for v in value for t in texts(v, seen)]
    if hasattr(value, "__dict__"):
        return [t for v in vars(value).values() for t in texts(v, seen)]
    return [str(value)]


def leaked(result) -> set[str]:
    everything = "\n".join(texts(result))
    return {n for n in CITIZENS if n in everything}


#: Reads that show a viewer a case's caller: (name, call(session, viewer, world)).
VIEWER_READS = {
    "case_desk.case_detail": lambda s, v, w: case_desk.case_detail(s, w["checking"], v),
    "callbacks.callback_queue": lambda s, v, w: callbacks.callback_queue(s, v, NOW),
}


def _export(s, w, tmp_path):
    path = tmp_path / "queue.xlsx"
    reports_queue.export_queue(s, QueueQuery("all"), path, title="队列", scope_text="全部",
                               labels={k: k for k in ("scope", "as_of", "exported",
                                                      *reports_queue.COLUMNS)},
                               names={"status": status_name, "source": source_name},
                               exported_at=NOW, now=NOW)
    return [c.value for row in openpyxl.load_workbook(path).active.iter_rows() for c in row
            if isinstance(c.value, str)]


def _field(s, w):
    city = w["city"]
    officer = FieldOfficer(city.patrol, city.officer_id, "P0001", 1, city.device,
                           NOW + timedelta(hours=8))
    return field_tasks.tasks(s, officer)


#: Reads with no viewer: the public, the field, the wall, every export — always masked.
ROLELESS_READS = {
    "open311.find_requests": lambda s, w, tmp: open311.find_requests(s, now=NOW),
    "field_tasks.tasks": lambda s, w, tmp: _field(s, w),
    "wall_data.read_live": lambda s, w, tmp: wall_data.read_live(s, NOW),
    "queues.queue_page": lambda s, w, tmp: queues.queue_page(s, QueueQuery("all"), now=NOW),
    "reports_queue.export_queue": lambda s, w, tmp: _export(s, w, tmp),
    "reports_shift.read_shift_report": lambda s, w, tmp: reports_shift.read_shift_report(
        s, MON - timedelta(hours=1), NOW, with_cells=False),
    "hotline.duplicate_candidates": lambda s, w, tmp: hotline.duplicate_candidates(
        s, GARBAGE, CENTRE[0] + STEP / 3, CENTRE[1] + STEP / 3, now=NOW),
    "case_desk.case_detail (no viewer)": lambda s, w, tmp: case_desk.case_detail(
        s, w["checking"]),
}


@pytest.mark.parametrize("name", sorted(VIEWER_READS))
def test_every_role_sees_the_number_as_the_table_says(db, world, name):
    viewers = dict(world["users"]) | {Role.SYSTEM: SYSTEM_ACTOR}
    for role, viewer in viewers.items():
        with db.session() as s:
            result = VIEWER_READS[name](s, viewer, world)
        found = leaked(result)
        if may(role, Permission.SEE_CALLER_PHONE):
            assert CALLER in found, (name, role)          # in full: not masked for them
        else:
            assert not found, (name, role, found)
            assert "138****2222" in "\n".join(texts(result)), (name, role)


@pytest.mark.parametrize("name", sorted(ROLELESS_READS))
def test_the_public_the_field_the_wall_and_exports_never_see_a_number(db, world, tmp_path,
                                                                     name):
    with db.session() as s:
        result = ROLELESS_READS[name](s, world, tmp_path)
    assert texts(result), name                            # it did return something to search
    assert not leaked(result), (name, leaked(result))


# --- what a number can be looked up by: the queue's search, the caller history --------------

def test_every_role_finds_cases_by_the_callers_number_as_the_table_says(db, world):
    """Searching for a number must not tell a seat that cannot see numbers which cases it
    reported (store/queue_queries.py): neither the number, nor its masked form, nor the digits
    a receiver wrote in the description."""
    viewers = dict(world["users"]) | {Role.SYSTEM: SYSTEM_ACTOR, None: None}
    for role, viewer in viewers.items():
        for words in (CALLER, "138****2222", "8765 4321", "0571-87654321"):
            query = QueueQuery("all", queues.QueueFilter(text=words), viewer=viewer)
            with db.session() as s:
                rows = queues.queue_page(s, query, now=NOW).rows
                count = queues.stage_counts(s, query.filter, stages=("all",), now=NOW,
                                            viewer=viewer)["all"]
            assert count == len(rows)
            if role is not None and may(role, Permission.SEE_CALLER_PHONE) and "*" not in words:
                assert rows, (role, words)
            else:
                assert not rows, (role, words)


def test_only_the_desk_has_a_callers_history(db, world):
    viewers = dict(world["users"]) | {Role.SYSTEM: SYSTEM_ACTOR, None: None}
    for role, viewer in viewers.items():
        with db.session() as s:
            history = caller_history.caller_history(s, viewer, CALLER)
        if role is not None and may(role, Permission.SEE_CALLER_PHONE):
            assert history is not None and history.calls >= 3 and history.phone == CALLER, role
            assert CALLER in "\n".join(texts(history))      # the description, in full
        else:
            assert history is None, role


def test_the_detail_masks_the_description_and_the_timeline_too(db, world):
    department = world["users"][Role.DEPARTMENT]
    with db.session() as s:
        d = case_desk.case_detail(s, world["checking"], department)
        full = case_desk.case_detail(s, world["checking"], world["users"][Role.DISPATCHER])
    assert d.reporter_phone == "138****2222" and "0571-****4321" in d.description
    notes = [e.note for e in d.timeline if e.note]
    assert "邻居 139****4444 再次来电" in notes and "市民138****2222称仍有" in notes
    assert full.reporter_phone == CALLER and NEIGHBOUR in "".join(e.note for e in full.timeline)


def test_a_user_moved_off_the_desk_sees_masked_numbers_on_the_next_read(db, world):
    from sqlalchemy import update
    dispatcher = world["users"][Role.DISPATCHER]
    with db.transaction() as s:
        s.execute(update(User).where(User.id == dispatcher.user_id).values(role="viewer"))
    with db.session() as s:
        assert case_desk.case_detail(s, world["checking"], dispatcher).reporter_phone == \
            "138****2222"


# --- texts that quote the caller: call-back notes, joint replies, dispute rulings ------------

def test_a_rework_reason_is_masked_like_the_note(db, city):
    from tests.test_hotline_followup import _callbacks, _closed, _queue
    closed = _closed(db, city, reporter_phone="963451")
    [row] = _callbacks(db, closed.case_id)
    with db.transaction() as s:
        callbacks.record_outcome(s, city.dispatcher, row.id, row.version, outcome="unsatisfied",
                                 note=f"市民{CALLER}说没修好，另拨963451", request_rework=True,
                                 at=MON + timedelta(hours=5))
    dept = city.dept_user(db, min(city.departments.values()))
    [shown] = _queue(db, dept, MON + timedelta(hours=6)).rows
    assert shown.note == shown.rework_reason == "市民138****2222说没修好，另拨****51"
    [full] = _queue(db, city.dispatcher, MON + timedelta(hours=6)).rows
    assert full.rework_reason == f"市民{CALLER}说没修好，另拨963451"


def _joint_case(db, city):
    names = sorted(city.departments)
    lead, a = city.departments[names[0]], city.departments[names[1]]
    c = report(db, city.dispatcher, reporter_phone="963451")
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=MON + timedelta(minutes=1))
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                                 assisting=[a], at=MON + timedelta(minutes=2))
    return c, lead, a


def test_joint_part_replies_are_masked_for_every_seat_without_the_number(db, city):
    from sqlalchemy import update

    from console.store.models import CaseDepartment
    c, lead, a = _joint_case(db, city)
    user_a, user_lead = city.dept_user(db, a), city.dept_user(db, lead)
    with db.transaction() as s:
        [_, pa] = joint_cases.parts(s, c.case_id, user_a)
        joint_cases.act_part(s, user_a, c.case_id, a, pa.version, "part_reply",
                             reply=f"已联系市民 {CALLER[:3]} {CALLER[3:7]} {CALLER[7:]}，又拨963451",
                             at=MON + timedelta(minutes=3))
    masked = "已联系市民 138 **** 2222，又拨****51"
    with db.session() as s:
        for viewer in (user_lead, user_a, None):
            assert [p.reply for p in joint_cases.parts(s, c.case_id, viewer) if p.reply] == \
                [masked]
        assert [p.reply for p in case_desk.case_detail(s, c.case_id, user_lead).parts
                if p.reply] == [masked]
        assert [p.reply for p in joint_cases.parts(s, c.case_id, city.dispatcher)
                if p.reply] == ["已联系市民 138 1111 2222，又拨963451"]
    # A live part carries no reply (a rework clears it); one written there is masked all the same.
    with db.transaction() as s:
        s.execute(update(CaseDepartment).where(CaseDepartment.case_id == c.case_id,
                                               CaseDepartment.department_id == lead)
                  .values(reply=f"市民{CALLER}"))
    with db.session() as s:
        [(case_id, part)] = joint_cases.department_parts(s, lead, user_lead)
        assert case_id == c.case_id and part.reply == "市民138****2222"
        [(_, part)] = joint_cases.department_parts(s, lead, city.dispatcher)
        assert part.reply == f"市民{CALLER}"


def test_dispute_reasons_are_masked_in_rulings_precedents_the_agenda_and_its_export(
        db, city, tmp_path):
    from console.services import disputes
    from tests.test_disputes import LABELS, bounced
    c, depts, users, _ = bounced(db, city, 3, reporter_phone="963451")
    reason = f"市民{CALLER}指认为沿街店面，另拨963451"
    with db.transaction() as s:
        ruled = disputes.rule(s, city.leader, c.case_id, department_id=depts[0], reason=reason,
                              at=MON + timedelta(hours=1))
    assert ruled.reason == reason                         # the leader sees numbers
    masked = "市民138****2222指认为沿街店面，另拨****51"
    nearby = report(db, city.dispatcher)
    with db.session() as s:
        assert [r.reason for r in disputes.rulings(s, users[1])] == [masked]
        assert [r.reason for r in disputes.rulings(s, city.dispatcher)] == [reason]
        assert [r.reason for r in disputes.precedents_for_case(s, nearby.case_id, users[1])] \
            == [masked]
        assert [r.reason for r in disputes.agenda(s, None).rulings] == [masked]
        full = disputes.agenda(s, city.leader)
    path = disputes.export_agenda(full, tmp_path / "agenda.xlsx", title="议程", labels=LABELS,
                                  exported_at=NOW)
    cells = [c.value for ws in openpyxl.load_workbook(path).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "市民138****2222指认为沿街店面，另拨963451" in cells   # a file masks by pattern
    assert not any(CALLER in v for v in cells)


def test_a_frontage_owners_mobile_is_masked_like_a_callers(db, city):
    from console.services import frontage
    from tests.test_frontage import add_unit
    unit = add_unit(db, city)                             # 王老板, 13800000000
    dept = city.dept_user(db, min(city.departments.values()))
    with db.session() as s:
        assert [u.phone for u in frontage.units(s, MON, city.leader)] == ["13800000000"]
        for viewer in (dept, None):
            assert [u.phone for u in frontage.units(s, MON, viewer)] == ["138****0000"]
    # Saved back from a form that showed the masked number, the stored one stays.
    with db.session() as s:
        (view,) = frontage.units(s, MON, None)
    values = frontage.UnitValues(view.code, "老王面馆（新）", view.kind, view.address, view.person,
                                 view.phone, view.stretch, view.letter_signed_on)
    with db.transaction() as s:
        frontage.save_unit(s, city.leader, values, MON, unit)
    with db.session() as s:
        assert [(u.name, u.phone) for u in frontage.units(s, MON, city.leader)] == [
            ("老王面馆（新）", "13800000000")]


def test_a_short_number_of_the_cases_own_caller_is_masked_in_every_read(db, world):
    """963451 fits no pattern (too short to tell from a count), but it is the case's caller."""
    city = world["city"]
    said = "回电963451，或9634 51"
    public = report(db, SYSTEM_ACTOR, source="public", reporter_phone="963451", description=said,
                    lon=CENTRE[0] - STEP / 2, lat=CENTRE[1] - STEP / 2)
    checking = report(db, city.dispatcher, reporter_phone="963451", description=said)
    checking = do(db, cases.register, city.dispatcher, checking)
    checking = do(db, cases.dispatch, city.dispatcher, checking,
                  department_id=city.departments["环卫处"])
    checking = do(db, cases.mark_handled, city.leader, checking)
    checking = do(db, cases.request_check, city.dispatcher, checking, patrol_id=city.officer_id,
                  note="市民963451称仍有")
    department = world["users"][Role.DEPARTMENT]
    with db.session() as s:
        reads = {
            "open311": open311.find_requests(s, now=NOW),
            "field": _field(s, world),
            "duplicates": hotline.duplicate_candidates(s, GARBAGE, CENTRE[0] + STEP / 3,
                                                       CENTRE[1] + STEP / 3, now=NOW),
            "detail": case_desk.case_detail(s, checking.case_id, department),
        }
        full = case_desk.case_detail(s, public.case_id, world["users"][Role.DISPATCHER])
    for name, result in reads.items():
        shown = "\n".join(texts(result))
        assert "回电****51，或**** 51" in shown, name
        assert "963451" not in shown and "9634 51" not in shown, name
    assert full.description == said
