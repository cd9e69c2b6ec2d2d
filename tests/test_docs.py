"""Every documented command-line example runs and prints what the docs say.

Python examples (``>>>``) in the docs run as doctests. This test does the same for
``console`` blocks: each ``$ personal-outcomes ...`` line is run in-process from
the repository root and its output compared with the lines that follow it
(``...`` matches anything, as in doctests). Other commands (``make``, ``pip``)
are shown, not run.
"""

from __future__ import annotations

import doctest
import io
import re
import shlex
from pathlib import Path

import pytest

from personal_outcomes._cli import run

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
PROGRAM = "personal-outcomes"


def _examples() -> list[tuple[str, str, str]]:
    found = []
    for page in PAGES:
        if "_build" in page.parts or "_generated" in page.parts:
            continue
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            command: str | None = None
            output: list[str] = []
            for line in [*block.splitlines(), "$ "]:
                if line.startswith("$ "):
                    if command is not None and command.startswith(PROGRAM + " "):
                        found.append(
                            (page.relative_to(ROOT).as_posix(), command, "\n".join(output))
                        )
                    command, output = line[2:].strip(), []
                else:
                    output.append(line)
    return found


EXAMPLES = _examples()


def test_there_are_examples() -> None:
    """The docs show the command line at work."""
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(
    ("page", "command", "expected"), EXAMPLES, ids=[f"{p}: {c}" for p, c, _ in EXAMPLES]
)
def test_console_example(
    page: str, command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command prints what the page shows."""
    monkeypatch.chdir(ROOT)
    arguments = shlex.split(command)[1:]
    stdout, stderr = io.StringIO(), io.StringIO()
    run(arguments, stdout, stderr)
    got = stdout.getvalue() + stderr.getvalue()
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    want = expected.strip() + "\n"
    assert checker.check_output(want, got, flags), (
        f"{page}: `{command}` printed:\n{got}\nthe page shows:\n{want}"
    )
