"""The `srpipeline` command in-process: what a person sees, exit codes, and that bad input changes nothing."""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from srpipeline.cli import main
from srpipeline.crm.engine import make_engine, sqlite_url
from srpipeline.crm.lease import acquire
from srpipeline.crm.schema import crm_orders, crm_shop_connection, crm_sync_requests
from srpipeline.sandbox import SandboxShop
from srpipeline_tests.crm_equality import assert_crm_equals_shop
from srpipeline_tests.sandbox_clients import point_cli_at


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sandbox_shop: SandboxShop) -> Path:
    """The CLI's environment pointing at the small sandbox shop and a SQLite CRM under tmp_path."""
    point_cli_at(monkeypatch, sandbox_shop, tmp_path / "home")
    return tmp_path / "home" / "crm.sqlite"


def crm_rows(path: Path, table) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url(path))
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(table)).scalar()
    engine.dispose()
    return int(count or 0)


def test_test_connection_succeeds_and_records_it(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test-connection"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Connection successful!")
    assert "order statuses found" in out
    engine = make_engine(sqlite_url(env))
    with engine.connect() as conn:
        ok, message = conn.execute(
            select(crm_shop_connection.c.last_test_ok, crm_shop_connection.c.last_test_message)
        ).one()
    assert ok is True and message == "Connection successful!"


def test_wrong_credentials_fail_in_one_line_without_the_password(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHOPRENTER_PASSWORD", "Wr0ng-Pa55-Zebra")
    assert main(["test-connection"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [captured.out.strip()] and captured.out.startswith(
        "Connection failed: credentials rejected"
    )
    assert "Wr0ng-Pa55-Zebra" not in captured.out + captured.err


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SHOPRENTER_API_URL", "", "SHOPRENTER_API_URL is not set"),
        ("SHOPRENTER_API_URL", "http://myshop.api.myshoprenter.hu", "never send credentials over plain http"),
        ("SHOPRENTER_API_URL", "not a url", "SHOPRENTER_API_URL"),
    ],
)
def test_bad_configuration_is_one_line_and_changes_nothing(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["sync", "--now"]) == 1
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not env.exists() or crm_rows(env, crm_orders) == 0


def test_a_crm_that_cannot_be_opened_is_named_without_its_password(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql+psycopg://crm:S3cr3t-Db@127.0.0.1:1/crm")
    assert main(["sync", "--now"]) == 1
    err = capsys.readouterr().err
    assert "cannot open the CRM database" in err and "CRM_DATABASE_URL" in err
    assert "S3cr3t-Db" not in err and len(err.strip().splitlines()) == 1


def test_sync_now_loads_the_shop_and_prints_a_summary(
    env: Path, sandbox_shop: SandboxShop, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--now"]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "order_statuses",
        "coupons",
        "customers",
        "orders",
        "segments",
    ]
    (orders,) = [line for line in out.splitlines() if line.startswith("orders:")]
    assert orders.endswith("(Europe/Budapest)")  # the window in shop time, as the UI shows it
    engine = make_engine(sqlite_url(env))
    assert_crm_equals_shop(engine, sandbox_shop)
    engine.dispose()


def test_a_second_shop_is_refused_and_disconnect_needs_yes(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_sandbox: Callable[..., SandboxShop],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sync", "--now"]) == 0
    orders = crm_rows(env, crm_orders)
    other = make_sandbox(orders=20, customers=5, rate=0, seed=2)
    monkeypatch.setenv("SHOPRENTER_API_URL", other.classic_url)
    monkeypatch.setenv("SHOPRENTER_PASSWORD", other.password)
    capsys.readouterr()
    assert main(["sync", "--now"]) == 1
    err = capsys.readouterr().err
    assert "srpipeline disconnect --yes" in err and other.classic_url in err
    assert crm_rows(env, crm_orders) == orders and other.request_log == []
    assert main(["disconnect"]) == 1
    assert crm_rows(env, crm_orders) == orders
    assert main(["disconnect", "--yes"]) == 0
    assert crm_rows(env, crm_orders) == 0
    assert main(["sync", "--now"]) == 0  # the new shop may feed the CRM now
    assert crm_rows(env, crm_orders) > 0


def test_sync_now_while_another_sync_runs_exits_naming_it(
    env: Path, sandbox_shop: SandboxShop, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["crm", "upgrade"]) == 0
    acquire(make_engine(sqlite_url(env)), "dagster-run-42@elsewhere:1", timedelta(minutes=5))
    sandbox_shop.clear_log()
    assert main(["sync", "--now"]) == 1
    assert "dagster-run-42" in capsys.readouterr().err
    assert sandbox_shop.request_log == []


def test_sync_queues_a_request_for_the_sensor(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync"]) == 0
    assert main(["sync"]) == 0
    assert "Sync requested" in capsys.readouterr().out
    assert crm_rows(env, crm_sync_requests) == 2


def test_statuses_write_adds_suggestions_to_the_mapping_file(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["statuses", "--write"]) == 0
    mapping = (env.parent / "status_mapping.yaml").read_text(encoding="utf-8")
    assert "Successful" in mapping and "Failed" in mapping
    assert "Teljesítve" in capsys.readouterr().out


def test_status_shows_each_stream_after_a_sync(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == 0
    assert "orders          never synced" in capsys.readouterr().out
    assert main(["sync", "--now"]) == 0
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "orders          last sync" in out and "(success)" in out and "No sync is running now." in out
    orders = next(line for line in out.splitlines() if line.startswith("orders "))
    assert " rows changed of " in orders and " 0 rows changed" not in orders  # a first sync changed rows


def test_sandbox_options_reach_the_sandbox_and_others_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as help_exit:
        main(["sandbox", "--help"])
    assert help_exit.value.code == 0 and "--orders" in capsys.readouterr().out
    with pytest.raises(SystemExit) as bad_exit:
        main(["status", "--orders", "5"])
    assert bad_exit.value.code == 2 and "unrecognized arguments: --orders 5" in capsys.readouterr().err


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a shop that hangs)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def web_page_port(tmp_path: Path) -> Iterator[int]:
    """A web server that is not a Shoprenter API (answers every path with an HTML page)."""
    (tmp_path / "index.html").write_text("<html><body>Welcome</body></html>")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:{free}", "not reachable (connection failed"),
        ("http://127.0.0.1:{silent}", "not reachable (timed out)"),
        ("https://127.0.0.1:{shop}", "not reachable (connection failed"),  # TLS to a plain HTTP server
        ("http://127.0.0.1:{web}/", "not the Shoprenter API"),
        ("{shop_url}", "credentials rejected"),  # with a wrong password, below
    ],
    ids=["refused", "hangs", "tls", "not-an-api", "401"],
)
def test_a_failing_connection_test_is_told_within_10_seconds(
    url: str,
    expected: str,
    env: Path,
    sandbox_shop: SandboxShop,
    silent_port: int,
    web_page_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    shown = url.format(
        free=free,
        silent=silent_port,
        shop=sandbox_shop.port,
        web=web_page_port,
        shop_url=sandbox_shop.classic_url,
    )
    monkeypatch.setenv("SHOPRENTER_API_URL", shown)
    monkeypatch.setenv("SHOPRENTER_PASSWORD", "Wr0ng-Pa55-Zebra")
    started = time.monotonic()
    assert main(["test-connection"]) == 1
    assert time.monotonic() - started < 10
    out = capsys.readouterr().out
    assert out.startswith("Connection failed:") and expected in out, out
    assert len(out.strip().splitlines()) == 1
