"""Every seat reacts to the kinds it declares: a batch of one kind reaches the right refresh.

Each consumer's feed handler runs on a stand-in for its widget (the handlers only route: they
call a refresh), so every kind can be tried on every consumer without building the windows.
"""
from __future__ import annotations

import threading
from datetime import datetime
from types import SimpleNamespace

import pytest

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.workflow import Action
from console.live.alert_worker import AlertWorker
from console.map.live import LiveMap
from console.store.feed import FeedBatch, FeedRow
from console.ui.alerts.alert_panel import AlertsDock
from console.ui.alerts.kpi_strip import KpiStripDock
from console.ui.main_window import MainWindow
from console.ui.queues.dock import QueueDock

AT = datetime(2026, 3, 9, 10, 0)


def batch_of(kind: ChangeKind) -> FeedBatch:
    action = Action.REPORT if kind is ChangeKind.CASE else ChangeAction.CHANGED
    return FeedBatch(since=0, seq=1, rows=[FeedRow(1, AT, kind.value, 7, action.value, {})])


class Calls(SimpleNamespace):
    """A stand-in widget: every method it is asked for is recorded."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        def call(*args, **kwargs):
            self.__dict__.setdefault("called", []).append(name)
        return call


def queues(kind):
    me = Calls(_pending_ids=set(), _feed_timer=SimpleNamespace(isActive=lambda: True, start=None))
    QueueDock.on_feed(me, batch_of(kind))
    return set(me.__dict__.get("called", [])) | ({"refresh_cases"} if me._pending_ids else set())


def window(kind):
    # Signed in as the user whose row the batch names (entity id 7).
    me = Calls(feed_changed=SimpleNamespace(emit=lambda b: None), actor=SimpleNamespace(user_id=7))
    MainWindow._on_feed_changes(me, batch_of(kind))
    return set(me.__dict__.get("called", []))


def kpis(kind):
    me = Calls()
    KpiStripDock.on_feed(me, batch_of(kind))
    return set(me.__dict__.get("called", []))


def alerts(kind):
    me = Calls(_wanted=set())
    AlertsDock.on_feed(me, batch_of(kind))
    return set(me.__dict__.get("called", []))


def live_map(kind):
    me = Calls(_positions={}, _case_ids=set(), _cell_ids=set())
    LiveMap.accept(me, batch_of(kind))
    return set(me.__dict__.get("called", [])) - {"schedule"} | (
        {"refresh_cases"} if me._case_ids else set())


def alert_worker(kind):
    me = SimpleNamespace(_wake=threading.Event())
    AlertWorker.on_feed(me, batch_of(kind))
    return {"wake"} if me._wake.is_set() else set()


ROSTER = (ChangeKind.OFFICER, ChangeKind.DEVICE, ChangeKind.SHIFT, ChangeKind.WORK_GRID)
EXPECTED = [
    (queues, ChangeKind.CASE, {"refresh_cases"}),   # a report: no call-back comes or goes
    (queues, ChangeKind.CALLBACK, {"refresh_callbacks"}),
    (queues, ChangeKind.HISTORY, {"reload"}),
    *[(queues, k, {"load_references"}) for k in (ChangeKind.CATEGORY, ChangeKind.DEPARTMENT,
                                                  ChangeKind.SETTINGS, ChangeKind.CITY, *ROSTER)],
    (queues, ChangeKind.ALERT, set()),
    (window, ChangeKind.CASE, set()),   # the queue dock counts; the KPI strip reads its own
    (window, ChangeKind.HISTORY, {"schedule_overview"}),
    (window, ChangeKind.SETTINGS, {"load_city_name", "load_idle_minutes"}),
    (window, ChangeKind.USER, {"_reload_actor"}),
    (window, ChangeKind.CITY, {"load_city_name"}),
    (window, ChangeKind.ALERT, set()),
    *[(kpis, k, {"schedule"}) for k in (ChangeKind.CASE, ChangeKind.ALERT, *ROSTER)],
    (kpis, ChangeKind.SETTINGS, set()),
    (alerts, ChangeKind.ALERT, {"_load"}),
    (alerts, ChangeKind.CASE, set()),
    (live_map, ChangeKind.CASE, {"refresh_cases"}),
    *[(live_map, k, {"refresh_roster"}) for k in ROSTER],
    (live_map, ChangeKind.ALERT, set()),
    *[(alert_worker, k, {"wake"}) for k in (ChangeKind.CASE, ChangeKind.SETTINGS,
                                            ChangeKind.CATEGORY, ChangeKind.DEPARTMENT, *ROSTER)],
    (alert_worker, ChangeKind.ALERT, set()),
]


@pytest.mark.parametrize(("consumer", "kind", "reaction"), EXPECTED,
                         ids=[f"{c.__name__}-{k.value}" for c, k, _ in EXPECTED])
def test_a_change_reaches_the_refresh_that_shows_it(qapp, consumer, kind, reaction):
    assert consumer(kind) == reaction


@pytest.mark.parametrize(("action", "reaction"), [
    ("close", {"refresh_cases", "refresh_callbacks"}),      # a closure queues its 回访
    ("reopen", {"refresh_cases", "refresh_callbacks"}),
    ("dispatch", {"refresh_cases"}),                       # no call-back comes or goes
])
def test_only_a_closure_or_reopening_re_reads_the_call_backs(action, reaction):
    me = Calls(_pending_ids=set(), _feed_timer=SimpleNamespace(isActive=lambda: True, start=None))
    QueueDock.on_feed(me, FeedBatch(since=0, seq=1, rows=[
        FeedRow(1, AT, ChangeKind.CASE.value, 7, action, {})]))
    assert set(me.__dict__.get("called", [])) | {"refresh_cases"} == reaction
