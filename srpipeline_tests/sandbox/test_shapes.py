"""Envelope, item shapes (against the official fixtures), ids, auth and content negotiation."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import requests

from srpipeline.sandbox import SandboxShop
from srpipeline_tests.sandbox.conftest import Api
from srpipeline_tests.shoprenter.examples import FIXTURES


def fixture(name: str, file: str = "get_id.json") -> dict[str, Any]:
    return json.loads((FIXTURES / name / "response" / "json" / file).read_text())


def properties(name: str) -> set[str]:
    data = json.loads((FIXTURES / name / "data.json").read_text())
    return {p["name"].rstrip(" *") for p in data["properties"]}


def assert_same_shape(ours: dict[str, Any], theirs: dict[str, Any], documented: set[str]) -> None:
    """Every key the shop sends we send; any extra key is one the shop documents."""
    missing = set(theirs) - set(ours)
    assert not missing, f"missing keys {missing}"
    extra = set(ours) - set(theirs) - documented - {"href"}
    assert not extra, f"undocumented keys {extra}"


def test_envelope_matches_fixture(api: Api) -> None:
    body = api.ok("/orderExtend", full=1, limit=1)
    assert list(body) == ["href", "page", "pageCount", "limit", "first", "previous", "next", "last", "items"]
    assert set(fixture("order_extend", "get_page.json")) <= set(body)
    assert body["page"] == 0 and body["limit"] == 1 and body["pageCount"] == 300  # numbers, as its fixture
    assert body["previous"] is None
    assert body["next"]["href"] == f"{api.shop.classic_url}/orderExtend?full=1&page=1&limit=1"
    assert body["last"]["href"].endswith("page=299&limit=1")
    customers = api.ok("/customers", limit=25, page=1)
    assert (customers["page"], customers["limit"], customers["pageCount"]) == ("1", "25", "4")  # strings
    assert customers["previous"]["href"].endswith("/customers?page=0&limit=25")
    assert set(customers["items"][0]) == {"href"}


def test_order_extend_item_shape(api: Api) -> None:
    theirs = fixture("order_extend", "get_page.json")["items"][0]
    ours = api.ok("/orderExtend", full=1, limit=1, excludeAbandonedCart=1, innerIdMin=1)["items"][0]
    # pick an order with a coupon so the coupon block is compared too
    with_coupon = next(o for o in api.shop.store.order_items() if o["coupon"])
    documented = properties("order_extend") | {"orderGiftWrappings", "orderAddressIdentifications"}
    for item in (ours, with_coupon):
        assert_same_shape(item, theirs, documented)
    assert_same_shape(with_coupon["coupon"], theirs["coupon"], properties("coupon"))
    assert_same_shape(ours["orderProducts"][0], theirs["orderProducts"][0], properties("order_product"))
    assert_same_shape(ours["orderTotals"][0], theirs["orderTotals"][0], properties("order_total"))
    assert ours["currency"].keys() == theirs["currency"].keys()
    assert ours["language"].keys() == theirs["language"].keys()


def test_orders_are_order_extend_without_embedded_lists(api: Api) -> None:
    plain = api.ok("/orders", full=1, limit=1)["items"][0]
    assert_same_shape(plain, fixture("order"), properties("order"))
    assert set(plain["orderProducts"]) == {"href"} and "coupon" not in plain
    extend = api.ok("/orderExtend", full=1, limit=1)["items"][0]
    assert plain["total"] == extend["total"] and plain["id"] == extend["id"]


def test_small_resources_shapes(api: Api) -> None:
    cases = [
        ("/customers", "customer"),
        ("/customerExtend", "customer_extend"),
        ("/coupons", "coupon"),
        ("/couponDescriptions", "coupon_description"),
        ("/orderStatuses", "order_status"),
        ("/orderStatusDescriptions", "order_status_description"),
        ("/languages", "language"),
        ("/currencies", "currency"),
        ("/customerGroups", "customer_group"),
        ("/settings", "setting"),
    ]
    for path, name in cases:
        item = api.ok(path, full=1, limit=1)["items"][0]
        assert_same_shape(item, fixture(name), properties(name))
    customer = api.ok("/customers", full=1, limit=1)["items"][0]
    assert customer["password"].startswith("$2y$") and customer["fax"] == {}


def test_scalars_are_strings_and_dates_in_fixture_formats(api: Api) -> None:
    order = api.ok("/orderExtend", full=1, limit=1)["items"][0]
    for key in ("innerId", "total", "value", "invoiceId", "dateCreated"):
        assert isinstance(order[key], str)
    assert len(order["dateCreated"]) == 19 and order["dateCreated"][10] == "T"
    assert order["orderTotals"][0]["dateCreated"] == "-0001-11-30T00:00:00"
    coupon = api.ok("/coupons", full=1, limit=200)["items"]
    assert all(c["dateCreated"][10] == " " for c in coupon)
    assert "0000-00-00 00:00:00" in {c["dateUpdated"] for c in coupon}


def test_ids_are_base64_and_single_items_resolve(api: Api) -> None:
    item = api.ok("/orders", limit=1)["items"][0]
    opaque = item["href"].rsplit("/", 1)[1]
    assert base64.b64decode(opaque).decode() == "order-order_id=1"
    single = api.ok(f"/orderExtend/{opaque}")
    assert single["innerId"] == "1" and single["orderProducts"]
    assert api.ok(f"/orders/{opaque}")["id"] == opaque
    status = api.ok("/orderStatuses", limit=1)["items"][0]["href"].rsplit("/", 1)[1]
    assert api.ok(f"/orderStatuses/{status}")["innerId"] == "1"
    missing = api.get("/customers/" + base64.b64encode(b"customer-customer_id=99999").decode())
    assert (missing.status_code, missing.json()["error"]) == (404, 40401)


def test_lists_ascend_by_inner_id(api: Api) -> None:
    ids = [int(o["innerId"]) for o in api.all_items("/orderExtend")]
    assert ids == sorted(ids) and len(ids) == 300


def test_basic_auth_and_bearer_auth(frozen_shop: SandboxShop) -> None:
    shop = frozen_shop
    json_only = {"Accept": "application/json"}
    assert (
        requests.get(
            shop.classic_url + "/orderStatuses", auth=(shop.username, "nope"), headers=json_only
        ).status_code
        == 401
    )
    no_auth = requests.get(shop.classic_url + "/orderStatuses", headers=json_only)
    assert (no_auth.status_code, no_auth.json()["error"]) == (401, 40101)
    bad = requests.post(
        shop.token_url,
        json={"grant_type": "client_credentials", "client_id": shop.client_id, "client_secret": "x"},
    )
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
    grant = {
        "grant_type": "client_credentials",
        "client_id": shop.client_id,
        "client_secret": shop.client_secret,
    }
    token = requests.post(shop.token_url, json=grant).json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    bearer = {"Authorization": "Bearer " + token["access_token"], **json_only}
    body = requests.get(shop.api2_url + "/orderStatuses", headers=bearer).json()
    assert body["href"].startswith(shop.api2_url + "/orderStatuses")  # links name the API2 base
    assert (
        requests.get(
            shop.api2_url + "/orderStatuses", auth=(shop.username, shop.password), headers=json_only
        ).status_code
        == 401
    )
    assert requests.get(shop.classic_url + "/orderStatuses", headers=bearer).status_code == 401
    unknown = {"Authorization": "Bearer not-a-token", **json_only}
    assert requests.get(shop.api2_url + "/orderStatuses", headers=unknown).status_code == 401


def test_bearer_token_expires_on_the_shop_clock(make_sandbox: Callable[..., SandboxShop]) -> None:
    shop = make_sandbox(orders=5, customers=2, rate=0)
    grant = {
        "grant_type": "client_credentials",
        "client_id": shop.client_id,
        "client_secret": shop.client_secret,
    }
    bearer = {"Authorization": "Bearer " + requests.post(shop.token_url, json=grant).json()["access_token"]}
    bearer["Accept"] = "application/json"
    assert requests.get(shop.api2_url + "/languages", headers=bearer).status_code == 200
    shop.clock.advance(3600)
    assert requests.get(shop.api2_url + "/languages", headers=bearer).status_code == 401


def test_without_accept_json_the_answer_is_xml(frozen_shop: SandboxShop) -> None:
    response = requests.get(
        frozen_shop.classic_url + "/languages", auth=(frozen_shop.username, frozen_shop.password)
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    assert b"<code>hu</code>" in response.content or b"<href>" in response.content


def test_settings_give_the_time_zone(api: Api) -> None:
    items = api.ok("/settings", full=1, key="config_timezone")["items"]
    assert [(i["key"], i["value"]) for i in items] == [("config_timezone", "Europe/Budapest")]
