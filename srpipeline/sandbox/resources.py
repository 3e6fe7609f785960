"""The API's resources: which filters each takes, what they mean, and how items are found and rendered.

Item bodies come from :meth:`ShopStore.item_bytes` (JSON with a base-URL placeholder); the server
puts the request's base URL in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from srpipeline.sandbox import catalog
from srpipeline.sandbox.errors import unknown_parameter
from srpipeline.sandbox.fields import customer_id, order_id
from srpipeline.sandbox.ids import decode_id
from srpipeline.sandbox.index import Condition
from srpipeline.sandbox.query import PAGING_PARAMS, local_datetime, local_day, whole_number
from srpipeline.sandbox.render import Renderer
from srpipeline.sandbox.store import ShopStore

NOTHING = Condition("inner_id", "==", -1)
_ID_RENDERER = Renderer("", ZoneInfo("UTC"))  # only to learn a small item's opaque id


@dataclass(frozen=True, slots=True)
class Selection:
    """The rows a list request matches, in ascending id; only a page of them is ever rendered."""

    count: int
    _rows: Callable[[int, int], list[Any]]

    def rows(self, start: int, stop: int) -> list[Any]:
        return self._rows(start, min(stop, self.count))


class Resource(ABC):
    name: str
    filters: frozenset[str]
    ints_in_envelope = False  # /orderExtend pages send page/limit/pageCount as numbers, the rest as strings

    def check_params(self, params: dict[str, str]) -> None:
        for key in params:
            if key not in PAGING_PARAMS and key not in self.filters:
                raise unknown_parameter(key)

    @abstractmethod
    def select(self, store: ShopStore, params: dict[str, str]) -> Selection: ...

    @abstractmethod
    def item(self, store: ShopStore, row: Any) -> bytes: ...

    @abstractmethod
    def opaque_id(self, row: Any) -> str: ...

    @abstractmethod
    def find(self, store: ShopStore, opaque: str) -> Any | None: ...


def _inner_id_of(opaque: str, kind: str) -> int | None:
    decoded = decode_id(opaque)
    if decoded is None or decoded[0] != kind or len(decoded[1]) != 1:
        return None
    return next(iter(decoded[1].values()))


def _time_conditions(params: dict[str, str], store: ShopStore) -> list[Condition]:
    out = []
    for prefix, column in (("createdAt", "created"), ("updatedAt", "updated")):
        if prefix + "Min" in params:
            out.append(Condition(column, ">=", local_datetime(params[prefix + "Min"], store.tz)))
        if prefix + "Max" in params:
            out.append(Condition(column, "<=", local_datetime(params[prefix + "Max"], store.tz)))
        if prefix in params:
            first, last = local_day(params[prefix], store.tz)
            out += [Condition(column, ">=", first), Condition(column, "<=", last)]
    return out


def _inner_id_condition(value: str, op: str = "==") -> Condition:
    number = whole_number(value)
    return NOTHING if number is None else Condition("inner_id", op, number)


class _Indexed(Resource):
    """Orders and customers: numpy-filtered, many rows."""

    kind: str

    def conditions(self, store: ShopStore, params: dict[str, str]) -> list[Condition]:
        conds = _time_conditions(params, store)
        if "innerId" in params:
            conds.append(_inner_id_condition(params["innerId"]))
        if "email" in params:
            conds.append(Condition("email", "==", params["email"].lower()))
        return conds

    def table(self, store: ShopStore) -> Any:
        return store.orders if self.kind == "order" else store.customers

    def select(self, store: ShopStore, params: dict[str, str]) -> Selection:
        table = self.table(store)
        positions = table.select(self.conditions(store, params))
        rows = table.rows
        return Selection(len(positions), lambda a, b: [rows[p] for p in positions[a:b]])

    def item(self, store: ShopStore, row: Any) -> bytes:
        return store.item_bytes(self.name, row)

    def find(self, store: ShopStore, opaque: str) -> Any | None:
        inner_id = _inner_id_of(opaque, self.kind)
        return None if inner_id is None else self.table(store).get(inner_id)


class Orders(_Indexed):
    kind = "order"
    filters = frozenset(
        {
            "updatedAtMin", "updatedAtMax", "createdAtMin", "createdAtMax", "createdAt", "updatedAt",
            "innerId", "innerIdMin", "orderStatusId", "email", "excludeAbandonedCart", "excludeStorno",
            "shippingModeInnerId", "externalInfo",
        }
    )  # fmt: skip

    def __init__(self, name: str) -> None:
        self.name = name
        self.ints_in_envelope = name == "orderExtend"

    def opaque_id(self, row: Any) -> str:
        return order_id(row.inner_id)

    def conditions(self, store: ShopStore, params: dict[str, str]) -> list[Condition]:
        conds = super().conditions(store, params)
        if "innerIdMin" in params:
            conds.append(_inner_id_condition(params["innerIdMin"], ">="))
        if "orderStatusId" in params:
            status = _inner_id_of(params["orderStatusId"], "orderStatus")
            conds.append(Condition("status", "==", status) if status else NOTHING)
        if params.get("excludeAbandonedCart") == "1":
            conds.append(Condition("status", "!=", 0))
        if params.get("excludeStorno") == "1":
            conds.append(Condition("storno", "==", False))
        if "shippingModeInnerId" in params:
            mode = whole_number(params["shippingModeInnerId"])
            conds.append(NOTHING if mode is None else Condition("shipping_mode", "==", mode))
        if params.get("externalInfo"):
            conds.append(NOTHING)  # no sandbox order comes from a marketplace
        return conds


class Customers(_Indexed):
    kind = "customer"
    filters = frozenset({"updatedAtMin", "updatedAtMax", "createdAtMin", "createdAtMax", "innerId", "email"})

    def __init__(self, name: str) -> None:
        self.name = name

    def opaque_id(self, row: Any) -> str:
        return customer_id(row.inner_id)


Match = Callable[[Any, str], bool]


class _Small(Resource):
    """A short list filtered in Python: statuses, descriptions, coupons, languages, settings, ..."""

    def __init__(
        self,
        name: str,
        rows: Callable[[ShopStore], list[Any]],
        render: Callable[[Any, Any], dict[str, Any]],
        matchers: dict[str, Match] | None = None,
    ) -> None:
        self.name = name
        self._rows = rows
        self._render = render
        self._matchers = matchers or {}
        self.filters = frozenset(self._matchers)

    def select(self, store: ShopStore, params: dict[str, str]) -> Selection:
        rows = [
            r
            for r in self._rows(store)
            if all(match(r, params[key]) for key, match in self._matchers.items() if key in params)
        ]
        return Selection(len(rows), lambda a, b: rows[a:b])

    def item(self, store: ShopStore, row: Any) -> bytes:
        return store.dump(self._render(store.renderer_with_placeholder, row))

    def opaque_id(self, row: Any) -> str:
        return self._render(_ID_RENDERER, row)["id"]

    def find(self, store: ShopStore, opaque: str) -> Any | None:
        return next((r for r in self._rows(store) if self.opaque_id(r) == opaque), None)


def _same_id(kind: str, key: str) -> Callable[[int, str], bool]:
    """Compares an inner id with an opaque id filter value (``orderStatusId=...``)."""

    def match(inner_id: int, opaque: str) -> bool:
        decoded = decode_id(opaque)
        return decoded is not None and decoded[0] == kind and decoded[1].get(key) == inner_id

    return match


_status_is = _same_id("orderStatus", "order_status_id")
_language_is = _same_id("language", "language_id")
_coupon_is = _same_id("coupon", "coupon_id")


def _descriptions(rows: Callable[[ShopStore], Sequence[Any]]) -> Callable[[ShopStore], list[Any]]:
    return lambda store: [(row, lang.inner_id) for row in rows(store) for lang in catalog.LANGUAGES]


def build_resources() -> dict[str, Resource]:
    small = [
        _Small("orderStatuses", lambda s: list(s.statuses.values()), lambda r, row: r.status(row)),
        _Small(
            "orderStatusDescriptions",
            _descriptions(lambda s: list(s.statuses.values())),
            lambda r, row: r.status_description(*row),
            {
                "orderStatusId": lambda row, v: _status_is(row[0].inner_id, v),
                "languageId": lambda row, v: _language_is(row[1], v),
            },
        ),
        _Small(
            "coupons",
            lambda s: list(s.coupons.values()),
            lambda r, row: r.coupon(row),
            {"code": lambda row, v: row.code == v},
        ),
        _Small(
            "couponDescriptions",
            _descriptions(lambda s: list(s.coupons.values())),
            lambda r, row: r.coupon_description(*row),
            {
                "couponId": lambda row, v: _coupon_is(row[0].inner_id, v),
                "languageId": lambda row, v: _language_is(row[1], v),
                "code": lambda row, v: row[0].code == v,
            },
        ),
        _Small(
            "customerGroups",
            lambda s: list(catalog.CUSTOMER_GROUPS),
            lambda r, row: r.customer_group(row),
            {"name": lambda row, v: row[1] == v},
        ),
        _Small(
            "languages",
            lambda s: list(catalog.LANGUAGES),
            lambda r, row: r.language(row),
            {
                "innerId": lambda row, v: str(row.inner_id) == v,
                "name": lambda row, v: row.name == v,
                "code": lambda row, v: row.code == v,
            },
        ),
        _Small(
            "currencies",
            lambda s: list(catalog.CURRENCIES),
            lambda r, row: r.currency(row),
            {"code": lambda row, v: row.code == v},
        ),
        _Small(
            "settings",
            lambda s: list(s.settings),
            lambda r, row: r.setting(row),
            {"group": lambda row, v: row[1] == v, "key": lambda row, v: row[2] == v},
        ),
    ]
    indexed: list[Resource] = [
        Orders("orders"),
        Orders("orderExtend"),
        Customers("customers"),
        Customers("customerExtend"),
    ]
    return {r.name: r for r in [*indexed, *small]}
