"""Raw shop dicts -> typed records (records.py). Pure functions: no HTTP, no clock.

Kept whole (~390 lines): the field rules and the record parsers that apply them are one rule set.

Rules applied once, here:
- ``""``, ``null``, ``{}`` and zero dates (``0000-00-00``, ``0000-00-00 00:00:00``,
  ``-0001-11-30T00:00:00``) are None; money and rates are ``Decimal`` (never float).
- Times carry no zone: they are the shop's local time. They become aware UTC datetimes. In the
  repeated October hour a local time is ambiguous; it resolves with ``fold=0``, i.e. to the FIRST
  occurrence (still summer time). A local time inside the spring gap also uses ``fold=0`` (the
  offset before the jump). Deterministic either way; the sync's window overlap covers the hour.
- Links keep the shop's opaque id (``id`` of an embedded object, else the last path segment of
  ``href``); ids are never built.
- Strings are kept as sent (no stripping, no case change); unknown fields are ignored; a customer's
  ``password`` is never read.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import unquote

from srpipeline.shoprenter.records import (
    BadRecord,
    Coupon,
    CouponDescription,
    Customer,
    Language,
    Order,
    OrderCoupon,
    OrderLine,
    OrderStatus,
    OrderStatusDescription,
    OrderTotal,
    Parsed,
)

T = TypeVar("T")
Raw = Mapping[str, Any]

SHOP_DATETIME_LENGTH = len("2019-09-06T15:47:59")  # or "2013-12-31 11:45:51"
STOCK_FIELDS = ("stock1", "stock2", "stock3", "stock4")


class RecordError(ValueError):
    """A raw record that cannot become a typed record; the message names the field."""


def text(value: Any) -> str | None:
    """A string field as sent, or None for the shop's empty values (``""``, null, ``{}``, ``[]``)."""
    if type(value) is str:  # the common case first: this runs for every field of every record
        return value or None
    if value is None or value == {} or value == []:
        return None
    if isinstance(value, dict | list):
        raise RecordError(f"expected a string, got {type(value).__name__}")
    return str(value)


def decimal(value: Any, name: str = "value") -> Decimal | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        result = Decimal(raw.strip())
    except InvalidOperation:
        raise RecordError(f"{name} is not a number: {raw!r}") from None
    if not result.is_finite():
        raise RecordError(f"{name} is not a finite number: {raw!r}")
    return result


def integer(value: Any, name: str = "value") -> int | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        raise RecordError(f"{name} is not an integer: {raw!r}") from None


def flag(value: Any) -> bool:
    """The shop's "1"/"0" booleans; empty is False."""
    raw = text(value)
    return raw is not None and raw.strip() not in ("0", "false")


def _is_zero_date(raw: str) -> bool:
    return raw.startswith(("0000-00-00", "-"))


def local_datetime(value: Any, tz: tzinfo, name: str = "date") -> datetime | None:
    """A shop local date-time (either format) as an aware UTC datetime; zero dates are None."""
    raw = text(value)
    if raw is None or _is_zero_date(raw):
        return None
    # The two shop formats differ only in the separator; fromisoformat is ~30x faster than strptime.
    if len(raw) != SHOP_DATETIME_LENGTH or raw[10] not in "T ":
        raise RecordError(f"{name} is not a shop date-time: {raw!r}")
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        raise RecordError(f"{name} is not a shop date-time: {raw!r}") from None
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_date(value: Any, name: str = "date") -> date | None:
    raw = text(value)
    if raw is None or _is_zero_date(raw):
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise RecordError(f"{name} is not a date: {raw!r}") from None


def link_id(value: Any) -> str | None:
    """The opaque id a link points to: an embedded object's ``id``, else the href's last path segment."""
    if not isinstance(value, Mapping):
        return None
    if isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    href = text(value.get("href"))
    if href is None:
        return None
    # urlsplit(href).path, without its cost (this runs for every link of every record)
    rest = href.split("?", 1)[0].split("#", 1)[0].partition("://")[2] or href
    path = rest[rest.find("/") :] if "/" in rest else ""
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    return (unquote(segment) if "%" in segment else segment) or None


def required_id(raw: Raw) -> str:
    sr_id = text(raw.get("id"))
    if sr_id is None:
        raise RecordError("missing id")
    return sr_id


_DEFAULT_ID = re.compile(r"^[A-Za-z]+-[a-z_]+_id=(\d+)$")


def inner_id(raw: Raw) -> int:
    """The numeric ``innerId``. Some official examples omit it; then, and only when the opaque id is
    the shop's default form (base64 of ``orderStatus-order_status_id=1``), the number is read from
    it. A replaced ("outer") id gives no number and the record is quarantined."""
    value = integer(raw.get("innerId"), "innerId")
    if value is not None:
        return value
    sr_id = required_id(raw)
    try:
        decoded = base64.b64decode(sr_id, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    match = _DEFAULT_ID.match(decoded)
    if not match:
        raise RecordError("missing innerId")
    return int(match[1])


def _embedded_list(value: Any) -> list[Raw]:
    """An embedded list (``orderProducts[]``); a bare link (not embedded) or empty value is []."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def order_number(raw: Raw, inner: int) -> str:
    """invoicePrefix + invoiceId; the innerId when the order has no invoice id ("0" or empty)."""
    invoice_id = text(raw.get("invoiceId"))
    if invoice_id is None or invoice_id.strip() in ("", "0"):
        return str(inner)
    return f"{text(raw.get('invoicePrefix')) or ''}{invoice_id}"


def parse_order_line(raw: Raw) -> OrderLine:
    line_id = text(raw.get("innerId")) or required_id(raw)
    quantity = sum((decimal(raw.get(f), f) or Decimal(0) for f in STOCK_FIELDS), Decimal(0))
    return OrderLine(
        line_id=line_id,
        name=text(raw.get("name")),
        sku=text(raw.get("sku")),
        quantity=quantity,
        unit_price_net=decimal(raw.get("price"), "price"),
        line_total_net=decimal(raw.get("total"), "total"),
        tax_rate=decimal(raw.get("taxRate"), "taxRate"),
        unit_price_currency=decimal(raw.get("priceCurrency"), "priceCurrency"),
        unit_gross_price_currency=decimal(raw.get("grossPriceCurrency"), "grossPriceCurrency"),
    )


def parse_order_total(raw: Raw) -> OrderTotal:
    kind = text(raw.get("type"))
    value = decimal(raw.get("value"), "orderTotal value")
    if kind is None or value is None:
        raise RecordError("order total without type or value")
    return OrderTotal(
        sr_id=required_id(raw),
        kind=kind,
        name=text(raw.get("name")),
        value=value,
        sort_order=integer(raw.get("sortOrder"), "sortOrder"),
    )


def parse_order_coupon(raw: Any) -> OrderCoupon | None:
    if not isinstance(raw, Mapping):
        return None
    coupon_id, code = link_id(raw), text(raw.get("code"))
    if coupon_id is None or code is None:
        return None
    return OrderCoupon(
        sr_coupon_id=coupon_id,
        code=code,
        discount_type=text(raw.get("discountType")),
        percent_discount=decimal(raw.get("percentDiscountValue"), "percentDiscountValue"),
        fixed_discount=decimal(raw.get("fixDiscountValue"), "fixDiscountValue"),
    )


def parse_order(raw: Raw, tz: tzinfo) -> Order:
    """An ``/orderExtend`` item (embedded lines, totals, coupon, currency) as an Order."""
    inner = inner_id(raw)
    currency = raw.get("currency")
    currency = currency if isinstance(currency, Mapping) else {}
    return Order(
        sr_id=required_id(raw),
        inner_id=inner,
        number=order_number(raw, inner),
        status_sr_id=link_id(raw.get("orderStatus")),
        customer_sr_id=link_id(raw.get("customer")),
        customer_group_sr_id=link_id(raw.get("customerGroup")),
        email=text(raw.get("email")),
        first_name=text(raw.get("firstname")),
        last_name=text(raw.get("lastname")),
        phone=text(raw.get("phone")),
        currency=text(currency.get("code")),
        currency_value=decimal(raw.get("value"), "value"),
        payment_method=text(raw.get("paymentMethodName")),
        payment_method_code=text(raw.get("paymentMethodCode")),
        shipping_method=text(raw.get("shippingMethodName")),
        comment=text(raw.get("comment")),
        total_gross=decimal(raw.get("total"), "total"),
        created_at=local_datetime(raw.get("dateCreated"), tz, "dateCreated"),
        updated_at=local_datetime(raw.get("dateUpdated"), tz, "dateUpdated"),
        lines=tuple(parse_order_line(p) for p in _embedded_list(raw.get("orderProducts"))),
        totals=tuple(parse_order_total(t) for t in _embedded_list(raw.get("orderTotals"))),
        coupon=parse_order_coupon(raw.get("coupon")),
    )


def parse_customer(raw: Raw, tz: tzinfo) -> Customer:
    """A ``/customers`` (or ``/customerExtend``) item. ``password`` is deliberately never read."""
    return Customer(
        sr_id=required_id(raw),
        inner_id=inner_id(raw),
        email=text(raw.get("email")),
        first_name=text(raw.get("firstname")),
        last_name=text(raw.get("lastname")),
        phone=text(raw.get("telephone")),
        newsletter=flag(raw.get("newsletter")),
        status=integer(raw.get("status"), "status"),
        approved=flag(raw.get("approved")),
        customer_group_sr_id=link_id(raw.get("customerGroup")),
        created_at=local_datetime(raw.get("dateCreated"), tz, "dateCreated"),
        updated_at=local_datetime(raw.get("dateUpdated"), tz, "dateUpdated"),
    )


def parse_coupon(raw: Raw, tz: tzinfo, names: Mapping[str, str] | None = None) -> Coupon:
    """A ``/coupons`` item; ``names`` maps coupon id -> name (from coupon descriptions)."""
    sr_id = required_id(raw)
    code = text(raw.get("code"))
    if code is None:
        raise RecordError("coupon without code")
    return Coupon(
        sr_id=sr_id,
        code=code,
        discount_type=text(raw.get("discountType")),
        percent_discount=decimal(raw.get("percentDiscountValue"), "percentDiscountValue"),
        fixed_discount=decimal(raw.get("fixDiscountValue"), "fixDiscountValue"),
        free_shipping=flag(raw.get("freeShipping")),
        date_start=local_date(raw.get("dateStart"), "dateStart"),
        date_end=local_date(raw.get("dateEnd"), "dateEnd"),
        status=integer(raw.get("status"), "status"),
        created_at=local_datetime(raw.get("dateCreated"), tz, "dateCreated"),
        updated_at=local_datetime(raw.get("dateUpdated"), tz, "dateUpdated"),
        name=(names or {}).get(sr_id),
    )


def parse_coupon_description(raw: Raw) -> CouponDescription:
    return CouponDescription(
        sr_id=required_id(raw),
        coupon_sr_id=link_id(raw.get("coupon")),
        language_sr_id=link_id(raw.get("language")),
        name=text(raw.get("name")),
    )


def parse_order_status_description(raw: Raw) -> OrderStatusDescription:
    return OrderStatusDescription(
        sr_id=required_id(raw),
        status_sr_id=link_id(raw.get("orderStatus")),
        language_sr_id=link_id(raw.get("language")),
        name=text(raw.get("name")),
        color=text(raw.get("color")),
    )


def parse_order_status(raw: Raw, description: OrderStatusDescription | None = None) -> OrderStatus:
    """An ``/orderStatuses`` item, named by its description (in the default language) if given."""
    return OrderStatus(
        sr_id=required_id(raw),
        inner_id=inner_id(raw),
        name=description.name if description else None,
        color=description.color if description else None,
    )


def parse_language(raw: Raw) -> Language:
    return Language(
        sr_id=required_id(raw),
        inner_id=inner_id(raw),
        code=text(raw.get("code")),
        name=text(raw.get("name")),
        sort_order=integer(raw.get("sortOrder"), "sortOrder"),
    )


def default_language(languages: Iterable[Language], preferred_code: str | None) -> Language | None:
    """The shop's default language: the one whose code is the shop's ``config_language`` setting;
    failing that the lowest sort order (ties: lowest innerId); None when the shop lists none."""
    candidates = list(languages)
    for language in candidates:
        if preferred_code and language.code == preferred_code:
            return language
    if not candidates:
        return None
    return min(candidates, key=lambda x: (x.sort_order is None, x.sort_order or 0, x.inner_id))


def describe_in(
    descriptions: Iterable[T],
    owner_of: Callable[[T], str | None],
    language_of: Callable[[T], str | None],
    language_order: list[str],
) -> dict[str, T]:
    """owner id -> its description in the first language of ``language_order`` that it has."""
    rank = {language_id: i for i, language_id in enumerate(language_order)}
    best: dict[str, tuple[int, T]] = {}
    for item in descriptions:
        owner = owner_of(item)
        if owner is None:
            continue
        position = rank.get(language_of(item) or "", len(rank))
        if owner not in best or position < best[owner][0]:
            best[owner] = (position, item)
    return {owner: item for owner, (_, item) in best.items()}


def parse_page(items: Iterable[Any], parser: Callable[[Raw], T], resource: str) -> Parsed[T]:
    """Parse every item; one that fails is quarantined as a BadRecord (id + reason), the rest kept."""
    parsed: Parsed[T] = Parsed()
    for item in items:
        sr_id = item.get("id") if isinstance(item, Mapping) else None
        sr_id = sr_id if isinstance(sr_id, str) and sr_id else None
        try:
            if not isinstance(item, Mapping):
                raise RecordError(f"expected an object, got {type(item).__name__}")
            parsed.records.append(parser(item))
        except (RecordError, KeyError, TypeError, ValueError, ArithmeticError) as exc:
            parsed.bad.append(BadRecord(resource=resource, sr_id=sr_id, reason=_reason(exc)))
    return parsed


def _reason(exc: Exception) -> str:
    if isinstance(exc, RecordError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
