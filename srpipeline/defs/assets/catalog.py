"""How a CRM table shows in Dagster's catalog: its name and its columns (``dagster/column_schema``),
read from the SQLAlchemy table itself, so the catalog cannot drift from the schema."""

from dagster import TableColumn, TableColumnConstraints, TableSchema
from sqlalchemy import Table


def table_metadata(table: Table) -> dict[str, object]:
    """Definition metadata of an asset stored in ``table``."""
    columns = [
        TableColumn(
            name=column.name,
            type=str(column.type),
            constraints=TableColumnConstraints(
                nullable=bool(column.nullable), unique=bool(column.primary_key or column.unique)
            ),
        )
        for column in table.columns
    ]
    return {"dagster/table_name": table.name, "dagster/column_schema": TableSchema(columns=columns)}
