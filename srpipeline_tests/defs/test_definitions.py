import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetKey, BackfillPolicy, EnvVar

from srpipeline.crm.schema import metadata as crm_metadata
from srpipeline.defs.definitions import build_definitions
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.settings import read_settings

defs = build_definitions(read_settings({}))
metadata_tables = crm_metadata.tables

ROOT = Path(__file__).resolve().parents[2]
SHOP_ASSETS = {"order_statuses", "status_mapping", "customers", "orders", "coupons"}


@pytest.mark.parametrize(
    "command",
    [
        ["dagster", "definitions", "validate", "-m", "srpipeline.defs.definitions"],
        ["dg", "check", "defs"],  # through [tool.dg] in pyproject.toml
    ],
)
def test_definitions_load_as_the_dagster_tools_load_them(command: list[str]) -> None:
    completed = subprocess.run(
        [str(Path(sys.executable).parent / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Validation successful" in output or "All definitions loaded successfully" in output


def test_lineage_reads_statuses_customers_coupons_to_orders_to_segments() -> None:
    graph = defs.resolve_asset_graph()
    parents = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert parents["orders"] == {"order_statuses", "status_mapping", "customers", "coupons"}
    assert parents["webshop_segments"] == {"orders", "customers"}
    assert parents["status_mapping"] == {"order_statuses"}


def test_groups_pools_partitions_and_backfill_policy() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        name = key.to_user_string()
        assert node.group_name == ("crm" if name == "webshop_segments" else "shoprenter")
        assert node.pools == ({"shoprenter_api"} if name in SHOP_ASSETS else set()), name
        partitioned = name in {"customers", "orders"}
        assert (node.partitions_def is not None) == partitioned, name
        if partitioned:
            assert node.backfill_policy == BackfillPolicy.single_run()


def test_every_asset_shows_its_crm_table_and_columns_in_the_catalog() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        metadata = graph.get(key).metadata
        table = metadata["dagster/table_name"]
        columns = {column.name: column for column in metadata["dagster/column_schema"].columns}
        assert list(columns) == [column.name for column in metadata_tables[table].columns], table
    orders = graph.get(AssetKey("orders")).metadata["dagster/column_schema"].columns
    by_name = {column.name: column for column in orders}
    assert by_name["id"].type == "INTEGER" and by_name["id"].constraints.unique
    assert by_name["synced_at"].constraints.nullable is False
    assert "partition" in by_name["updated_at"].description  # the column's doc, for the catalog
    # An asset has one column schema; the other tables it writes show under their own names.
    items = graph.get(AssetKey("orders")).metadata["Columns of crm_order_items"].columns
    assert [column.name for column in items] == [
        column.name for column in metadata_tables["crm_order_items"].columns
    ]
    assert "Columns of crm_webshop_cards" in graph.get(AssetKey("customers")).metadata


def test_every_check_of_the_design_is_defined() -> None:
    checks = {key.name: key.asset_key for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {
        "every_active_status_is_mapped": AssetKey("status_mapping"),
        "no_order_without_items": AssetKey("orders"),
        "order_totals_add_up": AssetKey("orders"),
        "every_order_has_its_contact": AssetKey("orders"),
        "no_duplicate_natural_keys": AssetKey("orders"),
    }


def test_secrets_are_environment_variables_never_values_in_config() -> None:
    environ = {
        "SHOPRENTER_API_URL": "https://demo.api.myshoprenter.hu",
        "SHOPRENTER_USERNAME": "demo",
        "SHOPRENTER_PASSWORD": "s3cret-password",
        "SHOPRENTER_RATE": "2.5",
        "CRM_DATABASE_URL": "postgresql+psycopg://crm:db-password@db/crm",
    }
    settings = read_settings(environ)
    shop = ShoprenterResource.from_settings(settings)
    crm = CrmDatabaseResource.from_settings(settings)
    assert shop.password == EnvVar("SHOPRENTER_PASSWORD")
    assert shop.rate == 2.5
    assert crm.database_url == EnvVar("CRM_DATABASE_URL")
    shown = repr(shop) + repr(crm) + str(shop._get_non_default_public_field_values())
    assert "s3cret-password" not in shown and "db-password" not in shown


def test_a_resolved_resource_never_shows_the_secret() -> None:
    resource = ShoprenterResource(api_url="https://demo.api.myshoprenter.hu", username="u", password="pw-123")
    assert "pw-123" not in repr(resource) and "pw-123" not in str(resource)
    with resource.client() as client:
        assert client.config.password is not None and client.config.password.get_secret_value() == "pw-123"


def test_without_crm_url_the_crm_is_sqlite_under_the_dagster_home(tmp_path: Path) -> None:
    crm = CrmDatabaseResource.from_settings(read_settings({"DAGSTER_HOME": str(tmp_path)}))
    assert crm.database_url == f"sqlite:///{tmp_path / 'crm.sqlite'}"
