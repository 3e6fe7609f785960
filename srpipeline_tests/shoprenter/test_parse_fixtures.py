"""The official example responses parse into the right typed values."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from srpipeline.shoprenter import parse
from srpipeline.shoprenter.records import Customer
from srpipeline_tests.shoprenter.examples import FIXTURES, load

BUDAPEST = ZoneInfo("Europe/Budapest")


def test_order_page_item_12() -> None:
    parsed = parse.parse_page(
        load("order_extend", "get_page")["items"], lambda r: parse.parse_order(r, BUDAPEST), "orderExtend"
    )
    assert parsed.bad == []
    (order,) = parsed.records
    assert order.inner_id == 12
    assert order.sr_id == "b3JkZXItb3JkZXJfaWQ9MTI="
    assert order.number == "0012"  # invoicePrefix "001" + invoiceId "2"
    assert order.total_gross == Decimal("4038.0000")
    assert isinstance(order.total_gross, Decimal)
    assert order.updated_at == datetime(2012, 11, 26, 16, 58, 43, tzinfo=UTC)  # 17:58:43 CET
    assert order.created_at == datetime(2012, 1, 12, 11, 11, 59, tzinfo=UTC)
    assert order.status_sr_id == "b3JkZXJTdGF0dXMtb3JkZXJfc3RhdHVzX2lkPTE="
    assert order.customer_sr_id == "Y3VzdG9tZXItY3VzdG9tZXJfaWQ9MzE="
    assert order.currency == "HUF" and order.currency_value == Decimal("1.00000000")
    assert order.email == "testelek@test.hu"
    assert [line.quantity for line in order.lines] == [Decimal(1), Decimal(1)]
    assert order.lines[0].line_id == "b3JkZXJQcm9kdWN0LW9yZGVyX3Byb2R1Y3RfaWQ9MTI="  # no innerId: the id
    assert order.lines[0].unit_gross_price_currency == Decimal("3048.0000")
    assert order.total_of("TOTAL") == Decimal("4038.0000")
    assert order.total_of("SHIPPING") == Decimal("990.0000")
    assert order.total_of("COUPON") is None
    assert order.coupon is not None and order.coupon.code == "COUPONCODE"
    assert order.coupon.percent_discount == Decimal("10.0000")


def test_single_order_without_invoice_is_numbered_by_inner_id() -> None:
    order = parse.parse_order(load("order_extend", "get_id"), BUDAPEST)
    assert order.number == "172"  # invoiceId "0"
    assert order.updated_at == datetime(2019, 9, 6, 13, 47, 59, tzinfo=UTC)  # CEST, +02:00
    assert order.total_gross == Decimal("3990.0000")
    assert sum(line.quantity for line in order.lines) == 2
    assert [t.kind for t in order.totals] == ["SUB_TOTAL", "TAX", "SUB_TOTAL_WITH_TAX", "SHIPPING", "TOTAL"]
    assert order.total_of("TAX") == Decimal("1728.0000")


@pytest.mark.parametrize("resource", ["customer", "customer_extend"])
def test_customer_has_no_password_anywhere(resource: str) -> None:
    raw = load(resource, "get_id")
    customer = parse.parse_customer(raw, BUDAPEST)
    assert "password" not in {f.name for f in fields(Customer)}
    assert raw["password"] not in repr(customer)
    assert all(raw["password"] != getattr(customer, f.name) for f in fields(Customer))
    assert customer.email == raw["email"]


def test_customer_values() -> None:
    customer = parse.parse_customer(load("customer", "get_id"), BUDAPEST)
    assert customer.inner_id == 1
    assert customer.phone == "+36201234567"
    assert customer.newsletter is True and customer.approved is True and customer.status == 1
    assert customer.created_at == datetime(2012, 9, 27, 16, 13, 4, tzinfo=UTC)
    assert customer.customer_group_sr_id == "Y3VzdG9tZXJHcm91cC1jdXN0b21lcl9ncm91cF9pZD04"
    extended = parse.parse_customer(load("customer_extend", "get_id"), BUDAPEST)
    assert extended.newsletter is False and extended.inner_id == 7


def test_coupon_zero_dates_are_none() -> None:
    coupon = parse.parse_coupon(load("coupon", "get_id"), BUDAPEST, {"Y291cG9uLWNvdXBvbl9pZD0x": "free"})
    assert coupon.date_start is None and coupon.date_end is None and coupon.updated_at is None
    assert coupon.created_at == datetime(2013, 12, 31, 10, 45, 51, tzinfo=UTC)  # "2013-12-31 11:45:51"
    assert coupon.free_shipping is True
    assert coupon.percent_discount == Decimal("10.0000") and coupon.fixed_discount == Decimal("0.0000")
    assert coupon.name == "free"


def test_embedded_coupon_dates() -> None:
    raw = load("order_extend", "get_id")["coupon"]
    coupon = parse.parse_coupon(raw, BUDAPEST)
    assert coupon.date_start == date(2018, 5, 6) and coupon.date_end == date(2021, 3, 31)
    assert coupon.updated_at is None  # "0000-00-00 00:00:00"


def test_descriptions_languages_statuses() -> None:
    description = parse.parse_order_status_description(load("order_status_description", "get_id"))
    assert (description.name, description.color) == ("Pending", "#ff00ff")
    assert description.status_sr_id == "b3JkZXJTdGF0dXMtb3JkZXJfc3RhdHVzX2lkPTE="
    assert description.language_sr_id == "bGFuZ3VhZ2UtbGFuZ3VhZ2VfaWQ9MQ=="
    status = parse.parse_order_status(load("order_status", "get_id"), description)
    # The example has no innerId; its id is the default form "orderStatus-order_status_id=1".
    assert (status.inner_id, status.name, status.color) == (1, "Pending", "#ff00ff")
    coupon_description = parse.parse_coupon_description(load("coupon_description", "get_id"))
    assert coupon_description.coupon_sr_id == "Y291cG9uLWNvdXBvbl9pZD0x"
    assert coupon_description.name == "free_delivery"
    language = parse.parse_language(load("language", "get_id"))
    assert (language.inner_id, language.code, language.sort_order) == (1, "hu", 1)


def test_link_only_lists_parse_nothing_into_records_but_quarantine_by_reason() -> None:
    # full=0 items are bare links: no id, so each is quarantined (never silently half-parsed).
    parsed = parse.parse_page(
        load("customer", "get_page")["items"], lambda r: parse.parse_customer(r, BUDAPEST), "customers"
    )
    assert parsed.records == [] and len(parsed.bad) == 3
    assert all(bad.reason == "missing id" for bad in parsed.bad)


PARSERS = {
    "order": lambda r: parse.parse_order(r, BUDAPEST),
    "order_extend": lambda r: parse.parse_order(r, BUDAPEST),
    "order_product": parse.parse_order_line,
    "order_total": parse.parse_order_total,
    "customer": lambda r: parse.parse_customer(r, BUDAPEST),
    "customer_extend": lambda r: parse.parse_customer(r, BUDAPEST),
    "coupon": lambda r: parse.parse_coupon(r, BUDAPEST),
    "coupon_description": parse.parse_coupon_description,
    "order_status": parse.parse_order_status,
    "order_status_description": parse.parse_order_status_description,
    "language": parse.parse_language,
}


def fixture_objects() -> list[tuple[str, str, dict[str, Any]]]:
    """Every whole object in the examples of our resources: single answers and full list items."""
    found = []
    for resource in PARSERS:
        for path in sorted((FIXTURES / resource / "response" / "json").glob("*.json")):
            body = json.loads(path.read_text())
            items = body.get("items") if "items" in body else [body]
            items = [items] if isinstance(items, dict) else items
            found += [(resource, path.name, item) for item in items if "id" in item]
    return found


@pytest.mark.parametrize(("resource", "name", "raw"), fixture_objects())
def test_every_fixture_object_parses(resource: str, name: str, raw: dict[str, Any]) -> None:
    parsed = parse.parse_page([raw], PARSERS[resource], resource)
    assert parsed.bad == [] and len(parsed.records) == 1


def test_fixture_objects_cover_every_resource() -> None:
    assert {resource for resource, _, _ in fixture_objects()} == set(PARSERS)
