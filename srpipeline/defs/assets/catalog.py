"""How a CRM table shows in Dagster's catalog: its name and its columns (``dagster/column_schema``,
with each column's ``doc``), read from the SQLAlchemy table itself, so the catalog cannot drift from
the schema."""

from dagster import TableColumn, TableColumnConstraints, TableSchema
from sqlalchemy import Table


def table_metadata(table: Table, *also: Table) -> dict[str, object]:
    """Definition metadata of an asset stored in ``table``, and in the tables ``also`` (an order's
    items, say), whose columns show under their own names, since an asset has one column schema."""
    return {
        "dagster/table_name": table.name,
        "dagster/column_schema": _schema(table),
        **{f"Columns of {other.name}": _schema(other) for other in also},
    }


def _schema(table: Table) -> TableSchema:
    return TableSchema(
        columns=[
            TableColumn(
                name=column.name,
                type=str(column.type),
                description=column.doc,
                constraints=TableColumnConstraints(
                    nullable=bool(column.nullable), unique=bool(column.primary_key or column.unique)
                ),
            )
            for column in table.columns
        ]
    )
