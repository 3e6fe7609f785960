"""Daily partitions by day of last change in the shop's time zone, and the windows they stand for.

Partition D holds the rows whose shop ``dateUpdated`` falls on D (shop time). The first partition is
open at the bottom: it also holds everything changed before the start date, so a start date set too
late never loses a row. Today's partition is included (``end_offset=1``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dagster import DailyPartitionsDefinition, PartitionKeyRange

from srpipeline.settings import Settings

PARTITION_DATE_FORMAT = "%Y-%m-%d"


def daily_partitions(settings: Settings) -> DailyPartitionsDefinition:
    """The daily partitions of customers and orders, in the shop's time zone."""
    return DailyPartitionsDefinition(
        start_date=settings.partitions_start,
        timezone=settings.partition_timezone,
        end_offset=1,
        fmt=PARTITION_DATE_FORMAT,
    )


def partition_range_window(
    partitions_def: DailyPartitionsDefinition, key_range: PartitionKeyRange
) -> tuple[datetime | None, datetime]:
    """The change-time window ``[start, end)`` of a range of daily partitions, as aware datetimes.

    ``start`` is None when the range begins at the first partition (open at the bottom).
    """
    tz = ZoneInfo(partitions_def.timezone)
    first_day = _day(key_range.start)
    last_day = _day(key_range.end)
    if last_day < first_day:
        raise ValueError(f"partition range {key_range.start}..{key_range.end} ends before it starts")
    open_bottom = key_range.start <= partitions_def.get_first_partition_key()
    return (None if open_bottom else _midnight(first_day, tz)), _midnight(last_day + timedelta(days=1), tz)


def sync_partition_range(
    partitions_def: DailyPartitionsDefinition, first_incomplete: date | None, now: datetime
) -> PartitionKeyRange:
    """The range a manual or scheduled sync asks for: the first incomplete day (or the first partition
    when nothing is synced yet, or the day is before the first partition) up to today."""
    keys = partitions_def.get_partition_keys(current_time=now)
    first_key, today_key = keys[0], keys[-1]
    if first_incomplete is None:
        return PartitionKeyRange(first_key, today_key)
    start_key = max(first_key, min(first_incomplete.strftime(PARTITION_DATE_FORMAT), today_key))
    return PartitionKeyRange(start_key, today_key)


def _day(key: str) -> date:
    return datetime.strptime(key, PARTITION_DATE_FORMAT).date()


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)
