"""Who holds the sync lease: a dead process on this host is taken over at once, anyone else waits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from srpipeline.crm.lease import acquire, lease_holder
from srpipeline.sandbox import SandboxShop
from srpipeline.sync import SyncBusyError, SyncContext


def finished_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_lease_of_a_dead_local_process_is_taken_over_at_once(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    dead = f"cli-killed@{socket.gethostname()}:{finished_pid()}"
    acquire(crm_engine, dead, timedelta(hours=1), clock=shop.clock.now)
    ctx = make_context(shop, crm_engine, run_id="next")
    with ctx.hold_lease():
        assert lease_holder(crm_engine, clock=shop.clock.now) == ctx.lease_owner
    assert lease_holder(crm_engine, clock=shop.clock.now) is None


@pytest.mark.parametrize("holder", ["dagster-run@other-host:1", "cli-alive@{host}:{pid}"])
def test_a_live_or_remote_holder_is_never_taken_over(
    holder: str, shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    owner = holder.format(host=socket.gethostname(), pid=os.getpid())
    acquire(crm_engine, owner, timedelta(hours=1), clock=shop.clock.now)
    with (
        pytest.raises(SyncBusyError, match=owner.split("@")[0]),
        make_context(shop, crm_engine, run_id="next").hold_lease(),
    ):
        pass
    assert lease_holder(crm_engine, clock=shop.clock.now) == owner


def test_an_expired_lease_is_taken_over_by_the_clock(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    acquire(crm_engine, "dagster-run@other-host:1", timedelta(seconds=60), clock=shop.clock.now)
    shop.clock.advance(61)
    with make_context(shop, crm_engine, run_id="after-expiry").hold_lease():
        assert lease_holder(crm_engine, clock=shop.clock.now).startswith("after-expiry@")
