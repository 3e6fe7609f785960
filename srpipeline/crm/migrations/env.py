"""Alembic environment: always run on the connection ``srpipeline.crm.engine.upgrade`` hands in."""

from alembic import context

from srpipeline.crm.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
