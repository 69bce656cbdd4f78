"""JSON whose numbers are exact decimals, both ways: gateways that send amounts in major units
(OCTO's `103.33`) must neither round them through a float nor quote them as strings."""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation


def dumps(value) -> str:
    """JSON text in which a Decimal is written as the number it is (`Decimal("103.33")` as
    103.33; json.dumps refuses a Decimal). The callers keep amounts out of floats."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is no JSON number")
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(key))}:{dumps(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    return json.dumps(value)


def loads(text: str | bytes):
    """JSON with every number that has a fraction or exponent read as a Decimal (integers stay int)."""
    return json.loads(text, parse_float=Decimal)


def amount(value) -> Decimal | None:
    """An amount from an answer as Decimal: a JSON number (int or Decimal) or a numeric string;
    None when absent."""
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
            raise InvalidOperation
        number = Decimal(value)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    return number
