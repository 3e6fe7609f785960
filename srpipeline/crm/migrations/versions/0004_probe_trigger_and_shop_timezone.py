"""the change probe's trigger, and the shop's time zone kept in the CRM

``crm_sync_log.trigger`` may also be ``probe``: a sync the change probe launched. The shop's
``config_timezone`` is kept in ``crm_shop_connection.shop_timezone`` with each read of its statuses,
so the probe and its syncs do not ask the shop for it every minute.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_crm_sync_log_trigger"


def _allow(triggers: tuple[str, ...]) -> None:
    allowed = ", ".join(f"'{trigger}'" for trigger in triggers)
    with op.batch_alter_table("crm_sync_log") as batch:
        batch.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch.create_check_constraint(op.f(CONSTRAINT), sa.text(f'"trigger" IN ({allowed})'))


def upgrade() -> None:
    _allow(("manual", "schedule", "backfill", "ui", "probe"))
    op.add_column("crm_shop_connection", sa.Column("shop_timezone", sa.String(length=64)))


def downgrade() -> None:
    with op.batch_alter_table("crm_shop_connection") as batch:
        batch.drop_column("shop_timezone")
    # An older version knows no probe; its syncs were automatic, and the nearest older trigger is schedule.
    op.execute(sa.text("UPDATE crm_sync_log SET \"trigger\" = 'schedule' WHERE \"trigger\" = 'probe'"))
    _allow(("manual", "schedule", "backfill", "ui"))
