"""`make test` fails on an untranslated msgid in the zh-hans catalogue and on template text outside a translation tag."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
APPS = ("core", "portal", "building", "devices", "security", "canteen")

# Removed before looking for words: comments, tags, variables, scripts/styles, then markup.
STRIP = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"<code\b.*?</code>", re.S | re.I),  # commands and identifiers are not language
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]
ATTRIBUTE_TEXT = re.compile(r'\b(?:aria-label|placeholder|title|alt|data-confirm(?:-ok|-title)?)="([^"]*)"')
WORDS = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")
UNITS = re.compile(r"\b(?:k?Wh|kW|ms|MB|KB)\b")  # SI-style unit symbols read the same in every language


def _templates() -> list[Path]:
    found: list[Path] = []
    for app in APPS:
        found += sorted((ROOT / app).rglob("templates/**/*.html"))
    return found


def untranslated_text(source: str) -> list[str]:
    """Words a person would read that do not pass through a translation tag."""
    text = source
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    problems = [f'attribute "{v}"' for v in ATTRIBUTE_TEXT.findall(text) if WORDS.search(v)]
    text = re.sub(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""", " ", text)
    text = re.sub(r"&#?\w+;", " ", text)
    text = UNITS.sub(" ", text)
    problems += [chunk.strip() for chunk in re.split(r"\s{2,}|\n", text) if WORDS.search(chunk)]
    return problems


def test_the_scanner_catches_what_it_should() -> None:
    assert untranslated_text("<p>Hello</p>") == ["Hello"]
    assert untranslated_text('<button aria-label="关闭">x</button>') == ['attribute "关闭"']
    assert untranslated_text("<p>{% translate 'Hello' %} ¥{{ x }} · 3 × ✓</p>{# note #}<script>var a = 'b';</script>") == []


def test_every_template_string_is_inside_a_translation_tag() -> None:
    templates = _templates()
    assert len(templates) > 20
    problems = {str(p.relative_to(ROOT)): found for p in templates if (found := untranslated_text(p.read_text(encoding="utf-8")))}
    assert problems == {}, f"text outside {{% translate %}}: {problems}"


def test_every_msgid_in_the_zh_hans_catalogue_is_translated() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [
        (e.msgctxt, e.msgid)
        for e in catalogue
        if not e.obsolete and ("fuzzy" in e.flags or not (e.msgstr or (all(e.msgstr_plural.values()) and e.msgstr_plural)))
    ]
    assert missing == [], f"untranslated in {CATALOGUE.name} (add them to locale/pending/<branch>.json, then make messages)"


def test_the_compiled_catalogue_is_not_older_than_the_source() -> None:
    assert CATALOGUE.with_suffix(".mo").stat().st_mtime >= CATALOGUE.stat().st_mtime - 1
