"""Hostile records shaped like the official examples (srpipeline_tests/fixtures/shoprenter): fields
missing, ``{}``, nulls, garbage numbers and dates, huge and unicode strings, SQL quotes, items that
are not objects. Through the parser and the loaders on SQLite and PostgreSQL: nothing crashes,
every record is either loaded or quarantined by id, and loaded strings read back verbatim.

The parser's rules one by one are in srpipeline_tests/shoprenter/test_parse_rules.py; this throws
generated pages at the whole path.
"""

from __future__ import annotations

import copy
import itertools
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from srpipeline.crm.customer_tables import load_customers
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.schema import crm_contacts, crm_order_items, crm_orders
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig
from srpipeline.shoprenter.parse import parse_customer, parse_order, parse_page
from srpipeline.shoprenter.records import BadRecord
from srpipeline.sync.context import SyncContext
from srpipeline.sync.report import StreamResult
from srpipeline_tests.shoprenter.examples import load

TZ = ZoneInfo("Europe/Budapest")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ORDER = load("order_extend", "get_page")["items"][0]
CUSTOMER = load("customer_extend", "get_id")
ORDER_FIELDS = [
    "innerId", "invoiceId", "invoicePrefix", "firstname", "lastname", "phone", "email", "comment",
    "total", "value", "dateCreated", "dateUpdated", "paymentMethodName", "paymentMethodCode",
    "shippingMethodName", "currency", "customer", "orderStatus", "orderProducts", "orderTotals", "coupon",
]  # fmt: skip
LINE_FIELDS = ["innerId", "name", "sku", "price", "total", "taxRate", "stock1", "stock2"]
CUSTOMER_FIELDS = [
    "innerId", "firstname", "lastname", "email", "telephone", "newsletter", "status", "approved",
    "dateCreated", "dateUpdated", "customerGroup",
]  # fmt: skip
MISSING = object()
SQL_QUOTES = ["'; DROP TABLE crm_orders; --", "O'Brien", 'say "hi"', "\\'", "%s", "%(x)s", "--", "\x00"]

text_values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF), min_size=1, max_size=300),
    st.sampled_from(SQL_QUOTES),
    st.integers(1, 4).map(lambda n: "Árvíztűrő tükörfúrógép 🐍 " * (40 * n)),  # 1,000-4,000 characters
)
garbage_numbers = st.sampled_from(
    ["", "abc", "1,5", "NaN", "Infinity", "-0", "1e999", "9" * 40, "0.00001", " 12 ", "12.5.1", "0x1F"]
)
garbage_dates = st.sampled_from(
    ["0000-00-00 00:00:00", "-0001-11-30T00:00:00", "2024-13-45T99:99:99", "yesterday", "2024-02-30", "2026"]
)
hostile = st.one_of(
    st.just(MISSING),
    st.sampled_from([None, "", {}, [], 0, 1.5, True]),
    text_values,
    garbage_numbers,
    garbage_dates,
    st.dictionaries(st.sampled_from(["id", "href", "code"]), text_values, max_size=2),
)
serial = itertools.count(10_000)


@st.composite
def shaped_like(draw: st.DrawFn, template: dict[str, Any], fields: list[str]) -> Any:
    """The template with some fields made hostile; ids unique per draw. Sometimes not an object."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([None, "item", 7, ["x"]]))
    item = copy.deepcopy(template)
    number = next(serial)
    item["id"], item["innerId"] = f"hostile-{number}", str(number)
    for name in draw(st.lists(st.sampled_from(fields), unique=True, max_size=5)):
        value = draw(hostile)
        if value is MISSING:
            item.pop(name, None)
        else:
            item[name] = value
    if isinstance(item.get("orderProducts"), list):
        item["orderProducts"] = [draw(shaped_like(line, LINE_FIELDS)) for line in item["orderProducts"]]
    return item


def order_template() -> dict[str, Any]:
    order = copy.deepcopy(ORDER)
    order["orderProducts"] = [
        {"id": "line-1", "innerId": "1", "name": "Bögre", "sku": "B-1", "stock1": "2", "price": "1000.0000",
         "total": "2000.0000", "taxRate": "27.0000"}
    ]  # fmt: skip
    return order


orders_pages = st.lists(shaped_like(order_template(), ORDER_FIELDS), min_size=1, max_size=6)
customer_pages = st.lists(shaped_like(CUSTOMER, CUSTOMER_FIELDS), min_size=1, max_size=6)


def accounted_for(items: list[Any], loaded_ids: list[str], bad: list[BadRecord]) -> None:
    """Every item is either loaded or quarantined, and a quarantined object carries its id."""
    assert len(loaded_ids) + len(bad) == len(items)
    for record in bad:
        item = next((i for i in items if isinstance(i, dict) and i.get("id") == record.sr_id), None)
        assert record.sr_id is None or item is not None
        assert record.reason and "\n" not in record.reason


def check_orders(engine: Engine, items: list[Any]) -> None:
    parsed = parse_page(items, lambda raw: parse_order(raw, TZ), "orderExtend")
    accounted_for(items, [o.sr_id for o in parsed.records], parsed.bad)
    with engine.connect() as conn, conn.begin() as transaction:
        load_orders(conn, parsed.records, now=NOW)
        for order in parsed.records:
            if order.is_abandoned_cart:
                continue
            row = conn.execute(
                select(
                    crm_orders.c.id,
                    crm_orders.c.comment,
                    crm_orders.c.payment_method,
                    crm_orders.c.shipping_method,
                ).where(crm_orders.c.sr_order_inner_id == order.inner_id)
            ).one()
            assert (row.comment, row.payment_method, row.shipping_method) == (
                order.comment,
                order.payment_method,
                order.shipping_method,
            )
            lines = conn.execute(
                select(crm_order_items.c.line_key, crm_order_items.c.name, crm_order_items.c.sku).where(
                    crm_order_items.c.order_id == row.id, crm_order_items.c.kind == "product"
                )
            ).all()
            assert sorted(lines) == sorted((line.line_id, line.name, line.sku) for line in order.lines)
        transaction.rollback()


def check_customers(engine: Engine, items: list[Any]) -> None:
    parsed = parse_page(items, lambda raw: parse_customer(raw, TZ), "customers")
    accounted_for(items, [c.sr_id for c in parsed.records], parsed.bad)
    with engine.connect() as conn, conn.begin() as transaction:
        load_customers(conn, parsed.records, now=NOW)
        for customer in parsed.records:
            row = conn.execute(
                select(crm_contacts.c.first_name, crm_contacts.c.last_name, crm_contacts.c.phone).where(
                    crm_contacts.c.sr_customer_inner_id == customer.inner_id
                )
            ).one()
            assert tuple(row) == (customer.first_name, customer.last_name, customer.phone)
        transaction.rollback()


def hostile_examples(engine: Engine) -> settings:
    """Deterministic examples (so a bug fails every run, not some); fewer on PostgreSQL, where each
    is a round trip."""
    examples = 60 if engine.dialect.name == "sqlite" else 15
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True)


def test_hostile_order_pages_load_or_quarantine_and_keep_strings_verbatim(crm_engine: Engine) -> None:
    @hostile_examples(crm_engine)
    @given(orders_pages)
    def check(items: list[Any]) -> None:
        check_orders(crm_engine, items)

    check()


def test_hostile_customer_pages_load_or_quarantine_and_keep_strings_verbatim(crm_engine: Engine) -> None:
    @hostile_examples(crm_engine)
    @given(customer_pages)
    def check(items: list[Any]) -> None:
        check_customers(crm_engine, items)

    check()


def test_an_order_line_at_zero_percent_vat_loads(crm_engine: Engine) -> None:
    order = order_template()
    order["orderProducts"][0]["taxRate"] = "0.0000"
    check_orders(crm_engine, [order])


def test_a_long_name_is_stored_whole(crm_engine: Engine) -> None:
    """A 1,000-character first name is stored whole (shop text columns are unbounded), never cut."""
    customer = {**CUSTOMER, "firstname": "Árvíztűrő tükörfúrógép 🐍 " * 40}
    check_customers(crm_engine, [customer])


def test_quarantined_records_are_logged_by_id(
    crm_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = ShopConfig(api_url="https://myshop.api.myshoprenter.hu", username="u", password="p")
    ctx = SyncContext(
        client=ShoprenterClient(config), engine=crm_engine, run_id="q", mapping_path=tmp_path / "m.yaml"
    )
    items = [{**ORDER, "id": "bad-date", "dateUpdated": "2024-13-45T99:99:99"}, None, ORDER]
    parsed = parse_page(items, lambda raw: parse_order(raw, TZ), "orderExtend")
    result = StreamResult(stream="orders")
    with caplog.at_level(logging.WARNING, logger="srpipeline.sync"):
        ctx.quarantine("orders", parsed.bad, result)
    assert result.quarantined == 2 and len(parsed.records) == 1
    assert "orders: skipped orderExtend bad-date: dateUpdated is not a shop date-time" in caplog.text
    assert "orders: skipped orderExtend None: expected an object, got NoneType" in caplog.text
