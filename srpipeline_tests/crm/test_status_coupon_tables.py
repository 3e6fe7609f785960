from datetime import timedelta

from sqlalchemy import Engine, select

from srpipeline.crm.schema import crm_coupons, sr_order_statuses
from srpipeline.crm.status_coupon_tables import load_coupons, load_statuses
from srpipeline.crm.upsert import LoadCounts
from srpipeline_tests.crm.factories import T0, coupon, status

NOW = T0 + timedelta(days=1)
LATER = NOW + timedelta(days=1)


def test_statuses_snapshot_marks_vanished_inactive_and_revives_them(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        assert load_statuses(conn, [status(1, "Új"), status(2, "Törölt")], now=NOW) == LoadCounts(inserted=2)
        assert load_statuses(conn, [status(1, "Új"), status(2, "Törölt")], now=NOW) == LoadCounts(unchanged=2)
        assert load_statuses(conn, [status(1, "Új!")], now=LATER) == LoadCounts(updated=2)
        rows = conn.execute(
            select(sr_order_statuses.c.sr_inner_id, sr_order_statuses.c.name, sr_order_statuses.c.is_active)
        )
        assert sorted(rows) == [(1, "Új!", True), (2, "Törölt", False)]
        assert load_statuses(conn, [status(1, "Új!"), status(2, "Törölt")], now=LATER) == LoadCounts(
            updated=1, unchanged=1
        )
        assert conn.execute(select(sr_order_statuses.c.is_active)).scalars().all() == [True, True]


def test_coupons_snapshot_marks_vanished_deleted_and_ignores_older_copies(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        assert load_coupons(conn, [coupon("c1"), coupon("c2", code="B")], now=NOW) == LoadCounts(inserted=2)
        newer = coupon("c1", code="NEW", updated=T0 + timedelta(hours=1))
        assert load_coupons(conn, [newer], now=LATER) == LoadCounts(updated=2)
        older = coupon("c1", code="OLD", updated=T0)
        assert load_coupons(conn, [older], now=LATER) == LoadCounts(unchanged=1)
        rows = conn.execute(select(crm_coupons.c.sr_coupon_id, crm_coupons.c.code, crm_coupons.c.deleted_at))
        assert sorted(rows) == [("c1", "NEW", None), ("c2", "B", LATER)]
