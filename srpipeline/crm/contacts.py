"""Finding or making the contact and webshop card an order belongs to, a page at a time.

Only ``source='shoprenter'`` contacts are ever matched: a contact another module holds with the
same e-mail stays untouched and unlinked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from srpipeline.crm.schema import crm_contacts, crm_webshop_cards
from srpipeline.crm.upsert import insert_rows
from srpipeline.shoprenter.records import Order

SOURCE = "shoprenter"


def email_key(email: str | None) -> str | None:
    """An e-mail as stored and matched: trimmed and lower-cased; None when empty."""
    if email is None:
        return None
    email = email.strip().lower()
    return email or None


def guest_contacts_by_email(conn: Connection, emails: Iterable[str]) -> dict[str, int]:
    """Guest contacts (no customer ids) of the shop by e-mail, the oldest when there are several."""
    emails = set(emails)
    if not emails:
        return {}
    rows = conn.execute(
        select(crm_contacts.c.id, crm_contacts.c.email)
        .where(
            crm_contacts.c.source == SOURCE,
            crm_contacts.c.email.in_(emails),
            crm_contacts.c.sr_customer_id.is_(None),
            crm_contacts.c.sr_customer_inner_id.is_(None),
        )
        .order_by(crm_contacts.c.id.desc())
    )
    return {email: contact_id for contact_id, email in rows}


def insert_contacts(conn: Connection, rows: Sequence[dict[str, object]]) -> list[int]:
    """Insert contacts in one statement and return their ids in the order of ``rows``.

    The database numbers new rows in the order they are inserted, so the new ids sorted are in the
    order of ``rows`` (``RETURNING`` itself promises no order; asking SQLAlchemy for parameter order
    makes SQLite insert one row per statement).
    """
    if not rows:
        return []
    return sorted(insert_rows(conn, insert(crm_contacts).returning(crm_contacts.c.id), rows).scalars())


def ensure_cards(conn: Connection, contact_ids: Iterable[int], *, now: datetime) -> dict[int, int]:
    """The webshop card of each contact (contact id -> card id), made where missing."""
    contact_ids = set(contact_ids)
    if not contact_ids:
        return {}
    cards = dict(
        conn.execute(
            select(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.id).where(
                crm_webshop_cards.c.contact_id.in_(contact_ids)
            )
        ).all()
    )
    missing = sorted(contact_ids - cards.keys())
    if missing:
        result = insert_rows(
            conn,
            insert(crm_webshop_cards).returning(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.id),
            [{"contact_id": contact_id, "updated_at": now} for contact_id in missing],
        )
        cards.update(result.all())
    return cards


def resolve_order_contacts(
    conn: Connection, orders: Sequence[Order], known: dict[int, int], *, now: datetime
) -> dict[int, tuple[int, int]]:
    """Order inner id -> (contact id, card id) for a page of orders, with set-based lookups.

    A registered buyer is found by the customer's opaque id (see _registered_contacts); a guest by
    e-mail among the shop's contacts (see _guest_contacts). ``known`` (order inner id -> contact id)
    keeps a stored order without customer link or e-mail on the contact it already has.
    """
    by_sr_id = _registered_contacts(conn, orders, now=now)
    by_email, by_order = _guest_contacts(conn, orders, known, now=now)
    contact_of: dict[int, int] = {}
    for order in orders:
        if order.customer_sr_id:
            contact_of[order.inner_id] = by_sr_id[order.customer_sr_id]
        elif (email := email_key(order.email)) is not None:
            contact_of[order.inner_id] = by_email[email]
        else:
            contact_of[order.inner_id] = by_order.get(order.inner_id) or known[order.inner_id]
    cards = ensure_cards(conn, contact_of.values(), now=now)
    return {inner_id: (contact_id, cards[contact_id]) for inner_id, contact_id in contact_of.items()}


def _registered_contacts(conn: Connection, orders: Sequence[Order], *, now: datetime) -> dict[str, int]:
    """Customer opaque id -> contact id for the registered buyers of ``orders``, made where missing.

    When the customer has not arrived yet, a guest contact with the same e-mail takes the id (the
    guest registered), else a placeholder contact holds it until the customer load fills it in.
    """
    sr_ids = {o.customer_sr_id for o in orders if o.customer_sr_id}
    if not sr_ids:
        return {}
    by_sr_id: dict[str, int] = dict(
        conn.execute(
            select(crm_contacts.c.sr_customer_id, crm_contacts.c.id).where(
                crm_contacts.c.source == SOURCE, crm_contacts.c.sr_customer_id.in_(sr_ids)
            )
        ).all()
    )
    first_order_of: dict[str, Order] = {}
    for order in orders:
        if order.customer_sr_id and order.customer_sr_id not in by_sr_id:
            first_order_of.setdefault(order.customer_sr_id, order)
    claimable = guest_contacts_by_email(conn, {email_key(o.email) for o in first_order_of.values()} - {None})
    claims: list[dict[str, object]] = []
    placeholders: list[dict[str, object]] = []
    for sr_id, order in first_order_of.items():
        guest_id = claimable.pop(email_key(order.email) or "", None)
        if guest_id is not None:
            claims.append({"b_id": guest_id, "sr_customer_id": sr_id})
            by_sr_id[sr_id] = guest_id
        else:
            placeholders.append(_contact_row(order, now, sr_customer_id=sr_id))
    if claims:
        conn.execute(
            update(crm_contacts)
            .where(crm_contacts.c.id == bindparam("b_id"))
            .values(sr_customer_id=bindparam("sr_customer_id")),
            claims,
        )
    by_sr_id.update(
        zip([r["sr_customer_id"] for r in placeholders], insert_contacts(conn, placeholders), strict=True)
    )  # type: ignore[arg-type]
    return by_sr_id


def _guest_contacts(
    conn: Connection, orders: Sequence[Order], known: dict[int, int], *, now: datetime
) -> tuple[dict[str, int], dict[int, int]]:
    """The guests' contacts: (e-mail -> contact id, made where missing; order inner id -> a new
    contact for a guest order with no e-mail that has none yet)."""
    guest_emails = {email_key(o.email) for o in orders if not o.customer_sr_id} - {None}
    by_email: dict[str, int] = {}
    if guest_emails:
        rows = conn.execute(
            select(crm_contacts.c.email, crm_contacts.c.id)
            .where(crm_contacts.c.source == SOURCE, crm_contacts.c.email.in_(guest_emails))
            .order_by(crm_contacts.c.id.desc())
        )
        by_email = dict(rows.all())
    new_guests: dict[str, Order] = {}
    anonymous: list[Order] = []
    for order in orders:
        if order.customer_sr_id:
            continue
        email = email_key(order.email)
        if email is None:
            if order.inner_id not in known:
                anonymous.append(order)
        elif email not in by_email:
            new_guests.setdefault(email, order)
    new_rows = [_contact_row(o, now) for o in new_guests.values()]
    by_email.update(zip(new_guests, insert_contacts(conn, new_rows), strict=True))
    anonymous_ids = insert_contacts(conn, [_contact_row(o, now) for o in anonymous])
    by_order = dict(zip([o.inner_id for o in anonymous], anonymous_ids, strict=True))
    return by_email, by_order


def _contact_row(order: Order, now: datetime, *, sr_customer_id: str | None = None) -> dict[str, object]:
    return {
        "source": SOURCE,
        "sr_customer_id": sr_customer_id,
        "email": email_key(order.email),
        "first_name": order.first_name,
        "last_name": order.last_name,
        "phone": order.phone,
        "created_at": now,
    }
