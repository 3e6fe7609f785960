from datetime import timedelta

from sqlalchemy import Engine, select

from srpipeline.crm.schema import crm_sync_log
from srpipeline.crm.state import (
    consume_sync_requests,
    finish_sync_log,
    get_sync_state,
    pending_sync_requests,
    request_sync,
    save_sync_state,
    start_sync_log,
)
from srpipeline.crm.upsert import LoadCounts
from srpipeline_tests.crm.factories import T0


def test_sync_state_round_trips_per_stream(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        assert get_sync_state(conn, "orders") is None
        checkpoint = {"lo": "2025-03-01T00:00:00+00:00", "next_inner_id": 201}
        save_sync_state(conn, "orders", synced_until=None, checkpoint=checkpoint, now=T0)
        state = get_sync_state(conn, "orders")
        assert state is not None and (state.synced_until, state.checkpoint) == (None, checkpoint)
        assert get_sync_state(conn, "statuses") is None
        save_sync_state(conn, "statuses", synced_until=T0, checkpoint=None, now=T0)
        save_sync_state(conn, "orders", synced_until=T0, checkpoint=None, now=T0)
        state = get_sync_state(conn, "orders")
        assert state is not None and (state.synced_until, state.checkpoint) == (T0, None)
        assert get_sync_state(conn, "statuses") is not None


def test_sync_requests_queue_and_are_consumed_by_one_run(crm_engine: Engine) -> None:
    first = request_sync(crm_engine, "anna", clock=lambda: T0)
    second = request_sync(crm_engine, None, clock=lambda: T0 + timedelta(seconds=5))
    with crm_engine.begin() as conn:
        assert [r.id for r in pending_sync_requests(conn)] == [first, second]
        assert consume_sync_requests(conn, [first, second], "run-1", now=T0) == 2
        assert consume_sync_requests(conn, [first], "run-2", now=T0) == 0
        assert pending_sync_requests(conn) == []


def test_sync_log_rows_start_running_and_finish_with_counts(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        log_id = start_sync_log(conn, "run-1", "orders", "schedule", now=T0)
        assert conn.execute(select(crm_sync_log.c.status)).scalar_one() == "running"
        finish_sync_log(
            conn,
            log_id,
            "success",
            now=T0 + timedelta(minutes=1),
            counts=LoadCounts(3, 2, 1),
            requests=7,
            throttled=1,
        )
        row = conn.execute(select(crm_sync_log)).one()
    assert (row.status, row.rows_inserted, row.rows_updated, row.rows_unchanged) == ("success", 3, 2, 1)
    assert (row.requests, row.throttled, row.finished_at, row.trigger) == (
        7,
        1,
        T0 + timedelta(minutes=1),
        "schedule",
    )
