"""The task runner: lanes that do not block each other, cancelling, superseding by key."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from console.live.tasks import Cancelled, Lane, TaskRunner

WAIT_S = 5


@pytest.fixture
def runner(qapp):
    made: list[TaskRunner] = []

    def make(db=None, **kw) -> TaskRunner:
        r = TaskRunner(db, **kw)
        made.append(r)
        return r
    yield make
    for r in made:
        assert r.wait(5000)


def blocked_until(gate: threading.Event, started: threading.Event | None = None, value=None):
    def fn(*_args):
        if started is not None:
            started.set()
        assert gate.wait(WAIT_S)
        return value
    return fn


def test_long_work_does_not_block_an_interactive_read(runner, qtbot):
    tasks = runner(max_threads=1, long_threads=1)
    gate, started = threading.Event(), threading.Event()
    long_done, read_done = [], []
    tasks.call(blocked_until(gate, started, "report"), lane=Lane.LONG, on_done=long_done.append)
    queued = threading.Event()
    tasks.call(blocked_until(queued), lane=Lane.LONG)   # waits behind it in the long lane
    assert started.wait(WAIT_S)
    tasks.call(lambda: "rows", on_done=read_done.append)
    qtbot.waitUntil(lambda: read_done == ["rows"], timeout=2000)
    assert long_done == []
    gate.set()
    qtbot.waitUntil(lambda: long_done == ["report"], timeout=2000)
    queued.set()
    qtbot.waitUntil(tasks.idle, timeout=2000)


def test_long_work_reports_progress_and_stops_when_cancelled(runner, qtbot):
    tasks = runner()
    started, stop_seen = threading.Event(), threading.Event()
    seen, done, errors = [], [], []

    def export(job):
        job.progress(0.5, "half")
        started.set()
        try:
            while True:          # polls its flag, as a long export between chunks would
                job.check()
                stop_seen.wait(0.005)
        except Cancelled:
            stop_seen.set()
            raise
    task = tasks.call_long(export, on_done=done.append, on_error=errors.append,
                           on_progress=lambda f, s: seen.append((f, s)))
    assert started.wait(WAIT_S)
    qtbot.waitUntil(lambda: seen == [(0.5, "half")], timeout=2000)
    task.cancel()
    assert stop_seen.wait(WAIT_S)
    qtbot.waitUntil(tasks.idle, timeout=2000)
    assert task.dropped and done == [] and errors == [] and tasks.pending() == 0


def test_cancelled_before_start_never_runs(runner, qtbot):
    tasks = runner(max_threads=1)
    gate = threading.Event()
    ran, done = [], []
    tasks.call(blocked_until(gate))
    task = tasks.call(lambda: ran.append(1), on_done=done.append)
    task.cancel()
    assert tasks.pending() == 1
    gate.set()
    qtbot.waitUntil(tasks.idle, timeout=2000)
    assert ran == [] and done == [] and not task.started


def test_a_newer_task_supersedes_one_not_started(runner, qtbot):
    tasks = runner(max_threads=1)
    gate = threading.Event()
    ran, done = [], []
    tasks.call(blocked_until(gate))            # holds the only thread
    for n in range(5):
        tasks.call(lambda n=n: ran.append(n) or n, on_done=done.append, key="query")
    assert tasks.pending() == 2                # the blocker and the newest query
    gate.set()
    qtbot.waitUntil(tasks.idle, timeout=2000)
    assert ran == [4] and done == [4]


def test_a_newer_task_drops_the_answer_of_one_already_running(runner, qtbot):
    tasks = runner(max_threads=2)
    gate, started = threading.Event(), threading.Event()
    done, errors = [], []
    old = tasks.call(blocked_until(gate, started, "old"), on_done=done.append, key=("me", "q"))
    assert started.wait(WAIT_S)
    tasks.call(lambda: "new", on_done=done.append, key=("me", "q"))
    qtbot.waitUntil(lambda: done == ["new"], timeout=2000)
    assert old.started and old.dropped
    gate.set()
    qtbot.waitUntil(tasks.idle, timeout=2000)
    assert done == ["new"] and errors == []


def test_keys_of_different_callers_do_not_interfere(runner, qtbot):
    tasks = runner(max_threads=1)
    gate = threading.Event()
    done = []
    tasks.call(blocked_until(gate))
    tasks.call(lambda: "a", on_done=done.append, key=("a", "page"))
    tasks.call(lambda: "b", on_done=done.append, key=("b", "page"))
    gate.set()
    qtbot.waitUntil(tasks.idle, timeout=2000)
    assert sorted(done) == ["a", "b"]


def test_run_and_call_keep_their_contract(runner, db, qtbot):
    tasks = runner(db)
    assert tasks.run_and_wait(lambda s: s.scalar(text("select 41 + 1"))) == 42
    assert tasks.call_and_wait(lambda: "plain", lane=Lane.LONG) == "plain"
    with pytest.raises(ZeroDivisionError):
        tasks.call_and_wait(lambda: 1 / 0)
    failures = []
    tasks.task_failed.connect(failures.append)
    tasks.run(lambda s: s.execute(text("select * from no_such_table")))
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=2000)
    seen = []
    tasks.run_long(lambda s, job: (job.progress(1.0, "all"), s.scalar(text("select 7")))[1],
                   on_done=seen.append, on_progress=lambda f, st: seen.append((f, st)))
    qtbot.waitUntil(lambda: 7 in seen, timeout=2000)
    assert seen == [(1.0, "all"), 7]


def test_every_fault_is_logged_once_where_it_is_delivered_and_no_refusal_is(runner, qtbot, caplog):
    """Views word a fault as "…the details are in the log": the runner makes that true for all
    of them (main window, alert panel, queue dock, dialogs), not each call site."""
    import logging

    from console.domain.errors import DomainError
    tasks = runner()
    seen: list[BaseException] = []
    tasks.task_failed.connect(seen.append)

    def fault():
        raise KeyError("broken")

    def refusal():
        raise DomainError("unknown_category", code="x")

    def cancelled():
        raise Cancelled      # the user cancelled long work: asked for, not a fault
    with caplog.at_level(logging.ERROR, logger="console.faults"):
        tasks.call(fault, on_error=seen.append)     # a view's own error callback
        tasks.call(fault)                           # no callback: the main window's task_failed
        tasks.call(refusal, on_error=seen.append)
        tasks.call(cancelled, on_error=seen.append)
        qtbot.waitUntil(lambda: len(seen) == 4, timeout=2000)
    records = [r for r in caplog.records if r.name == "console.faults"]
    assert len(records) == 2
    assert all(r.exc_info and r.exc_info[0] is KeyError for r in records)


def test_a_job_that_outlives_its_task_at_quit_ends_without_a_traceback():
    """The application quit (the runner and its tasks deleted) while a job still ran past the
    shutdown's wait: its answer has nobody to go to. The worker thread used to raise "Signal
    source has been deleted" (pytest fails the test on an exception in a pool thread)."""
    import shiboken6
    runner = TaskRunner(None)
    gate = threading.Event()
    task = runner.call(lambda: gate.wait(5))
    shiboken6.delete(task)                     # as at quit: the job still running
    gate.set()
    assert runner._pools[Lane.INTERACTIVE].waitForDone(5000)
