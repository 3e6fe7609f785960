"""The fewest requests a sync's data needs, and how close a measured sync came to that floor.

fewest = full order pages + id-only order pages (the storno pairing) + customer pages + small reads
       = max(1, ceil(o/200)) + ceil(o/200) + max(1, ceil(c/200)) + SMALL_READS

with ``o`` the orders and ``c`` the customers the sync must read (all of them on a first sync, those
in its window on an incremental one; abandoned carts are not orders). A list read takes one request
even when it is empty, hence the ``max(1, ...)`` for the full reads. The small reads are one page
each: languages, two settings (language, time zone), order statuses and their descriptions, coupons
and their descriptions.
"""

from __future__ import annotations

PAGE = 200
SMALL_READS = 7


def pages(rows: int) -> int:
    return -(-rows // PAGE)


def fewest_requests(orders: int, customers: int) -> int:
    return max(1, pages(orders)) + pages(orders) + max(1, pages(customers)) + SMALL_READS


def efficiency(fewest: int, rate: float, wall_s: float) -> float:
    """(fewest requests / rate) / wall time: 1.0 = as fast as the shop's limit allows."""
    return (fewest / rate) / wall_s
