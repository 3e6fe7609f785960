"""Which window of shop change times a sync reads next, and how far the CRM is complete after it.

Pure functions over the stream's state, so the rules of design.md ("Windows without gaps") are
tested without a shop or a database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from srpipeline.shoprenter.paging import Window

DEFAULT_OVERLAP = timedelta(minutes=10)


def next_window(
    *,
    start: datetime | None,
    end: datetime | None,
    now: datetime,
    synced_until: datetime | None,
    full_refresh: bool,
    overlap: timedelta = DEFAULT_OVERLAP,
) -> Window | None:
    """The window to read for the requested range ``[start, end)``, or None when nothing is left.

    ``hi`` is frozen at ``now`` (or the range end if earlier): nothing can enter a frozen window while
    it is read. ``lo`` is the range start, or where the CRM is complete minus the overlap when that is
    later (unless a full refresh is asked for).
    """
    hi = min(end, now) if end is not None else now
    lo = start
    if not full_refresh and synced_until is not None:
        resume_from = synced_until - overlap
        lo = resume_from if lo is None else max(lo, resume_from)
        if synced_until >= hi:
            return None
    if lo is not None and lo >= hi:
        return None
    return Window(lo=lo, hi=hi)


def completed_until(window: Window, synced_until: datetime | None) -> datetime | None:
    """`synced_until` after ``window`` completes: it moves to ``hi`` only if no gap is left below it."""
    contiguous = window.lo is None or (synced_until is not None and window.lo <= synced_until)
    if not contiguous:
        return synced_until
    return window.hi if synced_until is None else max(synced_until, window.hi)
