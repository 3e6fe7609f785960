"""Credentials: Basic for the classic API, OAuth2 client-credentials Bearer tokens for API2."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from srpipeline.sandbox.clock import ShopClock

TOKEN_TTL_SECONDS = 3600


@dataclass
class Credentials:
    username: str
    password: str = field(repr=False)
    client_id: str
    client_secret: str = field(repr=False)

    @classmethod
    def generate(cls, seed: int) -> Credentials:
        return cls(
            username="sandbox",
            password=f"sandbox-pass-{seed}",
            client_id="sandbox-client",
            client_secret=f"sandbox-secret-{seed}",
        )


class TokenIssuer:
    """Issues and checks access tokens; a token expires ``ttl`` seconds after issue, on the shop clock."""

    def __init__(self, credentials: Credentials, clock: ShopClock, ttl: int = TOKEN_TTL_SECONDS) -> None:
        self.credentials = credentials
        self.clock = clock
        self.ttl = ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, datetime] = {}

    def issue(self, client_id: str, client_secret: str) -> str | None:
        c = self.credentials
        if not (_same(client_id, c.client_id) and _same(client_secret, c.client_secret)):
            return None
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = self.clock.now() + timedelta(seconds=self.ttl)
        return token

    def bearer_owner(self, token: str) -> str | None:
        """The client id behind a live token, None for an unknown or expired one."""
        with self._lock:
            expires = self._tokens.get(token)
        if expires is None or self.clock.now() >= expires:
            return None
        return self.credentials.client_id

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    def basic_owner(self, header_value: str) -> str | None:
        """The username of a valid ``Basic`` header value (without the scheme), else None."""
        try:
            user, _, password = base64.b64decode(header_value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        c = self.credentials
        return user if _same(user, c.username) and _same(password, c.password) else None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
