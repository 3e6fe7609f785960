"""Webshop segments and aggregates (crm-model.md), computed in SQL for every card at once.

Decisions:
- A *successful* order is not storno and its CRM status group is not ``Failed``. An order whose
  shop status is not mapped yet counts as successful (it is not known to have failed; the mapping
  check reports it), so mapping a status later can only move a card to a lower segment.
- ``order_count`` counts every stored order of the card (storno and failed included);
  ``customer_value``, ``successful_order_count`` and ``first/last_order_at`` use successful
  orders only. An order's time is when it was created in the shop.
- ``d`` (days since the last successful order) is elapsed time: "d ≤ 30" means the last order
  is at most 30 × 24 hours before ``as_of``. A registered card without ``registered_at`` counts as
  registered long ago (``inactive``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, literal, not_, select, update

from srpipeline.crm.schema import crm_order_statuses, crm_orders, crm_webshop_cards
from srpipeline.crm.upsert import LoadCounts

SEGMENTS = (
    "registered",
    "inactive",
    "one_time_buyer",
    "repeat_buyer",
    "loyal",
    "passive",
    "passive_loyal",
    "lost",
    "lost_loyal",
    "no_order",
)


def refresh_segments(
    conn: Connection, *, as_of: datetime, card_ids: Iterable[int] | None = None
) -> LoadCounts:
    """Recompute the aggregates and segment of every card (or of ``card_ids``) as of ``as_of``.

    Two statements whatever the number of cards; returns how many cards changed (``updated``) and
    how many came out the same (``unchanged``), by comparing each card's figures before and after.
    """
    cards = crm_webshop_cards
    only = cards.c.id.in_(list(card_ids)) if card_ids is not None else literal(True)
    figures = select(
        cards.c.id,
        cards.c.order_count,
        cards.c.successful_order_count,
        cards.c.customer_value,
        cards.c.first_order_at,
        cards.c.last_order_at,
        cards.c.segment,
    ).where(only)
    before = {row[0]: tuple(row) for row in conn.execute(figures)}
    order_time = func.coalesce(crm_orders.c.created_at, crm_orders.c.updated_at)
    successful = and_(
        not_(crm_orders.c.is_storno),
        func.coalesce(
            select(crm_order_statuses.c.status_group)
            .where(crm_order_statuses.c.id == crm_orders.c.crm_order_status_id)
            .scalar_subquery(),
            "",
        )
        != "Failed",
    )

    def of_card(expression):  # type: ignore[no-untyped-def]
        return select(expression).where(crm_orders.c.webshop_card_id == cards.c.id).scalar_subquery()

    conn.execute(
        update(cards)
        .where(only)
        .values(
            order_count=of_card(func.count()),
            successful_order_count=of_card(func.coalesce(func.sum(case((successful, 1), else_=0)), 0)),
            customer_value=of_card(
                func.coalesce(func.sum(case((successful, crm_orders.c.total_gross), else_=0)), Decimal(0))
            ),
            first_order_at=of_card(func.min(case((successful, order_time)))),
            last_order_at=of_card(func.max(case((successful, order_time)))),
        )
    )
    n, last = cards.c.successful_order_count, cards.c.last_order_at

    def within(days: int):  # type: ignore[no-untyped-def]
        return last >= as_of - timedelta(days=days)

    segment = case(
        (
            and_(n == 0, cards.c.is_registered, cards.c.registered_at >= as_of - timedelta(days=60)),
            "registered",
        ),
        (and_(n == 0, cards.c.is_registered), "inactive"),
        (n == 0, "no_order"),
        (and_(n == 1, within(30)), "one_time_buyer"),
        (and_(n == 1, within(60)), "passive"),
        (n == 1, "lost"),
        (and_(n <= 3, within(60)), "repeat_buyer"),
        (and_(n <= 3, within(90)), "passive"),
        (n <= 3, "lost"),
        (within(90), "loyal"),
        (within(365), "passive_loyal"),
        else_="lost_loyal",
    )
    conn.execute(update(cards).where(only).values(segment=segment))
    changed = sum(1 for row in conn.execute(figures) if before.get(row[0]) != tuple(row))
    return LoadCounts(updated=changed, unchanged=len(before) - changed)
