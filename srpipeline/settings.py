"""Every setting srpipeline takes, read from the environment once, in this module only.

`read_settings()` is called by each entry point (the CLI's `main`, the code location's
`@definitions`); what it returns is passed down. Nothing reads the environment at import time.
The defaults are what a newcomer gets on a fresh machine: a Dagster home in the working folder,
a SQLite CRM inside it, no shop (the CLI then offers the sandbox shop).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from srpipeline.shoprenter.config import DEFAULT_RATE, DEFAULT_TIMEZONE, ShopConfig
from srpipeline.shoprenter.errors import ConfigError

#: Recent on purpose: the first partition also holds every row changed before it, so nothing is
#: lost, and Dagster records a materialization per partition (a first sync over years of days
#: spends a minute writing them). Set SRPIPELINE_START_DATE earlier for day-by-day history.
DEFAULT_START_DATE = "2026-11-01"

#: How often the change probe asks the shop whether anything changed (seconds). At 2 requests a
#: probe, 60 s spends about 1% of a 3 requests/s budget while nothing changes.
DEFAULT_PROBE_INTERVAL = 60
MIN_PROBE_INTERVAL = 10

#: The shop's connection variables, by the ShopSettings field they fill.
SHOP_VARIABLES = {
    "api_url": "SHOPRENTER_API_URL",
    "username": "SHOPRENTER_USERNAME",
    "password": "SHOPRENTER_PASSWORD",
    "client_id": "SHOPRENTER_CLIENT_ID",
    "client_secret": "SHOPRENTER_CLIENT_SECRET",
    "token_url": "SHOPRENTER_TOKEN_URL",
}
CRM_DATABASE_URL = "CRM_DATABASE_URL"
#: Variables that may hold a secret: a Dagster resource names them (`EnvVar`) when they are set.
NAMED_BY_RESOURCES = (*SHOP_VARIABLES.values(), CRM_DATABASE_URL)


class ShopSettings(BaseModel):
    """The shop's address and credentials as given; `config()` validates them."""

    model_config = ConfigDict(frozen=True)

    api_url: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    token_url: str | None = None
    rate: float = DEFAULT_RATE

    def config(self) -> ShopConfig:
        """The validated connection (raises ConfigError, one line, when something is missing)."""
        if not self.api_url:
            raise ConfigError(f"{SHOP_VARIABLES['api_url']} is not set: set it to the shop's API URL")
        return ShopConfig(
            api_url=self.api_url,
            username=self.username,
            password=self.password,
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_url=self.token_url,
            rate=self.rate,
        )

    def values(self) -> dict[str, str]:
        """The set fields as plain strings, secrets revealed: for a resource or a child's environment."""
        plain = {}
        for name in SHOP_VARIABLES:
            value = getattr(self, name)
            if value is not None:
                plain[name] = value.get_secret_value() if isinstance(value, SecretStr) else value
        return plain


class Settings(BaseModel):
    """Where things live and which shop feeds the CRM."""

    model_config = ConfigDict(frozen=True)

    dagster_home: Path
    crm_database_url: str = Field(repr=False)  # may hold a password
    status_mapping_path: Path
    partition_timezone: str = DEFAULT_TIMEZONE  # the shop's, for daily partitions and the schedule
    partitions_start: str = DEFAULT_START_DATE
    probe_interval: int = DEFAULT_PROBE_INTERVAL
    shop: ShopSettings = ShopSettings()
    #: The variables that were set: Dagster resources name them (`EnvVar`) instead of holding values.
    from_environment: frozenset[str] = frozenset()

    def with_shop(self, shop: ShopSettings) -> Settings:
        """The same settings feeding from another shop (the sandbox), not from the environment."""
        kept = self.from_environment - set(SHOP_VARIABLES.values())
        return self.model_copy(update={"shop": shop, "from_environment": kept})

    def environment(self) -> dict[str, str]:
        """This process's environment with these settings in it: for a child process (`dagster dev`)."""
        ours = {
            "DAGSTER_HOME": str(self.dagster_home),
            CRM_DATABASE_URL: self.crm_database_url,
            "SRPIPELINE_STATUS_MAPPING": str(self.status_mapping_path),
            "SHOPRENTER_TIMEZONE": self.partition_timezone,
            "SRPIPELINE_START_DATE": self.partitions_start,
            "SHOPRENTER_RATE": str(self.shop.rate),
            "SRPIPELINE_PROBE_INTERVAL": str(self.probe_interval),
        }
        ours.update({SHOP_VARIABLES[name]: value for name, value in self.shop.values().items()})
        inherited = {name: value for name, value in os.environ.items() if name not in SHOP_VARIABLES.values()}
        return {**inherited, **ours}


def read_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """The settings from ``environ``; a set but unreadable value raises ConfigError (one line)."""

    def read(name: str) -> str | None:
        return environ.get(name, "").strip() or None

    home = Path(read("DAGSTER_HOME") or Path.cwd() / ".dagster_home").resolve()
    mapping = read("SRPIPELINE_STATUS_MAPPING")
    rate = read("SHOPRENTER_RATE")
    shop = {field: read(variable) for field, variable in SHOP_VARIABLES.items()}
    try:
        shop_settings = ShopSettings(**shop, rate=float(rate) if rate else DEFAULT_RATE)
    except ValueError:
        raise ConfigError(f"SHOPRENTER_RATE must be a number of requests/s, got {rate!r}") from None
    return Settings(
        dagster_home=home,
        probe_interval=_probe_interval(read("SRPIPELINE_PROBE_INTERVAL")),
        crm_database_url=read(CRM_DATABASE_URL) or f"sqlite:///{home / 'crm.sqlite'}",
        status_mapping_path=Path(mapping) if mapping else home / "status_mapping.yaml",
        partition_timezone=read("SHOPRENTER_TIMEZONE") or DEFAULT_TIMEZONE,
        partitions_start=read("SRPIPELINE_START_DATE") or DEFAULT_START_DATE,
        shop=shop_settings,
        from_environment=frozenset(name for name in NAMED_BY_RESOURCES if read(name)),
    )


def _probe_interval(value: str | None) -> int:
    if value is None:
        return DEFAULT_PROBE_INTERVAL
    if not value.isdigit() or int(value) < MIN_PROBE_INTERVAL:
        raise ConfigError(
            f"SRPIPELINE_PROBE_INTERVAL must be a whole number of seconds, at least {MIN_PROBE_INTERVAL}, "
            f"got {value!r}"
        )
    return int(value)
