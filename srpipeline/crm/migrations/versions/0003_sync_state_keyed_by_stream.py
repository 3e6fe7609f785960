"""sync state keyed by stream alone

``crm_sync_state.partition_key`` was always ``""``: state is kept per stream, never per Dagster
partition. The column goes and the primary key becomes ``stream``. Rows with another partition key
were never read, so they are dropped first (they could only collide on the new key).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PRIMARY_KEY = "pk_crm_sync_state"


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM crm_sync_state WHERE partition_key <> ''"))
    with op.batch_alter_table("crm_sync_state") as batch:
        batch.drop_constraint(PRIMARY_KEY, type_="primary")
        batch.drop_column("partition_key")
        batch.create_primary_key(PRIMARY_KEY, ["stream"])


def downgrade() -> None:
    with op.batch_alter_table("crm_sync_state") as batch:
        batch.add_column(sa.Column("partition_key", sa.String(length=50), nullable=False, server_default=""))
        batch.drop_constraint(PRIMARY_KEY, type_="primary")
        batch.create_primary_key(PRIMARY_KEY, ["stream", "partition_key"])
    with op.batch_alter_table("crm_sync_state") as batch:
        batch.alter_column("partition_key", server_default=None, existing_type=sa.String(length=50))
