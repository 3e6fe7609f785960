"""What a stream sync reports: its result, and progress lines while it reads."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar

from srpipeline.crm.upsert import LoadCounts, Loaded
from srpipeline.wording import counted

R = TypeVar("R")


@dataclass
class StreamResult:
    """The outcome of one stream's sync: what landed, what it cost, which window it read."""

    stream: str
    counts: LoadCounts = field(default_factory=LoadCounts)
    quarantined: int = 0
    deleted: int = 0
    requests: int = 0
    throttled: int = 0
    window_lo: datetime | None = None
    window_hi: datetime | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: Why the stream was not read at all (a list a probe's sync found recent enough); None = read.
    skipped: str | None = None
    #: ``counts`` split by the day (in the context's ``day_zone``) of each record's shop change
    #: time; None for records with no time. Dagster gives each daily partition its own day's figures.
    by_day: dict[date | None, LoadCounts] = field(default_factory=dict)

    def add(self, loaded: Loaded[R], changed_at: Callable[[R], datetime | None], zone: tzinfo) -> None:
        """Count one page load, in total and per change day."""
        for record, outcome in loaded:
            moment = changed_at(record)
            day = moment.astimezone(zone).date() if moment is not None else None
            self.by_day[day] = self.by_day.get(day, LoadCounts()) + LoadCounts.of([outcome])
        self.counts += LoadCounts.of(outcome for _, outcome in loaded)

    @property
    def inserted(self) -> int:
        return self.counts.inserted

    @property
    def updated(self) -> int:
        return self.counts.updated

    @property
    def unchanged(self) -> int:
        return self.counts.unchanged

    def as_metadata(self) -> dict[str, Any]:
        """Plain values for logs, Dagster metadata and the CLI summary (no secrets live here)."""
        data = asdict(self)
        data.pop("by_day")
        counts = data.pop("counts")
        data.update(inserted=counts["inserted"], updated=counts["updated"], unchanged=counts["unchanged"])
        data["window_lo"] = self.window_lo.isoformat() if self.window_lo else None
        data["window_hi"] = self.window_hi.isoformat() if self.window_hi else None
        data["seconds"] = round(self.seconds, 3)
        return data

    def window_text(self, zone: tzinfo) -> str | None:
        """The window of shop change times read, in ``zone``; None for a stream read whole."""
        if self.window_hi is None:
            return None
        lo = _local(self.window_lo, zone) if self.window_lo else "the beginning"
        return f"{lo} → {_local(self.window_hi, zone)} ({zone})"

    def summary(self, zone: tzinfo) -> str:
        if self.skipped:
            return self.skipped
        window = self.window_text(zone)
        extra = f", {self.quarantined} quarantined" if self.quarantined else ""
        extra += f", {self.deleted} marked deleted" if self.deleted else ""
        return (
            f"{self.stream}: {self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"
            f"{extra}; {self.requests} requests, {self.throttled} throttled, {self.seconds:.1f} s"
            + (f", window {window}" if window else "")
        )


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Progress:
    """One progress line of a long read."""

    stream: str
    pages: int
    rows: int
    requests: int
    elapsed: float
    pages_left: int | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        if self.pages_left is None or self.pages == 0:
            return None
        return self.elapsed / self.pages * self.pages_left

    def line(self) -> str:
        eta = (
            f", ETA {self.eta_seconds:.0f} s"
            if self.eta_seconds is not None
            else ", ETA unknown: the shop sent no page count"
        )
        return (
            f"{self.stream}: {counted(self.pages, 'page', 'pages')}, {counted(self.rows, 'row', 'rows')}, "
            f"{counted(self.requests, 'request', 'requests')}, "
            f"{self.rows_per_second:.0f} rows/s{eta}"
        )


ProgressCallback = Callable[[Progress], None]


class ProgressMeter:
    """Counts pages and rows of one read and calls back at most every ``every`` seconds."""

    def __init__(self, stream: str, callback: ProgressCallback | None, *, every: float = 2.0) -> None:
        self.stream = stream
        self.callback = callback
        self.every = every
        self.started = time.monotonic()
        self.pages = 0
        self.rows = 0
        self._last = 0.0

    def page(self, rows: int, requests: int, pages_left: int | None = None, *, final: bool = False) -> None:
        self.pages += 1
        self.rows += rows
        now = time.monotonic()
        if self.callback is not None and (final or now - self._last >= self.every):
            self._last = now
            self.callback(
                Progress(self.stream, self.pages, self.rows, requests, now - self.started, pages_left)
            )
