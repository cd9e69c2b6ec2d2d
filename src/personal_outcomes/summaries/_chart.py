"""Charts of summaries: review levels per outcome as horizontal stacked bars.

Drawing needs matplotlib, an optional extra (``pip install 'personal-outcomes[charts]'``).
It is imported only when a chart is drawn, so the rest of the package never needs it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from attrs import frozen

from personal_outcomes.errors import MissingExtraError, TooManyPanelsError
from personal_outcomes.frameworks import Framework, Registry
from personal_outcomes.summaries._output import shown_group_value, whole_bytes
from personal_outcomes.summaries._summary import Summary, SummaryRow

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import SubFigure

ChartFormat = Literal["png", "svg"]
#: The file endings a chart can be written to, and the format of each.
CHART_SUFFIXES: Final[dict[str, ChartFormat]] = {".png": "png", ".svg": "svg"}

_WIDTH: Final = 9.0  # inches
_DPI: Final = 100
_BAR_HEIGHT: Final = 0.32  # inches per outcome
_PANEL_EXTRA: Final = 1.6  # inches per panel: its title, legend and axis
_FIGURE_EXTRA: Final = 0.9  # inches: the figure's title and notes
#: Hatches of the levels in scale order (cycled), so that they differ without colour.
_HATCHES: Final = ("", "///", "...", "\\\\\\", "++", "---", "ooo")
_UNRATED_HATCH: Final = "xxx"
#: The most panels (groups times frameworks) a chart has: drawing more takes minutes.
MAX_PANELS: Final = 24
_PERIOD_NAMES: Final = {
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "financial-year": "financial year",
}


def chart_format(path: str | os.PathLike[str]) -> ChartFormat:
    """Return the format a chart at ``path`` is written in: ``png`` or ``svg``.

    >>> chart_format("outcomes.SVG")
    'svg'

    :raises ValueError: the name ends in neither ``.png`` nor ``.svg``, or ends in a
        path separator (it names a folder, not a file).
    """
    text = os.fspath(path)
    if text.endswith(tuple(sep for sep in (os.sep, os.altsep) if sep)):
        message = "a chart is written to a file: the name ends in a path separator"
        raise ValueError(message)
    suffix = Path(path).suffix.lower()
    found = CHART_SUFFIXES.get(suffix)
    if found is None:
        ending = f"{suffix!r}" if suffix else "no ending"
        message = f"a chart is written as PNG or SVG: name the file *.png or *.svg (not {ending})"
        raise ValueError(message)
    return found


def check_panels(rows: Iterable[SummaryRow]) -> None:
    """Refuse rows that a chart would draw in more than ``MAX_PANELS`` panels.

    :raises ~personal_outcomes.errors.TooManyPanelsError: more than ``MAX_PANELS``
        groups and frameworks.
    """
    panels = len({(row.group, row.framework) for row in rows if row.kind == "outcome"})
    if panels > MAX_PANELS:
        raise TooManyPanelsError(panels=panels, most=MAX_PANELS)


@frozen(kw_only=True)
class _Panel:
    """The outcome rows of one framework in one group."""

    group: tuple[tuple[str, str | None], ...]
    framework: Framework
    rows: list[SummaryRow]


def _panels(rows: Iterable[SummaryRow], registry: Registry) -> list[_Panel]:
    found: dict[tuple[tuple[tuple[str, str | None], ...], str], list[SummaryRow]] = {}
    for row in rows:
        if row.kind == "outcome":
            found.setdefault((row.group, row.framework), []).append(row)
    return [
        _Panel(group=group, framework=registry.get(framework), rows=outcome_rows)
        for (group, framework), outcome_rows in found.items()
    ]


def draw_chart(
    summary: Summary | Iterable[SummaryRow],
    registry: Registry,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
) -> None:
    """Draw the review levels of each outcome as a chart, written to ``path``.

    ``summary`` is a :class:`Summary` or its rows (:meth:`Summary.rows`, after
    disclosure control say); ``registry`` names the frameworks, outcomes and review
    levels (newest versions, as :meth:`Summary.rows` uses). The file name's ending
    chooses the format: ``.png`` or ``.svg``. ``title`` replaces the chart's
    heading ("Review levels reached, by outcome"). It needs the ``charts`` extra,
    ``pip install 'personal-outcomes[charts]'`` (matplotlib); on the command line
    it is ``personal-outcomes summarise --chart PATH``. For example::

        from personal_outcomes import Validator, bundled
        from personal_outcomes.summaries import Grouping, draw_chart, summarise

        results = Validator().iter_validate(["records.jsonl"])
        summary = summarise(results, grouping=Grouping(fields=("period",), period="quarter"))
        draw_chart(summary, bundled(), "review-levels.svg")

    The chart has one panel per group and framework, titled with the framework,
    the group's values and the period (with ``--by period``); at most
    ``MAX_PANELS`` (24) panels, as more take minutes to draw: group by fewer
    fields, or summarise a part of the records. Each outcome mentioned
    is one horizontal bar, in the framework's order: its review-stage mentions
    stacked by the level reached, in the order of the framework's review scale,
    then those without a level (unrated). The number beside each bar, on the
    right, is all the outcome's mentions, at any stage. Framework and category
    rows are not drawn.

    Reading it:

    - The levels differ in lightness (dark to light along the scale, colours from
      viridis, which reads the same to the common colour-vision deficiencies) and
      in hatching, so the chart reads in greyscale too; unrated is white, cross
      hatched.
    - A count suppressed for publication (``None``) is never drawn as zero: it is
      left out of the bar, and the label beside the bar names what is missing. A
      note under the chart says so.
    - The file is the same, byte for byte, every time it is drawn from the same
      counts with the same matplotlib: no date or software name is written in it,
      the font is one matplotlib ships, and SVG ids come from a fixed salt.
    - The file appears whole or not at all: it is drawn in memory and then
      written to a temporary file beside ``path``, renamed over it when complete
      (keeping the permission bits of a file it replaces). A symbolic link is
      followed and its target written; a device or FIFO is written to directly.

    Drawing uses matplotlib's non-interactive Agg canvas, never a display.

    :raises ValueError: ``path`` ends in neither ``.png`` nor ``.svg``.
    :raises ~personal_outcomes.errors.TooManyPanelsError: the chart would have more
        than ``MAX_PANELS`` panels (a :class:`ValueError` too); checked before
        matplotlib is imported, nothing is written.
    :raises ~personal_outcomes.errors.MissingExtraError: matplotlib is not installed (``pip install
        'personal-outcomes[charts]'``); nothing is written.
    """
    fmt = chart_format(path)
    notes: list[str] = []
    if isinstance(summary, Summary):
        rows: list[SummaryRow] = summary.rows(registry)
        period = summary.grouping.period
        notes.append(
            f"{summary.records} records: {summary.included} included, "
            f"{summary.excluded} excluded for errors."
        )
    else:
        rows, period = list(summary), None
    check_panels(rows)
    try:
        import matplotlib as mpl  # noqa: PLC0415 (an optional extra, loaded when needed)
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as err:
        raise MissingExtraError(purpose="charts", package="matplotlib", extra="charts") from err
    panels = _panels(rows, registry)
    height = _FIGURE_EXTRA + sum(_PANEL_EXTRA + _BAR_HEIGHT * len(panel.rows) for panel in panels)
    buffer = io.BytesIO()
    # Fixed settings: a font matplotlib ships (the same glyphs on every machine),
    # text in SVG as paths, and SVG ids from a fixed salt rather than at random.
    with mpl.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9.0,
            "svg.fonttype": "path",
            "svg.hashsalt": "personal-outcomes",
            "hatch.linewidth": 0.8,
        }
    ):
        figure = Figure(figsize=(_WIDTH, max(height, 2.5)), dpi=_DPI, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(title or "Review levels reached, by outcome", fontsize=12)
        if not panels:
            figure.text(0.5, 0.5, "No outcomes to chart.", ha="center", va="center")
        else:
            subfigures = figure.subfigures(
                len(panels),
                1,
                squeeze=False,
                height_ratios=[_PANEL_EXTRA + _BAR_HEIGHT * len(p.rows) for p in panels],
            )
            # One scale for every panel, so that bars compare across panels.
            widest = max(
                sum(count or 0 for count in _counts(row, panel.framework))
                for panel in panels
                for row in panel.rows
            )
            suppressed = False
            for panel, subfigure in zip(panels, subfigures[:, 0], strict=True):
                suppressed |= _draw_panel(panel, subfigure, period, widest)
            if suppressed:
                notes.append(
                    "* A count suppressed for publication (a small number): not drawn, "
                    "and named beside its bar."
                )
        notes.append(
            "Bars: review-stage mentions by the level reached. Beside each bar: all "
            "mentions of the outcome, at any stage."
        )
        figure.supxlabel("\n".join(notes), fontsize=8, ha="left", x=0.01)
        metadata: dict[str, str | None] = (
            {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        )
        figure.savefig(buffer, format=fmt, metadata=metadata)
    with whole_bytes(path) as out:
        out.write(buffer.getvalue())


def _heading(panel: _Panel, period: str | None) -> str:
    framework = panel.framework
    lines = [f"{framework.title} ({framework.id} {framework.version})"]
    parts = []
    for name, value in panel.group:
        # With a Summary, the period says what it is (a quarter, a financial year).
        shown = _PERIOD_NAMES[period] if name == "period" and period is not None else name
        parts.append(f"{shown}: {shown_group_value(value)}")
    if parts:
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def _colours(count: int) -> list[tuple[float, float, float, float]]:
    """Return ``count`` viridis colours, dark to light."""
    from matplotlib import colormaps  # noqa: PLC0415 (an optional extra)

    viridis = colormaps["viridis"]
    return [viridis(0.1 + 0.85 * i / max(count - 1, 1)) for i in range(count)]


def _ink(colour: tuple[float, float, float, float]) -> str:
    """Return the edge and hatch colour that shows on ``colour``: black or white."""
    red, green, blue, _ = colour
    lightness = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "black" if lightness > 0.35 else "white"  # noqa: PLR2004 (a mid lightness)


def _counts(row: SummaryRow, framework: Framework) -> list[int | None]:
    """Return the row's counts of each level, in scale order, then unrated."""
    by_level = dict(row.levels)
    return [*(by_level.get(level.id, 0) for level in framework.review_scale), row.unrated]


def _draw_panel(panel: _Panel, subfigure: SubFigure, period: str | None, widest: int) -> bool:
    """Draw one panel; return whether any of its counts is suppressed."""
    framework = panel.framework
    levels = list(framework.review_scale)
    colours = _colours(len(levels))
    styles: list[tuple[str, object, str, str]] = [
        (level.label, colour, _ink(colour), _HATCHES[i % len(_HATCHES)])
        for i, (level, colour) in enumerate(zip(levels, colours, strict=True))
    ]
    styles.append(("Unrated (no level recorded)", "white", "black", _UNRATED_HATCH))
    axes = subfigure.subplots()
    # A value is text, never mathtext: "$" in a context value is a dollar sign.
    subfigure.suptitle(_heading(panel, period), x=0.01, ha="left", fontsize=10, parse_math=False)
    positions = list(range(len(panel.rows)))
    starts = [0] * len(panel.rows)
    beside: list[str] = []
    suppressed = False
    counts_by_row = [_counts(row, framework) for row in panel.rows]
    for row, counts in zip(panel.rows, counts_by_row, strict=True):
        missing = [style[0] for style, count in zip(styles, counts, strict=True) if count is None]
        beside.append(_beside(row, missing))
        suppressed |= row.mentions is None or bool(missing)
    for column, (name, colour, ink, hatch) in enumerate(styles):
        widths = [counts[column] or 0 for counts in counts_by_row]
        axes.barh(
            positions,
            widths,
            left=starts,
            height=0.7,
            color=colour,
            edgecolor=ink,
            hatch=hatch,
            linewidth=0.6,
            label=name,
        )
        starts = [start + width for start, width in zip(starts, widths, strict=True)]
    _finish_axes(axes, panel, widest, beside)
    return suppressed


def _beside(row: SummaryRow, missing: list[str]) -> str:
    """Return the label beside a bar: the mentions, and what is not drawn."""
    if row.mentions is None:
        label = "mentions *"
    else:
        label = "1 mention" if row.mentions == 1 else f"{row.mentions} mentions"
    if row.reviewed == 0:
        label += ", none at review"
    if missing:
        label += "; * not drawn: " + ", ".join(missing)
    return label


def _finish_axes(axes: Axes, panel: _Panel, widest: int, beside: list[str]) -> None:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 (an optional extra)

    positions = list(range(len(panel.rows)))
    axes.set_yticks(
        positions, [panel.framework.outcome(row.outcome or "").label for row in panel.rows]
    )
    axes.set_ylim(len(positions) - 0.5, -0.5)  # the first outcome on top
    axes.set_xlim(0, max(widest, 1) * 1.02)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("review-stage mentions")
    right = axes.secondary_yaxis("right")
    right.set_yticks(positions, beside)
    right.tick_params(length=0)
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=len(axes.containers),
        frameon=False,
        fontsize=8,
        handlelength=2.4,
        handleheight=1.2,
    )
