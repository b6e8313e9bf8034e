"""Money is integer fen everywhere; these are the only conversions to and from text."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def yuan_to_fen(value: str | int | Decimal) -> int:
    """'12.5' -> 1250. Rejects floats (binary rounding) and more than two decimals."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a str, int or Decimal")
    try:
        amount = Decimal(str(value).strip().lstrip("¥"))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc
    if not amount.is_finite() or abs(amount) >= Decimal("1e15"):  # "Infinity", "NaN", "1e400"
        raise ValueError(f"not an amount of money: {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"more than two decimals: {value!r}")
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def format_fen(fen: int) -> str:
    """1250 -> '¥12.50', -5 -> '-¥0.05'."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{rest:02d}"
