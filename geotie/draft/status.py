"""A first guess at an event's status from the wording of its sentence: a guess, always
shown as such for the curator to confirm."""

from __future__ import annotations

import re
from typing import NamedTuple

#: (status, cue pattern) in the order they are tried: a plan reported by others is a plan.
_CUES = (
    (
        "planned",
        r"\b(?:will|shall|is set to|are set to|is expected to|are expected to|is scheduled|are scheduled|"
        r"plans? to|is to|are to|is going to|are going to|would (?:visit|travel|hold|sign|meet|attend)|"
        r"itinerary|anticipated|upcoming|is likely to|are likely to)\b",
    ),
    (
        "reported",
        r"\b(?:reports? (?:indicate|suggest|say)s?|reportedly|according to|analysts?|observers say|is said to|"
        r"are said to|allegedly|alleged|sources say|may be|might be|indications?)\b",
    ),
    (
        "ongoing",
        r"\b(?:under ?way|ongoing|continues? to|continuing|currently|has always|have always|still|"
        r"is working|are working|remains?|enjoys?)\b",
    ),
)
_PATTERNS = tuple((status, re.compile(cue, re.IGNORECASE)) for status, cue in _CUES)


class Guess(NamedTuple):
    status: str  # occurred | planned | ongoing | reported
    cue: str  # the words that suggested it ("" for the default, occurred)


def guess_status(text: str) -> Guess:
    for status, pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            return Guess(status, m.group())
    return Guess("occurred", "")
