"""The shop's opaque ids: base64 of ``{kind}-{key}={value}[&...]``, e.g. ``order-order_id=12``."""

from __future__ import annotations

import base64
import binascii


def encode_id(kind: str, **keys: int) -> str:
    return base64.b64encode(f"{kind}-{'&'.join(f'{k}={v}' for k, v in keys.items())}".encode()).decode()


def encode_simple_id(kind: str, key: str, value: int) -> str:
    """``encode_id`` for the common one-key case, on the hot rendering path."""
    return base64.b64encode(f"{kind}-{key}={value}".encode()).decode()


def decode_id(opaque: str) -> tuple[str, dict[str, int]] | None:
    """``(kind, {key: int})`` for an id this shop made, None for anything else."""
    try:
        text = base64.b64decode(opaque, validate=True).decode()
        kind, _, rest = text.partition("-")
        keys = {k: int(v) for k, v in (part.split("=", 1) for part in rest.split("&"))}
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return kind, keys
