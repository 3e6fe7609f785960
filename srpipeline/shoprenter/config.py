"""How to reach one shop: URL, credentials (Basic or OAuth2), rate, page size, timeouts, retry budget."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

from pydantic import SecretStr

from srpipeline.shoprenter.errors import ConfigError

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
API2_HOST = re.compile(r"^(?P<shop>[a-z0-9-]+)\.api2\.myshoprenter\.hu$")
TOKEN_URL_TEMPLATE = "https://oauth.app.shoprenter.net/{shop}/app/token"
DEFAULT_RATE = 3.0  # requests/s
DEFAULT_TIMEZONE = "Europe/Budapest"  # the shop's time zone when its settings do not say


def _secret(value: str | SecretStr | None) -> SecretStr | None:
    return value if value is None or isinstance(value, SecretStr) else SecretStr(value)


@dataclass(frozen=True)
class ShopConfig:
    """One shop's connection settings; validated on creation (raises ConfigError, one line).

    ``password`` and ``client_secret`` may be given as ``str``: they are kept as pydantic
    ``SecretStr``, which ``repr``/``str`` never show (``get_secret_value()`` does).
    """

    api_url: str
    username: str | None = None
    password: SecretStr | None = None  # a plain str is wrapped on creation
    client_id: str | None = None
    client_secret: SecretStr | None = None
    token_url: str | None = None
    rate: float = DEFAULT_RATE
    page_size: int = 200
    min_page_size: int = 10
    timeout: tuple[float, float] = (10.0, 60.0)
    max_retries: int = 8
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    throttle_margin: float = 0.05
    _token_url: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "password", _secret(self.password))
        object.__setattr__(self, "client_secret", _secret(self.client_secret))
        _check_url(self.api_url, "SHOPRENTER_API_URL")
        basic = self.username is not None or self.password is not None
        oauth = self.client_id is not None or self.client_secret is not None
        if basic and oauth:
            raise ConfigError(
                "both Basic (SHOPRENTER_USERNAME/PASSWORD) and OAuth2 (SHOPRENTER_CLIENT_ID/SECRET) "
                "credentials are set: set only one pair"
            )
        if not basic and not oauth:
            raise ConfigError(
                "no shop credentials: set SHOPRENTER_USERNAME and SHOPRENTER_PASSWORD, "
                "or SHOPRENTER_CLIENT_ID and SHOPRENTER_CLIENT_SECRET"
            )
        if basic and not (self.username and self.password and self.password.get_secret_value()):
            raise ConfigError("SHOPRENTER_USERNAME and SHOPRENTER_PASSWORD must both be set (and not empty)")
        if basic and API2_HOST.match(urlsplit(self.api_url.strip()).hostname or ""):
            raise ConfigError(
                "SHOPRENTER_API_URL is an API2 host (api2.myshoprenter.hu), which takes an OAuth2 client: "
                "set SHOPRENTER_CLIENT_ID and SHOPRENTER_CLIENT_SECRET instead of a username and password"
            )
        if oauth:
            if not (self.client_id and self.client_secret and self.client_secret.get_secret_value()):
                raise ConfigError(
                    "SHOPRENTER_CLIENT_ID and SHOPRENTER_CLIENT_SECRET must both be set (and not empty)"
                )
            object.__setattr__(self, "_token_url", self._resolve_token_url())
        if self.rate < 0:
            raise ConfigError(f"SHOPRENTER_RATE must be >= 0 requests/s (0 = no limit), got {self.rate}")
        if not 1 <= self.min_page_size <= self.page_size <= 200:
            raise ConfigError(
                f"page size must be 1..200 and >= the minimum page size, got {self.page_size} "
                f"(minimum {self.min_page_size})"
            )
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, got {self.max_retries}")

    def _resolve_token_url(self) -> str:
        if self.token_url:
            _check_url(self.token_url, "SHOPRENTER_TOKEN_URL")
            return self.token_url
        host = (urlsplit(self.api_url).hostname or "").lower()
        match = API2_HOST.match(host)
        if not match:
            raise ConfigError(
                f"cannot derive the OAuth2 token URL from {self.normalized_url}: set SHOPRENTER_TOKEN_URL"
            )
        return TOKEN_URL_TEMPLATE.format(shop=match["shop"])

    @property
    def auth_mode(self) -> Literal["basic", "oauth2"]:
        return "basic" if self.username is not None else "oauth2"

    @property
    def resolved_token_url(self) -> str | None:
        """The OAuth2 token endpoint (given, or derived from the API2 host); None for Basic."""
        return self._token_url

    @property
    def normalized_url(self) -> str:
        """scheme://host[:port]/path with a lower-case host and no trailing slash: one shop, one URL."""
        parts = urlsplit(self.api_url.strip())
        host = (parts.hostname or "").lower()
        netloc = f"{host}:{parts.port}" if parts.port else host
        return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"

    def for_connection_test(self) -> ShopConfig:
        """A person waits on a connection test: every failure is told within 10 s (3 s timeouts, one
        retry). Syncs keep the long budget: a shop that recovers within minutes costs them nothing."""
        return replace(self, timeout=(3.0, 3.0), max_retries=1, backoff_base=0.5, backoff_cap=0.5)


def _check_url(url: str, name: str) -> None:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"{name} is not a valid URL") from None
    if parts.username or parts.password:
        raise ConfigError(f"{name} must not contain credentials: set them in their own variables")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must look like https://myshop.api.myshoprenter.hu, got {url!r}")
    if parts.scheme == "http" and parts.hostname.lower() not in LOCAL_HOSTS:
        raise ConfigError(f"{name} uses http://: never send credentials over plain http, use https://")
