from decimal import Decimal

import pytest

from core.money import format_fen, yuan_to_fen


@pytest.mark.parametrize(
    ("fen", "text"), [(0, "¥0.00"), (5, "¥0.05"), (1250, "¥12.50"), (123456789, "¥1,234,567.89"), (-5, "-¥0.05")]
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text


@pytest.mark.parametrize(("value", "fen"), [("12.5", 1250), ("¥0.01", 1), (3, 300), (Decimal("7.10"), 710)])
def test_yuan_to_fen(value: object, fen: int) -> None:
    assert yuan_to_fen(value) == fen  # type: ignore[arg-type]


def test_floats_and_fractions_of_fen_are_refused() -> None:
    with pytest.raises(TypeError):
        yuan_to_fen(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="two decimals"):
        yuan_to_fen("0.001")
    with pytest.raises(ValueError, match="not an amount"):
        yuan_to_fen("abc")
    with pytest.raises(TypeError):
        format_fen(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["Infinity", "NaN", "sNaN", "1e400", "-inf"])
def test_non_finite_or_absurd_amounts_are_a_value_error(value: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        yuan_to_fen(value)
