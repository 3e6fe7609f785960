"""create the CRM schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from srpipeline.crm.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("sr_customer_inner_id", sa.Integer(), nullable=True),
        sa.Column("sr_customer_id", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("first_name", sa.String(length=200), nullable=True),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=100), nullable=True),
        sa.Column("record_hash", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_contacts")),
        sa.UniqueConstraint("sr_customer_id", name=op.f("uq_crm_contacts_sr_customer_id")),
        sa.UniqueConstraint("sr_customer_inner_id", name=op.f("uq_crm_contacts_sr_customer_inner_id")),
    )
    with op.batch_alter_table("crm_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_crm_contacts_email", ["email"], unique=False)

    op.create_table(
        "crm_coupons",
        sa.Column("sr_coupon_id", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("discount_type", sa.String(length=20), nullable=True),
        sa.Column("percent_discount", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("fixed_discount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("free_shipping", sa.Boolean(), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sr_coupon_id", name=op.f("pk_crm_coupons")),
    )
    op.create_table(
        "crm_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('orders', 'webshop')", name=op.f("ck_crm_modules_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_modules")),
        sa.UniqueConstraint("kind", name=op.f("uq_crm_modules_kind")),
    )
    op.create_table(
        "crm_order_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status_group", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "status_group IN ('Lead', 'Open', 'Success', 'Failed')",
            name=op.f("ck_crm_order_statuses_status_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_order_statuses")),
        sa.UniqueConstraint("name", name=op.f("uq_crm_order_statuses_name")),
    )
    op.create_table(
        "crm_shop_connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_url", sa.String(length=500), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_test_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_test_ok", sa.Boolean(), nullable=True),
        sa.Column("last_test_message", sa.Text(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_crm_shop_connection_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_shop_connection")),
    )
    op.create_table(
        "crm_sync_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_crm_sync_lease_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_sync_lease")),
    )
    op.create_table(
        "crm_sync_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=100), nullable=True),
        sa.Column("stream", sa.String(length=50), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("throttled", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "\"trigger\" IN ('manual', 'schedule', 'backfill', 'ui')", name=op.f("ck_crm_sync_log_trigger")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_sync_log")),
    )
    op.create_table(
        "crm_sync_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_sync_requests")),
    )
    with op.batch_alter_table("crm_sync_requests", schema=None) as batch_op:
        batch_op.create_index("ix_crm_sync_requests_pending", ["consumed_at"], unique=False)

    op.create_table(
        "crm_sync_state",
        sa.Column("stream", sa.String(length=50), nullable=False),
        sa.Column("partition_key", sa.String(length=50), nullable=False),
        sa.Column("synced_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkpoint", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stream", "partition_key", name=op.f("pk_crm_sync_state")),
    )
    op.create_table(
        "sr_order_statuses",
        sa.Column("sr_inner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sr_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("color", sa.String(length=20), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sr_inner_id", name=op.f("pk_sr_order_statuses")),
        sa.UniqueConstraint("sr_id", name=op.f("uq_sr_order_statuses_sr_id")),
    )
    op.create_table(
        "crm_status_mapping",
        sa.Column("sr_status_inner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("crm_order_status_id", sa.Integer(), nullable=True),
        sa.Column("mapped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crm_order_status_id"],
            ["crm_order_statuses.id"],
            name=op.f("fk_crm_status_mapping_crm_order_status_id_crm_order_statuses"),
        ),
        sa.PrimaryKeyConstraint("sr_status_inner_id", name=op.f("pk_crm_status_mapping")),
    )
    op.create_table(
        "crm_webshop_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("sr_customer_inner_id", sa.Integer(), nullable=True),
        sa.Column("is_registered", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("newsletter", sa.Boolean(), nullable=False),
        sa.Column("is_disabled", sa.Boolean(), nullable=False),
        sa.Column("customer_group", sa.String(length=200), nullable=True),
        sa.Column("segment", sa.String(length=20), nullable=True),
        sa.Column("customer_value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("successful_order_count", sa.Integer(), nullable=False),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["crm_contacts.id"], name=op.f("fk_crm_webshop_cards_contact_id_crm_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_webshop_cards")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_crm_webshop_cards_contact_id")),
    )
    op.create_table(
        "crm_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sr_order_inner_id", sa.Integer(), nullable=False),
        sa.Column("sr_order_id", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("webshop_card_id", sa.Integer(), nullable=False),
        sa.Column("sr_customer_id", sa.String(length=200), nullable=True),
        sa.Column("sr_status_id", sa.String(length=200), nullable=True),
        sa.Column("sr_status_inner_id", sa.Integer(), nullable=True),
        sa.Column("crm_order_status_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=10), nullable=True),
        sa.Column("payment_method", sa.String(length=200), nullable=True),
        sa.Column("payment_method_code", sa.String(length=100), nullable=True),
        sa.Column("shipping_method", sa.String(length=200), nullable=True),
        sa.Column("subtotal_net", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("shipping_total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("discount_total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("total_gross", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("is_storno", sa.Boolean(), nullable=False),
        sa.Column("record_hash", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["crm_contacts.id"], name=op.f("fk_crm_orders_contact_id_crm_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["crm_order_status_id"],
            ["crm_order_statuses.id"],
            name=op.f("fk_crm_orders_crm_order_status_id_crm_order_statuses"),
        ),
        sa.ForeignKeyConstraint(
            ["webshop_card_id"],
            ["crm_webshop_cards.id"],
            name=op.f("fk_crm_orders_webshop_card_id_crm_webshop_cards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_orders")),
        sa.UniqueConstraint("sr_order_inner_id", name=op.f("uq_crm_orders_sr_order_inner_id")),
    )
    with op.batch_alter_table("crm_orders", schema=None) as batch_op:
        batch_op.create_index("ix_crm_orders_contact_id", ["contact_id"], unique=False)
        batch_op.create_index("ix_crm_orders_sr_status_id", ["sr_status_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crm_orders_webshop_card_id"), ["webshop_card_id"], unique=False)

    op.create_table(
        "crm_order_coupons",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("sr_coupon_id", sa.String(length=200), nullable=True),
        sa.Column("discount_type", sa.String(length=20), nullable=True),
        sa.Column("discount_amount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["crm_orders.id"], name=op.f("fk_crm_order_coupons_order_id_crm_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "code", name=op.f("pk_crm_order_coupons")),
    )
    op.create_table(
        "crm_order_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_price_net", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("vat_rate", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("line_total_net", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("line_total_gross", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.CheckConstraint(
            "kind IN ('product', 'shipping', 'payment', 'coupon')", name=op.f("ck_crm_order_items_kind")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["crm_orders.id"], name=op.f("fk_crm_order_items_order_id_crm_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_order_items")),
        sa.UniqueConstraint("order_id", "line_key", name=op.f("uq_crm_order_items_order_id")),
    )
    _seed()


def _seed() -> None:
    """The Orders module before the Webshop module, the Orders statuses, the free sync lease."""
    now = datetime.now(UTC)
    modules = sa.table(
        "crm_modules",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", UtcDateTime),
    )
    op.bulk_insert(modules, [{"id": 1, "kind": "orders", "name": "Megrendelés", "created_at": now}])
    op.bulk_insert(modules, [{"id": 2, "kind": "webshop", "name": "Webshop", "created_at": now}])
    statuses = sa.table(
        "crm_order_statuses",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("status_group", sa.String),
    )
    op.bulk_insert(
        statuses,
        [
            {"id": 1, "name": "Draft", "status_group": "Lead"},
            {"id": 2, "name": "In progress", "status_group": "Open"},
            {"id": 3, "name": "Completed", "status_group": "Open"},
            {"id": 4, "name": "Successful", "status_group": "Success"},
            {"id": 5, "name": "Failed", "status_group": "Failed"},
        ],
    )
    op.bulk_insert(sa.table("crm_sync_lease", sa.column("id", sa.Integer)), [{"id": 1}])
    op.bulk_insert(sa.table("crm_shop_connection", sa.column("id", sa.Integer)), [{"id": 1}])


def downgrade() -> None:
    op.drop_table("crm_order_items")
    op.drop_table("crm_order_coupons")
    with op.batch_alter_table("crm_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_orders_webshop_card_id"))
        batch_op.drop_index("ix_crm_orders_sr_status_id")
        batch_op.drop_index("ix_crm_orders_contact_id")

    op.drop_table("crm_orders")
    op.drop_table("crm_webshop_cards")
    op.drop_table("crm_status_mapping")
    op.drop_table("sr_order_statuses")
    op.drop_table("crm_sync_state")
    with op.batch_alter_table("crm_sync_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_sync_requests_pending")

    op.drop_table("crm_sync_requests")
    op.drop_table("crm_sync_log")
    op.drop_table("crm_sync_lease")
    op.drop_table("crm_shop_connection")
    op.drop_table("crm_order_statuses")
    op.drop_table("crm_modules")
    op.drop_table("crm_coupons")
    with op.batch_alter_table("crm_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_contacts_email")

    op.drop_table("crm_contacts")
