"""Charts of summaries: drawn, read back (PNG size, SVG text), refused, and without matplotlib."""

from __future__ import annotations

import datetime
import io
import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest

from factories import record
from personal_outcomes import Validator, bundled
from personal_outcomes._cli import run
from personal_outcomes.errors import MissingExtraError, PersonalOutcomesError
from personal_outcomes.summaries import Grouping, Summary, SummaryRow, draw_chart, summarise

VALIDATOR = Validator(today=datetime.date(2026, 11, 26))
MISSING = "charts need matplotlib: pip install 'personal-outcomes[charts]'"


def _o(outcome: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": outcome, "what_matters": f"About {outcome}", **fields}


# Two teams and one record without a team: panels adults/north, adults/south,
# adults/(not recorded) and carers/(not recorded); one record excluded.
FIXTURE = [
    record(record_id="a-1", person_id="p-1", recorded_on="2026-03-10",
           context={"team": "north"}, outcomes=[_o("seeing-people"), _o("feeling-safe")]),
    record(record_id="a-2", person_id="p-1", recorded_on="2026-04-02", stage="review",
           context={"team": "north"}, outcomes=[
               _o("seeing-people", status="partly-met"),
               _o("feeling-safe"),  # unrated
           ]),
    record(record_id="a-3", person_id="p-2", recorded_on="2026-04-20", stage="review",
           context={"team": "south"}, outcomes=[
               _o("seeing-people", status="met"),
               _o("seeing-people", what_matters="Church on Sundays", status="not-met"),
               _o("having-things-to-do", status="no-longer-relevant"),
           ]),
    record(record_id="a-4", person_id="p-3", recorded_on="2026-05-01",
           outcomes=[_o("improved-mobility")]),
    record(record_id="a-5", person_id="p-3", recorded_on="2026-05-02",
           outcomes=[_o("no-such-outcome")]),  # an error: excluded
    record(record_id="c-1", framework="carers", person_id="p-9", recorded_on="2026-06-01",
           outcomes=[_o("a-life-of-their-own")]),
]  # fmt: skip


def _summary(grouping: Grouping | None = None) -> Summary:
    return summarise((VALIDATOR.validate_record(r) for r in FIXTURE), grouping=grouping)


def _png_size(data: bytes) -> tuple[int, int]:
    """Return a PNG's width and height, from its header (IHDR, the first chunk)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class _Comments(ET.TreeBuilder):
    """A tree builder that keeps the comments' text."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def comment(self, text: str | None) -> ET.Element:
        self.texts.append((text or "").strip())
        return super().comment(text)


def _svg_text(path: Path) -> list[str]:
    """Parse the SVG (it must be well-formed XML); return its text (kept as comments).

    Text is drawn as paths, so that the chart looks the same everywhere; matplotlib
    writes each string beside its glyphs as a comment.
    """
    builder = _Comments()
    parser = ET.XMLParser(target=builder)  # noqa: S314 (our own output)
    root = ET.parse(path, parser).getroot()  # noqa: S314
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return builder.texts


def _in_order(text: list[str], expected: list[str]) -> bool:
    """Whether ``expected`` appears in ``text`` in this order (other items between)."""
    remaining = iter(text)
    return all(item in remaining for item in expected)


def test_a_png_is_drawn_and_its_size_read_back(tmp_path: Path) -> None:
    path = tmp_path / "chart.png"
    draw_chart(_summary(Grouping(fields=("context.team",))), bundled(), path)
    data = path.read_bytes()
    # 9 inches at 100 dpi; 0.9 in for the heading and notes, per panel 1.6 in and
    # 0.32 in per outcome: adults/north 2, adults/south 2, adults/none 1, carers/none 1.
    assert _png_size(data) == (900, round(100 * (0.9 + 4 * 1.6 + 6 * 0.32)))
    assert b"tEXt" not in data  # no Software (or any other) text chunk
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_the_output_is_the_same_every_time(tmp_path: Path) -> None:
    summary = _summary()
    for name in ("a.png", "b.png", "a.svg", "b.svg"):
        draw_chart(summary, bundled(), tmp_path / name)
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    svg = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "Matplotlib" not in svg


def test_an_svg_is_well_formed_with_its_titles_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "chart.SVG"
    draw_chart(_summary(Grouping(fields=("context.team",))), bundled(), path, title="Team view")
    text = _svg_text(path)
    adults = "Outcomes important to adults living in the community (adults 1.1.0)"
    carers = "Outcomes important to unpaid carers (carers 1.1.0)"
    assert text.count(adults) == 3
    assert text.count(carers) == 1
    assert "Team view" in text
    assert "Review levels reached, by outcome" not in text
    for group in ("context.team: north", "context.team: south", "context.team: (not recorded)"):
        assert group in text
    # Per panel: the mentions beside the bars, the outcomes in the framework's order,
    # the legend, the panel's title and group (the order matplotlib draws them in).
    legend = ["Met", "Partly met", "Not met", "No longer relevant", "Unrated (no level recorded)"]
    north = ["2 mentions", "2 mentions", "Feeling safe", "Seeing people", *legend, adults]
    south = ["1 mention", "2 mentions", "Having things to do", "Seeing people", *legend, adults]
    nowhere = ["1 mention, none at review", "Improved mobility", *legend, adults]
    carers_panel = ["1 mention, none at review", "A life of their own", *legend, carers]
    assert _in_order(text, [*north, "context.team: north", *south, "context.team: south"])
    assert _in_order(text, [*nowhere, "context.team: (not recorded)", *carers_panel])
    for label in ("Met", "Partly met", "Not met", "No longer relevant"):
        assert text.count(label) == 4  # one legend per panel
    assert text.count("Unrated (no level recorded)") == 4
    assert "6 records: 5 included, 1 excluded for errors." in text
    assert not any(line.startswith("*") for line in text)  # nothing suppressed


def test_the_period_is_named(tmp_path: Path) -> None:
    summary = _summary(Grouping(fields=("period",), period="financial-year"))
    draw_chart(summary, bundled(), tmp_path / "summary.svg")
    text = _svg_text(tmp_path / "summary.svg")
    assert "financial year: 2025/26" in text
    assert "financial year: 2026/27" in text
    # Rows alone do not say which period: the field's name is shown.
    draw_chart(summary.rows(bundled()), bundled(), tmp_path / "rows.svg")
    text = _svg_text(tmp_path / "rows.svg")
    assert "period: 2025/26" in text
    assert not any(line.endswith("excluded for errors.") for line in text)


def _suppress(row: SummaryRow) -> SummaryRow:
    if row.outcome == "seeing-people":
        return attrs.evolve(
            row,
            mentions=None,
            levels=tuple((level, None if level == "partly-met" else n) for level, n in row.levels),
        )
    if row.outcome == "feeling-safe":
        return attrs.evolve(row, unrated=None, reviewed=None)
    return row


def test_suppressed_counts_are_missing_never_zero(tmp_path: Path) -> None:
    rows = [_suppress(row) for row in _summary().rows(bundled())]
    draw_chart(rows, bundled(), tmp_path / "chart.svg")
    text = _svg_text(tmp_path / "chart.svg")
    assert "mentions *; * not drawn: Partly met" in text
    assert "2 mentions; * not drawn: Unrated (no level recorded)" in text
    assert (
        "* A count suppressed for publication (a small number): not drawn, "
        "and named beside its bar."
    ) in text
    # Only mentions suppressed: named too.
    only = [attrs.evolve(row, mentions=None) for row in _summary().rows(bundled())]
    draw_chart(only, bundled(), tmp_path / "mentions.svg")
    assert "mentions *" in _svg_text(tmp_path / "mentions.svg")


def test_suppressed_parts_are_left_out_of_the_bar(tmp_path: Path) -> None:
    # The same chart as if the suppressed segment were zero, but for the labels: the
    # width drawn is the published counts only (checked through the PNG: same size).
    rows = [_suppress(row) for row in _summary().rows(bundled())]
    draw_chart(rows, bundled(), tmp_path / "chart.png")
    assert _png_size((tmp_path / "chart.png").read_bytes()) == (
        900,
        round(100 * (0.9 + 2 * 1.6 + 5 * 0.32)),
    )


def test_an_empty_summary_draws_a_note(tmp_path: Path) -> None:
    draw_chart(Summary(), bundled(), tmp_path / "empty.svg")
    assert "No outcomes to chart." in _svg_text(tmp_path / "empty.svg")
    draw_chart([], bundled(), tmp_path / "empty.png")
    assert _png_size((tmp_path / "empty.png").read_bytes()) == (900, 250)


@pytest.mark.parametrize(
    ("name", "ending"), [("chart.pdf", "'.pdf'"), ("chart", "no ending"), ("a.png.gz", "'.gz'")]
)
def test_other_endings_are_refused(tmp_path: Path, name: str, ending: str) -> None:
    with pytest.raises(ValueError, match="PNG or SVG") as caught:
        draw_chart(_summary(), bundled(), tmp_path / name)
    assert str(caught.value) == (
        f"a chart is written as PNG or SVG: name the file *.png or *.svg (not {ending})"
    )
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError) as caught:
        draw_chart(_summary(), bundled(), tmp_path / "chart.png")
    assert str(caught.value) == MISSING
    assert isinstance(caught.value, PersonalOutcomesError)
    assert isinstance(caught.value.__cause__, ImportError)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    target.mkdir()  # a folder where the chart should go: the rename fails
    with pytest.raises(OSError, match=r"chart\.png"):
        draw_chart(_summary(), bundled(), target)
    assert list(tmp_path.iterdir()) == [target]
    assert list(target.iterdir()) == []


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _fixture_file(tmp_path: Path) -> str:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in FIXTURE), encoding="utf-8")
    return str(path)


def test_the_command_draws_a_chart(tmp_path: Path) -> None:
    records = _fixture_file(tmp_path)
    chart = tmp_path / "out" / "chart.png"
    chart.parent.mkdir()
    code, out, err = cli(
        "summarise", "--today=2026-11-26", "--by", "context.team", "--chart", str(chart), records
    )
    assert (code, err) == (0, "")
    assert out.startswith("context.team")  # the table, as without --chart
    assert chart.read_bytes() == _drawn(tmp_path, Grouping(fields=("context.team",)))
    assert list(chart.parent.iterdir()) == [chart]


def _drawn(tmp_path: Path, grouping: Grouping) -> bytes:
    path = tmp_path / "api.png"
    draw_chart(_summary(grouping), bundled(), path)
    return path.read_bytes()


def test_the_command_refuses_another_ending_before_reading(tmp_path: Path) -> None:
    code, out, err = cli("summarise", "--chart", str(tmp_path / "c.pdf"), "missing.json")
    assert (code, out) == (2, "")
    assert "argument --chart: a chart is written as PNG or SVG" in err
    assert list(tmp_path.iterdir()) == []


def test_the_command_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _fixture_file(tmp_path)
    chart = tmp_path / "out" / "chart.svg"
    chart.parent.mkdir()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = cli(
        "summarise", "--today=2026-11-26", "--format", "json", "--chart", str(chart), records
    )
    assert (code, err) == (2, f"personal-outcomes: {MISSING}\n")
    assert json.loads(out)["included"] == 5  # the summary is still written, whole
    assert list(chart.parent.iterdir()) == []


def test_matplotlib_is_imported_only_to_draw() -> None:
    code = (
        "import sys, personal_outcomes.summaries, personal_outcomes._cli; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
