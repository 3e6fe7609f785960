"""The ``Authorization`` header: Basic for the classic API, a cached OAuth2 Bearer token for API2."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from srpipeline.shoprenter.throttle import Clock

TOKEN_EARLY_RENEWAL = 60.0  # seconds before expiry when a cached token is no longer used


@dataclass(frozen=True)
class Token:
    value: SecretStr
    expires_in: float


class BasicAuth:
    """Classic API user: the same header on every request; a 401 is final."""

    def __init__(self, username: str, password: SecretStr) -> None:
        encoded = base64.b64encode(f"{username}:{password.get_secret_value()}".encode()).decode("ascii")
        self._header = SecretStr(f"Basic {encoded}")

    def header(self) -> SecretStr:
        return self._header

    def renew_after_401(self) -> bool:
        return False


class BearerAuth:
    """API2 client credentials: one token, reused until ~60 s before it expires; renewed once on 401.

    ``fetch`` asks the token endpoint (through the client's throttle and error handling).
    """

    def __init__(self, fetch: Callable[[], Token], clock: Clock) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: SecretStr | None = None
        self._renew_at = 0.0

    def header(self) -> SecretStr:
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                token = self._fetch()
                self._token = token.value
                self._renew_at = self._clock() + max(token.expires_in - TOKEN_EARLY_RENEWAL, 0.0)
            return SecretStr(f"Bearer {self._token.get_secret_value()}")

    def renew_after_401(self) -> bool:
        """Drop the cached token so the next header fetches a new one; the caller allows this once."""
        with self._lock:
            self._token = None
        return True
