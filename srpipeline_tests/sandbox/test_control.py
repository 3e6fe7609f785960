"""ShopControl changes: each stamps dateUpdated from the shop clock; also over HTTP under /_admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import requests

from srpipeline.sandbox import SandboxShop, ShopClock
from srpipeline_tests.sandbox.conftest import NOW, Api

LATER = NOW + timedelta(days=3)
LATER_LOCAL = "2025-06-04T14:00:00"  # LATER in Budapest (summer time)


def shop_at_later(make_sandbox: Callable[..., SandboxShop]) -> tuple[SandboxShop, Api]:
    shop = make_sandbox(orders=40, customers=15, rate=0, clock=ShopClock(NOW))
    shop.control.set_clock(LATER)
    return shop, Api(shop)


def order(api: Api, inner_id: int) -> dict:
    return api.ok("/orderExtend", full=1, innerId=inner_id)["items"][0]


def test_order_changes_stamp_date_updated(make_sandbox: Callable[..., SandboxShop]) -> None:
    shop, api = shop_at_later(make_sandbox)
    before = order(api, 5)  # read once so the cached rendering must be invalidated
    shop.control.set_order_status(5, 5)
    after = order(api, 5)
    assert after["dateUpdated"] == LATER_LOCAL != before["dateUpdated"]
    assert after["orderStatus"]["href"].endswith(
        api.ok("/orderStatuses", limit=5)["items"][4]["href"].rsplit("/", 1)[1]
    )
    assert ids_since(api) == [5]

    shop.control.storno_order(6)
    assert 6 in shop.store.storno_ids()
    assert 6 not in [int(o["innerId"]) for o in api.all_items("/orderExtend", excludeStorno=1)]

    many = next(o.inner_id for o in shop.store.orders.live() if len(o.lines) >= 2)
    lines_before = len(order(api, many)["orderProducts"])
    shop.control.remove_order_line(many)
    changed = order(api, many)
    assert len(changed["orderProducts"]) == lines_before - 1
    totals = {t["type"]: t["value"] for t in changed["orderTotals"]}
    assert totals["TOTAL"] == changed["total"]
    assert sorted(ids_since(api)) == sorted([5, 6, many])


def ids_since(api: Api) -> list[int]:
    return [int(o["innerId"]) for o in api.all_items("/orderExtend", updatedAtMin=LATER_LOCAL)]


def test_add_orders(make_sandbox: Callable[..., SandboxShop]) -> None:
    shop, api = shop_at_later(make_sandbox)
    new = shop.control.add_orders(3, customer_id=2, status_id=4)
    assert new == [41, 42, 43]
    items = api.all_items("/orderExtend", innerIdMin=41)
    assert [o["dateCreated"] for o in items] == [LATER_LOCAL] * 3
    assert all(o["customer"]["href"].endswith(shop.store.customer_items()[1]["id"]) for o in items)
    guest = shop.control.add_orders(1, email="new.guest@example.hu", currency="EUR")
    guest_item = order(api, guest[0])
    assert guest_item["email"] == "new.guest@example.hu" and not guest_item["customer"]
    assert guest_item["currency"]["code"] == "EUR"


def test_customer_and_coupon_changes(make_sandbox: Callable[..., SandboxShop]) -> None:
    shop, api = shop_at_later(make_sandbox)
    shop.control.edit_customer(3, firstname="Új", newsletter=1)
    edited = api.ok("/customers", full=1, innerId=3)["items"][0]
    assert (edited["firstname"], edited["newsletter"], edited["dateUpdated"]) == ("Új", "1", LATER_LOCAL)
    opaque = edited["id"]
    shop.control.delete_customer(3)
    assert api.get(f"/customers/{opaque}").status_code == 404
    assert 3 not in [int(c["innerId"]) for c in api.all_items("/customers")]

    code = shop.store.coupon_items()[0]["code"]
    coupon_id = shop.store.coupon_items()[0]["id"]
    shop.control.delete_coupon(code)
    assert api.ok("/coupons", code=code)["items"] == []
    assert api.get(f"/coupons/{coupon_id}").json()["error"] == 40401

    guest_email = next(o.email for o in shop.store.orders.live() if o.customer == 0)
    new_id = shop.control.register_guest(guest_email)
    registered = api.ok("/customers", full=1, email=guest_email)["items"]
    assert [int(c["innerId"]) for c in registered] == [new_id]
    assert registered[0]["dateCreated"] == LATER_LOCAL


def test_status_changes(make_sandbox: Callable[..., SandboxShop]) -> None:
    shop, api = shop_at_later(make_sandbox)
    new = shop.control.add_status("Előrendelés", "Pre-order")
    assert new == 9
    names = {d["name"] for d in api.all_items("/orderStatusDescriptions")}
    assert {"Előrendelés", "Pre-order"} <= names
    shop.control.rename_status(4, "Kész")
    names = {d["name"] for d in api.all_items("/orderStatusDescriptions")}
    assert "Kész" in names and "Teljesítve" not in names and "Completed" in names


def test_admin_over_http(make_sandbox: Callable[..., SandboxShop]) -> None:
    shop, api = shop_at_later(make_sandbox)
    admin = shop.classic_url + "/_admin/"
    assert requests.post(
        admin + "set_order_status", json={"order_inner_id": 7, "status_inner_id": 3}
    ).json() == {"result": None}
    assert order(api, 7)["dateUpdated"] == LATER_LOCAL
    new = requests.post(admin + "add_orders", json={"n": 2}).json()["result"]
    assert new == [41, 42]
    assert requests.post(admin + "set_clock", json={"dt": "2025-07-01T00:00:00+00:00"}).status_code == 200
    assert shop.clock.now() == datetime(2025, 7, 1, tzinfo=UTC)
    bad = requests.post(admin + "no_such_thing", json={})
    assert bad.status_code == 400
    log = requests.get(admin + "log").json()["result"]
    assert log and all(not entry["path"].startswith("/_admin") for entry in log)
    assert log[-1]["credentials_id"] == shop.username


def test_request_log(sandbox_shop: SandboxShop) -> None:
    api = Api(sandbox_shop)
    sandbox_shop.clear_log()
    api.get("/orderExtend", limit=5, full=1)
    api.get("/orderExtend", foo=1)
    entries = sandbox_shop.request_log
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/orderExtend", 200),
        ("GET", "/orderExtend", 400),
    ]
    assert (
        entries[0].query == {"limit": "5", "full": "1"} and entries[0].credentials_id == sandbox_shop.username
    )
