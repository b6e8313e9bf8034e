"""GA 36-2018 plates: normalise, validate, and match reads without ever opening for a neighbour."""

from __future__ import annotations

import random

import pytest

from building.parking.plates import MatchRule, PlateError, PlateIndex, candidates, layout_of, normalise, validate
from tests.parking.nearmiss import near_miss, noisy, plates


@pytest.mark.parametrize(
    ("raw", "plate", "layout"),
    [
        ("京A·12345", "京A12345", "ordinary"),
        ("京ａｂ１２３４", "京AB1234", "ordinary"),
        (" 京 ad-12345 ", "京AD12345", "new_energy_small"),
        ("粤B12345F", "粤B12345F", "new_energy_large"),
        ("粤Z·1234港", "粤Z1234港", "special"),
        ("京A1234警", "京A1234警", "special"),
    ],
)
def test_normalise_and_validate(raw: str, plate: str, layout: str) -> None:
    assert validate(raw) == plate
    assert layout_of(plate) == layout


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("京A123", "length"),
        ("A123456", "province"),
        ("京I12345", "authority"),
        ("京A1234O", "i_or_o"),
        ("京AI2345", "i_or_o"),
        ("京AX12345", "new_energy"),  # 8 characters: D or F first (small) or last (large)
        ("京A1234华", "serial"),
    ],
)
def test_impossible_plates_are_refused_with_a_reason(raw: str, code: str) -> None:
    with pytest.raises(PlateError) as err:
        validate(raw)
    assert err.value.code == code


def test_lookalikes_are_corrected_only_where_the_layout_forces_them() -> None:
    index = PlateIndex(["京A10234", "京AD12345", "京AD12340", "京A12345D", "沪AB8888", "京B12345"])
    assert index.match("京A1O234", 0.9).plate == "京A10234"  # O never in a serial: it is a 0
    assert index.match("京A1O234", 0.9).reason == "lookalike"
    assert index.match("京ad·1234o", 0.9).plate == "京AD12340"  # digits only at the end of a new-energy plate
    assert index.match("京A123450", 0.9).plate == "京A12345D"  # last of a large new-energy plate: D or F
    assert index.match("京AO12345", 0.9).plate == "京AD12345"  # third of a small new-energy plate: D or F only
    assert index.match("京012345", 0.99).plate is None  # a 0 as the authority letter: O, D or Q? held
    assert index.match("京812345", 0.9).plate == "京B12345"  # ... an 8 there can only be a B
    # 8 and B are both serial characters: a read B is a B, never someone's 8.
    assert index.match("沪A88888", 0.99).plate is None
    assert index.match("京AD12346", 0.99).plate is None  # one real character away
    assert index.match("京AD12345", 0.99).reason == "exact"


def test_confidence_rule() -> None:
    index = PlateIndex(["京A10234"])
    assert index.match("京A10234", 0.59).reason == "low_confidence"
    assert index.match("京A10234", 0.6).reason == "exact"
    assert index.match("京A1O234", 0.79).reason == "low_confidence"  # a corrected read needs more
    assert index.match("京A1O234", 0.8).reason == "lookalike"


def test_province_tolerance_is_off_by_default_and_needs_exactly_one_fit() -> None:
    index = PlateIndex(["京A10234", "沪B55555", "苏B55555"])
    assert index.match("冀A10234", 0.95).plate is None
    tolerant = MatchRule(province_tolerance=True)
    assert index.match("冀A10234", 0.95, rule=tolerant).plate == "京A10234"
    assert index.match("?A10234", 0.95, rule=tolerant).plate == "京A10234"
    assert index.match("冀B55555", 0.95, rule=tolerant).reason == "ambiguous"  # two fit: held


def test_candidates_are_at_most_one_per_layout() -> None:
    assert len(candidates(normalise("京AD1234O"))) <= 2
    assert candidates("京A12345") == candidates("京A12345")


def test_1000_near_miss_pairs_give_no_false_open() -> None:
    registered = plates(1000, seed=1)
    index = PlateIndex(registered)
    rng = random.Random(2)
    false_opens, true_opens, corrected = 0, 0, 0
    for plate in registered:
        neighbour = near_miss(plate, rng)
        if neighbour in index:
            continue  # that car is registered itself: opening for it is right
        for read in (neighbour, noisy(neighbour, rng)):
            if index.match(read, 0.99).plate == plate:
                false_opens += 1
        own = index.match(noisy(plate, rng), 0.99)
        true_opens += own.plate == plate
        corrected += own.reason == "lookalike"
    assert false_opens == 0
    assert corrected > 200  # many of those reads needed a look-alike correction
    assert true_opens == 1000  # the same reads of the registered cars themselves do open
