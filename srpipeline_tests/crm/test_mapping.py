from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select

from srpipeline.crm.mapping import (
    MappingFileError,
    UnknownCrmStatusError,
    add_new_statuses,
    load_mapping,
    read_mapping,
    remap_orders,
    suggest_status,
    unmapped_statuses,
)
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.schema import crm_order_statuses, crm_orders, crm_status_mapping
from srpipeline.crm.status_coupon_tables import load_statuses
from srpipeline_tests.crm.factories import T0, order, order_status_links, status


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("Teljesítve", "Successful"),
        ("Completed", "Successful"),
        ("Törölt", "Failed"),
        ("Cancelled", "Failed"),
        ("Visszavonva", "Failed"),
        ("Függőben", "Draft"),
        ("Pending", "Draft"),
        ("Feldolgozás alatt", "In progress"),
        ("Processing", "In progress"),
        ("Szállítás alatt", "Completed"),
        ("Shipped", "Completed"),
        ("Egyedi státusz", None),
        (None, None),
    ],
)
def test_suggestions_from_the_shop_name(name: str | None, suggestion: str | None) -> None:
    assert suggest_status(name) == suggestion


def test_new_statuses_are_appended_with_suggestions_and_edits_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "status_mapping.yaml"
    assert add_new_statuses(path, [status(2, "Teljesítve"), status(1, "Egyedi")]) == [
        status(1, "Egyedi"),
        status(2, "Teljesítve"),
    ]
    assert read_mapping(path) == {1: None, 2: "Successful"}
    assert "# Teljesítve" in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("1: null", "1: Failed"), encoding="utf-8")
    assert add_new_statuses(
        path, [status(1, "Egyedi"), status(2, "Teljesítve"), status(3, "Szállítás alatt")]
    ) == [status(3, "Szállítás alatt")]
    assert read_mapping(path) == {1: "Failed", 2: "Successful", 3: "Completed"}


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "status_mapping.yaml"
    path.write_text(yaml.safe_dump({"teljesitve": "Successful"}), encoding="utf-8")
    with pytest.raises(MappingFileError, match="teljesitve"):
        read_mapping(path)


def test_an_unknown_crm_status_is_refused_before_anything_changes(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn, pytest.raises(UnknownCrmStatusError, match=r"'Done'.*Successful"):
        load_mapping(conn, {1: "Successful", 2: "Done"}, now=T0)
    with crm_engine.connect() as conn:
        assert conn.execute(select(crm_status_mapping)).all() == []


def test_a_mapping_change_remaps_stored_orders_in_sql(crm_engine: Engine) -> None:
    crm_ids = {}
    with crm_engine.begin() as conn:
        crm_ids = dict(conn.execute(select(crm_order_statuses.c.name, crm_order_statuses.c.id)).all())
        load_orders(
            conn, [order(1, status="status-1"), order(2, status="status-2")], now=T0
        )  # before statuses
        load_statuses(conn, [status(1, "Teljesítve"), status(2, "Törölt")], now=T0)
        assert load_mapping(conn, {1: "Successful", 2: None}, now=T0) == 2
        assert remap_orders(conn) == 2
        assert unmapped_statuses(conn) == [(2, "Törölt")]
        assert load_mapping(conn, {1: "Completed", 2: "Failed"}, now=T0 + timedelta(hours=1)) == 2
        assert remap_orders(conn) == 2
        assert remap_orders(conn) == 0
        assert unmapped_statuses(conn) == []
        assert order_status_links(conn) == [(1, 1, crm_ids["Completed"]), (2, 2, crm_ids["Failed"])]
        assert load_mapping(conn, {1: "Completed"}, now=T0) == 1  # a status left out is unmapped again
        remap_orders(conn)
        rows = conn.execute(select(crm_orders.c.sr_order_inner_id, crm_orders.c.crm_order_status_id)).all()
        assert sorted(rows) == [(1, crm_ids["Completed"]), (2, None)]
