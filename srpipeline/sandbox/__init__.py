"""A stand-in Shoprenter shop: seeded data and a real threaded HTTP server (classic + API2 + OAuth2).

shop = SandboxShop.generate(orders=500, customers=100, seed=1, rate=3.0).start()
requests.get(shop.classic_url + "/orderExtend?full=1&limit=200",
             auth=(shop.username, shop.password), headers={"Accept": "application/json"})
"""

from srpipeline.sandbox.api import LoggedRequest
from srpipeline.sandbox.cli import main
from srpipeline.sandbox.clock import ShopClock
from srpipeline.sandbox.control import ShopControl
from srpipeline.sandbox.faults import FaultConfig
from srpipeline.sandbox.shop import SandboxShop
from srpipeline.sandbox.store import ShopStore

__all__ = ["FaultConfig", "LoggedRequest", "SandboxShop", "ShopClock", "ShopControl", "ShopStore", "main"]
