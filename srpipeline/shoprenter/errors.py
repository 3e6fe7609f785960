"""What went wrong talking to the shop, one class per thing a person can do something about.

Every message is one line: what happened, then what to do. None carries a credential or a token:
messages are built here from status codes, paths and the shop's own error text only.
"""

from __future__ import annotations


class ShoprenterError(Exception):
    """Base of every error the shop client raises; ``reason`` is the one-line message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = " ".join(reason.split())


class ConfigError(ShoprenterError, ValueError):
    """The connection settings are incomplete or unsafe."""


class CredentialsRejected(ShoprenterError):
    """401: wrong username/password or client id/secret (or the API user lost its permission)."""


class AccessDenied(ShoprenterError):
    """403: the API is switched off, the plan has no API, or the API client lacks a scope."""


class ShopNotFound(ShoprenterError):
    """The host does not resolve, or the API base answers 404."""


class ShopUnreachable(ShoprenterError):
    """Timeouts or refused connections, still after the whole retry budget."""


class NotShoprenterApi(ShoprenterError):
    """The URL answered, but not with the Shoprenter API's JSON."""


class ResourceNotFound(ShoprenterError):
    """404 for a single item: the shop deleted it."""


class BadRequest(ShoprenterError):
    """400 other than "page past the last": a bug in what we asked; carries the shop's inner code."""

    def __init__(self, reason: str, *, code: int | None, shop_message: str) -> None:
        super().__init__(reason)
        self.code = code
        self.shop_message = shop_message


class RetriesExhausted(ShoprenterError):
    """The shop kept failing (429/5xx/broken answers) for the whole retry budget."""
