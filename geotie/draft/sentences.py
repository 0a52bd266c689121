"""An article's text cut into paragraphs and sentences, each kept as its exact characters
(`text[start:end]`), so a quote taken from it is verbatim by construction."""

from __future__ import annotations

import re
from typing import NamedTuple


class Sentence(NamedTuple):
    text: str  # exactly the article's characters
    start: int  # offsets in the article's text
    end: int
    paragraph: int  # 1-based
    number: int  # 1-based, in the paragraph
    prose: bool  # its paragraph reads as running text (ends as a sentence does), not a heading or a link


#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS_TEXT = """
mr mrs ms dr st no nos gen lt col maj capt sgt gov sen rep jr sr prof vs etc inc ltd co corp dept est approx jan
feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e
"""
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
_PARAGRAPH = re.compile(r"[^\S\n]*(?:\r?\n|\r)(?:[^\S\n]*(?:\r?\n|\r))*")
#: A possible end: . ! ? or …, closing quotes or brackets, then white space and what may start a sentence.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9À-ÖØ-Þ])")
_PROSE_END = re.compile(r"[.!?…][\"”’')\]]*\s*$")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of `text` (articles put a paragraph on a line)."""
    out = []
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        if text[pos : m.start()].strip():
            out.append(_trim(text, pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append(_trim(text, pos, len(text)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ends_sentence(text: str, m: re.Match, start: int) -> bool:
    if m.group()[0] != ".":
        return True
    word = re.search(r"([\w.]+)$", text[start : m.start()])
    if word is None:
        return True
    token = word.group(1).lower().rstrip(".")
    if token in _ABBREVIATIONS:
        return False
    return not (len(token) == 1 and token.isalpha())  # an initial: "Abdullah M. Kashif"


QUOTATION = 400  # characters: a quotation up to this long stays one sentence with its attribution


def _short_quotation(body: str, start: int, end: int) -> bool:
    """A short “quotation” is open at `end`: its sentences stay together, with the words that
    attribute it (“... So we can work together,” said President Aliyev.). A long one is cut
    into its sentences."""
    if body.count("“", start, end) <= body.count("”", start, end):
        return False
    close = body.find("”", end)
    return close != -1 and close - start <= QUOTATION


def sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, in order."""
    out: list[Sentence] = []
    for p, (start, end) in enumerate(paragraphs(text), 1):
        body = text[start:end]
        prose = bool(_PROSE_END.search(body))
        pieces = []
        pos = 0
        for m in _END.finditer(body):
            if _ends_sentence(body, m, pos) and not _short_quotation(body, pos, m.end()):
                pieces.append((pos, m.end()))
                pos = m.end()
        pieces.append((pos, len(body)))
        n = 0
        for a, b in pieces:
            a, b = _trim(body, a, b)
            if a < b:
                n += 1
                out.append(Sentence(body[a:b], start + a, start + b, p, n, prose))
    return out
