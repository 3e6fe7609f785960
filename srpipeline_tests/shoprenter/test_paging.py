"""List envelopes as the examples send them, and the window's local-time filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from srpipeline.shoprenter.errors import NotShoprenterApi
from srpipeline.shoprenter.paging import ReverseCursor, Window, read_envelope
from srpipeline_tests.shoprenter.examples import load

BUDAPEST = ZoneInfo("Europe/Budapest")


def test_page_count_from_the_last_link_when_page_count_is_missing() -> None:
    page = read_envelope(load("order_status", "get_page"), "orderStatuses", page=0, limit=5)
    assert (page.page, page.page_count, page.limit, len(page.items)) == (0, 3, 5, 5)  # last = page 2


def test_page_count_zero_beside_items_is_not_believed() -> None:
    page = read_envelope(load("address", "get_page"), "addresses", page=0, limit=25)
    assert page.page_count == 1 and page.items


def test_single_item_object_becomes_a_list() -> None:
    page = read_envelope(load("language", "get_code"), "languages", page=0, limit=25)
    assert len(page.items) == 1 and page.items[0]["href"].endswith("bGFuZ3VhZ2UtbGFuZ3VhZ2VfaWQ9NA==")


def test_integer_envelope_and_empty_list() -> None:
    page = read_envelope(load("order_extend", "get_page"), "orderExtend", page=0, limit=1)
    assert page.page_count == 13
    empty = read_envelope(
        {"items": [], "page": "0", "limit": "200", "pageCount": "0"}, "customers", page=0, limit=200
    )
    assert empty.page_count == 0 and empty.items == []


def test_an_answer_without_items_is_not_the_api() -> None:
    with pytest.raises(NotShoprenterApi, match="not a Shoprenter list"):
        read_envelope({"hello": "world"}, "orderStatuses", page=0, limit=1)


def test_window_is_sent_in_local_time_on_both_sides_of_dst() -> None:
    window = Window(lo=datetime(2024, 1, 10, 11, 0, tzinfo=UTC), hi=datetime(2024, 7, 10, 11, 0, tzinfo=UTC))
    assert window.params(BUDAPEST) == {
        "updatedAtMin": "2024-01-10T12:00:00",
        "updatedAtMax": "2024-07-10T13:00:00",
    }
    open_start = Window(lo=None, hi=datetime(2024, 7, 10, 13, 0, tzinfo=timezone(timedelta(hours=2))))
    assert open_start.params(BUDAPEST) == {"updatedAtMax": "2024-07-10T13:00:00"}


def test_window_refuses_naive_or_reversed_bounds() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Window(lo=None, hi=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="after hi"):
        Window(lo=datetime(2024, 2, 1, tzinfo=UTC), hi=datetime(2024, 1, 1, tzinfo=UTC))


def test_reverse_cursor_round_trips_through_json() -> None:
    cursor = ReverseCursor(end=400)
    assert ReverseCursor.from_json(cursor.to_json()) == cursor and not cursor.done
    assert ReverseCursor(end=0).done
