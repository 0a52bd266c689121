"""Text helpers: accent/case-insensitive matching, safe display, suggestions, sizes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

# Letters that NFKD does not split into a base letter plus a mark.
_FOLD_PAIRS = (
    ("ı", "i"), ("ə", "e"), ("Ə", "e"), ("ø", "o"), ("Ø", "o"), ("ł", "l"), ("Ł", "l"), ("đ", "d"), ("æ", "ae"),
)  # fmt: skip
_FOLD = str.maketrans(dict(_FOLD_PAIRS))
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, keep letters and digits only, single spaces.

    `fold("Türkiye") == fold("turkiye")`, `fold("Erdoğan") == "erdogan"`.
    """
    if text.isascii():  # the common case, at C speed
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).strip()


#: ASCII -> itself for letters, digits and line feeds, a space for the rest (after lower()).
_ASCII_WORD = {c: c if chr(c) in "0123456789abcdefghijklmnopqrstuvwxyz\n" else 32 for c in range(128)}


def fold_lines(texts: list[str]) -> list[str]:
    """`fold` of each text, in bulk (a search prefilter for every event): the same steps run
    over all the texts joined, at C speed, instead of once per text."""
    out = [""] * len(texts)
    for ascii_only in (True, False):
        where = [i for i, text in enumerate(texts) if text.isascii() is ascii_only]
        if where:
            joined = "\n".join(texts[i].replace("\n", " ") for i in where)
            for i, line in zip(where, _fold_joined(joined, ascii_only).split("\n"), strict=True):
                out[i] = " ".join(line.split())
    return out


def _fold_joined(joined: str, ascii_only: bool) -> str:
    if ascii_only:
        return joined.lower().translate(_ASCII_WORD)  # an ASCII-only table: CPython's fast path
    for ch, plain in _FOLD_PAIRS:  # str.translate with a dict looks up every character
        if ch in joined:
            joined = joined.replace(ch, plain)
    joined = unicodedata.normalize("NFKD", joined.casefold())
    marks = "".join(c for c in set(re.sub(r"[\x00-\x7f]+", "", joined)) if unicodedata.combining(c))
    if marks:
        joined = re.sub(f"[{re.escape(marks)}]", "", joined)
    return joined.encode("ascii", "replace").decode("ascii").translate(_ASCII_WORD)  # other letters: "?" -> " "


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Like `fold` but character by character, with the index in `text` of each output
    character, so a match in the folded text can be mapped back to the original."""
    if text.isascii():
        return _fold_ascii_with_map(text)
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


def _fold_ascii_with_map(text: str) -> tuple[str, list[int]]:
    """fold_with_map for ASCII text, a word at a time: each run of other characters between
    words becomes one space (at the run's first character), as one after the last word."""
    out: list[str] = []
    where: list[int] = []
    last = -1  # where the previous word ends
    for m in re.finditer(r"[0-9a-z]+", text.lower()):
        start, stop = m.span()
        if last >= 0:
            out.append(" ")
            where.append(last)
        out.append(m.group())
        where.extend(range(start, stop))
        last = stop
    if 0 <= last < len(text):
        out.append(" ")
        where.append(last)
    return "".join(out), where


def suggest(word: str, choices: list[str], n: int = 1) -> list[str]:
    """Nearest spellings among `choices` (compared folded), best first."""
    folded = {}
    for c in choices:
        folded.setdefault(fold(c), c)
    import difflib  # only when a name is not found

    hits = difflib.get_close_matches(fold(word), list(folded), n=n, cutoff=0.6)
    return [folded[h] for h in hits]


def suggest_ids(typed: str, ids: Collection[str], n: int = 5) -> tuple[list[str], int]:
    """Ids for something typed that is not one, and how many more there are: the ids that
    start with it, then those that contain it, compared folded with spaces and punctuation
    ignored (`jf17` and `JF-17` find `baku-interest-in-jf17`); failing those, the nearest
    spelling."""
    key = fold(typed).replace(" ", "")
    starting: list[str] = []
    containing: list[str] = []
    if key:
        for ident in ids:
            squashed = fold(ident).replace(" ", "")
            if squashed.startswith(key):
                starting.append(ident)
            elif key in squashed:
                containing.append(ident)
    found = sorted(starting) + sorted(containing)
    if not found:
        return suggest(typed, list(ids)), 0
    return found[:n], max(0, len(found) - n)


def did_you_mean(near: list[str], more: int = 0) -> str:
    """`did you mean 'a'?`, `did you mean 'a' or 'b'?`, `... 'e' (or 3 more)?`; "" for none."""
    if not near:
        return ""
    quoted = [f"'{x}'" for x in near]
    listing = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"did you mean {listing}" + (f" (or {more} more)" if more else "") + "?"


#: Control characters: C0, DEL, C1 and the bidirectional overrides and isolates. None of them
#: is printable (str.isprintable), so text that is printable has none: the pattern is compiled
#: only when some text is not.
CONTROL_PATTERN = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_control(ch: str) -> str:
    r"""`\t`, `\n`, `\r`, `\xNN` or `\uNNNN` for one control character."""
    return _NAMED.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")


_TSV_SPECIAL = r"\\|" + CONTROL_PATTERN
_TSV_ESCAPE = r"\\(?:(\\)|([tnr])|x([0-9a-f]{2})|u([0-9a-f]{4}))"  # compiled when first used (csv, md)
_UNNAMED = {"t": "\t", "n": "\n", "r": "\r"}


def tsv_cell(value: str) -> str:
    r"""A TSV cell: backslash and control characters escaped (`\\`, `\t`, `\n`, `\r`, `\xNN`,
    `\uNNNN`), so a record is one line and the escaping can be undone (`tsv_cells`)."""
    if value.isprintable() and "\\" not in value:  # no pattern to compile in the common case
        return value
    return re.sub(_TSV_SPECIAL, lambda m: "\\\\" if m.group() == "\\" else escape_control(m.group()), value)


def tsv_line(cells: tuple[str, ...] | list[str]) -> str:
    """The cells as one TSV record (without its line feed)."""
    whole = "".join(cells)  # one look at the whole row: most need no escape
    if whole.isprintable() and "\\" not in whole:
        return "\t".join(cells)
    return "\t".join(tsv_cell(c) for c in cells)


def _unescape(m: re.Match) -> str:
    backslash, named, byte, code = m.groups()
    return backslash or (_UNNAMED[named] if named else chr(int(byte or code, 16)))


def tsv_cells(line: str) -> tuple[str, ...]:
    """The cells of a `tsv_line`, unescaped."""
    cells = line.split("\t")
    if "\\" not in line:
        return tuple(cells)
    return tuple(re.sub(_TSV_ESCAPE, _unescape, c) if "\\" in c else c for c in cells)


#: What `visible` escapes: the control characters, and lone surrogates (bytes of a file name or
#: argument that are not UTF-8), which no terminal encoding can write.
_UNSHOWABLE = CONTROL_PATTERN[:-1] + "\ud800-\udfff]"


def visible(text: str) -> str:
    """Text that may hold anything (store strings, file paths, arguments, exception text) as it
    is shown to a person: every control character and lone surrogate becomes a visible escape
    (`\\x1b`, `\\u202e`, `\\n`), so data never drives the terminal. The one place that decides
    this: terminal tables, Markdown, CSV on a terminal and every message go through it."""
    if text.isprintable():
        return text
    return re.sub(_UNSHOWABLE, lambda m: escape_control(m.group()), text)


_QUOTE_MARKS = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"', "–": "-", "—": "-"}
)


def loose(text: str) -> str:
    """Text for comparing a quote with its source: NFC, straight quote marks and dashes,
    single spaces. Letters, case and punctuation otherwise stay as they are."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)).strip()


def quote_in(quote: str, source_text: str) -> bool:
    """True when `quote` appears verbatim in `source_text`, up to white space and quote marks."""
    return loose(quote) in loose(source_text)


def byte_size(n: float) -> str:
    """`n` bytes as a person reads them: "512 B", "56.3 KB", "517.5 MB", "1.0 GB" (units of 1024)."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover
