"""What a person must never read in a message (issue 18, item 5): an id, a machine value
(an enum's code), or a sentence in two languages.

:func:`unreadable` returns what is wrong with one text in one locale (empty: nothing):

- a UUID (or a bare 32-digit hex id) anywhere;
- a code of the contracts' vocabulary (``critical``, ``water_leak``, ``submitted`` ...) or of
  a service's own enums: in zh-CN any of them; in English a code written with ``_`` or in
  CamelCase (``OtherError``), or a vocabulary code that is not itself an English word the
  vocabulary uses (``indeterminate``);
- in zh-CN, a Latin word outside :data:`LATIN_ALLOWED` (units, proper names such as SOS,
  PM2.5, kWh) and the names the caller passed in (a plate, a shop's name);
- in English, a CJK character or a full-width punctuation mark outside the names passed in
  (a person's or a place's name the register keeps only in Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sc_contracts.vocabulary import VOCABULARY

UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[0-9]+)?")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

# Latin a zh-CN reader reads as their own: units, abbreviations said as they are written
LATIN_ALLOWED = frozenset(
    {
        "kWh", "kW", "SOS", "PM2.5", "PM10", "QR", "AQI", "CO", "CO2", "mmHg", "bpm", "km",
        "m", "cm", "kg", "mg", "mL", "dB", "App", "Wi", "Fi", "ID", "B", "A", "C", "AED",
        "mmol", "L", "dL", "SpO2", "PHQ", "Barthel",
    }
)  # fmt: skip

VOCABULARY_CODES = frozenset(code for entries in VOCABULARY.values() for code in entries)
ENGLISH_WORDS = frozenset(
    w.lower()
    for entries in VOCABULARY.values()
    for _, en in entries.values()
    for w in WORD.findall(en)
)


def _without(text: str, names: Iterable[str]) -> str:
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def unreadable(
    text: str, locale: str, *, names: Iterable[str] = (), codes: Iterable[str] = ()
) -> list[str]:
    """What is wrong with ``text`` for a reader of ``locale`` (``names``: the proper names
    passed in, read as they are; ``codes``: the service's own machine values)."""
    wrong = [f"an id: {m}" for m in UUID.findall(text)]
    rest = _without(text, names)
    own = frozenset(codes)
    english = locale.lower().startswith("en")
    for word in WORD.findall(rest):
        if word in VOCABULARY_CODES:
            code = not english or "_" in word or word.lower() not in ENGLISH_WORDS
        elif word in own:  # in English a code that is a plain word ("stolen") reads as one
            code = not english or "_" in word or word[1:] != word[1:].lower()
        else:
            continue
        if code:
            wrong.append(f"a machine value: {word}")
    if english:
        wrong += [f"a Chinese character: {c}" for c in sorted(set(CJK.findall(rest)))]
    else:
        latin = {w for w in LATIN.findall(rest) if w not in LATIN_ALLOWED}
        wrong += [f"a Latin word: {w}" for w in sorted(latin)]
    return wrong


def scan(
    texts: Iterable[tuple[str, str, str]], *, names: Iterable[str] = (), codes: Iterable[str] = ()
) -> list[str]:
    """Every problem of ``texts`` (what, locale, text), each naming where it was found."""
    names, codes = list(names), list(codes)
    out = []
    for what, locale, text in texts:
        for problem in unreadable(text, locale, names=names, codes=codes):
            out.append(f"{what} [{locale}] {problem}: {text!r}")
    return out
