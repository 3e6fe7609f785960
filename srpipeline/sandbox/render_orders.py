"""Orders as the shop sends them (``/orders`` and ``/orderExtend``), with every block an order
embeds: country, language, currency, coupon, totals and product lines."""

from __future__ import annotations

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
from srpipeline.sandbox.fields import (
    COUNTRY_ID,
    ZERO_DATETIME,
    ZERO_DATETIME_T,
    Json,
    Links,
    coupon_id,
    currency_id,
    customer_id,
    empty_link,
    group_id,
    language_id,
    local_time,
    money,
    order_id,
    status_id,
    value_text,
)
from srpipeline.sandbox.ids import encode_id, encode_simple_id
from srpipeline.sandbox.model import CouponRow, OrderLine, OrderRow
from srpipeline.sandbox.totals import TotalRow, line_net, order_totals, round_half_up


class OrderRendering(Links):
    """Renders orders and the blocks they embed; ``Renderer`` adds the other resources."""

    def __init__(self, base: str, tz: ZoneInfo) -> None:
        super().__init__(base, tz)
        # blocks every order embeds; built once (json.dumps does not mind sharing them)
        self._country_block = self._country()
        self._country_link = self.link("countries", COUNTRY_ID)
        self._language_block = self.language(HUNGARIAN)
        self._language_link = self.link("languages", language_id(HUNGARIAN.inner_id))
        self._currency_blocks = {c.code: self.currency(c) for c in CURRENCIES}
        self._currency_links = {c.code: self.link("currencies", currency_id(c)) for c in CURRENCIES}
        self._shipping_links = {
            m.inner_id: self.link("shippingModes", encode_id("shippingMode", id=m.inner_id))
            for m in SHIPPING_MODES
        }

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
            else empty_link(row.inner_id),
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
            "href": self.href("countries", COUNTRY_ID),
            "id": COUNTRY_ID,
            "name": "Hungary",
            "isoCode2": "HU",
            "isoCode3": "HUN",
            "status": "1",
            "zones": self.query_link("zones", "countryId", COUNTRY_ID),
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
