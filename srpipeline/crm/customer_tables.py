"""Loading registered customers into contacts and webshop cards, and marking deleted ones."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, or_, select, update

from srpipeline.crm.contacts import SOURCE, email_key, guest_contacts_by_email, insert_contacts
from srpipeline.crm.maintenance import analyze_if_grown
from srpipeline.crm.schema import crm_contacts, crm_webshop_cards
from srpipeline.crm.upsert import Loaded, Outcome, chunks, newest_copies, record_hash, upsert
from srpipeline.shoprenter.records import Customer

CARD_COLUMNS = [
    "contact_id",
    "sr_customer_inner_id",
    "is_registered",
    "registered_at",
    "newsletter",
    "is_disabled",
    "customer_group",
    "updated_at",
]


def load_customers(conn: Connection, customers: Sequence[Customer], *, now: datetime) -> Loaded[Customer]:
    """Load one page of customers inside the caller's transaction; returns each customer's outcome.

    A customer is matched by inner id, then by opaque id (a placeholder an order made before the
    customer arrived), then by e-mail among the shop's guest contacts (the guest registered);
    otherwise a contact is made. Every match is among ``source='shoprenter'`` contacts only. The
    planner statistics of the tables it fills are refreshed first when they grew a lot.
    """
    analyze_if_grown(conn)
    outcomes: list[Outcome] = ["unchanged"] * len(customers)
    index_of = newest_copies(customers, customer_changed_at)
    newest = {inner_id: customers[index] for inner_id, index in index_of.items()}
    stored = conn.execute(
        select(
            crm_contacts.c.id,
            crm_contacts.c.sr_customer_inner_id,
            crm_contacts.c.sr_customer_id,
            crm_contacts.c.record_hash,
            crm_contacts.c.updated_at,
        ).where(
            crm_contacts.c.source == SOURCE,
            or_(
                crm_contacts.c.sr_customer_inner_id.in_(newest),
                crm_contacts.c.sr_customer_id.in_([c.sr_id for c in newest.values()]),
            ),
        )
    ).all()
    by_inner = {row.sr_customer_inner_id: row for row in stored if row.sr_customer_inner_id is not None}
    by_sr_id = {row.sr_customer_id: row for row in stored if row.sr_customer_inner_id is None}
    unmatched = [c for c in newest.values() if c.inner_id not in by_inner and c.sr_id not in by_sr_id]
    guests = guest_contacts_by_email(conn, {email_key(c.email) for c in unmatched} - {None})

    updates: list[dict[str, object]] = []
    inserts: list[Customer] = []
    for customer in newest.values():
        digest = record_hash(customer)
        if (row := by_inner.get(customer.inner_id)) is not None:
            older = row.updated_at and customer_changed_at(customer) < row.updated_at
            if row.record_hash == digest or older:
                continue
            contact_id = row.id
        elif (row := by_sr_id.get(customer.sr_id)) is not None:
            contact_id = row.id
        elif (contact_id := guests.pop(email_key(customer.email) or "", None)) is None:
            inserts.append(customer)
            continue
        updates.append({"b_id": contact_id, **_contact_values(customer, digest)})
    if updates:
        conn.execute(
            update(crm_contacts)
            .where(
                crm_contacts.c.id == bindparam("b_id"),
                or_(
                    crm_contacts.c.updated_at.is_(None), crm_contacts.c.updated_at <= bindparam("updated_at")
                ),
            )
            .values({name: bindparam(name) for name in _CONTACT_FIELDS}),
            updates,
        )
    new_ids = insert_contacts(
        conn,
        [{"source": SOURCE, "created_at": now, **_contact_values(c, record_hash(c))} for c in inserts],
    )
    cards = [
        _card_row(contact_id, customer, now)
        for contact_id, customer in [
            *((u["b_id"], newest[u["sr_customer_inner_id"]]) for u in updates),  # type: ignore[index]
            *zip(new_ids, inserts, strict=True),
        ]
    ]
    if cards:
        conn.execute(upsert(conn, crm_webshop_cards, ["contact_id"], CARD_COLUMNS), cards)
    for customer in inserts:
        outcomes[index_of[customer.inner_id]] = "inserted"
    for values in updates:
        outcomes[index_of[values["sr_customer_inner_id"]]] = "updated"  # type: ignore[index]
    return list(zip(customers, outcomes, strict=True))


def has_shop_customers(conn: Connection) -> bool:
    """Whether any contact is a registered shop customer (deleted ones too)."""
    found = select(crm_contacts.c.id).where(crm_contacts.c.sr_customer_inner_id.is_not(None)).limit(1)
    return conn.execute(found).first() is not None


def live_customer_ids(conn: Connection) -> list[tuple[str | None, int]]:
    """(opaque id, inner id) of every shop customer in the CRM not marked deleted: what the daily
    deletion check compares with the shop's list."""
    rows = conn.execute(
        select(crm_contacts.c.sr_customer_id, crm_contacts.c.sr_customer_inner_id).where(
            crm_contacts.c.source == SOURCE,
            crm_contacts.c.sr_customer_inner_id.is_not(None),
            crm_contacts.c.deleted_at.is_(None),
        )
    )
    return [(sr_id, inner_id) for sr_id, inner_id in rows]


def mark_customers_deleted(conn: Connection, sr_customer_inner_ids: Iterable[int], *, now: datetime) -> int:
    """Mark the customers the shop deleted: the contact keeps its orders, gets ``deleted_at``, and
    its card is disabled. Returns how many contacts were newly marked."""
    marked = 0
    for batch in chunks(sr_customer_inner_ids):
        ids = select(crm_contacts.c.id).where(
            crm_contacts.c.source == SOURCE,
            crm_contacts.c.sr_customer_inner_id.in_(batch),
            crm_contacts.c.deleted_at.is_(None),
        )
        contact_ids = list(conn.execute(ids).scalars())
        if not contact_ids:
            continue
        conn.execute(update(crm_contacts).where(crm_contacts.c.id.in_(contact_ids)).values(deleted_at=now))
        conn.execute(
            update(crm_webshop_cards)
            .where(crm_webshop_cards.c.contact_id.in_(contact_ids))
            .values(is_disabled=True, updated_at=now)
        )
        marked += len(contact_ids)
    return marked


_CONTACT_FIELDS = (
    "sr_customer_inner_id",
    "sr_customer_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "record_hash",
    "updated_at",
    "deleted_at",
)


def _contact_values(customer: Customer, digest: str) -> dict[str, object]:
    return {
        "sr_customer_inner_id": customer.inner_id,
        "sr_customer_id": customer.sr_id,
        "email": email_key(customer.email),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "phone": customer.phone,
        "record_hash": digest,
        "updated_at": customer_changed_at(customer),
        "deleted_at": None,
    }


def _card_row(contact_id: object, customer: Customer, now: datetime) -> dict[str, object]:
    return {
        "contact_id": contact_id,
        "sr_customer_inner_id": customer.inner_id,
        "is_registered": True,
        "registered_at": customer.created_at,
        "newsletter": customer.newsletter,
        "is_disabled": customer.status == 0,
        "customer_group": customer.customer_group_sr_id,
        "updated_at": now,
    }


def customer_changed_at(customer: Customer) -> datetime | None:
    """The customer's shop change time (``dateUpdated``, else ``dateCreated``)."""
    return customer.updated_at or customer.created_at
