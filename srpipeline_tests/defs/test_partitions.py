from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from dagster import PartitionKeyRange

from srpipeline.defs.partitions import daily_partitions, partition_range_window, sync_partition_range
from srpipeline.settings import read_settings

BUDAPEST = ZoneInfo("Europe/Budapest")
PARTITIONS = daily_partitions(
    read_settings({"SHOPRENTER_TIMEZONE": "Europe/Budapest", "SRPIPELINE_START_DATE": "2026-01-01"})
)


def test_partitions_are_days_in_the_shop_time_zone_with_today_included() -> None:
    now = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # already March 30 in Budapest
    keys = PARTITIONS.get_partition_keys(current_time=now)
    assert keys[0] == "2026-01-01"
    assert keys[-1] == "2026-03-30"


def test_first_partition_is_open_at_the_bottom() -> None:
    start, end = partition_range_window(PARTITIONS, PartitionKeyRange("2026-01-01", "2026-01-02"))
    assert start is None
    assert end == datetime(2026, 1, 3, tzinfo=BUDAPEST)


def test_a_later_range_is_closed_at_local_midnights_across_dst() -> None:
    start, end = partition_range_window(PARTITIONS, PartitionKeyRange("2026-03-29", "2026-03-29"))
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # a 23-hour day
    assert end - start == (datetime(2026, 3, 30, tzinfo=BUDAPEST) - datetime(2026, 3, 29, tzinfo=BUDAPEST))


def test_a_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        partition_range_window(PARTITIONS, PartitionKeyRange("2026-02-02", "2026-02-01"))


@pytest.mark.parametrize(
    ("first_incomplete", "expected_start"),
    [
        (None, "2026-01-01"),  # nothing synced yet: from the first partition
        (date(2025, 6, 1), "2026-01-01"),  # before the first partition
        (date(2026, 2, 10), "2026-02-10"),
        (date(2026, 5, 1), "2026-03-30"),  # in the future: at least today
    ],
)
def test_a_sync_asks_for_the_first_incomplete_day_to_today(first_incomplete, expected_start) -> None:
    now = datetime(2026, 3, 30, 1, 0, tzinfo=UTC)
    key_range = sync_partition_range(PARTITIONS, first_incomplete, now)
    assert key_range == PartitionKeyRange(expected_start, "2026-03-30")
