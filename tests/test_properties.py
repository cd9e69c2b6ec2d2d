"""Property-based tests: round trips, and hostile input never escapes as a foreign error."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from personal_outcomes import Framework, load_framework
from personal_outcomes.errors import PersonalOutcomesError
from strategies import framework_data

YAML_PIECES = st.sampled_from(
    [
        "id", ": ", "- ", "\n", "  ", "&a ", "*a", "!!str ", "!!python/name:os.system ", "? ",
        "[", "]", "{", "}", ",", "'", '"', "#", "|", ">", "---\n", "...\n", "%YAML 1.1\n",
        "no", "0012", "1.10", "2026-02-30", "2024-05-01", "~", "\t", "\r\n", "\ufeff", "é", "\x00",
    ]
)  # fmt: skip


def _load_bytes(data: bytes) -> Framework:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.yaml"
        path.write_bytes(data)
        return load_framework(path)


@given(framework_data())
def test_framework_data_round_trips_through_objects(data: dict[str, object]) -> None:
    """Any valid framework data goes data -> objects -> data unchanged."""
    assert Framework.from_data(data).to_data() == data


@given(framework_data())
def test_framework_data_round_trips_through_a_yaml_file(data: dict[str, object]) -> None:
    """Any valid framework written as YAML reads back as the same framework."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert _load_bytes(text.encode("utf-8")).to_data() == data


@given(st.lists(YAML_PIECES, max_size=30).map("".join))
@example("a: &x [*x]")
@example("[" * 100)
def test_yaml_like_text_raises_only_library_errors(text: str) -> None:
    """Random YAML-ish text is either a framework or one of the library's own errors."""
    with contextlib.suppress(PersonalOutcomesError):
        _load_bytes(text.encode("utf-8"))


@given(st.binary(max_size=200))
@example(b"=")
@example(b"a: =\n")
def test_arbitrary_bytes_raise_only_library_errors(data: bytes) -> None:
    """Arbitrary bytes are either a framework or one of the library's own errors."""
    with contextlib.suppress(PersonalOutcomesError):
        _load_bytes(data)
