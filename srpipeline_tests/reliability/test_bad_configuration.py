"""Bad configuration through `srpipeline sync --now` after a good first sync: each mistake ends in
one `srpipeline:` line saying what to fix, exit 1, and no change to the CRM (every table's rows,
the sync log included). srpipeline_tests/test_cli.py covers a missing URL, plain http, "not a url",
an unreachable PostgreSQL, a second shop and wrong credentials on `test-connection`; these add the
rest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from srpipeline.cli import main
from srpipeline.crm.engine import make_engine, sqlite_url
from srpipeline.crm.schema import crm_shop_connection, crm_sync_log, metadata
from srpipeline.sandbox import SandboxShop
from srpipeline_tests.sandbox_clients import point_cli_at

CRM = "crm.sqlite"


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sandbox_shop: SandboxShop) -> Path:
    """A working configuration, synced once; returns the CRM file."""
    point_cli_at(monkeypatch, sandbox_shop, tmp_path)
    monkeypatch.setenv("CRM_DATABASE_URL", sqlite_url(tmp_path / CRM))
    assert main(["sync", "--now"]) == 0
    return tmp_path / CRM


def table_rows(path: Path) -> dict[str, int]:
    """Rows per CRM table; the sync log's failed rows are left out (a failed attempt is logged)."""
    engine = make_engine(sqlite_url(path))
    with engine.connect() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }
        counts["crm_sync_log"] = conn.execute(
            select(func.count()).select_from(crm_sync_log).where(crm_sync_log.c.status != "failed")
        ).scalar_one()
    engine.dispose()
    return counts


def fails_in_one_line(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["sync", "--now"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("srpipeline: "), err
    return err


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SHOPRENTER_USERNAME": None, "SHOPRENTER_PASSWORD": None}, "no shop credentials: set"),
        ({"SHOPRENTER_PASSWORD": ""}, "SHOPRENTER_USERNAME and SHOPRENTER_PASSWORD must both be set"),
        ({"SHOPRENTER_CLIENT_ID": "x", "SHOPRENTER_CLIENT_SECRET": "y"}, "set only one pair"),
        ({"SHOPRENTER_PASSWORD": "Wr0ng-Pa55"}, "credentials rejected (401): check SHOPRENTER_USERNAME"),
        ({"SHOPRENTER_API_URL": "https://"}, "SHOPRENTER_API_URL must look like https://"),
        ({"SHOPRENTER_API_URL": "ftp://myshop.api.myshoprenter.hu"}, "SHOPRENTER_API_URL must look like"),
        ({"SHOPRENTER_API_URL": "https://myshop.hu:port"}, "SHOPRENTER_API_URL is not a valid URL"),
        ({"SHOPRENTER_API_URL": "https://u:p@myshop.api.myshoprenter.hu"}, "must not contain credentials"),
        ({"SHOPRENTER_API_URL": "http://192.168.1.20"}, "never send credentials over plain http"),
        ({"SHOPRENTER_RATE": "fast"}, "SHOPRENTER_RATE must be a number"),
        ({"SHOPRENTER_RATE": "-1"}, "SHOPRENTER_RATE must be >= 0"),
    ],
)
def test_a_configuration_mistake_is_one_line_and_changes_nothing(
    configured: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, str | None],
    expected: str,
) -> None:
    before = table_rows(configured)
    capsys.readouterr()
    for name, value in changes.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    assert expected in fails_in_one_line(capsys)
    assert table_rows(configured) == before
    for secret in ("Wr0ng-Pa55", "u:p@"):
        assert secret not in capsys.readouterr().err


def test_the_api2_address_with_basic_credentials_is_rejected_in_one_line(
    sandbox_shop: SandboxShop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """API2 takes only OAuth2 Bearer tokens: the sandbox's /api answers 401 to Basic."""
    point_cli_at(monkeypatch, sandbox_shop, tmp_path, api_url=sandbox_shop.api2_url)
    assert "credentials rejected (401)" in fails_in_one_line(capsys)
    assert table_rows(tmp_path / CRM)["crm_orders"] == 0


def test_a_first_sync_against_a_mistyped_url_does_not_bind_the_crm(
    sandbox_shop: SandboxShop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    point_cli_at(monkeypatch, sandbox_shop, tmp_path, api_url=f"{sandbox_shop.classic_url}/typo")
    assert "check SHOPRENTER_API_URL" in fails_in_one_line(capsys)
    engine = make_engine(sqlite_url(tmp_path / CRM))
    with engine.connect() as conn:
        bound = conn.execute(select(crm_shop_connection.c.shop_url)).scalar()
    engine.dispose()
    assert bound is None
    monkeypatch.setenv("SHOPRENTER_API_URL", sandbox_shop.classic_url)
    assert main(["sync", "--now"]) == 0


def test_an_api2_host_with_basic_credentials_is_refused_before_any_request(
    configured: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    monkeypatch.setenv("SHOPRENTER_API_URL", "https://myshop.api2.myshoprenter.hu")
    assert "SHOPRENTER_CLIENT_ID" in fails_in_one_line(capsys)


@pytest.mark.parametrize("kind", ["a directory", "not a database", "a missing folder"])
def test_a_crm_database_that_cannot_be_opened_is_named(
    configured: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    target = {
        "a directory": tmp_path / "folder.sqlite",
        "not a database": tmp_path / "notes.sqlite",
        "a missing folder": tmp_path / "no" / "such" / "crm.sqlite",
    }[kind]
    if kind == "a directory":
        target.mkdir()
    elif kind == "not a database":
        target.write_bytes(b"these are my notes, not a database\n" * 200)
    monkeypatch.setenv("CRM_DATABASE_URL", sqlite_url(target))
    capsys.readouterr()
    err = fails_in_one_line(capsys)
    assert "cannot open the CRM database" in err and "check CRM_DATABASE_URL" in err
    assert not target.parent.exists() or kind != "a missing folder"
    if kind == "not a database":
        assert target.read_bytes().startswith(b"these are my notes")


def test_a_second_shop_on_an_api2_client_is_refused(
    configured: Path,
    make_sandbox: Callable[..., SandboxShop],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """test_cli.py refuses a second shop over Basic; over OAuth2 the guard holds the same way."""
    other = make_sandbox(orders=10, customers=3, rate=0, seed=9)
    before = table_rows(configured)
    capsys.readouterr()
    monkeypatch.delenv("SHOPRENTER_USERNAME")
    monkeypatch.delenv("SHOPRENTER_PASSWORD")
    monkeypatch.setenv("SHOPRENTER_API_URL", other.api2_url)
    monkeypatch.setenv("SHOPRENTER_CLIENT_ID", other.client_id)
    monkeypatch.setenv("SHOPRENTER_CLIENT_SECRET", other.client_secret)
    monkeypatch.setenv("SHOPRENTER_TOKEN_URL", other.token_url)
    err = fails_in_one_line(capsys)
    assert "srpipeline disconnect --yes" in err
    assert table_rows(configured) == before
    assert [r for r in other.request_log if r.path != "/oauth/sandbox/app/token"] == []
