"""The `srpipeline` command: connection test, status mapping, sync, status, disconnect, sandbox, UI, demo.

Every failure a person can fix ends in one line on stderr saying what happened and what to do,
and a non-zero exit code; nothing in the CRM changes before the guard and the lease are checked.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
import uuid
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from srpipeline.app.demo import demo_shop_settings
from srpipeline.clock import utc_now
from srpipeline.crm.engine import open_crm
from srpipeline.crm.guard import ShopMismatchError, disconnect, record_connection_test
from srpipeline.crm.lease import LeaseLostError, lease_holder
from srpipeline.crm.maintenance import table_counts
from srpipeline.crm.mapping import MappingFileError, UnknownCrmStatusError, add_new_statuses, read_mapping
from srpipeline.crm.sync_status import stream_statuses
from srpipeline.sandbox.demo import DEFAULT_ORDERS, DemoShopError
from srpipeline.settings import Settings, read_settings
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.sync import Progress, SyncBusyError, SyncContext, sync_everything

# The commands that need Dagster import it when they run: `test-connection` and `sync --now`
# answer a person about a second sooner without it.


class CrmUnavailable(RuntimeError):
    """The CRM database cannot be opened."""


#: Errors that end a command with their own one-line message (they carry no secrets).
EXPECTED_ERRORS = (
    ShoprenterError,
    ShopMismatchError,
    SyncBusyError,
    LeaseLostError,
    UnknownCrmStatusError,
    MappingFileError,
    CrmUnavailable,
    DemoShopError,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.handler is not cmd_sandbox:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.sandbox_args = extra  # `srpipeline sandbox ...` hands its options to the sandbox's own parser
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        return args.handler(args, read_settings())
    except EXPECTED_ERRORS as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted; a sync resumes from its last committed page next time", code=130)


def fail(message: str, *, code: int = 1) -> int:
    print(f"srpipeline: {message}", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="srpipeline", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the sync does")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace, Settings], int], text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    command("test-connection", cmd_test_connection, "check the shop's URL and credentials")
    statuses = command("statuses", cmd_statuses, "list the shop's order statuses and their mapping")
    statuses.add_argument("--write", action="store_true", help="add new statuses to the mapping file")

    sync = command("sync", cmd_sync, "press Sync: queue a sync for Dagster, or run one now")
    sync.add_argument("--now", action="store_true", help="run a complete sync in this process")
    sync.add_argument("--wait", action="store_true", help="after queueing, follow the sync to its end")
    sync.add_argument("--sandbox", action="store_true", help="with --now: sync from a sandbox shop")
    sync.add_argument("--full-refresh", action="store_true", help="re-read everything from the shop")
    sync.add_argument("--reconcile", action="store_true", help="also look for customers deleted in the shop")
    sync.add_argument("--timeout", type=float, default=3600, help="with --wait: seconds to wait at most")

    command("status", cmd_status, "per stream: last sync, rows, lag behind the shop, last error")
    disc = command("disconnect", cmd_disconnect, "remove the shop's connection and all its data")
    disc.add_argument("--yes", action="store_true", help="confirm: delete everything the shop brought")

    commands.add_parser(
        "sandbox", help="run a stand-in Shoprenter shop (srpipeline sandbox --help)", add_help=False
    ).set_defaults(handler=cmd_sandbox)

    ui = command("ui", cmd_ui, "start the Dagster web UI and daemon on this Dagster home")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)

    demo = command("demo", cmd_demo, "sandbox shop + first sync through Dagster into a SQLite CRM")
    demo.add_argument("--orders", type=int, help=f"orders in a new demo shop (default {DEFAULT_ORDERS})")

    crm = command("crm", cmd_crm_upgrade, "CRM database maintenance")
    crm.add_argument("action", choices=["upgrade"], help="upgrade: create or migrate the schema")
    return parser


# --- shared pieces -------------------------------------------------------------------------------


def shop_client(settings: Settings, *, connection_test: bool = False) -> ShoprenterClient:
    config = settings.shop.config()
    return ShoprenterClient(config.for_connection_test() if connection_test else config)


def crm_engine(settings: Settings) -> Engine:
    url = settings.crm_database_url
    if url.startswith("sqlite:///"):
        settings.dagster_home.mkdir(parents=True, exist_ok=True)
    try:
        return open_crm(url)
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        raise CrmUnavailable(
            f"cannot open the CRM database {shown}: {reason}; check CRM_DATABASE_URL"
        ) from None


def print_progress(progress: Progress) -> None:
    print(progress.line(), file=sys.stderr)


# --- commands ------------------------------------------------------------------------------------


def cmd_test_connection(_args: argparse.Namespace, settings: Settings) -> int:
    client = shop_client(settings, connection_test=True)
    result = client.test_connection()
    with crm_engine(settings).begin() as conn:
        record_connection_test(conn, result.ok, result.message, now=utc_now())
    print(result.message)
    if result.ok:
        statuses = client.order_statuses().records
        print(f"{len(statuses)} order statuses found: map them with `srpipeline statuses --write`.")
    return 0 if result.ok else 1


def cmd_statuses(args: argparse.Namespace, settings: Settings) -> int:
    statuses = shop_client(settings).order_statuses().records
    path = settings.status_mapping_path
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        added = add_new_statuses(path, statuses)
        print(f"{len(added)} new statuses written to {path}: review the suggestions there.")
    mapping = read_mapping(path) if path.exists() else {}
    for status in statuses:
        target = mapping.get(status.inner_id, "(not in the mapping file)") or "(not mapped)"
        print(f"{status.inner_id:>6}  {status.name or '':<30} -> {target}")
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    if args.now:
        if args.sandbox:
            with demo_shop_settings(settings) as sandbox:
                return sync_now(args, sandbox)
        return sync_now(args, settings)
    from srpipeline.crm.state import request_sync

    engine = crm_engine(settings)
    request_id = request_sync(engine, requested_by=f"cli:{getpass.getuser()}")
    print(f"Sync requested (#{request_id}); the Dagster sensor starts it within about 15 seconds.")
    if not args.wait:
        print("Follow it with `srpipeline status`, or in the UI (`srpipeline ui`).")
        return 0
    return follow_request(engine, settings, request_id, args.timeout)


def follow_request(engine: Engine, settings: Settings, request_id: int, timeout: float) -> int:
    """`sync --wait`: wait for the sensor's run to serve the request and end; say how it ended."""
    from dagster import DagsterRunStatus

    from srpipeline.app.home import open_instance
    from srpipeline.app.runs import wait_for_request

    instance = open_instance(settings.dagster_home)
    try:
        outcome = wait_for_request(engine, request_id, timeout, instance=instance)
    except TimeoutError as exc:
        return fail(str(exc))
    print(f"Sync request #{request_id} served by run {outcome.run_id}: {outcome.run_status.value}.")
    for line in stream_statuses(engine, now=utc_now()):
        print(line.describe())
    return 0 if outcome.run_status == DagsterRunStatus.SUCCESS else 1


def sync_now(args: argparse.Namespace, settings: Settings) -> int:
    ctx = SyncContext(
        client=shop_client(settings),
        engine=crm_engine(settings),
        run_id=f"cli-{uuid.uuid4().hex[:12]}",
        mapping_path=settings.status_mapping_path,
        trigger="manual",
        progress=print_progress,
        day_zone=ZoneInfo(settings.partition_timezone),
    )
    settings.status_mapping_path.parent.mkdir(parents=True, exist_ok=True)
    results = sync_everything(ctx, full_refresh=args.full_refresh, reconcile=True if args.reconcile else None)
    for result in results:
        print(result.summary(ctx.day_zone))
    return 0


def cmd_status(_args: argparse.Namespace, settings: Settings) -> int:
    engine = crm_engine(settings)
    for line in stream_statuses(engine, now=utc_now()):
        print(line.describe())
    if (settings.dagster_home / "dagster.yaml").exists():  # runs through Dagster happened here
        from srpipeline.app.home import open_instance
        from srpipeline.app.runs import last_failed_run

        with open_instance(settings.dagster_home) as instance:
            failed = last_failed_run(instance)
        if failed is not None:
            print(failed.describe())
    holder = lease_holder(engine)
    print(f"A sync is running now: {holder}" if holder else "No sync is running now.")
    return 0


def cmd_disconnect(args: argparse.Namespace, settings: Settings) -> int:
    if not args.yes:
        return fail("disconnect deletes every record the shop brought into the CRM; add --yes to confirm")
    removed = disconnect(crm_engine(settings))
    print("Disconnected. Removed: " + ", ".join(f"{count} {table}" for table, count in removed.items()))
    return 0


def cmd_sandbox(args: argparse.Namespace, _settings: Settings) -> int:
    from srpipeline.sandbox import main as sandbox_main

    return sandbox_main(args.sandbox_args)


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    """The web UI and daemon on this Dagster home; without a configured shop, on the demo sandbox."""
    if settings.shop.api_url:
        return serve_ui(settings, args.host, args.port)
    print("SHOPRENTER_API_URL is not set: the UI works on a sandbox shop (the demo's data).")
    with demo_shop_settings(settings) as sandbox:
        return serve_ui(sandbox, args.host, args.port)


def serve_ui(settings: Settings, host: str, port: int) -> int:
    from srpipeline.app.ui import start_ui

    # `dagster dev` gives SIGTERM the handler SIGINT has; started in the background (`&`, nohup),
    # SIGINT is ignored, and `dagster dev` would then ignore both and outlive us: catch SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    ui = start_ui(settings, host=host, port=port)
    # a plain `kill` ends `dagster dev` too, like Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        ui.wait_ready()
        print(
            f"Dagster UI on {ui.url} (Dagster home {settings.dagster_home}, log {ui.log}); Ctrl-C stops it."
        )
        ui.process.wait()
    finally:
        ui.stop()
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """A sandbox shop, the first sync through Dagster into a SQLite CRM, and what landed where."""
    from srpipeline.app.home import open_instance
    from srpipeline.app.runs import run_sync_job

    instance = open_instance(settings.dagster_home)
    print("Starting the demo's sandbox shop (3 requests/s, like a real shop) ...")
    with demo_shop_settings(settings, args.orders) as sandbox:
        engine = crm_engine(sandbox)
        print(f"Syncing it through Dagster into {engine.url.render_as_string(hide_password=True)} ...")
        success, report = run_sync_job(instance, sandbox, trigger="manual")
    for asset, figures in report.assets.items():
        print(
            f"  {asset}: {figures.get('Rows inserted', 0)} inserted, "
            f"{figures.get('Rows updated', 0)} updated, "
            f"{figures.get('Requests to the shop', 0)} requests, {figures.get('Duration (s)', 0.0)} s"
        )
    print("Rows in the CRM:")
    with engine.connect() as conn:
        for table, count in table_counts(conn).items():
            print(f"  {table:<20} {count}")
    failed_checks = [name for name, (passed, _) in report.checks.items() if not passed]
    if failed_checks:
        print("Checks to look at in the UI: " + ", ".join(failed_checks))
    print(f"Run {report.run_id} {'succeeded' if success else 'FAILED'}. Open the UI on this history with:")
    print(f"  {invoked_as()} ui      (then http://127.0.0.1:3000)")
    return 0 if success else 1


def invoked_as() -> str:
    """The command as this person runs it: `.venv/bin/srpipeline` in a checkout, else its full path."""
    path = os.path.abspath(sys.argv[0])
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else path


def cmd_crm_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    engine = crm_engine(settings)  # opening the CRM upgrades it to the latest schema
    print(f"CRM schema is up to date at {engine.url.render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
