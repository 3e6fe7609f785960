"""The CRM store (crm-model.md): schema, migrations, loaders, guards. No Dagster, no HTTP.

Open and upgrade::

    engine = open_crm(url)                      # engine.open_crm; sqlite_url(path) for the default file
    upgrade(engine_or_url)                      # engine.upgrade (Alembic, idempotent)

Load a page in the caller's transaction, together with its checkpoint::

    with engine.begin() as conn:
        bind_shop(conn, shop_url, now=now)                      # guard; ShopMismatchError
        loaded = load_orders(conn, orders, now=now)             # [(order, 'inserted' | 'updated' | ...)]
        save_sync_state(conn, "orders", synced_until=None, checkpoint={...}, now=now)

- ``order_tables``: ``load_orders``, ``mark_storno(conn, inner_ids, is_storno=True)``
- ``customer_tables``: ``load_customers``, ``mark_customers_deleted(conn, inner_ids, now=)``,
  ``has_shop_customers(conn)``, ``live_customer_ids(conn)``
- ``status_coupon_tables``: ``load_statuses``, ``load_coupons`` (whole lists; vanished rows are marked)
- ``mapping``: ``read_mapping(path)``, ``add_new_statuses(path, statuses)``, ``load_mapping(conn, mapping,
  now=)``, ``remap_orders(conn)``, ``unmapped_statuses(conn)``, ``mapping_counts(conn)``
- ``segments``: ``refresh_segments(conn, as_of=, card_ids=None)`` (cards changed / unchanged)
- ``guard``: ``bind_shop``, ``bound_shop``, ``record_connection_test``, ``disconnect(engine)``
- ``state``: ``get_sync_state`` / ``save_sync_state``, ``request_sync`` / ``pending_sync_requests`` /
  ``consume_sync_requests`` / ``request_run_id``, ``start_sync_log`` / ``finish_sync_log``
- ``sync_status``: ``stream_statuses(engine, now=)``, what `srpipeline status` prints
- ``lease``: ``acquire(engine, owner, ttl, clock=) -> Lease`` (``heartbeat``, ``release``, context
  manager); ``LeaseHeldError`` names the holder; ``lease_holder(engine)``, ``lease_owner(conn)``
- ``quality``: the asset checks' queries, each ``(conn) -> Finding(count, sample of ids)``
- ``maintenance``: ``analyze_if_grown(conn)``, ``table_counts(conn)``

Every ``now`` / ``as_of`` is an aware datetime passed in by the caller. Order and customer loads
return ``upsert.Loaded`` (each record with its ``Outcome``, so a sync can count them per day;
``LoadCounts.of`` totals them); the whole-list loads return ``LoadCounts``.
"""
