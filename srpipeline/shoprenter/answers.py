"""What one HTTP answer (or failure to get one) means: a JSON body, a retry, or a typed one-line error.

Pure functions over ``requests`` objects and the shop config: no sending, no state. Every error
message is built from status codes, paths and the shop's own error text, never from a credential.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
from urllib3.exceptions import NameResolutionError

from srpipeline.shoprenter.config import ShopConfig
from srpipeline.shoprenter.errors import (
    AccessDenied,
    BadRequest,
    CredentialsRejected,
    NotShoprenterApi,
    ResourceNotFound,
    RetriesExhausted,
    ShopNotFound,
    ShoprenterError,
    ShopUnreachable,
)

PAGE_PAST_LAST = 40008
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class PagePastLast(Exception):
    """400 / 40008: the page asked for is past the last one (the list shrank or was empty)."""


class Retryable(Exception):
    """One failed attempt that the retry loop may try again; ``unreachable`` marks network failures."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


def send_failure(exc: requests.RequestException, url: str) -> ShoprenterError | Retryable:
    """What a request that got no usable answer means: a DNS failure is final, the rest retry."""
    if isinstance(exc, requests.Timeout):
        return Retryable("timed out", unreachable=True)
    if isinstance(exc, requests.ConnectionError):
        if _is_dns_failure(exc):
            return ShopNotFound(
                f"cannot resolve {urlsplit(url).hostname}: check the shop name in SHOPRENTER_API_URL"
            )
        return Retryable(f"connection failed ({_short(exc)})", unreachable=True)
    return Retryable(f"broken answer ({type(exc).__name__})")  # ChunkedEncodingError, ...


def json_body(response: requests.Response, url: str) -> Any:
    """The parsed JSON body (None when empty); a broken JSON body retries, a non-JSON one is final."""
    try:
        return orjson.loads(response.content) if response.content else None
    except ValueError:
        kind = response.headers.get("Content-Type", "")
        if "json" in kind or response.content.lstrip()[:1] in (b"{", b"["):
            raise Retryable("truncated or broken JSON answer") from None
        raise NotShoprenterApi(
            f"{urlsplit(url).netloc} answered HTTP {response.status_code} with "
            f"{kind.split(';')[0] or 'no content type'}, not the Shoprenter API's JSON: "
            "check SHOPRENTER_API_URL"
        ) from None


def retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def shop_error(body: Any) -> tuple[int | None, str]:
    """The shop's inner code and message from an error body, read defensively."""
    if not isinstance(body, dict):
        return None, ""
    message = next((str(body[k]) for k in ("message", "error_description", "error") if body.get(k)), "")
    message = " ".join(message.split())[:200]
    for key in ("code", "errorCode", "innerCode", "error"):
        try:
            return int(body[key]), message
        except (KeyError, TypeError, ValueError):
            continue
    return None, message


def http_error(config: ShopConfig, status: int, path: str, body: Any, authorized: bool) -> ShoprenterError:
    """The typed, one-line error of a non-2xx answer that is not retried."""
    base = urlsplit(config.normalized_url)
    if status == 400:
        code, message = shop_error(body)
        return BadRequest(
            f"the shop rejected the request to {path} (400, code {code}: {message}): "
            "this is a bug in srpipeline, please report it",
            code=code,
            shop_message=message,
        )
    if status == 401:
        return _credentials_rejected(config, authorized)
    if status == 403:
        return AccessDenied(
            "access denied (403): switch the API on in the shop admin (Settings > API settings), "
            "check the shop's plan includes the API, and that the API client has the read scopes"
        )
    if status == 404:
        if path.rstrip("/").count("/") <= base.path.rstrip("/").count("/") + 1:
            return ShopNotFound(f"the shop answered 404 for {path}: check SHOPRENTER_API_URL")
        return ResourceNotFound(f"{path} was not found (404): the shop deleted it")
    if 300 <= status < 400:
        return NotShoprenterApi(
            f"{base.netloc} redirects ({status}): set SHOPRENTER_API_URL to the https API address"
        )
    return NotShoprenterApi(f"{base.netloc} answered HTTP {status} for {path}: check SHOPRENTER_API_URL")


def _credentials_rejected(config: ShopConfig, authorized: bool) -> CredentialsRejected:
    if config.auth_mode == "basic":
        what = "SHOPRENTER_USERNAME and SHOPRENTER_PASSWORD (Settings > API settings)"
    else:
        what = "SHOPRENTER_CLIENT_ID and SHOPRENTER_CLIENT_SECRET"
    if not authorized:
        return CredentialsRejected(f"credentials rejected by the token endpoint (401): check {what}")
    return CredentialsRejected(
        f"credentials rejected (401): check {what} and that the API user still has permission"
    )


def out_of_retries(config: ShopConfig, failure: Retryable, attempts: int) -> ShoprenterError:
    """The error once the retry budget is spent: unreachable (network) or kept failing (answers)."""
    if failure.unreachable:
        return ShopUnreachable(
            f"{urlsplit(config.normalized_url).netloc} is not reachable ({failure.reason}) after "
            f"{attempts} attempts: check the network and SHOPRENTER_API_URL, then try again"
        )
    return RetriesExhausted(
        f"the shop kept failing ({failure.reason}) after {attempts} attempts: try again later"
    )


def _is_dns_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, NameResolutionError):
            return True
        seen = getattr(seen, "reason", None) or (seen.args[0] if seen.args else None)
        if not isinstance(seen, BaseException):
            return False
    return False


def _short(exc: BaseException) -> str:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason or exc).__name__
