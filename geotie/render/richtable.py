"""Rich's Table with quicker measuring and drawing of plain Text cells: the same output.

Before it lays a table out, Rich measures every cell of every column through its generic
protocol (`Measurement.get` on a `Padding` around each cell, then on the cell): about a
third of the time a bundled timeline table takes to print. Where every cell of a column is
a plain `rich.text.Text` (as geotie's views make them) and its header a `Text` or plain
words, `Table._measure_column` is worked out here with the same arithmetic on the cells'
text (Rich's own `cell_len`, `Text.__rich_measure__`'s rule: the widest word and the widest
line), step for step as `Measurement.get`, `Padding.__rich_measure__` and
`Table._measure_column` do it. Any other column is left to Rich.

Then Rich draws each cell through three layers of its generic protocol (`render_lines` of a
`Padding`, whose `render_lines` renders the `Text`, each layer splitting, cropping and padding
the segments again): about two thirds of the rest. A plain Text cell (no top or bottom
padding, the usual end) is drawn here in one pass: Rich's own `Text.wrap` and `Text.render`
for its lines, `Segment.adjust_line_length` to pad them, the padding and the cell's style
added as those layers add them (`_cell_lines`). Table._render is Rich's, given the console
through a wrapper whose `render_lines` takes that path; any other cell is left to Rich.

Property tests compare the printed output, every style included, with Rich's own Table on
generated tables and console widths.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
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
    """rich.table.Table, but for how its columns of plain Text are measured and their cells
    drawn (see the module)."""

    #: The widths of the columns (padding included) the table was last drawn with.
    widths: list[int] | None = None

    def _render(self, console, options, widths):  # type: ignore[override]
        self.widths = list(widths)
        return super()._render(_Console(console), options, widths)

    def fix_widths(self, widths: list[int]) -> None:
        """Each column drawn exactly `widths[i]` wide, padding included (as another table of
        the same columns was laid out: `widths`), whatever its cells."""
        for i, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            column.width = max(0, width - self._get_padding_width(i))
            column.ratio = column.min_width = column.max_width = None
        self.expand = False
        self.width = sum(widths) + self._extra_width  # also where Rich drew it wider than the console

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


def _cell_lines(console, padding, options, style) -> list[list[Segment]] | None:
    """What `console.render_lines(padding, options, style=style)` gives for a Padding around
    a plain Text (a cell as Table._get_cells wraps it); None for anything else."""
    text = padding.renderable
    if (
        type(text) is not Text
        or not padding.expand
        or padding.top
        or padding.bottom
        or options.height is not None
        or text.end != "\n"
    ):
        return None  # Rich: a str (markup, emoji, highlighting), another renderable, or padding above/below
    left, right = padding.left, padding.right
    inner = options.max_width - left - right
    pstyle = console.get_style(padding.style)
    if inner < 1 or pstyle:  # Rich renders nothing, or styles the text with the padding's style
        return None
    tab_size = console.tab_size if text.tab_size is None else text.tab_size
    no_wrap = text.no_wrap if text.no_wrap is not None else (options.no_wrap if options.no_wrap is not None else False)
    lines = text.wrap(
        console,
        inner,
        justify=text.justify or options.justify or "default",
        overflow=text.overflow or options.overflow or "fold",
        tab_size=tab_size or 8,
        no_wrap=no_wrap,
    )
    adjust = Segment.adjust_line_length
    first = [Segment(" " * left, pstyle)] if left else []
    last = [Segment(" " * right, pstyle)] if right else []
    out = []
    get_style = console.get_style
    for line in lines or [Text()]:
        if line.spans or not line.style:
            segments = list(line.render(console))
        else:  # Text.render leaves out the style of a Text without spans (Text.join makes it one)
            plain = line.plain
            segments = [Segment(plain, get_style(line.style, default=Style.null()))] if plain else []
        row = first + adjust(segments, inner, style=pstyle, pad=True) + last
        if style:
            add = style.__add__
            row = [Segment(t, add(s)) for t, s, _ in row]
        out.append(row)
    return out


class _Console:
    """The console as Table._render sees it: its render_lines draws plain Text cells itself."""

    def __init__(self, console) -> None:
        self._console = console

    def __getattr__(self, name: str):
        return getattr(self._console, name)

    def render_lines(self, renderable, options=None, *, style=None, pad=True, new_lines=False):
        if type(renderable) is Padding and pad and not new_lines and options is not None:
            lines = _cell_lines(self._console, renderable, options, style)
            if lines is not None:
                return lines
        return self._console.render_lines(renderable, options, style=style, pad=pad, new_lines=new_lines)
