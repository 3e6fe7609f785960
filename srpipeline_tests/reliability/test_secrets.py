"""Syncs with distinctive credentials (a sandbox shop built with its own password and OAuth2
client secret), then a search for them, the access tokens the shop issued and the Basic header value
in every place they could leak: logs at DEBUG, the CLI's stdout and stderr (a good run, a run with a
wrong password), exception texts, every row of the CRM database, and every file of a Dagster home
after a `sync` job run (event log, run storage, compute logs, run config, tags and metadata)."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import DagsterInstance
from sqlalchemy import select

from srpipeline.app.home import prepare_dagster_home
from srpipeline.app.runs import run_sync_job
from srpipeline.cli import main
from srpipeline.crm.engine import make_engine, sqlite_url
from srpipeline.crm.schema import metadata
from srpipeline.sandbox import SandboxShop
from srpipeline.sandbox.auth import Credentials
from srpipeline.settings import read_settings

PASSWORD = "Pw-Kx7Qz-9931-quux"
CLIENT_SECRET = "Cs-Vb2Lm-5518-frob"
WRONG_PASSWORD = "Wp-Hh4Tt-2207-zorp"


@pytest.fixture
def shop() -> SandboxShop:
    generated = SandboxShop.generate(orders=120, customers=30, seed=13, rate=0)
    credentials = Credentials("api-user-13", PASSWORD, "client-13", CLIENT_SECRET)
    shop = SandboxShop(generated.store, credentials, rate=0).start()
    yield shop
    shop.stop()


def secrets_of(shop: SandboxShop, revoked: tuple[str, ...] = ()) -> list[str]:
    """The password, the client secret, the Basic header value and every token the shop issued
    (``revoked``: tokens issued before a revocation, which the shop forgot)."""
    basic = base64.b64encode(f"{shop.username}:{PASSWORD}".encode()).decode()
    tokens = list(shop._issuer._tokens)  # the sandbox's own record of what it handed out
    return [PASSWORD, CLIENT_SECRET, WRONG_PASSWORD, basic, *revoked, *tokens]


def crm_dump(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [repr(row) for table in metadata.sorted_tables for row in conn.execute(select(table))]
    engine.dispose()
    return "\n".join(rows)


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


def test_no_secret_in_logs_output_errors_or_the_crm(
    shop: SandboxShop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    crm_url = sqlite_url(tmp_path / "crm.sqlite")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("CRM_DATABASE_URL", crm_url)
    monkeypatch.setenv("SHOPRENTER_RATE", "0")
    monkeypatch.setenv("SHOPRENTER_API_URL", shop.api2_url)
    monkeypatch.setenv("SHOPRENTER_CLIENT_ID", shop.client_id)
    monkeypatch.setenv("SHOPRENTER_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("SHOPRENTER_TOKEN_URL", shop.token_url)
    for key in ("SHOPRENTER_USERNAME", "SHOPRENTER_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    with caplog.at_level(logging.DEBUG):
        assert main(["-v", "sync", "--now"]) == 0  # OAuth2
        revoked = tuple(shop._issuer._tokens)
        shop.revoke_tokens()  # the next run fetches a new token after a 401
        assert main(["-v", "sync", "--now"]) == 0
        monkeypatch.setenv("SHOPRENTER_CLIENT_SECRET", WRONG_PASSWORD)
        assert main(["-v", "test-connection"]) == 1
    in_process = capsys.readouterr()

    basic_crm_url = sqlite_url(tmp_path / "basic.sqlite")  # the classic URL is another shop to the guard
    env = {
        **os.environ,
        "CRM_DATABASE_URL": basic_crm_url,
        "SHOPRENTER_API_URL": shop.classic_url,
        "SHOPRENTER_USERNAME": shop.username,
        "SHOPRENTER_PASSWORD": PASSWORD,
    }
    for name in ("SHOPRENTER_CLIENT_ID", "SHOPRENTER_CLIENT_SECRET", "SHOPRENTER_TOKEN_URL"):
        env.pop(name)
    command = [sys.executable, "-m", "srpipeline.cli", "-v", "sync", "--now"]
    good = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    bad = subprocess.run(
        command,
        env={**env, "SHOPRENTER_PASSWORD": WRONG_PASSWORD},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0 and bad.returncode == 1
    assert "credentials rejected (401)" in bad.stderr

    secrets = secrets_of(shop, revoked)
    assert len(secrets) == 6  # two tokens were issued: the search has both
    places = {
        "log records": "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records),
        "in-process output": in_process.out + in_process.err,
        "CLI output": good.stdout + good.stderr + bad.stdout + bad.stderr,
        "CRM tables": crm_dump(crm_url) + crm_dump(basic_crm_url),
    }
    print(f"secrets: searched {sum(len(t) for t in places.values())} characters for {len(secrets)} secrets")
    assert {place: leaks(text, secrets) for place, text in places.items()} == {place: [] for place in places}


def test_no_secret_in_the_dagster_home_after_a_sync_job(
    shop: SandboxShop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = prepare_dagster_home(tmp_path / "dagster_home")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("CRM_DATABASE_URL", sqlite_url(home / "crm.sqlite"))
    monkeypatch.setenv("SRPIPELINE_START_DATE", (date.today() - timedelta(days=3)).isoformat())
    monkeypatch.setenv("SHOPRENTER_RATE", "0")
    monkeypatch.setenv("SHOPRENTER_API_URL", shop.api2_url)
    monkeypatch.setenv("SHOPRENTER_CLIENT_ID", shop.client_id)
    monkeypatch.setenv("SHOPRENTER_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("SHOPRENTER_TOKEN_URL", shop.token_url)
    for key in ("SHOPRENTER_USERNAME", "SHOPRENTER_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    with DagsterInstance.from_config(str(home)) as instance:
        success, report = run_sync_job(instance, read_settings(), trigger="manual")
        assert success
        run = instance.get_run_by_id(report.run_id)
        shown = repr((run.run_config, run.tags, report.assets, report.checks))
        events = "\n".join(repr(entry) for entry in instance.all_logs(report.run_id))
    files = [path for path in home.rglob("*") if path.is_file()]
    stored = b"\n".join(path.read_bytes() for path in files)
    assert len(events) > 1000 and len(files) > 3
    print(f"secrets: {len(files)} files of the Dagster home ({len(stored)} bytes) and the event log searched")
    secrets = secrets_of(shop)
    assert len(secrets) >= 5  # the tokens of this run (one per step process) are among them
    assert leaks(shown + events, secrets) == []
    assert [secret for secret in secrets if secret.encode() in stored] == []
