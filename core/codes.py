"""One strict grammar for every code a person presents (pay codes, staff QR codes, visitor
passes, card numbers): ASCII only, no leading zeros in numbers, fixed lengths where the format
has them.

Why: `str.isdigit()` and `int()` accept fullwidth (３) and Arabic-Indic (٣) digits and leading
zeros, so one code had many spellings; a single-use record keyed on the raw text let each
spelling pay again. Every format below is parsed into ONE canonical string, and both the
single-use record and every lookup use that canonical value only.

The kernel holds only the grammar; each domain builds its format from these pieces.
"""

from __future__ import annotations

import re

# Any ASCII whitespace a scanner adds around a code is dropped; nothing else is "cleaned".
_EDGE_SPACE = " \t\r\n"
# A decimal number as canonical text: 0, or a non-zero ASCII digit followed by ASCII digits.
NUMBER = r"(?:0|[1-9][0-9]*)"
POSITIVE = r"[1-9][0-9]*"


class CodeError(ValueError):
    """The text is not a well-formed code of the expected format."""


def printable_ascii(text: str, *, max_length: int) -> str:
    """`text` without surrounding ASCII whitespace, or CodeError if anything else is off:
    non-ASCII characters (fullwidth, Arabic-Indic digits, homoglyphs), controls, inner
    whitespace, or more than `max_length` characters."""
    if not isinstance(text, str):
        raise CodeError("not text")
    stripped = text.strip(_EDGE_SPACE)
    if not stripped or len(stripped) > max_length:
        raise CodeError("empty or too long")
    if not all("!" <= ch <= "~" for ch in stripped):  # 0x21..0x7E: no space, no control, no Unicode
        raise CodeError("only printable ASCII characters are allowed")
    return stripped


def match(pattern: re.Pattern[str], text: str, *, max_length: int) -> re.Match[str]:
    """The full match of a compiled ASCII pattern, or CodeError."""
    found = pattern.fullmatch(printable_ascii(text, max_length=max_length))
    if found is None:
        raise CodeError("does not match the format")
    return found


def compile_ascii(pattern: str) -> re.Pattern[str]:
    """re.ASCII so \\d, \\w and case folding never reach beyond ASCII."""
    return re.compile(pattern, re.ASCII)
