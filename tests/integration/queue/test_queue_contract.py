"""The queue's contract, one suite on SQLite and PostgreSQL (the ``ws`` fixture runs both)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa

import shopops
from shopops.errors import ConfigError, InvalidState, NotFound
from shopops.queue import Status
from shopops.queue.model import JobEntry, Outcome
from shopops.queue.worker import Worker
from shopops.store import tables as t
from shopops.sync.registry import REGISTRY, Param, ReportSpec

UTC = dt.UTC
W = "test-worker"


@shopops.report("contract-echo", params={"n": int, "label": Param(str, default="x")}, needs_shop=False)
def _echo(ctx: Any, params: dict[str, Any]) -> None:
    ctx.stats["n"] = params["n"]


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def claim(ws: Any, worker: str = W) -> JobEntry | None:
    ws.queue.store.register_worker(worker, "host", 1, 1) if not _registered(ws, worker) else None
    return ws.queue.store.claim(worker)


def _registered(ws: Any, worker: str) -> bool:
    with ws.engine.connect() as conn:
        return (
            conn.execute(sa.select(t.job_queue_worker.c.id).where(t.job_queue_worker.c.id == worker)).first()
            is not None
        )


def status_of(ws: Any, entry_id: int) -> Status:
    return ws.queue.get(entry_id).status


# --- enqueue ---------------------------------------------------------------------------------------------


def test_enqueue_checks_before_storing(ws: Any) -> None:
    with pytest.raises(NotFound, match="unknown report 'no-such'"):
        ws.queue.enqueue("no-such")
    with pytest.raises(ConfigError, match=r"contract-echo\.n: expected int"):
        ws.queue.enqueue("contract-echo", params={"n": "five"})
    with pytest.raises(ConfigError, match=r"contract-echo\.bogus: is not a parameter"):
        ws.queue.enqueue("contract-echo", params={"n": 1, "bogus": 2})
    with pytest.raises(ConfigError, match="priority"):
        ws.queue.enqueue("contract-echo", params={"n": 1}, priority="urgent")
    with pytest.raises(ConfigError, match="max_attempts"):
        ws.queue.enqueue("contract-echo", params={"n": 1}, max_attempts=11)
    with pytest.raises(ConfigError, match="earliest_start"):
        ws.queue.enqueue("contract-echo", params={"n": 1}, earliest_start=dt.datetime(2026, 1, 1))
    with pytest.raises(NotFound, match="no shop 'NOPE'"):
        ws.queue.enqueue("contract-echo", params={"n": 1}, shop="NOPE")
    assert len(ws.queue.entries()) == 0


def test_bc_id_alias_and_defaults(ws: Any) -> None:
    REGISTRY.register(ReportSpec(name="contract-aliased", function=lambda ctx, p: None, bc_id=99001, needs_shop=False))
    entry = ws.queue.enqueue("99001")
    assert entry.report == "contract-aliased"
    echo = ws.queue.enqueue("contract-echo", params={"n": 3})
    assert echo.parameters == {"n": 3, "label": "x"}
    assert echo.status == Status.READY and echo.priority == 2000 and echo.max_attempts == 1


# --- claim, finish, retries --------------------------------------------------------------------------------


def test_one_off_success_finishes_with_one_log_entry(ws: Any) -> None:
    entry = ws.queue.enqueue("contract-echo", params={"n": 7})
    assert ws.queue.work(concurrency=1) == 1
    assert status_of(ws, entry.id) == Status.FINISHED
    log = ws.queue.log(entry_id=entry.id)
    assert len(log) == 1
    row = log.iloc[0]
    assert row.status == "success" and row.stats == {"n": 7} and row.duration_s >= 0 and row.error is None


def test_failure_is_retried_until_attempts_run_out(ws: Any) -> None:
    entry = ws.queue.enqueue("pause", params={"seconds": 0.0, "fail": True}, max_attempts=3)
    ws.queue.work(concurrency=1)
    got = ws.queue.get(entry.id)
    assert got.status == Status.ERROR and got.attempts == 3
    assert "pause was asked to fail" in (got.last_error or "")
    log = ws.queue.log(entry_id=entry.id).sort_values("attempt")
    assert list(log.attempt) == [1, 2, 3] and set(log.status) == {"error"}
    assert "RuntimeError" in ws.queue.traceback(int(log.iloc[0].id))


def test_rerun_delay_postpones_the_retry(ws: Any) -> None:
    entry = ws.queue.enqueue("pause", params={"seconds": 0.0, "fail": True}, max_attempts=2, rerun_delay_s=600)
    claimed = claim(ws)
    assert claimed is not None
    ws.queue.store.finish(claimed, W, error="boom")
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and got.earliest_start_at > now() + dt.timedelta(seconds=590)
    assert claim(ws) is None


def test_recurring_success_is_scheduled_from_its_scheduled_time(ws: Any) -> None:
    scheduled = now() - dt.timedelta(minutes=3)
    entry = ws.queue.enqueue(
        "contract-echo", params={"n": 1}, recurrence=shopops.Recurrence(every_minutes=10), earliest_start=scheduled
    )
    claimed = claim(ws)
    assert claimed is not None and claimed.scheduled_at == entry.earliest_start_at
    assert ws.queue.store.finish(claimed, W, outcome=Outcome()) == Status.READY
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and got.attempts == 0
    assert got.earliest_start_at == entry.earliest_start_at + dt.timedelta(minutes=10)


def test_a_failed_recurring_entry_keeps_its_schedule_and_shows_the_error(ws: Any) -> None:
    scheduled = now() - dt.timedelta(minutes=1)
    every_5 = shopops.Recurrence(every_minutes=5)
    entry = ws.queue.enqueue("contract-echo", params={"n": 1}, recurrence=every_5, earliest_start=scheduled)
    claimed = claim(ws)
    assert claimed is not None
    assert ws.queue.store.finish(claimed, W, error="Shopify said 503") == Status.READY
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and got.attempts == 0 and got.last_error == "Shopify said 503"
    assert got.earliest_start_at == scheduled + dt.timedelta(minutes=5)
    assert ws.queue.entries().iloc[0].error == "Shopify said 503"  # visible until a run succeeds
    assert claim(ws) is None  # not before its next time
    with ws.engine.begin() as conn:
        conn.execute(sa.update(t.job_queue_entry).values(earliest_start_at=now() - dt.timedelta(seconds=1)))
    again = claim(ws)
    assert again is not None
    ws.queue.store.finish(again, W, outcome=Outcome())
    assert ws.queue.get(entry.id).last_error is None


def test_a_recurring_entry_that_stops_on_error_stops_until_set_ready(ws: Any) -> None:
    every_5 = shopops.Recurrence(every_minutes=5)
    entry = ws.queue.enqueue(
        "contract-echo", params={"n": 1}, recurrence=every_5, earliest_start=now(), stop_on_error=True
    )
    assert entry.stop_on_error
    claimed = claim(ws)
    assert claimed is not None and claimed.stop_on_error
    ws.queue.store.finish(claimed, W, error="Shopify said 503")
    got = ws.queue.get(entry.id)
    assert got.status == Status.ERROR and got.last_error == "Shopify said 503"
    assert claim(ws) is None
    ready = ws.queue.set_ready(entry.id)
    assert ready.status == Status.READY and ready.attempts == 0 and ready.last_error is None


def test_stop_on_error_must_be_a_boolean(ws: Any) -> None:
    with pytest.raises(ConfigError, match="stop_on_error"):
        ws.queue.enqueue("contract-echo", params={"n": 1}, stop_on_error="yes")


def test_earliest_start_in_the_future_is_not_claimed(ws: Any) -> None:
    ws.queue.enqueue("contract-echo", params={"n": 1}, earliest_start=now() + dt.timedelta(hours=1))
    assert claim(ws) is None


# --- categories --------------------------------------------------------------------------------------------


def test_one_entry_per_category_in_process(ws: Any) -> None:
    a1 = ws.queue.enqueue("contract-echo", params={"n": 1}, category="A")
    ws.queue.enqueue("contract-echo", params={"n": 2}, category="A")
    b1 = ws.queue.enqueue("contract-echo", params={"n": 3}, category="B")
    free = ws.queue.enqueue("contract-echo", params={"n": 4})
    first = claim(ws)
    second = claim(ws, "w2")
    third = claim(ws, "w3")
    assert [first.id, second.id, third.id] == [a1.id, b1.id, free.id]  # type: ignore[union-attr]
    assert claim(ws, "w4") is None  # A's second entry waits for the first
    ws.queue.store.finish(first, W, outcome=Outcome())  # type: ignore[arg-type]
    nxt = claim(ws, "w4")
    assert nxt is not None and nxt.category == "A"


def test_priority_then_entry_order_within_a_category(ws: Any) -> None:
    low = ws.queue.enqueue("contract-echo", params={"n": 1}, category="C", priority="low")
    normal = ws.queue.enqueue("contract-echo", params={"n": 2}, category="C")
    high = ws.queue.enqueue("contract-echo", params={"n": 3}, category="C", priority="high")
    order = []
    for _ in range(3):
        entry = claim(ws)
        assert entry is not None
        order.append(entry.id)
        ws.queue.store.finish(entry, W, outcome=Outcome())
    assert order == [high.id, normal.id, low.id]


def test_database_refuses_two_in_process_in_one_category(ws: Any) -> None:
    a = ws.queue.enqueue("contract-echo", params={"n": 1}, category="X")
    b = ws.queue.enqueue("contract-echo", params={"n": 2}, category="X")
    e = t.job_queue_entry
    with ws.engine.begin() as conn:
        conn.execute(sa.update(e).where(e.c.id == a.id).values(status="in_process"))
    with pytest.raises(sa.exc.IntegrityError), ws.engine.begin() as conn:
        conn.execute(sa.update(e).where(e.c.id == b.id).values(status="in_process"))
    with pytest.raises(sa.exc.IntegrityError), ws.engine.begin() as conn:
        conn.execute(sa.update(e).where(e.c.id == b.id).values(status="sleeping"))


def test_waiting_while_the_category_is_busy(ws: Any) -> None:
    ws.queue.enqueue("contract-echo", params={"n": 1}, category="W")
    queued = ws.queue.enqueue("contract-echo", params={"n": 2}, category="W")
    running = claim(ws)
    assert ws.queue.store.promote()["waiting"] == 1
    assert status_of(ws, queued.id) == Status.WAITING
    ws.queue.store.finish(running, W, outcome=Outcome())  # type: ignore[arg-type]
    assert status_of(ws, queued.id) == Status.READY
    assert claim(ws) is not None


def test_expired_entry_is_not_run(ws: Any) -> None:
    entry = ws.queue.enqueue(
        "contract-echo",
        params={"n": 1},
        earliest_start=now() - dt.timedelta(hours=2),
        expiration=now() - dt.timedelta(hours=1),
    )
    assert claim(ws) is None
    assert ws.queue.store.promote()["expired"] == 1
    got = ws.queue.get(entry.id)
    assert got.status == Status.ERROR and "expired" in (got.last_error or "")
    assert ws.queue.log(entry_id=entry.id).iloc[0].status == "error"


# --- actions -----------------------------------------------------------------------------------------------


def test_hold_ready_restart_delete(ws: Any) -> None:
    entry = ws.queue.enqueue("contract-echo", params={"n": 1})
    assert ws.queue.set_on_hold(entry.id).status == Status.ON_HOLD
    assert claim(ws) is None
    assert ws.queue.set_ready(entry.id).status == Status.READY
    running = claim(ws)
    assert running is not None
    for action in (ws.queue.delete, ws.queue.set_on_hold, ws.queue.set_ready, ws.queue.restart, ws.queue.run_once):
        with pytest.raises(InvalidState, match="in process"):
            action(entry.id)
    ws.queue.store.finish(running, W, outcome=Outcome())
    assert status_of(ws, entry.id) == Status.FINISHED
    restarted = ws.queue.restart(entry.id)
    assert restarted.status == Status.READY and restarted.earliest_start_at <= now()
    ws.queue.delete(entry.id)
    with pytest.raises(NotFound):
        ws.queue.get(entry.id)
    assert len(ws.queue.log(entry_id=entry.id)) == 1  # the log outlives the entry


def test_run_once_runs_a_foreground_copy(ws: Any) -> None:
    entry = ws.queue.enqueue(
        "contract-echo", params={"n": 5}, recurrence=shopops.Recurrence(every_minutes=60), category="R"
    )
    before = ws.queue.get(entry.id)
    outcome = ws.queue.run_once(entry.id)
    assert outcome.stats == {"n": 5}
    after = ws.queue.get(entry.id)
    assert after.status == before.status and after.earliest_start_at == before.earliest_start_at
    log = ws.queue.log(entry_id=entry.id)
    assert len(log) == 1 and bool(log.iloc[0].foreground) and log.iloc[0].status == "success"


# --- workers and the janitor ---------------------------------------------------------------------------------


def _age_worker(ws: Any, worker: str, seconds: float) -> None:
    w = t.job_queue_worker
    with ws.engine.begin() as conn:
        conn.execute(sa.update(w).where(w.c.id == worker).values(heartbeat_at=now() - dt.timedelta(seconds=seconds)))


def test_janitor_retries_entries_of_a_lost_worker(ws: Any) -> None:
    entry = ws.queue.enqueue("contract-echo", params={"n": 1}, max_attempts=2, category="J")
    waiting = ws.queue.enqueue("contract-echo", params={"n": 2}, category="J")
    ws.queue.store.register_worker("dead", "host", 99, 1)
    claimed = ws.queue.store.claim("dead")
    assert claimed is not None and claimed.id == entry.id
    assert ws.queue.store.recover_lost(60) == []  # still heartbeating
    _age_worker(ws, "dead", 120)
    assert ws.queue.store.recover_lost(60) == [entry.id]
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and "worker lost" in (got.last_error or "")
    log = ws.queue.log(entry_id=entry.id).iloc[0]
    assert log.status == "error" and "worker lost: dead" in log.error and log.end is not None
    assert ws.queue.store.recover_lost(60) == []  # idempotent
    assert claim(ws) is not None  # the category is free again
    assert waiting.id > entry.id


def _lose_a_run(ws: Any, entry_id: int, worker: str) -> None:
    """A worker claims the entry and vanishes (its row gone, as after a lost host); the janitor recovers it."""
    deadline = time.monotonic() + 5
    ws.queue.store.register_worker(worker, "host", 98, 1)
    while (claimed := ws.queue.store.claim(worker)) is None and time.monotonic() < deadline:
        time.sleep(0.01)  # a retry waits its 10^attempts ms
    assert claimed is not None and claimed.id == entry_id
    with ws.engine.begin() as conn:
        conn.execute(sa.delete(t.job_queue_worker).where(t.job_queue_worker.c.id == worker))
    assert ws.queue.store.recover_lost(60) == [entry_id]


def test_janitor_retries_a_lost_run_once_more_then_errors(ws: Any) -> None:
    entry = ws.queue.enqueue("contract-echo", params={"n": 1})  # max_attempts 1, the default
    _lose_a_run(ws, entry.id, "gone")
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and got.attempts == 1 and "worker lost: gone" in (got.last_error or "")
    _lose_a_run(ws, entry.id, "gone-again")
    got = ws.queue.get(entry.id)
    assert got.status == Status.ERROR and got.attempts == 2 and "worker lost: gone-again" in (got.last_error or "")
    assert (ws.queue.log(status="in_process")).empty
    assert ws.queue.log(entry_id=entry.id).status.tolist() == ["error", "error"]


def test_a_lost_recurring_run_keeps_its_schedule(ws: Any) -> None:
    every_hour = shopops.Recurrence(every_minutes=60)
    entry = ws.queue.enqueue("contract-echo", params={"n": 1}, recurrence=every_hour, earliest_start=now())
    _lose_a_run(ws, entry.id, "gone")
    _lose_a_run(ws, entry.id, "gone-again")
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and got.attempts == 0 and "worker lost" in (got.last_error or "")
    assert got.earliest_start_at > now() + dt.timedelta(minutes=30)


def test_unknown_report_fails_clearly_instead_of_vanishing(ws: Any) -> None:
    REGISTRY.register(ReportSpec(name="contract-plugin", function=lambda c, p: None, needs_shop=False))
    entry = ws.queue.enqueue("contract-plugin")
    del REGISTRY._by_name["contract-plugin"]
    ws.queue.work(concurrency=1)
    got = ws.queue.get(entry.id)
    assert got.status == Status.ERROR
    assert "UnknownReport" in (got.last_error or "") and "SHOPOPS_PLUGINS" in (got.last_error or "")


def test_graceful_stop_hands_back_a_long_run(ws: Any) -> None:
    entry = ws.queue.enqueue("pause", params={"seconds": 5.0})
    worker = ws.queue.worker(concurrency=1).start()
    deadline = time.monotonic() + 10
    while status_of(ws, entry.id) != Status.IN_PROCESS and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.stop(grace_s=0.1)
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and got.attempts == 0
    assert "handed back" in ws.queue.log(entry_id=entry.id).iloc[0].error


def test_heartbeat_registers_a_worker_the_janitor_dropped(ws: Any) -> None:
    ws.queue.store.heartbeat("fresh", "host", 1, 2)
    assert _registered(ws, "fresh")


def test_worker_threads_run_entries_in_parallel_and_report_progress(ws: Any) -> None:
    entries = [ws.queue.enqueue("pause", params={"seconds": 0.3}) for _ in range(4)]
    started = time.monotonic()
    assert ws.queue.work(concurrency=4) == 4
    assert time.monotonic() - started < 1.1  # four 0.3 s pauses side by side
    assert all(status_of(ws, e.id) == Status.FINISHED for e in entries)


def test_in_process_wake_up_starts_a_new_entry_quickly(ws: Any) -> None:
    worker = Worker(ws.queue.store, ws.queue.executor, threads=1, poll_s=30).start()
    try:
        time.sleep(0.2)
        entry = ws.queue.enqueue("contract-echo", params={"n": 1})
        deadline = time.monotonic() + 5
        while status_of(ws, entry.id) != Status.FINISHED and time.monotonic() < deadline:
            time.sleep(0.01)
        assert status_of(ws, entry.id) == Status.FINISHED  # woken at once, not after the 30 s poll
    finally:
        worker.stop(grace_s=1)


# --- frames, pruning, ws.run ---------------------------------------------------------------------------------


def test_frames_have_the_columns_people_filter_on(ws: Any) -> None:
    ws.queue.enqueue(
        "contract-echo",
        params={"n": 1},
        category="F",
        recurrence=shopops.Recurrence(every_minutes=15, weekdays="Mon-Fri", tz="Europe/Copenhagen"),
    )
    frame = ws.queue.entries()
    for column in ("shop", "report", "category", "status", "next_run", "error", "recurrence"):
        assert column in frame.columns
    assert frame.iloc[0].recurrence == "every 15 min Mon-Fri Europe/Copenhagen"
    assert str(frame.next_run.dt.tz) == "UTC"
    ws.queue.run_once(int(frame.iloc[0].id))
    log = ws.queue.log()
    for column in ("shop", "report", "category", "status", "start", "end", "duration_s", "error", "api_cost"):
        assert column in log.columns
    assert ws.queue.entries(status="finished").empty and len(ws.queue.entries(category="F")) == 1
    row = ws.queue.entries().iloc[0]
    assert row.last_status == "success" and row.last_duration_s >= 0 and row.last_start is not None


def test_prune_removes_old_log_entries(ws: Any) -> None:
    entry = ws.queue.enqueue("contract-echo", params={"n": 1})
    ws.queue.work(concurrency=1)
    lg = t.job_queue_log_entry
    with ws.engine.begin() as conn:
        conn.execute(sa.update(lg).values(ended_at=now() - dt.timedelta(days=40)))
        conn.execute(sa.update(t.job_queue_entry).values(updated_at=now() - dt.timedelta(days=40)))
    assert ws.queue.store.prune(dt.timedelta(days=30)) == 1
    assert ws.queue.log().empty
    with pytest.raises(NotFound):
        ws.queue.get(entry.id)


def test_ws_run_follows_the_shop_card(ws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPOPS_TEST_TOKEN", "shpat_secret")
    ws.shops.add("BG", url="https://bg.myshopify.com", token_env="SHOPOPS_TEST_TOKEN", category="SHOPS")
    REGISTRY.register(ReportSpec(name="contract-shop", function=lambda c, p: c.stats.update(ok=1)))
    entry = ws.run("contract-shop", shop="BG")
    assert isinstance(entry, JobEntry) and entry.category == "SHOPS" and entry.earliest_start_at <= now()
    ws.shops.set("BG", allow_background_sync=False)
    result = ws.run("contract-shop", shop="BG")
    assert result.ok and result.stats == {"ok": 1}
    log = ws.queue.log(shop="BG")
    assert len(log) == 1 and bool(log.iloc[0].foreground)
    with pytest.raises(ConfigError, match="syncs one shop"):
        ws.run("contract-shop")


def test_concurrent_claims_never_double_run(ws: Any) -> None:
    for i in range(200):
        ws.queue.enqueue("contract-echo", params={"n": i}, category=["A", "B", None, None][i % 4])
    claimed: list[int] = []
    lock = threading.Lock()

    def grab(name: str) -> None:
        ws.queue.store.register_worker(name, "h", 1, 1)
        while True:
            entry = ws.queue.store.claim(name)
            if entry is None:
                if not ws.queue.store.has_pending_work(0):
                    return
                time.sleep(0.001)
                continue
            with lock:
                claimed.append(entry.id)
            ws.queue.store.finish(entry, name, outcome=Outcome())

    threads = [threading.Thread(target=grab, args=(f"t{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 200


# --- waking on PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture
def pg_ws(pg_url: str) -> Any:
    """LISTEN/NOTIFY is PostgreSQL's; SQLite workers poll (see the in-process wake-up test)."""
    workspace = shopops.open(pg_url)
    yield workspace
    workspace.close()


def test_a_listening_worker_claims_what_another_process_enqueues(pg_ws: Any) -> None:
    ws = pg_ws
    # insert_entry alone sends only the NOTIFY (no in-process wake), as an enqueue from another host does
    worker = Worker(ws.queue.store, ws.queue.executor, threads=2, poll_s=30).start()
    try:
        time.sleep(0.3)
        ids = []
        for n in range(3):
            entry = ws.queue.store.insert_entry(
                {
                    "report": "contract-echo",
                    "parameters": {"n": n, "label": "x"},
                    "priority": 1000,
                    "status": "ready",
                    "earliest_start_at": now(),
                    "max_attempts": 1,
                    "rerun_delay_s": 0,
                    "recurring": False,
                }
            )
            ids.append(entry.id)
            deadline = time.monotonic() + 5
            while status_of(ws, entry.id) != Status.FINISHED and time.monotonic() < deadline:
                time.sleep(0.01)
            assert status_of(ws, entry.id) == Status.FINISHED  # heard at once, not after the 30 s poll
    finally:
        worker.stop(grace_s=1)
    log = ws.queue.log()
    assert sorted(log.entry_id) == ids and set(log.status) == {"success"}


def test_claim_on_the_listening_connection_opens_the_log_entry(pg_ws: Any) -> None:
    ws = pg_ws
    from shopops.queue.wakeup import channel_for

    channel = channel_for(ws.engine)
    assert channel is not None
    try:
        ws.queue.store.register_worker(W, "host", 1, 1)
        entry = ws.queue.enqueue("contract-echo", params={"n": 7}, category="LISTEN")
        assert channel.try_hold() and channel.wait(2.0)  # the enqueue's NOTIFY
        claimed = ws.queue.store.claim_on(channel.connection, W)
        assert claimed is not None and claimed.id == entry.id and claimed.log_id is not None
        assert claimed.parameters == {"n": 7, "label": "x"} and claimed.category == "LISTEN"
        assert ws.queue.store.claim_on(channel.connection, W) is None  # nothing else is due
        channel.release()
        assert status_of(ws, entry.id) == Status.IN_PROCESS
        log = ws.queue.log()
        assert list(log.status) == ["in_process"] and list(log.entry_id) == [entry.id]
        assert ws.queue.store.finish(claimed, W, outcome=Outcome()) == Status.FINISHED
    finally:
        channel.close()


def test_notify_only_when_something_became_claimable(pg_ws: Any) -> None:
    ws = pg_ws
    from shopops.queue.wakeup import channel_for

    channel = channel_for(ws.engine)
    assert channel is not None and channel.try_hold()
    try:

        def heard() -> bool:
            got = False
            while channel.wait(0.3):  # drain: several may come in one packet
                got = True
            return got

        plain = ws.queue.enqueue("contract-echo", params={"n": 1})
        categorised = ws.queue.enqueue("contract-echo", params={"n": 2}, category="NOTE")
        retried = ws.queue.enqueue("contract-echo", params={"n": 3}, max_attempts=2)
        assert heard()  # every enqueue notifies
        ws.queue.store.register_worker(W, "host", 1, 1)
        by_id = {}
        while (entry := ws.queue.store.claim(W)) is not None:
            by_id[entry.id] = entry
        assert set(by_id) == {plain.id, categorised.id, retried.id}
        assert not heard()  # claims do not
        ws.queue.store.finish(by_id[plain.id], W, outcome=Outcome())
        assert not heard()  # a finished one-off without a category frees nothing
        ws.queue.store.finish(by_id[categorised.id], W, outcome=Outcome())
        assert heard()  # its category is free again
        ws.queue.store.finish(by_id[retried.id], W, error="boom")
        assert heard()  # ready again after its rerun delay: workers learn when
    finally:
        channel.release()
        channel.close()


def test_noop_logs_how_long_its_entry_waited(ws: Any) -> None:
    sent = time.time()
    entry = ws.queue.enqueue("noop", params={"sent_at": sent})
    plain = ws.queue.enqueue("noop")
    time.sleep(0.05)
    assert ws.queue.work(concurrency=1) == 2
    log = ws.queue.log().set_index("entry_id")
    waited = log.loc[entry.id, "stats"]["wait_us"] / 1000
    assert 50 <= waited <= (time.time() - sent) * 1000
    assert "wait_us" not in log.loc[plain.id, "stats"]


def test_clock_offset_to_a_local_database_is_small(ws: Any) -> None:
    # the shortest of several round trips bounds the error; this database runs on this host
    assert abs(ws.queue.store.clock_offset().total_seconds()) < 0.02


def test_ws_run_takes_max_attempts(ws: Any) -> None:
    queued = ws.run("noop", background=True, max_attempts=3)
    assert ws.queue.get(queued.id).max_attempts == 3
    assert ws.queue.get(ws.run("noop", background=True).id).max_attempts == 1
    with pytest.raises(ConfigError, match="max_attempts: a run in the foreground is tried once"):
        ws.run("noop", max_attempts=3)
    with pytest.raises(ConfigError, match="max_attempts"):
        ws.run("noop", background=True, max_attempts=0)
