"""Generated plates and near-miss reads, shared by the tests and bench/plate_match.py."""

from __future__ import annotations

import random

from building.parking.plates import DIGITS, ENERGY, LAYOUTS, LETTERS, PROVINCES, SERIAL, SUFFIXES

_SORTED = {k: sorted(v) for k, v in {"P": PROVINCES, "L": LETTERS, "S": SERIAL, "N": DIGITS, "E": ENERGY, "X": SUFFIXES}.items()}
_CLASS = {id(PROVINCES): "P", id(LETTERS): "L", id(SERIAL): "S", id(DIGITS): "N", id(ENERGY): "E", id(SUFFIXES): "X"}
WEIGHTS = {"ordinary": 6, "special": 1, "new_energy_small": 3, "new_energy_large": 1}


def random_plate(rng: random.Random) -> str:
    name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    return "".join(rng.choice(_SORTED[_CLASS[id(allowed)]]) for allowed in LAYOUTS[name])


def plates(n: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < n:
        found.add(random_plate(rng))
    return sorted(found)


def near_miss(plate: str, rng: random.Random) -> str:
    """Another real plate one character away from `plate` (what a neighbour's car carries)."""
    from building.parking.plates import layout_of

    layout = LAYOUTS[layout_of(plate) or "ordinary"]
    while True:
        pos = rng.randrange(len(plate))
        options = sorted(layout[pos] - {plate[pos]})
        if options:
            return plate[:pos] + rng.choice(options) + plate[pos + 1 :]


NOISE = {"0": "O", "1": "I"}  # a reader's slips the layout can always undo inside a serial


def noisy(plate: str, rng: random.Random) -> str:
    """`plate` as a sloppy camera sends it: lower case, a separator, an O for a 0 in the serial."""
    chars = list(plate)
    slips = 0
    for i in range(2, len(chars)):
        if chars[i] in NOISE and slips < 2 and rng.random() < 0.5:  # the rule allows 2 corrections
            chars[i] = NOISE[chars[i]]
            slips += 1
    text = "".join(chars).lower()
    return text[:2] + rng.choice(["·", " ", "-", ""]) + text[2:]
