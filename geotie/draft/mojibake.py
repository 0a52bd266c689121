"""Mojibake: UTF-8 text that was decoded as Windows-1252 or Latin-1 on its way ("ErdoÄŸan" for
"Erdoğan"). `repair` gives the text the writer meant, for matching names only: quotes are
always the article's own characters, spoiled or not."""

from __future__ import annotations

import re

#: A run of characters that UTF-8 bytes read as cp1252/Latin-1 turn into: a lead byte
#: (Â-ô) followed by continuation bytes (0x80-0xBF, which cp1252 shows as € ‚ ƒ „ … Ÿ and
#: Latin-1 as the C1 controls and  -¿).
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e"
    "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_RUN = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")


def _byte(ch: str) -> int | None:
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(ch) if ord(ch) < 256 else None  # the bytes cp1252 leaves undefined come through as Latin-1


def _fix(m: re.Match) -> str:
    raw = [_byte(c) for c in m.group()]
    if None in raw:
        return m.group()
    try:
        return bytes(raw).decode("utf-8")  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return m.group()


def repair(text: str) -> str:
    """`text` with each run that is UTF-8 read as cp1252 (or Latin-1) decoded again; other
    text unchanged. Text without such runs is returned as it is."""
    if text.isascii():
        return text
    return _RUN.sub(_fix, text)


def spoiled(text: str) -> list[tuple[str, str]]:
    """The (spoiled, repaired) runs of `text`, for telling the curator."""
    return [(m.group(), _fix(m)) for m in _RUN.finditer(text) if _fix(m) != m.group()]
