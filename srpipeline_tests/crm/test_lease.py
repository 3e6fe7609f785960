import multiprocessing
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from srpipeline.crm.engine import make_engine
from srpipeline.crm.lease import LeaseHeldError, LeaseLostError, acquire, lease_holder
from srpipeline_tests.crm.factories import T0

TTL = timedelta(minutes=5)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def _race(url: str, owner: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    barrier.wait()
    try:
        acquire(engine, owner, TTL)
        results.put(("won", owner))
    except LeaseHeldError as exc:
        results.put(("lost", exc.holder))
    finally:
        engine.dispose()


def test_processes_racing_for_the_lease_exactly_one_wins(crm_engine: Engine) -> None:
    url = crm_engine.url.render_as_string(hide_password=False)
    crm_engine.dispose()  # no pooled connection is shared with the forked children
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_race, args=(url, f"run-{i}", barrier, results)) for i in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    winners = [owner for outcome, owner in outcomes if outcome == "won"]
    assert len(winners) == 1
    assert {owner for outcome, owner in outcomes if outcome == "lost"} == set(
        winners
    )  # losers name the holder
    assert lease_holder(crm_engine) == winners[0]


def test_a_held_lease_is_refused_naming_the_holder_until_it_expires(crm_engine: Engine) -> None:
    clock = Clock()
    first = acquire(crm_engine, "run-a", TTL, clock=clock)
    clock.now += timedelta(minutes=4)
    with pytest.raises(LeaseHeldError, match="run-a"):
        acquire(crm_engine, "run-b", TTL, clock=clock)
    first.heartbeat()  # extends to minute 9
    clock.now += timedelta(minutes=4)
    with pytest.raises(LeaseHeldError):
        acquire(crm_engine, "run-b", TTL, clock=clock)
    clock.now += timedelta(minutes=2)  # minute 10: expired without a heartbeat
    second = acquire(crm_engine, "run-b", TTL, clock=clock)
    assert lease_holder(crm_engine, clock=clock) == "run-b"
    with pytest.raises(LeaseLostError):
        first.heartbeat()
    first.release()  # releasing a lost lease does not free the new holder's
    assert lease_holder(crm_engine, clock=clock) == "run-b"
    with second:
        pass
    assert lease_holder(crm_engine, clock=clock) is None
    with acquire(crm_engine, "run-c", TTL, clock=clock):
        assert lease_holder(crm_engine, clock=clock) == "run-c"
