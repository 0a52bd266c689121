"""What a text says, as far as `geotie check` reads it: names, numbers and relative dates.

Pure functions over strings, used by the lints that compare an event's claims (title,
summary, date) with its quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

from .text import fold

if TYPE_CHECKING:
    from .model import Actor

# --- names ---------------------------------------------------------------------------------


def name_keys(names: list[str]) -> list[str]:
    """`names` as `named` looks for them (folded, empty ones left out)."""
    return [key for key in (fold(n) for n in names) if key]


def folded_words(text: str) -> str:
    """`text` as `named` looks in it: folded, with a space at each end."""
    return f" {fold(text)} "


def named(words: str, keys: list[str]) -> bool:
    """True when one of `keys` (`name_keys`) stands in `words` (`folded_words`) as whole words;
    a plural -s counts ("Azerbaijanis")."""
    return any(f" {key} " in words or f" {key}s " in words for key in keys)


def names_in(text: str, names: list[str]) -> bool:
    """True when one of `names` stands in `text` as whole words, case and accents ignored
    (`fold`, so "Azerbaijan’s" names Azerbaijan); a plural -s counts ("Azerbaijanis")."""
    return named(folded_words(text), name_keys(names))


def surname(actor: Actor) -> str:
    """A person's surname, folded (the last word of a name of two words or more), else ""."""
    words = fold(actor.name).split()
    return words[-1] if actor.kind == "person" and len(words) > 1 else ""


def unique_surnames(actors: Iterable[Actor]) -> dict[str, str]:
    """Person id -> surname, for the surnames no other person has: "Minister Güler" names
    Yasar Güler, "Sharif" names no Sharif in particular."""
    by_name: dict[str, list[str]] = {}
    for actor in actors:
        if name := surname(actor):
            by_name.setdefault(name, []).append(actor.id)
    return {ids[0]: name for name, ids in by_name.items() if len(ids) == 1}


# --- numbers -------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?|(?<=[A-Za-z-])\d+(?:\.\d+)?")

_CARDINALS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_CARDINALS += " sixteen seventeen eighteen nineteen twenty"
_WORDS = {w: i for i, w in enumerate(_CARDINALS.split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_WORDS.update({"hundred": 100, "thousand": 1000, "dozen": 12, "once": 1, "twice": 2, "both": 2, "single": 1})
_ORDINAL_WORDS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth"
_ORDINAL_WORDS += " fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
_ORDINALS = {w: i + 1 for i, w in enumerate(_ORDINAL_WORDS.split())}


def _normal(digits: str) -> str:
    """ "1,200" -> "1200", "4.50" -> "4.5", "007" -> "7"."""
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return digits
    return format(value.normalize(), "f")


def numbers(text: str) -> list[str]:
    """The numbers written in digits in `text`, normalised ("1,200" -> "1200", "40%" ->
    "40", "8th" -> "8", "JF-17" -> "17"), in order."""
    return [_normal(m.group()) for m in _NUMBER.finditer(text)]


def number_word(word: str) -> int | None:
    """The value of a number or ordinal written as a word ("seven", "sixteenth"), else None."""
    word = word.lower()
    return _WORDS.get(word, _ORDINALS.get(word))


def numbers_said(text: str) -> set[str]:
    """Every number `text` gives, in digits or as a word ("eight", "eighth", "twice")."""
    found = set(numbers(text))
    for word in fold(text).split():
        value = _WORDS.get(word, _ORDINALS.get(word))
        if value is not None:
            found.add(str(value))
    return found


# --- relative dates ------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
_MONTHS += ("November", "December")
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_UNITS = r"week|weekend|month|year|day|night|morning|evening|afternoon|spring|summer|autumn|fall|winter|quarter"

#: Expressions anchored on the day the source was written: what they give is only as
#: precise as the source's date.
_ANCHORED = re.compile(
    rf"\b(?:(?:last|next|this|past|coming|previous) (?:{_UNITS})"
    rf"|(?:late |early )?(?:on |last |next |this )?(?:{_WEEKDAYS})(?: (?:night|morning|evening|afternoon))?"
    r"|yesterday|tomorrow|today|tonight|recently|in recent (?:days|weeks|months|years)"
    r"|(?:a|one|two|three|four|five|six|several|few|\d+) (?:days?|weeks?|months?|years?) ago"
    r"|(?:earlier|later) today"
    r"|(?:earlier|later) this (?:week|month|year)"
    r"|(?:earlier|later) in the (?:week|month|year))\b",
    re.IGNORECASE,
)
#: Expressions anchored on another date of the text ("the following day"), or giving a
#: month or day without its year ("earlier in February", "on May 18"): the year or day
#: comes from elsewhere, so how it was found belongs in the date_note.
_IMPLICIT = re.compile(
    r"\b(?:the (?:following|next|previous|same) (?:day|week|month|year|morning|evening|night)"
    r"|the day (?:before|after)|a (?:day|week|month) (?:later|earlier|before|after)"
    rf"|(?:earlier|later) (?:in|this) (?:{'|'.join(_MONTHS)})"
    rf"|(?:last|next|this) (?:{'|'.join(_MONTHS)}))\b",
    re.IGNORECASE,
)
# A month name (capitalised: "may" is a verb), with its day if it has one.
_MONTH = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}}) )?(?P<month>{'|'.join(_MONTHS)})\b(?: (?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b)?"
)
_YEAR_AFTER = re.compile(r"[^.;!?]{0,30}?\b\d{4}\b")  # "January 23-24, 2025", "January and February 2025"
_YEAR_BEFORE = re.compile(r"\b\d{4}\b[^.;!?]{0,40}$")  # "In 2025, in May"
_NOT_MAY = ("in", "of", "since", "until", "by", "early", "mid", "late", "last", "next", "this", "from", "to")


class Relative(NamedTuple):
    phrase: str  # as written
    anchored: bool  # on the source's own date (last week, yesterday) rather than on another date or the year
    unit: str = ""  # of an anchored expression: the step it counts in, "day", "week", "month" or "year"
    start: int = -1  # where the phrase stands in the text (text[start:end] == phrase)
    end: int = -1


_UNIT_WORDS = (
    ("year", re.compile(r"year|spring|summer|autumn|fall|winter|quarter", re.IGNORECASE)),
    ("month", re.compile(r"month", re.IGNORECASE)),
    ("week", re.compile(r"week", re.IGNORECASE)),
)


def _unit(phrase: str) -> str:
    return next((unit for unit, pattern in _UNIT_WORDS if pattern.search(phrase)), "day")


def relative_dates(text: str) -> list[Relative]:
    """The relative date expressions in `text`, in order: "last week", "on Tuesday",
    "the following day", "earlier in February", a month or day without a year ("May 18"),
    each with where it stands (`start`, `end`). `geotie draft` resolves them (geotie.draft.when)."""
    found: list[tuple[int, Relative]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, anchored: bool) -> None:
        if any(a < m.end() and m.start() < b for a, b in taken):
            return
        taken.append(m.span())
        raw = m.group()
        phrase = raw.strip()
        start = m.start() + len(raw) - len(raw.lstrip())
        found.append((start, Relative(phrase, anchored, _unit(phrase) if anchored else "", start, start + len(phrase))))

    for m in _ANCHORED.finditer(text):
        add(m, True)
    for m in _IMPLICIT.finditer(text):
        add(m, False)
    for m in _MONTH.finditer(text):
        if _YEAR_AFTER.match(text, m.end()) or _YEAR_BEFORE.search(text[: m.start()]):
            continue
        if m.group("month") == "May" and not (m.group("day") or m.group("day2")):
            before = text[: m.start()].rstrip().rsplit(" ", 1)[-1].lower()
            if before not in _NOT_MAY:
                continue  # "May" as a verb starting a sentence
        add(m, False)
    found.sort()
    return [r for _, r in found]
