"""Amounts between Kassa's minor units (integers, as the database keeps them) and the decimal
major units gateways and pages speak, by the currency's number of minor units."""
from __future__ import annotations

from decimal import Decimal


def in_major_units(amount: int, exponent: int) -> Decimal:
    return Decimal(amount).scaleb(-exponent)


def in_minor_units(amount: Decimal | None, exponent: int) -> int | None:
    """None when there is no amount or it is not a whole number of minor units."""
    if amount is None:
        return None
    scaled = amount.scaleb(exponent)
    return int(scaled) if scaled == scaled.to_integral_value() else None
