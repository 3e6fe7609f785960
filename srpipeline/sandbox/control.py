"""Changes to the shop's data while it runs, as a shop admin or buyer would make them.

Every change stamps ``dateUpdated`` from the shop clock and holds the store lock, so a request in
flight sees the data either before or after it, never half-way. Also reachable over HTTP:
``POST /_admin/<method>`` with the keyword arguments as a JSON object.
"""

from __future__ import annotations

from datetime import datetime

from srpipeline.sandbox import catalog
from srpipeline.sandbox.model import Address, CustomerRow, OrderRow, StatusRow
from srpipeline.sandbox.store import ShopStore

_CUSTOMER_FIELDS = {
    "firstname",
    "lastname",
    "email",
    "telephone",
    "newsletter",
    "status",
    "approved",
    "group",
}


class ShopControl:
    def __init__(self, store: ShopStore) -> None:
        self._store = store

    @property
    def _now(self) -> int:
        return self._store.clock.timestamp()

    def _order(self, inner_id: int) -> OrderRow:
        return self._store.order(inner_id)

    def set_order_status(self, order_inner_id: int, status_inner_id: int) -> None:
        with self._store.lock:
            if status_inner_id not in self._store.statuses:
                raise ValueError(f"no order status {status_inner_id}")
            row = self._order(order_inner_id)
            row.status = status_inner_id
            row.updated = self._now
            self._store.order_changed(row)

    def storno_order(self, inner_id: int) -> None:
        """Delete an order in the admin: it becomes storno and stays in the lists."""
        with self._store.lock:
            row = self._order(inner_id)
            row.storno = True
            row.updated = self._now
            self._store.order_changed(row)

    def remove_order_line(self, order_inner_id: int) -> None:
        """Drop the order's last product line; its totals follow (they are computed from the lines)."""
        with self._store.lock:
            row = self._order(order_inner_id)
            if not row.lines:
                raise ValueError(f"order {order_inner_id} has no product line left")
            row.lines.pop()
            row.updated = self._now
            self._store.order_changed(row)

    def add_orders(
        self,
        n: int,
        *,
        customer_id: int | None = None,
        email: str | None = None,
        status_id: int | None = None,
        abandoned: bool = False,
        currency: str | None = None,
        coupon_code: str | None = None,
    ) -> list[int]:
        """``n`` new orders created now: by ``customer_id``, or by a guest (``email`` or a generated one).

        Status drawn from the usual mix unless ``status_id`` is given; never storno.
        """
        store = self._store
        with store.lock:
            customer = store.customer(customer_id) if customer_id is not None else None
            coupon = None
            if coupon_code is not None:
                coupon = next((c for c in store.coupons.values() if c.code == coupon_code), None)
                if coupon is None:
                    raise ValueError(f"no coupon {coupon_code}")
            cur = {c.code: c for c in catalog.CURRENCIES}[currency] if currency else None
            now = self._now
            rows = []
            for _ in range(n):
                row = store.generator.order(
                    now,
                    now,
                    customer=customer,
                    coupons=list(store.coupons.values()),
                    status=status_id,
                    abandoned=abandoned,
                    currency=cur,
                    coupon=coupon,
                    email=email,
                )
                row.storno = False
                rows.append(row)
            store.orders.extend(rows)
            return [r.inner_id for r in rows]

    def edit_customer(self, inner_id: int, **fields: object) -> None:
        """Change customer fields by their API names (firstname, lastname, email, telephone, ...)."""
        unknown = set(fields) - _CUSTOMER_FIELDS
        if unknown:
            raise ValueError(
                f"cannot edit customer fields {sorted(unknown)}; editable: {sorted(_CUSTOMER_FIELDS)}"
            )
        with self._store.lock:
            row = self._store.customer(inner_id)
            for name, value in fields.items():
                setattr(row, name, type(getattr(row, name))(value))
            row.updated = self._now
            self._store.customer_changed(row)

    def delete_customer(self, inner_id: int) -> None:
        """Hard delete: gone from lists, ``GET /customers/{id}`` answers 404."""
        with self._store.lock:
            self._store.customer(inner_id)
            self._store.customer_removed(inner_id)

    def delete_coupon(self, code_or_id: str | int) -> None:
        """Hard delete by code or inner id; orders that used it keep showing it."""
        with self._store.lock:
            coupons = self._store.coupons
            inner_id = next(
                (c.inner_id for c in coupons.values() if c.code == code_or_id or c.inner_id == code_or_id),
                None,
            )
            if inner_id is None:
                raise ValueError(f"no coupon {code_or_id}")
            del coupons[inner_id]

    def add_status(self, name_hu: str, name_en: str | None = None) -> int:
        with self._store.lock:
            statuses = self._store.statuses
            inner_id = max(statuses, default=0) + 1
            statuses[inner_id] = StatusRow(inner_id, {1: name_hu, 2: name_en or name_hu}, "#777777")
            return inner_id

    def rename_status(self, inner_id: int, name: str, language: str = "hu") -> None:
        """Rename a status in one language (default: Hungarian, the shop's default language)."""
        lang = {lang.code: lang.inner_id for lang in catalog.LANGUAGES}[language]
        with self._store.lock:
            if inner_id not in self._store.statuses:
                raise ValueError(f"no order status {inner_id}")
            self._store.statuses[inner_id].names[lang] = name

    def register_guest(self, email: str) -> int:
        """A guest who ordered with an e-mail only registers: a new customer with that e-mail.

        Their earlier orders stay guest orders (no customer link), as in the real shop.
        """
        store = self._store
        with store.lock:
            wanted = email.lower()
            if any(c.email.lower() == wanted for c in store.customers.live()):
                raise ValueError(f"a customer with e-mail {email} exists already")
            guest_orders = [o for o in store.orders.live() if o.customer == 0 and o.email.lower() == wanted]
            source = guest_orders[-1] if guest_orders else None
            now = self._now
            inner_id = store.generator.next_customer_id
            store.generator.next_customer_id += 1
            row = CustomerRow(
                inner_id=inner_id,
                firstname=source.firstname if source else "",
                lastname=source.lastname if source else "",
                email=email,
                telephone=source.phone if source else "",
                newsletter=0,
                status=1,
                approved=1,
                group=catalog.DEFAULT_CUSTOMER_GROUP,
                created=now,
                updated=now,
                password_hash="$2y$10$" + f"{inner_id:053d}",
                address=source.address if source else Address("", "", "", "", "", ""),
            )
            store.customers.extend([row])
            return inner_id

    def set_clock(self, dt: datetime | str) -> None:
        """Set the shop clock (an aware datetime, or its ISO text over HTTP); it stays there until moved."""
        self._store.clock.set(datetime.fromisoformat(dt) if isinstance(dt, str) else dt)
