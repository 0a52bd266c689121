"""Rich's Table with a quicker measuring pass: the same widths, so the same output.

Before it lays a table out, Rich measures every cell of every column through its generic
protocol (`Measurement.get` on a `Padding` around each cell, then on the cell): about a
third of the time a bundled timeline table takes to print. Where every cell of a column is
a plain `rich.text.Text` (as geotie's views make them) and its header a `Text` or plain
words, `Table._measure_column` is worked out here with the same arithmetic on the cells'
text (Rich's own `cell_len`, `Text.__rich_measure__`'s rule: the widest word and the widest
line), step for step as `Measurement.get`, `Padding.__rich_measure__` and
`Table._measure_column` do it. Any other column is left to Rich. A property test compares
the printed output with Rich's own Table on generated tables and console widths.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table as RichTable
from rich.text import Text


def _text_width(plain: str) -> tuple[int, int]:
    """Text.__rich_measure__: (the widest word, the widest line)."""
    lines = plain.splitlines()
    widest = max(map(cell_len, lines)) if lines else 0
    words = plain.split()
    return (max(map(cell_len, words)) if words else widest), widest


def _got(low: int, high: int, width: int) -> tuple[int, int]:
    """What Measurement.get makes of a renderable's own measurement, for `width` columns."""
    low = min(max(0, low), high)  # normalize
    low, high = max(0, low), max(0, low, high)
    low, high = min(low, width), min(high, width)  # with_maximum
    if high < 1:
        return 0, 0
    low = min(max(0, low), high)  # normalize
    return max(0, low), max(0, low, high)


def _plain(cell: object) -> str | None:
    """The text of a cell measured here; None for any other renderable (Rich measures it)."""
    if type(cell) is Text:
        return cell.plain
    if type(cell) is str and (not cell or cell.replace(" ", "").isalnum()):  # plain words: no markup, no emoji
        return cell
    return None


class Table(RichTable):
    """rich.table.Table, but for how its columns of plain Text are measured (see the module)."""

    def _measure_column(self, console, options, column) -> Measurement:  # type: ignore[override]
        texts = [column.header] if self.show_header else []
        texts += column._cells
        plains = [_plain(cell) for cell in texts]
        if column.width is not None or self.show_footer or options.max_width < 1 or None in plains:
            return super()._measure_column(console, options, column)
        width = options.max_width
        _, right, _, left = self.padding
        first, last = column._index == 0, column._index == len(self.columns) - 1
        if self.collapse_padding and not first:
            left = max(0, left - right)
        if not self.pad_edge:
            left = 0 if first else left
            right = 0 if last else right
        padded, extra = any(self.padding), left + right
        lows, highs = [], []
        for plain in plains:
            low, high = _got(*_text_width(plain), width)  # type: ignore[arg-type]
            if padded:  # Padding.__rich_measure__, then Measurement.get on the Padding
                low, high = (width, width) if width - extra < 1 else (min(low + extra, width), min(high + extra, width))
                low, high = _got(low, high, width)
            lows.append(low)
            highs.append(high)
        pad = self._get_padding_width(column._index)
        measured = Measurement(max(lows) if lows else 1, max(highs) if highs else width).with_maximum(width)
        return measured.clamp(
            None if column.min_width is None else column.min_width + pad,
            None if column.max_width is None else column.max_width + pad,
        )
