"""Rows to the JSON dicts the shop sends, field for field as the fixtures show: statuses, coupon
descriptions, customers, groups and settings here; orders and the blocks they embed in
render_orders.py; how values and links are written in fields.py.
"""

from __future__ import annotations

from srpipeline.sandbox.fields import (
    COUNTRY_ID,
    Json,
    coupon_id,
    customer_id,
    group_id,
    language_id,
    status_id,
)
from srpipeline.sandbox.ids import encode_id
from srpipeline.sandbox.model import CouponRow, CustomerRow, StatusRow
from srpipeline.sandbox.render_orders import OrderRendering


class Renderer(OrderRendering):
    """Renders rows for one base URL (classic host or ``.../api``) and the shop's time zone."""

    # -- small resources -------------------------------------------------------------------
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
                "country": self.link("countries", COUNTRY_ID),
                "zone": {},
            }
        ]
        item["loyaltyPoints"] = []
        return item
