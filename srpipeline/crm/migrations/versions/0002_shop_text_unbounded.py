"""shop text columns unbounded

A shop's names, e-mails, comments and codes have no documented length limit, and strings are
stored verbatim: a bounded VARCHAR would refuse (or, through an array cast, cut) a long one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: table -> {column: its old VARCHAR length}
SHOP_TEXT = {
    "sr_order_statuses": {"sr_id": 200, "name": 200, "color": 20},
    "crm_contacts": {"sr_customer_id": 200, "email": 320, "first_name": 200, "last_name": 200, "phone": 100},
    "crm_webshop_cards": {"customer_group": 200},
    "crm_orders": {
        "sr_order_id": 200,
        "number": 100,
        "sr_customer_id": 200,
        "sr_status_id": 200,
        "currency": 10,
        "payment_method": 200,
        "payment_method_code": 100,
        "shipping_method": 200,
    },
    "crm_order_items": {"line_key": 200, "sku": 200, "name": 500},
    "crm_order_coupons": {"code": 200, "sr_coupon_id": 200, "discount_type": 20},
    "crm_coupons": {"sr_coupon_id": 200, "code": 200, "name": 500, "discount_type": 20},
}


def upgrade() -> None:
    for table, columns in SHOP_TEXT.items():
        with op.batch_alter_table(table) as batch:
            for column, length in columns.items():
                batch.alter_column(column, type_=sa.Text(), existing_type=sa.String(length))


def downgrade() -> None:
    for table, columns in SHOP_TEXT.items():
        with op.batch_alter_table(table) as batch:
            for column, length in columns.items():
                batch.alter_column(column, type_=sa.String(length), existing_type=sa.Text())
