"""Chinese number plates (GA 36-2018): normalise, validate, and match a camera's read.

Pure Python, no Django: the barrier path, the registration form and bench/plate_match.py share it.

Layouts (one character class per position):
    ordinary        P L S S S S S          京A12345, 京AB1234
    special suffix  P L S S S S X          粤Z1234港, 京A1234警, 京A1234学
    new energy (small vehicles)  P L E S N N N N   京AD12345, 京AF1A345
    new energy (large vehicles)  P L N N N N N E   京A12345D
P: province, L: issuing-authority letter, S: serial (digits and letters, never I or O),
N: digit, E: D or F, X: 警 学 挂 港 澳 使 领.

Matching a read never guesses between real plates. A character the camera read that the layout
does not allow at its position (an O in a serial, a letter where only digits go) is replaced by its
look-alike only when exactly one look-alike is allowed there; every character the layout allows is
taken as read. A real plate one character away (京AD12346 vs 京AD12345) is itself a valid plate,
so no correction can turn it into the other: it is held.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
DIGITS = frozenset("0123456789")
LETTERS = frozenset("ABCDEFGHJKLMNOPQRSTUVWXYZ")  # authority letters: all but I (O is the police's)
SERIAL = DIGITS | (LETTERS - {"O"})  # GA 36-2018: no I or O in a serial
ENERGY = frozenset("DF")
SUFFIXES = frozenset("警学挂港澳使领")
# What a reader mixes up; a read character may stand for any other member of its group.
LOOKALIKE_GROUPS = ("0ODQ", "1I", "8B", "2Z", "5S", "6G")
LOOKALIKES: dict[str, frozenset[str]] = {ch: frozenset(group) - {ch} for group in LOOKALIKE_GROUPS for ch in group}
SEPARATORS = frozenset(" \t·•・.-_*/|\u00b7\u2022\u2027\u2219\u22c5\u30fb")

Layout = tuple[frozenset[str], ...]
LAYOUTS: dict[str, Layout] = {
    "ordinary": (PROVINCES, LETTERS, SERIAL, SERIAL, SERIAL, SERIAL, SERIAL),
    "special": (PROVINCES, LETTERS, SERIAL, SERIAL, SERIAL, SERIAL, SUFFIXES),
    "new_energy_small": (PROVINCES, LETTERS, ENERGY, SERIAL, DIGITS, DIGITS, DIGITS, DIGITS),
    "new_energy_large": (PROVINCES, LETTERS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, ENERGY),
}
_BY_LENGTH: dict[int, list[tuple[str, Layout]]] = {}
for _name, _layout in LAYOUTS.items():
    _BY_LENGTH.setdefault(len(_layout), []).append((_name, _layout))


class PlateError(ValueError):
    """An impossible plate; `code` says why (the page maps it to a sentence)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def normalise(raw: str) -> str:
    """What a camera or a person typed, as one compact upper-case string.

    NFKC folds full-width letters and digits (京Ａ１２３４５) to ASCII; separators (· • spaces
    hyphens) go; lower case goes up. Nothing is corrected here: that is the matcher's job."""
    folded = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(ch for ch in folded if ch not in SEPARATORS and not ch.isspace())


def layout_of(plate: str) -> str | None:
    """The name of the layout `plate` (normalised) fits exactly, or None."""
    for name, layout in _BY_LENGTH.get(len(plate), ()):
        if all(ch in allowed for ch, allowed in zip(plate, layout, strict=True)):
            return name
    return None


def validate(raw: str) -> str:
    """The normalised plate, or PlateError naming the first thing wrong with it."""
    plate = normalise(raw)
    if not plate:
        raise PlateError("empty")
    if len(plate) not in _BY_LENGTH:
        raise PlateError("length", str(len(plate)))
    if plate[0] not in PROVINCES:
        raise PlateError("province", plate[0])
    if plate[1] not in LETTERS:
        raise PlateError("authority", plate[1])
    if layout_of(plate) is not None:
        return plate
    if any(ch in "IO" for ch in plate[2:]):
        raise PlateError("i_or_o", plate)
    if len(plate) == 8:
        raise PlateError("new_energy", plate)
    raise PlateError("serial", plate)


@dataclass(frozen=True)
class Candidate:
    plate: str  # a valid plate the read may stand for
    corrections: int  # look-alike characters replaced to reach it
    layout: str


def _corrected(read: str, layout: Layout) -> tuple[str, int] | None:
    out: list[str] = []
    fixes = 0
    for ch, allowed in zip(read, layout, strict=True):
        if ch in allowed:
            out.append(ch)  # allowed as read: never second-guessed (that would open for a neighbour)
            continue
        options = LOOKALIKES.get(ch, frozenset()) & allowed
        if len(options) > 1:
            # A letter the layout refuses was a digit, and the other way round: an O in a serial
            # is a 0, not a D or a Q (the standard's own reading of its no-I-no-O rule).
            options = frozenset(o for o in options if o.isdigit() != ch.isdigit())
        if len(options) != 1:
            return None  # impossible here and no single look-alike fits: not this layout
        out.append(next(iter(options)))
        fixes += 1
    return "".join(out), fixes


def candidates(read: str) -> list[Candidate]:
    """The valid plates a normalised read can stand for (at most one per layout of its length)."""
    found: list[Candidate] = []
    for name, layout in _BY_LENGTH.get(len(read), ()):
        corrected = _corrected(read, layout)
        if corrected is not None:
            found.append(Candidate(corrected[0], corrected[1], name))
    return found


@dataclass(frozen=True)
class MatchRule:
    """The confidence rule: an exact read needs `exact_min`, a corrected one `corrected_min` and
    at most `max_corrections`; a province guess (off by default) counts as one more correction."""

    exact_min: float = 0.6
    corrected_min: float = 0.8
    max_corrections: int = 2
    province_tolerance: bool = False


DEFAULT_RULE = MatchRule()


@dataclass(frozen=True)
class Match:
    raw: str
    normalised: str
    plate: str | None  # the registered plate it matched, or None
    corrections: int
    reason: str  # exact | lookalike | province | unknown | ambiguous | low_confidence | unreadable

    @property
    def matched(self) -> bool:
        return self.plate is not None


def decide(
    raw: str, confidence: float, found: dict[str, int], *, rule: MatchRule = DEFAULT_RULE, province_used: bool = False
) -> Match:
    """Apply the rule to what a lookup found: {registered plate: corrections}."""
    normalised = normalise(raw)
    if not found:
        return Match(raw, normalised, None, 0, "unknown")
    if len(found) > 1:
        return Match(raw, normalised, None, 0, "ambiguous")
    plate, fixes = next(iter(found.items()))
    need = rule.exact_min if fixes == 0 else rule.corrected_min
    if fixes > rule.max_corrections or confidence < need:
        return Match(raw, normalised, None, fixes, "low_confidence")
    reason = "exact" if fixes == 0 else ("province" if province_used else "lookalike")
    return Match(raw, normalised, plate, fixes, reason)


def lookups(raw: str, *, rule: MatchRule = DEFAULT_RULE) -> tuple[list[Candidate], list[Candidate]]:
    """(candidates, province guesses): the keys to look up, cheapest first."""
    read = normalise(raw)
    direct = candidates(read)
    guesses: list[Candidate] = []
    if rule.province_tolerance and len(read) >= 7:
        # The tail decides the layout; any province character stands in while it is checked.
        tails = candidates("京" + read[1:])
        for cand in tails:
            for province in sorted(PROVINCES - {read[0]}):
                guesses.append(Candidate(province + cand.plate[1:], cand.corrections + 1, cand.layout))
    return direct, guesses


class PlateIndex:
    """Registered plates in memory: a dict keyed by the canonical plate, looked up with the
    read's candidates (one per layout, so a handful of dict probes per read)."""

    def __init__(self, plates: Iterable[str] = ()) -> None:
        self._plates: dict[str, str] = {}
        for plate in plates:
            self.add(plate)

    def __len__(self) -> int:
        return len(self._plates)

    def __contains__(self, plate: object) -> bool:
        return plate in self._plates

    def add(self, plate: str) -> None:
        canonical = validate(plate)
        self._plates[canonical] = canonical

    def remove(self, plate: str) -> None:
        self._plates.pop(normalise(plate), None)

    def match(self, raw: str, confidence: float = 1.0, *, rule: MatchRule = DEFAULT_RULE) -> Match:
        direct, guesses = lookups(raw, rule=rule)
        found = {c.plate: c.corrections for c in direct if c.plate in self._plates}
        if found or not guesses:
            return decide(raw, confidence, found, rule=rule)
        found = {c.plate: c.corrections for c in guesses if c.plate in self._plates}
        return decide(raw, confidence, found, rule=rule, province_used=True)
