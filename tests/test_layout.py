"""The package's layout: no import cycles, tidy public modules, classes at their public home."""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

import personal_outcomes
from personal_outcomes import errors, frameworks, records, schemas, validation
from personal_outcomes._cli import run

SOURCE = Path(personal_outcomes.__file__).parent
PACKAGE = "personal_outcomes"
PUBLIC_MODULES = (personal_outcomes, frameworks, validation, records, errors, schemas)

Graph = dict[str, set[str]]


# ---- the import graph ---------------------------------------------------------------


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Return every module of the package under ``root`` by its dotted name."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Return every import below ``node`` (in functions too), except under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            found.append(child)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                found.extend(_imports(ast.Module(body=[other], type_ignores=[])))
        else:
            found.extend(_imports(child))
    return found


def _targets(
    statement: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]
) -> set[str]:
    """Return the modules of the package that one import statement imports."""
    if isinstance(statement, ast.Import):
        return {alias.name for alias in statement.names} & known
    base = statement.module or ""
    if statement.level:
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(statement.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    targets = set()
    for alias in statement.names:
        submodule = f"{base}.{alias.name}"
        targets.add(submodule if submodule in known else base)
    return targets & known


def import_graph(root: Path, package: str) -> Graph:
    """Return, for every module of the package, the modules of the package it imports."""
    names = module_names(root, package)
    known = set(names)
    graph: Graph = {}
    for module, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[module] = set()
        for statement in _imports(tree):
            graph[module] |= _targets(statement, module, is_package, known)
        graph[module].discard(module)
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """Return one import cycle as ``[a, b, ..., a]``, or None; nodes are visited sorted."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target in on_stack:
                return [*stack[stack.index(target) :], target]
            if target not in done:
                cycle = visit(target)
                if cycle is not None:
                    return cycle
        stack.pop()
        on_stack.discard(node)
        done.add(node)
        return None

    for node in sorted(graph):
        if node not in done:
            cycle = visit(node)
            if cycle is not None:
                return cycle
    return None


def test_find_cycle_finds_cycles_in_small_graphs() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) is None
    assert find_cycle({"a": {"a"}}) == ["a", "a"]
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"x": {"a"}, "a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"z"}, "z": set(), "c": {"d"}, "d": {"c"}}) == [
        "c",
        "d",
        "c",
    ]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_import_graph_reads_every_kind_of_import(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "__init__.py": "from pkg.a import thing\nimport json\n",
            "a.py": "from . import b\nfrom .sub import deep\n",
            "b.py": (
                "from typing import TYPE_CHECKING\n"
                "import typing\n"
                "if TYPE_CHECKING:\n    from pkg import c\nelse:\n    import pkg.d\n"
                "if typing.TYPE_CHECKING:\n    import pkg.a\n"
                "def late():\n    from .sub.deep import x\n    return x\n"
            ),
            "c.py": "import pkg.sub as s\n",
            "d.py": "",
            "sub/__init__.py": "from .. import d\nfrom . import missing_name\n",
            "sub/deep.py": "from ..c import name\nimport os.path\n",
        },
    )
    assert import_graph(tmp_path, "pkg") == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.b", "pkg.sub.deep"},
        "pkg.b": {"pkg.d", "pkg.sub.deep"},
        "pkg.c": {"pkg.sub"},
        "pkg.d": set(),
        "pkg.sub": {"pkg.d"},
        "pkg.sub.deep": {"pkg.c"},
    }
    assert find_cycle(import_graph(tmp_path, "pkg")) is None


def test_import_graph_finds_a_cycle_through_an_import_inside_a_function(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg.b import f\n",
            "b.py": "def f():\n    from . import a\n    return a\n",
        },
    )
    assert find_cycle(import_graph(tmp_path, "pkg")) == ["pkg.a", "pkg.b", "pkg.a"]


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(SOURCE, PACKAGE)
    # The graph is the package's, read from the source: spot-check some edges.
    assert "personal_outcomes.validation._run" in graph["personal_outcomes.validation._validator"]
    assert "personal_outcomes.frameworks" in graph["personal_outcomes.validation._run"]
    assert "personal_outcomes._cli" in graph["personal_outcomes.__main__"]
    assert {"personal_outcomes", "personal_outcomes._cli", "personal_outcomes.errors"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


# ---- public modules -----------------------------------------------------------------


def isort_key(name: str) -> tuple[int, list[int | str]]:
    """Order names as ruff's RUF022 does: CONSTANTS, then Classes, then the rest, naturally."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def test_isort_key_orders_like_the_linter() -> None:
    names = ["load", "Issue", "ISSUE_CODES", "FileSummary", "__version__", "A", "x10", "x9", "F"]
    assert sorted(names, key=isort_key) == [
        "ISSUE_CODES",
        "A",
        "F",
        "FileSummary",
        "Issue",
        "__version__",
        "load",
        "x9",
        "x10",
    ]


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
def test_public_module_has_a_sorted_all_of_names_that_exist(module: ModuleType) -> None:
    names = module.__all__
    assert names == sorted(names, key=isort_key)
    assert len(set(names)) == len(names)
    assert [name for name in names if not hasattr(module, name)] == []
    if "__dir__" in vars(module):
        assert dir(module) == sorted(names)


def test_the_modules_that_define_dir() -> None:
    defined = [module.__name__ for module in PUBLIC_MODULES if "__dir__" in vars(module)]
    assert defined == [
        "personal_outcomes",
        "personal_outcomes.frameworks",
        "personal_outcomes.validation",
        "personal_outcomes.records",
        "personal_outcomes.schemas",
    ]
    assert dir(validation) == sorted(validation.__all__)
    assert dir(personal_outcomes)[:2] == ["Category", "Framework"]


PUBLIC_CLASSES = [
    *(
        ("personal_outcomes.frameworks", name)
        for name in (
            "Alias",
            "Category",
            "Framework",
            "Outcome",
            "Registry",
            "ReviewLevel",
            "ReviewScale",
            "Source",
            "Statement",
        )
    ),
    *(
        ("personal_outcomes.validation", name)
        for name in ("Issue", "Partial", "RecordResult", "Report", "Validator")
    ),
    *(
        ("personal_outcomes.records", name)
        for name in ("Contribution", "OutcomesRecord", "RecordedOutcome")
    ),
]


@pytest.mark.parametrize(("module", "name"), PUBLIC_CLASSES)
def test_public_classes_report_their_public_home(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert cls.__module__ == module
    assert cls.__qualname__ == name


def test_classes_exported_at_the_top_are_the_same_objects() -> None:
    homes = {
        name: getattr(personal_outcomes, name).__module__
        for name in personal_outcomes.__all__
        if inspect.isclass(getattr(personal_outcomes, name))
    }
    assert homes == {
        "Category": "personal_outcomes.frameworks",
        "Framework": "personal_outcomes.frameworks",
        "Outcome": "personal_outcomes.frameworks",
        "OutcomesRecord": "personal_outcomes.records",
        "Registry": "personal_outcomes.frameworks",
        "Validator": "personal_outcomes.validation",
    }
    for name, home in homes.items():
        assert getattr(importlib.import_module(home), name) is getattr(personal_outcomes, name)


def test_reprs_name_the_public_home() -> None:
    assert repr(frameworks.Framework) == "<class 'personal_outcomes.frameworks.Framework'>"
    assert repr(validation.Report) == "<class 'personal_outcomes.validation.Report'>"


def test_every_exported_exception_is_a_personal_outcomes_error() -> None:
    exceptions = [
        name
        for name in errors.__all__
        if inspect.isclass(getattr(errors, name))
        and issubclass(getattr(errors, name), BaseException)
    ]
    assert [
        name
        for name in exceptions
        if not issubclass(getattr(errors, name), errors.PersonalOutcomesError)
    ] == []
    # Every name but Problem (a plain record of one problem) is an exception.
    assert sorted(set(errors.__all__) - set(exceptions)) == ["Problem"]
    assert not issubclass(errors.Problem, BaseException)


def test_error_families() -> None:
    lookups = [
        "UnknownCategoryError",
        "UnknownFrameworkError",
        "UnknownNationalOutcomeError",
        "UnknownOutcomeError",
        "UnknownReviewLevelError",
        "UnknownSourceError",
    ]
    assert [n for n in errors.__all__ if issubclass(getattr(errors, n), LookupError)] == lookups
    assert [n for n in errors.__all__ if issubclass(getattr(errors, n), ValueError)] == [
        "NotValidError",
        "RecordDataError",
        "RecordWriteError",
        "TooManyPanelsError",
        "UnknownFormatError",
    ]
    assert [n for n in errors.__all__ if issubclass(getattr(errors, n), errors.InputError)] == [
        "AliasNotAllowedError",
        "DuplicateKeyError",
        "EncodingError",
        "InputError",
        "NestingTooDeepError",
        "UnsupportedYAMLError",
        "YAMLSyntaxError",
    ]
    assert issubclass(errors.RecordWriteError, TypeError)


# ---- personal-outcomes list --format json -------------------------------------------


def test_list_format_json_gives_every_framework_version() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["list", "--format", "json"], stdout, stderr) == 0
    assert stderr.getvalue() == ""
    assert json.loads(stdout.getvalue()) == [
        {
            "id": "adults",
            "version": "1.1.0",
            "title": "Outcomes important to adults living in the community",
            "categories": 3,
            "outcomes": 15,
        },
        {
            "id": "care-homes",
            "version": "1.1.0",
            "title": "Outcomes important to people living in care homes",
            "categories": 3,
            "outcomes": 20,
        },
        {
            "id": "carers",
            "version": "1.1.0",
            "title": "Outcomes important to unpaid carers",
            "categories": 4,
            "outcomes": 14,
        },
    ]
    # Indented by two, keys in this order, one final newline.
    assert stdout.getvalue().startswith(
        '[\n  {\n    "id": "adults",\n    "version": "1.1.0",\n    "title": '
    )
    assert stdout.getvalue().endswith('    "categories": 4,\n    "outcomes": 14\n  }\n]\n')


def test_list_format_json_includes_local_frameworks() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    folder = Path(__file__).parent / "data" / "frameworks"
    code = run(["--framework-dir", str(folder), "list", "--format", "json"], stdout, stderr)
    assert (code, stderr.getvalue()) == (0, "")
    listed = json.loads(stdout.getvalue())
    assert [(item["id"], item["version"]) for item in listed] == [
        ("adults", "1.1.0"),
        ("care-homes", "1.1.0"),
        ("carers", "1.1.0"),
        ("local-test", "1.0.0"),
    ]
    assert listed[-1] == {
        "id": "local-test",
        "version": "1.0.0",
        "title": "A local test framework",
        "categories": 1,
        "outcomes": 2,
    }


def test_the_version_is_the_one_in_pyproject() -> None:
    """``__version__`` (in _version.py) and the project's version in pyproject.toml agree."""
    import tomllib  # noqa: PLC0415 (only this test reads pyproject.toml)

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert personal_outcomes.__version__ == project["version"]
