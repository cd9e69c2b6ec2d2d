"""Loading framework files, checking them, and registries of frameworks."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import pytest

from personal_outcomes import Framework, Registry, bundled, load_framework
from personal_outcomes.errors import (
    DuplicateFrameworkError,
    InvalidFrameworkError,
    UnknownFrameworkError,
    UnreadableFileError,
)

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "frameworks" / "minimal.yaml"


def _write(tmp_path: Path, text: str, name: str = "local.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def test_load_local_framework() -> None:
    """An organisation's own framework file loads, retired outcomes included."""
    framework = load_framework(MINIMAL)
    assert framework.id == "local-test"
    old = framework.outcome("old-outcome")
    assert old.retired
    assert old.replaced_by == "being-outdoors"
    assert framework.review_scale.ids == ("achieved", "not-achieved")


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    """A file that cannot be read is an UnreadableFileError naming it."""
    missing = tmp_path / "nope.yaml"
    with pytest.raises(UnreadableFileError) as info:
        load_framework(missing)
    assert str(info.value).startswith(f"{missing}: cannot be read (No such file or directory)")


def test_every_schema_problem_is_reported_with_its_place(tmp_path: Path) -> None:
    """All problems are collected, each with line, column and pointer, sorted by place."""
    text = (
        _minimal_text()
        .replace('version: "1.0.0"', 'version: "one"')
        .replace("    type: quality-of-life\n", "    type: wellbeing\n")
        .replace("        label: Being outdoors\n", "        colour: green\n")
    )
    path = _write(tmp_path, text)
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(path)
    problems = [(p.pointer, p.line) for p in info.value.problems]
    assert problems == [
        ("/version", 3),
        ("/categories/0/type", 21),
        ("/categories/0/outcomes/0", 24),
        ("/categories/0/outcomes/0", 24),
    ]
    messages = " ".join(p.message for p in info.value.problems)
    assert "'label' is a required property" in messages
    assert "Additional properties are not allowed" in messages
    assert str(info.value).startswith(f"{path}: not a valid framework file (4 problems):\n")


OUTCOME_1 = "/categories/0/outcomes/1"


@pytest.mark.parametrize(
    ("old", "new", "pointer", "message"),
    [
        ("id: old-outcome", "id: being-outdoors", f"{OUTCOME_1}/id", "already used"),
        ("replaced_by: being-outdoors", "replaced_by: old-outcome", f"{OUTCOME_1}/replaced_by",
         "cannot replace itself"),
        ("replaced_by: being-outdoors", "replaced_by: elsewhere", f"{OUTCOME_1}/replaced_by",
         "not in this framework"),
        ("canonical_source: LOCAL2026", "canonical_source: OTHER", "/canonical_source",
         "not defined"),
        ("    - id: not-achieved", "    - id: achieved", "/review_scale/levels/1/id",
         "already used"),
    ],
)  # fmt: skip
def test_rules_beyond_the_schema(
    tmp_path: Path, old: str, new: str, pointer: str, message: str
) -> None:
    """Rules a schema cannot state are checked too, with the pointer of the fault."""
    text = _minimal_text()
    assert old in text
    path = _write(tmp_path, text.replace(old, new))
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(path)
    [problem] = [p for p in info.value.problems if p.pointer == pointer]
    assert message in problem.message
    assert problem.line is not None


def test_undefined_alias_and_statement_sources(tmp_path: Path) -> None:
    """Alias and statement sources must be defined under sources."""
    text = _minimal_text().replace(
        "        label: Being outdoors\n",
        "        label: Being outdoors\n"
        "        aliases:\n          - label: Outdoors\n            source: NOWHERE\n"
        "        statement:\n          text: I get outdoors\n          source: NOWHERE\n",
    )
    text = text.replace(
        "    type: quality-of-life\n",
        "    type: quality-of-life\n    aliases:\n      - label: QoL\n        source: NOPE\n",
    )
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(_write(tmp_path, text))
    assert [p.pointer for p in info.value.problems] == [
        "/categories/0/aliases/0/source",
        "/categories/0/outcomes/0/aliases/0/source",
        "/categories/0/outcomes/0/statement/source",
    ]


def test_duplicate_source_and_category(tmp_path: Path) -> None:
    """Source keys and category ids are unique."""
    text = _minimal_text().replace(
        "    citation: A local source, 2026.\n",
        "    citation: A local source, 2026.\n  - key: LOCAL2026\n    citation: Again.\n",
    )
    first = text.index("categories:\n") + len("categories:\n")
    text = text + text[first:]
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(_write(tmp_path, text))
    pointers = [p.pointer for p in info.value.problems]
    assert "/sources/1/key" in pointers
    assert "/categories/1/id" in pointers
    assert "/categories/1/outcomes/0/id" in pointers


def test_replaced_by_needs_retired(tmp_path: Path) -> None:
    """Only a retired outcome can name a replacement."""
    text = _minimal_text().replace("        retired: true\n", "")
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(_write(tmp_path, text))
    assert [p.pointer for p in info.value.problems] == ["/categories/0/outcomes/1"]


def test_from_data_round_trip() -> None:
    """Framework data round-trips through objects unchanged."""
    framework = load_framework(MINIMAL)
    assert Framework.from_data(framework.to_data()) == framework
    with pytest.raises(InvalidFrameworkError) as info:
        Framework.from_data({"id": "x"}, source="my-data")
    assert str(info.value).startswith("my-data: not a valid framework file")


def test_registry_with_directory(tmp_path: Path) -> None:
    """A registry gains an organisation's framework files and stays immutable."""
    shutil.copy(MINIMAL, tmp_path / "local.yaml")
    (tmp_path / "notes.txt").write_text("not a framework", encoding="utf-8")
    base = bundled()
    registry = base.with_directory(tmp_path)
    assert registry.ids == ("adults", "care-homes", "carers", "local-test")
    assert base.ids == ("adults", "care-homes", "carers")
    assert len(registry) == 4
    assert "local-test" in registry
    assert registry.origins[-1] == str(tmp_path / "local.yaml")


def test_registry_versions_newest_by_default() -> None:
    """get() returns the newest version unless a version is asked for."""
    adults = attrs.evolve(bundled().get("adults"), version="1.0.0")
    registry = (
        Registry(frameworks=(adults,))
        .with_framework(attrs.evolve(adults, version="1.10.0"))
        .with_framework(attrs.evolve(adults, version="1.9.0"))
    )
    assert registry.versions("adults") == ("1.0.0", "1.9.0", "1.10.0")
    assert registry.get("adults").version == "1.10.0"
    assert registry.get("adults", "1.9.0").version == "1.9.0"
    assert [fw.version for fw in registry if fw.id == "adults"] == ["1.0.0", "1.9.0", "1.10.0"]
    assert [fw.id for fw in bundled().latest()] == ["adults", "care-homes", "carers"]
    with pytest.raises(UnknownFrameworkError) as info:
        registry.get("adults", "3.0.0")
    assert "known: adults 1.0.0, adults 1.9.0, adults 1.10.0" in str(info.value)


def test_unknown_framework_suggests(tmp_path: Path) -> None:
    """An unknown framework id is a LookupError listing the known ids."""
    with pytest.raises(UnknownFrameworkError) as info:
        bundled().get("carer")
    assert isinstance(info.value, LookupError)
    assert str(info.value) == (
        "no framework with that id is known (known: adults, care-homes, carers); "
        "did you mean 'carers'?"
    )
    with pytest.raises(UnknownFrameworkError, match="known: none"):
        Registry().versions("adults")


def test_duplicate_framework_version_is_refused(tmp_path: Path) -> None:
    """The same framework id and version twice is an error naming both files."""
    shutil.copy(MINIMAL, tmp_path / "a.yaml")
    shutil.copy(MINIMAL, tmp_path / "b.yaml")
    with pytest.raises(DuplicateFrameworkError) as info:
        bundled().with_directory(tmp_path)
    assert str(tmp_path / "a.yaml") in str(info.value)
    assert str(tmp_path / "b.yaml") in str(info.value)


def test_unreadable_directory(tmp_path: Path) -> None:
    """A folder that cannot be listed is an UnreadableFileError."""
    with pytest.raises(UnreadableFileError):
        bundled().with_directory(tmp_path / "missing")


def test_bundled_is_cached_and_immutable() -> None:
    """bundled() returns the same immutable registry every time."""
    assert bundled() is bundled()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        bundled().frameworks = ()  # type: ignore[misc]


def test_registry_from_frameworks() -> None:
    """A registry can be built directly from framework objects."""
    registry = Registry(frameworks=(bundled().get("adults"),))
    assert registry.origins == ("<data>",)
    assert registry.ids == ("adults",)


def test_labels_must_not_clash(tmp_path: Path) -> None:
    """Two outcomes whose labels match once case and punctuation are ignored are refused."""
    text = _minimal_text().replace("label: An old outcome", "label: being OUTDOORS!")
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(_write(tmp_path, text))
    [problem] = info.value.problems
    assert problem.pointer == "/categories/0/outcomes/1/label"
    assert "also a label of outcome 'being-outdoors'" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "pointer"),
    [
        ('version: "1.0.0"', 'version: "1.0.0\\n"', "/version"),
        ("  - id: quality-of-life", '  - id: "quality-of-life\\n"', "/categories/0/id"),
        ("canonical_source: LOCAL2026", 'canonical_source: "LOCAL2026\\n"', "/canonical_source"),
    ],
)
def test_a_trailing_newline_is_not_part_of_an_id(
    tmp_path: Path, old: str, new: str, pointer: str
) -> None:
    """Ids, versions and keys must match their pattern to the very end (no final newline)."""
    text = _minimal_text()
    assert old in text
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(_write(tmp_path, text.replace(old, new)))
    assert pointer in [p.pointer for p in info.value.problems]


def test_replacement_must_be_in_use(tmp_path: Path) -> None:
    """A retired outcome cannot be replaced by another retired outcome."""
    text = _minimal_text().replace(
        "        label: Being outdoors\n", "        label: Being outdoors\n        retired: true\n"
    )
    with pytest.raises(InvalidFrameworkError) as info:
        load_framework(_write(tmp_path, text))
    [problem] = info.value.problems
    assert problem.pointer == "/categories/0/outcomes/1/replaced_by"
    assert "itself retired" in problem.message
