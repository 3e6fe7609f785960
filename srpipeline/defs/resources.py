"""Dagster resources: the shop's API client and the CRM database, configured from the environment.

Secrets (password, client secret, a database URL that may hold a password) are given as ``EnvVar``:
the run config shown in the UI then names the variable, never its value, and the value is read in the
run's own process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from pydantic import PrivateAttr
from sqlalchemy import Engine

from srpipeline import settings
from srpipeline.crm.engine import open_crm
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig

#: Variables read as ``EnvVar`` when set: their values never reach run config, logs or metadata.
SHOP_ENV_FIELDS = {
    "api_url": "SHOPRENTER_API_URL",
    "username": "SHOPRENTER_USERNAME",
    "password": "SHOPRENTER_PASSWORD",
    "client_id": "SHOPRENTER_CLIENT_ID",
    "client_secret": "SHOPRENTER_CLIENT_SECRET",
    "token_url": "SHOPRENTER_TOKEN_URL",
}
SECRET_FIELDS = frozenset({"password", "client_secret"})


class ShoprenterResource(ConfigurableResource):
    """One shop's API: Basic (username + password) or OAuth2 (client id + secret) credentials."""

    api_url: str | None = None
    username: str | None = None
    password: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    rate: float = 3.0
    page_size: int = 200
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ShoprenterResource:
        """``EnvVar`` for each SHOPRENTER_* variable that is set; SHOPRENTER_RATE as a plain number."""
        fields: dict[str, object] = {
            name: EnvVar(variable) for name, variable in SHOP_ENV_FIELDS.items() if environ.get(variable)
        }
        rate = environ.get("SHOPRENTER_RATE", "").strip()
        if rate:
            fields["rate"] = float(rate)
        return cls(**fields)  # type: ignore[arg-type]

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        """The resolved resource holds the secrets' values: never show them."""
        for name, value in super().__repr_args__():
            yield name, ("********" if name in SECRET_FIELDS and value else value)

    def shop_config(self) -> ShopConfig:
        """The validated settings (raises ConfigError with a one-line fix when something is missing)."""
        environ = {variable: getattr(self, name) or "" for name, variable in SHOP_ENV_FIELDS.items()}
        environ["SHOPRENTER_RATE"] = str(self.rate)
        return ShopConfig.from_env(
            environ, page_size=self.page_size, timeout=(self.connect_timeout, self.read_timeout)
        )

    def build_client(self) -> ShoprenterClient:
        return ShoprenterClient(self.shop_config())


class CrmDatabaseResource(ConfigurableResource):
    """The CRM database (a SQLAlchemy URL); the engine is opened, and the schema upgraded, once per use."""

    database_url: str
    _engine: Engine | None = PrivateAttr(default=None)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> CrmDatabaseResource:
        """``EnvVar("CRM_DATABASE_URL")`` when set (it may hold a password), else the SQLite default."""
        if environ.get("CRM_DATABASE_URL"):
            return cls(database_url=EnvVar("CRM_DATABASE_URL"))
        return cls(database_url=settings.crm_database_url(environ))

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._engine = open_crm(self.database_url)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def get_engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_crm(self.database_url)
        return self._engine
