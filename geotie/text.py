"""Text helpers: accent/case-insensitive matching, safe display, suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata

# Letters that NFKD does not split into a base letter plus a mark.
_FOLD = str.maketrans({"ı": "i", "ə": "e", "Ə": "e", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "æ": "ae"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, keep letters and digits only, single spaces.

    `fold("Türkiye") == fold("turkiye")`, `fold("Erdoğan") == "erdogan"`.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).strip()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Like `fold` but character by character, with the index in `text` of each output
    character, so a match in the folded text can be mapped back to the original."""
    out: list[str] = []
    where: list[int] = []
    last_space = True
    for i, ch in enumerate(text):
        piece = fold(ch) if not ch.isspace() else ""
        if not piece:
            if not last_space:
                out.append(" ")
                where.append(i)
                last_space = True
            continue
        for c in piece:
            out.append(c)
            where.append(i)
        last_space = False
    return "".join(out), where


def suggest(word: str, choices: list[str], n: int = 1) -> list[str]:
    """Nearest spellings among `choices` (compared folded), best first."""
    folded = {}
    for c in choices:
        folded.setdefault(fold(c), c)
    hits = difflib.get_close_matches(fold(word), list(folded), n=n, cutoff=0.6)
    return [folded[h] for h in hits]


_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def is_control(ch: str) -> bool:
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F or o in _BIDI


def visible(text: str, keep_newlines: bool = False) -> str:
    """Replace control characters (C0, DEL, C1, bidi overrides) with visible escapes,
    so data never drives the terminal. Newlines survive only when asked."""
    if not any(is_control(c) for c in text):
        return text
    out = []
    for c in text:
        if keep_newlines and c == "\n":
            out.append(c)
        elif is_control(c):
            out.append(
                "\\t"
                if c == "\t"
                else "\\n"
                if c == "\n"
                else f"\\u{ord(c):04x}"
                if ord(c) > 0xFF
                else f"\\x{ord(c):02x}"
            )
        else:
            out.append(c)
    return "".join(out)


_QUOTE_MARKS = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"', "–": "-", "—": "-"}
)
_SPACE = re.compile(r"\s+")


def loose(text: str) -> str:
    """Text for comparing a quote with its source: NFC, straight quote marks and dashes,
    single spaces. Letters, case and punctuation otherwise stay as they are."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)).strip()


def quote_in(quote: str, source_text: str) -> bool:
    """True when `quote` appears verbatim in `source_text`, up to white space and quote marks."""
    return loose(quote) in loose(source_text)
