"""The CRM tables of crm-model.md in SQLAlchemy Core, on one ``MetaData``.

Extra columns beyond the contract exist where the loaders need them:
``crm_orders.sr_order_id`` / ``sr_status_id`` / ``sr_customer_id`` (the shop's opaque ids, so statuses
and contacts can be resolved again without re-reading the shop), ``record_hash`` on orders and
contacts (to tell "same data" from "changed" without comparing every item), ``crm_coupons.updated_at``
(the shop's ``dateUpdated``) and the one-row ``crm_sync_lease`` table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp on every dialect.

    PostgreSQL stores ``timestamptz``; SQLite has no zones, so values are stored as naive UTC text
    (which compares correctly as text) and read back as aware UTC. Naive input is refused: a naive
    time has no meaning here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: CRM timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def Money() -> Numeric:
    return Numeric(18, 4, asdecimal=True)


crm_modules = Table(
    "crm_modules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("kind IN ('orders', 'webshop')", name="kind"),
)

crm_shop_connection = Table(
    "crm_shop_connection",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: one shop per CRM
    Column("shop_url", String(500)),  # null until the first sync binds the CRM
    Column("bound_at", UtcDateTime),
    Column("last_test_at", UtcDateTime),
    Column("last_test_ok", Boolean),
    Column("last_test_message", Text),
    Column("shop_timezone", String(64), doc="The shop's config_timezone, as last read with its statuses"),
    CheckConstraint("id = 1", name="one_row"),
)

crm_sync_requests = Table(
    "crm_sync_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("requested_by", String(200)),
    Column("consumed_at", UtcDateTime),
    Column("run_id", String(100)),
    Index("ix_crm_sync_requests_pending", "consumed_at"),
)

crm_sync_state = Table(
    "crm_sync_state",
    metadata,
    Column("stream", String(50), primary_key=True),
    Column("synced_until", UtcDateTime),
    Column("checkpoint", JSON),
    Column("updated_at", UtcDateTime, nullable=False),
)

crm_sync_log = Table(
    "crm_sync_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(100)),
    Column("stream", String(50), nullable=False),
    Column("trigger", String(20), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("status", String(20), nullable=False),
    Column("requests", Integer, nullable=False, default=0),
    Column("throttled", Integer, nullable=False, default=0),
    Column("rows_inserted", Integer, nullable=False, default=0),
    Column("rows_updated", Integer, nullable=False, default=0),
    Column("rows_unchanged", Integer, nullable=False, default=0),
    Column("error", Text),
    CheckConstraint("\"trigger\" IN ('manual', 'schedule', 'backfill', 'ui', 'probe')", name="trigger"),
)

crm_sync_lease = Table(
    "crm_sync_lease",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("owner", String(200)),  # null = free
    Column("acquired_at", UtcDateTime),
    Column("heartbeat_at", UtcDateTime),
    Column("expires_at", UtcDateTime),
    CheckConstraint("id = 1", name="one_row"),
)

sr_order_statuses = Table(
    "sr_order_statuses",
    metadata,
    Column(
        "sr_inner_id",
        Integer,
        primary_key=True,
        autoincrement=False,
        doc="The shop's numeric status id (innerId)",
    ),
    Column("sr_id", Text, nullable=False, unique=True, doc="The shop's opaque status id"),
    Column("name", Text),
    Column("color", Text),
    Column("is_active", Boolean, nullable=False, doc="False once the status vanished from the shop"),
    Column("synced_at", UtcDateTime, nullable=False, doc="When a sync last read it (UTC)"),
)

crm_order_statuses = Table(
    "crm_order_statuses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("status_group", String(10), nullable=False),
    CheckConstraint("status_group IN ('Lead', 'Open', 'Success', 'Failed')", name="status_group"),
)

crm_status_mapping = Table(
    "crm_status_mapping",
    metadata,
    Column(
        "sr_status_inner_id",
        Integer,
        primary_key=True,
        autoincrement=False,
        doc="The shop status (sr_order_statuses.sr_inner_id)",
    ),
    Column(
        "crm_order_status_id",
        Integer,
        ForeignKey("crm_order_statuses.id"),
        doc="Its CRM status; null while not mapped",
    ),
    Column("mapped_at", UtcDateTime, nullable=False),
)

crm_contacts = Table(
    "crm_contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "source",
        String(50),
        nullable=False,
        doc="shoprenter for the contacts the sync made; other contacts are never matched",
    ),
    Column(
        "sr_customer_inner_id", Integer, unique=True, doc="The shop's numeric customer id; null for guests"
    ),
    Column("sr_customer_id", Text, unique=True),
    Column("email", Text),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("phone", Text),
    Column(
        "record_hash",
        String(40),
        doc="Hash of the last customer record loaded, to tell changed from unchanged",
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Column(
        "updated_at",
        UtcDateTime,
        doc="The shop's dateUpdated (UTC): the customers partition's day; null for guests",
    ),
    Column("deleted_at", UtcDateTime, doc="When the customer vanished from the shop; the row is kept"),
    Index("ix_crm_contacts_email", "email"),
)

crm_webshop_cards = Table(
    "crm_webshop_cards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("crm_contacts.id"), nullable=False, unique=True),
    Column("sr_customer_inner_id", Integer),
    Column("is_registered", Boolean, nullable=False, default=False),
    Column("registered_at", UtcDateTime),
    Column("newsletter", Boolean, nullable=False, default=False),
    Column("is_disabled", Boolean, nullable=False, default=False),
    Column("customer_group", Text),
    Column("segment", String(20), doc="Webshop segment, recomputed from orders by webshop_segments"),
    Column("customer_value", Money(), nullable=False, default=0, doc="Gross total of successful orders"),
    Column("successful_order_count", Integer, nullable=False, default=0),
    Column("order_count", Integer, nullable=False, default=0),
    Column("first_order_at", UtcDateTime),
    Column("last_order_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
)

crm_orders = Table(
    "crm_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "sr_order_inner_id", Integer, nullable=False, unique=True, doc="The shop's numeric order id (innerId)"
    ),
    Column("sr_order_id", Text, nullable=False),
    Column("number", Text, nullable=False, doc="The order number the customer sees"),
    Column("contact_id", Integer, ForeignKey("crm_contacts.id"), nullable=False),
    Column("webshop_card_id", Integer, ForeignKey("crm_webshop_cards.id"), nullable=False, index=True),
    Column("sr_customer_id", Text),
    Column("sr_status_id", Text),
    Column("sr_status_inner_id", Integer),
    Column(
        "crm_order_status_id",
        Integer,
        ForeignKey("crm_order_statuses.id"),
        doc="CRM status from the status mapping; null while the shop status is not mapped",
    ),
    Column("currency", Text),
    Column("payment_method", Text),
    Column("payment_method_code", Text),
    Column("shipping_method", Text),
    Column("subtotal_net", Money()),
    Column("tax_total", Money()),
    Column("shipping_total", Money()),
    Column("discount_total", Money()),
    Column("total_gross", Money()),
    Column("comment", Text),
    Column("is_storno", Boolean, nullable=False, default=False, doc="A cancelled (storno) order"),
    Column(
        "record_hash", String(40), nullable=False, doc="Hash of the last order record loaded, items included"
    ),
    Column("created_at", UtcDateTime, doc="The shop's dateCreated (UTC)"),
    Column(
        "updated_at",
        UtcDateTime,
        nullable=False,
        doc="The shop's dateUpdated (UTC): the orders partition's day",
    ),
    Column("synced_at", UtcDateTime, nullable=False, doc="When a sync last wrote it (UTC)"),
    Index("ix_crm_orders_sr_status_id", "sr_status_id"),
    Index("ix_crm_orders_contact_id", "contact_id"),
)

crm_order_items = Table(
    "crm_order_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("crm_orders.id"), nullable=False),
    Column("line_key", Text, nullable=False, doc="Stable key of the line within its order"),
    Column("kind", String(10), nullable=False, doc="product, shipping, payment (fee) or coupon"),
    Column("sku", Text),
    Column("name", Text),
    Column("quantity", Numeric(18, 4), nullable=False),
    Column("unit_price_net", Money()),
    Column("vat_rate", Numeric(9, 4)),
    Column("line_total_net", Money()),
    Column("line_total_gross", Money()),
    UniqueConstraint("order_id", "line_key"),
    CheckConstraint("kind IN ('product', 'shipping', 'payment', 'coupon')", name="kind"),
)

crm_order_coupons = Table(
    "crm_order_coupons",
    metadata,
    Column("order_id", Integer, ForeignKey("crm_orders.id"), primary_key=True),
    Column("code", Text, primary_key=True),
    Column("sr_coupon_id", Text),
    Column("discount_type", Text),
    Column("discount_amount", Money()),
)

crm_coupons = Table(
    "crm_coupons",
    metadata,
    Column("sr_coupon_id", Text, primary_key=True),
    Column("code", Text, nullable=False),
    Column("name", Text),
    Column("discount_type", Text),
    Column("percent_discount", Numeric(9, 4)),
    Column("fixed_discount", Money()),
    Column("free_shipping", Boolean, nullable=False, default=False),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("status", Integer, doc="1 if the shop allows the coupon, 0 if not"),
    Column("updated_at", UtcDateTime, doc="The shop's dateUpdated (UTC)"),
    Column("deleted_at", UtcDateTime, doc="When the coupon vanished from the shop; the row is kept"),
    Column("synced_at", UtcDateTime, nullable=False),
)

#: The tables whose names and key columns crm-model.md fixes.
CONTRACT_TABLES = (
    "crm_modules",
    "crm_shop_connection",
    "crm_sync_requests",
    "crm_sync_state",
    "crm_sync_log",
    "sr_order_statuses",
    "crm_order_statuses",
    "crm_status_mapping",
    "crm_contacts",
    "crm_webshop_cards",
    "crm_orders",
    "crm_order_items",
    "crm_order_coupons",
    "crm_coupons",
)

#: Orders statuses seeded by the first migration: (name, status group).
SEEDED_ORDER_STATUSES = (
    ("Draft", "Lead"),
    ("In progress", "Open"),
    ("Completed", "Open"),
    ("Successful", "Success"),
    ("Failed", "Failed"),
)
