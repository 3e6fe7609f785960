"""Rows to the JSON dicts the shop sends, field for field as the fixtures show.

Every scalar is a string; empties are ``""``, ``null`` or ``{}`` as the fixtures have them; times are
the shop's local time without a zone. Links name the base URL the request came in on.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from srpipeline.sandbox.catalog import (
    CURRENCIES,
    HUNGARIAN,
    PAYMENT_METHODS,
    PRODUCTS,
    SHIPPING_MODES,
    Currency,
    Language,
)
from srpipeline.sandbox.ids import encode_id, encode_simple_id
from srpipeline.sandbox.model import CouponRow, CustomerRow, OrderLine, OrderRow, StatusRow
from srpipeline.sandbox.totals import TotalRow, line_net, order_totals, round_half_up

ZERO_DATETIME = "0000-00-00 00:00:00"
ZERO_DATETIME_T = "-0001-11-30T00:00:00"
Json = dict[str, Any]


@lru_cache(maxsize=131072)
def local_time(ts: int, tz: ZoneInfo, sep: str = "T") -> str:
    return datetime.fromtimestamp(ts, tz).strftime(f"%Y-%m-%d{sep}%H:%M:%S")


def money(value: int, decimals: int = 0) -> str:
    """An amount in minor units (``decimals`` places) as the shop's 4-decimal string."""
    if not decimals:
        return f"{value}.0000"
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}{'0' * (4 - decimals)}"


def value_text(huf: int, currency: Currency) -> str:
    """The human text of an amount, in the order's currency (``6.400 Huf``)."""
    if currency.decimals == 0:
        return f"{huf:,}".replace(",", ".") + currency.symbol_right
    cents = round_half_up(huf, currency.cents_to_huf)
    return f"{cents / 100:,.2f}".replace(",", " ") + currency.symbol_right


@lru_cache(maxsize=4096)
def group_id(inner_id: int) -> str:
    return encode_simple_id("customerGroup", "customer_group_id", inner_id)


@lru_cache(maxsize=4096)
def status_id(inner_id: int) -> str:
    return encode_simple_id("orderStatus", "order_status_id", inner_id)


@lru_cache(maxsize=4096)
def language_id(inner_id: int) -> str:
    return encode_simple_id("language", "language_id", inner_id)


@lru_cache(maxsize=4096)
def coupon_id(inner_id: int) -> str:
    return encode_simple_id("coupon", "coupon_id", inner_id)


def order_id(inner_id: int) -> str:
    return encode_simple_id("order", "order_id", inner_id)


def customer_id(inner_id: int) -> str:
    return encode_simple_id("customer", "customer_id", inner_id)


_COUNTRY_ID = encode_id("country", country_id=97)


def currency_id(currency: Currency) -> str:
    return encode_id("currency", currency_id=currency.inner_id)


def _empty(inner_id: int) -> Any:
    """The shop is not consistent about empty links: ``null`` for some rows, ``{}`` for others."""
    return None if inner_id % 2 else {}


class Renderer:
    """Renders rows for one base URL (classic host or ``.../api``) and the shop's time zone."""

    def __init__(self, base: str, tz: ZoneInfo) -> None:
        self.base = base
        self.tz = tz
        # blocks every order embeds; built once (json.dumps does not mind sharing them)
        self._country_block = self._country()
        self._country_link = self.link("countries", _COUNTRY_ID)
        self._language_block = self.language(HUNGARIAN)
        self._language_link = self.link("languages", language_id(HUNGARIAN.inner_id))
        self._currency_blocks = {c.code: self.currency(c) for c in CURRENCIES}
        self._currency_links = {c.code: self.link("currencies", currency_id(c)) for c in CURRENCIES}
        self._shipping_links = {
            m.inner_id: self.link("shippingModes", encode_id("shippingMode", id=m.inner_id))
            for m in SHIPPING_MODES
        }

    def href(self, resource: str, opaque_id: str) -> str:
        return f"{self.base}/{resource}/{opaque_id}"

    def link(self, resource: str, opaque_id: str) -> Json:
        return {"href": self.href(resource, opaque_id)}

    def query_link(self, resource: str, key: str, opaque_id: str) -> Json:
        return {"href": f"{self.base}/{resource}?{key}={opaque_id}"}

    def t(self, ts: int) -> str:
        return local_time(ts, self.tz)

    # -- small resources -------------------------------------------------------------------
    def language(self, lang: Language) -> Json:
        oid = language_id(lang.inner_id)
        return {
            "href": self.href("languages", oid),
            "id": oid,
            "innerId": str(lang.inner_id),
            "name": lang.name,
            "code": lang.code,
            "locale": lang.locale,
            "sortOrder": str(lang.sort_order),
            "status": "1",
        }

    def currency(self, cur: Currency) -> Json:
        oid = currency_id(cur)
        return {
            "href": self.href("currencies", oid),
            "id": oid,
            "name": cur.name,
            "code": cur.code,
            "symbolLeft": cur.symbol_left or {},
            "symbolRight": cur.symbol_right,
            "decimalPlace": str(cur.decimals),
            "value": cur.value,
            "status": "1",
            "dateUpdated": cur.date_updated,
        }

    def customer_group(self, group: tuple[int, str, str]) -> Json:
        inner_id, name, discount = group
        oid = group_id(inner_id)
        return {
            "href": self.href("customerGroups", oid),
            "id": oid,
            "innerId": str(inner_id),
            "name": name,
            "percentDiscount": discount,
            "percentDiscountSpecialPrices": "0",
        }

    def setting(self, setting: tuple[int, str, str, str]) -> Json:
        inner_id, group, key, value = setting
        oid = encode_id("setting", setting_id=inner_id)
        return {"href": self.href("settings", oid), "id": oid, "group": group, "key": key, "value": value}

    def status(self, row: StatusRow) -> Json:
        oid = status_id(row.inner_id)
        return {
            "href": self.href("orderStatuses", oid),
            "id": oid,
            "innerId": str(row.inner_id),
            "orderStatusDescriptions": self.query_link("orderStatusDescriptions", "orderStatusId", oid),
        }

    def status_description(self, row: StatusRow, lang: int) -> Json:
        oid = encode_id("orderStatusDescription", order_status_id=row.inner_id, language_id=lang)
        return {
            "href": self.href("orderStatusDescriptions", oid),
            "id": oid,
            "name": row.names[lang],
            "color": row.color,
            "orderStatus": self.link("orderStatuses", status_id(row.inner_id)),
            "language": self.link("languages", language_id(lang)),
        }

    def coupon(self, row: CouponRow) -> Json:
        oid = coupon_id(row.inner_id)
        return {
            "href": self.href("coupons", oid),
            "id": oid,
            "code": row.code,
            "discountType": row.discount_type,
            "percentDiscountValue": money(row.percent),
            "loginRequired": "0",
            "freeShipping": "1" if row.free_shipping else "0",
            "fixDiscountValue": money(row.fixed),
            "dateStart": row.date_start,
            "dateEnd": row.date_end,
            "totalNumberOfCoupons": str(row.total_number),
            "totalNumberOfCouponsPerCustomer": str(row.per_customer),
            "status": str(row.status),
            "dateCreated": local_time(row.created, self.tz, " "),
            "dateUpdated": local_time(row.updated, self.tz, " ") if row.updated else ZERO_DATETIME,
            "email": {},
            "minOrderLimit": "0.00",
            "maxOrderLimit": "0.00",
            "validToSpecialProducts": "1",
            "validWithGiftProducts": "1",
            "validWithBulkDiscount": "1",
            "validWithLoyaltyPoints": "1",
            "bypassMinOrderLimitWithCoupon": "0",
            "targetType": "PRODUCT",
            "taxClass": self.link("taxClasses", encode_id("taxClass", tax_class_id=10)),
            "couponDescriptions": self.query_link("couponDescriptions", "couponId", oid),
        }

    def coupon_description(self, row: CouponRow, lang: int) -> Json:
        oid = encode_id("couponDescription", coupon_id=row.inner_id, language_id=lang)
        return {
            "href": self.href("couponDescriptions", oid),
            "id": oid,
            "name": row.names[lang],
            "description": row.descriptions[lang],
            "coupon": self.link("coupons", coupon_id(row.inner_id)),
            "language": self.link("languages", language_id(lang)),
        }

    # -- customers -------------------------------------------------------------------------
    def customer(self, row: CustomerRow, extend: bool = False) -> Json:
        oid = customer_id(row.inner_id)
        address_oid = encode_id("address", address_id=row.inner_id)
        item: Json = {
            "href": self.href("customerExtend" if extend else "customers", oid),
            "id": oid,
            "innerId": str(row.inner_id),
            "firstname": row.firstname,
            "lastname": row.lastname,
            "email": row.email,
            "telephone": row.telephone,
            "fax": {},
            "password": row.password_hash,
            "newsletter": str(row.newsletter),
            "status": str(row.status),
            "approved": str(row.approved),
            "dateCreated": self.t(row.created),
            "dateUpdated": self.t(row.updated),
            "freeShipping": "0",
            "defaultAddress": self.link("addresses", address_oid),
            "customerGroup": self.link("customerGroups", group_id(row.group)),
        }
        if not extend:
            item["addresses"] = self.query_link("addresses", "customerId", oid)
            item["loyaltyPoints"] = self.query_link("loyaltyPoints", "customerId", oid)
            return item
        a = row.address
        item["addresses"] = [
            {
                "href": self.href("addresses", address_oid),
                "id": address_oid,
                "innerId": str(row.inner_id),
                "company": a.company,
                "firstname": a.firstname,
                "lastname": a.lastname,
                "taxNumber": "",
                "type": "private",
                "address1": a.street,
                "address2": "",
                "postcode": a.postcode,
                "city": a.city,
                "dateCreated": self.t(row.created),
                "dateUpdated": self.t(row.created),
                "telephone": {},
                "customer": self.link("customers", oid),
                "country": self.link("countries", _COUNTRY_ID),
                "zone": {},
            }
        ]
        item["loyaltyPoints"] = []
        return item

    # -- orders ----------------------------------------------------------------------------
    def order(self, row: OrderRow, extend: bool = False) -> Json:
        oid = order_id(row.inner_id)
        a = row.address
        ship = SHIPPING_MODES[row.shipping]
        pay = PAYMENT_METHODS[row.payment]
        totals = order_totals(row)
        placed = row.status != 0
        item: Json = {
            "href": self.href("orderExtend" if extend else "orders", oid),
            "id": oid,
            "innerId": str(row.inner_id),
            "invoiceId": str(row.invoice_id),
            "invoicePrefix": "SR" if row.invoice_id else "",
            "firstname": row.firstname,
            "lastname": row.lastname,
            "phone": row.phone,
            "fax": "",
            "email": row.email,
            "shippingFirstname": a.firstname,
            "shippingLastname": a.lastname,
            "shippingCompany": a.company,
            "shippingAddress1": a.street,
            "shippingAddress2": "",
            "shippingCity": a.city,
            "shippingPostcode": a.postcode,
            "shippingZoneName": "",
            "shippingCountryName": "Hungary",
            "shippingAddressFormat": "",
            "shippingMethodName": ship.name,
            "shippingMethodLocalizedName": ship.name,
            "shippingMethodTaxRate": money(ship.tax_rate),
            "shippingMethodTaxName": f"{ship.tax_rate} %" if ship.tax_rate else "",
            "shippingMethodExtension": ship.extension,
            "shippingReceivingPointId": "0",
            "paymentFirstname": a.firstname,
            "paymentLastname": a.lastname,
            "paymentCompany": a.company,
            "paymentAddress1": a.street,
            "paymentAddress2": "",
            "paymentCity": a.city,
            "paymentPostcode": a.postcode,
            "paymentZoneName": "",
            "paymentCountryName": "Hungary",
            "paymentAddressFormat": "",
            "paymentMethodName": pay.name,
            "paymentMethodCode": pay.code,
            "paymentMethodTaxRate": "0.0000",
            "paymentMethodTaxName": "",
            "paymentMethodAfter": "1",
            "taxNumber": "",
            "comment": row.comment,
            "total": money(totals[-1].value),
            "value": row.currency.value,
            "couponTaxRate": "-1.0000",
            "dateCreated": self.t(row.created),
            "dateUpdated": self.t(row.updated),
            "ip": row.ip,
            "pickPackPontShopCode": "",
            "loyaltyPointsTaxRate": "-1.0000",
            "customer": self.link("customers", customer_id(row.customer))
            if row.customer
            else _empty(row.inner_id),
            "customerGroup": self.link("customerGroups", group_id(row.group)),
            "shippingZone": None,
            "shippingCountry": self._country_block if extend else self._country_link,
            "paymentZone": None,
            "paymentCountry": self._country_block if extend else self._country_link,
        }
        if placed:
            item["orderStatus"] = self.link("orderStatuses", status_id(row.status))
        elif row.inner_id % 2:
            item["orderStatus"] = None  # abandoned carts: null on some, the key missing on others
        item["language"] = self._language_block if extend else self._language_link
        code = row.currency.code
        item["currency"] = self._currency_blocks[code] if extend else self._currency_links[code]
        item["shippingMode"] = self._shipping_links[ship.inner_id]
        if not extend:
            for name in ("orderTotals", "orderProducts", "orderGiftWrappings", "orderProductAddons"):
                item[name] = self.query_link(name, "orderId", oid)
            item["externalInfo"] = {}
            return item
        item["coupon"] = self.coupon(row.coupon) if row.coupon is not None else {}
        order_link = self.link("orders", oid)
        item["orderTotals"] = [self._total(row, order_link, t) for t in totals]
        item["orderProducts"] = [self._line(row, order_link, line) for line in row.lines]
        item["orderGiftWrappings"] = []
        item["orderProductAddons"] = []
        item["orderAddressIdentifications"] = []
        item["externalInfo"] = {}
        item["orderCreditCards"] = []
        return item

    def _country(self) -> Json:
        return {
            "href": self.href("countries", _COUNTRY_ID),
            "id": _COUNTRY_ID,
            "name": "Hungary",
            "isoCode2": "HU",
            "isoCode3": "HUN",
            "status": "1",
            "zones": self.query_link("zones", "countryId", _COUNTRY_ID),
        }

    def _total(self, row: OrderRow, order_link: Json, total: TotalRow) -> Json:
        tid = encode_simple_id("orderTotal", "order_total_id", row.inner_id * 16 + total.slot)
        return {
            "href": self.href("orderTotals", tid),
            "id": tid,
            "name": total.name,
            "valueText": value_text(total.value, row.currency),
            "value": money(total.value),
            "sortOrder": str(total.sort_order),
            "type": total.kind,
            "key": "",
            "description": "",
            "dateCreated": ZERO_DATETIME_T,
            "dateUpdated": ZERO_DATETIME_T,
            "order": order_link,
        }

    def _line(self, row: OrderRow, order_link: Json, line: OrderLine) -> Json:
        product = PRODUCTS[line.product]
        lid = encode_simple_id("orderProduct", "order_product_id", line.line_id)
        decimals = row.currency.decimals
        unit_gross_cur = round_half_up(line.unit_net_currency * (100 + product.tax_rate), 100)
        created = self.t(row.created)
        return {
            "href": self.href("orderProducts", lid),
            "id": lid,
            "name": product.name,
            "sku": product.sku,
            "modelNumber": None,
            "originalPrice": money(line.unit_net),
            "price": money(line.unit_net),
            "total": money(line_net(line)),
            "taxRate": money(product.tax_rate),
            "originalPriceCurrency": money(line.unit_net_currency, decimals),
            "priceCurrency": money(line.unit_net_currency, decimals),
            "grossPriceCurrency": money(unit_gross_cur, decimals),
            "originalGrossPriceCurrency": money(unit_gross_cur, decimals),
            "stock1": str(line.stocks[0]),
            "stock2": str(line.stocks[1]),
            "stock3": str(line.stocks[2]),
            "stock4": str(line.stocks[3]),
            "subtractStock": "1",
            "dateCreated": created,
            "dateUpdated": created,
            "gtin": "",
            "durableMediaDevice": "0",
            "order": order_link,
            "product": self.link("products", encode_simple_id("product", "product_id", product.inner_id)),
            "orderProductOptions": self.query_link("orderProductOptions", "orderProductId", lid),
        }
