"""Dagster resources: the shop's API client and the CRM database, built from the settings.

Secrets (password, client secret, a database URL that may hold a password) that came from the
environment are given as ``EnvVar``: the resource config shown in the UI then names the variable,
never its value, and the value is read in the run's own process.
"""

from __future__ import annotations

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from pydantic import PrivateAttr
from sqlalchemy import Engine

from srpipeline.crm.engine import open_crm
from srpipeline.settings import CRM_DATABASE_URL, SHOP_VARIABLES, Settings, ShopSettings
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import DEFAULT_RATE

SECRET_FIELDS = frozenset({"password", "client_secret"})


class ShoprenterResource(ConfigurableResource):
    """One shop's API: Basic (username + password) or OAuth2 (client id + secret) credentials.

    One client per run (``setup_for_execution``): every asset of the run shares its throttle and
    what it learnt of the shop (time zone, languages), and so never bursts past the shop's limit.
    """

    api_url: str | None = None
    username: str | None = None
    password: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    rate: float = DEFAULT_RATE
    _client: ShoprenterClient | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> ShoprenterResource:
        fields: dict[str, object] = {
            name: EnvVar(SHOP_VARIABLES[name]) if SHOP_VARIABLES[name] in settings.from_environment else value
            for name, value in settings.shop.values().items()
        }
        return cls(**fields, rate=settings.shop.rate)  # type: ignore[arg-type]

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        """The resolved resource holds the secrets' values: never show them."""
        for name, value in super().__repr_args__():
            yield name, ("********" if name in SECRET_FIELDS and value else value)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._client = None  # built on first use: a run whose assets never call the shop sends nothing

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def client(self) -> ShoprenterClient:
        """The run's client (raises ConfigError with a one-line fix when something is missing)."""
        if self._client is None:
            values = {name: getattr(self, name) for name in SHOP_VARIABLES}
            self._client = ShoprenterClient(ShopSettings(**values, rate=self.rate).config())
        return self._client


class CrmDatabaseResource(ConfigurableResource):
    """The CRM database (a SQLAlchemy URL; the engine is opened, and the schema upgraded, once per use)
    and the status mapping file that says which CRM status each shop status stands for."""

    database_url: str
    status_mapping_path: str
    _engine: Engine | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> CrmDatabaseResource:
        from_env = CRM_DATABASE_URL in settings.from_environment
        url = EnvVar(CRM_DATABASE_URL) if from_env else settings.crm_database_url
        return cls(database_url=url, status_mapping_path=str(settings.status_mapping_path))  # type: ignore[arg-type]

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
