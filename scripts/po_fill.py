"""Fill the zh_Hans catalogue from JSON files of {"English msgid": "中文"} (polib).

    make messages   # makemessages, then this, then compilemessages

Entries makemessages marked fuzzy carry a guess made from a similar string (often wrong:
"On time" guessed as "时间"): a JSON translation replaces the guess, otherwise the guess is
cleared, so nothing unreviewed is ever compiled. Prints what is still untranslated.
"""

import json
import sys
from pathlib import Path

import polib


def fill(po: polib.POFile, translations: dict[str, str]) -> list[str]:
    for entry in po:
        if entry.obsolete or entry.msgid_plural:
            continue
        # A python-format msgid doubles a literal percent sign: "On time %%" is "On time %".
        # pgettext entries are keyed "context\u0004msgid", as gettext itself stores them.
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        wanted = translations.get(key) or translations.get(key.replace("%%", "%"))
        if wanted is not None and "python-format" in entry.flags and "%%" in entry.msgid:
            wanted = wanted.replace("%%", "%").replace("%", "%%")
        if wanted is not None and (not entry.msgstr or entry.fuzzy):
            entry.msgstr = wanted
        elif entry.fuzzy:
            entry.msgstr = ""
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgctxt = None
    return [e.msgid for e in po if not e.obsolete and not e.msgid_plural and not e.msgstr]


if __name__ == "__main__":
    catalogue = polib.pofile(sys.argv[1])
    merged: dict[str, str] = {}
    for source in sys.argv[2:]:
        merged.update(json.loads(Path(source).read_text()))
    missing = fill(catalogue, merged)
    catalogue.save()
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
