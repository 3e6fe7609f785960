"""Each asset check passes on a faithful sync and fails, naming the row, when a CRM row is corrupted.

One sync per test: the corruptions touch different orders, and each check's sample must name the
order corrupted for it (and not the one only rounded), by id: never by an e-mail or a name.
"""

from decimal import Decimal

from dagster import AssetSelection
from sqlalchemy import insert, select, update

from srpipeline.crm.schema import (
    crm_contacts,
    crm_order_items,
    crm_orders,
    crm_status_mapping,
    sr_order_statuses,
)
from srpipeline.defs.checks import ASSET_CHECKS

from .conftest import materialize_all


def evaluations(result) -> dict[str, object]:
    return {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}


def run_checks(pipeline, instance) -> dict[str, object]:
    """Every check alone (no sync), on the CRM as it is now."""
    result = materialize_all(pipeline, instance, selection=AssetSelection.checks(*ASSET_CHECKS))
    assert result.success
    return evaluations(result)


def sampled(evaluation) -> str:
    return "\n".join(evaluation.metadata["Sample ids"].value)


def test_checks_pass_on_a_faithful_sync_and_fail_on_corrupted_rows(pipeline, instance) -> None:
    first = materialize_all(pipeline, instance)
    assert first.success
    assert {
        name: e.passed for name, e in evaluations(first).items() if name != "every_active_status_is_mapped"
    } == {
        "no_order_without_items": True,
        "order_totals_add_up": True,
        "every_order_has_its_contact": True,
        "no_duplicate_natural_keys": True,
    }

    engine = pipeline.engine
    with engine.connect() as conn:
        orders = conn.execute(
            select(crm_orders.c.id, crm_orders.c.sr_order_inner_id)
            .where(crm_orders.c.total_gross > 0)
            .order_by(crm_orders.c.id)
            .limit(4)
        ).all()
        guest = conn.execute(
            select(crm_contacts).where(
                crm_contacts.c.source == "shoprenter", crm_contacts.c.sr_customer_inner_id.is_(None)
            )
        ).first()
    assert guest is not None, "the sandbox shop should have guest orders"
    no_items, bad_total, rounded, no_contact = orders
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # to leave an order pointing at no contact
        conn.execute(crm_order_items.delete().where(crm_order_items.c.order_id == no_items.id))
        conn.execute(
            update(crm_orders).where(crm_orders.c.id == no_items.id).values(total_gross=Decimal(100))
        )
        conn.execute(
            update(crm_orders)
            .where(crm_orders.c.id == bad_total.id)
            .values(total_gross=crm_orders.c.total_gross + 7)
        )
        conn.execute(
            update(crm_orders)
            .where(crm_orders.c.id == rounded.id)
            .values(total_gross=crm_orders.c.total_gross + Decimal("0.4"))
        )
        conn.execute(update(crm_orders).where(crm_orders.c.id == no_contact.id).values(contact_id=999_999))
        duplicate = {
            key: value for key, value in guest._mapping.items() if key not in {"id", "sr_customer_id"}
        }
        conn.execute(insert(crm_contacts).values(**{**duplicate, "email": guest.email.upper()}))
        conn.execute(update(crm_status_mapping).values(crm_order_status_id=None))
        conn.commit()

    checks = run_checks(pipeline, instance)
    assert not any(check.passed for check in checks.values())

    assert str(no_items.sr_order_inner_id) in sampled(checks["no_order_without_items"])
    totals = sampled(checks["order_totals_add_up"])
    assert str(bad_total.sr_order_inner_id) in totals.split()
    assert str(rounded.sr_order_inner_id) not in totals.split()  # 0.4 is within rounding
    assert sampled(checks["every_order_has_its_contact"]).split() == [
        str(no_contact.sr_order_inner_id),
        "999999",
    ]
    assert sampled(checks["no_duplicate_natural_keys"]) == f"guest e-mail of contact {guest.id}"

    unmapped = checks["every_active_status_is_mapped"]
    assert unmapped.severity.value == "WARN"  # unmapped statuses never block orders: a warning
    with engine.connect() as conn:
        completed = conn.execute(
            select(sr_order_statuses.c.sr_inner_id).where(sr_order_statuses.c.name == "Teljesítve")
        ).scalar_one()
    assert str(completed) in sampled(unmapped).split()
    samples = "\n".join(sampled(check) for check in checks.values()).lower()
    assert guest.email.lower() not in samples and "teljesítve" not in samples


def test_the_mapping_check_names_the_statuses_the_file_and_the_next_step(pipeline, instance) -> None:
    first = evaluations(materialize_all(pipeline, instance))["every_active_status_is_mapped"]
    path = pipeline.settings.status_mapping_path
    lines = path.read_text(encoding="utf-8").splitlines()
    suggested = [line for line in lines if "(suggested from the name: confirm)" in line]
    assert suggested and not first.passed and first.severity.value == "WARN"
    assert f"in {path}" in first.description and "press Sync" in first.description
    assert f"{len(suggested)} suggested mapping{'s are' if len(suggested) > 1 else ' is'} not confirmed" in (
        first.description
    )
    assert '"Teljesítve" → Successful' in first.description

    # Confirm every suggestion and map what had none: the check passes.
    fixed = [
        line.replace(" (suggested from the name: confirm)", "").replace(": null", ": Draft") for line in lines
    ]
    path.write_text("\n".join(fixed) + "\n", encoding="utf-8")
    assert materialize_all(pipeline, instance).success
    after = run_checks(pipeline, instance)["every_active_status_is_mapped"]
    assert after.passed and after.description == "Every active shop status is mapped and confirmed."


def test_one_and_many_read_right() -> None:
    from srpipeline.defs.checks import counted

    assert counted(1, "order has", "orders have") == "1 order has"
    assert counted(3, "order has", "orders have") == "3 orders have"
