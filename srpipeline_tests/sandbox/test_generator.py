"""Generated data: totals that add up exactly, the mix of cases, and determinism with the seed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from srpipeline.sandbox import SandboxShop, ShopClock
from srpipeline_tests.sandbox.conftest import NOW, Api


def d(text: str) -> Decimal:
    return Decimal(text)


def check_totals(order: dict) -> None:
    totals: dict[str, Decimal] = Counter()
    for t in order["orderTotals"]:
        totals[t["type"]] += d(t["value"])
    net = tax = Decimal(0)
    for line in order["orderProducts"]:
        quantity = sum(int(line[f"stock{i}"]) for i in range(1, 5))
        line_net = d(line["total"])
        assert line_net == d(line["price"]) * quantity
        gross = (line_net * (1 + d(line["taxRate"]) / 100)).quantize(
            Decimal(1), ROUND_HALF_UP
        )  # HUF: 0 decimals
        net += line_net
        tax += gross - line_net
    assert totals["SUB_TOTAL"] == net
    assert totals["TAX"] == tax
    assert totals["SUB_TOTAL_WITH_TAX"] == net + tax
    assert totals.get("COUPON", Decimal(0)) <= 0
    expected = (
        net + tax + totals["SHIPPING"] + totals.get("PAYMENT", Decimal(0)) + totals.get("COUPON", Decimal(0))
    )
    assert totals["TOTAL"] == expected == d(order["total"])
    assert bool(order["coupon"]) == ("COUPON" in totals)


def test_totals_add_up_for_every_order(api: Api) -> None:
    orders = api.all_items("/orderExtend")
    assert len(orders) == 300
    for order in orders:
        check_totals(order)


def test_the_mix_of_cases(api: Api) -> None:
    store = api.shop.store
    orders = store.order_items()
    assert 0 < len(store.guest_order_ids()) < len(orders)
    guests = [o for o in orders if int(o["innerId"]) in store.guest_order_ids()]
    assert all(not o["customer"] for o in guests) and all(o["email"] for o in guests)
    buyers = {o["customer"]["href"].rsplit("/", 1)[1] for o in orders if o["customer"]}
    assert any(c["id"] not in buyers for c in store.customer_items()), "some customers never ordered"
    line_counts = Counter(len(o["orderProducts"]) for o in orders)
    assert min(line_counts) == 1 and max(line_counts) <= 6 and len(line_counts) >= 4
    lines = [line for o in orders for line in o["orderProducts"]]
    assert any(int(line["stock2"]) + int(line["stock3"]) + int(line["stock4"]) for line in lines), (
        "split stock"
    )
    eur = [o for o in orders if o["currency"]["code"] == "EUR"]
    assert eur and all(o["value"] == "0.00250000" for o in eur)
    line = eur[0]["orderProducts"][0]
    assert d(line["priceCurrency"]) == d(line["price"]) * Decimal(
        "0.0025"
    )  # EUR price is the HUF price times value
    coupon_codes = {c["code"] for c in store.coupon_items()}
    used = [o["coupon"] for o in orders if o["coupon"]]
    assert used and {c["code"] for c in used} <= coupon_codes
    assert {c["discountType"] for c in used} == {"PERCENT", "FIXED"}
    assert any(o["dateUpdated"] > o["dateCreated"] for o in orders)
    assert min(o["dateCreated"] for o in orders) >= "2024-01-01T00:00:00"
    assert max(o["dateUpdated"] for o in orders) <= "2025-06-01T14:00:00"  # NOW in Budapest
    names = {d["name"] for d in store.status_description_items()}
    assert {"Függőben", "Teljesítve", "Törölt", "Visszavonva", "Completed"} <= names


def test_same_seed_same_shop_other_seed_other_shop() -> None:
    def snapshot(seed: int) -> tuple[list, list, list]:
        shop = SandboxShop.generate(orders=60, customers=20, seed=seed, clock=ShopClock(NOW))
        return shop.store.order_items(), shop.store.customer_items(), shop.store.coupon_items()

    assert snapshot(7) == snapshot(7)
    assert snapshot(7)[0] != snapshot(8)[0]


def test_time_zone_and_start_are_honoured() -> None:
    shop = SandboxShop.generate(
        orders=30, customers=5, timezone="UTC", start=datetime(2025, 5, 1, tzinfo=UTC), clock=ShopClock(NOW)
    )
    orders = shop.store.order_items()
    assert all("2025-05-01T00:00:00" <= o["dateCreated"] <= "2025-06-01T12:00:00" for o in orders)
    settings = {s[2]: s[3] for s in shop.store.settings}
    assert settings["config_timezone"] == "UTC"
