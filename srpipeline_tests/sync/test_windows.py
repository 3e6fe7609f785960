"""The window rules of design.md, without a shop or a database."""

from datetime import UTC, datetime, timedelta

from srpipeline.shoprenter.paging import Window
from srpipeline.sync.windows import DEFAULT_OVERLAP, completed_until, next_window

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_first_sync_reads_from_the_beginning_up_to_now():
    window = next_window(start=None, end=None, now=NOW, synced_until=None, full_refresh=False)
    assert window == Window(lo=None, hi=NOW)


def test_repeat_sync_starts_at_synced_until_minus_the_overlap():
    synced = NOW - 2 * DAY
    window = next_window(start=None, end=None, now=NOW, synced_until=synced, full_refresh=False)
    assert window == Window(lo=synced - DEFAULT_OVERLAP, hi=NOW)


def test_range_start_wins_when_later_than_synced_until():
    synced = NOW - 5 * DAY
    start = NOW - DAY
    window = next_window(start=start, end=None, now=NOW, synced_until=synced, full_refresh=False)
    assert window is not None and window.lo == start


def test_hi_is_the_range_end_when_earlier_than_now():
    end = NOW - DAY
    window = next_window(start=None, end=end, now=NOW, synced_until=None, full_refresh=False)
    assert window == Window(lo=None, hi=end)


def test_a_range_already_complete_reads_nothing():
    window = next_window(
        start=NOW - 3 * DAY, end=NOW - 2 * DAY, now=NOW, synced_until=NOW - DAY, full_refresh=False
    )
    assert window is None


def test_full_refresh_ignores_synced_until():
    start = NOW - 3 * DAY
    window = next_window(start=start, end=NOW - 2 * DAY, now=NOW, synced_until=NOW, full_refresh=True)
    assert window == Window(lo=start, hi=NOW - 2 * DAY)


def test_completed_window_moves_synced_until_only_without_a_gap():
    first = Window(lo=None, hi=NOW)
    assert completed_until(first, None) == NOW
    gap = Window(lo=NOW - DAY, hi=NOW)
    assert completed_until(gap, None) is None
    assert completed_until(gap, NOW - 2 * DAY) == NOW - 2 * DAY
    touching = Window(lo=NOW - DAY - DEFAULT_OVERLAP, hi=NOW)
    assert completed_until(touching, NOW - DAY) == NOW


def test_completed_until_never_moves_backwards():
    old = Window(lo=None, hi=NOW - DAY)
    assert completed_until(old, NOW) == NOW


def test_window_round_trips_through_json():
    window = Window(lo=NOW - DAY, hi=NOW)
    assert Window.from_json(window.to_json()) == window
    assert Window.from_json(Window(lo=None, hi=NOW).to_json()).lo is None
