"""The Shoprenter shop: HTTP client (auth, throttle, retries, paging), typed records, errors."""

from srpipeline.shoprenter.client import BatchResponse, ConnectionResult, ShoprenterClient
from srpipeline.shoprenter.config import Secret, ShopConfig
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.shoprenter.paging import ListPage, ReverseCursor, Window

__all__ = [
    "BatchResponse",
    "ConnectionResult",
    "ListPage",
    "ReverseCursor",
    "Secret",
    "ShopConfig",
    "ShoprenterClient",
    "ShoprenterError",
    "Window",
]
