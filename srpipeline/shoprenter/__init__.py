"""The Shoprenter shop: HTTP client (auth, throttle, retries, paging), typed records, errors."""

from srpipeline.shoprenter.client import ConnectionResult, ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.shoprenter.paging import ListPage, RecordPage, ReverseCursor, Window

__all__ = [
    "ConnectionResult",
    "ListPage",
    "RecordPage",
    "ReverseCursor",
    "ShopConfig",
    "ShoprenterClient",
    "ShoprenterError",
    "Window",
]
