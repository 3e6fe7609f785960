"""The parsing rules on hand-made values: empties, zero dates, October's repeated hour, quarantine."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from srpipeline.shoprenter import parse
from srpipeline.shoprenter.records import Language

BUDAPEST = ZoneInfo("Europe/Budapest")


@pytest.mark.parametrize(
    "empty", ["", None, {}, [], "0000-00-00", "0000-00-00 00:00:00", "-0001-11-30T00:00:00"]
)
def test_empty_and_zero_dates_are_none(empty: object) -> None:
    assert parse.local_datetime(empty, BUDAPEST) is None
    assert parse.local_date(empty) is None


def test_both_datetime_formats() -> None:
    expected = datetime(2013, 12, 31, 10, 45, 51, tzinfo=UTC)
    assert parse.local_datetime("2013-12-31 11:45:51", BUDAPEST) == expected
    assert parse.local_datetime("2013-12-31T11:45:51", BUDAPEST) == expected


def test_repeated_october_hour_is_the_first_occurrence() -> None:
    # 2023-10-29 02:30 happens twice in Budapest: 00:30 UTC (CEST) and 01:30 UTC (CET).
    assert parse.local_datetime("2023-10-29T02:30:00", BUDAPEST) == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)


def test_money_is_decimal_and_bad_numbers_are_errors() -> None:
    assert parse.decimal("0.10") == Decimal("0.10")
    assert parse.decimal({}) is None
    with pytest.raises(parse.RecordError, match="total is not a number"):
        parse.decimal("12,5", "total")


def test_quantity_is_the_sum_of_the_four_stocks() -> None:
    line = parse.parse_order_line({"id": "x", "stock1": "2", "stock2": "1", "stock3": "", "stock4": "3"})
    assert line.quantity == Decimal(6)
    assert parse.parse_order_line({"id": "x", "innerId": "55"}).line_id == "55"


def test_strings_are_kept_verbatim() -> None:
    assert parse.text("  Mixed@Case.HU ") == "  Mixed@Case.HU "


def test_abandoned_cart_and_guest_have_no_links() -> None:
    order = parse.parse_order(
        {"id": "o1", "innerId": "9", "orderStatus": None, "customer": {}, "total": "0", "extraField": [1]},
        BUDAPEST,
    )
    assert order.is_abandoned_cart and order.customer_sr_id is None and order.number == "9"


def test_link_id_is_the_last_path_segment_and_never_built() -> None:
    assert parse.link_id({"href": "https://s.api.myshoprenter.hu/customers/Y3VzdA=="}) == "Y3VzdA=="
    assert parse.link_id({"href": "https://s.api.myshoprenter.hu/customers/my-outer-id"}) == "my-outer-id"


def test_outer_id_without_inner_id_is_quarantined() -> None:
    parsed = parse.parse_page(
        [{"id": "my-outer-id"}, {"id": "b3JkZXJTdGF0dXMtb3JkZXJfc3RhdHVzX2lkPTc=", "innerId": "7"}, "junk"],
        parse.parse_order_status,
        "orderStatuses",
    )
    assert [s.inner_id for s in parsed.records] == [7]
    assert [(b.sr_id, b.reason) for b in parsed.bad] == [
        ("my-outer-id", "missing innerId"),
        (None, "expected an object, got str"),
    ]


def test_bad_record_keeps_the_rest_of_the_page() -> None:
    items = [
        {"id": "a", "innerId": "1", "dateUpdated": "2020-01-01T00:00:00"},
        {"id": "b", "innerId": "2", "dateUpdated": "yesterday"},
        {"id": "c", "innerId": "x"},
    ]
    parsed = parse.parse_page(items, lambda r: parse.parse_customer(r, BUDAPEST), "customers")
    assert [c.sr_id for c in parsed.records] == ["a"]
    assert [(b.sr_id, b.reason) for b in parsed.bad] == [
        ("b", "dateUpdated is not a shop date-time: 'yesterday'"),
        ("c", "innerId is not an integer: 'x'"),
    ]


def test_default_language_prefers_the_configured_code_then_lowest_sort_order() -> None:
    en = Language("en", 2, "en", "English", sort_order=1)
    hu = Language("hu", 1, "hu", "Hungarian", sort_order=2)
    assert parse.default_language([hu, en], "hu") is hu
    assert parse.default_language([hu, en], None) is en
    assert parse.default_language([], "hu") is None
