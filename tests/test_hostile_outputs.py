"""Hostile outputs of summarise and journeys: odd targets, failed writes, big charts, labels.

Files written with ``--output`` or ``--chart`` appear whole or not at all, follow
symbolic links, write devices and FIFOs in place, and keep or take the usual mode;
a failed or interrupted write is one line on standard error, never a traceback;
group labels cannot disguise themselves or move text on a terminal.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factories import TODAY, TODAY_ARG, record
from personal_outcomes import Validator, bundled
from personal_outcomes._cli import _summarise, main, run
from personal_outcomes.errors import MissingExtraError, PersonalOutcomesError, TooManyPanelsError
from personal_outcomes.summaries import Grouping, draw_chart, summarise
from personal_outcomes.summaries._chart import MAX_PANELS
from personal_outcomes.summaries._output import whole_file

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="mknod needs root")

# The journeys of one record (an assessment: one start, no review), as each format shows it.
JOURNEY_TABLE = (
    "framework  outcome        starts  met  partly-met  not-met  no-longer-relevant"
    "  unrated  no_review  median_days\n"
    "adults     seeing-people       1    0           0        0                   0"
    "        0          1            -\n"
    "1 record: 1 included, 0 excluded for errors\n"
)
JOURNEY_CSV = (
    "framework,outcome,starts,met,partly-met,not-met,no-longer-relevant,unrated,"
    "no_review,median_days\r\n"
    "adults,seeing-people,1,0,0,0,0,0,1,\r\n"
)


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _records(folder: Path, data: list[dict[str, Any]] | None = None) -> str:
    path = folder / "records.jsonl"
    lines = [json.dumps(r) + "\n" for r in data or [record()]]
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def _listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after the test."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# ---- 1. the target of --output and --chart -----------------------------------------


def test_a_symbolic_link_is_followed_and_kept(tmp_path: Path) -> None:
    records = _records(tmp_path)
    target = tmp_path / "real" / "out.csv"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    code, out, err = cli("journeys", TODAY_ARG, "--format", "csv", "--output", str(link), records)
    assert (code, out, err) == (0, "", "")
    assert link.is_symlink()
    assert link.readlink() == target
    assert target.read_bytes() == JOURNEY_CSV.encode()
    assert _listing(target.parent) == ["out.csv"]  # no temporary file left


def test_a_link_to_a_new_file_creates_its_target(tmp_path: Path) -> None:
    records = _records(tmp_path)
    (tmp_path / "a.txt").symlink_to("b.txt")  # relative, dangling
    code, _, err = cli("journeys", TODAY_ARG, "--output", str(tmp_path / "a.txt"), records)
    assert (code, err) == (0, "")
    assert (tmp_path / "a.txt").is_symlink()
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == JOURNEY_TABLE


def test_a_loop_of_links_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    records = _records(tmp_path)
    loop = tmp_path / "loop.txt"
    loop.symlink_to("loop.txt")
    code, out, err = cli("summarise", TODAY_ARG, "--output", str(loop), records)
    assert (code, out) == (2, "")
    assert (
        err
        == f"personal-outcomes summarise: cannot write {loop} (Too many levels of symbolic links)\n"
    )
    assert loop.is_symlink()
    assert _listing(tmp_path) == ["loop.txt", "records.jsonl"]


def test_a_chart_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "charts" / "real.svg"
    target.parent.mkdir()
    link = tmp_path / "chart.svg"
    link.symlink_to(target)
    draw_chart([], bundled(), link)
    assert link.is_symlink()
    assert target.read_bytes().startswith(b"<?xml")
    assert _listing(target.parent) == ["real.svg"]


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with path.open("rb") as reader:
            into.append(reader.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    records = _records(tmp_path)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    read: list[bytes] = []
    thread = _read_fifo(fifo, read)
    code, out, err = cli("journeys", TODAY_ARG, "--output", str(fifo), records)
    thread.join(timeout=30)
    assert (code, out, err) == (0, "", "")
    assert read == [JOURNEY_TABLE.encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _listing(tmp_path) == ["out.fifo", "records.jsonl"]


def test_a_chart_to_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "chart.svg"
    os.mkfifo(fifo)
    read: list[bytes] = []
    thread = _read_fifo(fifo, read)
    draw_chart([], bundled(), fifo)
    thread.join(timeout=30)
    assert read[0].startswith(b"<?xml")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _listing(tmp_path) == ["chart.svg"]


@needs_root
def test_a_character_device_is_written_in_place(tmp_path: Path) -> None:
    records = _records(tmp_path)
    null = tmp_path / "null"  # our own node of the null device, never /dev/null
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    code, out, err = cli("summarise", TODAY_ARG, "--output", str(null), records)
    assert (code, out, err) == (0, "", "")
    assert stat.S_ISCHR(null.lstat().st_mode)
    draw_chart([], bundled(), tmp_path / "null.svg")  # a chart beside it, then onto it
    (tmp_path / "null.svg").unlink()
    (tmp_path / "null.svg").symlink_to(null)
    draw_chart([], bundled(), tmp_path / "null.svg")
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert _listing(tmp_path) == ["null", "null.svg", "records.jsonl"]


@needs_root
def test_a_full_device_is_an_error_and_stays(tmp_path: Path) -> None:
    records = _records(tmp_path)
    full = tmp_path / "full"  # a node of the full device: every write fails with ENOSPC
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    code, out, err = cli("journeys", TODAY_ARG, "--output", str(full), records)
    assert (code, out) == (2, "")
    assert err == f"personal-outcomes journeys: cannot write {full} (No space left on device)\n"
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert _listing(tmp_path) == ["full", "records.jsonl"]


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    del umask
    records = _records(tmp_path)
    output = tmp_path / "out.txt"
    output.write_text("old", encoding="utf-8")
    output.chmod(0o640)
    assert cli("journeys", TODAY_ARG, "--output", str(output), records)[0] == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert output.read_text(encoding="utf-8") == JOURNEY_TABLE
    chart = tmp_path / "chart.svg"
    chart.write_bytes(b"old")
    chart.chmod(0o604)
    draw_chart([], bundled(), chart)
    assert stat.S_IMODE(chart.stat().st_mode) == 0o604
    assert chart.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_of_the_umask(
    tmp_path: Path, umask: None, mask: int, mode: int
) -> None:
    del umask
    records = _records(tmp_path)
    os.umask(mask)
    output, chart = tmp_path / "out.txt", tmp_path / "chart.svg"
    assert cli("journeys", TODAY_ARG, "--output", str(output), records)[0] == 0
    draw_chart([], bundled(), chart)
    assert stat.S_IMODE(output.stat().st_mode) == mode
    assert stat.S_IMODE(chart.stat().st_mode) == mode


def test_a_failed_write_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    output.write_text("old", encoding="utf-8")
    output.chmod(0o640)
    with pytest.raises(KeyboardInterrupt), whole_file(output) as out:  # noqa: PT012 (mid-write)
        out.write("half")
        raise KeyboardInterrupt
    assert output.read_text(encoding="utf-8") == "old"
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert _listing(tmp_path) == ["out.txt"]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(IsADirectoryError), whole_file(folder) as out:
        out.write("text")
    assert _listing(tmp_path) == ["out"]
    assert _listing(folder) == []


# ---- 2. the command's own output fails, or is interrupted ---------------------------


class _FullRaw(io.RawIOBase):
    """A raw stream every write of which fails with ENOSPC while ``full``."""

    def __init__(self) -> None:
        self.full = True

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return len(data)


def _main(monkeypatch: pytest.MonkeyPatch, stdout: Any, *arguments: str) -> tuple[int, str]:
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["personal-outcomes", *arguments])
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as caught:
        main()
    monkeypatch.undo()
    code = caught.value.code
    assert isinstance(code, int)
    return code, stderr.getvalue()


def test_a_full_disk_on_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _records(tmp_path)
    raw = _FullRaw()
    stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8")
    code, err = _main(monkeypatch, stdout, "summarise", TODAY_ARG, records)
    assert (code, err) == (
        2,
        "personal-outcomes: cannot write the output (No space left on device)\n",
    )
    raw.full = False
    stdout.close()


@needs_root
def test_a_full_disk_on_standard_output_in_a_process(tmp_path: Path) -> None:
    records = _records(tmp_path)
    full = tmp_path / "full"  # our own node of the full device, never /dev/full
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with full.open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "personal_outcomes", "journeys", TODAY_ARG, records],
            stdout=stdout,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr == b"personal-outcomes: cannot write the output (No space left on device)\n"


def test_an_interrupt_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(tmp_path)
    output = tmp_path / "out.txt"
    output.write_text("old", encoding="utf-8")

    def interrupted(*args: Any) -> None:
        args[-1].write("half a table")
        raise KeyboardInterrupt

    csv_writer, markdown_writer, _ = _summarise._WRITERS
    monkeypatch.setattr(_summarise, "_WRITERS", (csv_writer, markdown_writer, interrupted))
    stdout = io.StringIO()
    code, err = _main(monkeypatch, stdout, "summarise", TODAY_ARG, "--output", str(output), records)
    assert (code, err, stdout.getvalue()) == (130, "personal-outcomes: interrupted\n", "")
    assert output.read_text(encoding="utf-8") == "old"
    assert _listing(tmp_path) == ["out.txt", "records.jsonl"]


def test_an_interrupt_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _records(tmp_path)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("personal_outcomes._cli._tallies.scan_parallel", interrupted)
    stdout = io.StringIO()
    code, err = _main(monkeypatch, stdout, "journeys", TODAY_ARG, records)
    assert (code, err, stdout.getvalue()) == (130, "personal-outcomes: interrupted\n", "")


# ---- 3. the folders of --chart and --output ------------------------------------------


def test_a_chart_in_a_missing_folder_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        "summarise", TODAY_ARG, "--chart", "nofolder/c.svg", "--output", "o.txt", records
    )
    assert (code, out) == (2, "")
    assert (
        err
        == "personal-outcomes summarise: cannot write nofolder/c.svg (No such file or directory)\n"
    )
    assert _listing(tmp_path) == ["records.jsonl"]


def test_an_output_in_a_missing_folder_writes_no_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        "summarise", TODAY_ARG, "--chart", "c.svg", "--output", "no/o.txt", records
    )
    assert (code, out) == (2, "")
    assert err == "personal-outcomes summarise: cannot write no/o.txt (No such file or directory)\n"
    assert _listing(tmp_path) == ["records.jsonl"]


def test_a_chart_path_ending_in_a_separator_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        "summarise", TODAY_ARG, "--chart", "adir.svg/", "--output", "o.txt", records
    )
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (
        "personal-outcomes summarise: error: argument --chart: a chart is written to a file: "
        "the name ends in a path separator"
    )
    assert _listing(tmp_path) == ["records.jsonl"]
    with pytest.raises(ValueError, match="ends in a path separator"):
        draw_chart([], bundled(), "adir.svg/")
    assert _listing(tmp_path) == ["records.jsonl"]


def test_a_chart_or_output_that_is_a_folder_or_under_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(tmp_path)
    monkeypatch.chdir(tmp_path)
    Path("adir.svg").mkdir()
    Path("afile").write_text("", encoding="utf-8")
    name = "personal-outcomes summarise"
    for arguments, message in [
        (("--chart", "adir.svg", "--output", "o.txt"), "cannot write adir.svg (Is a directory)"),
        (
            ("--chart", "c.svg", "--output", "afile/o.txt"),
            "cannot write afile/o.txt (Not a directory)",
        ),
        (
            ("--output", "o.txt", "--chart", "afile/c.svg"),
            "cannot write afile/c.svg (Not a directory)",
        ),
    ]:
        assert cli("summarise", TODAY_ARG, *arguments, records) == (2, "", f"{name}: {message}\n")
    assert _listing(tmp_path) == ["adir.svg", "afile", "records.jsonl"]
    assert _listing(tmp_path / "adir.svg") == []


# ---- 4. at most MAX_PANELS panels ------------------------------------------------------


def _teams(count: int, frameworks: tuple[str, ...] = ("adults",)) -> list[dict[str, Any]]:
    outcomes = {"adults": "seeing-people", "carers": "a-life-of-their-own"}
    return [
        record(
            record_id=f"r-{framework}-{i}",
            person_id=f"p-{i}",
            framework=framework,
            context={"team": f"team {i:02d}"},
            outcomes=[{"outcome": outcomes[framework], "what_matters": "Something"}],
        )
        for i in range(count)
        for framework in frameworks
    ]


TOO_MANY = (
    "the chart would have {} panels, more than 24: group by fewer fields, "
    "or summarise a part of the records"
)


def test_a_chart_of_too_many_panels_is_refused_before_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_PANELS == 24
    records = _records(tmp_path, _teams(25))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # imported: MissingExtraError
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        "summarise", TODAY_ARG, "--by", "context.team", "--chart", "c.svg", "--output", "o.txt",
        records,
    )  # fmt: skip
    assert (code, out, err) == (2, "", f"personal-outcomes: {TOO_MANY.format(25)}\n")
    assert _listing(tmp_path) == ["records.jsonl"]
    # Without --chart, as many groups as there are.
    code, out, err = cli("summarise", TODAY_ARG, "--by", "context.team", records)
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 1 + 25 * 3 + 1


def test_a_panel_is_a_group_and_a_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    validator = Validator(today=TODAY)
    grouping = Grouping(fields=("context.team",))
    both = ("adults", "carers")
    at_most = summarise((validator.validate_record(r) for r in _teams(12, both)), grouping=grouping)
    with pytest.raises(MissingExtraError):  # 24 panels: on to drawing
        draw_chart(at_most, bundled(), tmp_path / "c.png")
    over = summarise((validator.validate_record(r) for r in _teams(13, both)), grouping=grouping)
    with pytest.raises(TooManyPanelsError) as caught:
        draw_chart(over, bundled(), tmp_path / "c.png")
    assert str(caught.value) == TOO_MANY.format(26)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, PersonalOutcomesError)
    with pytest.raises(TooManyPanelsError):
        draw_chart(over.rows(bundled()), bundled(), tmp_path / "c.svg")
    assert _listing(tmp_path) == []


# ---- 5. group labels --------------------------------------------------------------------

HOSTILE_TEAMS = ["(not recorded)", "\t=1", " =1", "a\r\u202eb\x1b\x85|\\"]


def _hostile_records(folder: Path) -> str:
    data = [
        record(record_id=f"r-{i}", person_id=f"p-{i}", context={"team": team})
        for i, team in enumerate(HOSTILE_TEAMS)
    ]
    return _records(folder, [*data, record(record_id="r-none", person_id="p-none")])


def test_journeys_group_labels_in_every_format(tmp_path: Path) -> None:
    records = _hostile_records(tmp_path)
    by = ("journeys", TODAY_ARG, "--by", "context.team")
    # The table of one record, with a group column 20 characters wide in front.
    head, counts_table = JOURNEY_TABLE.splitlines()[:2]
    table = cli(*by, records)
    assert table == (0, "\n".join([
        "context.team          " + head,
        "\\t=1                  " + counts_table,
        " =1                   " + counts_table,
        '"(not recorded)"      ' + counts_table,
        "a\\r\\u202eb\\x1b\\x85|\\  " + counts_table,
        "(not recorded)        " + counts_table,
        "5 records: 5 included, 0 excluded for errors",
        "",
    ]), "")  # fmt: skip
    counts_md = " | adults | seeing-people | 1 | 0 | 0 | 0 | 0 | 0 | 1 |  |"
    markdown = cli(*by, "--format", "markdown", records)
    assert markdown == (0, "\n".join([
        ("| context.team | framework | outcome | starts | met | partly-met | not-met"
         " | no-longer-relevant | unrated | no_review | median_days |"),
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        "| \\\\t=1" + counts_md,
        "|  =1" + counts_md,
        '| "(not recorded)"' + counts_md,
        "| a\\\\r\\\\u202eb\\\\x1b\\\\x85\\|\\\\" + counts_md,
        "| (not recorded)" + counts_md,
        "",
    ]), "")  # fmt: skip
    counts_csv = ",adults,seeing-people,1,0,0,0,0,0,1,\r\n"
    assert cli(*by, "--format", "csv", records) == (0, "".join([
        "context.team," + JOURNEY_CSV.splitlines()[0] + "\r\n",
        "'\t=1" + counts_csv,
        " =1" + counts_csv,
        "(not recorded)" + counts_csv,
        '"a\r\u202eb\x1b\x85|\\"' + counts_csv,
        counts_csv,  # not recorded: an empty cell
    ]), "")  # fmt: skip


def test_summarise_group_labels_in_every_format(tmp_path: Path) -> None:
    records = _hostile_records(tmp_path)
    by = ("summarise", TODAY_ARG, "--by", "context.team")
    code, table, err = cli(*by, records)
    assert (code, err) == (0, "")
    shown = ["\\t=1", " =1", '"(not recorded)"', "a\\r\\u202eb\\x1b\\x85|\\", "(not recorded)"]
    width = max(len(label) for label in shown)
    names = ["adults", "  quality-of-life", "    seeing-people"]
    lines = table.splitlines()
    assert len(lines) == 1 + 3 * len(shown) + 1
    for i, line in enumerate(lines[1:-1]):
        label, name = shown[i // 3], names[i % 3]
        assert line.startswith(label.ljust(width) + "  " + name + " ")
    assert not any(char in table for char in "\r\t\x1b\x85\u202e")
    code, markdown, _ = cli(*by, "--format", "markdown", records)
    cells = [line.split(" | ")[0] for line in markdown.splitlines()[2:]]
    expected = [
        "| \\\\t=1",
        "|  =1",
        '| "(not recorded)"',
        "| a\\\\r\\\\u202eb\\\\x1b\\\\x85\\|\\\\",
    ]
    assert cells == [cell for cell in [*expected, "| (not recorded)"] for _ in range(3)]
    code, csv_text, _ = cli(*by, "--format", "csv", records)
    rows = csv_text.split("\r\n")
    assert [row.split(",adults")[0] for row in rows[1:-1:3]] == [
        "'\t=1",
        " =1",
        "(not recorded)",
        '"a\r\u202eb\x1b\x85|\\"',
        "",
    ]


def test_every_hidden_character_is_escaped(tmp_path: Path) -> None:
    hidden = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) + (
        "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    team = "x" + hidden + "y é 中 \u00a0"
    records = _records(tmp_path, [record(context={"team": team})])
    code, table, _ = cli("journeys", TODAY_ARG, "--by", "context.team", records)
    assert code == 0
    label = table.splitlines()[1].split("  adults")[0]
    escapes = "".join(
        {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(c)
        or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in hidden
    )
    assert label == "x" + escapes + "y é 中 \u00a0"
    assert "\\x00\\x01" in escapes
    assert "\\x1f\\x7f\\x80" in escapes
    assert escapes.endswith(
        "\\x9f\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069"
    )


def test_a_chart_heading_shows_labels_as_text(tmp_path: Path) -> None:
    data = [
        record(record_id="r-1", context={"team": "(not recorded)"}),
        record(record_id="r-2", context={"team": "$\\frac$ \u202e"}),  # not mathtext
        record(record_id="r-3"),
    ]
    summary = summarise(
        (Validator(today=TODAY).validate_record(r) for r in data),
        grouping=Grouping(fields=("context.team",)),
    )
    path = tmp_path / "chart.svg"
    draw_chart(summary, bundled(), path)
    svg = path.read_text(encoding="utf-8")
    assert 'context.team: "(not recorded)"' in svg
    assert "context.team: (not recorded)" in svg
    assert "context.team: $\\frac$ \\u202e" in svg


# ---- an output that would replace the records being read ---------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("summarise", ()),
        ("journeys", ()),
        ("convert", ("--to", "jsonl")),
    ],
)
def test_an_output_that_is_an_input_is_refused_before_anything_is_read(
    tmp_path: Path, command: str, options: tuple[str, ...]
) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    before = records.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(records)
    for output, given in [
        (records, records),  # the file itself
        (tmp_path / "." / "records.jsonl", records),  # another spelling
        (link, records),  # a link to it
        (records, tmp_path),  # a record file of a folder given
    ]:
        code, out, err = cli(command, *options, "--output", str(output), str(given))
        assert (code, out) == (2, "")
        assert err == (
            f"personal-outcomes {command}: --output {output} is one of the files read; "
            "give another path\n"
        )
        assert records.read_bytes() == before
    # A new file, or an existing one that is not read, may be written.
    other = tmp_path / "other.jsonl"
    other.write_text("", encoding="utf-8")
    for output in (tmp_path / "summary.txt", tmp_path / "new.jsonl", other):
        code, _, _ = cli(command, *options, "--output", str(output), str(records))
        assert code == 0
        assert output.exists()
    # A file of a folder given that is not a record file is not read: it may be written.
    link.unlink()
    other.unlink()
    (tmp_path / "new.jsonl").unlink()
    code, _, _ = cli(command, *options, "--output", str(tmp_path / "summary.txt"), str(tmp_path))
    assert code == 0
