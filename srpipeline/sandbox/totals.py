"""An order's totals, computed from its lines the way the shop does, so they always add up exactly.

line gross = round(line net * (1 + rate/100)) to whole HUF; SUB_TOTAL = sum of line nets; one TAX
row per VAT rate (sum of line gross - line net); SUB_TOTAL_WITH_TAX = SUB_TOTAL + TAX; SHIPPING and
PAYMENT are gross fees; COUPON is negative (gross); TOTAL = SUB_TOTAL_WITH_TAX + SHIPPING + PAYMENT + COUPON.
Every value is in the shop's default currency (HUF).
"""

from __future__ import annotations

from dataclasses import dataclass

from srpipeline.sandbox.catalog import PAYMENT_METHODS, PRODUCTS, SHIPPING_MODES
from srpipeline.sandbox.model import OrderLine, OrderRow


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers (no float error)."""
    sign = -1 if numerator * denominator < 0 else 1
    q, r = divmod(abs(numerator), abs(denominator))
    return sign * (q + (1 if 2 * r >= abs(denominator) else 0))


def line_net(line: OrderLine) -> int:
    return line.unit_net * line.quantity


def line_gross(line: OrderLine) -> int:
    return round_half_up(line_net(line) * (100 + PRODUCTS[line.product].tax_rate), 100)


@dataclass(frozen=True, slots=True)
class TotalRow:
    slot: int  # stable position, part of the total's id
    kind: str
    name: str
    value: int  # HUF
    sort_order: int


def order_totals(order: OrderRow) -> list[TotalRow]:
    sub_total = sum(line_net(line) for line in order.lines)
    tax_by_rate: dict[int, int] = {}
    for line in order.lines:
        rate = PRODUCTS[line.product].tax_rate
        tax_by_rate[rate] = tax_by_rate.get(rate, 0) + line_gross(line) - line_net(line)
    with_tax = sub_total + sum(tax_by_rate.values())
    shipping = SHIPPING_MODES[order.shipping]
    payment = PAYMENT_METHODS[order.payment]
    rows = [TotalRow(0, "SUB_TOTAL", "Nettó részösszeg:", sub_total, 1)]
    rows += [
        TotalRow(1 + i, "TAX", f"ÁFA ({rate}%):", tax, 3)
        for i, (rate, tax) in enumerate(sorted(tax_by_rate.items()))
    ]
    rows.append(TotalRow(8, "SUB_TOTAL_WITH_TAX", "Bruttó részösszeg:", with_tax, 4))
    rows.append(TotalRow(9, "SHIPPING", shipping.name + ":", shipping.fee_gross, 6))
    if payment.fee_gross:
        rows.append(TotalRow(10, "PAYMENT", "Kezelési költség:", payment.fee_gross, 7))
    total = with_tax + shipping.fee_gross + payment.fee_gross
    if order.coupon is not None:
        coupon = order.coupon
        if coupon.discount_type == "PERCENT":
            discount = round_half_up(with_tax * coupon.percent, 100)
        else:
            discount = min(coupon.fixed, with_tax)
        rows.append(TotalRow(11, "COUPON", f"Kupon ({coupon.code}):", -discount, 8))
        total -= discount
    rows.append(TotalRow(12, "TOTAL", "Bruttó végösszeg:", total, 10))
    return rows


def order_total(order: OrderRow) -> int:
    return order_totals(order)[-1].value
