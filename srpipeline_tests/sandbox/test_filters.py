"""Every list filter's meaning, and the shop's 400 answers (40008, 40009, 40010, 40017, limit)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from srpipeline_tests.sandbox.conftest import Api

BUDAPEST = ZoneInfo("Europe/Budapest")


def ids(items: list[dict]) -> list[int]:
    return [int(i["innerId"]) for i in items]


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")


def test_updated_and_created_bounds_are_inclusive(api: Api) -> None:
    orders = api.shop.store.order_items()
    pivot = sorted(o["dateUpdated"] for o in orders)[150]
    got = ids(api.all_items("/orderExtend", updatedAtMin=pivot))
    assert got == [int(o["innerId"]) for o in orders if o["dateUpdated"] >= pivot]
    got = ids(api.all_items("/orderExtend", updatedAtMax=pivot))
    assert got == [int(o["innerId"]) for o in orders if o["dateUpdated"] <= pivot]
    lo, hi = sorted(o["dateCreated"] for o in orders)[100], sorted(o["dateCreated"] for o in orders)[120]
    got = ids(api.all_items("/orderExtend", createdAtMin=lo, createdAtMax=hi))
    assert got == [int(o["innerId"]) for o in orders if lo <= o["dateCreated"] <= hi] and len(got) >= 21
    day = orders[40]["dateCreated"][:10]
    assert ids(api.all_items("/orderExtend", createdAt=day)) == [
        int(o["innerId"]) for o in orders if o["dateCreated"].startswith(day)
    ]
    customers = api.shop.store.customer_items()
    pivot = sorted(c["dateUpdated"] for c in customers)[40]
    assert ids(api.all_items("/customers", updatedAtMin=pivot)) == [
        int(c["innerId"]) for c in customers if c["dateUpdated"] >= pivot
    ]


def test_inner_id_filters(api: Api) -> None:
    assert ids(api.all_items("/orderExtend", innerId=17)) == [17]
    assert ids(api.all_items("/orderExtend", innerIdMin=290)) == list(range(290, 301))
    assert ids(api.all_items("/customers", innerId=5)) == [5]
    assert api.get("/customers", innerIdMin=5).json()["error"] == 40010  # customers have no keyset filter


def test_status_email_and_exclusions(api: Api) -> None:
    store = api.shop.store
    orders = store.order_items()
    status = api.ok("/orderStatuses", limit=4)["items"][3]["href"].rsplit("/", 1)[1]  # inner id 4
    got = ids(api.all_items("/orderExtend", orderStatusId=status))
    assert got and got == [
        int(o["innerId"]) for o in orders if (o.get("orderStatus") or {}).get("href", "").endswith(status)
    ]
    email = orders[10]["email"]
    assert ids(api.all_items("/orderExtend", email=email)) == [
        int(o["innerId"]) for o in orders if o["email"] == email
    ]
    abandoned, storno = store.abandoned_ids(), store.storno_ids()
    assert abandoned and storno, "the generator should make both kinds"
    everything = set(ids(api.all_items("/orderExtend")))
    assert abandoned | storno <= everything  # included unless excluded
    assert set(ids(api.all_items("/orderExtend", excludeAbandonedCart=1))) == everything - abandoned
    assert set(ids(api.all_items("/orderExtend", excludeStorno=1))) == everything - storno
    assert set(ids(api.all_items("/orderExtend", excludeStorno=0))) == everything
    customer = store.customer_items()[3]
    assert ids(api.all_items("/customers", email=customer["email"])) == [int(customer["innerId"])]


def test_small_resource_filters(api: Api) -> None:
    coupons = api.all_items("/coupons")
    code = coupons[2]["code"]
    assert [c["code"] for c in api.all_items("/coupons", code=code)] == [code]
    coupon_id = coupons[2]["id"]
    descriptions = api.all_items("/couponDescriptions", couponId=coupon_id)
    assert len(descriptions) == 2 and all(d["coupon"]["href"].endswith(coupon_id) for d in descriptions)
    english = api.ok("/languages", full=1, code="en")["items"][0]["id"]
    names = [d["name"] for d in api.all_items("/orderStatusDescriptions", languageId=english)]
    assert "Completed" in names and "Teljesítve" not in names
    status = api.all_items("/orderStatuses")[3]["id"]
    both = api.all_items("/orderStatusDescriptions", orderStatusId=status)
    assert sorted(d["name"] for d in both) == ["Completed", "Teljesítve"]
    assert [s["key"] for s in api.all_items("/settings", group="mail")] == ["config_mail_protocol"]


def test_error_answers(api: Api) -> None:
    unknown = api.get("/orderExtend", foo=1)
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"error": 40010, "message": "The given parameter: foo is not available!"},
    )
    assert api.get("/coupons", updatedAtMin="2024-01-01T00:00:00").json()["error"] == 40010
    bad_time = api.get("/orderExtend", updatedAtMin="2024-01-01 00:00:00")
    assert (bad_time.status_code, bad_time.json()["error"]) == (400, 40009)
    assert api.get("/orderExtend", updatedAtMin="2024-13-01T00:00:00").json()["error"] == 40009
    assert api.get("/orderExtend", createdAt="2024-1-1").json()["error"] == 40017
    past = api.get("/orderExtend", limit=200, page=2)
    assert past.status_code == 400 and past.json()["error"] == 40008
    assert past.json()["message"].startswith("Page not found!")
    assert api.get("/orderExtend", limit=201).status_code == 400
    empty = api.get("/orderExtend", innerId=99999)
    assert empty.status_code == 200 and empty.json()["items"] == []
    assert api.get("/orderExtend", innerId=99999, page=1).json()["error"] == 40008
    assert api.get("/nothing").status_code == 404


def test_filter_times_are_shop_local(api: Api) -> None:
    """``updatedAtMin`` is read in the shop's zone: the same instant in UTC text would be off by hours."""
    store = api.shop.store
    order = store.order(50)
    local_text = datetime.fromtimestamp(order.updated, BUDAPEST).strftime("%Y-%m-%dT%H:%M:%S")
    assert 50 in ids(api.all_items("/orderExtend", updatedAtMin=local_text, updatedAtMax=local_text))
    assert local(local_text) == local(store.order_items()[49]["dateUpdated"])
